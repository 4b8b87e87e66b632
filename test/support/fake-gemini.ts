/**
 * A loopback stand-in for the Gemini API's generateContent endpoint, for tests of the real SDK client.
 * Each request is recorded (path, headers, parsed body, system and user text) and answered by a
 * handler with a status, headers and a body in the API's response shape.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: {
    contents?: Array<{ role?: string; parts?: Array<{ text?: string }> }>;
    systemInstruction?: { parts?: Array<{ text?: string }> };
    generationConfig?: Record<string, unknown>;
  };
  system: string;
  user: string;
  raw: string;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (sent with content-type application/json). */
  json?: unknown;
  /** Raw body (sent as text/plain) when `json` is absent. */
  text?: string;
  /** Hold the reply this long (to trigger client timeouts). */
  delayMs?: number;
}

export type FakeHandler = (request: FakeRequest, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeGemini {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeGemini(handler: FakeHandler): Promise<FakeGemini> {
  const requests: FakeRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: FakeRequest["body"];
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        body = {};
      }
      const request: FakeRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        system: (body.systemInstruction?.parts ?? []).map((p) => p.text ?? "").join(""),
        user: (body.contents ?? [])
          .flatMap((c) => c.parts ?? [])
          .map((p) => p.text ?? "")
          .join(""),
        raw,
      };
      const index = requests.push(request) - 1;
      let reply: FakeReply;
      try {
        reply = await handler(request, index);
      } catch (error) {
        reply = { status: 500, json: { error: { code: 500, message: String(error), status: "INTERNAL" } } };
      }
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      const headers: Record<string, string> = { ...(reply.headers ?? {}) };
      let payload: string;
      if (reply.json !== undefined) {
        headers["content-type"] = "application/json; charset=UTF-8";
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

/** A successful generateContent response whose single text part is `text`. */
export function textAnswer(text: string, usage = { prompt: 120, output: 20 }): FakeReply {
  return {
    json: {
      candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: usage.prompt, candidatesTokenCount: usage.output, totalTokenCount: usage.prompt + usage.output },
      modelVersion: "gemini-2.0-flash",
    },
  };
}

export function verdictAnswer(relevant: boolean, rationale: string, usage?: { prompt: number; output: number }): FakeReply {
  return textAnswer(JSON.stringify({ relevant, rationale }), usage);
}

/** A 429 in the API's error shape, with a google.rpc.RetryInfo delay and/or a Retry-After header. */
export function rateLimited(options: { retryDelay?: string; retryAfter?: string } = {}): FakeReply {
  const details = options.retryDelay ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: options.retryDelay }] : [];
  return {
    status: 429,
    headers: options.retryAfter ? { "retry-after": options.retryAfter } : {},
    json: { error: { code: 429, message: "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED", details } },
  };
}

export function serverError(status = 500): FakeReply {
  return { status, json: { error: { code: status, message: "Internal error encountered.", status: status === 503 ? "UNAVAILABLE" : "INTERNAL" } } };
}
