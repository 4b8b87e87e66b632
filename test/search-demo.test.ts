/**
 * Contract check with the synthetic Hub: the search and the Table III rules must find exactly what the
 * demo generator says it planted (Table VI category, matched or not, tasks kept after the rules).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { readCorpus } from "../src/corpus/store";
import { generateDemoHub } from "../src/demo/generator";
import { GROUND_TRUTH_FILE, GROUND_TRUTH_SPEC, type GroundTruthRow } from "../src/demo/ground-truth";
import { applyOutlierRules, modelsAfterOutliers } from "../src/filter/outliers";
import { createPreparer } from "../src/prepare/preparer";
import { searchRecord } from "../src/search/match";
import { compileTaxonomy } from "../src/search/phrases";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";
import type { ModelRecord } from "../src/corpus/record";
import { readRows } from "../src/util/arrow-table";

let dir = "";
let records: ModelRecord[] = [];
let truth = new Map<string, GroundTruthRow>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "search-demo-"));
  await generateDemoHub({ seed: 7, models: 800, profile: "demo", outDir: dir });
  records = await readCorpus(dir);
  truth = new Map(readRows(join(dir, GROUND_TRUTH_FILE), GROUND_TRUTH_SPEC).map((row) => [row.id, row]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("search and outlier rules agree with the demo ground truth, model by model", () => {
  const preparer = createPreparer();
  const compiled = compileTaxonomy(loadTaxonomy(), preparer);
  const disagreements: string[] = [];
  let matchedModels = 0;
  for (const record of records) {
    const expected = truth.get(record.id)!;
    const { matches, documentation } = searchRecord(record, compiled, preparer);
    const candidate = modelsAfterOutliers(applyOutlierRules(record, matches))[0];
    if (matches.length > 0) matchedModels++;
    const got = { category: documentation.category, matched: matches.length > 0, kept: candidate?.taskIds ?? [] };
    const want = { category: expected.documentation, matched: expected.plantedTasks.length > 0, kept: [...expected.keptTasks].sort() };
    if (JSON.stringify(got) !== JSON.stringify(want)) disagreements.push(`${record.id}: got ${JSON.stringify(got)}, ground truth ${JSON.stringify(want)}`);
  }
  expect(records.length).toBe(800);
  expect(matchedModels).toBeGreaterThan(100);
  expect(disagreements).toEqual([]);
});
