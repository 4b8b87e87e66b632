/**
 * The Gemini relevance judge, through the official @google/genai SDK.
 *
 * Default model: gemini-3.8-flash, Google's current stable Flash model (GA 2 September 2026, no shutdown
 * date announced when this was written). The paper used gemini-2.0-flash, which Google shut down on
 * 1 June 2026; it stays selectable (`--model gemini-2.0-flash`) for anyone with access to it, and a
 * retired or unknown model stops the run at its first call with one line naming it.
 *
 * Reliability lives here rather than in the SDK (its own retries are switched off) because the SDK
 * neither honours the server's RetryInfo nor retries answers that break the schema:
 * - 429: wait for the server's RetryInfo delay (error body) or Retry-After header, else back off; the
 *   wait is shared, so every worker of the run pauses, not just the one that was refused;
 * - 5xx, timeouts and network errors: exponential backoff, bounded attempts;
 * - 404 (model not found), 401 and 403: the run stops (no call can succeed);
 * - other 4xx: no retry, recorded as that pair's error;
 * - malformed or off-schema answers: asked again, then recorded as an error, never guessed.
 *
 * Temperature and seed are not sent unless asked for: Google recommends the default temperature for
 * Gemini 3 models. Thinking tokens are billed as output, so they count as output tokens here.
 */
import { RetryableFailure, SharedPause, isRetryableStatus, parseRetryAfter, retryInfoDelayMs } from "../util/retry";
import {
  LlmJudge,
  CallFailed,
  JudgeUnusable,
  callWithRetries,
  describeTransportError,
  errorMessageOf,
  isUnreachable,
  judgeRetryPolicy,
  type ChatAnswer,
  type ChatBackend,
  type LlmJudgeOptions,
  type TransportOptions,
} from "./llm-judge";
import { VERDICT_JSON_SCHEMA, VERDICT_RESPONSE_SCHEMA } from "./verdict-schema";
import { errorMessage } from "../util/text";

/** Google's current stable Flash model (see the file comment). */
export const DEFAULT_GEMINI_MODEL = "gemini-3.8-flash";
/** The model González et al. used (shut down by Google on 1 June 2026). */
export const PAPER_GEMINI_MODEL = "gemini-2.0-flash";

export interface GeminiJudgeOptions extends TransportOptions, LlmJudgeOptions {
  apiKey: string;
  model?: string;
  /** API endpoint; tests point it at a loopback server. */
  baseUrl?: string;
  /** Sent only when set (the model's default otherwise). */
  temperature?: number | null;
  seed?: number | null;
}

/** A request that failed for good (kept for callers that match on it). */
export { CallFailed as GeminiCallError } from "./llm-judge";

export class GeminiBackend implements ChatBackend {
  readonly name = "gemini" as const;
  readonly model: string;
  readonly temperature: number | null;
  readonly seed: number | null;
  private client: Promise<GenAiClient> | null = null;
  private readonly pause = new SharedPause();
  private reachedOnce = false;

  constructor(private readonly options: GeminiJudgeOptions) {
    if (!options.apiKey) throw new Error("GEMINI_API_KEY is not set");
    this.model = options.model ?? DEFAULT_GEMINI_MODEL;
    this.temperature = options.temperature ?? null;
    this.seed = options.seed ?? null;
  }

