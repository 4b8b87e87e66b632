/**
 * The relevance judge on any server that speaks OpenAI's chat completions API, through the official
 * `openai` SDK with a `baseURL`: OpenAI itself, vLLM (`vllm serve`, :8000/v1), llama.cpp's
 * `llama-server` (:8080/v1), LM Studio (:1234/v1), Ollama's compatibility layer (:11434/v1).
 *
 * Each request carries the verdict schema as `response_format: {type: "json_schema", json_schema:
 * {name, schema, strict: true}}`, which those servers turn into constrained decoding, plus
 * `temperature` and `seed` (default 0 and 2025, recorded with every verdict) and an output cap.
 * The SDK's own retries are off: 429 (Retry-After), 5xx and timeouts go through src/util/retry.ts like
 * every other backend. A 404 (an unknown model, or a base URL without the API), a model_not_found code,
 * a refused key (401/403) or a server that cannot be reached at the first call stop the run.
 *
 * The key comes from OPENAI_API_KEY and is optional: local servers need none (a placeholder is sent).
 */
import { RetryableFailure, SharedPause, isRetryableStatus, parseRetryAfter } from "../util/retry";
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
import { VERDICT_JSON_SCHEMA, VERDICT_SCHEMA_NAME } from "./verdict-schema";

type OpenAiSdk = typeof import("openai");

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";
/** Sampling defaults for self-hosted models: greedy, with a fixed seed, so a rerun gives the same answers. */
export const LOCAL_DEFAULT_TEMPERATURE = 0;
export const LOCAL_DEFAULT_SEED = 2025;
/** Most tokens an answer may take: a verdict needs under 100; the cap stops a model that will not stop. */
export const MAX_ANSWER_TOKENS = 512;
/** Sent when no key is set: local servers ignore it, and the SDK refuses to run without one. */
const NO_KEY = "no-key";

export interface OpenAiJudgeOptions extends TransportOptions, LlmJudgeOptions {
  model: string;
  /** Server root; a URL without a path gets `/v1` (default https://api.openai.com/v1). */
  baseUrl?: string;
  /** From OPENAI_API_KEY; optional for local servers. */
  apiKey?: string;
  temperature?: number | null;
  seed?: number | null;
}

/** A base URL as the SDK wants it: `/v1` added when the URL has no path (`http://127.0.0.1:8000`). */
export function normaliseOpenAiBaseUrl(url: string | undefined): string {
  if (!url) return OPENAI_DEFAULT_BASE_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--base-url must be an http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`--base-url must be an http(s) URL, got "${url}"`);
  if (parsed.username || parsed.password) throw new Error("--base-url must not carry credentials (put the key in OPENAI_API_KEY)");
  const path = parsed.pathname.replace(/\/+$/, "");
  return `${parsed.origin}${path === "" ? "/v1" : path}`;
}

export class OpenAiBackend implements ChatBackend {
  readonly name = "openai" as const;
  readonly model: string;
  readonly temperature: number | null;
  readonly seed: number | null;
  readonly baseUrl: string;
  private sdk: Promise<OpenAiSdk> | null = null;
  private readonly pause = new SharedPause();
  private reachedOnce = false;

  constructor(private readonly options: OpenAiJudgeOptions) {
    if (!options.model) throw new Error("the openai judge needs --model (the model name as your server lists it)");
    this.model = options.model;
    this.baseUrl = normaliseOpenAiBaseUrl(options.baseUrl);
    this.temperature = options.temperature === undefined ? LOCAL_DEFAULT_TEMPERATURE : options.temperature;
    this.seed = options.seed === undefined ? LOCAL_DEFAULT_SEED : options.seed;
  }

  private get timeoutMs(): number {
    // Local models on a CPU can take minutes for one long card.
    return this.options.timeoutMs ?? 300_000;
  }

  /** Loaded on first use, so commands that judge nothing do not pay for it. */
  private loadSdk(): Promise<OpenAiSdk> {
    // The dynamic import's declarations are the package's ESM ones; same classes, so the cast is sound.
    this.sdk ??= (import("openai") as unknown as Promise<OpenAiSdk>).catch((error: unknown) => {
      throw new JudgeUnusable(`cannot load the openai package: ${error instanceof Error ? error.message : String(error)}`);
    });
    return this.sdk;
  }

  async complete(system: string, user: string): Promise<ChatAnswer> {
    const sdk = await this.loadSdk();
    return callWithRetries(() => this.attempt(sdk, system, user), judgeRetryPolicy(this.options, this.pause));
  }

