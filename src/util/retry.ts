/**
 * One retry policy for every client that talks HTTP: the Hub and arXiv collector and each LLM judge
 * backend (Gemini, OpenAI-compatible servers, Ollama).
 *
 * - What is worth another attempt is the caller's call: it throws {@link RetryableFailure} for it
 *   (typically 408, 429, 5xx, timeouts, resets) and anything else for a failure retrying cannot heal.
 * - How long to wait: the server's own delay when it gives one (`Retry-After` in seconds or as an
 *   HTTP date, or Google's `google.rpc.RetryInfo`), else exponential backoff, with full jitter when a
 *   seeded random source is given and exactly `base * 2^(attempt-1)` (capped) when not.
 * - A server-requested wait pauses every request sharing the {@link SharedPause}, not only the one
 *   that was told; a wait beyond `maxServerWaitMs` is either capped or, for callers that would
 *   rather fail fast (a spent daily quota), given up at once.
 */
import type { SeededRandom } from "./random";

/** Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns ms, or null if absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its day and month; a bare "-3" is not one (Date.parse would read a year).
  if (!/[a-z]/i.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** The `retryDelay` ("12s", "1.5s") of a google.rpc.RetryInfo detail in a JSON error body, in ms; null when absent. */
export function retryInfoDelayMs(errorBody: string): number | null {
  let parsed: { error?: { details?: Array<Record<string, unknown>> } };
  try {
    parsed = JSON.parse(errorBody) as typeof parsed;
  } catch {
    return null;
  }
  for (const detail of parsed?.error?.details ?? []) {
    const type = String(detail["@type"] ?? "");
    const delay = detail.retryDelay;
    if (type.endsWith("google.rpc.RetryInfo") && typeof delay === "string") {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
      if (m) return Math.round(Number(m[1]) * 1000);
    }
  }
  return null;
}

/**
 * Exponential backoff: the ceiling is `base * 2^(attempt-1)`, capped at `maxMs`. With a random source the
 * delay is uniform in [ceiling/2, ceiling] (full jitter, reproducible for a seed); without, it is the ceiling.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random?: SeededRandom): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return random ? Math.round(ceiling / 2 + random.next() * (ceiling / 2)) : ceiling;
}

/** Statuses worth another attempt: 0 (no answer: timeout, reset), 408, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** A failure worth another attempt; `retryAfterMs` is the wait the server asked for, if any. */
export class RetryableFailure extends Error {
  constructor(
    readonly reason: string,
    readonly status: number = 0,
    readonly retryAfterMs: number | null = null,
  ) {
    super(reason);
    this.name = "RetryableFailure";
  }
}

/**
 * Retrying stopped: `exhausted` after `attempts` tries, or `wait-too-long` when the server asked for a
 * wait (`waitMs`) beyond the policy's limit and the policy says to fail rather than wait.
 */
export class RetriesExhausted extends Error {
  constructor(
    readonly reason: string,
    readonly attempts: number,
    readonly status: number,
    readonly kind: "exhausted" | "wait-too-long",
    readonly waitMs: number | null = null,
  ) {
    super(reason);
    this.name = "RetriesExhausted";
  }
}

/** A pause every request of one client honours (set by a 429 or an exhausted rate-limit window). */
export class SharedPause {
  private until = 0;
  get pausedUntil(): number {
    return this.until;
  }
  /** Pause until at least `now + ms`; returns the (possibly later) end of the pause. */
  extend(ms: number, now: number = Date.now()): number {
    this.until = Math.max(this.until, now + ms);
    return this.until;
  }
}

export interface RetryPolicy {
  /** Attempts in all, the first included (>= 1). */
  maxAttempts: number;
  /** First backoff delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest server-requested wait honoured. */
  maxServerWaitMs: number;
  /** A longer server-requested wait: wait `maxServerWaitMs` instead (`cap`), or stop retrying (`fail`). */
  tooLongServerWait: "cap" | "fail";
  /** Jitter source (seeded, so retry timing reproduces); none means plain doubling. */
  random?: SeededRandom;
  sleep?: (ms: number) => Promise<void>;
  /** Shared by every request of a client, so one 429 holds them all. */
  pause?: SharedPause;
  /** Epoch ms before which the next attempt must not start (e.g. a polite gap between requests). */
  notBefore?: () => number;
  /** Called after every attempt, successful or not. */
  afterAttempt?: () => void;
  /** Told about every retry (for logs and counters); never given request headers. */
  onRetry?: (event: { attempt: number; reason: string; delayMs: number }) => void;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `attempt` until it succeeds, throws something other than {@link RetryableFailure} (passed
 * through unchanged), or the policy gives up ({@link RetriesExhausted}).
 */
export async function withRetries<T>(attempt: (attemptNo: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  if (!(policy.maxAttempts >= 1)) throw new RangeError(`retry: max attempts must be >= 1, got ${policy.maxAttempts}`);
  const sleep = policy.sleep ?? defaultSleep;
  // A pause this request already slept through (it set it) does not hold it back again.
  let pauseSleptThrough = 0;
  for (let attemptNo = 1; ; attemptNo++) {
    const pausedUntil = policy.pause?.pausedUntil ?? 0;
    const pause = pausedUntil > pauseSleptThrough ? pausedUntil : 0;
    const wait = Math.max(policy.notBefore?.() ?? 0, pause) - Date.now();
    if (wait > 0) await sleep(wait);
    try {
      return await attempt(attemptNo);
    } catch (error) {
      if (!(error instanceof RetryableFailure)) throw error;
      if (attemptNo >= policy.maxAttempts) throw new RetriesExhausted(error.reason, attemptNo, error.status, "exhausted");
      const told = error.retryAfterMs;
      if (told !== null && told > policy.maxServerWaitMs && policy.tooLongServerWait === "fail") {
        throw new RetriesExhausted(error.reason, attemptNo, error.status, "wait-too-long", told);
      }
      const delayMs = told !== null ? Math.min(told, policy.maxServerWaitMs) : backoffDelay(attemptNo, policy.baseDelayMs, policy.maxDelayMs, policy.random);
      if (told !== null && policy.pause) pauseSleptThrough = policy.pause.extend(delayMs);
      policy.onRetry?.({ attempt: attemptNo, reason: error.reason, delayMs });
      await sleep(delayMs);
    } finally {
      policy.afterAttempt?.();
    }
  }
}
