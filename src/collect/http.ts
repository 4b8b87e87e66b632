/**
 * A polite HTTP client for the Hub and arXiv: bounded concurrency, optional spacing between
 * requests, retries with exponential backoff and jitter on 5xx / resets / timeouts / truncated
 * bodies. A 429 (Retry-After in seconds or as an HTTP date, else the `RateLimit` reset) or a
 * `RateLimit` header with no requests left pauses every request, not only the one that got it.
 * Bodies are read completely inside each attempt, so a connection that dies mid-body is retried
 * like any other transport failure. A host that cannot be reached at all before any answer (no
 * DNS, no route, connection refused) fails at once instead of backing off: that is no network.
 *
 * The optional bearer token is attached only to requests for `tokenOrigin` and never appears in
 * errors or retry reports (URLs carry no secrets; headers are never echoed).
 */
import { SeededRandom } from "../util/random";
import { Semaphore } from "../util/concurrency";
import { RetriesExhausted, RetryableFailure, SharedPause, parseRetryAfter, withRetries } from "../util/retry";

// The retry helpers live in src/util/retry.ts; re-exported for the collector's callers.
export { backoffDelay, parseRetryAfter } from "../util/retry";

export interface HttpOptions {
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Attempts per request before giving up (default 5). */
  maxRetries?: number;
  /** Per-attempt deadline covering headers and body (default 30 s). */
  timeoutMs?: number;
  /** First backoff delay; doubles each attempt (default 500 ms). */
  baseDelayMs?: number;
  /** Longest backoff delay (default 60 s). */
  maxDelayMs?: number;
  /** Upper bound on a server-requested Retry-After wait (default 15 min); tests set it small. */
  retryAfterCapMs?: number;
  /** Minimum gap between the end of one request and the start of the next (arXiv asks for 3 s). */
  minIntervalMs?: number;
  /** Bearer token, sent only to `tokenOrigin`. */
  token?: string;
  tokenOrigin?: string;
  /** Jitter source; seed it in tests so retry timing is reproducible. */
  random?: SeededRandom;
  userAgent?: string;
  /** Told about every retry (for logs); never given headers. */
  onRetry?: (event: RetryEvent) => void;
  /** Replaceable for tests. */
  sleep?: (ms: number) => Promise<void>;
  fetchImpl?: typeof fetch;
}

export interface RetryEvent {
  url: string;
  attempt: number;
  reason: string;
  delayMs: number;
}

/** A fully read response. */
export interface HttpResult {
  url: string;
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /**
   * Extra check of a 2xx body; return a reason to retry (e.g. arXiv's plain-text "Rate exceeded."),
   * or null when the body is usable. JSON bodies are always checked to parse.
   */
  validate?: (result: HttpResult) => string | null;
}

/** The request was abandoned after `attempts` tries; `reason` is the last failure. */
export class HttpGiveUpError extends Error {
  constructor(
    readonly url: string,
    readonly attempts: number,
    readonly reason: string,
  ) {
    super(`${url}: gave up after ${attempts} attempt(s): ${reason}`);
    this.name = "HttpGiveUpError";
  }
}

export interface HttpClient {
  /** GET with retries; resolves with any non-retryable status (2xx, 3xx, 4xx except 429). */
  get(url: string, options?: RequestOptions): Promise<HttpResult>;
  /** A `fetch`-compatible function (for @huggingface/hub) running through the same retries and limits. */
  fetch: typeof fetch;
  /** Counters for reports and benchmarks. */
  stats: { requests: number; retries: number; givenUp: number };
}

const DEFAULTS = {
  concurrency: 8,
  maxRetries: 5,
  timeoutMs: 30_000,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  retryAfterCapMs: 15 * 60_000,
  minIntervalMs: 0,
};

/**
 * The Hub's IETF-draft `RateLimit` header (`"resolvers";r=0;t=55`): requests remaining in the
 * current window and ms until it resets. Null when absent or unreadable.
 */
export function parseRateLimit(value: string | null): { remaining: number | null; resetMs: number | null } | null {
  if (value === null) return null;
  const remaining = /;\s*r=(\d+)/.exec(value);
  const reset = /;\s*t=(\d+)/.exec(value);
  if (!remaining && !reset) return null;
  return { remaining: remaining ? Number(remaining[1]) : null, resetMs: reset ? Number(reset[1]) * 1000 : null };
}

