/**
 * `ingest` of the Hub's Parquet card dump (librarian-bots/model_cards_with_metadata layout), on files the
 * tests write: several row groups, a truncated file, missing columns, wrong types, null cards, duplicate
 * ids; what the manifest, `corpus inspect` and Table VI say a dump cannot tell; and a real-card-like sample
 * that gives the same funnel from Parquet as from JSON Lines.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { summariseCorpus } from "../src/cli/commands/corpus";
import { CARD_DUMP_COLUMNS, ingestCardDump, writeCardDump } from "../src/corpus/card-dump";
import { ingestJsonl } from "../src/corpus/ingest";
import type { ModelRecord } from "../src/corpus/record";
import { findRecord, readCorpus, readManifest } from "../src/corpus/store";
import { runFunnel } from "../src/pipeline/funnel";
import { readRows } from "../src/util/arrow-table";
import { openParquetFile, parquetModules } from "../src/util/parquet";
import { apiLineOf, dumpModel, dumpModelOf, truncateFile } from "./support/card-dump";
import { cliOutput } from "./support/cli";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "card-dump-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CARD = (i: number) =>
  `---\nlicense: mit\ntags:\n- code\nbase_model: org/base-${i % 3}\n---\n# Model ${i}\n\nA model for code generation and program repair. See https://arxiv.org/abs/2107.03374.\n`;

function problemsOf(dir: string): Array<{ file: string; row: number | null; id: string | null; reason: string }> {
  return readFileSync(join(dir, "ingest-problems.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("ingest of card-dump Parquet files", () => {
  test("streams several row groups; every row becomes the record the JSON Lines ingest makes of it", async () => {
    const models = Array.from({ length: 25 }, (_, i) =>
      dumpModel(`org${i % 4}/model-${i}`, i === 7 ? "" : CARD(i), {
        createdAt: new Date(Date.UTC(2023, 0, 1 + i, 12, 30)),
        downloads: i * 1000,
        tags: i % 2 ? ["transformers", "arxiv:2305.06161"] : ["gguf"],
        pipelineTag: i % 5 === 0 ? null : "text-generation",
      }),
    );
    const file = join(root, "rowgroups.parquet");
    expect(await writeCardDump(file, models, { rowGroupSize: 10 })).toEqual({ rows: 25, rowGroups: 3 });

    const corpus = join(root, "rowgroups-corpus");
    const report = await ingestCardDump([{ file }], corpus, { shardSize: 7 });
    expect(report.files).toEqual([
      expect.objectContaining({ path: "rowgroups.parquet", rows: 25, rowGroups: 3, records: 25, problemRows: 0, error: null, missingColumns: [] }),
    ]);
    expect(report.records).toBe(25);
    expect(report.manifest.shards.length).toBe(4);

    const record = (await findRecord(corpus, "org1/model-9"))!;
    expect(record.cardStatus).toBe("present");
    expect(record.createdAt).toBe("2023-01-10T12:30:00.000Z");
    expect(record.downloads).toBe(9000);
    expect(record.cardMeta?.license).toEqual(["mit"]);
    expect(record.cardMeta?.baseModel).toEqual(["org/base-0"]);
    expect(record.arxivIds).toEqual(["2305.06161", "2107.03374"]);
    expect((await findRecord(corpus, "org3/model-7"))!.cardStatus).toBe("empty");

    const jsonl = join(root, "rowgroups.jsonl");
    writeFileSync(
      jsonl,
      models
        .map((m) =>
          apiLineOf({
            id: m.modelId,
            author: m.author,
            createdAt: m.createdAt!.toISOString(),
            lastModified: m.lastModified!.toISOString(),
            downloads: m.downloads,
            likes: m.likes,
            pipelineTag: m.pipelineTag,
            libraryName: m.libraryName,
            tags: m.tags,
            cardText: m.card,
          } as ModelRecord),
        )
        .join("\n") + "\n",
    );
    await ingestJsonl(jsonl, join(root, "rowgroups-jsonl"), { shardSize: 7 });
    expect(await readCorpus(corpus)).toEqual(await readCorpus(join(root, "rowgroups-jsonl")));
  });

  test("bad input becomes recorded problems with file, row, model id and reason, and the run goes on", async () => {
    const dir = join(root, "bad");
    const good = join(root, "bad-good.parquet");
    await writeCardDump(good, [dumpModel("org/a", CARD(1)), dumpModel("org/b", null), dumpModel("org/a", CARD(2)), dumpModel("", CARD(3))], {
      rowGroupSize: 2,
    });
    const truncated = join(root, "bad-truncated.parquet");
    await writeCardDump(
      truncated,
      Array.from({ length: 50 }, (_, i) => dumpModel(`org/t${i}`, CARD(i))),
      { rowGroupSize: 10 },
    );
    await truncateFile(truncated, Math.floor(readFileSync(truncated).length / 2));
    const missing = join(root, "bad-missing.parquet");
    await writeCardDump(missing, [dumpModel("org/m", CARD(4)), dumpModel("org/b", CARD(5))], { omit: ["likes", "pipeline_tag"] });
    const noCard = join(root, "bad-nocard.parquet");
    await writeCardDump(noCard, [dumpModel("org/n", CARD(6))], { omit: ["card"] });
    const wrongTypes = join(root, "bad-types.parquet");
    const { writer } = await parquetModules();
    writeFileSync(
      wrongTypes,
      new Uint8Array(
        writer.parquetWriteBuffer({
          columnData: [
            { name: "modelId", data: ["org/w1", "org/w2"], type: "STRING" },
            { name: "downloads", data: ["many", "12"], type: "STRING" },
            { name: "tags", data: ["not-a-list", "x"], type: "STRING" },
            { name: "createdAt", data: [20240101, 20240102], type: "INT32" },
            { name: "card", data: [CARD(7), CARD(8)], type: "STRING" },
          ],
        }),
      ),
    );
    const notParquet = join(root, "bad-text.parquet");
    writeFileSync(notParquet, "modelId,card\norg/x,hello\n");

    const report = await ingestCardDump(
      [good, truncated, missing, noCard, wrongTypes, notParquet].map((file) => ({ file })),
      dir,
    );
    expect((await readCorpus(dir)).map((r) => r.id)).toEqual(["org/a", "org/b", "org/m", "org/w1", "org/w2"]);
    expect(report.duplicates).toBe(2);

    const problems = problemsOf(dir);
    expect(problems).toContainEqual({ file: "bad-good.parquet", row: 2, id: "org/a", reason: "duplicate id org/a: the first occurrence was kept" });
    expect(problems).toContainEqual(expect.objectContaining({ file: "bad-good.parquet", row: 3, id: null, reason: expect.stringContaining("no model id") }));
    expect(problems).toContainEqual(
      expect.objectContaining({ file: "bad-truncated.parquet", row: null, reason: expect.stringMatching(/truncated: no Parquet footer/) }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({ file: "bad-missing.parquet", row: null, reason: expect.stringContaining("columns likes, pipeline_tag are missing") }),
    );
    expect(problems).toContainEqual({ file: "bad-missing.parquet", row: 1, id: "org/b", reason: "duplicate id org/b: the first occurrence was kept" });
    expect(problems).toContainEqual(
      expect.objectContaining({ file: "bad-nocard.parquet", row: null, reason: expect.stringContaining('has no "card" column') }),
    );
    expect(problems).toContainEqual(expect.objectContaining({ file: "bad-text.parquet", row: null, reason: expect.stringContaining("is not a Parquet file") }));
    expect(report.files.find((f) => f.path === "bad-truncated.parquet")!.error).toMatch(/truncated/);

    const nullCard = (await findRecord(dir, "org/b"))!;
    expect(nullCard.cardStatus).toBe("none");
    expect(nullCard.problems.map((p) => p.code)).toEqual(["card-missing-in-dump"]);
    const m = (await findRecord(dir, "org/m"))!;
    expect(m.likes).toBeNull();
    expect(m.problems.map((p) => p.code)).toEqual(["column-missing"]);
    const w1 = (await findRecord(dir, "org/w1"))!;
    expect(w1.cardStatus).toBe("present");
    expect(w1.downloads).toBeNull();
    expect(w1.tags).toEqual([]);
    expect(
      w1.problems
        .filter((p) => p.code === "field-type")
        .map((p) => p.message.match(/field "(\w+)"/)![1])
        .sort(),
    ).toEqual(["createdAt", "downloads", "tags"]);
  });

  test("a cut-off row group is a recorded problem; the row groups before it are loaded", async () => {
    const file = join(root, "cut-group.parquet");
    await writeCardDump(
      file,
      Array.from({ length: 30 }, (_, i) => dumpModel(`org/g${i}`, CARD(i))),
      { rowGroupSize: 10 },
    );
    // Overwrite the page header of row group 1's card column, keeping the footer intact.
    const opened = await openParquetFile(file);
    const chunk = opened.metadata.row_groups[1]!.columns.find((c) => c.meta_data?.path_in_schema[0] === "card")!.meta_data!;
    await opened.close();
    const bytes = readFileSync(file);
    bytes.fill(0xff, Number(chunk.data_page_offset), Number(chunk.data_page_offset) + 32);
    writeFileSync(file, bytes);
    const dir = join(root, "cut-group-corpus");
    const report = await ingestCardDump([{ file }], dir);
    const problems = problemsOf(dir);
    const groupProblems = problems.filter((p) => /row group \d+ .*cannot be decoded/.test(p.reason));
    expect(groupProblems).toEqual([
      expect.objectContaining({
        file: "cut-group.parquet",
        row: 10,
        id: null,
        reason: expect.stringMatching(/^row group 1 \(rows 10-19\) cannot be decoded: .*; its 10 rows are not loaded$/),
      }),
    ]);
    expect(report.records).toBe(20);
    expect(report.problemRows).toBe(10);
    expect((await readCorpus(dir)).map((r) => r.id)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `org/g${i}`),
      ...Array.from({ length: 10 }, (_, i) => `org/g${i + 20}`),
    ]);
  });

  test("the manifest and corpus inspect state what a dump cannot tell", async () => {
    const file = join(root, "limits.parquet");
    await writeCardDump(file, [dumpModel("org/p", CARD(1)), dumpModel("org/q", "# plain card\n\nNo tasks here.\n")]);
    const dir = join(root, "limits-corpus");
    await ingestCardDump([{ file, path: "data/train-00000.parquet", oid: "abc", sha256: "f".repeat(64) }], dir, {
      origin: { dataset: "librarian-bots/model_cards_with_metadata", revision: "main" },
    });
    const manifest = await readManifest(dir);
    const source = manifest.source as {
      kind: string;
      dataset: string;
      files: Array<{ path: string; sha256: string; oid: string }>;
      notInSource: Record<string, string>;
    };
    expect(source.kind).toBe("card-dump");
    expect(source.files[0]).toMatchObject({ path: "data/train-00000.parquet", oid: "abc", sha256: "f".repeat(64) });
    expect(Object.keys(source.notInSource).sort()).toEqual(["arxivAbstracts", "gatedStatus", "modelsWithoutReadme"]);
    const summary = await summariseCorpus(dir);
    expect(summary.modelsWithUnresolvedArxiv).toBe(1);
    const text = await cliOutput("corpus", "inspect", dir);
    expect(text).toContain("not in the source:");
    expect(text).toContain("modelsWithoutReadme: the dump lists only models that have a README");
    expect(text).toContain("gatedStatus:");
    expect(text).toMatch(/warning: 1 models have 1 arXiv ids without abstracts .*hf-se-atlas abstracts --corpus/);
  });

  test("--until keeps models created up to that date (the whole day), recorded in the manifest", async () => {
    const dir = join(root, "until-dump");
    const days = ["2025-03-22T10:00:00Z", "2025-03-24T23:59:59Z", "2025-03-25T00:00:00Z", "2025-06-01T00:00:00Z"];
    await writeCardDump(join(root, "until.parquet"), [
      ...days.map((d, i) => dumpModel(`org/u${i}`, CARD(i), { createdAt: new Date(d) })),
      dumpModel("org/undated", CARD(9), { createdAt: null }),
    ]);
    const out = await cliOutput("ingest", join(root, "until.parquet"), "--out", dir, "--until", "2025-03-24");
    expect(out).toContain("snapshot cut-off 2025-03-24: 2 models created later left out, 1 undated models kept");
    expect((await readCorpus(dir)).map((r) => r.id)).toEqual(["org/u0", "org/u1", "org/undated"]);
    expect((await readManifest(dir)).snapshot).toEqual({ until: "2025-03-24", afterUntil: 2, undatedKept: 1 });
    expect(CARD_DUMP_COLUMNS).toContain("createdAt");
  });
});

describe("a real-card-like sample gives the same funnel from the Parquet dump as from JSON Lines", () => {
  test("same records, same funnel, same Table VI", async () => {
    // The demo corpus's cards follow the paper's phrasing (SE tasks, outlier words, near-copies); the dump
    // holds only models with a README, so those are the sample, plus hand-written real-looking cards.
    const demo = (await readCorpus("data/demo")).filter((r) => r.cardText !== null);
    const extra = ["code-assistant", "config-dump", "training-log"].map((name, i) => ({
      ...demo[i]!,
      id: `fixtures/${name}`,
      cardText: readFileSync(join("test/fixtures/search", `${name}.md`), "utf8"),
    }));
    const sample: ModelRecord[] = [...demo, ...extra];
    expect(sample.length).toBeGreaterThan(3000);

    const dumpDir = join(root, "sample-dump");
    await writeCardDump(join(dumpDir, "train-00000-of-00002.parquet"), sample.slice(0, 2000).map(dumpModelOf));
    await writeCardDump(join(dumpDir, "train-00001-of-00002.parquet"), sample.slice(2000).map(dumpModelOf));
    writeFileSync(join(root, "sample.jsonl"), sample.map(apiLineOf).join("\n") + "\n");

    await cliOutput("ingest", dumpDir, "--out", join(root, "from-parquet"));
    await cliOutput("ingest", join(root, "sample.jsonl"), "--out", join(root, "from-jsonl"));
    const fromParquet = await readCorpus(join(root, "from-parquet"));
    expect(fromParquet).toEqual(await readCorpus(join(root, "from-jsonl")));

    const a = await runFunnel({ corpusDir: join(root, "from-parquet"), outDir: join(root, "run-parquet"), workers: 1, progress: "silent" });
    const b = await runFunnel({ corpusDir: join(root, "from-jsonl"), outDir: join(root, "run-jsonl"), workers: 1, progress: "silent" });
    expect(a.counts.models).toBe(sample.length);
    expect(a.counts.matched.all).toBeGreaterThan(100);
    expect(a.counts).toEqual(b.counts);
    expect(a.outliers).toEqual(b.outliers);
    expect(a.nearDuplicates).toEqual(b.nearDuplicates);
    expect(readRows(join(root, "run-parquet", "filter", "unique.arrow"))).toEqual(readRows(join(root, "run-jsonl", "filter", "unique.arrow")));

    // Table VI: the dump cannot count models without a README; abstracts were never fetched for either.
    const noCard = a.documentation.find((r) => r.key === "no-card")!;
    expect(noCard.models).toBeNull();
    expect(noCard.notInSource).toMatch(/not in the source: the card dump lists only models with a README/);
    expect(b.documentation.find((r) => r.key === "no-card")!.models).toBe(0);
    for (const key of ["abstract-with-se-task", "abstract-only", "union-with-se-task"]) {
      expect(a.documentation.find((r) => r.key === key)!.models).toBeNull();
    }
    const withTask = a.documentation.find((r) => r.key === "card-with-se-task")!;
    expect(withTask.models).toBe(b.documentation.find((r) => r.key === "card-with-se-task")!.models);
    expect(a.modelsWithoutAbstracts).toBeGreaterThan(0);
  });
});
