/**
 * A run directory is never read half old, half new (issue 15): a funnel rerun clears the relevance check
 * made on the old candidates (the pilot's human work is moved aside, never deleted), a judge rerun
 * replaces the previous check, a rewrite that stops half-way is refused until rerun, and readers refuse
 * files that disagree with run.json: a table changed afterwards, verdicts left from an earlier run or
 * given on other candidates, another corpus. A report on verdicts that are mostly errors says so and fails.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { updateManifest } from "../src/corpus/store";
import { generateDemoHub } from "../src/demo/generator";
import type { Candidate, RelevanceJudge } from "../src/judges/candidate";
import { JudgeUnusable } from "../src/judges/llm-judge";
import { recordRelevantCounts, relevantCountsOf, runFunnel } from "../src/pipeline/funnel";
import { buildJudge } from "../src/pipeline/judge-panel";
import { runRelevanceCheck } from "../src/pipeline/relevance";
import { defaultStages, RelevanceCheckFailed, replicate, writeReport } from "../src/pipeline/replicate";
import { runLayout } from "../src/run/layout";
import type { RunInfo } from "../src/run/run-info";
import { verifyRun } from "../src/run/state";
import { sha256File } from "../src/util/hash";
import { runCli } from "./support/cli";

const root = mkdtempSync(join(tmpdir(), "run-consistency-"));
const corpusA = join(root, "corpus-a");
const corpusB = join(root, "corpus-b");
const offlineLabel = buildJudge({ backend: "offline" }).label;
let counter = 0;
const fresh = (name: string) => join(root, `${name}-${++counter}`);

beforeAll(async () => {
  await generateDemoHub({ seed: 11, models: 300, profile: "demo", outDir: corpusA, shardSize: 100 });
  await generateDemoHub({ seed: 12, models: 260, profile: "demo", outDir: corpusB, shardSize: 100 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const funnel = (run: string, corpus: string) => runFunnel({ corpusDir: corpus, outDir: run, workers: 1, progress: "silent" });
async function judge(run: string, corpus: string, extra: Partial<Parameters<typeof runRelevanceCheck>[0]> = {}) {
  const result = await runRelevanceCheck({ runDir: run, corpusDir: corpus, judge: "offline", progress: "silent", ...extra });
  return result;
}
async function funnelAndJudge(run: string, corpus: string) {
  await funnel(run, corpus);
  const result = await judge(run, corpus);
  await recordRelevantCounts(run, relevantCountsOf(result));
  return result;
}
const report = (run: string, corpus: string, out = fresh("report")) =>
  writeReport({ runDir: run, corpusDir: corpus, outDir: out, noStatic: true, log: () => undefined });
const runJson = (run: string) => JSON.parse(readFileSync(runLayout(run).runInfo, "utf8")) as RunInfo & { previousCandidates?: string | null };

/** A judge whose every answer is an error (a server that keeps failing). */
const failingJudge: RelevanceJudge = {
  label: "failing:model",
  identity: { backend: "openai", model: "model", temperature: 0, seed: 2025 },
  promptHash: () => "p",
  judge: async (candidate: Candidate) => ({
    verdict: {
      id: candidate.record.id,
      activity: candidate.activity,
      relevant: null,
      rationale: "",
      judge: "failing:model",
      promptHash: "p",
      error: `${candidate.record.id}: HTTP 500 (attempt 6 of 6)`,
    },
    usage: { promptTokens: 0, outputTokens: 0, totalTokens: 0, calls: 1 },
  }),
};