  private async attempt(sdk: OpenAiSdk, system: string, user: string): Promise<ChatAnswer> {
    let errorBody = "";
    // A client per attempt, so the fetch below can keep this attempt's error body (the SDK drops
    // bodies that lack an `error` key, which is how vLLM answers).
    const capture: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!response.ok)
        errorBody = await response
          .clone()
          .text()
          .catch(() => "");
      return response;
    };
    const client = new sdk.OpenAI({
      apiKey: this.options.apiKey || NO_KEY,
      baseURL: this.baseUrl,
      timeout: this.timeoutMs,
      maxRetries: 0,
      logLevel: "off",
      fetch: capture,
      organization: null,
      project: null,
    });
    // api.openai.com wants max_completion_tokens; the local servers know max_tokens.
    const cap = new URL(this.baseUrl).hostname === "api.openai.com" ? { max_completion_tokens: MAX_ANSWER_TOKENS } : { max_tokens: MAX_ANSWER_TOKENS };
    try {
      const completion = await client.chat.completions.create({
        model: this.model,
        messages: [
          { role: "system", content: system },
          { role: "user", content: user },
        ],
        response_format: {
          type: "json_schema",
          json_schema: { name: VERDICT_SCHEMA_NAME, schema: VERDICT_JSON_SCHEMA as unknown as Record<string, unknown>, strict: true },
        },
        ...(this.temperature !== null ? { temperature: this.temperature } : {}),
        ...(this.seed !== null ? { seed: this.seed } : {}),
        ...cap,
      });
      this.reachedOnce = true;
      const usage = completion.usage;
      const promptTokens = usage?.prompt_tokens ?? 0;
      const outputTokens = usage?.completion_tokens ?? 0;
      const choice = completion.choices?.[0];
      const message = choice?.message as { content?: string | null; refusal?: string | null } | undefined;
      const problem = message?.refusal
        ? `the model refused: ${message.refusal.slice(0, 200)}`
        : choice?.finish_reason === "length"
          ? `answer cut short at ${MAX_ANSWER_TOKENS} tokens`
          : undefined;
      return {
        text: typeof message?.content === "string" ? message.content : undefined,
        usage: { promptTokens, outputTokens, totalTokens: usage?.total_tokens ?? promptTokens + outputTokens, calls: 1 },
        ...(problem ? { problem } : {}),
      };
    } catch (error) {
      throw this.classify(sdk, error, errorBody);
    }
  }

  private classify(sdk: OpenAiSdk, error: unknown, errorBody: string): Error {
    const status = error instanceof sdk.APIError && typeof error.status === "number" ? error.status : 0;
    if (status === 0) {
      const cause =
        error instanceof sdk.APIConnectionTimeoutError
          ? `request timed out after ${this.timeoutMs} ms`
          : describeTransportError((error as { cause?: unknown }).cause ?? error, this.timeoutMs);
      if (!this.reachedOnce && isUnreachable(error)) return new JudgeUnusable(`openai: cannot reach ${this.baseUrl} (${cause}): is the server running?`);
      return new RetryableFailure(cause, 0);
    }
    this.reachedOnce = true;
    const apiError = error as InstanceType<typeof sdk.APIError>;
    const failure = `HTTP ${status}: ${errorMessageOf(errorBody || apiError.message)}`;
    const code = typeof apiError.code === "string" ? apiError.code : "";
    if (status === 404 || code === "model_not_found" || /\bmodel\b.*\b(not (be )?found|does not exist)\b/i.test(failure)) {
      return new JudgeUnusable(
        `openai model "${this.model}" is not available at ${this.baseUrl} (unknown model, or no OpenAI-compatible API at that URL): ${failure}`,
      );
    }
    if (status === 401 || status === 403)
      return new JudgeUnusable(`openai model "${this.model}" at ${this.baseUrl}: the server refused the key (${failure}); set OPENAI_API_KEY`);
    if (isRetryableStatus(status)) return new RetryableFailure(failure, status, status === 429 ? parseRetryAfter(apiError.headers?.get("retry-after")) : null);
    return new CallFailed(status, failure);
  }
}

/** The OpenAI-compatible judge: the shared LLM judge over an {@link OpenAiBackend}. */
export class OpenAiJudge extends LlmJudge {
  constructor(options: OpenAiJudgeOptions) {
    super(new OpenAiBackend(options), { ...options, secrets: [...(options.apiKey ? [options.apiKey] : []), ...(options.secrets ?? [])] });
  }
}
