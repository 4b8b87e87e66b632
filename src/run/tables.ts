/**
 * The stage tables of a run directory, each declared once (columns in file order, Arrow types,
 * nullability); every row type is inferred from its declaration.
 *
 * Why here: a stage table is written by one layer and read by several (the funnel writes the matches;
 * the judges, the evaluation, the analyses and the notebooks read them), so its declaration sits in the
 * lowest layer that reads and writes run files. The vocabularies of its columns (match sources,
 * documentation categories, funnel stages) come with it. Tables that a single layer writes and reads
 * stay with that layer: the pilot's tables in src/validate, the evaluation table in src/evaluate, the
 * analysis tables in src/analyse.
 */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import { col, defineTable, extendTable, type RowOf } from "../util/arrow-table";

/** Where a task occurrence was found. */
export const MATCH_SOURCES = ["card", "metadata", "abstract"] as const;
export type MatchSource = (typeof MATCH_SOURCES)[number];

/** `search/matches.arrow`: one row per task occurrence, with its evidence. */
export const MATCHES = defineTable({
  modelId: col.string(),
  taskId: col.string(),
  task: col.string(),
  activity: col.string(),
  source: col.string<MatchSource>(),
  /** Which text: "body", "tags[3]", "meta.datasets[0]", "pipeline_tag", "arxiv:2101.00001". */
  field: col.string(),
  /** Index of the first matched token in that field. */
  tokenIndex: col.int(),
  /** UTF-16 offsets of the match in the field's raw text. */
  charStart: col.int(),
  charEnd: col.int(),
  /** The raw matched text, e.g. "Code Generation" or "debugging". */
  raw: col.string(),
  /** A little raw context before and after the match. */
  before: col.string(),
  after: col.string(),
});
export type TaskMatch = RowOf<typeof MATCHES>;

/** `filter/occurrences.arrow`: the matches, each with the Table III rule that excluded it. */
export const OCCURRENCES = extendTable(MATCHES, {
  /** The first Table III rule that excludes this occurrence, or null when it stands. */
  excludedBy: col.string({ nullable: true }),
});
export type Occurrence = RowOf<typeof OCCURRENCES>;

/** Documentation status of a model (paper Table VI), exclusive, decided in this order. */
export const DOCUMENTATION_CATEGORIES = ["no-card", "empty-card", "card-with-se-task", "card-without-se-task"] as const;
export type DocumentationCategory = (typeof DOCUMENTATION_CATEGORIES)[number];

/** `search/documentation.arrow`: one row per model. */
export const DOCUMENTATION = defineTable({
  modelId: col.string(),
  category: col.string<DocumentationCategory>(),
  matchedInCard: col.bool(),
  matchedInMetadata: col.bool(),
  matchedInAbstract: col.bool(),
  /** At least one linked paper has an abstract. */
  hasAbstract: col.bool(),
});
export type DocumentationRow = RowOf<typeof DOCUMENTATION>;

/** The rows of Table VI: the categories plus the paper's rows about abstracts. */
export type DocumentationSummaryKey =
  | DocumentationCategory
  | "abstract-with-se-task"
  | "union-with-se-task"
  | "abstract-only"
  | "metadata-only-without-card";

/** Table VI counted from the documentation table (kept in run.json; the analyses' Table VI). */
export const DOCUMENTATION_SUMMARY = defineTable({
  key: col.string<DocumentationSummaryKey>(),
  label: col.string(),
  models: col.int(),
  /** Share of all models, in percent. */
  percent: col.float(),
  /** The paper's figure; null where the paper gives none. */
  paperModels: col.int({ nullable: true }),
  paperPercent: col.float({ nullable: true }),
});
export type DocumentationSummaryRow = RowOf<typeof DOCUMENTATION_SUMMARY>;

/**
 * `filter/candidates.arrow` (models left after the outlier rules) and `filter/unique.arrow` (left after
 * near-identical cards): the activities and tasks of each model's surviving occurrences.
 */
export const CANDIDATES = defineTable({
  id: col.string(),
  activities: col.strings(),
  tasks: col.strings(),
  taskIds: col.strings(),
});
export type CandidateModel = RowOf<typeof CANDIDATES>;

/** `filter/near-duplicates.arrow`: one row per variant, grouped by original. */
export const NEAR_DUPLICATES = defineTable({
  original: col.string(),
  variant: col.string(),
  similarity: col.float(),
});
export type NearDuplicatePair = RowOf<typeof NEAR_DUPLICATES>;

/** `filter/verdicts.arrow`: a verdict on one (model, activity). `relevant` is null exactly when `error` says why. */
export const VERDICTS = defineTable({
  id: col.string(),
  activity: col.string<ActivityCode>(),
  relevant: col.bool({ nullable: true }),
  rationale: col.string(),
  /** `offline-rules/v2` or `gemini:<model>`. */
  judge: col.string(),
  promptHash: col.string(),
  error: col.string({ nullable: true }),
});
export type Verdict = RowOf<typeof VERDICTS>;

/** `se-models.arrow`: the final SE models, with the activities judged relevant and their tasks. */
export const SE_MODELS = defineTable({
  id: col.string(),
  activities: col.strings(),
  tasks: col.strings(),
});
export type SeModelRow = RowOf<typeof SE_MODELS>;

/** `problems.arrow`: one problem with one model, from any stage. */
export const PROBLEMS = defineTable({
  modelId: col.string(),
  stage: col.string(),
  code: col.string(),
  message: col.string(),
});
export type ProblemRow = RowOf<typeof PROBLEMS>;

export const FUNNEL_STAGES = ["models", "matched", "after-outliers", "unique", "relevant"] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
/** "all" and every activity code: the columns of the funnel. */
export const FUNNEL_ACTIVITIES = ["all", ...ACTIVITY_CODES] as const;

/** `funnel.arrow`: models left after each stage, overall and per activity. */
export const FUNNEL = defineTable({
  stage: col.string<FunnelStage>(),
  /** "all" or an activity code. */
  activity: col.string(),
  models: col.int(),
  /** The paper's count for this cell; null where it reports none. */
  paperModels: col.int({ nullable: true }),
});
export type FunnelRow = RowOf<typeof FUNNEL>;
