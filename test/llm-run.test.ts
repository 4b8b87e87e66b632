import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { emptyRecord, type CardMetadata, type ModelRecord } from "../src/corpus/record";
import { openCorpusWriter } from "../src/corpus/store";
import { VerdictCache } from "../src/judges/cache";
import { NO_USAGE, type RelevanceJudge } from "../src/judges/candidate";
import { SE_MODELS, VERDICTS } from "../src/run/tables";
import { pairKey, uncertainPairs } from "../src/run/files";
import { runRelevanceCheck } from "../src/pipeline/relevance";
import { defaultPromptDir } from "../src/judges/prompt";
import { readRows, writeRows, type TableSpec } from "../src/util/arrow-table";
import { parseCsv } from "../src/validate/csv";
import { cliOutput } from "./support/cli";
import { startFakeGemini, verdictAnswer, serverError, type FakeGemini } from "./support/fake-gemini";

const KEY = "AIzaSy-run-test-secret-0xC0FFEE";

function meta(partial: Partial<CardMetadata>): CardMetadata {
  return { license: [], datasets: [], baseModel: [], language: [], tags: [], pipelineTag: null, modelIndex: [], rawJson: "{}", ...partial };
}
function rec(id: string, body: string, extra: Partial<ModelRecord> = {}): ModelRecord {
  return { ...emptyRecord(id), cardStatus: "present", cardBody: body, cardText: body, ...extra };
}

interface MatchRow {
  modelId: string;
  taskId: string;
  task: string;
  activity: string;
  source: string;
  field: string;
  raw: string;
  before: string;
  after: string;
  excludedBy: string | null;
}
const MATCH_SPEC: TableSpec<MatchRow> = [
  { name: "modelId", type: "string" },
  { name: "taskId", type: "string" },
  { name: "task", type: "string" },
  { name: "activity", type: "string" },
  { name: "source", type: "string" },
  { name: "field", type: "string" },
  { name: "raw", type: "string" },
  { name: "before", type: "string" },
  { name: "after", type: "string" },
  { name: "excludedBy", type: "string", nullable: true },
];
interface UniqueRow {
  id: string;
  activities: string[];
  tasks: string[];
}
const UNIQUE_SPEC: TableSpec<UniqueRow> = [
  { name: "id", type: "string" },
  { name: "activities", type: "string[]" },
  { name: "tasks", type: "string[]" },
];

const records = [
  rec("acme/coder", "A model fine-tuned for code generation in Python and Java, scoring well on HumanEval.", { tags: ["code"] }),
  rec("speech/ecapa", "ECAPA embeddings for speaker verification on VoxCeleb."),
  rec("both/repair-and-test", "This model performs program repair and test generation for Java projects."),
  rec("art/sdxl", "Use the API inference endpoint to make images.", {
    pipelineTag: "text-to-image",
    tags: ["diffusers"],
    cardMeta: meta({ tags: ["diffusers"] }),
  }),
  rec("acme/fixer", "A code model.", { tags: ["code"], papers: [{ id: "2101.00001", title: "t", abstract: "We study program repair at scale." }] }),
];
function match(modelId: string, taskId: string, task: string, activity: string, raw: string, excludedBy: string | null = null, source = "card"): MatchRow {
  const record = records.find((r) => r.id === modelId);
  const text = source === "abstract" ? (record?.papers[0]?.abstract ?? "") : (record?.cardBody ?? "");
  const at = text.toLowerCase().indexOf(raw.toLowerCase());
  const field = source === "abstract" ? `arxiv:${record?.papers[0]?.id}` : "body";
  return {
    modelId,
    taskId,
    task,
    activity,
    source,
    field,
    raw,
    before: text.slice(Math.max(0, at - 40), Math.max(0, at)),
    after: text.slice(at + raw.length, at + raw.length + 40),
    excludedBy,
  };
}

