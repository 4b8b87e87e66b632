/**
 * The relevance judge on the labelled realistic cards (test/fixtures/real-cards): the real pipeline
 * (ingest of the Hub-API dump, funnel, offline judge) runs on the dev cards and on the holdout cards
 * apart, and every (model, activity) pair is scored against the gold labels.
 *
 * Two scopes are printed (src/evaluate/pairs.ts): "judge", the pairs that reached the judge (what the
 * judge can be held to), and "end-to-end", every labelled pair (a pair the search never found counts
 * as missed: the search finds no task phrase in many SE cards, a matter for a discovery stage, not for
 * the judge). Uncertain pairs count as "not SE" and are printed apart.
 *
 * The floors sit a little under a measured run of offline-rules/v3 (judge scope: dev 90 pairs,
 * precision, recall and kappa 1.000 with 1 pair uncertain; holdout 45 pairs, 1.000 / 1.000 / 1.000
 * with 1 pair uncertain; end-to-end recall dev 0.360, holdout 0.429). They catch a judge that falls
 * back towards the v2 rules (precision 0.16, kappa 0.18 on real cards) and a search that loses matches.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { formatPairScores, type PairScores } from "../src/evaluate/pairs";
import { evaluateOnDump, type JudgeEvaluation } from "./support/judge-eval";
import { goldLabels, loadRealCards, writeHubDump, type Split } from "./support/real-cards";

type Group = Split | "blind";
const GROUPS: readonly Group[] = ["dev", "holdout", "blind"];
/** The blind cards: letter d (test/fixtures/real-cards/index-d.jsonl). */
const isBlind = (file: string) => file.replace(/^cards\//, "").startsWith("d-");

/** Floors for the judge scope, and for end-to-end recall, per group. */
const FLOORS: Record<Group, { pairs: number; precision: number; recall: number; kappa: number; endToEndRecall: number }> = {
  dev: { pairs: 30, precision: 0.93, recall: 0.95, kappa: 0.93, endToEndRecall: 0.33 },
  holdout: { pairs: 30, precision: 0.9, recall: 0.9, kappa: 0.85, endToEndRecall: 0.4 },
  // BLIND_MEASURED (first run, offline-rules/v3 frozen): 21 pairs reached the judge, precision 1.000,
  // recall 0.857 (one relevant pair judged not relevant), kappa 0.889; end-to-end recall 0.207.
  blind: { pairs: 15, precision: 0.85, recall: 0.7, kappa: 0.75, endToEndRecall: 0.18 },
};

const work = mkdtempSync(join(tmpdir(), "real-cards-judge-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const results = new Map<Group, JudgeEvaluation>();

beforeAll(async () => {
  const fixtures = loadRealCards();
  for (const split of GROUPS) {
    const cards = fixtures.filter((f) => (split === "blind" ? isBlind(f.file) : !isBlind(f.file) && f.split === split));
    const dir = join(work, split);
    const dump = join(work, `${split}.jsonl`);
    writeHubDump(cards, dump);
    const labels = goldLabels(cards).map((g) => ({ id: g.id, activity: g.activity, relevant: g.relevant }));
    const evaluation = await evaluateOnDump(dump, labels, dir);
    results.set(split, evaluation);
    process.stdout.write(
      `${formatPairScores(evaluation.scores, `offline judge on the ${split} cards (${cards.length} cards, ${labels.length} labelled pairs)`)}\n`,
    );
  }
}, 600_000);

const scope = (split: Group, name: PairScores["scope"]) => results.get(split)!.scores.find((s) => s.scope === name)!;

describe("offline judge on the labelled realistic cards", () => {
  for (const split of GROUPS) {
    test(`${split}: precision, recall and kappa of the judge stay above their floors`, () => {
      const judged = scope(split, "judge");
      expect(judged.pairs).toBeGreaterThan(FLOORS[split].pairs);
      expect(judged.precision!).toBeGreaterThanOrEqual(FLOORS[split].precision);
      expect(judged.recall!).toBeGreaterThanOrEqual(FLOORS[split].recall);
      expect(judged.kappa!).toBeGreaterThanOrEqual(FLOORS[split].kappa);
      // The judge improves on taking every candidate (what the run would say without it).
      expect(judged.precision!).toBeGreaterThan(scope(split, "before-judge").precision! + 0.3);
      expect(scope(split, "end-to-end").recall!).toBeGreaterThanOrEqual(FLOORS[split].endToEndRecall);
    });
  }

  test("every judged pair carries its outcome, reasons and the evidence it weighed, with provenance", () => {
    for (const evaluation of results.values()) {
      for (const d of evaluation.decisions) {
        if (d.verdict === null) continue;
        expect(d.verdict.outcome, `${d.id} ${d.activity}`).toMatch(/^(relevant|not-relevant|uncertain)$/);
        expect(d.verdict.reasons!.length).toBeGreaterThan(0);
        const evidence = JSON.parse(d.verdict.evidence!) as Array<{ provenance: string }>;
        expect(evidence.every((e) => typeof e.provenance === "string" && e.provenance !== "")).toBe(true);
      }
    }
  });
});
