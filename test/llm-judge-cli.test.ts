/**
 * `judge`, `replicate` and `agreement` end to end on a run made from the labelled real-card fixtures
 * (test/fixtures/real-cards: trainer cards, gated cards, quantised re-uploads, multilingual cards,
 * widgets, traps), ingested and put through the funnel, against loopback OpenAI-compatible, Ollama and
 * Gemini servers. Every byte the commands write, print or send is searched for the keys.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { readVerdicts } from "../src/run/files";
import { CHARS_PER_TOKEN } from "../src/judges/cost";
import { runFunnel } from "../src/pipeline/funnel";
import { readRows } from "../src/util/arrow-table";
import { COMPARISONS, DISAGREEMENTS } from "../src/validate/compare";
import { cohenKappa } from "../src/validate/agreement";
import { runCli, type CliRun } from "./support/cli";
import { startFakeGemini, verdictAnswer } from "./support/fake-gemini";
import { chatAnswer, startFakeOpenAi, verdictChat, type FakeOpenAi } from "./support/fake-openai";
import { ollamaVerdict, startFakeOllama, type FakeOllama } from "./support/fake-ollama";
import { loadRealCards, writeHubDump } from "./support/real-cards";

const OPENAI_KEY = "sk-FAKEKEY-openai-91d2c0ffee7e";
const GEMINI_KEY = "AIzaFAKEKEY-gemini-3b1c0ffee";
const OLLAMA_KEY = "ollama-FAKEKEY-55aa0ffee";
const KEYS = [OPENAI_KEY, GEMINI_KEY, OLLAMA_KEY];

let root = "";
let corpus = "";
let pristine = "";
let pairs = 0;

/** Decide like a careful reader would, from the card the judge was sent. */
const looksLikeCode = (user: string) => /\b(code|program|software|bug|test generation|repair|api)\b/i.test(user.replace(/<<<[^>]*>>>/g, ""));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "judge-cli-"));
  corpus = join(root, "corpus");
  pristine = join(root, "pristine");
  const dump = join(root, "real-cards.jsonl");
  writeHubDump(loadRealCards(), dump);
  const ingested = await runCli("ingest", dump, "--out", corpus);
  if (ingested.code !== 0) throw new Error(ingested.stderr);
  await runFunnel({ corpusDir: corpus, outDir: pristine, workers: 1, progress: "silent" });
  const unique = readRows<{ id: string; activities: string[] }>(join(pristine, "filter", "unique.arrow"));
  pairs = unique.reduce((n, u) => n + u.activities.length, 0);
  // Enough pairs for the run to mean something (the fixtures hold well over a hundred cards).
  expect(pairs).toBeGreaterThan(50);
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

let servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