let base = "";
beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "llm-run-"));
  const writer = await openCorpusWriter(join(base, "corpus"), { synthetic: true, createdBy: "llm-run test" });
  for (const r of records) await writer.add(r);
  await writer.close();
});

/** The run of these tests; `withUncertain` adds a pair the offline judge leaves uncertain. */
async function makeRun(name: string, withUncertain = false): Promise<string> {
  const run = join(base, name);
  await writeRows(
    join(run, "filter", "unique.arrow"),
    [
      { id: "acme/coder", activities: ["SI"], tasks: ["code generation"] },
      { id: "speech/ecapa", activities: ["QA"], tasks: ["verification"] },
      { id: "both/repair-and-test", activities: ["QA", "SM"], tasks: ["test generation", "program repair"] },
      { id: "art/sdxl", activities: ["SI"], tasks: ["api inference"] },
      { id: "ghost/missing", activities: ["SI"], tasks: ["code generation"] },
      ...(withUncertain ? [{ id: "acme/fixer", activities: ["SM"], tasks: ["program repair"] }] : []),
    ],
    UNIQUE_SPEC,
  );
  await writeRows(
    join(run, "filter", "occurrences.arrow"),
    [
      match("acme/coder", "si.code-generation", "code generation", "SI", "code generation"),
      match("acme/coder", "si.coding", "coding", "SI", "Python", "coding-requires-code-tag"),
      match("speech/ecapa", "qa.verification", "verification", "QA", "verification"),
      match("both/repair-and-test", "sm.program-repair", "program repair", "SM", "program repair"),
      match("both/repair-and-test", "qa.test-generation", "test generation", "QA", "test generation"),
      match("art/sdxl", "si.api-inference", "api inference", "SI", "API inference"),
      ...(withUncertain ? [match("acme/fixer", "sm.program-repair", "program repair", "SM", "program repair", null, "abstract")] : []),
    ],
    MATCH_SPEC,
  );
  return run;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

describe("runRelevanceCheck with the offline judge", () => {
  test("writes verdicts and se-models, records the missing model as an error, and is byte-identical on rerun", async () => {
    const run = await makeRun("offline", true);
    const result = await runRelevanceCheck({ runDir: run, corpusDir: join(base, "corpus"), judge: "offline", progress: "silent", apiKey: "" });
    expect(result).toMatchObject({
      judge: "offline-rules/v3",
      candidates: 7,
      relevant: 3,
      notRelevant: 2,
      uncertain: 1,
      uncertainModels: 1,
      errors: 1,
      seModels: 2,
      costUsd: 0,
    });
    expect(result.byActivity.SM).toEqual({ candidates: 2, relevant: 1, notRelevant: 0, uncertain: 1, errors: 0 });
    const verdicts = readRows(join(run, "filter", "verdicts.arrow"), VERDICTS);
    expect(verdicts.map((v) => [v.id, v.activity, v.relevant, v.outcome])).toEqual([
      ["acme/coder", "SI", true, "relevant"],
      ["speech/ecapa", "QA", false, "not-relevant"],
      ["both/repair-and-test", "QA", true, "relevant"],
      ["both/repair-and-test", "SM", true, "relevant"],
      ["art/sdxl", "SI", false, "not-relevant"],
      ["ghost/missing", "SI", null, null],
      // Only an abstract speaks for program repair on a code model: too thin to decide.
      ["acme/fixer", "SM", false, "uncertain"],
    ]);
    expect(verdicts.every((v) => v.judge === "offline-rules/v3")).toBe(true);
    expect(verdicts[1]!.reasons).toEqual(["no-activity-evidence", "ignored:ambiguous-task-without-software-context"]);
    expect(verdicts[6]!.reasons).toEqual(["weak-activity-evidence", "software-evidence"]);
    expect(JSON.parse(verdicts[6]!.evidence).map((e: { kind: string; provenance: string; weight: number }) => [e.kind, e.provenance, e.weight])).toContainEqual(
      ["task", "abstract", 0.5],
    );
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
    const run = await makeRun("offline-progress", true);
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      await runRelevanceCheck({ runDir: run, corpusDir: join(base, "corpus"), judge: "offline", progress: "lines", apiKey: "" });
    } finally {
      spy.mockRestore();
    }
    expect(written.join("")).toMatch(/^relevance \(offline-rules\/v3\): 7\/7 \(100\.0%\) pairs, .*, done$/m);
  });

  test("with onlyUncertain, the offline judge's uncertain pairs go on to another judge; its other verdicts stand", async () => {
    const run = await makeRun("offline-then-other", true);
    await runRelevanceCheck({ runDir: run, corpusDir: join(base, "corpus"), judge: "offline", progress: "silent", apiKey: "" });
    const before = readRows(join(run, "filter", "verdicts.arrow"), VERDICTS);
    const only = uncertainPairs(run);
    expect([...only]).toEqual([pairKey("acme/fixer", "SM")]);
    const asked: string[] = [];
    const second: RelevanceJudge = {
      label: "second-opinion",
      promptHash: () => "p",
      judge: async (c) => {
        asked.push(`${c.record.id} ${c.activity}`);
        return {
          verdict: { id: c.record.id, activity: c.activity, relevant: true, rationale: "looked again", judge: "second-opinion", promptHash: "p", error: null },
          usage: NO_USAGE,
        };
      },
    };
    const result = await runRelevanceCheck({
      runDir: run,
      corpusDir: join(base, "corpus"),
      judge: "offline",
      progress: "silent",
      judgeInstance: second,
      onlyUncertain: true,
    });
    expect(asked).toEqual(["acme/fixer SM"]);
    expect(result).toMatchObject({ relevant: 4, uncertain: 0, seModels: 3 });
    const after = readRows(join(run, "filter", "verdicts.arrow"), VERDICTS);
    // Every other decided pair keeps the offline judge's verdict.
    const others = (rows: typeof after) => rows.filter((v) => v.id !== "acme/fixer" && v.error === null);
    expect(others(after)).toEqual(others(before));
    expect(after.find((v) => v.id === "acme/fixer")).toMatchObject({
      judge: "second-opinion",
      relevant: true,
      outcome: "relevant",
      reasons: [],
      evidence: "[]",
    });
  });

  test("pilot export --uncertain writes a sheet of exactly the pairs the judge left uncertain", async () => {
    const run = await makeRun("offline-uncertain-sheet", true);
    await runRelevanceCheck({ runDir: run, corpusDir: join(base, "corpus"), judge: "offline", progress: "silent", apiKey: "" });
    const out = await cliOutput("pilot", "export", "--run", run, "--corpus", join(base, "corpus"), "--annotator", "A", "--uncertain");
    expect(out).toContain("1 rows ->");
    const sheet = parseCsv(readFileSync(join(run, "validate", "sheets", "A-uncertain.csv"), "utf8")).map((r) => r.cells);
    expect(sheet.slice(1).map((cells) => [cells[0], cells[1], cells[2]])).toEqual([["acme/fixer", "SM", "uncertain"]]);
    await expect(cliOutput("pilot", "export", "--run", run, "--annotator", "A", "--uncertain", "--set", "pilot")).rejects.toThrow(/does not combine/);
  });

  test("a unique.arrow with a duplicate id or an unknown activity is refused, naming the row", async () => {
    const run = join(base, "bad-unique");
    await writeRows(
      join(run, "filter", "unique.arrow"),
      [
        { id: "acme/coder", activities: ["SI"], tasks: [] },
        { id: "acme/coder", activities: ["XX"], tasks: [] },
      ],
      UNIQUE_SPEC,
    );
    await expect(runRelevanceCheck({ runDir: run, corpusDir: join(base, "corpus"), judge: "offline", progress: "silent" })).rejects.toThrow(
      /row 1 \(acme\/coder\): duplicate of row 0; row 1 \(acme\/coder\): unknown activity "XX"/,
    );
  });

  test("a run without unique.arrow fails with a clear message", async () => {
    await expect(runRelevanceCheck({ runDir: join(base, "nothing"), corpusDir: join(base, "corpus"), judge: "offline" })).rejects.toThrow(
      /unique\.arrow: run the funnel/,
    );
  });
});

