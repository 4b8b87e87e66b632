import { afterEach, describe, expect, test } from "vitest";
import { emptyRecord, type ModelRecord } from "../src/corpus/record";
import type { Candidate } from "../src/judges/candidate";
import { DEFAULT_GEMINI_MODEL, GeminiJudge, retryDelayMs } from "../src/judges/gemini";
import { JudgeUnusable } from "../src/judges/llm-judge";
import { VERDICT_JSON_SCHEMA } from "../src/judges/verdict-schema";
import { loadPromptTemplates, prepareActivityPrompt, type ActivityPrompt } from "../src/judges/prompt";
import { loadTaxonomy, type ActivityCode } from "../src/taxonomy/taxonomy";
import { rateLimited, serverError, startFakeGemini, textAnswer, verdictAnswer, type FakeGemini, type FakeHandler } from "./support/fake-gemini";

const KEY = "test-key-AIzaFAKE0123456789";
const taxonomy = loadTaxonomy();
const prompts = new Map<ActivityCode, ActivityPrompt>([...loadPromptTemplates()].map(([code, t]) => [code, prepareActivityPrompt(t, taxonomy)]));

function candidate(id: string, body: string, activity: ActivityCode = "SI", extra: Partial<ModelRecord> = {}): Candidate {
  const record: ModelRecord = { ...emptyRecord(id), cardStatus: "present", cardBody: body, cardText: body, ...extra };
  return {
    record,
    activity,
    evidence: [{ taskId: "si.code-generation", task: "code generation", source: "card", field: "body", raw: "code generation", before: "", after: "" }],
  };
}

let server: FakeGemini | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function judgeWith(handler: FakeHandler, options: Partial<ConstructorParameters<typeof GeminiJudge>[0]> = {}) {
  server = await startFakeGemini(handler);
  const sleeps: number[] = [];
  const judge = new GeminiJudge({
    apiKey: KEY,
    prompts,
    baseUrl: server.url,
    backoffMs: 5,
    sleep: async (ms) => void sleeps.push(ms),
    ...options,
  });
  return { judge, sleeps, server };
}

