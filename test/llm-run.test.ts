import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { emptyRecord, type CardMetadata, type ModelRecord } from "../src/corpus/record";
import { openCorpusWriter } from "../src/corpus/store";
import { VerdictCache } from "../src/judges/cache";
import { SE_MODELS, VERDICTS } from "../src/run/tables";
import { runRelevanceCheck } from "../src/pipeline/relevance";
import { defaultPromptDir } from "../src/judges/prompt";
import { readRows, writeRows, type TableSpec } from "../src/util/arrow-table";
import { startFakeGemini, verdictAnswer, serverError, type FakeGemini } from "./support/fake-gemini";

const KEY = "AIzaSy-run-test-secret-0xC0FFEE";

function meta(partial: Partial<CardMetadata>): CardMetadata {
  return { license: [], datasets: [], baseModel: [], language: [], tags: [], pipelineTag: null, modelIndex: [], rawJson: "{}", ...partial };
}
function rec(id: string, body: string, extra: Partial<ModelRecord> = {}): ModelRecord {
  return { ...emptyRecord(id), cardStatus: "present", cardBody: body, cardText: body, ...extra };
}

interface MatchRow {
  modelId: string; taskId: string; task: string; activity: string; source: string; field: string; raw: string; before: string; after: string; excludedBy: string | null;
}
const MATCH_SPEC: TableSpec<MatchRow> = [
  { name: "modelId", type: "string" }, { name: "taskId", type: "string" }, { name: "task", type: "string" }, { name: "activity", type: "string" },
  { name: "source", type: "string" }, { name: "field", type: "string" }, { name: "raw", type: "string" }, { name: "before", type: "string" },
  { name: "after", type: "string" }, { name: "excludedBy", type: "string", nullable: true },
];
interface UniqueRow { id: string; activities: string[]; tasks: string[] }
const UNIQUE_SPEC: TableSpec<UniqueRow> = [{ name: "id", type: "string" }, { name: "activities", type: "string[]" }, { name: "tasks", type: "string[]" }];

const records = [
  rec("acme/coder", "A model fine-tuned for code generation in Python and Java, scoring well on HumanEval.", { tags: ["code"] }),
  rec("speech/ecapa", "ECAPA embeddings for speaker verification on VoxCeleb."),
  rec("both/repair-and-test", "This model performs program repair and test generation for Java projects."),
  rec("art/sdxl", "Use the API inference endpoint to make images.", { pipelineTag: "text-to-image", tags: ["diffusers"], cardMeta: meta({ tags: ["diffusers"] }) }),
];
function match(modelId: string, taskId: string, task: string, activity: string, raw: string, excludedBy: string | null = null): MatchRow {
  const body = records.find((r) => r.id === modelId)?.cardBody ?? "";
  const at = body.toLowerCase().indexOf(raw.toLowerCase());
  return { modelId, taskId, task, activity, source: "card", field: "body", raw, before: body.slice(Math.max(0, at - 40), Math.max(0, at)), after: body.slice(at + raw.length, at + raw.length + 40), excludedBy };
}

let base = "";
beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "llm-run-"));
  const writer = await openCorpusWriter(join(base, "corpus"), { synthetic: true, createdBy: "llm-run test" });
  for (const r of records) await writer.add(r);
  await writer.close();
});

async function makeRun(name: string): Promise<string> {
  const run = join(base, name);
  await writeRows(join(run, "filter", "unique.arrow"), [
    { id: "acme/coder", activities: ["SI"], tasks: ["code generation"] },
    { id: "speech/ecapa", activities: ["QA"], tasks: ["verification"] },
    { id: "both/repair-and-test", activities: ["QA", "SM"], tasks: ["test generation", "program repair"] },
    { id: "art/sdxl", activities: ["SI"], tasks: ["api inference"] },
    { id: "ghost/missing", activities: ["SI"], tasks: ["code generation"] },
  ], UNIQUE_SPEC);
  await writeRows(join(run, "filter", "occurrences.arrow"), [
    match("acme/coder", "si.code-generation", "code generation", "SI", "code generation"),
    match("acme/coder", "si.coding", "coding", "SI", "Python", "coding-requires-code-tag"),
    match("speech/ecapa", "qa.verification", "verification", "QA", "verification"),
    match("both/repair-and-test", "sm.program-repair", "program repair", "SM", "program repair"),
    match("both/repair-and-test", "qa.test-generation", "test generation", "QA", "test generation"),
    match("art/sdxl", "si.api-inference", "api inference", "SI", "API inference"),
  ], MATCH_SPEC);
  return run;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false }).map((f) => join(dir, String(f))).filter((f) => statSync(f).isFile());
}

