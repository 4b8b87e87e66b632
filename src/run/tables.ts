/**
 * The stage tables of a run directory, each declared once (columns in file order, Arrow types,
 * nullability); every row type is inferred from its declaration.
 *
 * Why here: a stage table is written by one layer and read by several (the funnel writes the matches;
 * the judges, the evaluation, the analyses and the notebooks read them), so its declaration sits in the
 * lowest layer that reads and writes run files, with the vocabulary of its columns (Table VI's
 * categories come from the paper, below). The funnel table and its counts are in funnel-table.ts.
 * Tables that a single layer writes and reads stay with that layer: the pilot's tables in
 * src/validate, the evaluation table in src/evaluate, the analysis tables in src/analyse.
 */
import type { DocumentationCategory, DocumentationSummaryKey } from "../paper/reported";
import type { ActivityCode } from "../taxonomy/taxonomy";
import { col, defineTable, extendTable, type RowOf } from "../util/arrow-table";

/** Where a task occurrence was found ("model-id" only when the search is asked to read the id). */
export const MATCH_SOURCES = ["card", "metadata", "abstract", "model-id"] as const;
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
  /** The kind of place: "card.prose", "card.heading", "meta.widget", "abstract", ... (src/search/provenance.ts). */
  provenance: col.string(),
  /** In the card: the headings above the match, "Title > Intended uses" ("" before any heading); "" elsewhere. */
  section: col.string(),
  /** Index of the first matched token in the searched text (for the card body: in its Markdown unit). */
  tokenIndex: col.int(),
  /** UTF-16 offsets of the match in the field's raw text (for the card: in the card body, src/search/markdown.ts). */
  charStart: col.int(),
  charEnd: col.int(),
  /** The raw matched text, e.g. "Code Generation" or "debugging". */
  raw: col.string(),
  /** Up to CONTEXT_CHARS (src/search/match.ts) raw characters before and after the match. */
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

/** `search/documentation.arrow`: one row per model. */
export const DOCUMENTATION = defineTable({
  modelId: col.string(),
  category: col.string<DocumentationCategory>(),
  matchedInCard: col.bool(),
  matchedInMetadata: col.bool(),
  matchedInAbstract: col.bool(),
  /** At least one linked paper has an abstract. */
  hasAbstract: col.bool(),
  /**
   * The model links arXiv ids that were never looked up (a corpus loaded from a dump): its abstracts are
   * unknown. Nullable so tables written before the column existed still load; null reads as false.
   */
  arxivUnresolved: col.bool({ nullable: true }),
});
export type DocumentationRow = RowOf<typeof DOCUMENTATION>;

