import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoHub, type DemoSummary } from "../src/demo/generator";
import { readGroundTruth, GROUND_TRUTH_FILE } from "../src/demo/ground-truth";
import { modelsAfterOutliers } from "../src/filter/outliers";
import { isFunnelRun, recordRelevantCounts, runFunnel, type FunnelResult } from "../src/pipeline/funnel";
import { FUNNEL, formatFunnel } from "../src/run/funnel-table";
import { CANDIDATES, MATCHES, NEAR_DUPLICATES, OCCURRENCES, PROBLEMS, type Occurrence } from "../src/run/tables";
import { readRows } from "../src/util/arrow-table";
import { openCorpusWriter } from "../src/corpus/store";
import { readTruthFacts, scoreRun } from "../src/evaluate/score";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";
import { emptyRecord } from "../src/corpus/record";

let root: string;
let corpus: string;
let summary: DemoSummary;
let inline: FunnelResult;
const runA = () => join(root, "run-a");

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

function runJsonWithoutTimings(dir: string): unknown {
  const { timings, workers, ...rest } = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
  void timings;
  void workers;
  return rest;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "funnel-"));
  corpus = join(root, "corpus");
  summary = await generateDemoHub({ seed: 7, models: 1500, profile: "demo", outDir: corpus, shardSize: 400 });
  inline = await runFunnel({ corpusDir: corpus, outDir: runA(), workers: 1, progress: "silent" });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("runFunnel on a generated demo Hub", () => {
  it("writes the run directory of docs/architecture.md", () => {
    expect(listFiles(runA())).toEqual([
      "filter/candidates.arrow",
      "filter/near-duplicates.arrow",
      "filter/occurrences.arrow",
      "filter/unique.arrow",
      "funnel.arrow",
      "problems.arrow",
      "run.json",
      "search/documentation.arrow",
      "search/matches.arrow",
    ]);
    const run = JSON.parse(readFileSync(join(runA(), "run.json"), "utf8"));
    expect(run.corpus).toMatchObject({ records: 1500, shards: 4, synthetic: true });
    expect(run.config).toMatchObject({ lemmaPolicy: "noun-then-verb", includeAliases: false, similarityThreshold: 0.99 });
    expect(run.taxonomy.tasks).toBe(147);
  });

  it("reproduces the generator's planted funnel", () => {
    const { counts } = inline;
    expect(counts.models).toBe(summary.funnel.models);
    expect(counts.matched.all).toBe(summary.funnel.matched);
    expect(counts.afterOutliers.all).toBe(summary.funnel.afterOutliers);
    expect(counts.unique.all).toBe(summary.funnel.unique);
    for (const [activity, n] of Object.entries(summary.uniquePerActivity)) expect(counts.unique[activity as "SI"]).toBe(n);
  });

  it("keeps the tables consistent with each other", () => {
    const occurrences = readRows<Occurrence>(join(runA(), "filter", "occurrences.arrow"), OCCURRENCES);
    const matches = readRows(join(runA(), "search", "matches.arrow"), MATCHES);
    expect(matches).toEqual(occurrences.map(({ excludedBy, ...m }) => (void excludedBy, m)));
    expect(inline.outliers.occurrences).toBe(occurrences.length);
    expect(inline.outliers.excluded).toBe(occurrences.filter((o) => o.excludedBy !== null).length);
    const candidates = readRows(join(runA(), "filter", "candidates.arrow"), CANDIDATES);
    expect(candidates).toEqual(modelsAfterOutliers(occurrences));
    const unique = readRows(join(runA(), "filter", "unique.arrow"), CANDIDATES);
    const pairs = readRows(join(runA(), "filter", "near-duplicates.arrow"), NEAR_DUPLICATES);
    const uniqueIds = new Set(unique.map((u) => u.id));
    expect(unique.length + pairs.length).toBe(candidates.length);
    for (const p of pairs) {
      expect(uniqueIds.has(p.original)).toBe(true);
      expect(uniqueIds.has(p.variant)).toBe(false);
      expect(p.similarity).toBeGreaterThanOrEqual(0.99);
    }
    const funnel = readRows(join(runA(), "funnel.arrow"), FUNNEL);
    expect(funnel.find((r) => r.stage === "unique" && r.activity === "SI")).toEqual({
      stage: "unique",
      activity: "SI",
      models: inline.counts.unique.SI,
      paperModels: 2993,
    });
    expect(funnel.find((r) => r.stage === "after-outliers" && r.activity === "all")?.paperModels).toBe(14_962);
    expect(formatFunnel(funnel)).toMatch(/^stage\s+all\s+RE/);
  });

  it("finds the planted near-copies (ground truth duplicateOf)", () => {
    const truth = readGroundTruth(join(corpus, GROUND_TRUTH_FILE)).filter((t) => t.duplicateOf !== null);
    const pairs = readRows(join(runA(), "filter", "near-duplicates.arrow"), NEAR_DUPLICATES);
    const found = new Set(pairs.map((p) => `${p.original} <- ${p.variant}`));
    expect(truth.length).toBeGreaterThan(20);
    expect(truth.filter((t) => found.has(`${t.duplicateOf} <- ${t.id}`)).length).toBe(truth.length);
  });

  it("scores perfectly against the ground truth up to the near-identical stage", () => {
    const result = scoreRun(runA(), corpus, loadTaxonomy())!;
    for (const row of result.rows.filter((r) => r.stage !== "final")) {
      expect([row.stage, row.activity, row.falsePositives, row.falseNegatives]).toEqual([row.stage, row.activity, 0, 0]);
    }
    expect(result.finalSource).toBe("filter/unique.arrow");
    // The streamed ground-truth facts are the full rows' fields.
    const full = readGroundTruth(join(corpus, GROUND_TRUTH_FILE));
    const streamed = [...readTruthFacts(join(corpus, GROUND_TRUTH_FILE))];
    expect(streamed).toEqual(
      full.map(({ id, plantedTasks, outlierOnly, keptTasks, duplicateOf, expectedFinal, seActivities, candidateActivities }) => ({
        id,
        plantedTasks,
        outlierOnly,
        keptTasks,
        duplicateOf,
        expectedFinal,
        seActivities,
        candidateActivities,
      })),
    );
  });

  it("adds the relevance check's counts to funnel.arrow on request", async () => {
    const relevant = { all: 3, RE: 0, SD: 1, SI: 2, QA: 0, SM: 1 };
    const copy = join(root, "run-relevant");
    await runFunnel({ corpusDir: corpus, outDir: copy, workers: 1, progress: "silent" });
    const rows = await recordRelevantCounts(copy, relevant);
    expect(readRows(join(copy, "funnel.arrow"), FUNNEL)).toEqual(rows);
    expect(rows.find((r) => r.stage === "relevant" && r.activity === "all")).toEqual({ stage: "relevant", activity: "all", models: 3, paperModels: 2205 });
    expect(rows.find((r) => r.stage === "unique" && r.activity === "all")?.models).toBe(inline.counts.unique.all);
    await expect(recordRelevantCounts(join(root, "nowhere"), relevant)).rejects.toThrow(/run the funnel first/);
    expect(isFunnelRun(copy)).toBe(true);
    const foreign = join(root, "foreign-run");
    mkdirSync(foreign, { recursive: true });
    writeFileSync(join(foreign, "run.json"), "{ not json");
    expect(isFunnelRun(foreign)).toBe(false);
    await expect(recordRelevantCounts(foreign, relevant)).rejects.toThrow(/run\.json is not valid JSON/);
    writeFileSync(join(foreign, "run.json"), JSON.stringify({ corpus: "x" }));
    expect(isFunnelRun(foreign)).toBe(false);
    await expect(recordRelevantCounts(foreign, relevant)).rejects.toThrow(/is not a funnel run description/);
  });

  it("records the records' problems with the model id", () => {
    const problems = readRows(join(runA(), "problems.arrow"), PROBLEMS);
    const malformed = readGroundTruth(join(corpus, GROUND_TRUTH_FILE)).filter((t) => t.malformedYaml);
    expect(malformed.length).toBeGreaterThan(0);
    for (const t of malformed) expect(problems.some((p) => p.modelId === t.id && p.stage === "card")).toBe(true);
    expect(inline.problems).toBe(problems.length);
  });

  it("is byte-identical when run again", async () => {
    const again = join(root, "run-again");
    await runFunnel({ corpusDir: corpus, outDir: again, workers: 1, progress: "silent" });
    for (const file of listFiles(runA()).filter((f) => f.endsWith(".arrow"))) {
      expect(readFileSync(join(again, file)).equals(readFileSync(join(runA(), file))), file).toBe(true);
    }
    expect(runJsonWithoutTimings(again)).toEqual(runJsonWithoutTimings(runA()));
  });

  // Worker threads run the compiled library (dist/, built by `npm test`).
  const built = existsSync(join(__dirname, "..", "dist", "pipeline", "funnel-worker.js"));
  it.runIf(built)("is byte-identical with two worker threads", async () => {
    const parallel = join(root, "run-workers");
    const result = await runFunnel({ corpusDir: corpus, outDir: parallel, workers: 2, progress: "silent" });
    expect(result.counts).toEqual(inline.counts);
    for (const file of listFiles(runA()).filter((f) => f.endsWith(".arrow"))) {
      expect(readFileSync(join(parallel, file)).equals(readFileSync(join(runA(), file))), file).toBe(true);
    }
    expect(runJsonWithoutTimings(parallel)).toEqual(runJsonWithoutTimings(runA()));
  });
});

