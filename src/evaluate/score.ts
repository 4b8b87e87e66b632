/**
 * Precision and recall of each funnel stage against a synthetic Hub's ground truth
 * (`<corpus>/ground-truth.arrow`, src/demo/ground-truth.ts), overall and per activity:
 *
 * - search: (model, task) pairs found vs the tasks planted in card, metadata or abstract;
 * - outliers: models the Table III rules removed vs models whose every planted occurrence is an outlier
 *   hit (`outlierOnly`); and the (model, task) pairs kept vs `keptTasks`;
 * - near-duplicates: (original, variant) pairs vs `duplicateOf`;
 * - final: (model, activity) pairs of `se-models.arrow` (after the relevance check) or, before that check
 *   has run, of `filter/unique.arrow`, vs the true SE activities of models that are not copies.
 *
 * Pure scoring over rows; `scoreRun` is the I/O edge.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { GROUND_TRUTH_FILE, type GroundTruthRow } from "../demo/ground-truth";
import { ACTIVITY_CODES, taskById, type Taxonomy } from "../taxonomy/taxonomy";
import { alignColumns } from "../util/format";
import { readArrowFile, readRows, type TableSpec } from "../util/arrow-table";

export const EVALUATION_STAGES = ["search", "outliers-removed", "outliers-kept", "near-duplicates", "final"] as const;
export type EvaluationStage = (typeof EVALUATION_STAGES)[number];

export interface ScoreRow {
  stage: EvaluationStage;
  /** "all" or an activity code. */
  activity: string;
  /** What is counted: "model-task", "model", "pair" or "model-activity". */
  unit: string;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Null when nothing was predicted. */
  precision: number | null;
  /** Null when there was nothing to find. */
  recall: number | null;
}

export const SCORE_COLUMNS: TableSpec<ScoreRow> = [
  { name: "stage", type: "string" },
  { name: "activity", type: "string" },
  { name: "unit", type: "string" },
  { name: "truePositives", type: "int" },
  { name: "falsePositives", type: "int" },
  { name: "falseNegatives", type: "int" },
  { name: "precision", type: "float", nullable: true },
  { name: "recall", type: "float", nullable: true },
];

/** Compare a predicted set with a true set of keys. */
export function score(stage: EvaluationStage, activity: string, unit: string, predicted: ReadonlySet<string>, truth: ReadonlySet<string>): ScoreRow {
  let truePositives = 0;
  for (const key of predicted) if (truth.has(key)) truePositives++;
  const falsePositives = predicted.size - truePositives;
  const falseNegatives = truth.size - truePositives;
  return {
    stage,
    activity,
    unit,
    truePositives,
    falsePositives,
    falseNegatives,
    precision: predicted.size === 0 ? null : truePositives / predicted.size,
    recall: truth.size === 0 ? null : truePositives / truth.size,
  };
}

/** What a run predicted, as plain rows (read by {@link readRunPredictions}). */
export interface RunPredictions {
  /** Distinct (model, task id, activity) found by the search. */
  matches: Array<{ modelId: string; taskId: string; activity: string }>;
  /** Models with at least one match. */
  matched: string[];
  candidates: Array<{ id: string; activities: string[]; taskIds: string[] }>;
  nearDuplicates: Array<{ original: string; variant: string }>;
  /** The final list and where it came from. */
  final: Array<{ id: string; activities: string[] }>;
  finalSource: "se-models.arrow" | "filter/unique.arrow";
}

const key = (...parts: string[]) => parts.join("\u0000");

/** The ground-truth columns scoring reads. */
export type TruthFacts = Pick<GroundTruthRow, "id" | "plantedTasks" | "outlierOnly" | "keptTasks" | "duplicateOf" | "expectedFinal" | "seActivities">;

/** Score every stage in one pass over the ground truth; `taxonomy` gives planted tasks their activity. */
export function scoreStages(predictions: RunPredictions, truth: Iterable<TruthFacts>, taxonomy: Taxonomy): ScoreRow[] {
  const activityOf = new Map([...taskById(taxonomy)].map(([id, task]) => [id, task.activity as string]));
  const activities = ["all", ...ACTIVITY_CODES];
  const perActivity = () => new Map(activities.map((a) => [a, new Set<string>()]));
  const addTask = (sets: Map<string, Set<string>>, id: string, task: string) => {
    sets.get("all")!.add(key(id, task));
    const activity = activityOf.get(task);
    if (activity !== undefined) sets.get(activity)!.add(key(id, task));
  };
  // What a model counts as in the final list: itself overall, (model, activity) per activity.
  const addFinal = (sets: Map<string, Set<string>>, id: string, list: readonly string[]) => {
    if (list.length > 0) sets.get("all")!.add(id);
    for (const a of list) sets.get(a)?.add(key(id, a));
  };

  const planted = perActivity();
  const keptTruth = perActivity();
  const finalTruth = perActivity();
  const outlierOnly = new Set<string>();
  const duplicates = new Set<string>();
  for (const t of truth) {
    for (const task of t.plantedTasks) addTask(planted, t.id, task);
    for (const task of t.keptTasks) addTask(keptTruth, t.id, task);
    if (t.outlierOnly) outlierOnly.add(t.id);
    if (t.duplicateOf !== null) duplicates.add(key(t.duplicateOf, t.id));
    if (t.expectedFinal) addFinal(finalTruth, t.id, t.seActivities);
  }

  const found = perActivity();
  for (const m of predictions.matches) {
    found.get("all")!.add(key(m.modelId, m.taskId));
    found.get(m.activity)?.add(key(m.modelId, m.taskId));
  }
  const kept = perActivity();
  for (const c of predictions.candidates) for (const task of c.taskIds) addTask(kept, c.id, task);
  const final = perActivity();
  for (const m of predictions.final) addFinal(final, m.id, m.activities);
  const candidateIds = new Set(predictions.candidates.map((c) => c.id));
  const removed = new Set(predictions.matched.filter((id) => !candidateIds.has(id)));

  return [
    ...activities.map((a) => score("search", a, "model-task", found.get(a)!, planted.get(a)!)),
    score("outliers-removed", "all", "model", removed, outlierOnly),
    ...activities.map((a) => score("outliers-kept", a, "model-task", kept.get(a)!, keptTruth.get(a)!)),
    score("near-duplicates", "all", "pair", new Set(predictions.nearDuplicates.map((p) => key(p.original, p.variant))), duplicates),
    ...activities.map((a) => score("final", a, a === "all" ? "model" : "model-activity", final.get(a)!, finalTruth.get(a)!)),
  ];
}