describe("a funnel rerun under an old judge", () => {
  test("clears the verdicts made on the old candidates, moves the pilot's files aside, and the report refuses old verdicts put back", async () => {
    const run = fresh("run");
    await funnelAndJudge(run, corpusA);
    const layout = runLayout(run);
    const before = runJson(run);
    expect(before).toMatchObject({ state: "complete", relevance: { judge: offlineLabel, candidates: before.fingerprint!.tables.unique } });
    await report(run, corpusA); // the complete run reads
    // The pilot's human work, and an agreement table computed from the verdicts.
    expect((await runCli("pilot", "sample", "--run", run)).code).toBe(0);
    expect((await runCli("pilot", "export", "--run", run, "--annotator", "A", "--corpus", corpusA)).code).toBe(0);
    mkdirSync(layout.validate.labelsDir, { recursive: true });
    writeFileSync(layout.validate.labels("A"), "labels a human spent a week on");
    writeFileSync(join(layout.validate.dir, "agreement-judges.csv"), "scope,kappa\n");
    const human = Object.fromEntries(
      [layout.validate.plan, layout.validate.sheet("A"), layout.validate.labels("A")].map((p) => [p.slice(layout.validate.dir.length), readFileSync(p)]),
    );
    const oldVerdicts = readFileSync(layout.verdicts);
    const oldSeModels = readFileSync(layout.seModels);

    const rerun = await funnel(run, corpusB);

    // The relevance check's files, the evaluation and the verdict-derived tables are gone.
    for (const path of [layout.verdicts, layout.seModels, layout.relevance, layout.juryVerdicts, layout.evaluation]) expect(existsSync(path), path).toBe(false);
    const after = runJson(run);
    expect(after.state).toBe("complete");
    expect(after.relevance).toBeUndefined();
    expect(after.fingerprint!.tables.unique).toBe(sha256File(layout.unique));
    expect(after.fingerprint!.tables.unique).not.toBe(before.fingerprint!.tables.unique);
    // Human work is never deleted: validate/ moved whole under the old candidates' fingerprint.
    const aside = layout.superseded(before.fingerprint!.tables.unique!.slice(0, 12));
    expect(rerun.supersededValidate).toBe(aside.validate);
    expect(existsSync(layout.validate.dir)).toBe(false);
    for (const [rel, bytes] of Object.entries(human)) expect(readFileSync(join(aside.validate, rel)).equals(bytes), rel).toBe(true);
    expect(JSON.parse(readFileSync(aside.note, "utf8"))).toMatchObject({
      candidates: before.fingerprint!.tables.unique,
      replacedBy: after.fingerprint!.tables.unique,
    });

    // replicate --run: no relevance check on these candidates yet.
    await expect(report(run, corpusB)).rejects.toThrow(`missing ${layout.seModels}: run the relevance check first`);
    // The bug this fixes: the old verdicts and SE models beside the new candidates.
    writeFileSync(layout.verdicts, oldVerdicts);
    writeFileSync(layout.seModels, oldSeModels);
    await expect(report(run, corpusB)).rejects.toThrow(
      `${layout.verdicts} is not part of run ${run} (run.json does not record it: left from an earlier run?); rerun judge (or replicate)`,
    );
    // Even recorded, verdicts given on other candidates are refused.
    const forged = {
      ...after,
      relevance: before.relevance,
      fingerprint: {
        ...after.fingerprint!,
        tables: { ...after.fingerprint!.tables, verdicts: sha256File(layout.verdicts), seModels: sha256File(layout.seModels) },
      },
    };
    writeFileSync(layout.runInfo, JSON.stringify(forged));
    await expect(report(run, corpusB)).rejects.toThrow(
      `${layout.verdicts} were judged on other candidates (filter/unique.arrow ${before.fingerprint!.tables.unique!.slice(0, 12)}), not this run's (${after.fingerprint!.tables.unique!.slice(0, 12)}); rerun judge (or replicate)`,
    );
    writeFileSync(layout.runInfo, JSON.stringify(after));

    // Judging again makes the run whole.
    const judged = await judge(run, corpusB);
    const result = await report(run, corpusB);
    expect(result.analyses.seModels).toBe(judged.seModels);
    expect(runJson(run).relevance?.candidates).toBe(after.fingerprint!.tables.unique);
  });

  test("with the same candidates the pilot's files stay; only what the verdicts computed goes", async () => {
    const run = fresh("run");
    await funnelAndJudge(run, corpusA);
    const layout = runLayout(run);
    expect((await runCli("pilot", "sample", "--run", run)).code).toBe(0);
    mkdirSync(layout.validate.labelsDir, { recursive: true });
    writeFileSync(layout.validate.labels("A"), "labels");
    const plan = readFileSync(layout.validate.plan);
    writeFileSync(join(layout.validate.dir, "disagreements-judges.arrow"), "derived");

    const rerun = await funnel(run, corpusA);
    expect(rerun.supersededValidate).toBeNull();
    expect(existsSync(join(layout.dir, "superseded"))).toBe(false);
    expect(readFileSync(layout.validate.plan).equals(plan)).toBe(true);
    expect(readFileSync(layout.validate.labels("A"), "utf8")).toBe("labels");
    expect(readdirSync(layout.validate.dir).sort()).toEqual(["labels", "pilot-plan.arrow"]);
    expect(existsSync(layout.verdicts)).toBe(false);
  });
});