export function createHttpClient(options: HttpOptions = {}): HttpClient {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  if (!(settings.concurrency >= 1)) throw new Error(`http: concurrency must be >= 1, got ${settings.concurrency}`);
  if (!(settings.maxRetries >= 1)) throw new Error(`http: max retries must be >= 1, got ${settings.maxRetries}`);
  const random = options.random ?? new SeededRandom("http-jitter");
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pause = new SharedPause();
  const fetchImpl = options.fetchImpl ?? globalThis.fetch;
  const gate = new Semaphore(settings.concurrency);
  const stats = { requests: 0, retries: 0, givenUp: 0 };
  let nextStartAt = 0;
  // When the server says "slow down" (429, or a RateLimit header with nothing left), every request waits: `pause`.
  let reachedOnce = false;

  async function attempt(url: string, request: RequestOptions): Promise<HttpResult> {
    const headers: Record<string, string> = { ...request.headers };
    if (options.userAgent) headers["user-agent"] = options.userAgent;
    if (options.token && options.tokenOrigin && new URL(url).origin === options.tokenOrigin) {
      headers.authorization = `Bearer ${options.token}`;
    }
    stats.requests++;
    let response: Response;
    let body: Uint8Array;
    try {
      response = await fetchImpl(url, { headers, signal: AbortSignal.timeout(settings.timeoutMs) });
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      // A host never reached (no DNS, no route, refused) means no network or a wrong URL, not a hiccup: fail at once.
      if (!reachedOnce && isUnreachable(error))
        throw new Error(`cannot reach ${new URL(url).host}: ${transportReason(error, settings.timeoutMs)}; no network?`, { cause: error });
      throw new RetryableFailure(transportReason(error, settings.timeoutMs));
    }
    reachedOnce = true;
    const window = parseRateLimit(response.headers.get("ratelimit"));
    if (window && window.remaining === 0 && window.resetMs !== null) {
      pause.extend(Math.min(window.resetMs, settings.retryAfterCapMs));
    }
    const result: HttpResult = { url, status: response.status, headers: response.headers, body };
    if (response.status === 429) {
      const wait = parseRetryAfter(response.headers.get("retry-after")) ?? window?.resetMs ?? null;
      throw new RetryableFailure("HTTP 429 Too Many Requests", 429, wait);
    }
    if (response.status >= 500) throw new RetryableFailure(`HTTP ${response.status}`, response.status);
    if (response.status >= 200 && response.status < 300) {
      const declared = response.headers.get("content-length");
      const encoded = response.headers.get("content-encoding");
      if (declared !== null && !encoded && Number(declared) !== body.byteLength) {
        throw new RetryableFailure(`truncated body: ${body.byteLength} of ${declared} bytes`);
      }
      if ((response.headers.get("content-type") ?? "").includes("json")) {
        try {
          JSON.parse(new TextDecoder().decode(body));
        } catch {
          throw new RetryableFailure(`unparseable JSON body (${body.byteLength} bytes)`);
        }
      }
      const invalid = request.validate?.(result);
      if (invalid) throw new RetryableFailure(invalid);
    }
    return result;
  }

  async function get(url: string, request: RequestOptions = {}): Promise<HttpResult> {
    await gate.acquire();
    try {
      return await withRetries(() => attempt(url, request), {
        maxAttempts: settings.maxRetries,
        baseDelayMs: settings.baseDelayMs,
        maxDelayMs: settings.maxDelayMs,
        maxServerWaitMs: settings.retryAfterCapMs,
        tooLongServerWait: "cap",
        random,
        sleep,
        pause,
        notBefore: () => nextStartAt,
        afterAttempt: () => {
          if (settings.minIntervalMs > 0) nextStartAt = Date.now() + settings.minIntervalMs;
        },
        onRetry: (event) => {
          stats.retries++;
          options.onRetry?.({ url, ...event });
        },
      });
    } catch (error) {
      if (!(error instanceof RetriesExhausted)) throw error;
      stats.givenUp++;
      throw new HttpGiveUpError(url, error.attempts, error.reason);
    } finally {
      gate.release();
    }
  }

  // @huggingface/hub calls this; it only needs status, headers and body, which we re-wrap after retries.
  const hubFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      // The token is ours to add (and only for the Hub origin); drop any the caller passes.
      if (key !== "authorization") headers[key] = value;
    });
    const result = await get(url, { headers });
    const nullBody = result.status === 204 || result.status === 304;
    // Response wants an ArrayBuffer-backed view; ours always is, the static type just cannot say so.
    return new Response(nullBody ? null : (result.body as BodyInit), { status: result.status, headers: result.headers });
  }) as typeof fetch;

  return { get, fetch: hubFetch, stats };
}

function transportReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return `timed out after ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message;
    return detail ? `${error.message} (${detail})` : error.message;
  }
  return String(error);
}

const UNREACHABLE = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

function isUnreachable(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } } | null)?.cause?.code;
  return code !== undefined && UNREACHABLE.has(code);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