describe("runRelevanceCheck with Gemini (fake server), cache and cost", () => {
  let server: FakeGemini | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  test("first run calls once per pair; rerun costs nothing; editing one prompt re-asks only that activity; no key on disk", async () => {
    server = await startFakeGemini((r) =>
      verdictAnswer(!r.user.includes("speaker verification"), "Judged by the fake model.", { prompt: 2_000_000, output: 500_000 }),
    );
    const run = await makeRun("gemini");
    const cacheDir = join(base, "cache");
    const options = {
      runDir: run,
      corpusDir: join(base, "corpus"),
      judge: "gemini" as const,
      apiKey: KEY,
      baseUrl: server.url,
      cacheDir,
      progress: "silent" as const,
      concurrency: 3,
    };

    const first = await runRelevanceCheck(options);
    expect(server.requests).toHaveLength(5);
    expect(first).toMatchObject({ judge: "gemini:gemini-3.8-flash", candidates: 6, relevant: 4, notRelevant: 1, errors: 1, cached: 0 });
    expect(first.usage).toEqual({ promptTokens: 10_000_000, outputTokens: 2_500_000, totalTokens: 12_500_000, calls: 5 });
    // 10M input at $0.75/M + 2.5M output at $3.75/M (gemini-3.8-flash's list price in the table).
    expect(first.costUsd).toBeCloseTo(7.5 + 9.375, 10);
    const written = readRows(join(run, "filter", "verdicts.arrow"), VERDICTS);
    expect(
      written
        .filter((v) => v.error === null)
        .every((v) => v.backend === "gemini" && v.model === "gemini-3.8-flash" && v.temperature === null && v.seed === null),
    ).toBe(true);
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
    const options = {
      runDir: run,
      corpusDir: join(base, "corpus"),
      judge: "gemini" as const,
      apiKey: KEY,
      baseUrl: server.url,
      cacheDir,
      progress: "silent" as const,
      gemini: { backoffMs: 1, maxAttempts: 2 },
    };
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
    const options = {
      runDir: run,
      corpusDir: join(base, "corpus"),
      judge: "gemini" as const,
      apiKey: KEY,
      baseUrl: server.url,
      cacheDir: join(base, "cache-concurrency"),
      progress: "silent" as const,
    };
    await runRelevanceCheck({ ...options, concurrency: 2 });
    expect(server.requests).toHaveLength(5);
    expect(peak).toBe(2);
  });

  test("a cache line cut short by a crash is skipped and the next append starts a fresh line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cache-"));
    writeFileSync(
      join(dir, "verdicts.jsonl"),
      '{"key":"k1","id":"a","activity":"SI","judge":"g","promptHash":"p","contentHash":"c","relevant":true,"rationale":"r","usage":{}}\n{"key":"k2","id":"b",',
    );
    const cache = VerdictCache.open(dir);
    expect(cache.size).toBe(1);
    expect(cache.skippedLines).toBe(1);
    await cache.put(
      "k3",
      "c",
      {
        id: "c",
        activity: "QA",
        relevant: false,
        rationale: "no",
        judge: "g",
        promptHash: "p",
        error: null,
        backend: "gemini",
        model: "g",
        temperature: null,
        seed: null,
      },
      { promptTokens: 1, outputTokens: 1, totalTokens: 2, calls: 1 },
    );
    const reopened = VerdictCache.open(dir);
    expect(reopened.size).toBe(2);
    expect(reopened.get("k3")?.relevant).toBe(false);
  });
});