describe("a rewrite that stops half-way", () => {
  test("leaves run.json 'writing': every reader refuses until the stage is rerun, then the run is consistent", async () => {
    const run = fresh("run");
    await funnelAndJudge(run, corpusA);
    const layout = runLayout(run);
    // The unique table cannot be replaced (a directory is in the way): the funnel stops mid-write,
    // after it has already replaced other tables.
    rmSync(layout.unique);
    mkdirSync(join(layout.unique, "blocker"), { recursive: true });
    await expect(funnel(run, corpusB)).rejects.toThrow();
    expect(runJson(run)).toMatchObject({ state: "writing", writing: "funnel" });
    expect(existsSync(layout.verdicts)).toBe(false);
    const refusal = `run ${run} is incomplete: the funnel started rewriting it and did not finish (interrupted, failed, or still running); rerun funnel (or replicate)`;
    await expect(report(run, corpusB)).rejects.toThrow(refusal);
    await expect(judge(run, corpusB)).rejects.toThrow(refusal);
    const cli = await runCli("judge", "--run", run, "--offline");
    expect(cli.code).toBe(1);
    expect(cli.stderr).toBe(`hf-se-atlas: error: ${refusal}\n`);
    expect((await runCli("pilot", "sample", "--run", run)).stderr).toBe(`hf-se-atlas: error: ${refusal}\n`);
    // No temporary file is left for anyone to mistake for output.
    const leftovers = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? leftovers(join(dir, e.name)) : e.name.includes(".tmp-") ? [e.name] : []));
    expect(leftovers(run)).toEqual([]);

    rmSync(layout.unique, { recursive: true });
    await funnelAndJudge(run, corpusB);
    expect(verifyRun(run, "relevance", { corpusDir: corpusB })).toMatchObject({ unchecked: null });
    // The same bytes as a run that was never interrupted.
    const reference = fresh("reference");
    await funnelAndJudge(reference, corpusB);
    for (const file of ["matches", "occurrences", "documentation", "candidates", "unique", "verdicts", "seModels", "funnel"] as const) {
      expect(readFileSync(runLayout(run)[file]).equals(readFileSync(runLayout(reference)[file])), file).toBe(true);
    }
  });

  test("a judge that cannot work at all leaves the previous check as it was", async () => {
    const run = fresh("run");
    await funnelAndJudge(run, corpusA);
    const before = readFileSync(runLayout(run).runInfo, "utf8");
    const verdicts = readFileSync(runLayout(run).verdicts);
    const unusable: RelevanceJudge = { ...failingJudge, judge: async () => Promise.reject(new JudgeUnusable('openai model "model" is not available')) };
    await expect(judge(run, corpusA, { judgeInstance: unusable })).rejects.toThrow("is not available");
    expect(readFileSync(runLayout(run).runInfo, "utf8")).toBe(before);
    expect(readFileSync(runLayout(run).verdicts).equals(verdicts)).toBe(true);
    expect(verifyRun(run, "relevance").unchecked).toBeNull();
  });
});

