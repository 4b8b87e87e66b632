import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { emptyRecord, type ModelRecord } from "../src/corpus/record";
import { openCorpusWriter } from "../src/corpus/store";
import { NO_USAGE, type Candidate, type Judgement, type RelevanceJudge } from "../src/judges/candidate";
import type { RecordedVerdict } from "../src/run/tables";
import { VerdictCache, cacheKey } from "../src/judges/cache";
import { isSelfHosted } from "../src/judges/cost";
import { majorityVerdict } from "../src/judges/jury";
import { outcomeOf } from "../src/judges/outcome";
import { readVerdicts } from "../src/run/files";
import { buildPanel, parseJury } from "../src/pipeline/judge-panel";
import { runRelevanceCheck } from "../src/pipeline/relevance";
import { writeRows, type TableSpec } from "../src/util/arrow-table";
import { compareLabels, type PairLabel } from "../src/validate/compare";
import { writeLabels, writePlan } from "../src/validate/pilot-files";
import { runCli } from "./support/cli";
import { startFakeOpenAi, verdictChat, type FakeOpenAi } from "./support/fake-openai";

const v = (id: string, judge: string, relevant: boolean | null, error: string | null = null): RecordedVerdict => ({
  id,
  activity: "SI",
  relevant,
  rationale: relevant === null ? "" : `${judge} says ${relevant}`,
  judge,
  promptHash: "p",
  error,
  backend: judge.split(":")[0]!,
  model: judge.split(":")[1] ?? null,
  temperature: 0,
  seed: 1,
});

describe("jury majority", () => {
  test("a strict majority of all jurors decides; errors are no vote; a tie or a thin vote is an error naming the tally", () => {
    const two = majorityVerdict([v("m/a", "openai:x", true), v("m/a", "ollama:y", false), v("m/a", "gemini:z", true)]);
    expect(two).toMatchObject({ relevant: true, error: null, backend: "jury", model: null, judge: "jury(openai:x, ollama:y, gemini:z)" });
    expect(two.rationale).toBe("majority of the jury (2 relevant, 1 not relevant of 3): openai:x: relevant; ollama:y: not-relevant; gemini:z: relevant");
    const withError = majorityVerdict([v("m/a", "openai:x", false), v("m/a", "ollama:y", null, "m/a (SI): ollama:y: HTTP 500"), v("m/a", "gemini:z", false)]);
    expect(withError).toMatchObject({ relevant: false, error: null });
    const split = majorityVerdict([v("m/a", "openai:x", true), v("m/a", "ollama:y", null, "m/a (SI): ollama:y: timed out"), v("m/a", "gemini:z", false)]);
    expect(split.relevant).toBeNull();
    expect(split.error).toBe(
      "m/a (SI): jury(openai:x, ollama:y, gemini:z): no majority (1 relevant, 1 not relevant, 1 without a vote of 3); first error: m/a (SI): ollama:y: timed out",
    );
    const tie = majorityVerdict([v("m/a", "a:1", true), v("m/a", "b:1", true), v("m/a", "c:1", false), v("m/a", "d:1", false)]);
    expect(tie.error).toContain("no majority (2 relevant, 2 not relevant of 4)");
    expect(() => majorityVerdict([v("m/a", "a:1", true), v("m/a", "b:1", true)])).toThrow(/at least 3 jurors/);
  });

  test("--jury parsing: Ollama tags keep their colons, servers after @, at least three distinct judges", () => {
    expect(parseJury("gemini:gemini-3.8-flash, openai:qwen2.5-7b-instruct@http://127.0.0.1:8000/v1 ,ollama:qwen2.5:7b-instruct")).toEqual([
      { backend: "gemini", model: "gemini-3.8-flash" },
      { backend: "openai", model: "qwen2.5-7b-instruct", baseUrl: "http://127.0.0.1:8000/v1" },
      { backend: "ollama", model: "qwen2.5:7b-instruct" },
    ]);
    expect(parseJury("offline,ollama,ollama:llama3.1:8b")[1]).toEqual({ backend: "ollama" });
    expect(() => parseJury("ollama:a,ollama:b")).toThrow(/at least 3 judges, got 2/);
    expect(() => parseJury("ollama:a,openai,gemini")).toThrow(/"openai" needs a model/);
    expect(() => parseJury("ollama:a,claude:b,gemini")).toThrow(/--judge must be one of gemini, openai, ollama, offline, got "claude"/);
    expect(() => buildPanel(parseJury("ollama:a,ollama:a,offline"), false)).toThrow(/names ollama:a twice/);
    expect(() => buildPanel(parseJury("ollama:a,ollama:b,offline"), true)).toThrow(/leave it out of the jury/);
  });
});