/** Ground-truth facts streamed batch by batch from the Arrow file (a paper-sized truth has 1.5M rows). */
export function* readTruthFacts(path: string): Generator<TruthFacts> {
  const table = readArrowFile(path);
  const list = (value: unknown): string[] => (value === null || value === undefined ? [] : Array.from(value as Iterable<string>));
  for (const batch of table.batches) {
    const column = (name: string) => {
      const vector = batch.getChild(name);
      if (!vector) throw new Error(`${path}: no column "${name}"`);
      return vector;
    };
    const [id, plantedTasks, outlierOnly, keptTasks, duplicateOf, expectedFinal, seActivities] = [
      "id",
      "plantedTasks",
      "outlierOnly",
      "keptTasks",
      "duplicateOf",
      "expectedFinal",
      "seActivities",
    ].map(column);
    for (let i = 0; i < batch.numRows; i++) {
      yield {
        id: id!.get(i),
        plantedTasks: list(plantedTasks!.get(i)),
        outlierOnly: outlierOnly!.get(i),
        keptTasks: list(keptTasks!.get(i)),
        duplicateOf: duplicateOf!.get(i) ?? null,
        expectedFinal: expectedFinal!.get(i),
        seActivities: list(seActivities!.get(i)),
      };
    }
  }
}

/** Read what a run directory predicted (only the columns scoring needs). */
export function readRunPredictions(runDir: string): RunPredictions {
  const need = (path: string, hint: string) => {
    if (!existsSync(path)) throw new Error(`missing ${path}: ${hint}`);
    return path;
  };
  const matchesTable = readArrowFile(need(join(runDir, "search", "matches.arrow"), "run the funnel first"));
  const seen = new Set<string>();
  const matches: RunPredictions["matches"] = [];
  for (const batch of matchesTable.batches) {
    const [modelId, taskId, activity] = ["modelId", "taskId", "activity"].map((n) => batch.getChild(n)!);
    for (let i = 0; i < batch.numRows; i++) {
      const k = key(modelId!.get(i), taskId!.get(i));
      if (seen.has(k)) continue;
      seen.add(k);
      matches.push({ modelId: modelId!.get(i), taskId: taskId!.get(i), activity: activity!.get(i) });
    }
  }
  const matched = [...new Set(matches.map((m) => m.modelId))];
  const candidates = readRows<{ id: string; activities: string[]; taskIds: string[] }>(need(join(runDir, "filter", "candidates.arrow"), "run the funnel first"));
  const nearDuplicates = readRows<{ original: string; variant: string }>(need(join(runDir, "filter", "near-duplicates.arrow"), "run the funnel first"));
  const seModels = join(runDir, "se-models.arrow");
  const finalSource = existsSync(seModels) ? "se-models.arrow" : "filter/unique.arrow";
  const final = readRows<{ id: string; activities: string[] | null }>(existsSync(seModels) ? seModels : join(runDir, "filter", "unique.arrow")).map((r) => ({
    id: r.id,
    activities: r.activities ?? [],
  }));
  return { matches, matched, candidates, nearDuplicates, final, finalSource };
}

export interface RunScore {
  rows: ScoreRow[];
  finalSource: RunPredictions["finalSource"];
  groundTruth: string;
}

/** Score a run directory against `<corpusDir>/ground-truth.arrow`; null when the corpus has no ground truth. */
export function scoreRun(runDir: string, corpusDir: string, taxonomy: Taxonomy): RunScore | null {
  const groundTruth = join(corpusDir, GROUND_TRUTH_FILE);
  if (!existsSync(groundTruth)) return null;
  const predictions = readRunPredictions(runDir);
  return { rows: scoreStages(predictions, readTruthFacts(groundTruth), taxonomy), finalSource: predictions.finalSource, groundTruth };
}

/** Plain-text table of score rows. */
export function formatScores(rows: readonly ScoreRow[]): string {
  const ratio = (x: number | null) => (x === null ? "-" : x.toFixed(3));
  const lines = [["stage", "activity", "unit", "TP", "FP", "FN", "precision", "recall"]];
  for (const r of rows) lines.push([r.stage, r.activity, r.unit, String(r.truePositives), String(r.falsePositives), String(r.falseNegatives), ratio(r.precision), ratio(r.recall)]);
  return alignColumns(lines, 3);
}
