/**
 * Download the Hub's card dump (`librarian-bots/model_cards_with_metadata`, a dataset repository) through
 * @huggingface/hub's `listFiles` / `downloadFile`, with the project's retrying, rate-limit-aware fetch.
 *
 * - The listing (`/api/datasets/{name}/tree/{revision}/{path}`, paged by the `Link` header) gives every
 *   Parquet file with its git blob id (`oid`) and, for LFS files, its sha256 (`lfs.oid`). Each file is
 *   pinned by that hash: the download is checked against it (sha256 for LFS, the git blob sha1
 *   otherwise), and the hash goes into the corpus manifest. The dataset's history is squashed, so a
 *   revision name alone does not pin anything.
 * - Resumable: a file is downloaded in byte ranges into `<path>.part`, beside a note of the hash it
 *   belongs to; a rerun continues a part for the same hash and reuses a finished file whose hash still
 *   matches the listing. A file whose bytes do not match its hash is deleted and reported, never used.
 * - Xet-backed files are fetched through the `resolve` URL (`xet: false`), so every byte goes through
 *   the same retries and rate limits.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, promises as fs, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { downloadFile, listFiles, type ListFileEntry } from "@huggingface/hub";
import { CARD_DUMP_DATASET } from "../corpus/card-dump";
import { writeFileAtomic } from "../util/atomic";
import { createProgress, type ProgressOptions } from "../util/progress";
import { HttpGiveUpError, type HttpClient } from "./http";

export interface CardDumpDownloadOptions {
  http: HttpClient;
  /** Dataset repository (default librarian-bots/model_cards_with_metadata). */
  dataset?: string;
  /** Branch, tag or commit (default main). */
  revision?: string;
  hubUrl?: string;
  /** Folder of the Parquet files inside the repository (default `data`). */
  path?: string;
  /** Where downloaded files are kept (reused by later runs). */
  downloadDir: string;
  /** Bytes per range request (default 16 MiB). */
  chunkBytes?: number;
  progress?: ProgressOptions["mode"];
  log?: (line: string) => void;
}

/** One file of the dump, pinned by hash, with where it lies locally. */
export interface DownloadedDumpFile {
  /** Path inside the repository. */
  path: string;
  /** Git blob id from the listing. */
  oid: string | null;
  /** sha256 of the content (the LFS oid), checked after download. */
  sha256: string | null;
  size: number;
  file: string;
  /** True when an earlier run had already downloaded it. */
  reused: boolean;
}

export interface CardDumpDownload {
  dataset: string;
  revision: string;
  files: DownloadedDumpFile[];
  /** Files that could not be downloaded or failed their hash check, with the reason. */
  failed: Array<{ path: string; reason: string }>;
  bytesDownloaded: number;
}

/** The note kept beside a partial or finished download: which pinned file its bytes belong to. */
interface PinNote {
  path: string;
  oid: string | null;
  sha256: string | null;
  size: number;
}

export async function downloadCardDump(options: CardDumpDownloadOptions): Promise<CardDumpDownload> {
  const dataset = options.dataset ?? CARD_DUMP_DATASET;
  const revision = options.revision ?? "main";
  const folder = options.path ?? "data";
  const chunkBytes = options.chunkBytes ?? 16 * 1024 * 1024;
  const log = options.log ?? (() => undefined);
  const repo = { type: "dataset" as const, name: dataset };
  const common = { repo, revision, hubUrl: options.hubUrl, fetch: options.http.fetch };

  const entries: ListFileEntry[] = [];
  try {
    for await (const entry of listFiles({ ...common, path: folder, recursive: true })) {
      if (entry.type === "file" && entry.path.endsWith(".parquet")) entries.push(entry);
    }
  } catch (error) {
    throw new Error(`listing ${dataset}@${revision}/${folder} failed: ${reason(error)}`, { cause: error });
  }
  if (entries.length === 0) throw new Error(`${dataset}@${revision} has no Parquet files under ${folder}/`);
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const total = entries.reduce((sum, e) => sum + e.size, 0);
  const progress = createProgress({ label: `download ${dataset}`, total: Math.round(total / 1e6), unit: "MB", mode: options.progress });
  let downloaded = 0;
  let reported = 0;
  const tick = (bytes: number) => {
    downloaded += bytes;
    const mb = Math.floor(downloaded / 1e6);
    if (mb > reported) {
      progress.tick(mb - reported);
      reported = mb;
    }
  };
  const files: DownloadedDumpFile[] = [];
  const failed: CardDumpDownload["failed"] = [];
  let bytesDownloaded = 0;
  try {
    for (const entry of entries) {
      const pin: PinNote = { path: entry.path, oid: entry.oid ?? null, sha256: entry.lfs?.oid ?? null, size: entry.size };
      const target = join(options.downloadDir, ...entry.path.split("/"));
      const note = `${target}.pin.json`;
      if (existsSync(target) && samePin(readPin(note), pin) && (await fs.stat(target)).size === pin.size) {
        files.push({ ...pin, file: target, reused: true });
        tick(pin.size);
        continue;
      }
      try {
        const fetched = await downloadPinned(entry, pin, target, chunkBytes, common, tick);
        bytesDownloaded += fetched;
        await writeFileAtomic(note, `${JSON.stringify(pin, null, 2)}\n`);
        files.push({ ...pin, file: target, reused: false });
      } catch (error) {
        failed.push({ path: entry.path, reason: reason(error) });
        log(`${entry.path}: ${reason(error)}`);
      }
    }
  } finally {
    progress.stop();
  }
  return { dataset, revision, files, failed, bytesDownloaded };
}

