/**
 * `abstracts --corpus DIR` on a corpus loaded from a card dump (arXiv ids, no abstracts): found, withdrawn
 * and unknown ids recorded per id in abstracts.jsonl, failed lookups asked again on a rerun, the corpus
 * rewritten safely; and before it, `corpus inspect`, `funnel` and Table VI say the abstracts are missing
 * instead of showing 0.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { arxivFieldsOf, unresolvedArxivIds } from "../src/corpus/arxiv-status";
import { ingestCardDump, writeCardDump } from "../src/corpus/card-dump";
import { findRecord, readCorpus, readManifest, rewriteCorpus } from "../src/corpus/store";
import { fillAbstracts, readLedger } from "../src/collect/abstracts";
import { runFunnel } from "../src/pipeline/funnel";
import { dumpModel } from "./support/card-dump";
import { runCli } from "./support/cli";
import { startFakeArxiv, type FakeArxiv } from "./support/fake-arxiv";

let root: string;
let arxiv: FakeArxiv;
let corpus: string;

const PAPERS = [
  {
    id: "2201.00001",
    version: 2,
    title: "Learning to Repair Programs",
    abstract: "We study automated program repair with a neural model trained on bug-fix commits.",
  },
  {
    id: "2305.06161",
    version: 1,
    title: "StarCoder: may the source be with you!",
    abstract: "A family of code language models trained on permissively licensed source code.",
  },
  { id: "1902.00002", version: 3, title: "An old idea", abstract: "This paper has been withdrawn by the author due to an error in the proof." },
];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "abstracts-"));
  arxiv = await startFakeArxiv(PAPERS);
  const file = join(root, "dump.parquet");
  await writeCardDump(file, [
    dumpModel("org/repair", "# Repair model\n\nA general language model. Paper: https://arxiv.org/abs/2201.00001v2\n"),
    dumpModel("org/coder", "# Coder\n\nWeights only.\n", { tags: ["transformers", "arxiv:2305.06161", "arxiv:2401.99999"] }),
    dumpModel("org/old", "# Old\n\nSee arxiv.org/abs/1902.00002 for details.\n"),
    dumpModel("org/plain", "# Plain\n\nNo papers here.\n"),
  ]);
  corpus = join(root, "corpus");
  await ingestCardDump([{ file }], corpus);
});
afterAll(async () => {
  await arxiv.close();
  rmSync(root, { recursive: true, force: true });
});

describe("a corpus with arXiv ids but no abstracts", () => {
  test("corpus inspect and funnel warn, and Table VI shows the abstract rows as not in the source", async () => {
    const inspect = await runCli("corpus", "inspect", corpus);
    expect(inspect.stdout).toContain(
      `warning: 3 models have 4 arXiv ids without abstracts (never looked up); Table VI's abstract rows cannot be counted; run \`hf-se-atlas abstracts --corpus ${corpus}\` to fetch them`,
    );
    const funnel = await runCli("funnel", "--corpus", corpus, "--out", join(root, "run-before"), "--workers", "1");
    expect(funnel.code).toBe(0);
    expect(funnel.stderr).toContain("warning: 3 models have arXiv ids without abstracts (never looked up): Table VI's abstract rows are not in the source");
    expect(funnel.stdout).toMatch(/arXiv abstract with SE tasks\s+not in the source \(2,330\)/);
    expect(funnel.stdout).toMatch(/Model card not available\s+not in the source \(478,125\)/);
    const run = JSON.parse(readFileSync(join(root, "run-before", "run.json"), "utf8"));
    expect(run.abstracts).toEqual({ modelsWithoutAbstracts: 3 });
    expect(run.documentation.find((r: { key: string }) => r.key === "abstract-only")).toMatchObject({
      models: null,
      percent: null,
      notInSource: expect.stringContaining("3 models have arXiv ids"),
    });
  });
});

describe("abstracts --corpus", () => {
  test("fills abstracts per id, records each answer, rewrites the corpus, and a rerun asks only failed ids", async () => {
    const shardsBefore = readdirSync(corpus).filter((f) => f.startsWith("models-"));
    // The first batch fails every attempt: nothing is answered, so nothing goes into the ledger.
    arxiv.fail({ status: 503 }, { status: 503 });
    const failedRun = await fillAbstracts({
      corpusDir: corpus,
      arxivUrl: arxiv.url,
      delayMs: 0,
      batchSize: 2,
      maxRetries: 2,
      baseDelayMs: 1,
      progress: "silent",
    });
    expect(failedRun.asked).toBe(4);
    expect(failedRun.failed).toBe(2);
    expect(readLedger(corpus).size).toBe(2);
    const coder = (await findRecord(corpus, "org/coder"))!;
    // The batch is sorted by id: 1902.00002 and 2201.00001 failed, 2305.06161 and 2401.99999 were answered.
    expect(coder.papers.map((p) => p.id)).toEqual(["2305.06161"]);
    expect(coder.problems.map((p) => p.code)).toEqual(["arxiv-not-found"]);
    const failedRepair = (await findRecord(corpus, "org/repair"))!;
    expect(failedRepair.problems.map((p) => p.code)).toEqual(["arxiv-failed"]);
    // a failed lookup is no answer: the id still counts as never looked up
    expect(unresolvedArxivIds(arxivFieldsOf(failedRepair))).toEqual(["2201.00001"]);
    expect(unresolvedArxivIds(arxivFieldsOf(coder))).toEqual([]);

    arxiv.requests.length = 0;
    const cli = await runCli("abstracts", "--corpus", corpus, "--arxiv-url", arxiv.url, "--arxiv-delay", "0", "--progress", "silent");
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain("4 arXiv ids (2 answered by an earlier run, 2 asked in 1 requests)");
    expect(cli.stdout).toContain("found 2, withdrawn 1, unknown id 1, arXiv error 0, lookup failed 0");
    expect(arxiv.requests.map((r) => r.ids.sort())).toEqual([["1902.00002", "2201.00001"]]);

    const ledger = readLedger(corpus);
    expect([...ledger.values()].map((a) => [a.id, a.outcome]).sort()).toEqual([
      ["1902.00002", "withdrawn"],
      ["2201.00001", "found"],
      ["2305.06161", "found"],
      ["2401.99999", "unknown-id"],
    ]);
    const repair = (await findRecord(corpus, "org/repair"))!;
    expect(repair.papers).toEqual([{ id: "2201.00001", title: "Learning to Repair Programs", abstract: PAPERS[0]!.abstract }]);
    expect(repair.problems).toEqual([]);
    const old = (await findRecord(corpus, "org/old"))!;
    expect(old.papers).toEqual([{ id: "1902.00002", title: "An old idea", abstract: null }]);
    expect(old.problems.map((p) => p.code)).toEqual(["arxiv-withdrawn"]);

    // New shards replaced the old ones; the manifest says what was filled.
    const shardsAfter = readdirSync(corpus).filter((f) => f.startsWith("models-"));
    expect(shardsAfter.some((f) => shardsBefore.includes(f))).toBe(false);
    const manifest = await readManifest(corpus);
    expect(manifest.abstracts).toEqual({ ledger: "abstracts.jsonl", ids: 4, found: 2, withdrawn: 1, "unknown-id": 1, error: 0, failed: 0 });
    expect(manifest.records).toBe(4);

    const inspect = await runCli("corpus", "inspect", corpus);
    expect(inspect.stdout).not.toContain("without abstracts");
    const result = await runFunnel({ corpusDir: corpus, outDir: join(root, "run-after"), workers: 1, progress: "silent" });
    expect(result.modelsWithoutAbstracts).toBe(0);
    const row = (key: string) => result.documentation.find((r) => r.key === key)!;
    expect(row("abstract-with-se-task")).toMatchObject({ models: 1, notInSource: null });
    expect(row("abstract-only")).toMatchObject({ models: 1, notInSource: null });
    // still a card dump: models without a README are absent
    expect(row("no-card").models).toBeNull();
  });

  test("a rewrite that fails part-way leaves the corpus as it was", async () => {
    const before = await readCorpus(corpus);
    const manifestBefore = await readManifest(corpus);
    await expect(
      rewriteCorpus(corpus, () => {
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    expect(await readManifest(corpus)).toEqual(manifestBefore);
    expect(await readCorpus(corpus)).toEqual(before);
    expect(
      readdirSync(corpus)
        .filter((f) => f.startsWith("models-"))
        .sort(),
    ).toEqual(manifestBefore.shards.map((s) => s.file).sort());
  });
});
