/**
 * A judge with a key and no network stops early, saying why (issue 15, item 5): a Gemini API that cannot
 * be reached at all stops the run at the first call, from the command line too; a server that goes away
 * after answering some pairs stops the run after a few pairs in a row got no answer, instead of spending
 * every remaining pair's whole retry schedule (hours on a corpus). The previous verdicts stay as they were.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { emptyRecord } from "../src/corpus/record";
import { generateDemoHub } from "../src/demo/generator";
import type { Candidate, RelevanceJudge } from "../src/judges/candidate";
import { GeminiJudge } from "../src/judges/gemini";
import { DEFAULT_MAX_UNANSWERED_IN_ROW, JudgeUnusable } from "../src/judges/llm-judge";
import { loadPromptTemplates, prepareActivityPrompt, type ActivityPrompt } from "../src/judges/prompt";
import { OpenAiJudge } from "../src/judges/openai-compatible";
import { runFunnel } from "../src/pipeline/funnel";
import { runRelevanceCheck } from "../src/pipeline/relevance";
import { readRunTable } from "../src/run/files";
import { runLayout } from "../src/run/layout";
import { loadTaxonomy, type ActivityCode } from "../src/taxonomy/taxonomy";
import { runCli } from "./support/cli";
import { verdictChat, startFakeOpenAi } from "./support/fake-openai";
import { closedPort } from "./support/loopback";

const KEY = "test-key-AIzaFAKE0123456789";
const taxonomy = loadTaxonomy();
const prompts = new Map<ActivityCode, ActivityPrompt>([...loadPromptTemplates()].map(([code, t]) => [code, prepareActivityPrompt(t, taxonomy)]));
const root = mkdtempSync(join(tmpdir(), "judge-no-network-"));
const corpus = join(root, "corpus");
const run = join(root, "run");

beforeAll(async () => {
  await generateDemoHub({ seed: 31, models: 200, profile: "demo", outDir: corpus });
  await runFunnel({ corpusDir: corpus, outDir: run, workers: 1, progress: "silent" });
  await runRelevanceCheck({ runDir: run, corpusDir: corpus, judge: "offline", progress: "silent" });
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

describe("no network", () => {
  test("Gemini with a key but an unreachable API: the judge command stops at the first call with one line", async () => {
    const port = await closedPort();
    vi.stubEnv("GEMINI_API_KEY", KEY);
    const result = await runCli("judge", "--run", run, "--judge", "gemini", "--base-url", `http://127.0.0.1:${port}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^hf-se-atlas: error: gemini: cannot reach http://127\\.0\\.0\\.1:${port}: network error: .*ECONNREFUSED.*\\n$`));
    expect(result.stderr).not.toContain(KEY);
    // One attempt, not a retry schedule per pair: the judge says so on its first call.
    const judge = new GeminiJudge({ apiKey: KEY, prompts, baseUrl: `http://127.0.0.1:${port}`, backoffMs: 5, sleep: async () => undefined });
    const candidate: Candidate = {
      record: { ...emptyRecord("a/b"), cardStatus: "present", cardBody: "code generation", cardText: "code generation" },
      activity: "SI",
      evidence: [],
    };
    await expect(judge.judge(candidate)).rejects.toBeInstanceOf(JudgeUnusable);
  });

  test("a server that goes away mid-run: the run stops after a few unanswered pairs, keeping the previous verdicts", async () => {
    const answered = 3;
    const server = await startFakeOpenAi((_request, index) => {
      if (index === answered - 1) setImmediate(() => void server.close());
      return verdictChat(true, "Generates code.");
    });
    const sleeps: number[] = [];
    const openai = new OpenAiJudge({
      prompts,
      model: "m",
      baseUrl: `${server.url}/v1`,
      apiKey: "sk-test-0123456789",
      backoffMs: 1000,
      sleep: async (ms) => void sleeps.push(ms),
    });
    let calls = 0;
    const counting: RelevanceJudge = {
      label: openai.label,
      identity: openai.identity,
      promptHash: (a) => openai.promptHash(a),
      judge: (c) => (calls++, openai.judge(c)),
    };
    const before = readFileSync(runLayout(run).verdicts);
    const total = readRunTable(run, "verdicts").length;

    await expect(
      runRelevanceCheck({
        runDir: run,
        corpusDir: corpus,
        judge: "openai",
        judgeInstance: counting,
        concurrency: 2,
        cacheDir: join(root, "cache"),
        progress: "silent",
      }),
    ).rejects.toThrow(
      new RegExp(
        `^openai:m: ${DEFAULT_MAX_UNANSWERED_IN_ROW} pairs in a row got no answer after their retries \\(last: network error: .*\\(attempt 6 of 6\\)\\); the server or the network is down, so the run stops \\(answers so far are cached\\)$`,
      ),
    );
    // Stopped early: the answered pairs, the unanswered ones in a row, and those already in flight.
    expect(total).toBeGreaterThan(answered + DEFAULT_MAX_UNANSWERED_IN_ROW + 20);
    expect(calls).toBeLessThanOrEqual(answered + DEFAULT_MAX_UNANSWERED_IN_ROW + 2);
    // Each unanswered pair did wait through its retries (5 backoffs), so the limit is about pairs, not attempts.
    expect(sleeps.length).toBeGreaterThanOrEqual(DEFAULT_MAX_UNANSWERED_IN_ROW * 5);
    expect(readFileSync(runLayout(run).verdicts).equals(before)).toBe(true);
  });
});
