/**
 * Precision and recall of each funnel stage against a synthetic Hub's ground truth
 * (`<corpus>/ground-truth.arrow`, src/demo/ground-truth.ts), overall and per activity:
 *
 * - search: (model, task) pairs found vs the tasks planted in card, metadata or abstract;
 * - outliers: models the Table III rules removed vs models whose every planted occurrence is an outlier
 *   hit (`outlierOnly`); and the (model, task) pairs kept vs `keptTasks`;
 * - near-duplicates: (original, variant) pairs vs `duplicateOf`;
 * - final: (model, activity) pairs of the SE models table (after the relevance check) or, before that
 *   check has run, of the unique table, vs the true SE activities of models that are not copies.
 * With discovery (`funnel --discover` runs only), two more, over the SE pairs the paper's search cannot
 * see (a true SE activity of a model that is not a copy, without a kept task phrase of it):
 * - discovered: the pairs discovery adds that reach the judge (discover/candidates.arrow, kept);
 * - discovered-relevant: those of them judged relevant (in the SE models table).
 *
 * Pure scoring over rows; `scoreRun` is the I/O edge.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { GROUND_TRUTH_FILE, type GroundTruthRow } from "../demo/ground-truth";
import { hasRunTable, readRunTable, scanRunTable } from "../run/files";
import { RUN_FILES, runLayout } from "../run/layout";
import type { CandidateModel, NearDuplicatePair, SeModelRow, TaskMatch } from "../run/tables";
import { ACTIVITY_CODES, taskById, type Taxonomy } from "../taxonomy/taxonomy";
import { alignColumns } from "../util/format";
import { col, defineTable, scanRows, writeRows, type RowOf } from "../util/arrow-table";

export const EVALUATION_STAGES = ["search", "outliers-removed", "outliers-kept", "near-duplicates", "final", "discovered", "discovered-relevant"] as const;
export type EvaluationStage = (typeof EVALUATION_STAGES)[number];

/** The run's evaluation table (`runLayout(run).evaluation`): written by `score` and by nothing else, so declared here. */
export const SCORES = defineTable({
  stage: col.string<EvaluationStage>(),
  /** "all" or an activity code. */
  activity: col.string(),
  /** What is counted: "model-task", "model", "pair" or "model-activity". */
  unit: col.string(),
  truePositives: col.int(),
  falsePositives: col.int(),
  falseNegatives: col.int(),
  /** Null when nothing was predicted. */
  precision: col.float({ nullable: true }),
  /** Null when there was nothing to find. */
  recall: col.float({ nullable: true }),
});
export type ScoreRow = RowOf<typeof SCORES>;

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
  matches: Array<Pick<TaskMatch, "modelId" | "taskId" | "activity">>;
  /** Models with at least one match. */
  matched: string[];
  candidates: Array<Pick<CandidateModel, "id" | "activities" | "taskIds">>;
  nearDuplicates: Array<Pick<NearDuplicatePair, "original" | "variant">>;
  /** The final list and where it came from. */
  final: Array<Pick<SeModelRow, "id" | "activities">>;
  finalSource: (typeof RUN_FILES)["seModels" | "unique"];
  /** `funnel --discover` runs: the pairs discovery adds that reach the judge; absent otherwise. */
  discovered?: Array<{ id: string; added: string[] }>;
}

const key = (...parts: string[]) => parts.join("\u0000");

/** The ground-truth columns scoring reads. */
export type TruthFacts = Pick<
  GroundTruthRow,
  "id" | "plantedTasks" | "outlierOnly" | "keptTasks" | "duplicateOf" | "expectedFinal" | "seActivities" | "candidateActivities"