describe("outcomes", () => {
  test("uncertain is read from an outcome field, or from no decision without an error", () => {
    expect(outcomeOf(v("a", "o", true))).toBe("relevant");
    expect(outcomeOf(v("a", "o", false))).toBe("not-relevant");
    expect(outcomeOf(v("a", "o", null, "boom"))).toBe("error");
    expect(outcomeOf(v("a", "o", null))).toBe("uncertain");
    expect(outcomeOf({ ...v("a", "o", null), outcome: "Uncertain" })).toBe("uncertain");
    expect(outcomeOf({ ...v("a", "o", false), outcome: "uncertain" })).toBe("uncertain");
  });
});

describe("self-hosted servers cost nothing; cloud ones are priced", () => {
  test.each([
    ["http://127.0.0.1:11434", true],
    ["http://localhost:8000/v1", true],
    ["http://[::1]:8080/v1", true],
    ["http://192.168.1.20:1234/v1", true],
    ["http://10.0.0.5:8000/v1", true],
    ["http://gpu-box:8000/v1", true],
    ["http://llm.internal/v1", true],
    ["https://api.openai.com/v1", false],
    ["https://openrouter.ai/api/v1", false],
    ["http://172.32.0.1/v1", false],
  ])("%s -> %s", (url, expected) => {
    expect(isSelfHosted(url)).toBe(expected);
  });
});

describe("the verdict cache never serves another backend, model or key format", () => {
  test("keys differ by backend, model, temperature and seed; entries are checked against the backend asked", async () => {
    const parts = {
      id: "a/b",
      activity: "SI" as const,
      promptHash: "p",
      judge: "x:m",
      backend: "openai",
      model: "m",
      temperature: 0,
      seed: 2025,
      contentHash: "c",
      matchedTasks: ["code generation"],
      maxBodyChars: 12000,
    };
    const keys = new Set([
      cacheKey(parts),
      cacheKey({ ...parts, backend: "ollama" }),
      cacheKey({ ...parts, model: "m2" }),
      cacheKey({ ...parts, temperature: 0.7 }),
      cacheKey({ ...parts, seed: 1 }),
      cacheKey({ ...parts, temperature: null, seed: null }),
    ]);
    expect(keys.size).toBe(6);
    const dir = mkdtempSync(join(tmpdir(), "cache-keys-"));
    const cache = VerdictCache.open(dir);
    await cache.put("k", "c", v("a/b", "openai:m", true), NO_USAGE);
    expect(VerdictCache.open(dir).get("k", { backend: "openai", model: "m" })?.relevant).toBe(true);
    expect(VerdictCache.open(dir).get("k", { backend: "ollama", model: "m" })).toBeUndefined();
    expect(VerdictCache.open(dir).get("k", { backend: "openai", model: "m2" })).toBeUndefined();
  });
});

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

