/**
 * Benchmark: corpus store write / read throughput on seeded synthetic records.
 *
 * The records are shaped like Hub models (a third without a card, front matter with lists, card
 * bodies of 0.5-8 KB, some CRLF cards, problems and papers on a few), so the measured rates speak
 * for the 1.5M-model corpus. It prints figures; it asserts nothing about time.
 *
 * It also times `ingest` on the same models written as a Hub-API JSON Lines dump (README text
 * included), which is dominated by YAML front-matter parsing.
 *
 *   node .cache/bench-dist/bench/corpus-store.js [records]
 */
import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCard } from "../src/corpus/card";
import { emptyRecord, type ModelRecord } from "../src/corpus/record";
import { ingestJsonl } from "../src/corpus/ingest";
import { existingIds, openCorpusWriter, readCorpusBatches, readCorpusColumns } from "../src/corpus/store";
import { SeededRandom } from "../src/util/random";
import { errorMessage } from "../src/util/text";

const WORDS =
  "model code generation python java test bug fix summarization review commit defect repair translate sql query api program data train eval token layer fine tuned base dataset license".split(
    " ",
  );

export function syntheticRecords(count: number, seed = 20250101): ModelRecord[] {
  const random = new SeededRandom(seed);
  const records: ModelRecord[] = [];
  for (let i = 0; i < count; i++) {
    const id = `org${random.int(0, 5000)}/model-${i}`;
    const base: ModelRecord = {
      ...emptyRecord(id),
      createdAt: new Date(Date.UTC(2021, 0, 1) + random.int(0, 1400) * 86_400_000).toISOString(),
      lastModified: new Date(Date.UTC(2024, 0, 1) + random.int(0, 300) * 86_400_000).toISOString(),
      downloads: random.bool(0.01) ? random.int(0, 2 ** 31) * 1000 : random.int(0, 5000),
      likes: random.int(0, 50),
      pipelineTag: random.bool(0.8) ? random.pick(["text-generation", "fill-mask", "text-classification", "summarization"]) : null,
      libraryName: random.bool(0.9) ? random.pick(["transformers", "peft", "gguf", "diffusers"]) : null,
      tags: Array.from({ length: random.int(1, 12) }, () => random.pick(WORDS)),
    };
    const roll = random.next();
    if (roll < 0.31) {
      records.push(base);
      continue;
    }
    const body = Array.from({ length: random.int(60, 1200) }, () => random.pick(WORDS)).join(" ");
    let text = `---\nlicense: ${random.pick(["mit", "apache-2.0", "other"])}\nbase_model: org/base-${random.int(0, 50)}\ntags:\n- ${random.pick(WORDS)}\n- ${random.pick(WORDS)}\n---\n# ${id}\n\n${body}\n`;
    if (random.bool(0.1)) text = text.replace(/\n/g, "\r\n");
    const card = parseCard(id, text, { tags: base.tags });
    records.push({
      ...base,
      ...card,
      papers: random.bool(0.05) ? [{ id: "2305.06161", title: "A paper", abstract: random.bool(0.5) ? body.slice(0, 1000) : null }] : [],
    });
  }
  return records;
}

export async function benchCorpusStore(count = 50_000): Promise<Record<string, number>> {
  const records = syntheticRecords(count);
  const dir = mkdtempSync(join(tmpdir(), "bench-corpus-"));
  try {
    let started = process.hrtime.bigint();
    const writer = await openCorpusWriter(dir, { synthetic: true, createdBy: "bench" });
    for (const record of records) await writer.add(record);
    await writer.close();
    const writeSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

    started = process.hrtime.bigint();
    let read = 0;
    for await (const batch of readCorpusBatches(dir)) read += batch.length;
    const readSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (read !== count) throw new Error(`bench: read ${read} records, wrote ${count}`);

    started = process.hrtime.bigint();
    let columnRows = 0;
    for await (const shard of readCorpusColumns(dir, ["id", "tags", "cardStatus", "problemCodes"])) columnRows += shard.id.length;
    const columnsSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (columnRows !== count) throw new Error(`bench: column read gave ${columnRows} rows, wrote ${count}`);

    started = process.hrtime.bigint();
    const ids = await existingIds(dir);
    const idsSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (ids.size !== count) throw new Error(`bench: existingIds found ${ids.size}, wrote ${count}`);

    return {
      records: count,
      writeSeconds: round(writeSeconds),
      writeRecordsPerSecond: Math.round(count / writeSeconds),
      readSeconds: round(readSeconds),
      readRecordsPerSecond: Math.round(count / readSeconds),
      fourColumnsRecordsPerSecond: Math.round(count / columnsSeconds),
      existingIdsPerSecond: Math.round(count / idsSeconds),
      megabytesOnDisk: round(bytes / 1e6),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ingest throughput: the synthetic models as a Hub-API JSON Lines dump, through `ingestJsonl`. */
export async function benchIngest(count = 50_000): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ingest-"));
  try {
    const dump = join(dir, "dump.jsonl");
    const out = createWriteStream(dump);
    for (const r of syntheticRecords(count)) {
      const line = {
        id: r.id,
        author: r.author,
        createdAt: r.createdAt,
        lastModified: r.lastModified,
        downloads: r.downloads,
        likes: r.likes,
        pipeline_tag: r.pipelineTag,
        library_name: r.libraryName,
        tags: r.tags,
        readme: r.cardText,
      };
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, "drain");
    }
    out.end();
    await once(out, "close");
    const started = process.hrtime.bigint();
    const report = await ingestJsonl(dump, join(dir, "corpus"));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (report.records !== count) throw new Error(`bench: ingest loaded ${report.records} of ${count}`);
    return {
      ingestLines: count,
      ingestDumpMegabytes: round(statSync(dump).size / 1e6),
      ingestSeconds: round(seconds),
      ingestLinesPerSecond: Math.round(count / seconds),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (require.main === module) {
  const count = Number(process.argv[2] ?? 50_000);
  benchCorpusStore(count)
    .then(async (store) => ({ ...store, ...(await benchIngest(count)) }))
    .then(
      (figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`),
      (error: unknown) => {
        process.stderr.write(`bench corpus-store failed: ${errorMessage(error)}\n`);
        process.exit(1);
      },
    );
}