describe("Gemini judge through the real SDK against a loopback server", () => {
  test("sends a schema-constrained request and returns the verdict with its usage", async () => {
    const { judge, server } = await judgeWith(() => verdictAnswer(true, "Generates Python code from prompts.", { prompt: 1000, output: 30 }));
    const { verdict, usage } = await judge.judge(candidate("acme/coder", "A model for code generation in Python."));
    expect(DEFAULT_GEMINI_MODEL).toBe("gemini-3.8-flash");
    expect(verdict).toMatchObject({ id: "acme/coder", activity: "SI", relevant: true, judge: "gemini:gemini-3.8-flash", error: null });
    expect(judge.identity).toEqual({ backend: "gemini", model: "gemini-3.8-flash", temperature: null, seed: null });
    expect(verdict.promptHash).toBe(prompts.get("SI")!.hash);
    expect(usage).toEqual({ promptTokens: 1000, outputTokens: 30, totalTokens: 1030, calls: 1 });
    const request = server.requests[0]!;
    expect(request.path).toMatch(/\/models\/gemini-3\.8-flash:generateContent$/);
    expect(request.headers["x-goog-api-key"]).toBe(KEY);
    // The one JSON schema every backend gets, as responseJsonSchema.
    expect(request.body.generationConfig).toMatchObject({ responseMimeType: "application/json", responseJsonSchema: VERDICT_JSON_SCHEMA });
    expect(request.body.generationConfig).not.toHaveProperty("responseSchema");
    expect(request.raw).not.toContain(KEY);
    // Default temperature and seed: the request must not set them (Google recommends the default for Gemini 3).
    expect(request.body.generationConfig).not.toHaveProperty("temperature");
    expect(request.body.generationConfig).not.toHaveProperty("seed");
    expect(request.system).toContain("Software Implementation");
    expect(request.system).toContain("- code generation");
  });

  test("a 429 waits for the RetryInfo delay, then succeeds", async () => {
    const { judge, sleeps } = await judgeWith((_r, i) => (i === 0 ? rateLimited({ retryDelay: "7s" }) : verdictAnswer(false, "Not about code.")));
    const { verdict } = await judge.judge(candidate("a/b", "text"));
    expect(verdict.relevant).toBe(false);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(6_500);
    expect(sleeps[0]).toBeLessThanOrEqual(7_000);
  });

  test("a 429 with only a Retry-After header honours the header", async () => {
    const { judge, sleeps } = await judgeWith((_r, i) => (i === 0 ? rateLimited({ retryAfter: "3" }) : verdictAnswer(true, "Code model.")));
    await judge.judge(candidate("a/b", "text"));
    expect(sleeps[0]).toBeGreaterThan(2_500);
    expect(sleeps[0]).toBeLessThanOrEqual(3_000);
  });

  test("a 429 asking for a wait beyond the limit (a spent daily quota) fails that model at once", async () => {
    const { judge, sleeps, server } = await judgeWith(() => rateLimited({ retryDelay: "3600s" }));
    const { verdict } = await judge.judge(candidate("a/b", "text"));
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(verdict.error).toMatch(/HTTP 429: RESOURCE_EXHAUSTED: .*asks to wait 3600 s, more than the 300 s allowed/);
  });

  test("5xx are retried with exponential backoff; exhaustion becomes an error verdict, not a guess", async () => {
    const ok = await judgeWith((_r, i) => (i < 2 ? serverError(i === 0 ? 500 : 503) : verdictAnswer(true, "Code model.")));
    expect((await ok.judge.judge(candidate("a/b", "text"))).verdict.relevant).toBe(true);
    expect(ok.sleeps).toEqual([5, 10]);
    await ok.server.close();

    const bad = await judgeWith(() => serverError(500), { maxAttempts: 3 });
    server = bad.server;
    const { verdict } = await bad.judge.judge(candidate("x/broken", "text"));
    expect(verdict.relevant).toBeNull();
    expect(verdict.error).toMatch(/^x\/broken \(SI\): gemini:gemini-3\.8-flash: HTTP 500: INTERNAL: Internal error encountered\. \(attempt 3 of 3\)$/);
    expect(bad.server.requests).toHaveLength(3);
  });

  test("the paper's gemini-2.0-flash gets the same schema in the older responseSchema form, and sends temperature and seed when asked", async () => {
    const { judge, server } = await judgeWith(() => verdictAnswer(true, "Code model."), { model: "gemini-2.0-flash", temperature: 0, seed: 7 });
    const { verdict } = await judge.judge(candidate("a/b", "text"));
    expect(verdict.judge).toBe("gemini:gemini-2.0-flash");
    expect(judge.identity).toEqual({ backend: "gemini", model: "gemini-2.0-flash", temperature: 0, seed: 7 });
    const config = server.requests[0]!.body.generationConfig!;
    expect(config).toMatchObject({ responseSchema: { type: "OBJECT", required: ["relevant", "rationale"] }, temperature: 0, seed: 7 });
    expect(config).not.toHaveProperty("responseJsonSchema");
  });

  test("a retired or unknown model (404 NOT_FOUND) stops with one line naming it, after one request", async () => {
    const { judge, server } = await judgeWith(
      () => ({
        status: 404,
        json: {
          error: {
            code: 404,
            message: "models/gemini-2.0-flash is not found for API version v1beta, or is not supported for generateContent.",
            status: "NOT_FOUND",
          },
        },
      }),
      { model: "gemini-2.0-flash" },
    );
    const failure = await judge.judge(candidate("a/b", "text")).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(JudgeUnusable);
    expect((failure as Error).message).toMatch(
      /^gemini model "gemini-2\.0-flash" is not available \(retired or unknown\): HTTP 404: NOT_FOUND: models\/gemini-2\.0-flash is not found.*the current default is gemini-3\.8-flash/,
    );
    expect((failure as Error).message).not.toContain("\n");
    expect(server.requests).toHaveLength(1);
  });

  test("thinking tokens count as output tokens (they are billed as output)", async () => {
    const { judge } = await judgeWith(() => ({
      json: {
        candidates: [
          {
            content: {
              role: "model",
              parts: [{ text: "reasoning...", thought: true }, { text: JSON.stringify({ relevant: true, rationale: "Writes code." }) }],
            },
            finishReason: "STOP",
          },
        ],
        usageMetadata: { promptTokenCount: 900, candidatesTokenCount: 25, thoughtsTokenCount: 400, totalTokenCount: 1325 },
      },
    }));
    const { verdict, usage } = await judge.judge(candidate("a/b", "text"));
    expect(verdict.rationale).toBe("Writes code.");
    expect(usage).toEqual({ promptTokens: 900, outputTokens: 425, totalTokens: 1325, calls: 1 });
  });

  test("a 400 is not retried", async () => {
    const { judge, server } = await judgeWith(() => ({
      status: 400,
      json: { error: { code: 400, message: "API key not valid.", status: "INVALID_ARGUMENT" } },
    }));
    const { verdict } = await judge.judge(candidate("a/b", "text"));
    expect(server.requests).toHaveLength(1);
    expect(verdict.error).toContain("HTTP 400");
  });

  test("a key echoed back by the server (error message or rationale) is redacted before it reaches a verdict", async () => {
    const echoed = await judgeWith(() => ({ status: 400, json: { error: { code: 400, message: `API key ${KEY} not valid.`, status: "INVALID_ARGUMENT" } } }));
    const failed = (await echoed.judge.judge(candidate("a/b", "text"))).verdict;
    expect(failed.error).toContain("API key [redacted] not valid.");
    expect(JSON.stringify(failed)).not.toContain(KEY);
    await echoed.server.close();

    const chatty = await judgeWith(() => verdictAnswer(true, `Key seen: ${KEY}.`));
    server = chatty.server;
    const answered = (await chatty.judge.judge(candidate("a/b", "text"))).verdict;
    expect(answered).toMatchObject({ relevant: true, rationale: "Key seen: [redacted].", error: null });
  });

  test("malformed and off-schema answers are asked again, then recorded as an error", async () => {
    const answers = [textAnswer("Sure! The model is relevant."), textAnswer('{"relevant": "yes", "rationale": "x"}'), verdictAnswer(true, "Writes code.")];
    const recovered = await judgeWith((_r, i) => answers[i]!);
    const first = await recovered.judge.judge(candidate("a/b", "text"));
    expect(first.verdict).toMatchObject({ relevant: true, error: null });
    expect(first.usage.calls).toBe(3);
    await recovered.server.close();

    const hopeless = await judgeWith(() => textAnswer('{"relevant": true, "rationale": "ok", "confidence": 0.9}'));
    server = hopeless.server;
    const { verdict, usage } = await hopeless.judge.judge(candidate("c/d", "text"));
    expect(verdict.relevant).toBeNull();
    expect(verdict.error).toContain("no valid verdict after 3 answers");
    expect(verdict.error).toContain("unexpected keys confidence");
    expect(usage.calls).toBe(3);
  });

  test("an empty candidate list (blocked answer) is an off-schema answer", async () => {
    const { judge } = await judgeWith(() => ({ json: { candidates: [], promptFeedback: { blockReason: "SAFETY" } } }), { maxAnswers: 2 });
    const { verdict } = await judge.judge(candidate("a/b", "text"));
    expect(verdict.error).toContain("empty answer");
  });

  test("a slow server times out and is retried", async () => {
    const { judge, server } = await judgeWith((_r, i) => (i === 0 ? { ...verdictAnswer(true, "late"), delayMs: 1_500 } : verdictAnswer(false, "Not code.")), {
      timeoutMs: 300,
    });
    const { verdict } = await judge.judge(candidate("a/b", "text"));
    expect(verdict).toMatchObject({ relevant: false, rationale: "Not code." });
    expect(server.requests).toHaveLength(2);
  });
});

describe("retry delays", () => {
  test("RetryInfo wins over Retry-After; HTTP dates and seconds are understood", () => {
    const body = JSON.stringify({ error: { details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1.5s" }] } });
    expect(retryDelayMs(body, "30")).toBe(1_500);
    expect(retryDelayMs("not json", "30")).toBe(30_000);
    expect(retryDelayMs("{}", "Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(retryDelayMs("{}", null)).toBeNull();
  });
});