describe("runRelevanceCheck with the offline judge", () => {
  test("writes verdicts and se-models, records the missing model as an error, and is byte-identical on rerun", async () => {
    const run = await makeRun("offline");
    const result = await runRelevanceCheck({ runDir: run, corpusDir: join(base, "corpus"), judge: "offline", progress: "silent", apiKey: "" });
    expect(result).toMatchObject({ judge: "offline-rules/v2", candidates: 6, relevant: 3, notRelevant: 2, errors: 1, seModels: 2, costUsd: 0 });
    const verdicts = readRows(join(run, "filter", "verdicts.arrow"), VERDICTS);
    expect(verdicts.map((v) => [v.id, v.activity, v.relevant])).toEqual([
      ["acme/coder", "SI", true],
      ["speech/ecapa", "QA", false],
      ["both/repair-and-test", "QA", true],
      ["both/repair-and-test", "SM", true],
      ["art/sdxl", "SI", false],
      ["ghost/missing", "SI", null],
    ]);
    expect(verdicts.every((v) => v.judge === "offline-rules/v2")).toBe(true);
    expect(verdicts[1]!.rationale).toContain("neg:qa-non-software-verification(verification)");
    expect(verdicts[5]!.error).toMatch(/^ghost\/missing: not found in corpus/);
    expect(readRows(join(run, "se-models.arrow"), SE_MODELS)).toEqual([
      { id: "acme/coder", activities: ["SI"], tasks: ["code generation"] },
      { id: "both/repair-and-test", activities: ["QA", "SM"], tasks: ["test generation", "program repair"] },
    ]);
    const first = readFileSync(join(run, "filter", "verdicts.arrow"));
    await runRelevanceCheck({ runDir: run, corpusDir: join(base, "corpus"), judge: "offline", progress: "silent", apiKey: "" });
    expect(readFileSync(join(run, "filter", "verdicts.arrow")).equals(first)).toBe(true);
  });

  test("the progress count includes the models missing from the corpus, so it ends at its total", async () => {
    const run = await makeRun("offline-progress");
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      await runRelevanceCheck({ runDir: run, corpusDir: join(base, "corpus"), judge: "offline", progress: "lines", apiKey: "" });
    } finally {
      spy.mockRestore();
    }
    expect(written.join("")).toMatch(/^relevance \(offline-rules\/v2\): 6\/6 \(100\.0%\) pairs, .*, done$/m);
  });

  test("a unique.arrow with a duplicate id or an unknown activity is refused, naming the row", async () => {
    const run = join(base, "bad-unique");
    await writeRows(join(run, "filter", "unique.arrow"), [
      { id: "acme/coder", activities: ["SI"], tasks: [] },
      { id: "acme/coder", activities: ["XX"], tasks: [] },
    ], UNIQUE_SPEC);
    await expect(runRelevanceCheck({ runDir: run, corpusDir: join(base, "corpus"), judge: "offline", progress: "silent" })).rejects.toThrow(
      /row 1 \(acme\/coder\): duplicate of row 0; row 1 \(acme\/coder\): unknown activity "XX"/,
    );
  });

  test("a run without unique.arrow fails with a clear message", async () => {
    await expect(runRelevanceCheck({ runDir: join(base, "nothing"), corpusDir: join(base, "corpus"), judge: "offline" })).rejects.toThrow(/unique\.arrow: run the funnel/);
  });
});

