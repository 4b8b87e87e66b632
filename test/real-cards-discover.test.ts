/**
 * Discovery beside the paper's keyword search (`funnel --discover`) on the labelled realistic cards
 * (test/fixtures/real-cards): the real pipeline (ingest of the Hub-API dump, funnel, offline judge) runs
 * on the dev cards and on the holdout cards apart, once with the paper's method alone and once with
 * discovery, and every labelled (model, activity) pair is scored end to end (a pair never offered to the
 * judge counts as "not SE"), after the judge.
 *
 * The discovery stage was designed on the dev cards only; the holdout cards were first run when the
 * design was done. Measured (offline-rules/v3, end to end, after the judge):
 *   dev     (116 cards, 580 pairs, 75 SE): without --discover precision 1.000 recall 0.360 (27 found);
 *                                          with --discover    precision 0.953 recall 0.813 (61 found, 3 wrong, 7 uncertain)
 *   holdout ( 57 cards, 285 pairs, 42 SE): without --discover precision 1.000 recall 0.429 (18 found);
 *                                          with --discover    precision 0.974 recall 0.881 (37 found, 1 wrong, 5 uncertain)
 * The floors sit a little under these; the issue asks for recall >= 0.5 at precision >= 0.6 with discovery.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { formatPairScores, type PairScores } from "../src/evaluate/pairs";
import { readRunTable } from "../src/run/files";
import { evaluateOnDump, type JudgeEvaluation } from "./support/judge-eval";
import { goldLabels, loadRealCards, writeHubDump, type Split } from "./support/real-cards";

/** End-to-end floors after the judge, per split, without and with discovery. */
const FLOORS: Record<Split, { paper: { precision: number; recall: number }; discover: { precision: number; recall: number } }> = {
  dev: { paper: { precision: 0.95, recall: 0.33 }, discover: { precision: 0.9, recall: 0.77 } },
  holdout: { paper: { precision: 0.95, recall: 0.4 }, discover: { precision: 0.9, recall: 0.83 } },
};

const work = mkdtempSync(join(tmpdir(), "real-cards-discover-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const results = new Map<string, JudgeEvaluation>();
const key = (split: Split, discover: boolean) => `${split}:${discover ? "discover" : "paper"}`;

beforeAll(async () => {
  const fixtures = loadRealCards();
  for (const split of ["dev", "holdout"] as const) {
    const cards = fixtures.filter((f) => f.split === split);
    const dump = join(work, `${split}.jsonl`);
    writeHubDump(cards, dump);
    const labels = goldLabels(cards).map((g) => ({ id: g.id, activity: g.activity, relevant: g.relevant }));
    const paper = await evaluateOnDump(dump, labels, join(work, split, "paper"));
    const discover = await evaluateOnDump(dump, labels, join(work, split, "discover"), undefined, { discover: true, corpusDir: paper.corpusDir });
    results.set(key(split, false), paper);
    results.set(key(split, true), discover);
    for (const [name, evaluation] of [
      ["without --discover", paper],
      ["with --discover", discover],
    ] as const) {
      process.stdout.write(`${formatPairScores(evaluation.scores, `${split} cards, ${name} (${cards.length} cards, ${labels.length} labelled pairs)`)}\n`);
    }
  }
}, 600_000);

const endToEnd = (split: Split, discover: boolean): PairScores => results.get(key(split, discover))!.scores.find((s) => s.scope === "end-to-end")!;

describe("discovery on the labelled realistic cards", () => {
  for (const split of ["dev", "holdout"] as const) {
    test(`${split}: pair precision and recall after the judge, with and without --discover, stay above their floors`, () => {
      const paper = endToEnd(split, false);
      const discover = endToEnd(split, true);
      expect(paper.precision!).toBeGreaterThanOrEqual(FLOORS[split].paper.precision);
      expect(paper.recall!).toBeGreaterThanOrEqual(FLOORS[split].paper.recall);
      expect(discover.precision!).toBeGreaterThanOrEqual(FLOORS[split].discover.precision);
      expect(discover.recall!).toBeGreaterThanOrEqual(FLOORS[split].discover.recall);
      // Discovery finds what the search cannot see: more true pairs, none of the search's lost.
      expect(discover.truePositives).toBeGreaterThan(paper.truePositives);
    });
  }

  test("every discovered pair reaches the judge with its evidence, and the paper's own tables are the same with or without discovery", () => {
    for (const split of ["dev", "holdout"] as const) {
      const paperRun = results.get(key(split, false))!.runDir;
      const run = results.get(key(split, true))!.runDir;
      // The paper's stages are untouched by discovery.
      for (const table of ["matches", "occurrences", "candidates", "nearDuplicates"] as const) {
        expect(readRunTable(run, table), `${split} ${table}`).toEqual(readRunTable(paperRun, table));
      }
      const discovered = readRunTable(run, "discovered").filter((d) => d.kept);
      expect(discovered.length).toBeGreaterThan(10);
      const evidence = readRunTable(run, "discoveryEvidence");
      const verdicts = readRunTable(run, "verdicts");
      for (const d of discovered) {
        for (const activity of d.added) {
          expect(
            evidence.some((e) => e.modelId === d.id && e.activity === activity),
            `${d.id} ${activity}`,
          ).toBe(true);
          const verdict = verdicts.find((v) => v.id === d.id && v.activity === activity);
          expect(verdict, `${d.id} ${activity}`).toBeDefined();
          const weighed = JSON.parse(verdict!.evidence!) as Array<{ kind: string; provenance: string }>;
          expect(weighed.some((e) => e.kind !== "task" && e.provenance !== "")).toBe(true);
        }
      }
    }
  });
});
