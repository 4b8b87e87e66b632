/**
 * The relevance judge on Ollama's native chat API (`POST /api/chat`, `stream: false`), default
 * http://127.0.0.1:11434. The verdict schema goes in `format` (Ollama's constrained decoding), and
 * `options` carries `temperature` and `seed` (default 0 and 2025, recorded with every verdict), the
 * context window (`num_ctx`: Ollama's own default is too short for a card and the instructions, and it
 * would cut the prompt silently) and an output cap (`num_predict`).
 *
 * A model Ollama does not have (404) stops the run at its first call; the message lists the models the
 * server has (`GET /api/tags`) and the `ollama pull` that fixes it. 429 and 5xx (a busy server's queue)
 * and timeouts are retried through src/util/retry.ts. An optional OLLAMA_API_KEY is sent as a bearer
 * token, for servers behind an authenticating proxy.
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
import { LOCAL_DEFAULT_SEED, LOCAL_DEFAULT_TEMPERATURE, MAX_ANSWER_TOKENS } from "./openai-compatible";
import { VERDICT_JSON_SCHEMA } from "./verdict-schema";

export const OLLAMA_DEFAULT_BASE_URL = "http://127.0.0.1:11434";
/** A 7B instruct model that follows JSON schemas well and runs on a laptop (about 4.7 GB at Q4_K_M). */
export const DEFAULT_OLLAMA_MODEL = "qwen2.5:7b-instruct";
/** Context window asked for: the instructions (~1,500 tokens) plus a card cut at 12,000 characters fit with room. */
export const DEFAULT_OLLAMA_NUM_CTX = 8192;

export interface OllamaJudgeOptions extends TransportOptions, LlmJudgeOptions {
  model?: string;
  baseUrl?: string;
  /** From OLLAMA_API_KEY; optional. */
  apiKey?: string;
  temperature?: number | null;
  seed?: number | null;
  numCtx?: number;
  fetchImpl?: typeof fetch;
}

/** What /api/chat answers with `stream: false` (the fields this judge reads). */
interface OllamaChatResponse {
  message?: { content?: string; thinking?: string };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  /** Nanoseconds spent loading the model into memory (the first call after a while). */
  load_duration?: number;
}

export function normaliseOllamaBaseUrl(url: string | undefined): string {
  if (!url) return OLLAMA_DEFAULT_BASE_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--base-url must be an http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error(`--base-url must be an http(s) URL, got "${url}"`);
  if (parsed.username || parsed.password) throw new Error("--base-url must not carry credentials (put a key in OLLAMA_API_KEY)");
  // The native API lives at the root; a pasted OpenAI-style URL (…/v1) or …/api would double the path.
  const path = parsed.pathname.replace(/\/+$/, "").replace(/\/(v1|api)$/, "");
  return `${parsed.origin}${path}`;
}