describe("--only-uncertain", () => {
  let base = "";
  const ids = ["lab/certain-yes", "lab/unsure-1", "lab/certain-no", "lab/unsure-2"];
  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "only-uncertain-"));
    const writer = await openCorpusWriter(join(base, "corpus"), { createdBy: "test" });
    for (const id of ids) {
      const body = `${id}: a model that may help with code generation.`;
      await writer.add({ ...emptyRecord(id), cardStatus: "present", cardBody: body, cardText: body } as ModelRecord);
    }
    await writer.close();
    await writeRows(
      join(base, "run", "filter", "unique.arrow"),
      ids.map((id) => ({ id, activities: ["SI"], tasks: ["code generation"] })),
      UNIQUE_SPEC,
    );
  });

  let server: FakeOpenAi | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  /** A screening judge that abstains on the `unsure` models, as offline rules v3 will. */
  const screen: RelevanceJudge = {
    label: "offline-rules/v3",
    promptHash: () => "rules-hash",
    judge: async (c: Candidate): Promise<Judgement> => {
      const unsure = c.record.id.includes("unsure");
      return {
        verdict: {
          id: c.record.id,
          activity: c.activity,
          relevant: unsure ? null : c.record.id.endsWith("yes"),
          rationale: unsure ? "no rule settles it" : "rule fired",
          judge: "offline-rules/v3",
          promptHash: "rules-hash",
          error: null,
          ...(unsure ? { outcome: "uncertain" } : {}),
        } as Judgement["verdict"],
        usage: NO_USAGE,
      };
    },
  };

  test("only the uncertain pairs reach the LLM; each verdict names the judge that decided it", async () => {
    server = await startFakeOpenAi((r) => verdictChat(r.user.includes("unsure-1"), "LLM decided."), { models: ["m"] });
    const result = await runRelevanceCheck({
      runDir: join(base, "run"),
      corpusDir: join(base, "corpus"),
      judge: "openai",
      model: "m",
      baseUrl: `${server.url}/v1`,
      onlyUncertain: true,
      screenInstance: screen,
      progress: "silent",
      env: {},
    });
    expect(server.chats.map((c) => /Model id: (\S+)/.exec(c.user)![1])).toEqual(expect.arrayContaining(["lab/unsure-1", "lab/unsure-2"]));
    expect(server.chats).toHaveLength(2);
    const verdicts = readVerdicts(result.verdictsPath);
    expect(verdicts.map((x) => [x.id, x.relevant, x.judge, x.backend])).toEqual([
      ["lab/certain-yes", true, "offline-rules/v3", "offline"],
      ["lab/unsure-1", true, "openai:m", "openai"],
      ["lab/certain-no", false, "offline-rules/v3", "offline"],
      ["lab/unsure-2", false, "openai:m", "openai"],
    ]);
    expect(result.decidedBy).toEqual({ "offline-rules/v3": 2, "openai:m": 2 });
    expect(result.judge).toBe("offline-rules/v3, then openai:m on its uncertain pairs");
  });
});