describe("runFunnel --resume", () => {
  it("continues an interrupted run from its shard checkpoints and writes the same bytes", async () => {
    const dir = join(root, "resume");
    const damagedCorpus = join(dir, "corpus");
    cpSync(corpus, damagedCorpus, { recursive: true });
    const third = join(damagedCorpus, "models-00002.arrow");
    const intact = readFileSync(third);
    const stamp = statSync(third);
    writeFileSync(third, intact.subarray(0, 200));
    await expect(runFunnel({ corpusDir: damagedCorpus, outDir: join(dir, "run"), workers: 1, progress: "silent", resume: true })).rejects.toThrow(
      /models-00002/,
    );
    expect(readdirSync(join(dir, "run", ".shards"))).toHaveLength(2);
    // Repair the shard (same bytes and time stamp as before) and run again: two shards come from the checkpoints.
    writeFileSync(third, intact);
    utimesSync(third, stamp.atime, stamp.mtime);
    const resumed = await runFunnel({ corpusDir: damagedCorpus, outDir: join(dir, "run"), workers: 1, progress: "silent", resume: true });
    expect(resumed.resumedShards).toBe(2);
    expect(existsSync(join(dir, "run", ".shards"))).toBe(false);
    for (const file of listFiles(runA()).filter((f) => f.endsWith(".arrow"))) {
      expect(readFileSync(join(dir, "run", file)).equals(readFileSync(join(runA(), file))), file).toBe(true);
    }
  });

  const built = existsSync(join(__dirname, "..", "dist", "pipeline", "funnel-worker.js"));
  it.runIf(built)("resumes with worker threads too", async () => {
    const dir = join(root, "resume-workers");
    const damagedCorpus = join(dir, "corpus");
    cpSync(corpus, damagedCorpus, { recursive: true });
    const last = join(damagedCorpus, "models-00003.arrow");
    const intact = readFileSync(last);
    const stamp = statSync(last);
    writeFileSync(last, intact.subarray(0, 200));
    const options = { corpusDir: damagedCorpus, outDir: join(dir, "run"), workers: 2, progress: "silent" as const, resume: true };
    await expect(runFunnel(options)).rejects.toThrow(/models-00003/);
    writeFileSync(last, intact);
    utimesSync(last, stamp.atime, stamp.mtime);
    const resumed = await runFunnel(options);
    // Shards 0 and 1 were done before shard 3 was handed out; shard 2 may have finished too.
    expect(resumed.resumedShards).toBeGreaterThanOrEqual(2);
    expect(resumed.resumedShards).toBeLessThanOrEqual(3);
    expect(resumed.counts).toEqual(inline.counts);
    for (const file of listFiles(runA()).filter((f) => f.endsWith(".arrow"))) {
      expect(readFileSync(join(dir, "run", file)).equals(readFileSync(join(runA(), file))), file).toBe(true);
    }
  });
});