/** Download one file into `<target>.part` (continuing a part for the same pin), check its hash, then move it into place. */
async function downloadPinned(
  entry: ListFileEntry,
  pin: PinNote,
  target: string,
  chunkBytes: number,
  common: { repo: { type: "dataset"; name: string }; revision: string; hubUrl?: string; fetch: typeof fetch },
  tick: (bytes: number) => void,
): Promise<number> {
  await fs.mkdir(dirname(target), { recursive: true });
  const part = `${target}.part`;
  const partNote = `${part}.pin.json`;
  let offset = 0;
  if (existsSync(part) && samePin(readPin(partNote), pin)) {
    offset = Math.min((await fs.stat(part)).size, pin.size);
    await fs.truncate(part, offset);
  } else {
    await fs.rm(part, { force: true });
    await fs.writeFile(part, new Uint8Array(0));
    await writeFileAtomic(partNote, `${JSON.stringify(pin, null, 2)}\n`);
  }
  tick(offset);
  let fetched = 0;
  if (offset < pin.size) {
    const blob = await downloadFile({ ...common, path: entry.path, xet: false });
    if (!blob) throw new Error(`the Hub has no file ${entry.path} at ${common.revision}`);
    if (blob.size !== pin.size) throw new Error(`the Hub serves ${blob.size} bytes but the listing says ${pin.size}`);
    const handle = await fs.open(part, "r+");
    try {
      while (offset < pin.size) {
        const end = Math.min(pin.size, offset + chunkBytes);
        const bytes = new Uint8Array(await blob.slice(offset, end).arrayBuffer());
        if (bytes.byteLength !== end - offset) throw new Error(`range ${offset}-${end - 1} came back with ${bytes.byteLength} bytes`);
        await handle.write(bytes, 0, bytes.byteLength, offset);
        offset = end;
        fetched += bytes.byteLength;
        tick(bytes.byteLength);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  const mismatch = await hashMismatch(part, pin);
  if (mismatch) {
    await fs.rm(part, { force: true });
    await fs.rm(partNote, { force: true });
    throw new Error(`downloaded bytes do not match the pinned hash (${mismatch}); the file was deleted`);
  }
  await fs.rename(part, target);
  await fs.rm(partNote, { force: true });
  return fetched;
}

/** Why the file does not match its pin (sha256 for LFS files, git blob sha1 otherwise), or null when it does. */
export async function hashMismatch(file: string, pin: Pick<PinNote, "oid" | "sha256" | "size">): Promise<string | null> {
  const size = (await fs.stat(file)).size;
  if (size !== pin.size) return `${size} bytes, expected ${pin.size}`;
  if (pin.sha256) {
    const actual = await digest(file, createHash("sha256"));
    return actual === pin.sha256 ? null : `sha256 ${actual}, expected ${pin.sha256}`;
  }
  if (pin.oid) {
    const git = createHash("sha1").update(`blob ${size}\0`);
    const actual = await digest(file, git);
    return actual === pin.oid ? null : `git blob id ${actual}, expected ${pin.oid}`;
  }
  return null;
}

async function digest(file: string, hash: ReturnType<typeof createHash>): Promise<string> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function readPin(path: string): PinNote | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PinNote;
  } catch {
    return null;
  }
}

function samePin(a: PinNote | null, b: PinNote): boolean {
  return a !== null && a.path === b.path && a.oid === b.oid && a.sha256 === b.sha256 && a.size === b.size;
}

function reason(error: unknown): string {
  if (error instanceof HttpGiveUpError) return `${error.reason} (after ${error.attempts} attempts)`;
  return error instanceof Error ? error.message : String(error);
}
