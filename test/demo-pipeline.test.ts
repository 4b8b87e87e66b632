/**
 * The shipped demo corpus against the project's own search, Table III rules and near-identical
 * card detection: the ground truth must be what those stages find, model by model. A failure here
 * means either a stage changed behaviour or the generator planted something it did not record.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { ModelRecord } from "../src/corpus/record";
import { readCorpus } from "../src/corpus/store";
import { GROUND_TRUTH_FILE, readGroundTruth, type GroundTruthRow } from "../src/demo/ground-truth";
import { applyOutlierRules } from "../src/filter/outliers";
import { findNearDuplicates } from "../src/filter/near-duplicates";
import { createPreparer } from "../src/prepare/preparer";
import { compileTaxonomy } from "../src/search/phrases";
import { searchRecord } from "../src/search/match";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";

const SHIPPED = join(__dirname, "..", "data", "demo");
const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();

describe("shipped demo corpus through search -> outliers -> near-identical cards", () => {
  let records: ModelRecord[];
  let truth: GroundTruthRow[];
  const found: { id: string; tasks: string[]; kept: string[]; category: string }[] = [];

  beforeAll(async () => {
    records = await readCorpus(SHIPPED);
    truth = readGroundTruth(join(SHIPPED, GROUND_TRUTH_FILE));
    const preparer = createPreparer();
    const compiled = compileTaxonomy(loadTaxonomy(), preparer);
    for (const record of records) {
      const result = searchRecord(record, compiled, preparer);
      const occurrences = applyOutlierRules(record, result.matches);
      found.push({
        id: record.id,
        tasks: sorted(result.matches.map((m) => m.taskId)),
        kept: sorted(occurrences.filter((o) => o.excludedBy === null).map((o) => o.taskId)),
        category: result.documentation.category,
      });
    }
  });

  test("the search finds exactly the planted tasks of every model", () => {
    // Index before filtering: the message must show the ground truth of the same model.
    const wrong = found.flatMap((f, i) => (f.tasks.join() !== truth[i]!.plantedTasks.join() ? [`${f.id}: ${f.tasks} vs ${truth[i]!.plantedTasks}`] : []));
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  test("Table III keeps exactly the ground truth's keptTasks (outlier-only models keep none)", () => {
    const wrong = found.filter((f, i) => f.kept.join() !== truth[i]!.keptTasks.join()).map((f) => f.id);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(truth.filter((t) => t.role === "outlier-only").length).toBeGreaterThan(100);
  });

  test("Table VI categories agree", () => {
    const wrong = found.filter((f, i) => f.category !== truth[i]!.documentation).map((f) => f.id);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  test("near-identical card detection recovers every planted copy and nothing else", () => {
    const candidates = records.filter((_, i) => found[i]!.kept.length > 0);
    const result = findNearDuplicates(
      candidates.map((r) => ({ id: r.id, createdAt: r.createdAt, text: r.cardBody ?? "" })),
      { threshold: 0.99 },
    );
    const detected = new Map(result.pairs.map((p) => [p.variant, p.original]));
    const planted = new Map(truth.filter((t) => t.duplicateOf !== null).map((t) => [t.id, t.duplicateOf!]));
    expect(detected.size).toBe(planted.size);
    for (const [variant, original] of planted) expect(detected.get(variant), variant).toBe(original);
  });
});