let runNo = 0;
/** A fresh copy of the funnel's run directory (its own cache beside it). */
function freshRun(): string {
  const dir = join(root, `case-${++runNo}`, "run");
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

/** No key in any file of the run and its cache, in what the command printed, or in a request body. */
function expectNoKeys(runDir: string, output: CliRun[], bodies: string[]): void {
  const written = [...filesUnder(runDir), ...filesUnder(join(runDir, "..", ".cache"))];
  expect(written.length).toBeGreaterThan(0);
  for (const key of KEYS) {
    for (const file of written) expect(readFileSync(file).includes(key), `${key} in ${file}`).toBe(false);
    for (const run of output) expect(run.stdout + run.stderr).not.toContain(key);
    for (const body of bodies) expect(body).not.toContain(key);
  }
}

async function openAiServer(decide: (user: string) => boolean = looksLikeCode, models = ["qwen2.5-7b-instruct"]): Promise<FakeOpenAi> {
  const server = await startFakeOpenAi(
    (r) => verdictChat(decide(r.user), decide(r.user) ? "The card describes a model for software work." : "Nothing in the card is about software."),
    { models },
  );
  servers.push(server);
  return server;
}

async function ollamaServer(decide: (user: string) => boolean = looksLikeCode): Promise<FakeOllama> {
  const server = await startFakeOllama((r) =>
    ollamaVerdict(decide(r.user), decide(r.user) ? "Software engineering model." : "Not a software engineering model."),
  );
  servers.push(server);
  return server;
}

describe("judge --judge openai|ollama on a real-card-like run", () => {
  test("one verdict per pair naming backend and model; schema in every request; reruns are cached and identical; no key anywhere", async () => {
    vi.stubEnv("OPENAI_API_KEY", OPENAI_KEY);
    vi.stubEnv("GEMINI_API_KEY", GEMINI_KEY);
    vi.stubEnv("OLLAMA_API_KEY", OLLAMA_KEY);
    const server = await openAiServer();
    const run = freshRun();
    const first = await runCli("judge", "--run", run, "--judge", "openai", "--model", "qwen2.5-7b-instruct", "--base-url", `${server.url}/v1`);
    expect(first.stderr).not.toContain("error:");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`judge openai:qwen2.5-7b-instruct: ${pairs} pairs`);
    expect(first.stdout).toMatch(
      /openai:qwen2\.5-7b-instruct \(temperature 0, seed 2025\): tokens: \d+ in, \d+ out, \d+ calls, 0 from cache; cost no token cost \(self-hosted\)/,
    );

    const verdicts = readVerdicts(join(run, "filter", "verdicts.arrow"));
    expect(verdicts).toHaveLength(pairs);
    expect(new Set(verdicts.map((v) => `${v.id}\u0000${v.activity}`)).size).toBe(pairs);
    for (const v of verdicts) {
      expect(v).toMatchObject({
        judge: "openai:qwen2.5-7b-instruct",
        backend: "openai",
        model: "qwen2.5-7b-instruct",
        temperature: 0,
        seed: 2025,
        error: null,
      });
      expect(v.promptHash).toMatch(/^[0-9a-f]{16}$/);
      expect(v.rationale).not.toBe("");
    }
    expect(server.chats).toHaveLength(pairs);
    for (const chat of server.chats) {
      expect(chat.json.response_format).toMatchObject({
        type: "json_schema",
        json_schema: { name: "relevance_verdict", strict: true, schema: { required: ["relevant", "rationale"], additionalProperties: false } },
      });
      expect(chat.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    }
    const relevance = JSON.parse(readFileSync(join(run, "filter", "relevance.json"), "utf8"));
    expect(relevance.judges).toEqual([
      expect.objectContaining({ label: "openai:qwen2.5-7b-instruct", backend: "openai", temperature: 0, seed: 2025, server: `${server.url}/v1` }),
    ]);

    const bytes = readFileSync(join(run, "filter", "verdicts.arrow"));
    const again = await runCli("judge", "--run", run, "--judge", "openai", "--model", "qwen2.5-7b-instruct", "--base-url", `${server.url}/v1`);
    expect(again.code).toBe(0);
    expect(server.chats).toHaveLength(pairs);
    expect(again.stdout).toContain(`(${pairs} from cache)`);
    expect(readFileSync(join(run, "filter", "verdicts.arrow")).equals(bytes)).toBe(true);

    // The same model name on another backend is not served from the OpenAI entries.
    const ollama = await startFakeOllama((r) => ollamaVerdict(looksLikeCode(r.user), "Judged by Ollama."), { models: ["qwen2.5-7b-instruct"] });
    servers.push(ollama);
    const local = await runCli("judge", "--run", run, "--judge", "ollama", "--model", "qwen2.5-7b-instruct", "--base-url", ollama.url);
    expect(local.code).toBe(0);
    expect(ollama.chats).toHaveLength(pairs);
    expect(
      readVerdicts(join(run, "filter", "verdicts.arrow")).every(
        (v) => v.backend === "ollama" && v.model === "qwen2.5-7b-instruct" && v.judge === "ollama:qwen2.5-7b-instruct",
      ),
    ).toBe(true);
    for (const chat of ollama.chats) {
      expect(chat.json.format).toMatchObject({ type: "object", required: ["relevant", "rationale"] });
      expect(chat.headers.authorization).toBe(`Bearer ${OLLAMA_KEY}`);
    }
    // Nor is a different temperature served the temperature-0 entries.
    const warmer = await runCli("judge", "--run", run, "--judge", "ollama", "--model", "qwen2.5-7b-instruct", "--base-url", ollama.url, "--temperature", "0.7");
    expect(warmer.code).toBe(0);
    expect(ollama.chats).toHaveLength(2 * pairs);
    expect(readVerdicts(join(run, "filter", "verdicts.arrow")).every((v) => v.temperature === 0.7)).toBe(true);

    expectNoKeys(
      run,
      [first, again, local, warmer],
      [...server.requests, ...ollama.requests].map((r) => r.raw),
    );
  });

  test("a model the server does not have stops the run at its first call with one line naming it", async () => {
    const ollama = await ollamaServer();
    const run = freshRun();
    const result = await runCli("judge", "--run", run, "--judge", "ollama", "--model", "llama9:70b", "--base-url", ollama.url, "--concurrency", "1");
    expect(result.code).toBe(1);
    const lines = result.stderr
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("hf-se-atlas: error:"));
    expect(lines).toEqual([
      expect.stringMatching(
        /^hf-se-atlas: error: ollama model "llama9:70b" is not available at http:\/\/127\.0\.0\.1:\d+: HTTP 404: model 'llama9:70b' not found; pulled here: llama3\.1:8b, qwen2\.5:7b-instruct; run `ollama pull llama9:70b`$/,
      ),
    ]);
    expect(ollama.chats).toHaveLength(1);
    expect(existsSync(join(run, "filter", "verdicts.arrow"))).toBe(false);

    const openai = await openAiServer();
    const retired = await runCli("judge", "--run", run, "--judge", "openai", "--model", "gpt-4-0314", "--base-url", `${openai.url}/v1`, "--concurrency", "2");
    expect(retired.code).toBe(1);
    expect(retired.stderr).toMatch(/hf-se-atlas: error: openai model "gpt-4-0314" is not available at .*model_not_found|does not exist/);
    // At most the requests already in flight: not one per pair.
    expect(openai.chats.length).toBeLessThanOrEqual(2);
  });

  test("when most verdicts are errors the command says so and exits non-zero, with the verdicts written", async () => {
    const server = await startFakeOpenAi(() => chatAnswer("I think this model is relevant."), { models: ["m"] });
    servers.push(server);
    const run = freshRun();
    const result = await runCli("judge", "--run", run, "--judge", "openai", "--model", "m", "--base-url", `${server.url}/v1`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `hf-se-atlas: error: ${pairs} of ${pairs} verdicts of openai:m are errors \\(first: .*openai:m: no valid verdict after 3 answers \\(answer is not JSON`,
      ),
    );
    expect(readVerdicts(join(run, "filter", "verdicts.arrow")).every((v) => v.relevant === null && v.error !== null && v.error.includes("openai:m"))).toBe(
      true,
    );
  });

  test("--offline and --gemini stay aliases; contradictions are refused", async () => {
    const run = freshRun();
    const offline = await runCli("judge", "--run", run, "--offline");
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain(`judge offline-rules/v3: ${pairs} pairs`);
    expect(readVerdicts(join(run, "filter", "verdicts.arrow")).every((v) => v.backend === "offline" && v.model === null && v.temperature === null)).toBe(true);
    vi.stubEnv("GEMINI_API_KEY", "");
    const noKey = await runCli("judge", "--run", run, "--gemini");
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain("the Gemini judge needs GEMINI_API_KEY");
    const both = await runCli("judge", "--run", run, "--offline", "--judge", "ollama");
    expect(both.stderr).toContain("--offline contradicts --judge ollama");
  });

  test("judge --help shows the current Gemini default and the paper's model", async () => {
    const help = await runCli("judge", "--help");
    expect(help.stdout).toContain("--judge <backend>");
    expect(help.stdout).toMatch(/default for gemini:\s+gemini-3\.8-flash/);
    expect(help.stdout).toMatch(/the paper used\s+gemini-2\.0-flash/);
    expect(help.stdout).toContain("--dry-run");
    const replicate = await runCli("replicate", "--help");
    for (const flag of ["--judge <backend>", "--model <name>", "--base-url <url>", "--jury <judges>", "--only-uncertain", "--offline"])
      expect(replicate.stdout).toContain(flag);
  });
});