describe("comparing label sets", () => {
  const label = (id: string, relevant: boolean | null, source: string, activity: "SI" | "QA" = "SI"): PairLabel => ({
    id,
    activity,
    relevant,
    rationale: `${source}: ${relevant}`,
    source,
    error: relevant === null ? "failed" : null,
  });

  test("confusion table, kappa, undecided and missing pairs per activity and pooled", () => {
    const a = [
      label("m1", true, "A"),
      label("m2", true, "A"),
      label("m3", false, "A"),
      label("m4", false, "A"),
      label("m5", null, "A"),
      label("m6", true, "A"),
      label("q1", true, "A", "QA"),
    ];
    const b = [
      label("m1", true, "B"),
      label("m2", false, "B"),
      label("m3", false, "B"),
      label("m4", false, "B"),
      label("m5", true, "B"),
      label("m7", true, "B"),
      label("q1", true, "B", "QA"),
    ];
    const { rows, disagreements } = compareLabels(a, b, { paperKappa: (s) => (s === "SI" ? 0.85 : null) });
    const si = rows.find((r) => r.scope === "SI")!;
    expect(si).toMatchObject({
      pairs: 4,
      bothRelevant: 1,
      onlyA: 1,
      onlyB: 0,
      neither: 2,
      undecidedA: 1,
      undecidedB: 0,
      missingInB: 1,
      missingInA: 1,
      paperKappa: 0.85,
    });
    // p_o = 3/4; A yes 2/4, B yes 1/4: p_e = 0.5*0.25 + 0.5*0.75 = 0.5; kappa = 0.5.
    expect(si.observed).toBeCloseTo(0.75, 12);
    expect(si.kappa).toBeCloseTo(0.5, 12);
    expect(si.band).toBe("moderate");
    const qa = rows.find((r) => r.scope === "QA")!;
    expect(qa).toMatchObject({ pairs: 1, kappa: null, band: "undefined" });
    expect(rows.find((r) => r.scope === "all")).toMatchObject({ pairs: 5, bothRelevant: 2, onlyA: 1, neither: 2, missingInA: 1, missingInB: 1 });
    expect(disagreements).toEqual([
      { id: "m2", activity: "SI", set: "all", a: "A", aRelevant: true, aRationale: "A: true", b: "B", bRelevant: false, bRationale: "B: false" },
    ]);
    expect(() => compareLabels([label("m1", true, "x"), label("m1", false, "y")], b, { nameA: "jury.arrow" })).toThrow(
      /jury\.arrow has two labels for m1 \(SI\), from x and y: choose one judge/,
    );
  });

  test("agreement --run --humans: the pilot's human labels per set, with the paper's kappa beside", async () => {
    const run = mkdtempSync(join(tmpdir(), "humans-"));
    const verdicts: RecordedVerdict[] = ["m1", "m2", "m3", "m4", "m5", "m6"].map((id, i) => ({
      ...v(id, "ollama:qwen2.5:7b-instruct", i % 2 === 0),
      activity: "QA",
    }));
    const { VERDICTS } = await import("../src/run/tables");
    await writeRows(join(run, "filter", "verdicts.arrow"), verdicts, VERDICTS);
    await writePlan(
      run,
      ["m1", "m2", "m3", "m4"].map((id, i) => ({ id, activity: "QA", set: i < 3 ? "pilot" : "holdout", tasks: ["test generation"], reliability: false })),
    );
    // Humans agree with the judge except on m3.
    await writeLabels(run, "A", [
      { id: "m1", activity: "QA", set: "pilot", annotator: "A", relevant: true, rationale: "Generates unit tests." },
      { id: "m2", activity: "QA", set: "pilot", annotator: "A", relevant: false, rationale: "Speaker verification." },
      { id: "m3", activity: "QA", set: "pilot", annotator: "A", relevant: false, rationale: "Only a benchmark test split." },
      { id: "m4", activity: "QA", set: "holdout", annotator: "A", relevant: false, rationale: "Face verification." },
    ]);
    const result = await runCli("agreement", "--run", run, "--humans");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/QA\s+pilot\s+3\s+1\s+1\s+0\s+1\s+0\.67\s+0\.40\s+fair\s+0\/0\s+0\/0\s+0\.81/);
    expect(result.stdout).toMatch(/all\s+holdout\s+1\s+0\s+0\s+0\s+1\s+1\.00\s+- .*0\.88/);
    expect(result.stdout).toContain("- m3 (QA, pilot)");
    expect(result.stdout).toContain("B humans (A): not relevant: Only a benchmark test split.");
    expect(result.stdout).toContain("pilot: 3 human labels (0 by majority of three)");
  });
});

describe("verdict files written before backends were recorded", () => {
  test("are read with backend and model taken from the judge label", async () => {
    const dir = mkdtempSync(join(tmpdir(), "old-verdicts-"));
    interface OldVerdict {
      id: string;
      activity: string;
      relevant: boolean | null;
      rationale: string;
      judge: string;
      promptHash: string;
      error: string | null;
    }
    const spec: TableSpec<OldVerdict> = [
      { name: "id", type: "string" },
      { name: "activity", type: "string" },
      { name: "relevant", type: "bool", nullable: true },
      { name: "rationale", type: "string" },
      { name: "judge", type: "string" },
      { name: "promptHash", type: "string" },
      { name: "error", type: "string", nullable: true },
    ];
    await writeRows(
      join(dir, "verdicts.arrow"),
      [
        { id: "a", activity: "SI", relevant: true, rationale: "r", judge: "gemini:gemini-2.0-flash", promptHash: "h", error: null },
        { id: "b", activity: "QA", relevant: false, rationale: "r", judge: "offline-rules/v2", promptHash: "h", error: null },
      ],
      spec,
    );
    expect(readVerdicts(join(dir, "verdicts.arrow")).map((x) => [x.backend, x.model, x.temperature, x.seed])).toEqual([
      ["gemini", "gemini-2.0-flash", null, null],
      ["offline", null, null, null],
    ]);
  });
});