describe("leftovers", () => {
  test("a rerun removes what killed writers left (temporary files, an unused shard checkpoint folder); a resumed run's checkpoints go once it completes", async () => {
    const run = fresh("run");
    await funnel(run, corpusA);
    const layout = runLayout(run);
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
    const leftovers = [join(layout.dir, `.run.json.tmp-${deadPid}-0badc0de`), join(layout.dir, "filter", `.unique.arrow.tmp-${deadPid}-0badc0de`)];
    for (const path of leftovers) writeFileSync(path, "half a table");
    mkdirSync(layout.shards, { recursive: true });
    writeFileSync(join(layout.shards, "shard-00000-0123456789abcdef01234567.bin"), "from an interrupted --resume run");
    await funnel(run, corpusA);
    for (const path of [...leftovers, layout.shards]) expect(existsSync(path), path).toBe(false);
    await runFunnel({ corpusDir: corpusA, outDir: run, workers: 1, progress: "silent", resume: true });
    expect(existsSync(layout.shards)).toBe(false);
    expect(verifyRun(run, "funnel", { corpusDir: corpusA }).unchecked).toBeNull();
  });
});

describe("readers check a run against its run.json", () => {
  test("a table replaced after the run, and a corpus other than the run's, are refused in one line", async () => {
    const run = fresh("run");
    const other = fresh("run");
    await funnelAndJudge(run, corpusA);
    await funnel(other, corpusB);
    const layout = runLayout(run);
    await expect(report(run, corpusB)).rejects.toThrow(
      `run ${run} was not made from the corpus ${corpusB} as it is now (its manifest or shards differ from what run.json records); pass the corpus the run was made from, or rerun funnel on this one`,
    );
    await expect(judge(run, corpusB)).rejects.toThrow(`run ${run} was not made from the corpus ${corpusB}`);
    copyFileSync(runLayout(other).unique, layout.unique);
    const mismatch = `${layout.unique} does not match ${layout.runInfo} (changed or replaced after the run was written); rerun funnel (or replicate)`;
    await expect(report(run, corpusA)).rejects.toThrow(mismatch);
    await expect(judge(run, corpusA)).rejects.toThrow(mismatch);
    const cli = await runCli("replicate", "--run", run, "--corpus", corpusA, "--out", fresh("out"), "--no-static");
    expect(cli.code).toBe(1);
    expect(cli.stderr.endsWith(`\nhf-se-atlas: error: ${mismatch}\n`)).toBe(true);
  });

  test("a corpus extended after the funnel (an incremental crawl) no longer matches the run", async () => {
    const corpus = fresh("corpus");
    cpSync(corpusA, corpus, { recursive: true });
    const run = fresh("run");
    await funnelAndJudge(run, corpus);
    await updateManifest(corpus, { collectedAgain: "2026-01-02" });
    await expect(report(run, corpus)).rejects.toThrow(`run ${run} was not made from the corpus ${corpus} as it is now`);
  });
});

describe("a judge rerun", () => {
  test("replaces the previous check whole: a single judge after a jury leaves no jury verdicts", async () => {
    const run = fresh("run");
    await funnel(run, corpusA);
    const offline = buildJudge({ backend: "offline" });
    await judge(run, corpusA, { judgeInstance: [offline, offline, offline] });
    expect(existsSync(runLayout(run).juryVerdicts)).toBe(true);
    expect(runJson(run).fingerprint!.tables.juryVerdicts).toBe(sha256File(runLayout(run).juryVerdicts));
    await judge(run, corpusA);
    expect(existsSync(runLayout(run).juryVerdicts)).toBe(false);
    expect(runJson(run).fingerprint!.tables.juryVerdicts).toBeUndefined();
    expect(runJson(run).relevance).toMatchObject({ judge: offlineLabel, judges: [{ label: offlineLabel, backend: "offline" }] });
    expect(verifyRun(run, "relevance").unchecked).toBeNull();
  });
});