describe("replicate takes the same judge selection", () => {
  test("replicate --judge ollama judges with the local model and says so; a retired model stops it", async () => {
    const ollama = await ollamaServer();
    const out = join(root, `replicate-${++runNo}`);
    const result = await runCli("replicate", "--corpus", corpus, "--out", out, "--judge", "ollama", "--base-url", ollama.url, "--no-static");
    expect(result.stderr).not.toContain("error:");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("replicate: [2/3] relevance check (ollama:qwen2.5:7b-instruct)");
    expect(ollama.chats).toHaveLength(pairs);
    expect(readVerdicts(join(out, "run", "filter", "verdicts.arrow")).every((v) => v.backend === "ollama" && v.model === "qwen2.5:7b-instruct")).toBe(true);

    const stopped = await runCli(
      "replicate",
      "--corpus",
      corpus,
      "--out",
      join(root, `replicate-${++runNo}`),
      "--judge",
      "ollama",
      "--model",
      "gone:1b",
      "--base-url",
      ollama.url,
      "--no-static",
    );
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('hf-se-atlas: error: ollama model "gone:1b" is not available');
  });
});

describe("judge --dry-run", () => {
  test("a self-hosted server: exact token estimate of the prompts, a 3-pair warm-up, no verdicts written; afterwards the cache is counted", async () => {
    const ollama = await ollamaServer();
    const run = freshRun();
    const plan = await runCli("judge", "--run", run, "--judge", "ollama", "--base-url", ollama.url, "--dry-run");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`dry run: ollama:qwen2.5:7b-instruct: ${pairs} pairs to judge`);
    expect(plan.stdout).toContain(`${pairs} pairs, 0 in the cache, ${pairs} calls to make`);
    expect(plan.stdout).toMatch(/warm-up: 3 pairs in [\d.]+, [\d.]+, [\d.]+ s; median [\d.]+ s per pair/);
    expect(plan.stdout).toContain(`estimated time for the other ${pairs - 3} calls`);
    expect(ollama.chats).toHaveLength(3);
    expect(existsSync(join(run, "filter", "verdicts.arrow"))).toBe(false);
    const estimated = Number(/estimated tokens: ([\d,]+) in/.exec(plan.stdout)![1]!.replace(/,/g, ""));

    // The real run sends prompts of exactly the estimated size (boundaries have a fixed length); the
    // three warm-up pairs come from the cache.
    const real = await runCli("judge", "--run", run, "--judge", "ollama", "--base-url", ollama.url);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("(3 from cache)");
    const sent = ollama.chats.reduce((n, c) => n + Math.ceil((c.system.length + c.user.length) / CHARS_PER_TOKEN), 0);
    expect(sent).toBe(estimated);

    const after = await runCli("judge", "--run", run, "--judge", "ollama", "--base-url", ollama.url, "--dry-run");
    expect(after.stdout).toContain(`${pairs} pairs, ${pairs} in the cache, 0 calls to make`);
    expect(ollama.chats).toHaveLength(pairs);

    // A model the server lacks fails the warm-up, and the dry run says so in its exit status.
    const missing = await runCli("judge", "--run", run, "--judge", "ollama", "--model", "nope:1b", "--base-url", ollama.url, "--dry-run");
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('warm-up failed: ollama model "nope:1b" is not available');
    expect(missing.stderr).toContain("hf-se-atlas: error: dry run: the warm-up of ollama:nope:1b failed");
  });

  test("Gemini without a key: the cost from the price table or the override, no request made", async () => {
    vi.stubEnv("GEMINI_API_KEY", "");
    const gemini = await startFakeGemini(() => verdictAnswer(true, "never asked"));
    servers.push(gemini);
    const run = freshRun();
    const listed = await runCli("judge", "--run", run, "--judge", "gemini", "--dry-run");
    expect(listed.code).toBe(0);
    const tokens = Number(/estimated tokens: ([\d,]+) in/.exec(listed.stdout)![1]!.replace(/,/g, ""));
    const cost = (tokens * 0.75 + pairs * 60 * 3.75) / 1_000_000;
    expect(listed.stdout).toContain(
      `estimated cost: $${cost.toFixed(4)} at $0.75/M in, $3.75/M out; thinking tokens are billed as output and not in this estimate`,
    );
    const paper = await runCli(
      "judge",
      "--run",
      run,
      "--judge",
      "gemini",
      "--model",
      "gemini-2.0-flash",
      "--dry-run",
      "--price-input",
      "1",
      "--price-output",
      "2",
    );
    expect(paper.stdout).toContain(`estimated cost: $${((tokens + 2 * pairs * 60) / 1_000_000).toFixed(4)} at $1/M in, $2/M out`);
    const unknown = await runCli("judge", "--run", run, "--judge", "gemini", "--model", "gemini-9-ultra", "--dry-run");
    expect(unknown.stdout).toContain("unknown price for this model (pass --price-input/--price-output)");
    expect(gemini.requests).toHaveLength(0);
    expect(existsSync(join(run, "filter", "verdicts.arrow"))).toBe(false);
  });
});

