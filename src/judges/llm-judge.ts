/**
 * What every LLM relevance judge shares, whatever answers it (Gemini, an OpenAI-compatible server,
 * Ollama): the activity prompts from taxonomy/prompts/, the card delimited as untrusted data with a
 * fresh boundary per call (card-text.ts, prompt.ts), the verdict schema and its check on arrival,
 * the retries (src/util/retry.ts), and the redaction of secrets from anything recorded.
 *
 * A backend only turns one (system, user) pair into one answer text. It reports failures in two kinds:
 * - {@link CallFailed}: this pair could not be judged (retries spent, a 400 on one card): the pair's
 *   verdict records the error, with the model id, and the run goes on;
 * - {@link JudgeUnusable}: no pair can be judged (the model is retired or unknown, the key is refused,
 *   the server cannot be reached): the run stops at the first call with one line naming the model.
 * A malformed or off-schema answer is asked again (`maxAnswers` in all), then recorded as an error;
 * no verdict is ever guessed.
 */
import type { ActivityCode } from "../taxonomy/taxonomy";
import { RetriesExhausted, SharedPause, withRetries, type RetryPolicy } from "../util/retry";
import type { JudgeIdentity } from "../run/tables";
import { NO_USAGE, addUsage, matchedEvidence, type Candidate, type Judgement, type RelevanceJudge, type Usage } from "./candidate";
import { buildCardDocument, type ExcerptOptions } from "./card-text";
import { buildCallPrompt, type ActivityPrompt, type CallPrompt } from "./prompt";
import { parseVerdictText } from "./verdict-schema";

export type LlmBackendName = "gemini" | "openai" | "ollama";

/** One answer of a backend: its text (undefined when it gave none) and the tokens it reports. */
export interface ChatAnswer {
  text: string | undefined;
  usage: Usage;
  /** Why the answer cannot be used even if its text parses (e.g. cut short at the token limit). */
  problem?: string;
}

/** The transport of one backend: a request in, an answer out, retries inside. */
export interface ChatBackend {
  readonly name: LlmBackendName;
  readonly model: string;
  /** Sampling settings sent with every request; null when the backend's default applies (not sent). */
  readonly temperature: number | null;
  readonly seed: number | null;
  complete(system: string, user: string): Promise<ChatAnswer>;
}

/** One pair could not be judged: status (0 for transport failures) and a message without secrets. */
export class CallFailed extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "CallFailed";
  }
}

/** No pair can be judged with this backend and model: the run stops, saying why in one line. */
export class JudgeUnusable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JudgeUnusable";
  }
}

/** Transport settings every backend takes. */
export interface TransportOptions {
  /** Per-attempt HTTP timeout (default 60 s; local backends default longer, see their files). */
  timeoutMs?: number;
  /** HTTP attempts per request, the first included (default 6). */
  maxAttempts?: number;
  /** First backoff delay (default 1 s), doubled per attempt, capped at `maxDelayMs` (default 60 s). */
  backoffMs?: number;
  maxDelayMs?: number;
  /** Longest server-requested 429 wait honoured (default 5 min); a longer one (e.g. a daily quota) fails the call. */
  maxRateLimitWaitMs?: number;
  /** Injection point for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** The retry policy of a backend: no jitter (a judge's retries are few and need not spread), fail on quota-sized waits. */
export function judgeRetryPolicy(options: TransportOptions, pause: SharedPause): RetryPolicy {
  return {
    maxAttempts: options.maxAttempts ?? 6,
    baseDelayMs: options.backoffMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 60_000,
    maxServerWaitMs: options.maxRateLimitWaitMs ?? 300_000,
    tooLongServerWait: "fail",
    sleep: options.sleep,
    pause,
  };
}

/**
 * Run one request through the retry policy; a give-up becomes a {@link CallFailed} that says how many
 * attempts were made, or how long the server wanted to be left alone.
 */
export async function callWithRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  try {
    return await withRetries(attempt, policy);
  } catch (error) {
    if (!(error instanceof RetriesExhausted)) throw error;
    if (error.kind === "wait-too-long") {
      const asked = Math.round((error.waitMs ?? 0) / 1000);
      throw new CallFailed(
        error.status,
        `${error.reason}; the server asks to wait ${asked} s, more than the ${Math.round(policy.maxServerWaitMs / 1000)} s allowed (quota exhausted?)`,
      );
    }
    throw new CallFailed(error.status, `${error.reason} (attempt ${error.attempts} of ${policy.maxAttempts})`);
  }
}