/** Table VI counted from the documentation table (kept in run.json; the analyses' Table VI). */
export const DOCUMENTATION_SUMMARY = defineTable({
  key: col.string<DocumentationSummaryKey>(),
  label: col.string(),
  /** Null when the corpus's source cannot tell (see `notInSource`), rather than a misleading 0. */
  models: col.int({ nullable: true }),
  /** Share of all models, in percent; null with `models`. */
  percent: col.float({ nullable: true }),
  /** The paper's figure; null where the paper gives none. */
  paperModels: col.int({ nullable: true }),
  paperPercent: col.float({ nullable: true }),
  /** Why this row is not counted: "not in the source: ..." (null when counted). */
  notInSource: col.string({ nullable: true }),
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

/**
 * A judge's decided answer on one pair. "uncertain": the evidence is too thin or conflicting to decide;
 * the pair is not counted as an SE model and is counted apart.
 */
export const VERDICT_OUTCOMES = ["relevant", "not-relevant", "uncertain"] as const;
export type Outcome = (typeof VERDICT_OUTCOMES)[number];

/**
 * `filter/verdicts.arrow` (and `filter/jury-verdicts.arrow`, the jurors' own): one row per verdict on a
 * (model, activity), naming the judge that decided it and how. `relevant` is null exactly when `error`
 * says why no verdict exists, or when a judge abstains without saying more; the offline rules write an
 * uncertain pair as `relevant: false, outcome: "uncertain"`.
 */
export const VERDICTS = defineTable({
  id: col.string(),
  activity: col.string<ActivityCode>(),
  relevant: col.bool({ nullable: true }),
  rationale: col.string(),
  /** `offline-rules/v3`, or `<backend>:<model>` for an LLM (`gemini:gemini-3.8-flash`, `ollama:qwen2.5:7b-instruct`). */
  judge: col.string(),
  promptHash: col.string(),
  error: col.string({ nullable: true }),
  /** `offline` for the rule judge, `gemini`, `openai` or `ollama` for an LLM, `jury` for a majority vote. */
  backend: col.string(),
  /** The LLM; null when not applicable (the rules have no model). */
  model: col.string({ nullable: true }),
  /** Sampling settings sent; null when not applicable or not sent (the backend's own default applies). */
  temperature: col.float({ nullable: true }),
  seed: col.int({ nullable: true }),
  /**
   * Null, or the passage of the card that addresses the judge ("ignore previous instructions", "answer
   * relevant", ...): the verdict stands but is marked for a human (`pilot sample` queues such pairs in
   * the `review` set). Set by the relevance stage for every judge; judges themselves leave it out.
   */
  injectionSuspected: col.string({ nullable: true }),
  /** relevant, not-relevant or uncertain; null exactly when `error` is set. */
  outcome: col.string<Outcome>({ nullable: true }),
  /** Machine-readable codes of what decided the outcome ("activity-evidence", "thin-card", ...); null: none given. */
  reasons: col.strings({ nullable: true }),
  /** The evidence items the judge weighed, as a JSON array; null: none given. */
  evidence: col.string({ nullable: true }),
});
/** A row of the verdict tables as stored. */
export type VerdictRow = RowOf<typeof VERDICTS>;
/** What a judge may add to its decision; the relevance stage fills in what it leaves out before writing. */
type VerdictDetail = "outcome" | "reasons" | "evidence" | "injectionSuspected";
/** A verdict plus who decided it and how (its outcome, reasons and evidence when the judge gave them). */
export type RecordedVerdict = Omit<VerdictRow, VerdictDetail> & Partial<Pick<VerdictRow, VerdictDetail>>;
/** Which judge decided a verdict and with which sampling settings, so a verdict can be traced to them. */
export type JudgeIdentity = Pick<VerdictRow, "backend" | "model" | "temperature" | "seed">;
/** A verdict on one candidate as a judge gives it (the relevance stage adds the judge's identity). */
export type Verdict = Omit<RecordedVerdict, keyof JudgeIdentity>;

/** Backend and model from a judge label, for judges and older verdict files that do not say more. */
export function identityFromLabel(label: string): JudgeIdentity {
  if (label.startsWith("offline")) return { backend: "offline", model: null, temperature: null, seed: null };
  const colon = label.indexOf(":");
  return colon > 0
    ? { backend: label.slice(0, colon), model: label.slice(colon + 1), temperature: null, seed: null }
    : { backend: label, model: null, temperature: null, seed: null };
}

/** `se-models.arrow`: the final SE models, with the activities judged relevant and their tasks. */
export const SE_MODELS = defineTable({
  id: col.string(),
  activities: col.strings(),
  tasks: col.strings(),
});
export type SeModelRow = RowOf<typeof SE_MODELS>;

/**
 * `discover/evidence.arrow` (`funnel --discover` only): every piece of SE evidence that is not a task
 * phrase of the search, shaped like an occurrence: the SE signals of src/signals (tags, programming
 * languages, curated datasets, words of the model's and its base models' names, task phrases in the
 * name, an SE pipeline tag) and the lineage that carries an activity over from a base model of the same
 * run. `activity` is the activity it makes the model a candidate for (a signal that only says "works on
 * software" counts for SI, `speaksFor` "software").
 */
export const DISCOVERY_EVIDENCE = defineTable({
  modelId: col.string(),
  activity: col.string<ActivityCode>(),
  /** code-tag, task-tag, programming-language, se-dataset, id-word, base-model-word, task-in-id, pipeline-tag, lineage. */
  kind: col.string(),
  /** The activity the evidence itself names, or "software" for evidence that the model works on code. */
  speaksFor: col.string(),
  /** For people: "tag code", "dataset The Stack (training)", "base model chain reaches org/x". */
  label: col.string(),
  /** The taxonomy task, for a task phrase in the name. */
  taskId: col.string({ nullable: true }),
  task: col.string({ nullable: true }),
  source: col.string<MatchSource>(),
  field: col.string(),
  provenance: col.string(),
  section: col.string(),
  charStart: col.int(),
  charEnd: col.int(),
  raw: col.string(),
  before: col.string(),
  after: col.string(),
  /** The curated entry's source key (taxonomy/se-datasets.json, se-signals.json), when there is one. */
  reference: col.string({ nullable: true }),
  /** A Table III rule that excludes it (a task phrase of an outlier task in the name); null when it stands. */
  excludedBy: col.string({ nullable: true }),
  /** Lineage: the ids from the model up to the seed, and the relation of each link (quantized, adapter, finetune, merge, unknown). */
  chain: col.strings(),
  relations: col.strings(),
  /** Lineage: the model reached, which stands for the activity on its own evidence in this run. */
  seed: col.string({ nullable: true }),
  /** Lineage: the model whose verdict stands for the seed's (the seed, or the card it is a near-copy of); null when none reaches the judge. */
  seedJudgedAs: col.string({ nullable: true }),
});
export type DiscoveryEvidenceRow = RowOf<typeof DISCOVERY_EVIDENCE>;

/**
 * `discover/candidates.arrow` (`funnel --discover` only): one row per model that the discovery stage
 * offers an activity the paper's search did not (after the Table III rules), and what became of it at
 * the near-identical check.
 */
export const DISCOVERED = defineTable({
  id: col.string(),
  /** Every activity its discovery evidence stands for (in RE SD SI QA SM order). */
  activities: col.strings(),
  /** The activities the search did not find: what discovery adds. */
  added: col.strings(),
  /** "signals", "lineage" or both: how it was found. */
  via: col.strings(),
  /** The search found it too (for other activities) after the Table III rules. */
  searched: col.bool(),
  /** The earlier card it is a near-copy of (it does not reach the judge); null when it does. */
  duplicateOf: col.string({ nullable: true }),
  similarity: col.float({ nullable: true }),
  /** It reaches the judge with its added activities (in filter/unique.arrow). */
  kept: col.bool(),
});
export type DiscoveredModel = RowOf<typeof DISCOVERED>;

/** `problems.arrow`: one problem with one model, from any stage. */
export const PROBLEMS = defineTable({
  modelId: col.string(),
  stage: col.string(),
  code: col.string(),
  message: col.string(),
});
export type ProblemRow = RowOf<typeof PROBLEMS>;