describe("verdicts that are mostly errors", () => {
  test("replicate --run writes a report that says so at the top, and exits non-zero", async () => {
    const run = fresh("run");
    await funnel(run, corpusA);
    const result = await judge(run, corpusA, { judgeInstance: failingJudge });
    expect(result.errors).toBe(result.candidates);
    const out = fresh("out");
    const cli = await runCli("replicate", "--run", run, "--corpus", corpusA, "--out", out, "--no-static");
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      new RegExp(
        `hf-se-atlas: error: relevance check: ${result.candidates} of ${result.candidates} verdicts of failing:model are errors \\(first: .*HTTP 500.*\\); the report ${out}/index.html says so\\n$`,
      ),
    );
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain(`RELEVANCE CHECK FAILED: ${result.candidates} of ${result.candidates} verdicts of failing:model are errors`);
    expect(JSON.parse(readFileSync(join(out, "replication.json"), "utf8")).relevanceFailure).toMatch(/are errors/);
  });

  test("replicate writes the report, which says so, then fails", async () => {
    const out = fresh("out");
    const stages = {
      funnel: defaultStages().funnel,
      async relevance({ corpusDir, runDir }: { corpusDir: string; runDir: string }) {
        const result = await judge(runDir, corpusDir, { judgeInstance: failingJudge });
        throw new RelevanceCheckFailed(`relevance check: ${result.errors} of ${result.candidates} verdicts of ${result.judge} are errors`);
      },
    };
    await expect(replicate({ corpusDir: corpusA, outDir: out, noStatic: true, log: () => undefined }, stages)).rejects.toThrow(
      new RegExp(`^relevance check: \\d+ of \\d+ verdicts of failing:model are errors; the report ${out}/index.html says so$`),
    );
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("RELEVANCE CHECK FAILED");
  });
});

describe("the replicate output folder", () => {
  test("a rerun leaves nothing of the previous report; the folder's lock is gone afterwards", async () => {
    const run = fresh("run");
    await funnelAndJudge(run, corpusA);
    const out = fresh("out");
    await report(run, corpusA, out);
    const listing = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true, recursive: true })
        .map((e) => join(e.parentPath, e.name).slice(dir.length))
        .sort();
    const first = listing(out);
    writeFileSync(join(out, "tables", "table-from-an-older-version.csv"), "x\n");
    writeFileSync(join(out, "figures", "fig-removed-since.html"), "<p>old</p>");
    await report(run, corpusA, out);
    expect(listing(out)).toEqual(first);
    expect(first.some((p) => p.includes("lock"))).toBe(false);
  });

  test("a corpus whose crawl did not finish is refused, or reported as such when allowed", async () => {
    const corpus = fresh("corpus");
    cpSync(corpusA, corpus, { recursive: true });
    await updateManifest(corpus, { complete: false, cursor: { nextPageUrl: "https://huggingface.co/api/models?cursor=abc", listed: 300, written: 300 } });
    const out = fresh("out");
    await expect(replicate({ corpusDir: corpus, outDir: out, offline: true, noStatic: true, log: () => undefined })).rejects.toThrow(
      `corpus ${corpus} is incomplete: its crawl stopped before the end (300 models written, 300 models listed, next page https://huggingface.co/api/models?cursor=abc); finish it (collect --resume) or pass --allow-incomplete`,
    );
    const result = await replicate({ corpusDir: corpus, outDir: out, offline: true, noStatic: true, allowIncomplete: true, log: () => undefined });
    expect(result.incompleteCorpus).toMatch(/is incomplete/);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain(`INCOMPLETE CORPUS: corpus ${corpus} is incomplete`);
    expect(runJson(join(out, "run")).corpus).toMatchObject({ complete: false, cursor: { listed: 300 } });
    const cli = await runCli("funnel", "--corpus", corpus, "--out", fresh("run"), "--allow-incomplete");
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`INCOMPLETE corpus (allowed with --allow-incomplete): corpus ${corpus} is incomplete`);
  });
});