/** A transport error's reason: timeouts named as such, network errors with their code. */
export function describeTransportError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "AbortError" || error.name === "TimeoutError" || /timed? ?out/i.test(error.message)) return `request timed out after ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return `network error: ${error.message}${cause ? ` (${cause})` : ""}`;
  }
  return String(error);
}

const UNREACHABLE = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** True for errors meaning the host was never reached (no DNS, no route, nothing listening). */
export function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && UNREACHABLE.has(code)) return true;
  }
  return false;
}

/** The first `message` of a JSON error body in any of the shapes the APIs use, else the body itself, shortened. */
export function errorMessageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const error = parsed.error;
    if (typeof error === "string") return error.slice(0, 300);
    if (error && typeof error === "object") {
      const e = error as { message?: unknown; status?: unknown; code?: unknown };
      const status = typeof e.status === "string" ? `${e.status}: ` : "";
      if (typeof e.message === "string") return `${status}${e.message}`.slice(0, 300);
    }
    if (typeof parsed.message === "string") return parsed.message.slice(0, 300);
  } catch {
    // not JSON
  }
  return body.replace(/\s+/g, " ").trim().slice(0, 300);
}

export interface LlmJudgeOptions {
  prompts: ReadonlyMap<ActivityCode, ActivityPrompt>;
  /** Answers asked for per candidate before an off-schema answer becomes an error (default 3). */
  maxAnswers?: number;
  excerpt?: ExcerptOptions;
  /** Strings never to record (API keys): replaced by `[redacted]` in rationales and errors. */
  secrets?: readonly string[];
  /** Injection point for tests. */
  newBoundary?: () => string;
  /**
   * Pairs in a row that may get no answer at all (every retry ended in a network error, a timeout or a
   * 5xx) before the run stops as unusable (default 8): a server or network that went away after the first
   * calls would otherwise cost each remaining pair its whole retry schedule, hours over a corpus.
   */
  maxUnansweredInRow?: number;
}

export const DEFAULT_MAX_UNANSWERED_IN_ROW = 8;

export class LlmJudge implements RelevanceJudge {
  readonly label: string;
  readonly identity: JudgeIdentity;
  /** Pairs in a row whose calls got no answer (reset by any answer). */
  private unansweredInRow = 0;

  constructor(
    readonly backend: ChatBackend,
    private readonly options: LlmJudgeOptions,
  ) {
    this.label = `${backend.name}:${backend.model}`;
    this.identity = { backend: backend.name, model: backend.model, temperature: backend.temperature, seed: backend.seed };
  }

  get model(): string {
    return this.backend.model;
  }

  promptHash(activity: ActivityCode): string {
    return this.promptOf(activity).hash;
  }

  /** The exact messages one call for `candidate` sends (with `boundary` fixed, for estimates). */
  callPrompt(candidate: Candidate, newBoundary?: () => string): CallPrompt {
    const card = buildCardDocument(candidate.record, candidate.evidence, this.options.excerpt);
    return buildCallPrompt(this.promptOf(candidate.activity), card, matchedEvidence(candidate), newBoundary ?? this.options.newBoundary);
  }

  async judge(candidate: Candidate): Promise<Judgement> {
    const prompt = this.promptOf(candidate.activity);
    const card = buildCardDocument(candidate.record, candidate.evidence, this.options.excerpt);
    const base = { id: candidate.record.id, activity: candidate.activity, judge: this.label, promptHash: prompt.hash };
    const where = `${candidate.record.id} (${candidate.activity})`;
    let usage: Usage = NO_USAGE;
    const problems: string[] = [];
    const maxAnswers = this.options.maxAnswers ?? 3;
    for (let answerNo = 1; answerNo <= maxAnswers; answerNo++) {
      // A fresh boundary per call: a card cannot learn it from an earlier attempt.
      const call = buildCallPrompt(prompt, card, matchedEvidence(candidate), this.options.newBoundary);
      let answer: ChatAnswer;
      try {
        answer = await this.backend.complete(call.system, call.user);
      } catch (error) {
        if (error instanceof JudgeUnusable) throw new JudgeUnusable(this.redact(error.message));
        const message = this.redact(error instanceof Error ? error.message : String(error));
        if (error instanceof CallFailed && (error.status === 0 || error.status >= 500)) this.noAnswer(message);
        return { verdict: { ...base, relevant: null, rationale: "", error: `${where}: ${this.label}: ${message}` }, usage };
      }
      this.unansweredInRow = 0;
      usage = addUsage(usage, answer.usage);
      const parsed = answer.problem ? { ok: false as const, problem: answer.problem } : parseVerdictText(answer.text, [call.boundary]);
      if (parsed.ok) return { verdict: { ...base, relevant: parsed.verdict.relevant, rationale: this.redact(parsed.verdict.rationale), error: null }, usage };
      problems.push(parsed.problem);
    }
    const error = `${where}: ${this.label}: no valid verdict after ${maxAnswers} answers (${problems.join("; ")})`;
    return { verdict: { ...base, relevant: null, rationale: "", error: this.redact(error) }, usage };
  }

  /** One more pair without an answer; too many in a row and the run stops rather than retry every pair. */
  private noAnswer(message: string): void {
    const limit = this.options.maxUnansweredInRow ?? DEFAULT_MAX_UNANSWERED_IN_ROW;
    if (++this.unansweredInRow < limit) return;
    throw new JudgeUnusable(
      `${this.label}: ${this.unansweredInRow} pairs in a row got no answer after their retries (last: ${message}); the server or the network is down, so the run stops (answers so far are cached)`,
    );
  }

  private promptOf(activity: ActivityCode): ActivityPrompt {
    const prompt = this.options.prompts.get(activity);
    if (!prompt) throw new Error(`no prompt loaded for activity ${activity}`);
    return prompt;
  }

  private redact(text: string): string {
    let out = text;
    // Real keys are long; a test key of a letter or two would shred every message.
    for (const secret of this.options.secrets ?? []) if (secret.length >= 8) out = out.split(secret).join("[redacted]");
    return out;
  }
}
