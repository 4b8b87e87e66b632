/**
 * The public daily dump of Hub model cards (`librarian-bots/model_cards_with_metadata`, a Hub dataset
 * repository): Parquet files under `data/` with one row per model that HAS a README:
 *
 *   modelId (string), author (string), last_modified (timestamp), downloads (int64), likes (int64),
 *   library_name (string), tags (list<string>), pipeline_tag (string), createdAt (timestamp), card (string)
 *
 * `ingestCardDump` streams such files into a corpus directory, one row group at a time through a kept
 * Parquet reader, each row through the same Hub-JSON converter as `ingest` of a JSON Lines dump (so the
 * card's YAML header is parsed by `parseCard`, and wrong-typed fields become `ingest` problems on the
 * record). A row without a model id, a repeated id, a row group that cannot be decoded and a file that
 * cannot be read at all go to `<corpus>/ingest-problems.jsonl` with the file, row, model id when known
 * and the reason; the run goes on with the next row, row group or file.
 *
 * What a card dump cannot tell is written into the manifest (`source.notInSource`): models without a
 * README are absent (Table VI's "card not available" cannot be counted), whether a repository is gated
 * is unknown, and arXiv ids come without abstracts (fill them with `hf-se-atlas abstracts`).
 */
import { mkdir } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { streamToFileAtomic } from "../util/atomic";
import { openParquetFile, parquetModules, PARQUET_CREATED_BY } from "../util/parquet";
import type { Progress } from "../util/progress";
import { hubApiToRecord, INGEST_PROBLEMS_FILE } from "./ingest";
import type { ModelRecord } from "./record";
import { createdUpTo, type SnapshotCutoff } from "./snapshot";
import { lockCorpus, openCorpusWriter, type CorpusManifest } from "./store";
import { removeLeftovers } from "../util/leftovers";

export const CARD_DUMP_DATASET = "librarian-bots/model_cards_with_metadata";

/** The dump's columns, in its order. */
export const CARD_DUMP_COLUMNS = [
  "modelId",
  "author",
  "last_modified",
  "downloads",
  "likes",
  "library_name",
  "tags",
  "pipeline_tag",
  "createdAt",
  "card",
] as const;
export type CardDumpColumn = (typeof CARD_DUMP_COLUMNS)[number];

/** Without these a file gives no record at all. */
const REQUIRED_COLUMNS: readonly CardDumpColumn[] = ["modelId", "card"];

/** What a card dump cannot tell, as written into the manifest and shown by `corpus inspect` and Table VI. */
export const CARD_DUMP_NOT_IN_SOURCE = {
  modelsWithoutReadme:
    "the dump lists only models that have a README: models without one are absent, so Table VI's 'card not available' cannot be counted and percentages are of models with a README",
  gatedStatus: "the dump does not say whether a repository is gated; every listed card was readable when the dump was made",
  arxivAbstracts: "arXiv ids come from tags and card links without abstracts; run `hf-se-atlas abstracts --corpus DIR` to fetch them",
} as const;

/** One row of the dump as the reader gives it (values unchecked: a file may hold anything). */
export type CardDumpRow = Partial<Record<CardDumpColumn, unknown>>;

/** The Hub API JSON (the `ingest` converter's input) for one dump row. */
export function cardDumpRowToApiJson(row: CardDumpRow): Record<string, unknown> {
  return {
    id: row.modelId,
    author: row.author,
    createdAt: timestampText(row.createdAt),
    lastModified: timestampText(row.last_modified),
    downloads: countValue(row.downloads),
    likes: countValue(row.likes),
    library_name: row.library_name,
    pipeline_tag: row.pipeline_tag,
    tags: row.tags,
    readme: row.card,
  };
}

/** Timestamps arrive as Date (Parquet TIMESTAMP), or as text in a hand-made file; anything else is passed on to be reported. */
function timestampText(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  return value;
}

/** INT64 columns arrive as bigint. */
function countValue(value: unknown): unknown {
  if (typeof value === "bigint") return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= 0n ? Number(value) : value.toString();
  return value;
}

