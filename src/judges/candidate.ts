/**
 * What a relevance judge sees and what it answers.
 *
 * A candidate is one (model, activity) pair left after the outlier and near-duplicate filters: the
 * model's record plus the tasks of that activity it matched, each with the text around the match.
 */
import type { ModelRecord } from "../corpus/record";
import { identityFromLabel, type JudgeIdentity, type Verdict } from "../run/tables";
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

export type { Outcome } from "../run/tables";

/** Judge label: `offline-rules/v3`, or `<backend>:<model>` for an LLM (`gemini:gemini-3.8-flash`, `ollama:qwen2.5:7b-instruct`). */
export type JudgeLabel = string;

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

/** Distinct task phrases of a candidate, in first-seen order. */
export function matchedTasks(candidate: Candidate): string[] {
  return [...new Set(candidate.evidence.map((e) => e.task))];
}
