/**
 * What a relevance judge sees and what it answers.
 *
 * A candidate is one (model, activity) pair left after the outlier and near-duplicate filters: the
 * model's record plus the tasks of that activity it matched, each with the text around the match.
 */
import type { ModelRecord } from "../corpus/record";
import type { ActivityCode } from "../taxonomy/taxonomy";

/** One matched occurrence of a task, with its surrounding text (from the search stage's TaskMatch). */
export interface TaskEvidence {
  taskId: string;
  /** The task phrase, e.g. `code generation`. */
  task: string;
  /** Where it matched: `card`, `metadata`, `abstract` (as the search stage names it). */
  source: string;
  /** The field inside the source, e.g. `body`, `tags`, `pipeline_tag`. */
  field: string;
  /** The raw text that matched, and a little context either side. */
  raw: string;
  before: string;
  after: string;
  /** The kind of place it matched (src/search/provenance.ts); absent on evidence from older runs. */
  provenance?: string;
  /** In the card: the headings above it. */
  section?: string;
  /** Offsets in the field's raw text (for the card: in the card body). */
  charStart?: number;
  charEnd?: number;
}

export interface Candidate {
  record: ModelRecord;
  activity: ActivityCode;
  /** The matched tasks of `activity` only, in a stable order. */
  evidence: TaskEvidence[];
}

/** Judge label: `offline-rules/v3` or `gemini:<model>`. */
export type JudgeLabel = string;

/**
 * A judge's answer on one pair. "uncertain" means the evidence is too thin or conflicting to decide:
 * the pair is not counted as an SE model, is counted apart in the funnel and the report, and can be
 * sent on to a human sheet or an LLM judge ({@link isUncertain}).
 */
export const OUTCOMES = ["relevant", "not-relevant", "uncertain"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * A verdict on one candidate. `relevant` is null exactly when `error` says why no verdict exists;
 * an uncertain verdict has `relevant: false` (the pair does not count as SE) and `outcome: "uncertain"`.
 * Judges that only answer yes or no may leave `outcome`, `reasons` and `evidence` out: the relevance
 * stage fills them in ({@link completeVerdict}).
 */
export interface Verdict {
  id: string;
  activity: ActivityCode;
  relevant: boolean | null;
  rationale: string;
  judge: JudgeLabel;
  promptHash: string;
  error: string | null;
  /** Null exactly when `error` is set. */
  outcome?: Outcome | null;
  /** Machine-readable codes of what decided the outcome, e.g. "activity-evidence", "thin-card". */
  reasons?: string[];
  /** The evidence items the judge weighed, as a JSON array (empty for judges that report none). */
  evidence?: string;
}

/** The outcome of a verdict: its own, else read from `relevant` (null for an error). */
export function outcomeOf(verdict: Pick<Verdict, "relevant" | "error" | "outcome">): Outcome | null {
  if (verdict.error !== null) return null;
  if (verdict.outcome) return verdict.outcome;
  return verdict.relevant === true ? "relevant" : verdict.relevant === false ? "not-relevant" : null;
}

export function isUncertain(verdict: Pick<Verdict, "relevant" | "error" | "outcome">): boolean {
  return outcomeOf(verdict) === "uncertain";
}

/** A verdict with outcome, reasons and evidence filled in, `relevant` consistent with the outcome. */
export function completeVerdict(verdict: Verdict): Required<Verdict> {
  const outcome = outcomeOf(verdict);
  return {
    ...verdict,
    relevant: verdict.error !== null ? null : outcome === "relevant",
    outcome,
    reasons: verdict.reasons ?? [],
    evidence: verdict.evidence ?? "[]",
  };
}

/** Token usage of one call, as the API reports it (zeros for judges that call nothing). */
export interface Usage {
  promptTokens: number;
  outputTokens: number;
  totalTokens: number;
  calls: number;
}

export const NO_USAGE: Usage = Object.freeze({ promptTokens: 0, outputTokens: 0, totalTokens: 0, calls: 0 });

export interface Judgement {
  verdict: Verdict;
  usage: Usage;
}

export interface RelevanceJudge {
  readonly label: JudgeLabel;
  /** The prompt (or rule set) hash for an activity: part of every cache key. */
  promptHash(activity: ActivityCode): string;
  judge(candidate: Candidate): Promise<Judgement>;
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    calls: a.calls + b.calls,
  };
}

/** Distinct task phrases of a candidate, in first-seen order. */
export function matchedTasks(candidate: Candidate): string[] {
  return [...new Set(candidate.evidence.map((e) => e.task))];
}