/** One dump row that did not become a record. */
export interface CardDumpProblem {
  file: string;
  /** Row within the file (0-based), or null for a problem of the whole file or row group. */
  row: number | null;
  id: string | null;
  reason: string;
}

/** One input file as read: its identity (for the manifest) and what it gave. */
export interface CardDumpFileReport {
  /** Path inside the dataset repository (e.g. `data/train-00000-of-00004.parquet`), or the local file name. */
  path: string;
  /** Git blob id and LFS sha256 when the file came from the Hub (pinned by hash); the local sha256 otherwise. */
  oid: string | null;
  sha256: string | null;
  bytes: number;
  rows: number;
  rowGroups: number;
  records: number;
  problemRows: number;
  /** Set when the file could not be read at all (or stopped being readable). */
  error: string | null;
  /** Dump columns the file lacks (stored as null / empty for its rows). */
  missingColumns: string[];
}

/** A local file to ingest, with its pinned identity when known. */
export interface CardDumpInput {
  file: string;
  /** Name to record (default: the file name). */
  path?: string;
  oid?: string | null;
  sha256?: string | null;
}

export interface CardDumpIngestOptions {
  shardSize?: number;
  createdBy?: string;
  /** Keep only models created up to this cut-off. */
  until?: SnapshotCutoff | null;
  /** Where the files came from (dataset, revision), written into the manifest's `source`. */
  origin?: Record<string, unknown>;
  progress?: Progress;
}

export interface CardDumpIngestReport {
  files: CardDumpFileReport[];
  rows: number;
  records: number;
  problemRows: number;
  duplicates: number;
  recordsWithProblems: number;
  /** Rows left out by `until` (created after the cut-off). */
  afterUntil: number;
  /** Rows kept under `until` although their creation date is unknown. */
  undatedKept: number;
  problemsPath: string;
  manifest: CorpusManifest;
}

/**
 * Stream card-dump Parquet files into `corpusDir` (replacing any corpus there), row group by row group.
 * Memory holds one row group, one shard and the set of ids seen. Files are read in the order given.
 */
export async function ingestCardDump(inputs: readonly CardDumpInput[], corpusDir: string, options: CardDumpIngestOptions = {}): Promise<CardDumpIngestReport> {
  if (inputs.length === 0) throw new Error("no card-dump Parquet files to ingest");
  // One writer per corpus directory: a second ingest (or a crawl) into it fails at once, naming this one.
  const lock = lockCorpus(corpusDir);
  try {
    return await ingestCardDumpOwned(inputs, corpusDir, options);
  } finally {
    lock.release();
  }
}