export class OllamaBackend implements ChatBackend {
  readonly name = "ollama" as const;
  readonly model: string;
  readonly temperature: number | null;
  readonly seed: number | null;
  readonly baseUrl: string;
  /** Model load time reported by the server (ms, summed over calls): a warm-up subtracts it. */
  loadMs = 0;
  private readonly pause = new SharedPause();
  private reachedOnce = false;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: OllamaJudgeOptions) {
    this.model = options.model ?? DEFAULT_OLLAMA_MODEL;
    this.baseUrl = normaliseOllamaBaseUrl(options.baseUrl);
    this.temperature = options.temperature === undefined ? LOCAL_DEFAULT_TEMPERATURE : options.temperature;
    this.seed = options.seed === undefined ? LOCAL_DEFAULT_SEED : options.seed;
    this.fetchImpl = options.fetchImpl ?? globalThis.fetch;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 300_000;
  }

  private headers(): Record<string, string> {
    return { "content-type": "application/json", ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) };
  }

  async complete(system: string, user: string): Promise<ChatAnswer> {
    return callWithRetries(() => this.attempt(system, user), judgeRetryPolicy(this.options, this.pause));
  }

  private async attempt(system: string, user: string): Promise<ChatAnswer> {
    const options: Record<string, number> = { num_ctx: this.options.numCtx ?? DEFAULT_OLLAMA_NUM_CTX, num_predict: MAX_ANSWER_TOKENS };
    if (this.temperature !== null) options.temperature = this.temperature;
    if (this.seed !== null) options.seed = this.seed;
    const body = JSON.stringify({
      model: this.model,
      messages: [
        { role: "system", content: system },
        { role: "user", content: user },
      ],
      stream: false,
      format: VERDICT_JSON_SCHEMA,
      options,
    });
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(`${this.baseUrl}/api/chat`, {
        method: "POST",
        headers: this.headers(),
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const reason = describeTransportError(error, this.timeoutMs);
      if (!this.reachedOnce && isUnreachable(error)) throw new JudgeUnusable(`ollama: cannot reach ${this.baseUrl} (${reason}): is \`ollama serve\` running?`);
      throw new RetryableFailure(reason, 0);
    }
    this.reachedOnce = true;
    if (!response.ok) {
      const failure = `HTTP ${response.status}: ${errorMessageOf(text)}`;
      if (response.status === 404)
        throw new JudgeUnusable(`ollama model "${this.model}" is not available at ${this.baseUrl}: ${failure}${await this.pulledModelsHint()}`);
      if (response.status === 401 || response.status === 403)
        throw new JudgeUnusable(`ollama model "${this.model}" at ${this.baseUrl}: the server refused the request (${failure}); set OLLAMA_API_KEY`);
      if (isRetryableStatus(response.status))
        throw new RetryableFailure(failure, response.status, response.status === 429 ? parseRetryAfter(response.headers.get("retry-after")) : null);
      throw new CallFailed(response.status, failure);
    }
    let parsed: OllamaChatResponse;
    try {
      parsed = JSON.parse(text) as OllamaChatResponse;
    } catch {
      // A body cut short in transit: worth another attempt, like the collector does.
      throw new RetryableFailure(`unparseable JSON body (${text.length} characters)`, response.status);
    }
    this.loadMs += Math.round((parsed.load_duration ?? 0) / 1e6);
    const promptTokens = parsed.prompt_eval_count ?? 0;
    const outputTokens = parsed.eval_count ?? 0;
    return {
      text: typeof parsed.message?.content === "string" ? parsed.message.content : undefined,
      usage: { promptTokens, outputTokens, totalTokens: promptTokens + outputTokens, calls: 1 },
      ...(parsed.done_reason === "length" ? { problem: `answer cut short at ${MAX_ANSWER_TOKENS} tokens` } : {}),
    };
  }

  /** `; pulled here: a, b; run \`ollama pull <model>\`` from /api/tags, or a plain pull hint when that fails. */
  private async pulledModelsHint(): Promise<string> {
    const pull = `; run \`ollama pull ${this.model}\``;
    try {
      const response = await this.fetchImpl(`${this.baseUrl}/api/tags`, { headers: this.headers(), signal: AbortSignal.timeout(10_000) });
      if (!response.ok) return pull;
      const tags = (await response.json()) as { models?: Array<{ name?: unknown; model?: unknown }> };
      const names = (tags.models ?? [])
        .map((m) => String(m.name ?? m.model ?? ""))
        .filter((n) => n !== "")
        .sort();
      return `; pulled here: ${names.length > 0 ? names.join(", ") : "none"}${pull}`;
    } catch {
      return pull;
    }
  }
}

/** The Ollama judge: the shared LLM judge over an {@link OllamaBackend}. */
export class OllamaJudge extends LlmJudge {
  constructor(options: OllamaJudgeOptions) {
    super(new OllamaBackend(options), { ...options, secrets: [...(options.apiKey ? [options.apiKey] : []), ...(options.secrets ?? [])] });
  }
}