  /** The SDK ships as ESM; this CommonJS build loads it on first use. */
  private sdk(): Promise<GenAiClient> {
    this.client ??= import("@google/genai").then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          apiKey: this.options.apiKey,
          httpOptions: { ...(this.options.baseUrl ? { baseUrl: this.options.baseUrl } : {}), timeout: this.timeoutMs },
        }),
      (error: unknown) => {
        throw new JudgeUnusable(`cannot load @google/genai: ${errorMessage(error)}`);
      },
    );
    return this.client;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 60_000;
  }

  /** Gemini 2.0 models predate `responseJsonSchema`; they get the same schema in the OpenAPI subset. */
  private schemaConfig(): Record<string, unknown> {
    return /^gemini-2\.0-/.test(this.model) ? { responseSchema: VERDICT_RESPONSE_SCHEMA } : { responseJsonSchema: VERDICT_JSON_SCHEMA };
  }

  async complete(system: string, user: string): Promise<ChatAnswer> {
    // Outside the retry loop: an SDK that cannot load fails the whole run, not each model six times.
    const client = await this.sdk();
    return callWithRetries(() => this.attempt(client, system, user), judgeRetryPolicy(this.options, this.pause));
  }

  private async attempt(client: GenAiClient, system: string, user: string): Promise<ChatAnswer> {
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
          ...this.schemaConfig(),
          ...(this.temperature !== null ? { temperature: this.temperature } : {}),
          ...(this.seed !== null ? { seed: this.seed } : {}),
          httpOptions: { fetch: fetchWithHeaders },
        },
      });
      this.reachedOnce = true;
      const meta = response.usageMetadata;
      const promptTokens = meta?.promptTokenCount ?? 0;
      // Thinking tokens are billed as output.
      const outputTokens = (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0);
      return {
        text: textOf(response),
        usage: { promptTokens, outputTokens, totalTokens: meta?.totalTokenCount ?? promptTokens + outputTokens, calls: 1 },
      };
    } catch (error) {
      const status = apiStatusOf(error);
      if (status === 0) {
        if (!this.reachedOnce && isUnreachable(error))
          throw new JudgeUnusable(`gemini: cannot reach ${this.options.baseUrl ?? "the Gemini API"}: ${describeTransportError(error, this.timeoutMs)}`);
        throw new RetryableFailure(describeTransportError(error, this.timeoutMs), 0);
      }
      this.reachedOnce = true;
      const body = (error as Error).message;
      const detail = errorMessageOf(body);
      const failure = `HTTP ${status}: ${detail}`;
      if (status === 404) {
        const hint =
          this.model === DEFAULT_GEMINI_MODEL
            ? "see https://ai.google.dev/gemini-api/docs/models for the current ones (--model)"
            : `the current default is ${DEFAULT_GEMINI_MODEL} (--model)`;
        throw new JudgeUnusable(`gemini model "${this.model}" is not available (retired or unknown): ${failure}; ${hint}`);
      }
      if (status === 401 || status === 403) throw new JudgeUnusable(`gemini model "${this.model}": the API refused the key (${failure})`);
      if (isRetryableStatus(status)) {
        const told = status === 429 ? (retryInfoDelayMs(body) ?? parseRetryAfter(retryAfterHeader)) : null;
        throw new RetryableFailure(failure, status, told);
      }
      throw new CallFailed(status, failure);
    }
  }
}

/** The Gemini judge: the shared LLM judge over a {@link GeminiBackend}. */
export class GeminiJudge extends LlmJudge {
  constructor(options: GeminiJudgeOptions) {
    super(new GeminiBackend(options), { ...options, secrets: [options.apiKey, ...(options.secrets ?? [])] });
  }
}

/**
 * The delay a 429 asks for: google.rpc.RetryInfo `retryDelay` in the JSON error body, else a
 * Retry-After header (seconds or an HTTP date). Null when the server said nothing usable.
 */
export function retryDelayMs(errorBody: string, retryAfter: string | null, now: number = Date.now()): number | null {
  return retryInfoDelayMs(errorBody) ?? parseRetryAfter(retryAfter, now);
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
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number; totalTokenCount?: number };
}

/** Text of the first candidate's text parts (thought parts skipped); undefined when there is none. */
function textOf(response: GenAiResponse): string | undefined {
  const parts = response.candidates?.[0]?.content?.parts;
  if (!parts || parts.length === 0) return undefined;
  const texts = parts.filter((p) => typeof p.text === "string" && !p.thought).map((p) => p.text!);
  return texts.length > 0 ? texts.join("") : undefined;
}

/** HTTP status of the SDK's ApiError (matched by shape: the class lives in the lazily loaded ESM module). */
function apiStatusOf(error: unknown): number {
  if (error instanceof Error && error.name === "ApiError" && typeof (error as { status?: unknown }).status === "number")
    return (error as unknown as { status: number }).status;
  return 0;
}