async function ingestCardDumpOwned(inputs: readonly CardDumpInput[], corpusDir: string, options: CardDumpIngestOptions): Promise<CardDumpIngestReport> {
  removeLeftovers(corpusDir, 0); // temporary files of a writer that was killed
  const writer = await openCorpusWriter(corpusDir, {
    shardSize: options.shardSize,
    synthetic: false,
    createdBy: options.createdBy ?? `hf-se-atlas ingest ${inputs.length === 1 ? basename(inputs[0]!.file) : `${inputs.length} card-dump files`}`,
  });
  const problemsPath = `${corpusDir.replace(/\/+$/, "")}/${INGEST_PROBLEMS_FILE}`;
  const seen = new Set<string>();
  const files: CardDumpFileReport[] = [];
  const totals = { rows: 0, problemRows: 0, duplicates: 0, recordsWithProblems: 0, afterUntil: 0, undatedKept: 0 };

  await streamToFileAtomic(problemsPath, async (out) => {
    const report = (entry: CardDumpProblem) => out.write(`${JSON.stringify(entry)}\n`);
    for (const input of inputs) {
      const name = input.path ?? basename(input.file);
      const fileReport: CardDumpFileReport = {
        path: name,
        oid: input.oid ?? null,
        sha256: input.sha256 ?? null,
        bytes: 0,
        rows: 0,
        rowGroups: 0,
        records: 0,
        problemRows: 0,
        error: null,
        missingColumns: [],
      };
      files.push(fileReport);
      let parquet;
      try {
        parquet = await openParquetFile(input.file);
      } catch (error) {
        fileReport.error = (error as Error).message;
        report({ file: name, row: null, id: null, reason: `file not read: ${fileReport.error}` });
        continue;
      }
      try {
        fileReport.bytes = parquet.byteLength;
        fileReport.rowGroups = parquet.rowGroupRows.length;
        fileReport.missingColumns = CARD_DUMP_COLUMNS.filter((c) => !parquet.columns.includes(c));
        const lacking = REQUIRED_COLUMNS.filter((c) => fileReport.missingColumns.includes(c));
        if (lacking.length > 0) {
          fileReport.error = `has no ${lacking.map((c) => `"${c}"`).join(" or ")} column (columns: ${parquet.columns.join(", ")}); none of its ${parquet.rows} rows can be loaded`;
          report({ file: name, row: null, id: null, reason: fileReport.error });
          continue;
        }
        if (fileReport.missingColumns.length > 0) {
          report({
            file: name,
            row: null,
            id: null,
            reason: `columns ${fileReport.missingColumns.join(", ")} are missing; stored as null/empty for all ${parquet.rows} rows of this file`,
          });
        }
        for await (const group of parquet.rowGroups(CARD_DUMP_COLUMNS)) {
          if (group.error) {
            const lost = parquet.rowGroupRows[group.index]!;
            fileReport.rows += lost;
            fileReport.problemRows += lost;
            totals.rows += lost;
            totals.problemRows += lost;
            options.progress?.tick(lost);
            report({ file: name, row: group.firstRow, id: null, reason: `${group.error}; its ${lost} rows are not loaded` });
            continue;
          }
          for (const [offset, row] of group.rows.entries()) {
            const rowNumber = group.firstRow + offset;
            fileReport.rows++;
            totals.rows++;
            options.progress?.tick();
            const rejected = (id: string | null, reason: string) => {
              fileReport.problemRows++;
              totals.problemRows++;
              report({ file: name, row: rowNumber, id, reason });
            };
            const { record, problem } = cardDumpRowToRecord(row as CardDumpRow, `${name} row ${rowNumber}`);
            if (!record) {
              rejected(null, problem!);
              continue;
            }
            if (seen.has(record.id)) {
              totals.duplicates++;
              rejected(record.id, `duplicate id ${record.id}: the first occurrence was kept`);
              continue;
            }
            if (options.until) {
              const kept = createdUpTo(record.createdAt, options.until);
              if (kept === false) {
                totals.afterUntil++;
                continue;
              }
              if (kept === null) totals.undatedKept++;
            }
            seen.add(record.id);
            if (fileReport.missingColumns.length > 0) {
              record.problems.push({
                stage: "ingest",
                code: "column-missing",
                message: `${record.id}: the dump file ${name} has no ${fileReport.missingColumns.join(", ")} column(s); stored as null/empty`,
              });
            }
            if (record.problems.length > 0) totals.recordsWithProblems++;
            fileReport.records++;
            await writer.add(record);
          }
        }
      } finally {
        await parquet.close();
      }
    }
  });
  options.progress?.stop();

  const manifest = await writer.close({
    source: {
      kind: "card-dump",
      ...(options.origin ?? {}),
      files: files.map((f) => ({ ...f })),
      notInSource: { ...CARD_DUMP_NOT_IN_SOURCE },
    },
    ...(options.until ? { snapshot: { until: options.until.iso, afterUntil: totals.afterUntil, undatedKept: totals.undatedKept } } : {}),
    ingest: {
      source: files.map((f) => f.path).join(", "),
      rows: totals.rows,
      problemLines: totals.problemRows,
      duplicates: totals.duplicates,
      recordsWithProblems: totals.recordsWithProblems,
      problemsFile: INGEST_PROBLEMS_FILE,
    },
  });
  return { files, records: manifest.records, ...totals, problemsPath, manifest };
}

/** One dump row -> a record, or why none can be built (no model id). */
export function cardDumpRowToRecord(row: CardDumpRow, where: string): { record?: ModelRecord; problem?: string } {
  const result = hubApiToRecord(cardDumpRowToApiJson(row), where);
  if (!result.record) return result;
  const record = result.record;
  if (row.card === null || row.card === undefined) {
    record.problems.push({
      stage: "ingest",
      code: "card-missing-in-dump",
      message: `${record.id}: the dump row has no card text although the dump lists only models with a README; recorded as no card`,
    });
  }
  return { record };
}

