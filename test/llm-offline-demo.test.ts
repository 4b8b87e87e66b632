/**
 * The offline judge against the synthetic Hub's ground truth: generate a small demo corpus, run the
 * real search and Table III outlier rules, judge every (original model, activity) candidate, and
 * compare with the planted truth. The demo plants the paper's documented traps, so this catches a
 * rule that stops recognising one of them. (Near-duplicates are skipped using the truth's duplicateOf.)
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { readCorpus } from "../src/corpus/store";
import { generateDemoHub } from "../src/demo/generator";
import { GROUND_TRUTH_FILE, readGroundTruth } from "../src/demo/ground-truth";
import type { Verdict } from "../src/run/tables";
import { OfflineRulesJudge, OFFLINE_JUDGE_LABEL } from "../src/judges/offline-rules";
import { applyOutlierRules } from "../src/filter/outliers";
import { createPreparer } from "../src/prepare/preparer";
import { searchRecord } from "../src/search/match";
import { compileTaxonomy } from "../src/search/phrases";
import { activityCodeOf, ACTIVITY_CODES, loadTaxonomy, type ActivityCode } from "../src/taxonomy/taxonomy";
import { agreementRows, groundTruthReference, type AgreementRow } from "../src/validate/annotations";

let rows: AgreementRow[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "offline-demo-"));
  await generateDemoHub({ seed: 11, models: 1500, profile: "demo", outDir: dir });
  const truth = readGroundTruth(join(dir, GROUND_TRUTH_FILE));
  const originals = new Set(truth.filter((t) => t.duplicateOf === null).map((t) => t.id));
  const preparer = createPreparer();
  const compiled = compileTaxonomy(loadTaxonomy(), preparer);
  const verdicts: Verdict[] = [];
  const judge = new OfflineRulesJudge({ phrases: { compiled, preparer } });
  for (const record of await readCorpus(dir)) {
    if (!originals.has(record.id)) continue;
    const kept = applyOutlierRules(record, searchRecord(record, compiled, preparer).matches).filter((o) => o.excludedBy === null);
    for (const activity of ACTIVITY_CODES) {
      const evidence = kept.filter((o) => activityCodeOf(o.activity) === activity);
      if (evidence.length === 0) continue;
      const decision = judge.decide({ record, activity: activity as ActivityCode, evidence });
      verdicts.push({
        id: record.id,
        activity,
        relevant: decision.relevant,
        rationale: decision.rationale,
        judge: OFFLINE_JUDGE_LABEL,
        promptHash: "",
        error: null,
        outcome: decision.outcome,
      });
    }
  }
  rows = agreementRows(verdicts, groundTruthReference(verdicts, truth), "ground-truth");
}, 120_000);

/*
 * offline-rules/v3 judges what a card says the model is for; it no longer checks the generator's own
 * trap list, so the synthetic corpus is not scored perfectly any more (measured on this sample: kappa
 * 0.972 overall, precision 1.000, recall 0.980; SI 0.90, QA 0.90, SM 0.92, RE and SD 1.00). The misses
 * are true SE pairs whose only evidence is an abstract or an ambiguous task word with nothing about
 * software in its sentence: v3 leaves them uncertain, which counts as "not SE" here. The floors sit a
 * little under the measured run.
 */
describe("offline judge vs the demo ground truth", () => {
  test("agreement stays high overall and in every activity with enough pairs", () => {
    const all = rows.find((r) => r.scope === "all")!;
    expect(all.pairs).toBeGreaterThan(300);
    expect(all.kappa!).toBeGreaterThanOrEqual(0.95);
    expect(all.precision!).toBeGreaterThanOrEqual(0.97);
    expect(all.recall!).toBeGreaterThanOrEqual(0.95);
    for (const row of rows.filter((r) => r.scope !== "all" && r.pairs >= 15)) expect(row.kappa!, `kappa for ${row.scope}`).toBeGreaterThanOrEqual(0.85);
  });
});