describe("runFunnel edge cases", () => {
  it("stops on a damaged shard with an error naming it, leaving no half-written tables", async () => {
    const dir = join(root, "damaged");
    const writer = await openCorpusWriter(join(dir, "corpus"), { synthetic: true, createdBy: "funnel test", shardSize: 1 });
    for (const id of ["a/one", "b/two"])
      await writer.add({ ...emptyRecord(id), cardStatus: "present", cardText: "Code generation.", cardBody: "Code generation." });
    await writer.close();
    const second = join(dir, "corpus", "models-00001.arrow");
    writeFileSync(second, readFileSync(second).subarray(0, 100));
    await expect(runFunnel({ corpusDir: join(dir, "corpus"), outDir: join(dir, "run"), workers: 1, progress: "silent" })).rejects.toThrow(
      /models-00001\.arrow/,
    );
    expect(existsSync(join(dir, "run")) ? listFiles(join(dir, "run")) : []).toEqual([]);
  });

  it("stops on a model id listed twice, leaving no half-written tables", async () => {
    const dir = join(root, "twice");
    const writer = await openCorpusWriter(join(dir, "corpus"), { synthetic: true, createdBy: "funnel test", shardSize: 1 });
    for (const id of ["a/same", "a/same"])
      await writer.add({ ...emptyRecord(id), cardStatus: "present", cardText: "Code generation.", cardBody: "Code generation." });
    await writer.close();
    await expect(runFunnel({ corpusDir: join(dir, "corpus"), outDir: join(dir, "run"), workers: 1, progress: "silent" })).rejects.toThrow(
      /a\/same appears twice/,
    );
    expect(existsSync(join(dir, "run")) ? listFiles(join(dir, "run")) : []).toEqual([]);
  });

  it("writes readable empty tables when nothing matches, and rejects bad options", async () => {
    const dir = join(root, "tiny");
    const writer = await openCorpusWriter(join(dir, "corpus"), { synthetic: true, createdBy: "funnel test" });
    const record = emptyRecord("someone/plain-model");
    await writer.add({ ...record, cardStatus: "present", cardText: "Weather forecasts.", cardBody: "Weather forecasts." });
    await writer.close();
    const result = await runFunnel({ corpusDir: join(dir, "corpus"), outDir: join(dir, "run"), workers: 1, progress: "silent" });
    expect(result.counts.matched.all).toBe(0);
    expect(readRows(join(dir, "run", "search", "matches.arrow"))).toEqual([]);
    expect(readRows(join(dir, "run", "filter", "unique.arrow"))).toEqual([]);
    await expect(runFunnel({ corpusDir: join(dir, "corpus"), outDir: join(dir, "x"), similarityThreshold: 2 })).rejects.toThrow(/threshold/);
    await expect(runFunnel({ corpusDir: join(dir, "missing"), outDir: join(dir, "x") })).rejects.toThrow(/no corpus/);
  });
});
