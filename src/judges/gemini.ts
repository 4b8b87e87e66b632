/**
 * The Gemini relevance judge, through the official @google/genai SDK.
 *
 * Reliability lives here rather than in the SDK (its own retries are switched off) because the
 * SDK neither honours the server's RetryInfo nor retries answers that break the schema:
 * - 429: wait for the server's RetryInfo delay (error body) or Retry-After header, else back off;
 *   the wait is shared, so every worker of the run pauses, not just the one that was refused;
 * - 5xx, timeouts and network errors: exponential backoff, bounded attempts;
 * - other 4xx: no retry (a bad key or request will not heal);
 * - malformed or off-schema answers: asked again, then recorded as that model's error, never guessed.
 */
import type { ActivityCode } from "../taxonomy/taxonomy";
import { NO_USAGE, addUsage, matchedTasks, type Candidate, type Judgement, type RelevanceJudge, type Usage } from "./candidate";
import { buildCardDocument, type ExcerptOptions } from "./card-text";
import { buildCallPrompt, type ActivityPrompt } from "./prompt";
import { VERDICT_RESPONSE_SCHEMA, parseVerdictText } from "./verdict-schema";
import { errorMessage } from "../util/text";

export const DEFAULT_GEMINI_MODEL = "gemini-2.0-flash";

export interface GeminiJudgeOptions {
  apiKey: string;
  prompts: ReadonlyMap<ActivityCode, ActivityPrompt>;
  model?: string;
  /** API endpoint; tests point it at a loopback server. */
  baseUrl?: string;
  /** Per-attempt HTTP timeout (default 60 s). */
  timeoutMs?: number;
  /** HTTP attempts per request, the first included (default 6). */
  maxAttempts?: number;
  /** Answers asked for per candidate before an off-schema answer becomes an error (default 3). */
  maxAnswers?: number;
  /** First backoff delay (default 1 s), doubled per attempt, capped at `maxDelayMs` (default 60 s). */
  backoffMs?: number;
  maxDelayMs?: number;
  /** Longest server-requested 429 wait honoured (default 5 min); a longer one (e.g. a daily quota) fails the call. */
  maxRateLimitWaitMs?: number;
  excerpt?: ExcerptOptions;
  /** Injection points for tests. */
  sleep?: (ms: number) => Promise<void>;
  newBoundary?: () => string;
}

/** A request that failed for good: status (0 for network/timeout) and a message without secrets. */
export class GeminiCallError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "GeminiCallError";
  }
}

/** The SDK could not be loaded or set up: no call can succeed, so the run stops. */
export class GeminiSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GeminiSetupError";
  }
}

interface Answer {
  text: string | undefined;
  usage: Usage;
}

export class GeminiJudge implements RelevanceJudge {
  readonly label: string;
  readonly model: string;
  private client: Promise<GenAiClient> | null = null;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Epoch ms before which no request starts (set by a 429). */
  private pausedUntil = 0;

