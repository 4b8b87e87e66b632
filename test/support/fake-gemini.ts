/**
 * A loopback stand-in for the Gemini API's generateContent endpoint, for tests of the real SDK client.
 * Each request is recorded (path, headers, parsed body, system and user text) and answered by a
 * handler with a status, headers and a body in the API's response shape.
 */
import type { IncomingMessage } from "node:http";
import { startLoopback, type LoopbackReply } from "./loopback";

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

/** A reply: status, headers, a JSON or text body, an optional delay (the loopback server's shape). */
export type FakeReply = LoopbackReply;

export type FakeHandler = (request: FakeRequest, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeGemini {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** The loopback server of ./loopback.ts, with requests read as generateContent calls and errors in Gemini's shape. */
export async function startFakeGemini(handler: FakeHandler): Promise<FakeGemini> {
  const requests: FakeRequest[] = [];
  const server = await startLoopback(async (request, index) => {
    const body = request.json as FakeRequest["body"];
    const fake: FakeRequest = {
      method: request.method,
      path: request.path,
      headers: request.headers,
      body,
      system: (body.systemInstruction?.parts ?? []).map((p) => p.text ?? "").join(""),
      user: (body.contents ?? [])
        .flatMap((c) => c.parts ?? [])
        .map((p) => p.text ?? "")
        .join(""),
      raw: request.raw,
    };
    requests.push(fake);
    try {
      return await handler(fake, index);
    } catch (error) {
      return { status: 500, json: { error: { code: 500, message: String(error), status: "INTERNAL" } } };
    }
  });
  return { url: server.url, requests, close: () => server.close() };
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