>;

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
  // A (model, activity) pair, overall and under its activity.
  const addPair = (sets: Map<string, Set<string>>, id: string, activity: string) => {
    sets.get("all")!.add(key(id, activity));
    sets.get(activity)?.add(key(id, activity));
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
  // SE pairs the paper's search cannot see: what discovery is scored against.
  const hidden = perActivity();
  for (const t of truth) {
    if (t.expectedFinal) for (const a of t.seActivities) if (!t.candidateActivities.includes(a)) addPair(hidden, t.id, a);
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

  const discoveryRows: ScoreRow[] = [];
  if (predictions.discovered) {
    const offered = perActivity();
    const judged = perActivity();
    const relevant = new Set(predictions.final.flatMap((m) => m.activities.map((a) => key(m.id, a))));
    for (const d of predictions.discovered) {
      for (const a of d.added) {
        addPair(offered, d.id, a);
        if (relevant.has(key(d.id, a))) addPair(judged, d.id, a);
      }
    }
    // Judged pairs only once the relevance check has run (before it the final list is the unique table).
    const stages = [["discovered", offered] as const, ...(predictions.finalSource === RUN_FILES.seModels ? [["discovered-relevant", judged] as const] : [])];
    for (const [stage, sets] of stages) {
      discoveryRows.push(...activities.map((a) => score(stage, a, "model-activity", sets.get(a)!, hidden.get(a)!)));
    }
  }

  return [
    ...activities.map((a) => score("search", a, "model-task", found.get(a)!, planted.get(a)!)),
    score("outliers-removed", "all", "model", removed, outlierOnly),
    ...activities.map((a) => score("outliers-kept", a, "model-task", kept.get(a)!, keptTruth.get(a)!)),
    score("near-duplicates", "all", "pair", new Set(predictions.nearDuplicates.map((p) => key(p.original, p.variant))), duplicates),
    ...activities.map((a) => score("final", a, a === "all" ? "model" : "model-activity", final.get(a)!, finalTruth.get(a)!)),
    ...discoveryRows,
  ];
}

/** Ground-truth facts streamed batch by batch from the Arrow file (a paper-sized truth has 1.5M rows). */
export function* readTruthFacts(path: string): Generator<TruthFacts> {
  const columns = ["id", "plantedTasks", "outlierOnly", "keptTasks", "duplicateOf", "expectedFinal", "seActivities", "candidateActivities"] as const;
  for (const row of scanRows<GroundTruthRow, (typeof columns)[number]>(path, columns)) {
    yield {
      ...row,
      plantedTasks: row.plantedTasks ?? [],
      keptTasks: row.keptTasks ?? [],
      seActivities: row.seActivities ?? [],
      candidateActivities: row.candidateActivities ?? [],
    };
  }
}

/** Read what a run directory predicted (only the columns scoring needs). */
export function readRunPredictions(runDir: string): RunPredictions {
  const seen = new Set<string>();
  const matches: RunPredictions["matches"] = [];
  for (const match of scanRunTable(runDir, "matches", ["modelId", "taskId", "activity"])) {
    const k = key(match.modelId, match.taskId);
    if (seen.has(k)) continue;
    seen.add(k);
    matches.push(match);
  }
  const matched = [...new Set(matches.map((m) => m.modelId))];
  const candidates = readRunTable(runDir, "candidates", ["id", "activities", "taskIds"]);
  const nearDuplicates = readRunTable(runDir, "nearDuplicates", ["original", "variant"]);
  const finalTable = hasRunTable(runDir, "seModels") ? "seModels" : "unique";
  const final = readRunTable(runDir, finalTable, ["id", "activities"]).map((r) => ({ id: r.id, activities: r.activities ?? [] }));
  const discovered = hasRunTable(runDir, "discovered")
    ? readRunTable(runDir, "discovered", ["id", "added", "kept"])
        .filter((d) => d.kept)
        .map((d) => ({ id: d.id, added: d.added ?? [] }))
    : null;
  return { matches, matched, candidates, nearDuplicates, final, finalSource: RUN_FILES[finalTable], ...(discovered ? { discovered } : {}) };
}

/** Write the scores into the run directory (`score`). */
export async function writeEvaluation(runDir: string, rows: readonly ScoreRow[]): Promise<string> {
  const path = runLayout(runDir).evaluation;
  await writeRows(path, rows, SCORES);
  return path;
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
  for (const r of rows)
    lines.push([r.stage, r.activity, r.unit, String(r.truePositives), String(r.falsePositives), String(r.falseNegatives), ratio(r.precision), ratio(r.recall)]);
  return alignColumns(lines, 3);
}