  constructor(private readonly options: GeminiJudgeOptions) {
    if (!options.apiKey) throw new Error("GEMINI_API_KEY is not set");
    this.model = options.model ?? DEFAULT_GEMINI_MODEL;
    this.label = `gemini:${this.model}`;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The SDK ships as ESM; this CommonJS build loads it on first use. */
  private sdk(): Promise<GenAiClient> {
    this.client ??= import("@google/genai").then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          apiKey: this.options.apiKey,
          httpOptions: { ...(this.options.baseUrl ? { baseUrl: this.options.baseUrl } : {}), timeout: this.options.timeoutMs ?? 60_000 },
        }),
      (error: unknown) => {
        throw new GeminiSetupError(`cannot load @google/genai: ${errorMessage(error)}`);
      },
    );
    return this.client;
  }

  promptHash(activity: ActivityCode): string {
    return this.promptOf(activity).hash;
  }

  async judge(candidate: Candidate): Promise<Judgement> {
    const prompt = this.promptOf(candidate.activity);
    const card = buildCardDocument(candidate.record, candidate.evidence, this.options.excerpt);
    const base = { id: candidate.record.id, activity: candidate.activity, judge: this.label, promptHash: prompt.hash };
    let usage: Usage = NO_USAGE;
    const problems: string[] = [];
    const maxAnswers = this.options.maxAnswers ?? 3;
    for (let answerNo = 1; answerNo <= maxAnswers; answerNo++) {
      // A fresh boundary per call: a card cannot learn it from an earlier attempt.
      const call = buildCallPrompt(prompt, card, matchedTasks(candidate), this.options.newBoundary);
      let answer: Answer;
      try {
        answer = await this.request(call.system, call.user);
      } catch (error) {
        if (error instanceof GeminiSetupError) throw error;
        const message = this.redact(errorMessage(error));
        return { verdict: { ...base, relevant: null, rationale: "", error: `${candidate.record.id} (${candidate.activity}): ${message}` }, usage };
      }
      usage = addUsage(usage, answer.usage);
      const parsed = parseVerdictText(answer.text, [call.boundary]);
      if (parsed.ok) return { verdict: { ...base, relevant: parsed.verdict.relevant, rationale: this.redact(parsed.verdict.rationale), error: null }, usage };
      problems.push(parsed.problem);
    }
    const error = `${candidate.record.id} (${candidate.activity}): no valid verdict after ${maxAnswers} answers (${problems.join("; ")})`;
    return { verdict: { ...base, relevant: null, rationale: "", error: this.redact(error) }, usage };
  }

  private promptOf(activity: ActivityCode): ActivityPrompt {
    const prompt = this.options.prompts.get(activity);
    if (!prompt) throw new Error(`no prompt loaded for activity ${activity}`);
    return prompt;
  }

  /** One generateContent request with transport-level retries. */
  private async request(system: string, user: string): Promise<Answer> {
    const maxAttempts = this.options.maxAttempts ?? 6;
    let lastFailure = "";
    // Outside the retry loop: an SDK that cannot load fails the whole run, not each model six times.
    const client = await this.sdk();
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) await this.sleep(wait);
      let retryAfterHeader: string | null = null;
      // A per-call fetch, only to read the Retry-After header the SDK does not expose.
      const fetchWithHeaders: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (!response.ok) retryAfterHeader = response.headers.get("retry-after");
        return response;
      };
      try {
        const response = await client.models.generateContent({
          model: this.model,
          contents: [{ role: "user", parts: [{ text: user }] }],
          config: {
            systemInstruction: system,
            responseMimeType: "application/json",
            responseSchema: VERDICT_RESPONSE_SCHEMA,
            httpOptions: { fetch: fetchWithHeaders },
          },
        });
        const meta = response.usageMetadata;
        const promptTokens = meta?.promptTokenCount ?? 0;
        const outputTokens = meta?.candidatesTokenCount ?? 0;
        return {
          text: textOf(response),
          usage: { promptTokens, outputTokens, totalTokens: meta?.totalTokenCount ?? promptTokens + outputTokens, calls: 1 },
        };
      } catch (error) {
        const status = apiStatusOf(error);
        const detail = status ? errorMessageOf((error as Error).message) : describeTransportError(error);
        lastFailure = status ? `HTTP ${status}: ${detail}` : detail;
        const retryable = status === 0 || status === 408 || status === 429 || status >= 500;
        if (!retryable || attempt === maxAttempts) throw new GeminiCallError(status, `${lastFailure} (attempt ${attempt} of ${maxAttempts})`);
        const backoff = Math.min((this.options.backoffMs ?? 1000) * 2 ** (attempt - 1), this.options.maxDelayMs ?? 60_000);
        if (status === 429) {
          const told = retryDelayMs((error as Error).message, retryAfterHeader);
          const limit = this.options.maxRateLimitWaitMs ?? 300_000;
          if (told !== null && told > limit) {
            throw new GeminiCallError(429, `${lastFailure}; the server asks to wait ${Math.round(told / 1000)} s, more than the ${Math.round(limit / 1000)} s allowed (quota exhausted?)`);
          }
          this.pausedUntil = Math.max(this.pausedUntil, Date.now() + (told ?? backoff));
        } else {
          await this.sleep(backoff);
        }
      }
    }
    throw new GeminiCallError(0, lastFailure);
  }

  private redact(text: string): string {
    // Real keys are long; a test key of a letter or two would shred every message.
    return this.options.apiKey.length >= 8 ? text.split(this.options.apiKey).join("[redacted]") : text;
  }
}

/** The part of the SDK client this judge uses (its types come from an ESM-only declaration file). */
interface GenAiClient {
  models: {
    generateContent(params: {
      model: string;
      contents: Array<{ role: string; parts: Array<{ text: string }> }>;
      config: Record<string, unknown>;
    }): Promise<GenAiResponse>;
  };
}

interface GenAiResponse {
  candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean }> } }>;
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; totalTokenCount?: number };
}

/** Text of the first candidate's text parts (thought parts skipped); undefined when there is none. */
function textOf(response: GenAiResponse): string | undefined {
  const parts = response.candidates?.[0]?.content?.parts;
  if (!parts || parts.length === 0) return undefined;
  const texts = parts.filter((p) => typeof p.text === "string" && !p.thought).map((p) => p.text!);
  return texts.length > 0 ? texts.join("") : undefined;
}

/**
 * The delay a 429 asks for: google.rpc.RetryInfo `retryDelay` ("12s", "1.5s") in the JSON error body,
 * else a Retry-After header (seconds or an HTTP date). Null when the server said nothing usable.
 */
export function retryDelayMs(errorBody: string, retryAfter: string | null, now: number = Date.now()): number | null {
  try {
    const parsed = JSON.parse(errorBody) as { error?: { details?: Array<Record<string, unknown>> } };
    for (const detail of parsed.error?.details ?? []) {
      const type = String(detail["@type"] ?? "");
      const delay = detail.retryDelay;
      if (type.endsWith("google.rpc.RetryInfo") && typeof delay === "string") {
        const m = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
        if (m) return Math.round(Number(m[1]) * 1000);
      }
    }
  } catch {
    // not JSON: fall through to the header
  }
  if (retryAfter) {
    const seconds = Number(retryAfter.trim());
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return null;
}

/** HTTP status of the SDK's ApiError (matched by shape: the class lives in the lazily loaded ESM module). */
function apiStatusOf(error: unknown): number {
  if (error instanceof Error && error.name === "ApiError" && typeof (error as { status?: unknown }).status === "number") return (error as unknown as { status: number }).status;
  return 0;
}

function errorMessageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; status?: unknown } };
    const message = typeof parsed.error?.message === "string" ? parsed.error.message : body;
    const status = typeof parsed.error?.status === "string" ? `${parsed.error.status}: ` : "";
    return `${status}${message}`.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "AbortError" || error.name === "TimeoutError") return "request timed out";
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return `network error: ${error.message}${cause ? ` (${cause})` : ""}`;
  }
  return String(error);
}
