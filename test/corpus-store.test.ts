import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays, tableFromIPC, tableToIPC } from "apache-arrow";
import { afterAll, describe, expect, test } from "vitest";
import { CORPUS_COLUMNS } from "../src/corpus/arrow-schema";
import { parseCard } from "../src/corpus/card";
import { emptyRecord, type ModelRecord } from "../src/corpus/record";
import { existingIds, existingModels, findRecord, openCorpusWriter, readCorpus, readCorpusBatches, readCorpusColumns, readManifest } from "../src/corpus/store";

const created: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "corpus-store-"));
  created.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Records that exercise every column: nulls vs empties, unicode, CRLF bodies, papers, problems, big counts. */
function sampleRecords(): ModelRecord[] {
  const crlfText =
    "\uFEFF---\r\nlicense: mit\r\nbase_model: [a/b]\r\nmodel-index:\r\n- name: x\r\n  results:\r\n  - task: {type: t}\r\n    dataset: {name: HumanEval}\r\n    metrics: [{type: pass@1, value: 0.5}]\r\n---\r\nBody with émojis 🚀\r\n";
  const crlf = { ...emptyRecord("acme/crlf"), ...parseCard("acme/crlf", crlfText) };
  const lf = { ...emptyRecord("acme/lf"), ...parseCard("acme/lf", "---\ntags: [code]\n---\n# Title\nText\n") };
  return [
    emptyRecord("gpt2"),
    {
      ...lf,
      author: "acme",
      createdAt: "2023-05-01T10:00:00.000Z",
      lastModified: "2024-01-02T03:04:05.000Z",
      downloads: 2 ** 40 + 3,
      likes: 0,
      pipelineTag: "text-generation",
      libraryName: "transformers",
      tags: ["code", "arxiv:2305.06161", ""],
      arxivIds: ["2305.06161"],
      papers: [
        { id: "2305.06161", title: "StarCoder", abstract: "We present…" },
        { id: "2107.03374", title: null, abstract: null },
      ],
      problems: [{ stage: "ingest", code: "field-type", message: "acme/lf: downloads was a string" }],
    },
    { ...crlf, downloads: 12, likes: null },
    { ...emptyRecord("acme/empty-card"), cardStatus: "empty", cardText: "", cardBody: "", cardMeta: null },
    { ...emptyRecord("acme/gated"), cardStatus: "gated", tags: [] },
    {
      ...emptyRecord("acme/meta-empty-lists"),
      cardStatus: "present",
      cardText: "x",
      cardBody: "something else entirely",
      cardMeta: { license: [], datasets: [], baseModel: [], language: [], tags: [], pipelineTag: null, modelIndex: [], rawJson: "{}" },
    },
  ];
}