/** A model as written into a card-dump file (benchmarks and tests write dumps in the real layout). */
export interface CardDumpModel {
  modelId: string;
  author: string | null;
  lastModified: Date | null;
  downloads: number | null;
  likes: number | null;
  libraryName: string | null;
  tags: string[];
  pipelineTag: string | null;
  createdAt: Date | null;
  card: string | null;
}

export interface CardDumpWriteOptions {
  /** Rows per row group (default 1000, as `datasets` writes them). */
  rowGroupSize?: number;
  /** Leave these columns out (to make a file with a missing column). */
  omit?: readonly CardDumpColumn[];
}

/**
 * Write models as one card-dump Parquet file in the dump's layout (snappy, timestamps in microseconds,
 * tags as a LIST of strings), row group by row group so memory holds one group. Not atomic: for
 * generated inputs (benchmarks, tests).
 */
export async function writeCardDump(
  path: string,
  models: Iterable<CardDumpModel> | AsyncIterable<CardDumpModel>,
  options: CardDumpWriteOptions = {},
): Promise<{ rows: number; rowGroups: number }> {
  const { writer: lib } = await parquetModules();
  const rowGroupSize = options.rowGroupSize ?? 1000;
  const omit = new Set(options.omit ?? []);
  const string = (name: CardDumpColumn) => ({ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" });
  const elements: Record<CardDumpColumn, object[]> = {
    modelId: [string("modelId")],
    author: [string("author")],
    last_modified: [{ name: "last_modified", type: "INT64", converted_type: "TIMESTAMP_MICROS", repetition_type: "OPTIONAL" }],
    downloads: [{ name: "downloads", type: "INT64", repetition_type: "OPTIONAL" }],
    likes: [{ name: "likes", type: "INT64", repetition_type: "OPTIONAL" }],
    library_name: [string("library_name")],
    tags: [
      { name: "tags", converted_type: "LIST", repetition_type: "OPTIONAL", num_children: 1 },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
      { name: "element", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    ],
    pipeline_tag: [string("pipeline_tag")],
    createdAt: [{ name: "createdAt", type: "INT64", converted_type: "TIMESTAMP_MICROS", repetition_type: "OPTIONAL" }],
    card: [string("card")],
  };
  const columns = CARD_DUMP_COLUMNS.filter((c) => !omit.has(c));
  const schema = [{ name: "schema", num_children: columns.length }, ...columns.flatMap((c) => elements[c])];
  const value = (model: CardDumpModel, column: CardDumpColumn): unknown => {
    switch (column) {
      case "modelId":
        return model.modelId;
      case "author":
        return model.author;
      case "last_modified":
        return model.lastModified;
      case "downloads":
        return model.downloads === null ? null : BigInt(model.downloads);
      case "likes":
        return model.likes === null ? null : BigInt(model.likes);
      case "library_name":
        return model.libraryName;
      case "tags":
        return model.tags;
      case "pipeline_tag":
        return model.pipelineTag;
      case "createdAt":
        return model.createdAt;
      case "card":
        return model.card;
    }
  };
  await mkdir(dirname(path), { recursive: true });
  const out = lib.fileWriter(path);
  const parquet = new lib.ParquetWriter({ writer: out, schema: schema as never, codec: "SNAPPY", createdBy: PARQUET_CREATED_BY });
  let rows = 0;
  let rowGroups = 0;
  let batch: CardDumpModel[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const columnData = columns.map((c) => ({ name: c, data: batch.map((m) => value(m, c)) as never }));
    await parquet.write({ columnData, rowGroupSize: batch.length });
    rows += batch.length;
    rowGroups++;
    batch = [];
  };
  for await (const model of models) {
    batch.push(model);
    if (batch.length >= rowGroupSize) await flush();
  }
  await flush();
  await parquet.finish();
  return { rows, rowGroups };
}
