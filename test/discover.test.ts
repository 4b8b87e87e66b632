/**
 * Discovery beside the keyword search: the lineage walk (cycles, missing bases, chains through
 * re-uploads, its bounds), and `funnel --discover` with the relevance stage on a small hand-made Hub
 * whose every model plays one part (a code model without a task phrase, its re-uploads, a near-copy of
 * its card, a re-upload of a trap the judge rejects, base models naming each other, a missing base).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseCard } from "../src/corpus/card";
import { authorOf, emptyRecord, type ModelRecord } from "../src/corpus/record";
import { parseUntil } from "../src/corpus/snapshot";
import { openCorpusWriter } from "../src/corpus/store";
import { LlmJudge, type ChatBackend } from "../src/judges/llm-judge";
import { runFunnel } from "../src/pipeline/funnel";
import { loadActivityPrompts } from "../src/pipeline/judge-panel";
import { runRelevanceCheck } from "../src/pipeline/relevance";
import { readRunTable } from "../src/run/files";
import { runLayout } from "../src/run/layout";
import { readRunInfo } from "../src/run/run-info";
import { baseLinksOf, chainIds, isReupload, LineageGraph, type BaseLink } from "../src/signals/lineage";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";

const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), "discover-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const link = (id: string, relation: BaseLink["relation"] = "quantized"): BaseLink => ({ id, relation, field: "meta.base_model[0]" });

describe("lineage walk", () => {
  const seeds = (table: Record<string, string[]>) => (key: string) => table[key];

  test("base models and their relations come from the card and the Hub's base_model:<relation>: tags; a model naming itself is left out", () => {
    const record: ModelRecord = {
      ...emptyRecord("me/model-q4"),
      tags: ["gguf", "base_model:org/Coder-7B", "base_model:quantized:org/Coder-7B", "base_model:adapter:other/lora", "base_model:me/model-q4"],
      cardMeta: { license: [], datasets: [], baseModel: ["org/coder-7b", "third/x"], language: [], tags: [], pipelineTag: null, modelIndex: [], rawJson: "{}" },
    };
    expect(baseLinksOf(record)).toEqual([
      { id: "org/coder-7b", relation: "quantized", field: "meta.base_model[0]" },
      { id: "third/x", relation: "unknown", field: "meta.base_model[1]" },
      { id: "other/lora", relation: "adapter", field: "tags[3]" },
    ]);
  });

  test("a chain through re-uploads reaches the model that stands for the activity, with every link", () => {
    const graph = new LineageGraph();
    graph.add("mirror2/model-q4", [link("mirror/Coder-7B-GGUF")]);
    graph.add("mirror/Coder-7B-GGUF", [link("org/coder-7b")]);
    const found = graph.nearestSeeds("mirror2/model-q4", seeds({ "org/coder-7b": ["SI"] }));
    const chain = found.get("SI")!;
    expect(chainIds(chain)).toEqual(["mirror2/model-q4", "mirror/Coder-7B-GGUF", "org/coder-7b"]);
    expect(isReupload(chain)).toBe(true);
    // A fine-tune on the way makes it derived, not a re-upload.
    graph.add("ft/tuned", [link("mirror2/model-q4", "finetune")]);
    expect(isReupload(graph.nearestSeeds("ft/tuned", seeds({ "org/coder-7b": ["SI"] })).get("SI")!)).toBe(false);
    // The model itself is never its own seed.
    expect(graph.nearestSeeds("org/coder-7b", seeds({ "org/coder-7b": ["SI"] })).size).toBe(0);
  });

  test("cycles end: models naming each other (or themselves) are walked once, and a seed beyond the cycle is still found", () => {
    const graph = new LineageGraph();
    graph.add("a/x", [link("b/y")]);
    graph.add("b/y", [link("a/x"), link("b/y")]);
    expect(graph.nearestSeeds("a/x", seeds({})).size).toBe(0);
    graph.add("c/z", [link("c/z"), link("a/x")]);
    expect(graph.nearestSeeds("c/z", seeds({})).size).toBe(0);
    const withSeed = new LineageGraph();
    withSeed.add("a/x", [link("b/y")]);
    withSeed.add("b/y", [link("a/x"), link("s/seed", "finetune")]);
    expect(chainIds(withSeed.nearestSeeds("a/x", seeds({ "s/seed": ["QA"] })).get("QA")!)).toEqual(["a/x", "b/y", "s/seed"]);
  });

  test("a missing base ends its branch only; the other bases are still walked", () => {
    const graph = new LineageGraph();
    graph.add("m/merge", [link("gone/nowhere", "merge"), link("org/sql-model", "merge")]);
    const found = graph.nearestSeeds("m/merge", seeds({ "org/sql-model": ["SI"] }));
    expect(chainIds(found.get("SI")!)).toEqual(["m/merge", "org/sql-model"]);
    expect(graph.nearestSeeds("m/merge", seeds({})).size).toBe(0);
  });

  test("the nearest seed wins per activity (ids compare case-insensitively), and the walk stops at its depth and visit bounds", () => {
    const graph = new LineageGraph();
    graph.add("a/0", [link("a/1"), link("far/route")]);
    graph.add("far/route", [link("far/r2")]);
    graph.add("far/r2", [link("S/Seed")]);
    graph.add("a/1", [link("s/seed")]);
    const near = graph.nearestSeeds("A/0", seeds({ "s/seed": ["SI", "SM"], "a/1": ["SM"] }));
    expect(chainIds(near.get("SM")!)).toEqual(["A/0", "a/1"]);
    expect(chainIds(near.get("SI")!)).toEqual(["A/0", "a/1", "s/seed"]);
    const long = new LineageGraph();
    for (let i = 0; i < 9; i++) long.add(`c/${i}`, [link(`c/${i + 1}`)]);
    const atNine = seeds({ "c/9": ["SI"] });
    expect(long.nearestSeeds("c/0", atNine, { maxDepth: 6 }).size).toBe(0);
    expect(long.nearestSeeds("c/0", atNine, { maxDepth: 9 }).get("SI")!.steps).toHaveLength(9);
    expect(long.nearestSeeds("c/0", atNine, { maxDepth: 9, maxVisits: 5 }).size).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// A small Hub

function record(id: string, createdAt: string, card: string | null, tags: string[] = []): ModelRecord {
  const parsed = parseCard(id, card, { tags });
  return {
    id,
    author: authorOf(id),
    createdAt,
    lastModified: createdAt,
    downloads: 1,
    likes: 0,
    pipelineTag: parsed.cardMeta?.pipelineTag ?? null,
    libraryName: null,
    tags,
    cardStatus: parsed.cardStatus,
    cardText: parsed.cardText,
    cardBody: parsed.cardBody,
    cardMeta: parsed.cardMeta,
    arxivIds: parsed.arxivIds,
    papers: [],
    problems: parsed.problems,
  };
}

const CODER_CARD = `---
license: apache-2.0
tags:
- code
- python
pipeline_tag: text-generation
---
# Loom 7B

Loom is a 7B language model trained on permissively licensed Python and Java source files from public repositories.
It completes functions from their signature and docstring, and answers programming questions with short snippets.

## Training

We trained for two epochs on 64 accelerators with a cosine schedule.
`;

const TRAP_CARD = `---
license: mit
pipeline_tag: text-generation
---
# Tale 13B

Tale writes bedtime stories for children in English and Spanish.

## Hardware

The system requirements are 24 GB of GPU memory and 40 GB of disk.
`;

const HUB: ModelRecord[] = [
  record("loom-ai/loom-7b", "2024-01-01T00:00:00.000Z", CODER_CARD, ["code", "python", "text-generation"]),
  // A near-copy of the coder card, later, under another name: never reaches the judge.
  record("copycat/loom-7b-again", "2024-02-01T00:00:00.000Z", CODER_CARD.replace("Loom 7B", "LOOM 7B"), ["code", "python"]),
  record("mirror/loom-7b-GGUF", "2024-03-01T00:00:00.000Z", "# GGUF files\n\nQuantised files for llama.cpp.\n", [
    "gguf",
    "base_model:loom-ai/loom-7b",
    "base_model:quantized:loom-ai/loom-7b",
  ]),
  // A re-upload of the re-upload, under a name that says nothing.
  record("mirror2/model-q4", "2024-04-01T00:00:00.000Z", "# Q4\n\nFour-bit files.\n", [
    "base_model:mirror/loom-7b-GGUF",
    "base_model:quantized:mirror/loom-7b-GGUF",
  ]),
  record("tales/tale-13b", "2024-01-15T00:00:00.000Z", TRAP_CARD, ["text-generation"]),
  record("mirror/tale-13b-GGUF", "2024-03-15T00:00:00.000Z", "# GGUF files\n\nQuantised files.\n", ["base_model:quantized:tales/tale-13b"]),
  record("loop/a", "2024-05-01T00:00:00.000Z", "# A\n\nA chat model.\n", ["base_model:finetune:loop/b"]),
  record("loop/b", "2024-05-02T00:00:00.000Z", "# B\n\nA chat model.\n", ["base_model:finetune:loop/a", "base_model:finetune:loop/b"]),
  record("lost/child", "2024-05-03T00:00:00.000Z", "# Child\n\nA chat model.\n", ["base_model:finetune:gone/parent"]),
  record("plain/sentiment", "2024-05-04T00:00:00.000Z", "# Sentiment\n\nClassifies movie reviews.\n", ["text-classification"]),
];

async function writeHub(dir: string): Promise<void> {
  const writer = await openCorpusWriter(dir, { shardSize: 4, createdBy: "test/discover.test.ts" });
  for (const r of HUB) await writer.add(r);
  await writer.close();
}

describe("funnel --discover and the relevance check on a small Hub", () => {
  const corpus = join(tmp(), "corpus");
  const runDir = join(tmp(), "run");
  const paperRun = join(tmp(), "paper");
  const prompts: string[] = [];

  beforeAll(async () => {
    await writeHub(corpus);
    await runFunnel({ corpusDir: corpus, outDir: paperRun, workers: 1, progress: "silent" });
    await runFunnel({ corpusDir: corpus, outDir: runDir, workers: 1, progress: "silent", discover: true });
    await runRelevanceCheck({ runDir, corpusDir: corpus, judge: "offline", progress: "silent" });
  }, 120_000);

  test("models found from signals and lineage, each with its evidence; a near-copy of a discovered card stops at the near-identical check", () => {
    const discovered = new Map(readRunTable(runDir, "discovered").map((d) => [d.id, d]));
    expect(discovered.get("loom-ai/loom-7b")).toMatchObject({ added: ["SI"], via: ["signals"], searched: false, kept: true, duplicateOf: null });
    expect(discovered.get("copycat/loom-7b-again")).toMatchObject({ kept: false, duplicateOf: "loom-ai/loom-7b" });
    expect(discovered.get("mirror/loom-7b-GGUF")).toMatchObject({ added: ["SI"], via: ["lineage"], kept: true });
    expect(discovered.get("mirror2/model-q4")).toMatchObject({ added: ["SI"], via: ["lineage"], kept: true });
    // The trap is a search candidate (RE: "system requirements"); its re-upload inherits the candidacy.
    expect(discovered.get("mirror/tale-13b-GGUF")).toMatchObject({ added: ["RE"], via: ["lineage"], kept: true });
    for (const id of ["loop/a", "loop/b", "lost/child", "plain/sentiment", "tales/tale-13b"]) expect(discovered.has(id), id).toBe(false);

    const evidence = readRunTable(runDir, "discoveryEvidence");
    const chain = evidence.find((e) => e.modelId === "mirror2/model-q4" && e.kind === "lineage")!;
    expect(chain).toMatchObject({
      activity: "SI",
      chain: ["mirror2/model-q4", "mirror/loom-7b-GGUF", "loom-ai/loom-7b"],
      relations: ["quantized", "quantized"],
      seed: "loom-ai/loom-7b",
      seedJudgedAs: "loom-ai/loom-7b",
      provenance: "meta.base-model",
      field: "tags[0]",
    });
    expect(evidence.filter((e) => e.modelId === "loom-ai/loom-7b").map((e) => `${e.kind} ${e.label} ${e.provenance}`)).toEqual([
      "code-tag tag code meta.tags",
      "programming-language language python meta.tags",
    ]);
  });

  test("the unique table gets the discovered models in corpus order; the paper's tables and counts stay the paper's; the funnel has a discovered row", () => {
    expect(readRunTable(runDir, "unique").map((u) => `${u.id} ${u.activities.join(",")}`)).toEqual([
      "loom-ai/loom-7b SI",
      "mirror/loom-7b-GGUF SI",
      "mirror2/model-q4 SI",
      "tales/tale-13b RE",
      "mirror/tale-13b-GGUF RE",
    ]);
    expect(readRunTable(paperRun, "unique").map((u) => u.id)).toEqual(["tales/tale-13b"]);
    for (const table of ["matches", "occurrences", "candidates", "nearDuplicates", "documentation"] as const) {
      expect(readRunTable(runDir, table)).toEqual(readRunTable(paperRun, table));
    }
    const info = readRunInfo(runDir);
    expect(info.counts.unique).toEqual(readRunInfo(paperRun).counts.unique);
    expect(info.counts.discovered).toEqual({ all: 4, RE: 1, SD: 0, SI: 3, QA: 0, SM: 0 });
    expect(info.config.discover).toEqual({ lineageDepth: 6 });
    expect(readRunInfo(paperRun).config.discover).toBeUndefined();
    const funnel = readRunTable(runDir, "funnel");
    expect(funnel.find((r) => r.stage === "discovered" && r.activity === "all")!.models).toBe(4);
    expect(readRunTable(paperRun, "funnel").some((r) => r.stage === "discovered")).toBe(false);
  });

  test("each discovered pair is judged on its own evidence; lineage carries the verdict of the model it reaches", () => {
    const verdicts = new Map(readRunTable(runDir, "verdicts").map((v) => [`${v.id} ${v.activity}`, v]));
    expect(verdicts.get("loom-ai/loom-7b SI")!.outcome).toBe("relevant");
    for (const id of ["mirror/loom-7b-GGUF", "mirror2/model-q4"]) {
      const v = verdicts.get(`${id} SI`)!;
      expect(v.outcome, id).toBe("relevant");
      const lineage = (JSON.parse(v.evidence!) as Array<{ kind: string; weight: number; note: string }>).find((e) => e.kind === "lineage")!;
      expect(lineage.weight).toBe(1);
      expect(lineage.note).toBe("re-upload of loom-ai/loom-7b, judged relevant for SI in this run");
    }
    // The trap was judged not relevant, so its re-upload's chain says nothing.
    expect(verdicts.get("tales/tale-13b RE")!.outcome).toBe("not-relevant");
    const trapCopy = verdicts.get("mirror/tale-13b-GGUF RE")!;
    expect(trapCopy.outcome).toBe("not-relevant");
    expect(trapCopy.rationale).toContain("nothing about what the model is for points to this activity");
    expect(trapCopy.evidence).toContain("judged not-relevant for RE: says nothing");
    // A verdict on a discovered pair names the rules with the discovery weights; the search's pair keeps the rules' own hash.
    expect(verdicts.get("mirror2/model-q4 SI")!.promptHash).not.toBe(verdicts.get("tales/tale-13b RE")!.promptHash);
  });

  test("an LLM judge gets the discovery evidence in its prompt's matched-evidence slot, the chain with the verdict it reaches", async () => {
    const backend: ChatBackend = {
      name: "openai",
      model: "fake-model",
      temperature: 0,
      seed: 1,
      async complete(system) {
        prompts.push(system);
        return { text: '{"relevant": true, "rationale": "ok"}', usage: { promptTokens: 1, outputTokens: 1, totalTokens: 2, calls: 1 } };
      },
    };
    const judge = new LlmJudge(backend, { prompts: loadActivityPrompts(loadTaxonomy()) });
    await runRelevanceCheck({ runDir, corpusDir: corpus, judge: "offline", judgeInstance: judge, cacheDir: join(tmp(), "cache"), progress: "silent" });
    const slot = (id: string) => prompts.find((p) => p.includes(id) && p.includes("base model chain"));
    expect(prompts.find((p) => p.includes('"SE signal, not a task phrase: tag code (meta.tags, tags[0])"'))).toBeDefined();
    expect(slot("mirror2/model-q4 -> mirror/loom-7b-GGUF -> loom-ai/loom-7b")).toContain(
      "(loom-ai/loom-7b: judged relevant for SI in this run by openai:fake-model)",
    );
  });

  const arrowFiles = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".arrow"))
      .sort();
  const sameBytes = (a: string, b: string) => {
    expect(arrowFiles(a)).toEqual(arrowFiles(b));
    for (const file of arrowFiles(a)) expect(readFileSync(join(a, file)).equals(readFileSync(join(b, file))), file).toBe(true);
  };

  test("an interrupted discovery run resumes from its shard checkpoints and writes the same bytes", async () => {
    const fresh = join(tmp(), "fresh");
    await runFunnel({ corpusDir: corpus, outDir: fresh, workers: 1, progress: "silent", discover: true });
    const dir = tmp();
    const damaged = join(dir, "corpus");
    cpSync(corpus, damaged, { recursive: true });
    const last = join(damaged, "models-00002.arrow");
    const intact = readFileSync(last);
    const stamp = statSync(last);
    writeFileSync(last, intact.subarray(0, 200));
    const options = { corpusDir: damaged, outDir: join(dir, "run"), workers: 1, progress: "silent" as const, resume: true, discover: true };
    await expect(runFunnel(options)).rejects.toThrow(/models-00002/);
    writeFileSync(last, intact);
    utimesSync(last, stamp.atime, stamp.mtime);
    expect((await runFunnel(options)).resumedShards).toBe(2);
    sameBytes(join(dir, "run"), fresh);
  });

  // Worker threads run the compiled library (dist/, built by `npm test`).
  const built = existsSync(join(__dirname, "..", "dist", "pipeline", "funnel-worker.js"));
  test.runIf(built)("is byte-identical with two worker threads", async () => {
    const inline = join(tmp(), "inline");
    const parallel = join(tmp(), "parallel");
    await runFunnel({ corpusDir: corpus, outDir: inline, workers: 1, progress: "silent", discover: true });
    await runFunnel({ corpusDir: corpus, outDir: parallel, workers: 2, progress: "silent", discover: true });
    sameBytes(parallel, inline);
  });

  test("with a snapshot cut-off, models created after it are neither searched nor discovered, and chains do not reach them", async () => {
    const cut = join(tmp(), "cut");
    await runFunnel({ corpusDir: corpus, outDir: cut, workers: 1, progress: "silent", discover: true, until: parseUntil("2024-03-10") });
    expect(readRunTable(cut, "discovered").map((d) => d.id)).toEqual(["loom-ai/loom-7b", "copycat/loom-7b-again", "mirror/loom-7b-GGUF"]);
    expect(readRunTable(cut, "discoveryEvidence").some((e) => e.modelId === "mirror2/model-q4" || e.modelId === "mirror/tale-13b-GGUF")).toBe(false);
    expect(readRunTable(cut, "unique").map((u) => u.id)).toEqual(["loom-ai/loom-7b", "mirror/loom-7b-GGUF", "tales/tale-13b"]);
  });

  test("without --discover no discovery table is written, and a rerun into a folder that had them leaves none behind", async () => {
    expect(existsSync(runLayout(paperRun).discoveryEvidence)).toBe(false);
    const again = join(tmp(), "again");
    await runFunnel({ corpusDir: corpus, outDir: again, workers: 1, progress: "silent", discover: true });
    expect(existsSync(runLayout(again).discovered)).toBe(true);
    await runFunnel({ corpusDir: corpus, outDir: again, workers: 1, progress: "silent" });
    expect(existsSync(runLayout(again).discovered)).toBe(false);
    expect(existsSync(runLayout(again).discoveryEvidence)).toBe(false);
    expect(readRunTable(again, "unique")).toEqual(readRunTable(paperRun, "unique"));
  });
});