describe("juries, only-uncertain and agreement", () => {
  test("a jury of openai, ollama and gemini: the majority decides, each juror's verdict kept", async () => {
    vi.stubEnv("GEMINI_API_KEY", GEMINI_KEY);
    const openai = await openAiServer(looksLikeCode);
    const ollama = await ollamaServer(() => true);
    const gemini = await startFakeGemini((r) => verdictAnswer(looksLikeCode(r.user), "Gemini's reading of the card."));
    servers.push(gemini);
    const run = freshRun();
    const jury = `openai:qwen2.5-7b-instruct@${openai.url}/v1,ollama:qwen2.5:7b-instruct@${ollama.url},gemini:gemini-3.8-flash@${gemini.url}`;
    const result = await runCli("judge", "--run", run, "--jury", jury);
    expect(result.stderr).not.toContain("error:");
    expect(result.code).toBe(0);
    const label = "jury(openai:qwen2.5-7b-instruct, ollama:qwen2.5:7b-instruct, gemini:gemini-3.8-flash)";
    expect(result.stdout).toContain(`judge ${label}: ${pairs} pairs`);
    const final = readVerdicts(join(run, "filter", "verdicts.arrow"));
    const jurors = readVerdicts(join(run, "filter", "jury-verdicts.arrow"));
    expect(final).toHaveLength(pairs);
    expect(jurors).toHaveLength(3 * pairs);
    for (const [i, v] of final.entries()) {
      expect(v).toMatchObject({ judge: label, backend: "jury", model: null, error: null });
      const votes = jurors.slice(3 * i, 3 * i + 3);
      expect(votes.map((x) => [x.id, x.activity])).toEqual(Array(3).fill([v.id, v.activity]));
      expect(votes.map((x) => x.backend)).toEqual(["openai", "ollama", "gemini"]);
      // openai and gemini read the card the same way; ollama always says relevant: the pair follows the two.
      expect(v.relevant).toBe(votes[0]!.relevant);
      expect(v.rationale).toMatch(/^majority of the jury \(\d relevant, \d not relevant of 3\): openai:qwen2\.5-7b-instruct: /);
    }
    expect(gemini.requests).toHaveLength(pairs);
    expectNoKeys(
      run,
      [result],
      [...openai.requests, ...ollama.requests, ...gemini.requests].map((r) => r.raw),
    );
  });

  test("--only-uncertain: the offline verdicts stand where they decided; only the pairs they leave uncertain go to the LLM", async () => {
    const offlineRun = freshRun();
    expect((await runCli("judge", "--run", offlineRun, "--offline")).code).toBe(0);
    const offline = readVerdicts(join(offlineRun, "filter", "verdicts.arrow"));
    const uncertain = offline.filter((v) => v.outcome === "uncertain");
    const ollama = await ollamaServer();
    const run = freshRun();
    const result = await runCli("judge", "--run", run, "--judge", "ollama", "--base-url", ollama.url, "--only-uncertain");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`judge offline-rules/v3, then ollama:qwen2.5:7b-instruct on its uncertain pairs: ${pairs} pairs`);
    expect(ollama.chats).toHaveLength(uncertain.length);
    const verdicts = readVerdicts(join(run, "filter", "verdicts.arrow"));
    const key = (v: { id: string; activity: string }) => `${v.id} ${v.activity}`;
    const sent = new Set(uncertain.map(key));
    expect(verdicts.filter((v) => !sent.has(key(v))).every((v) => v.judge === "offline-rules/v3" && v.backend === "offline")).toBe(true);
    expect(verdicts.filter((v) => sent.has(key(v))).every((v) => v.backend === "ollama" && v.outcome !== "uncertain")).toBe(true);
  });

  test("agreement of two judges' verdict sets: kappa per activity, confusion table, disagreements with both rationales, Arrow and CSV", async () => {
    const strict = await openAiServer((user) => /\b(code|program)\b/i.test(user.replace(/<<<[^>]*>>>/g, "")));
    const loose = await ollamaServer(looksLikeCode);
    const runA = freshRun();
    const runB = freshRun();
    expect((await runCli("judge", "--run", runA, "--judge", "openai", "--model", "qwen2.5-7b-instruct", "--base-url", `${strict.url}/v1`)).code).toBe(0);
    expect((await runCli("judge", "--run", runB, "--judge", "ollama", "--base-url", loose.url)).code).toBe(0);
    const result = await runCli("agreement", "--a", runA, "--b", runB, "--show", "2");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const a = readVerdicts(join(runA, "filter", "verdicts.arrow"));
    const b = readVerdicts(join(runB, "filter", "verdicts.arrow"));
    const rows = readRows(join(runA, "validate", "agreement-judges.arrow"), COMPARISONS);
    const all = rows.find((r) => r.scope === "all")!;
    const expected = cohenKappa(
      a.map((v) => v.relevant!),
      b.map((v) => v.relevant!),
    );
    expect(all.pairs).toBe(pairs);
    expect(all.kappa).toBeCloseTo(expected.kappa!, 12);
    expect(all.bothRelevant + all.onlyA + all.onlyB + all.neither).toBe(pairs);
    const disagreements = readRows(join(runA, "validate", "disagreements-judges.arrow"), DISAGREEMENTS);
    expect(disagreements.length).toBe(all.onlyA + all.onlyB);
    expect(disagreements.length).toBeGreaterThan(0);
    expect(disagreements[0]).toMatchObject({ a: "openai:qwen2.5-7b-instruct", b: "ollama:qwen2.5:7b-instruct" });
    expect(disagreements.every((d) => d.aRelevant !== d.bRelevant && d.aRationale !== "" && d.bRationale !== "")).toBe(true);
    expect(result.stdout).toMatch(/A = openai:qwen2\.5-7b-instruct .* vs B = ollama:qwen2\.5:7b-instruct/);
    expect(result.stdout).toContain(`disagreements: ${disagreements.length}`);
    expect(result.stdout).toMatch(/A openai:qwen2\.5-7b-instruct: (not )?relevant: /);
    expect(readFileSync(join(runA, "validate", "agreement-judges.csv"), "utf8").split("\n")[0]).toBe(
      "scope,set,pairs,bothRelevant,onlyA,onlyB,neither,observed,kappa,band,undecidedA,undecidedB,missingInB,missingInA,paperKappa",
    );
  });
});
