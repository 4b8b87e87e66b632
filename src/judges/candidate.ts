/**
 * What a relevance judge sees and what it answers.
 *
 * A candidate is one (model, activity) pair left after the outlier and near-duplicate filters: the
 * model's record plus the tasks of that activity it matched, each with the text around the match.
 */
import type { ModelRecord } from "../corpus/record";
import type { DiscoveryItem } from "../run/files";
import { identityFromLabel, type JudgeIdentity, type Outcome as VerdictOutcome, type Verdict } from "../run/tables";
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

/**
 * One piece of discovery evidence (`funnel --discover`): an SE signal or the lineage that carries the
 * activity over from a base model. A lineage item carries the verdict this run gave the model it reaches
 * (null when that model did not reach the judge for this activity).
 */
export interface DiscoveryEvidence extends DiscoveryItem {
  seedVerdict?: { outcome: VerdictOutcome | "error"; judge: string } | null;
}

export interface Candidate {
  record: ModelRecord;
  activity: ActivityCode;
  /** The matched tasks of `activity` only, in a stable order. */
  evidence: TaskEvidence[];
  /** Discovery evidence for `activity` (`funnel --discover` runs only; absent otherwise). */
  discovery?: DiscoveryEvidence[];
  /** For a pair only discovery offers: the verdicts this run gave the model's other activities before it. */
  siblings?: Array<{ activity: ActivityCode; outcome: VerdictOutcome | "error" }>;
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

/** A discovery item in words, for a judge's prompt: "SE signal: tag code (metadata tag)", "base model chain: a -> b (b: judged relevant for SI in this run)". */
export function describeDiscovery(item: DiscoveryEvidence, activity: ActivityCode): string {
  if (item.kind !== "lineage") return `SE signal, not a task phrase: ${item.label} (${item.provenance}${item.field ? `, ${item.field}` : ""})`;
  const seed = item.seedJudgedAs ?? item.seed ?? "?";
  const verdict = item.seedVerdict
    ? `${seed}: judged ${item.seedVerdict.outcome} for ${activity} in this run by ${item.seedVerdict.judge}`
    : `${seed}: not judged for ${activity} in this run`;
  return `base model chain (${item.relations.join(", ")}): ${item.chain.join(" -> ")} (${verdict})`;
}

/**
 * What the search matched and, for a discovered pair, the discovery evidence: the prompt's matched-evidence
 * slot and part of the verdict cache key. Without discovery evidence it is {@link matchedTasks}.
 */
export function matchedEvidence(candidate: Candidate): string[] {
  const tasks = matchedTasks(candidate);
  if (!candidate.discovery || candidate.discovery.length === 0) return tasks;
  return [...tasks, ...new Set(candidate.discovery.map((d) => describeDiscovery(d, candidate.activity)))];
}