describe("corpus store", () => {
  test("records round-trip exactly (null vs empty, CRLF body, papers, problems, counts above 2^31)", async () => {
    const dir = tempDir();
    const records = sampleRecords();
    const writer = await openCorpusWriter(dir, { shardSize: 4, createdBy: "test" });
    for (const r of records) await writer.add(r);
    const manifest = await writer.close({ source: "unit" });
    expect(manifest).toEqual({
      format: "hf-se-atlas-corpus",
      version: 1,
      createdBy: "test",
      synthetic: false,
      records: 6,
      shards: [
        { file: "models-00000.arrow", records: 4 },
        { file: "models-00001.arrow", records: 2 },
      ],
      source: "unit",
    });
    expect(await readCorpus(dir)).toEqual(records);
    const batches: number[] = [];
    for await (const batch of readCorpusBatches(dir)) batches.push(batch.length);
    expect(batches).toEqual([4, 2]);
    expect(await readManifest(dir)).toEqual(manifest);
  });

  test("shards are plain Arrow files with the documented columns", async () => {
    const dir = tempDir();
    const writer = await openCorpusWriter(dir);
    for (const r of sampleRecords()) await writer.add(r);
    await writer.close();
    const table = tableFromIPC(readFileSync(join(dir, "models-00000.arrow")));
    expect(table.schema.fields.map((f) => f.name)).toEqual(CORPUS_COLUMNS);
    expect(table.getChild("id")!.toArray()).toEqual(sampleRecords().map((r) => r.id));
    expect(table.getChild("downloads")!.get(1)).toBe(2 ** 40 + 3);
    // the LF body is stored as an offset into cardText, the CRLF one as text
    expect(table.getChild("cardBody")!.get(1)).toBeNull();
    expect(table.getChild("cardBodyFrom")!.get(1)).toBe("---\ntags: [code]\n---\n".length);
    expect(table.getChild("cardBody")!.get(2)).toBe("Body with émojis 🚀\n");
  });

  test("same records give byte-identical shards and manifest", async () => {
    const write = async () => {
      const dir = tempDir();
      const writer = await openCorpusWriter(dir, { shardSize: 3, synthetic: true, createdBy: "det" });
      for (const r of sampleRecords()) await writer.add(r);
      await writer.close();
      return Object.fromEntries(
        readdirSync(dir)
          .sort()
          .map((f) => [f, readFileSync(join(dir, f)).toString("base64")]),
      );
    };
    const a = await write();
    const b = await write();
    expect(Object.keys(a)).toEqual(["manifest.json", "models-00000.arrow", "models-00001.arrow"]);
    expect(b).toEqual(a);
  });

  test("rewriting a directory removes shards the new manifest does not list", async () => {
    const dir = tempDir();
    const first = await openCorpusWriter(dir, { shardSize: 2 });
    for (const r of sampleRecords()) await first.add(r);
    await first.close();
    expect(readdirSync(dir).filter((f) => f.endsWith(".arrow"))).toHaveLength(3);
    const second = await openCorpusWriter(dir, { shardSize: 2 });
    await second.add(emptyRecord("only/one"));
    await second.close();
    expect(readdirSync(dir).filter((f) => f.endsWith(".arrow"))).toEqual(["models-00000.arrow"]);
    expect((await readCorpus(dir)).map((r) => r.id)).toEqual(["only/one"]);
  });

  test("append adds shards, keeps the manifest's origin, and existingIds sees everything", async () => {
    const dir = tempDir();
    expect(await existingIds(dir)).toEqual(new Set());
    const first = await openCorpusWriter(dir, { shardSize: 10, createdBy: "collect", append: true });
    await first.add(emptyRecord("a/1"));
    await first.close({ cursor: "page-1" });
    const second = await openCorpusWriter(dir, { shardSize: 1, append: true, createdBy: "ignored" });
    await second.add(emptyRecord("a/2"));
    // append mode persists the manifest after each shard, before close
    expect((await readManifest(dir)).records).toBe(2);
    await second.add(emptyRecord("a/3"));
    const manifest = await second.close({ cursor: "page-2" });
    expect(manifest.createdBy).toBe("collect");
    expect(manifest.cursor).toBe("page-2");
    expect(manifest.shards.map((s) => s.file)).toEqual(["models-00000.arrow", "models-00001.arrow", "models-00002.arrow"]);
    expect((await readCorpus(dir)).map((r) => r.id)).toEqual(["a/1", "a/2", "a/3"]);
    expect(await existingIds(dir)).toEqual(new Set(["a/1", "a/2", "a/3"]));
    expect([...(await existingModels(dir)).entries()]).toEqual([
      ["a/1", null],
      ["a/2", null],
      ["a/3", null],
    ]);
    await expect(openCorpusWriter(dir, { append: true, synthetic: true })).rejects.toThrow(/cannot append synthetic records to a real corpus/);
  });

  test("missing, corrupt and inconsistent manifests give errors naming the file", async () => {
    const dir = tempDir();
    await expect(readManifest(dir)).rejects.toThrow(`no corpus at ${dir}: ${join(dir, "manifest.json")} is missing`);
    writeFileSync(join(dir, "manifest.json"), "{not json");
    await expect(readManifest(dir)).rejects.toThrow(`corrupt corpus manifest ${join(dir, "manifest.json")}`);
    writeFileSync(
      join(dir, "manifest.json"),
      JSON.stringify({
        format: "hf-se-atlas-corpus",
        version: 1,
        createdBy: "x",
        synthetic: false,
        records: 5,
        shards: [{ file: "models-00000.arrow", records: 4 }],
      }),
    );
    await expect(readManifest(dir)).rejects.toThrow("records is 5 but the shards hold 4");
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ format: "other", version: 1 }));
    await expect(readManifest(dir)).rejects.toThrow('format is "other"');
  });

  test("a truncated or missing shard is reported with its file name", async () => {
    const dir = tempDir();
    const writer = await openCorpusWriter(dir, { shardSize: 3 });
    for (const r of sampleRecords()) await writer.add(r);
    await writer.close();
    const shard = join(dir, "models-00001.arrow");
    truncateSync(shard, statSync(shard).size - 40);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const batch of readCorpusBatches(dir)) seen.push(...batch.map((r) => r.id));
      })(),
    ).rejects.toThrow(`corpus shard ${shard} is truncated`);
    // the first shard was delivered before the bad one was hit
    expect(seen).toEqual(["gpt2", "acme/lf", "acme/crlf"]);
    writeFileSync(shard, "garbage");
    await expect(readCorpus(dir)).rejects.toThrow(`corpus shard ${shard} is not an Arrow IPC file`);
  });

  test("a shard from another tool with the wrong column types is refused, naming file and column", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "models-00000.arrow"), tableToIPC(tableFromArrays({ id: Int32Array.from([7]) }), "file"));
    writeFileSync(
      join(dir, "manifest.json"),
      JSON.stringify({
        format: "hf-se-atlas-corpus",
        version: 1,
        createdBy: "x",
        synthetic: false,
        records: 1,
        shards: [{ file: "models-00000.arrow", records: 1 }],
      }),
    );
    await expect(readCorpus(dir)).rejects.toThrow(`${join(dir, "models-00000.arrow")}: column "id" is Int32, expected Utf8`);
  });

  test("existingModels maps ids to lastModified from a written corpus", async () => {
    const dir = tempDir();
    const writer = await openCorpusWriter(dir, { shardSize: 2 });
    for (const r of sampleRecords()) await writer.add(r);
    await writer.close();
    const models = await existingModels(dir);
    expect(models.size).toBe(6);
    expect(models.get("acme/lf")).toBe("2024-01-02T03:04:05.000Z");
    expect(models.get("gpt2")).toBeNull();
  });

  test("readCorpusColumns gives the same values as whole records, card bodies resolved", async () => {
    const dir = tempDir();
    const writer = await openCorpusWriter(dir, { shardSize: 4 });
    const records = sampleRecords();
    for (const r of records) await writer.add(r);
    await writer.close();
    const shards = [];
    for await (const shard of readCorpusColumns(dir, ["id", "cardBody", "downloads", "hasCardMeta", "paperTitles", "problemCodes"])) shards.push(shard);
    expect(shards.map((s) => s.id.length)).toEqual([4, 2]);
    const flat = <T>(pick: (s: (typeof shards)[number]) => T[]) => shards.flatMap(pick);
    expect(flat((s) => s.id)).toEqual(records.map((r) => r.id));
    expect(flat((s) => s.cardBody)).toEqual(records.map((r) => r.cardBody));
    expect(flat((s) => s.downloads)).toEqual(records.map((r) => r.downloads));
    expect(flat((s) => s.hasCardMeta)).toEqual(records.map((r) => r.cardMeta !== null));
    expect(flat((s) => s.paperTitles)).toEqual(records.map((r) => r.papers.map((p) => p.title)));
    expect(flat((s) => s.problemCodes)).toEqual(records.map((r) => r.problems.map((p) => p.code)));
    expect(await findRecord(dir, "acme/meta-empty-lists")).toEqual(records[5]);
    expect(await findRecord(dir, "not/there")).toBeNull();
    await expect(readCorpusColumns(dir, ["cardBodyFrom" as "id"]).next()).rejects.toThrow('no corpus column "cardBodyFrom"');
  });

  test("a record with a wrong-typed field is rejected naming the model and column", async () => {
    const dir = tempDir();
    const writer = await openCorpusWriter(dir);
    await writer.add({ ...emptyRecord("bad/model"), downloads: "12" as unknown as number });
    await expect(writer.close()).rejects.toThrow('corpus column "downloads" (model "bad/model"): expected a number, got "12"');
  });
});
