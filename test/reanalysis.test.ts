/**
 * Reanalysis end to end: `replicate` takes the funnel's settings (--taxonomy, --threshold, --lemma-policy,
 * --until) and records them; `replicate --run` analyses a run with its own taxonomy and corpus, and
 * refuses, in one line and without writing anything, a run that differs from what is asked.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateDemoHub } from "../src/demo";
import { readRunInfo } from "../src/run/run-info";
import { runLayout } from "../src/run/layout";
import { fileSha256, runTaxonomyPath, settingsMismatch, taxonomySha256 } from "../src/run/run-settings";
import { defaultTaxonomyPath, loadTaxonomy } from "../src/taxonomy/taxonomy";
import { runCli } from "./support/cli";
import { writeRows } from "../src/util/arrow-table";
import { PILOT_PLAN } from "../src/validate/sample";
import { HUMAN_LABELS } from "../src/validate/sheet";
import { buildFixture } from "./fixtures/analyse/run-fixture";

let root = "";
let corpus = "";
let taxonomyFile = "";
let out = "";

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "reanalysis-"));
  corpus = join(root, "corpus");
  await generateDemoHub({ seed: 5, models: 600, profile: "demo", outDir: corpus });
  // A user's own task list: the shipped one without its requirements-engineering tasks but one.
  const shipped = JSON.parse(readFileSync(defaultTaxonomyPath(), "utf8")) as { name: string; version: string; tasks: Array<{ activity: string }> };
  let keptRe = 0;
  const own = { ...shipped, name: "my-tasks", version: "7", tasks: shipped.tasks.filter((t) => t.activity !== "RE" || keptRe++ === 0) };
  taxonomyFile = join(root, "my-tasks.json");
  writeFileSync(taxonomyFile, JSON.stringify(own, null, 2));
  out = join(root, "out");
  const made = await runCli(
    "replicate",
    "--corpus",
    corpus,
    "--out",
    out,
    "--taxonomy",
    taxonomyFile,
    "--threshold",
    "0.95",
    "--lemma-policy",
    "noun",
    "--until",
    "2030-01-01",
    "--offline",
    "--no-static",
  );
  expect(made.code, made.stderr).toBe(0);
}, 600_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("replicate passes the reanalysis settings to every stage", () => {
  test("the run records the taxonomy file, threshold, lemma policy and cut-off it was made with", () => {
    const info = readRunInfo(join(out, "run"));
    expect(info.taxonomy).toMatchObject({ name: "my-tasks", version: "7", sha256: fileSha256(taxonomyFile) });
    expect(info.config).toMatchObject({ similarityThreshold: 0.95, lemmaPolicy: "noun" });
    expect(info.snapshot?.until).toBe("2030-01-01");
    // The report names tasks with the run's taxonomy: no mismatch is recorded.
    expect(readFileSync(join(out, "problems.txt"), "utf8")).not.toMatch(/pass the run's taxonomy/);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("my-tasks 7");
  });

  test("the recorded sha256 is the one reanalyses compare files with", () => {
    expect(taxonomySha256(loadTaxonomy(taxonomyFile))).toBe(readRunInfo(join(out, "run")).taxonomy.sha256);
  });
});

describe("replicate --run", () => {
  test("without options, analyses the run with its own taxonomy and corpus", async () => {
    const again = join(root, "again");
    const result = await runCli("replicate", "--run", join(out, "run"), "--out", again, "--no-static");
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(again, "index.html"), "utf8")).toContain("my-tasks 7");
    expect(readFileSync(join(again, "tables", "fig3-models-per-task.csv"), "utf8")).toBe(readFileSync(join(out, "tables", "fig3-models-per-task.csv"), "utf8"));
  }, 120_000);

  test.each([
    [["--threshold", "0.99"], /was made with --threshold 0\.95, not 0\.99/],
    [["--lemma-policy", "noun-then-verb"], /was made with --lemma-policy noun, not noun-then-verb/],
    [["--until", "2025-03-24"], /was made with --until 2030-01-01, not --until 2025-03-24/],
    [["--taxonomy", defaultTaxonomyPath()], /was searched with the taxonomy .*my-tasks\.json \(sha256 [0-9a-f]{12}\.\.\.\), not .*se-tasks\.json/],
    [["--judge", "ollama"], /was judged by offline-rules\/v\d, not ollama:/],
  ])("refuses %j in one line and writes nothing", async (args, reason) => {
    const target = join(root, `refused-${args[0]!.replace(/^--/, "")}`);
    const result = await runCli("replicate", "--run", join(out, "run"), "--out", target, "--no-static", ...args);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
    expect(existsSync(target)).toBe(false);
  });

  test("refuses another corpus", async () => {
    const other = join(root, "other-corpus");
    await generateDemoHub({ seed: 6, models: 50, profile: "demo", outDir: other });
    const result = await runCli("replicate", "--run", join(out, "run"), "--corpus", other, "--out", join(root, "refused-corpus"), "--no-static");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/was made from the corpus .*\(600 models\), not .*other-corpus as it is now: drop --corpus/);
  });

  test("refuses a run whose taxonomy file changed since it searched", async () => {
    const copy = join(root, "changing");
    mkdirSync(copy);
    const file = join(copy, "tasks.json");
    writeFileSync(file, readFileSync(taxonomyFile));
    const made = await runCli("funnel", "--corpus", corpus, "--out", join(copy, "run"), "--taxonomy", file);
    expect(made.code, made.stderr).toBe(0);
    expect(runTaxonomyPath(join(copy, "run"), readRunInfo(join(copy, "run")))).toBe(file);
    writeFileSync(file, readFileSync(taxonomyFile, "utf8").replace('"version": "7"', '"version": "8"'));
    expect(() => runTaxonomyPath(join(copy, "run"), readRunInfo(join(copy, "run")))).toThrow(
      /changed since .* searched it \(sha256 [0-9a-f]{12}\.\.\. then, [0-9a-f]{12}\.\.\. now\)/,
    );
  });
});

describe("replicate --run on a run without a run description (another tool's)", () => {
  test("needs --corpus, reports with the shipped taxonomy (said in the problems), and refuses settings it cannot check", async () => {
    const { corpus: fixtureCorpus, run } = await buildFixture(join(root, "fixture"));
    const withoutCorpus = await runCli("replicate", "--run", run, "--out", join(root, "fixture-out-0"), "--no-static");
    expect(withoutCorpus.code).toBe(1);
    expect(withoutCorpus.stderr).toMatch(/is missing: pass --corpus <dir> to say which corpus/);
    const refused = await runCli(
      "replicate",
      "--run",
      run,
      "--corpus",
      fixtureCorpus,
      "--threshold",
      "0.9",
      "--out",
      join(root, "fixture-out-1"),
      "--no-static",
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/settings cannot be checked/);
    const made = await runCli("replicate", "--run", run, "--corpus", fixtureCorpus, "--out", join(root, "fixture-out-2"), "--no-static");
    expect(made.code, made.stderr).toBe(0);
    expect(readFileSync(join(root, "fixture-out-2", "problems.txt"), "utf8")).toMatch(/has no run description: tasks are named with the shipped taxonomy/);
  });
});

describe("settingsMismatch", () => {
  test("asks nothing of a setting left undefined, and names the first that differs", () => {
    const info = readRunInfo(join(out, "run"));
    expect(settingsMismatch("r", info, {})).toBeNull();
    expect(settingsMismatch("r", info, { discover: false })).toBeNull();
    expect(settingsMismatch("r", info, { discover: true })?.detail).toBe("r was made with discovery beside the search off, not on (--discover)");
    expect(settingsMismatch("r", info, { similarityThreshold: 0.95, lemmaPolicy: "noun", until: "2030-01-01" })).toBeNull();
    expect(settingsMismatch("r", info, { includeAliases: true })?.message).toBe(
      "r was made with aliases not searched, not searched (--aliases): drop --run to run the pipeline with aliases searched (--aliases), or ask for the run's own setting",
    );
  });
});

describe("human labels stay with the pairs they were drawn from", () => {
  test("rerunning the funnel with other settings moves the run's human labels aside (src/run/state.ts), and the report has no Table V", async () => {
    const run = join(out, "run");
    const plan = { id: "x/y", activity: "SI" as const, set: "pilot" as const, tasks: ["code generation"], reliability: false };
    await writeRows(runLayout(run).validate.plan, [plan], PILOT_PLAN);
    await writeRows(runLayout(run).validate.labels("A"), [{ ...plan, annotator: "A", relevant: true, rationale: "by hand" }], HUMAN_LABELS);
    const labels = runLayout(run).validate.labelsDir;
    const result = await runCli(
      "replicate",
      "--corpus",
      corpus,
      "--out",
      out,
      "--taxonomy",
      taxonomyFile,
      "--threshold",
      "0.8",
      "--lemma-policy",
      "verb",
      "--offline",
      "--no-static",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(readRunInfo(join(out, "run")).config.similarityThreshold).toBe(0.8);
    expect(existsSync(labels)).toBe(false);
    const superseded = join(out, "run", "superseded");
    const moved = readdirSync(superseded).map((d) => join(superseded, d, "validate", "labels", "A.arrow"));
    expect(moved.some((path) => existsSync(path))).toBe(true);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain('id="table-v-not-measured"');
  }, 120_000);
});
