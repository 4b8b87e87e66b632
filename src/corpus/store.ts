/**
 * The corpus directory: Arrow IPC file shards of ModelRecord rows plus a manifest.
 *
 *   <dir>/manifest.json        {format, version, createdBy, synthetic, records, shards: [{file, records}], ...extra}
 *   <dir>/models-00000.arrow   one record batch per shard; columns in ./arrow-schema.ts
 *
 * - Memory is bounded by one shard on both sides: the writer buffers `shardSize` records, the
 *   reader decodes one shard at a time.
 * - Every file is written atomically. A fresh (non-append) writer first removes the old manifest,
 *   so a reader never sees a mix of old and new shards, and at close deletes shard files the new
 *   manifest no longer lists.
 * - Append mode adds shards after the existing ones and rewrites the manifest after every shard,
 *   so an interrupted incremental collection keeps everything flushed so far.
 * - Deterministic: the same records and options give byte-identical shards and manifest (the
 *   manifest holds no timestamps unless the caller passes them in `extra`).
 */
import { promises as fs, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { RecordBatch, Table, tableFromIPC, tableToIPC } from "apache-arrow";
import { ensureDirectory, writeFileAtomic } from "../util/atomic";
import { sha256 } from "../util/hash";
import { acquireLock, type HeldLock } from "../util/lock";
import { batchColumns, batchToRecords, recordsToBatch, type CorpusColumnName, type CorpusColumns } from "./arrow-schema";
import type { ModelRecord } from "./record";
import { errorMessage } from "../util/text";

export const CORPUS_FORMAT = "hf-se-atlas-corpus";
export const CORPUS_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";
/** The writer that owns a corpus directory while it writes (src/util/lock.ts); gone when it is done. */
export const CORPUS_LOCK_FILE = ".hf-se-atlas-corpus.lock";
export const DEFAULT_SHARD_SIZE = 5000;
const SHARD_NAME = /^models-(\d{5,})\.arrow$/;
const ARROW_MAGIC = Buffer.from("ARROW1");

export interface ShardEntry {
  file: string;
  records: number;
}

export interface CorpusManifest {
  format: typeof CORPUS_FORMAT;
  version: typeof CORPUS_VERSION;
  createdBy: string;
  /** True for generated (demo / benchmark) corpora, so no result built on them passes as real data. */
  synthetic: boolean;
  records: number;
  shards: ShardEntry[];
  /**
   * False while a crawl is writing the corpus, and for good if it was interrupted (`cursor` then says
   * where the listing stood); true once it finished. Absent for corpora written whole (ingest, demo).
   */
  complete?: boolean;
  cursor?: unknown;
  /** Writer-specific extras (e.g. ingest counts), kept in the order given. */
  [extra: string]: unknown;
}

export interface CorpusWriterOptions {
  /** Records per shard (default 5000). */
  shardSize?: number;
  synthetic?: boolean;
  /** Who wrote the corpus, e.g. "ingest hub-dump.jsonl" (default "hf-se-atlas"). */
  createdBy?: string;
  /** Add shards to an existing corpus (created if missing) instead of replacing it. */
  append?: boolean;
}

export interface CorpusWriter {
  /** Buffer one record; writes a shard when the buffer is full. Await it to bound memory. */
  add(record: ModelRecord): Promise<void>;
  /** Records added so far by this writer. */
  readonly added: number;
  /** Flush the last shard and write the manifest; `extra` fields are merged into it. */
  close(extra?: Record<string, unknown>): Promise<CorpusManifest>;
}

export function shardFileName(index: number): string {
  return `models-${String(index).padStart(5, "0")}.arrow`;
}

export async function openCorpusWriter(dir: string, options: CorpusWriterOptions = {}): Promise<CorpusWriter> {
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new Error(`shard size must be a positive integer, got ${shardSize}`);
  await ensureDirectory(dir);
  const manifestPath = join(dir, MANIFEST_FILE);
  let previous: CorpusManifest | null = null;
  if (options.append) {
    previous = (await fileExists(manifestPath)) ? await readManifest(dir) : null;
    if (previous && options.synthetic !== undefined && previous.synthetic !== options.synthetic) {
      throw new Error(
        `${manifestPath}: cannot append ${options.synthetic ? "synthetic" : "real"} records to a ${previous.synthetic ? "synthetic" : "real"} corpus`,
      );
    }
  } else {
    await fs.rm(manifestPath, { force: true });
  }
  const manifestBase = {
    createdBy: previous?.createdBy ?? options.createdBy ?? "hf-se-atlas",
    synthetic: previous?.synthetic ?? options.synthetic ?? false,
  };
  const previousExtra = previous ? extrasOf(previous) : {};
  const shards: ShardEntry[] = previous ? previous.shards.map((s) => ({ ...s })) : [];
  let nextIndex = previous ? nextShardIndex(previous.shards) : 0;
  let buffer: ModelRecord[] = [];
  let added = 0;
  let closed = false;
  // Flushes run one after another even if a caller forgets to await add().
  let pending: Promise<void> = Promise.resolve();

  const manifestOf = (extra: Record<string, unknown>): CorpusManifest => ({
    format: CORPUS_FORMAT,
    version: CORPUS_VERSION,
    createdBy: manifestBase.createdBy,
    synthetic: manifestBase.synthetic,
    records: shards.reduce((sum, s) => sum + s.records, 0),
    shards,
    ...previousExtra,
    ...extra,
  });

  const flush = async (batch: ModelRecord[]) => {
    if (batch.length === 0) return;
    const file = shardFileName(nextIndex++);
    await writeFileAtomic(join(dir, file), encodeShard(batch));
    shards.push({ file, records: batch.length });
    if (options.append) await writeManifest(dir, manifestOf({}));
  };

  return {
    get added() {
      return added;
    },
    add(record: ModelRecord): Promise<void> {
      if (closed) return Promise.reject(new Error(`corpus writer for ${dir} is closed (model ${record.id})`));
      buffer.push(record);
      added++;
      if (buffer.length >= shardSize) {
        const batch = buffer;
        buffer = [];
        pending = pending.then(() => flush(batch));
      }
      return pending;
    },
    async close(extra: Record<string, unknown> = {}): Promise<CorpusManifest> {
      if (closed) throw new Error(`corpus writer for ${dir} is already closed`);
      closed = true;
      const batch = buffer;
      buffer = [];
      pending = pending.then(() => flush(batch));
      await pending;
      const manifest = manifestOf(extra);
      await writeManifest(dir, manifest);
      if (!options.append) await removeUnlistedShards(dir, manifest);
      return manifest;
    },
  };
}

function extrasOf(manifest: CorpusManifest): Record<string, unknown> {
  const { format: _f, version: _v, createdBy: _c, synthetic: _s, records: _r, shards: _sh, ...extra } = manifest;
  return extra;
}

function nextShardIndex(shards: readonly ShardEntry[]): number {
  let next = 0;
  for (const shard of shards) {
    const match = SHARD_NAME.exec(shard.file);
    if (match) next = Math.max(next, Number(match[1]) + 1);
  }
  return Math.max(next, shards.length);
}

async function writeManifest(dir: string, manifest: CorpusManifest): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

async function removeUnlistedShards(dir: string, manifest: CorpusManifest): Promise<void> {
  const listed = new Set(manifest.shards.map((s) => s.file));
  for (const name of await fs.readdir(dir)) {
    if (SHARD_NAME.test(name) && !listed.has(name)) await fs.rm(join(dir, name), { force: true });
  }
}

/** Own the corpus directory while writing it (one writer at a time; see src/util/lock.ts). */
export function lockCorpus(dir: string): HeldLock {
  return acquireLock(join(dir, CORPUS_LOCK_FILE), { what: "corpus" });
}

/**
 * Why a corpus is not whole, or null: a crawl marked it incomplete (interrupted, or still running) and
 * the manifest says where it stopped.
 */
export function incompleteCorpus(dir: string, manifest: CorpusManifest): string | null {
  if (manifest.complete !== false) return null;
  const cursor = manifest.cursor as { nextPageUrl?: unknown; listed?: unknown } | undefined;
  const where = typeof cursor?.listed === "number" ? `${cursor.listed} models listed` : "the crawl";
  return `corpus ${dir} is incomplete: its crawl stopped before the end (${manifest.records} models written, ${where}${typeof cursor?.nextPageUrl === "string" ? `, next page ${cursor.nextPageUrl}` : ""})`;
}

/** Rewrite the manifest with `fields` merged in (a field set to undefined is dropped). */
export async function updateManifest(dir: string, fields: Record<string, unknown>): Promise<CorpusManifest> {
  const manifest: CorpusManifest = { ...(await readManifest(dir)), ...fields };
  for (const [key, value] of Object.entries(fields)) if (value === undefined) delete manifest[key];
  await writeManifest(dir, manifest);
  return manifest;
}

/**
 * The fingerprint a run records of its corpus: the manifest's bytes and each shard's size (a corpus
 * rewritten or extended changes them), without reading the shards.
 */
export function corpusFingerprint(dir: string): string {
  const bytes = readFileSync(join(dir, MANIFEST_FILE));
  const manifest = JSON.parse(bytes.toString("utf8")) as Partial<CorpusManifest>;
  const sizes = (manifest.shards ?? []).map((s) => `${s.file}:${statSync(join(dir, s.file)).size}`);
  return sha256(`${sha256(bytes)}\n${sizes.join("\n")}`);
}

/** Arrow IPC file bytes for one shard. */
export function encodeShard(records: readonly ModelRecord[]): Uint8Array {
  return tableToIPC(new Table([recordsToBatch(records)]), "file");
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/** Read and check `manifest.json`; errors name the file and what is wrong with it. */
export async function readManifest(dir: string): Promise<CorpusManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `no corpus at ${dir}: ${path} is missing` : `cannot read corpus manifest ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`corrupt corpus manifest ${path}: ${errorMessage(error)}`, { cause: error });
  }
  const m = value as Partial<CorpusManifest> | null;
  const bad = (why: string) => new Error(`corrupt corpus manifest ${path}: ${why}`);
  if (typeof m !== "object" || m === null || Array.isArray(m)) throw bad("not a JSON object");
  if (m.format !== CORPUS_FORMAT) throw bad(`format is ${JSON.stringify(m.format)}, expected "${CORPUS_FORMAT}"`);
  if (m.version !== CORPUS_VERSION) throw bad(`version ${JSON.stringify(m.version)} is not supported (this build reads ${CORPUS_VERSION})`);
  if (!Array.isArray(m.shards)) throw bad("shards is not a list");
  for (const [i, shard] of m.shards.entries()) {
    if (typeof shard?.file !== "string" || !SHARD_NAME.test(shard.file) || !Number.isInteger(shard.records) || shard.records < 0) {
      throw bad(`shard entry ${i} is ${JSON.stringify(shard)}, expected {file: "models-NNNNN.arrow", records: n}`);
    }
  }
  const total = m.shards.reduce((sum, s) => sum + s.records, 0);
  if (m.records !== total) throw bad(`records is ${JSON.stringify(m.records)} but the shards hold ${total}`);
  if (typeof m.synthetic !== "boolean") throw bad("synthetic is not true/false");
  if (typeof m.createdBy !== "string") throw bad("createdBy is not a string");
  return m as CorpusManifest;
}

/** Decode one shard file; a truncated or foreign file gives an error naming it. */
export async function readShard(dir: string, shard: ShardEntry): Promise<ModelRecord[]> {
  const batch = await readShardBatch(dir, shard);
  return batch ? batchToRecords(batch, join(dir, shard.file)) : [];
}

async function readShardBatch(dir: string, shard: ShardEntry): Promise<RecordBatch | null> {
  const path = join(dir, shard.file);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    throw new Error(`corpus shard ${path} cannot be read: ${errorMessage(error)}`, { cause: error });
  }
  const magicAt = (offset: number) => bytes.subarray(offset, offset + ARROW_MAGIC.length).equals(ARROW_MAGIC);
  if (bytes.length < 2 * ARROW_MAGIC.length + 2 || !magicAt(0)) throw new Error(`corpus shard ${path} is not an Arrow IPC file`);
  if (!magicAt(bytes.length - ARROW_MAGIC.length)) throw new Error(`corpus shard ${path} is truncated (no Arrow footer); ${bytes.length} bytes`);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new Error(`corpus shard ${path} is corrupt: ${errorMessage(error)}`, { cause: error });
  }
  if (table.numRows !== shard.records) {
    throw new Error(`corpus shard ${path} holds ${table.numRows} records but the manifest says ${shard.records}`);
  }
  if (table.batches.length > 1) throw new Error(`corpus shard ${path} has ${table.batches.length} record batches, expected one`);
  return table.batches[0] ?? null;
}

/** Records shard by shard, in manifest order (memory bounded by one shard). */
export async function* readCorpusBatches(dir: string): AsyncGenerator<ModelRecord[]> {
  const manifest = await readManifest(dir);
  for (const shard of manifest.shards) yield await readShard(dir, shard);
}

/** Every record at once; for small corpora (tests, the demo). */
export async function readCorpus(dir: string): Promise<ModelRecord[]> {
  const all: ModelRecord[] = [];
  for await (const batch of readCorpusBatches(dir)) for (const record of batch) all.push(record);
  return all;
}

/** The record with `modelId`, or null; only the id column is decoded until its shard is found. */
export async function findRecord(dir: string, modelId: string): Promise<ModelRecord | null> {
  const manifest = await readManifest(dir);
  for (const shard of manifest.shards) {
    const batch = await readShardBatch(dir, shard);
    if (!batch) continue;
    const where = join(dir, shard.file);
    const row = batchColumns(batch, ["id"], where).id.indexOf(modelId);
    if (row >= 0) return batchToRecords(batch, where)[row]!;
  }
  return null;
}

/** Ids already in a corpus (reads only the id column); an empty set when there is no corpus yet. */
export async function existingIds(dir: string): Promise<Set<string>> {
  return new Set((await existingModels(dir)).keys());
}

/**
 * Id -> lastModified for every model in a corpus, reading only those two columns (what an
 * incremental collector needs to skip unchanged models); empty when there is no corpus yet.
 */
export async function existingModels(dir: string): Promise<Map<string, string | null>> {
  const models = new Map<string, string | null>();
  if (!(await fileExists(join(dir, MANIFEST_FILE)))) return models;
  for await (const { id, lastModified } of readCorpusColumns(dir, ["id", "lastModified"])) {
    for (let i = 0; i < id.length; i++) models.set(id[i]!, lastModified[i]!);
  }
  return models;
}

/**
 * Selected columns, shard by shard, without building whole records: e.g.
 * `readCorpusColumns(dir, ["id", "tags", "cardStatus"])` skips decoding card texts entirely.
 */
export async function* readCorpusColumns<K extends CorpusColumnName>(dir: string, names: readonly K[]): AsyncGenerator<CorpusColumns<K>> {
  const manifest = await readManifest(dir);
  for (const shard of manifest.shards) {
    const batch = await readShardBatch(dir, shard);
    if (batch) yield batchColumns(batch, names, join(dir, shard.file));
  }
}

/**
 * Rewrite every record of a corpus in place, safely: each shard is read, transformed and written as a
 * NEW shard file beside the old ones; only when all are written does the manifest switch to them (one
 * atomic rename), and then the old shard files go. A crash before the switch leaves the old corpus
 * whole (the unlisted new files are removed by the next rewrite); `extra` is merged into the manifest.
 */
export async function rewriteCorpus(
  dir: string,
  transform: (records: ModelRecord[], shard: ShardEntry) => ModelRecord[] | Promise<ModelRecord[]>,
  extra: Record<string, unknown> = {},
): Promise<CorpusManifest> {
  const before = await readManifest(dir);
  await removeUnlistedShards(dir, before);
  let next = nextShardIndex(before.shards);
  const shards: ShardEntry[] = [];
  try {
    for (const shard of before.shards) {
      const records = await transform(await readShard(dir, shard), shard);
      const file = shardFileName(next++);
      await writeFileAtomic(join(dir, file), encodeShard(records));
      shards.push({ file, records: records.length });
    }
  } catch (error) {
    await Promise.all(shards.map((s) => fs.rm(join(dir, s.file), { force: true })));
    throw error;
  }
  const manifest: CorpusManifest = { ...before, ...extra, records: shards.reduce((sum, s) => sum + s.records, 0), shards };
  await writeManifest(dir, manifest);
  await removeUnlistedShards(dir, manifest);
  return manifest;
}
