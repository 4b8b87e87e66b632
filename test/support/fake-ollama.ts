/**
 * A loopback stand-in for Ollama's native API: `POST /api/chat` (stream: false) answered by a handler,
 * `GET /api/tags` listing the pulled models, and Ollama's error shape `{error: "..."}`. A chat for a
 * model not pulled gets Ollama's 404 before the handler sees it.
 */
import { readChat, startLoopback, type ChatRequest, type LoopbackReply, type LoopbackServer } from "./loopback";

/** A chat request as the stand-in read it. */
export type OllamaChat = ChatRequest;

export type OllamaHandler = (request: OllamaChat, index: number) => LoopbackReply | Promise<LoopbackReply>;

export interface FakeOllama extends LoopbackServer {
  chats: OllamaChat[];
}

export async function startFakeOllama(handler: OllamaHandler, options: { models?: string[] } = {}): Promise<FakeOllama> {
  const models = options.models ?? ["qwen2.5:7b-instruct", "llama3.1:8b"];
  const chats: OllamaChat[] = [];
  const server = await startLoopback((request) => {
    if (request.method === "GET" && request.path === "/api/tags") {
      return {
        json: {
          models: models.map((name) => ({
            name,
            model: name,
            size: 4_683_087_332,
            details: { family: "qwen2", parameter_size: "7.6B", quantization_level: "Q4_K_M" },
          })),
        },
      };
    }
    if (request.method !== "POST" || request.path !== "/api/chat") return { status: 404, text: "404 page not found" };
    const chat: OllamaChat = readChat(request);
    const index = chats.push(chat) - 1;
    if (!models.includes(chat.model)) return ollamaError(404, `model '${chat.model}' not found`);
    return handler(chat, index);
  });
  return { ...server, chats };
}

/** A non-streamed /api/chat answer whose message content is `content`. */
export function ollamaAnswer(
  content: string,
  options: { promptEvalCount?: number; evalCount?: number; loadMs?: number; doneReason?: string } = {},
): LoopbackReply {
  return {
    json: {
      model: "qwen2.5:7b-instruct",
      created_at: "2026-11-30T12:00:00.000000Z",
      message: { role: "assistant", content },
      done: true,
      done_reason: options.doneReason ?? "stop",
      total_duration: 2_000_000_000,
      load_duration: (options.loadMs ?? 0) * 1_000_000,
      prompt_eval_count: options.promptEvalCount ?? 1100,
      prompt_eval_duration: 1_200_000_000,
      eval_count: options.evalCount ?? 35,
      eval_duration: 700_000_000,
    },
  };
}

export function ollamaVerdict(relevant: boolean, rationale: string, options: Parameters<typeof ollamaAnswer>[1] = {}): LoopbackReply {
  return ollamaAnswer(JSON.stringify({ relevant, rationale }), options);
}

export function ollamaError(status: number, message: string, headers: Record<string, string> = {}): LoopbackReply {
  return { status, headers, json: { error: message } };
}
