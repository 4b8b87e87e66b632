/**
 * A loopback HTTP server for tests of API clients: every request is recorded (method, path, headers,
 * raw and parsed body) and answered by a handler with a status, headers and a JSON or text body,
 * optionally after a delay (to trigger client timeouts). Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  raw: string;
  /** The body parsed as JSON ({} when empty or not JSON). */
  json: Record<string, unknown>;
}

export interface LoopbackReply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (sent with content-type application/json). */
  json?: unknown;
  /** Raw body (text/plain unless a content-type header says otherwise) when `json` is absent. */
  text?: string;
  /** Hold the reply this long. */
  delayMs?: number;
}

export type LoopbackHandler = (request: LoopbackRequest, index: number) => LoopbackReply | Promise<LoopbackReply>;

export interface LoopbackServer {
  url: string;
  requests: LoopbackRequest[];
  close(): Promise<void>;
}

export async function startLoopback(handler: LoopbackHandler): Promise<LoopbackServer> {
  const requests: LoopbackRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let json: Record<string, unknown> = {};
      try {
        const parsed: unknown = raw ? JSON.parse(raw) : {};
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
      } catch {
        json = {};
      }
      const request: LoopbackRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, raw, json };
      const index = requests.push(request) - 1;
      let reply: LoopbackReply;
      try {
        reply = await handler(request, index);
      } catch (error) {
        reply = { status: 500, json: { error: { message: String(error) } } };
      }
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      const headers: Record<string, string> = { ...(reply.headers ?? {}) };
      let payload: string;
      if (reply.json !== undefined) {
        headers["content-type"] = "application/json; charset=utf-8";
        payload = JSON.stringify(reply.json);
      } else {
        headers["content-type"] ??= "text/plain";
        payload = reply.text ?? "";
      }
      res.writeHead(reply.status ?? 200, headers);
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A chat request (OpenAI's and Ollama's `messages` shape), read: the model and the system and user text. */
export interface ChatRequest extends LoopbackRequest {
  model: string;
  system: string;
  user: string;
}

/** Read `request` as a chat call whose body has `model` and a `messages` list of {role, content}. */
export function readChat(request: LoopbackRequest): ChatRequest {
  const messages = (request.json.messages as Array<{ role?: string; content?: string }> | undefined) ?? [];
  const text = (role: string) =>
    messages
      .filter((m) => m.role === role)
      .map((m) => m.content ?? "")
      .join("");
  return { ...request, model: String(request.json.model ?? ""), system: text("system"), user: text("user") };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
