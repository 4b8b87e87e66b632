/**
 * Discovery beside the paper's keyword search (`funnel --discover`) on the labelled realistic cards
 * (test/fixtures/real-cards): the real pipeline (ingest of the Hub-API dump, funnel, offline judge) runs
 * on the dev cards and on the holdout cards apart, once with the paper's method alone and once with
 * discovery, and every labelled (model, activity) pair is scored end to end (a pair never offered to the
 * judge counts as "not SE"), after the judge.
 *
 * The discovery stage was designed on the dev cards only. The holdout cards, and the blind d- cards
 * (written after the offline judge was frozen), were run when the design was done (first line below),
 * and once more after a last change decided on the labelling criteria and the dev cards (a re-upload,
 * adapter or fine-tune of a base named as a coder model weighs like a re-upload: "a quantised re-upload,
 * adapter or fine-tune of a coder model is SI"); nothing was changed after that. End to end, after the
 * judge (offline-rules/v3), precision / recall:
 *   dev     (116 cards, 580 pairs, 75 SE): without --discover 1.000 / 0.360;
 *                                          with: first 0.953 / 0.813, final 0.939 / 0.827 (62 found, 4 wrong)
 *   holdout ( 57 cards, 285 pairs, 42 SE): without --discover 1.000 / 0.429;
 *                                          with: first 0.974 / 0.881, final 0.925 / 0.881 (37 found, 3 wrong)
 *   blind   ( 48 cards, 240 pairs, 29 SE): without --discover 1.000 / 0.207;
 *                                          with: first 0.929 / 0.448, final 0.889 / 0.552 (16 found, 2 wrong)
 * The floors sit a little under the final run; the issue asks for recall >= 0.5 at precision >= 0.6.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { formatPairScores, type PairScores } from "../src/evaluate/pairs";
import { readRunTable } from "../src/run/files";
import { evaluateOnDump, type JudgeEvaluation } from "./support/judge-eval";
import { goldLabels, loadRealCards, writeHubDump, type Split } from "./support/real-cards";

type Group = Split | "blind";
const GROUPS: readonly Group[] = ["dev", "holdout", "blind"];
/** The blind cards: letter d (test/fixtures/real-cards/index-d.jsonl), written after the offline judge was frozen; never used to design discovery. */
const isBlind = (file: string) => file.replace(/^cards\//, "").startsWith("d-");

/** End-to-end floors after the judge, per group, without and with discovery. */
const FLOORS: Record<Group, { paper: { precision: number; recall: number }; discover: { precision: number; recall: number } }> = {
  dev: { paper: { precision: 0.95, recall: 0.33 }, discover: { precision: 0.9, recall: 0.79 } },
  holdout: { paper: { precision: 0.95, recall: 0.4 }, discover: { precision: 0.88, recall: 0.83 } },
  blind: { paper: { precision: 0.95, recall: 0.18 }, discover: { precision: 0.83, recall: 0.5 } },
};

const work = mkdtempSync(join(tmpdir(), "real-cards-discover-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const results = new Map<string, JudgeEvaluation>();
const key = (split: Group, discover: boolean) => `${split}:${discover ? "discover" : "paper"}`;

beforeAll(async () => {
  const fixtures = loadRealCards();
  for (const split of GROUPS) {
    const cards = fixtures.filter((f) => (split === "blind" ? isBlind(f.file) : !isBlind(f.file) && f.split === split));
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

const endToEnd = (split: Group, discover: boolean): PairScores => results.get(key(split, discover))!.scores.find((s) => s.scope === "end-to-end")!;

describe("discovery on the labelled realistic cards", () => {
  for (const split of GROUPS) {
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
    for (const split of GROUPS) {
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
