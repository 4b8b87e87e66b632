/**
 * A loopback stand-in for an OpenAI-compatible server (OpenAI, vLLM, llama.cpp's llama-server, LM Studio):
 * `POST /v1/chat/completions` answered by a handler, `GET /v1/models` listing the served models, and
 * the API's error shape `{error: {message, type, code}}`. A request for a model the server does not
 * serve gets OpenAI's 404 `model_not_found` before the handler sees it.
 */
import { readChat, startLoopback, type ChatRequest, type LoopbackReply, type LoopbackServer } from "./loopback";

/** A chat request as the stand-in read it (shared with the Ollama stand-in). */
export type { ChatRequest };

export type ChatHandler = (request: ChatRequest, index: number) => LoopbackReply | Promise<LoopbackReply>;

export interface FakeOpenAi extends LoopbackServer {
  /** Chat completion requests only (the handler's view). */
  chats: ChatRequest[];
}

export async function startFakeOpenAi(handler: ChatHandler, options: { models?: string[] } = {}): Promise<FakeOpenAi> {
  const models = options.models ?? null;
  const chats: ChatRequest[] = [];
  const server = await startLoopback((request, _index) => {
    if (request.method === "GET" && request.path === "/v1/models") {
      return { json: { object: "list", data: (models ?? []).map((id) => ({ id, object: "model", owned_by: "local" })) } };
    }
    if (request.method !== "POST" || request.path !== "/v1/chat/completions") {
      return openAiError(404, `Unknown request URL: ${request.method} ${request.path}.`, "invalid_request_error", "unknown_url");
    }
    const chat: ChatRequest = readChat(request);
    const index = chats.push(chat) - 1;
    if (models && !models.includes(chat.model)) {
      return openAiError(404, `The model \`${chat.model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");
    }
    return handler(chat, index);
  });
  return { ...server, chats };
}

/** A chat completion whose message content is `content`. */
export function chatAnswer(
  content: string | null,
  options: { promptTokens?: number; completionTokens?: number; finishReason?: string; refusal?: string } = {},
): LoopbackReply {
  const prompt = options.promptTokens ?? 900;
  const completion = options.completionTokens ?? 30;
  return {
    json: {
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "served-model",
      choices: [
        { index: 0, message: { role: "assistant", content, refusal: options.refusal ?? null }, finish_reason: options.finishReason ?? "stop", logprobs: null },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    },
  };
}

export function verdictChat(relevant: boolean, rationale: string, options: { promptTokens?: number; completionTokens?: number } = {}): LoopbackReply {
  return chatAnswer(JSON.stringify({ relevant, rationale }), options);
}

/** An error in OpenAI's shape. */
export function openAiError(status: number, message: string, type: string, code: string | null, headers: Record<string, string> = {}): LoopbackReply {
  return { status, headers, json: { error: { message, type, param: null, code } } };
}
