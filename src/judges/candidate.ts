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

/** Judge label: `offline-rules/v3`, or `<backend>:<model>` for an LLM (`gemini:gemini-3.8-flash`, `ollama:qwen2.5:7b-instruct`). */
export type JudgeLabel = string;

/**
 * Which judge decided a verdict and with which sampling settings: recorded beside every verdict, so
 * a verdict can be traced to its backend, model, temperature and seed. `backend` is `offline` for the
 * rule judge, `gemini`, `openai` or `ollama` for an LLM, `jury` for a majority vote; null means not
 * applicable (the rules have no model) or not sent (the backend's own default applies).
 */
export interface JudgeIdentity {
  backend: string;
  model: string | null;
  temperature: number | null;
  seed: number | null;
}

/** A verdict as the relevance stage writes it: the judge's verdict plus who decided it and how. */
export type RecordedVerdict = Verdict & JudgeIdentity;

/**
 * A judge's decided answer on one pair. "uncertain" means the evidence is too thin or conflicting to
 * decide: the pair is not counted as an SE model, is counted apart in the funnel and the report, and
 * can be sent on to a human sheet (`pilot export --uncertain`) or an LLM judge (`judge --only-uncertain`).
 */
export const OUTCOMES = ["relevant", "not-relevant", "uncertain"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * A verdict on one candidate. `relevant` is null exactly when `error` says why no verdict exists, or
 * when a judge abstains without saying more (read through `outcomeOf` in outcome.ts). The offline
 * judge writes an uncertain pair as `relevant: false, outcome: "uncertain"`, so it never counts as SE.
 * Judges that only answer yes or no may leave `outcome`, `reasons` and `evidence` out: the relevance
 * stage fills them in (`completeVerdict` in outcome.ts).
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
  /** Backend, model and sampling settings; judges without one are described from their label ({@link identityOf}). */
  readonly identity?: JudgeIdentity;
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

/** A judge's identity: its own when it declares one, else read from its label (`backend:model`, or the offline rules). */
export function identityOf(judge: Pick<RelevanceJudge, "label" | "identity">): JudgeIdentity {
  if (judge.identity) return judge.identity;
  return identityFromLabel(judge.label);
}

/** Backend and model from a judge label, for judges and old verdict files that do not say more. */
export function identityFromLabel(label: string): JudgeIdentity {
  if (label.startsWith("offline")) return { backend: "offline", model: null, temperature: null, seed: null };
  const colon = label.indexOf(":");
  return colon > 0
    ? { backend: label.slice(0, colon), model: label.slice(colon + 1), temperature: null, seed: null }
    : { backend: label, model: null, temperature: null, seed: null };
}

/** Distinct task phrases of a candidate, in first-seen order. */
export function matchedTasks(candidate: Candidate): string[] {
  return [...new Set(candidate.evidence.map((e) => e.task))];
}