describe("runRelevanceCheck with Gemini (fake server), cache and cost", () => {
  let server: FakeGemini | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  test("first run calls once per pair; rerun costs nothing; editing one prompt re-asks only that activity; no key on disk", async () => {
    server = await startFakeGemini((r) => verdictAnswer(!r.user.includes("speaker verification"), "Judged by the fake model.", { prompt: 2_000_000, output: 500_000 }));
    const run = await makeRun("gemini");
    const cacheDir = join(base, "cache");
    const options = { runDir: run, corpusDir: join(base, "corpus"), judge: "gemini" as const, apiKey: KEY, baseUrl: server.url, cacheDir, progress: "silent" as const, concurrency: 3 };

    const first = await runRelevanceCheck(options);
    expect(server.requests).toHaveLength(5);
    expect(first).toMatchObject({ judge: "gemini:gemini-3.8-flash", candidates: 6, relevant: 4, notRelevant: 1, errors: 1, cached: 0 });
    expect(first.usage).toEqual({ promptTokens: 10_000_000, outputTokens: 2_500_000, totalTokens: 12_500_000, calls: 5 });
    // 10M input at $0.75/M + 2.5M output at $3.75/M (gemini-3.8-flash's list price in the table).
    expect(first.costUsd).toBeCloseTo(7.5 + 9.375, 10);
    const written = readRows(join(run, "filter", "verdicts.arrow"), VERDICTS);
    expect(written.filter((v) => v.error === null).every((v) => v.backend === "gemini" && v.model === "gemini-3.8-flash" && v.temperature === null && v.seed === null)).toBe(true);
    const verdictBytes = readFileSync(join(run, "filter", "verdicts.arrow"));

    const second = await runRelevanceCheck(options);
    expect(server.requests).toHaveLength(5);
    expect(second).toMatchObject({ cached: 5, usage: { calls: 0 }, costUsd: 0 });
    expect(readFileSync(join(run, "filter", "verdicts.arrow")).equals(verdictBytes)).toBe(true);

    const prompts = join(base, "prompts-edited");
    cpSync(defaultPromptDir(), prompts, { recursive: true });
    writeFileSync(join(prompts, "QA.md"), readFileSync(join(prompts, "QA.md"), "utf8").replace("version: 1", "version: 2"));
    const third = await runRelevanceCheck({ ...options, promptDir: prompts });
    expect(third.cached).toBe(3);
    const asked = server.requests.slice(5);
    expect(asked).toHaveLength(2);
    expect(asked.every((r) => r.system.includes("Software Quality Assurance"))).toBe(true);

    const price = await runRelevanceCheck({ ...options, pricing: { inputPerMillion: 1, outputPerMillion: 2 }, cacheDir: join(base, "cache-2") });
    expect(price.costUsd).toBeCloseTo(10 * 1 + 2.5 * 2, 10);

    for (const file of [...filesUnder(run), ...filesUnder(cacheDir)]) expect(readFileSync(file).includes(KEY)).toBe(false);
  });

  test("errors are recorded per model and not cached, so the next run retries them", async () => {
    let failing = true;
    server = await startFakeGemini(() => (failing ? serverError(503) : verdictAnswer(true, "ok")));
    const run = await makeRun("gemini-errors");
    const cacheDir = join(base, "cache-errors");
    const options = { runDir: run, corpusDir: join(base, "corpus"), judge: "gemini" as const, apiKey: KEY, baseUrl: server.url, cacheDir, progress: "silent" as const, gemini: { backoffMs: 1, maxAttempts: 2 } };
    const broken = await runRelevanceCheck(options);
    expect(broken.errors).toBe(6);
    const verdicts = readRows(join(run, "filter", "verdicts.arrow"), VERDICTS);
    expect(verdicts[0]!.error).toMatch(/^acme\/coder \(SI\): gemini:gemini-3\.8-flash: HTTP 503: UNAVAILABLE/);
    expect(VerdictCache.open(cacheDir).size).toBe(0);
    failing = false;
    const healed = await runRelevanceCheck(options);
    expect(healed).toMatchObject({ errors: 1, relevant: 5, cached: 0 });
  });

  test("concurrency bounds the requests in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    server = await startFakeGemini(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 40));
      inFlight--;
      return verdictAnswer(true, "ok");
    });
    const run = await makeRun("gemini-concurrency");
    const options = { runDir: run, corpusDir: join(base, "corpus"), judge: "gemini" as const, apiKey: KEY, baseUrl: server.url, cacheDir: join(base, "cache-concurrency"), progress: "silent" as const };
    await runRelevanceCheck({ ...options, concurrency: 2 });
    expect(server.requests).toHaveLength(5);
    expect(peak).toBe(2);
  });

  test("a cache line cut short by a crash is skipped and the next append starts a fresh line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cache-"));
    writeFileSync(join(dir, "verdicts.jsonl"), '{"key":"k1","id":"a","activity":"SI","judge":"g","promptHash":"p","contentHash":"c","relevant":true,"rationale":"r","usage":{}}\n{"key":"k2","id":"b",');
    const cache = VerdictCache.open(dir);
    expect(cache.size).toBe(1);
    expect(cache.skippedLines).toBe(1);
    await cache.put("k3", "c", { id: "c", activity: "QA", relevant: false, rationale: "no", judge: "g", promptHash: "p", error: null, backend: "gemini", model: "g", temperature: null, seed: null }, { promptTokens: 1, outputTokens: 1, totalTokens: 2, calls: 1 });
    const reopened = VerdictCache.open(dir);
    expect(reopened.size).toBe(2);
    expect(reopened.get("k3")?.relevant).toBe(false);
  });
});
