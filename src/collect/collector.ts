/**
 * The crawler: list every model (newest first), download its README, resolve its arXiv papers,
 * and append records to a corpus directory batch by batch, checkpointing after each batch.
 *
 * - Resumable: after a crash (even SIGKILL), `resume: true` continues from the checkpoint's page;
 *   models already in the corpus are skipped, so the final corpus equals an uninterrupted run's.
 * - Incremental (paper §V-B): `since` stops the listing at the first model created at or before the
 *   cut-off (the listing is sorted by createdAt, newest first) and merges the new models into an
 *   existing corpus. Models already present are not collected again; those whose `lastModified`
 *   changed are reported as updated (the corpus is append-only; re-collect to refresh them).
 * - `limit` takes the first N models of the listing (the N newest), counting ones already present.
 *
 * Output in `outDir`: the corpus (manifest.json + models-NNNNN.arrow, appended batch by batch, in
 * listing order), collect-checkpoint.json, and collect-report.json (this run's counts and the full
 * list of updated ids). A README that cannot be read is still a record (status none / gated /
 * failed, with the reason in `problems`); only a listing that fails after its retries stops the
 * crawl, and a rerun with `resume` picks it up.
 */
import { join } from "node:path";
import type { ModelRecord } from "../corpus/record";
import { createdUpTo, parseUntil } from "../corpus/snapshot";
import { ensureDirectorySync, writeFileAtomic } from "../util/atomic";
import { createProgress, type Progress, type ProgressOptions } from "../util/progress";
import { SeededRandom } from "../util/random";
import { ARXIV_API_URL, ARXIV_BATCH_SIZE, ARXIV_DELAY_MS, ArxivResolver, arxivHttpOptions } from "./arxiv";
import { readCheckpoint, resumeMismatch, writeCheckpoint, type CollectCheckpoint } from "./checkpoint";
import { appendToCorpus, lockCorpusForCrawl, markCrawl, readExistingModels } from "./corpus-sink";
import { removeLeftovers } from "../util/leftovers";
import { createHttpClient, type HttpClient, type RetryEvent } from "./http";
import { fetchReadme, listModelPages, type HubModelJson } from "./hub";
import { attachPapers, recordFromListing } from "./records";
import { errorMessage } from "../util/text";

export const HUB_URL = "https://huggingface.co";

export interface CollectOptions {
  outDir: string;
  hubUrl?: string;
  arxivUrl?: string;
  /** ISO date or timestamp; only models created strictly after it are collected. */
  since?: string | null;
  /** Snapshot cut-off (YYYY-MM-DD, the whole day, or an ISO timestamp): models created after it are skipped. */
  until?: string | null;
  /** Take only the first N listed models. */
  limit?: number | null;
  /** Continue an unfinished crawl from its checkpoint. */
  resume?: boolean;
  /** README downloads in flight at once (default 8). */
  concurrency?: number;
  /** Attempts per request (default 5). */
  maxRetries?: number;
  timeoutMs?: number;
  baseDelayMs?: number;
  retryAfterCapMs?: number;
  arxivDelayMs?: number;
  arxivBatchSize?: number;
  /** Models per written batch (one corpus append + checkpoint each; default 2000). */
  batchSize?: number;
  /** Hugging Face token (the CLI reads HF_TOKEN); sent to the Hub only, never written. */
  token?: string;
  /** Seed for retry jitter. */
  seed?: number | string;
  progress?: ProgressOptions["mode"];
  /** One line per notable event (retries, skips); never receives secrets. */
  log?: (line: string) => void;
}

export interface CollectSummary {
  outDir: string;
  resumed: boolean;
  /** Why the listing ended. */
  stoppedBy: "end" | "since" | "limit" | "already-finished";
  listed: number;
  written: number;
  skippedExisting: number;
  /** Ids already in the corpus whose lastModified differs from the listing's. */
  updated: string[];
  /** Listed models created after the `until` cut-off (not collected). */
  afterUntil: number;
  /** Listed models no record could be made of (e.g. a control character in the id), with the reason. */
  refused: Array<{ id: string; reason: string }>;
  cardStatus: Record<string, number>;
  arxiv: { requests: number; resolved: number; missing: number; failed: number };
  http: { requests: number; retries: number; givenUp: number };
  seconds: number;
}

/**
 * Crawl into `options.outDir`, owning it meanwhile (one writer at a time). The manifest says
 * `complete: false` (with the listing cursor) from the first write until the listing ends, so an
 * interrupted crawl is never read as a finished one.
 */
export async function collect(options: CollectOptions): Promise<CollectSummary> {
  const lock = lockCorpusForCrawl(options.outDir);
  try {
    return await collectOwned(options);
  } finally {
    lock.release();
  }
}

async function collectOwned(options: CollectOptions): Promise<CollectSummary> {
  const started = Date.now();
  const hubUrl = (options.hubUrl ?? HUB_URL).replace(/\/+$/, "");
  const since = options.since ? normaliseSince(options.since) : null;
  const sinceMs = since === null ? null : Date.parse(since);
  const limit = options.limit ?? null;
  const until = options.until ? parseUntil(options.until) : null;
  if (limit !== null && !(Number.isInteger(limit) && limit > 0)) throw new Error(`--limit must be a positive integer, got ${limit}`);
  const batchSize = options.batchSize ?? 2000;
  const log = options.log ?? (() => undefined);
  ensureDirectorySync(options.outDir);
  removeStaleTempFiles(options.outDir);

  const settings = { hubUrl, since, limit, until: until?.iso ?? null };
  const previous = readCheckpoint(options.outDir);
  let checkpoint: CollectCheckpoint = {
    format: "hf-se-atlas-collect-checkpoint",
    version: 1,
    ...settings,
    nextPageUrl: null,
    listed: 0,
    written: 0,
    finished: false,
  };
  let resumed = false;
  if (previous && !previous.finished) {
    if (!options.resume) throw new Error(`${options.outDir} holds an unfinished crawl; rerun with --resume to continue it`);
    const mismatch = resumeMismatch(previous, settings);
    if (mismatch) throw new Error(`cannot resume in ${options.outDir}: ${mismatch}`);
    checkpoint = previous;
    resumed = true;
  } else if (previous?.finished && options.resume && resumeMismatch(previous, settings) === null) {
    return { ...emptySummary(options.outDir, started), resumed: true, stoppedBy: "already-finished", listed: previous.listed, written: 0 };
  }

  const random = new SeededRandom(options.seed ?? "collect");
  const onRetry = (event: RetryEvent) => log(`retry ${event.attempt} in ${event.delayMs} ms: ${event.url}: ${event.reason}`);
  const common = {
    maxRetries: options.maxRetries,
    timeoutMs: options.timeoutMs,
    baseDelayMs: options.baseDelayMs,
    retryAfterCapMs: options.retryAfterCapMs,
    onRetry,
    userAgent: "hf-se-atlas collect",
  };
  const hubHttp = createHttpClient({
    ...common,
    concurrency: options.concurrency ?? 8,
    token: options.token,
    tokenOrigin: new URL(hubUrl).origin,
    random: random.fork("hub"),
  });
  const arxivHttp = createHttpClient({ ...common, ...arxivHttpOptions(options.arxivDelayMs ?? ARXIV_DELAY_MS), random: random.fork("arxiv") });
  const arxiv = new ArxivResolver(arxivHttp, options.arxivUrl ?? ARXIV_API_URL, options.arxivBatchSize ?? ARXIV_BATCH_SIZE);

  const existing = await readExistingModels(options.outDir);
  const summary = { ...emptySummary(options.outDir, started), resumed, listed: checkpoint.listed, written: checkpoint.written };
  await markCrawl(options.outDir, { nextPageUrl: checkpoint.nextPageUrl, listed: checkpoint.listed, written: checkpoint.written });
  // Created with the first listing page, so a crawl that cannot even start prints only its error.
  let progress: Progress | null = null;
  const startProgress = () => (progress ??= createProgress({ label: "collect", unit: "models", mode: options.progress }));
  let pending: HubModelJson[] = [];
  const takenThisRun = new Set<string>();

  const flush = async (nextPageUrl: string | null, finished: boolean) => {
    startProgress().setTotal(takenThisRun.size);
    const records = await buildRecords(
      pending,
      hubUrl,
      hubHttp,
      arxiv,
      () => startProgress().tick(),
      (id, reason) => {
        summary.refused.push({ id, reason });
        log(`refused ${JSON.stringify(id)}: ${reason}`);
      },
    );
    if (records.length > 0) await appendToCorpus(options.outDir, records);
    for (const record of records) {
      existing.set(record.id, record.lastModified);
      summary.cardStatus[record.cardStatus] = (summary.cardStatus[record.cardStatus] ?? 0) + 1;
    }
    summary.written += records.length;
    pending = [];
    checkpoint = { ...checkpoint, nextPageUrl, listed: summary.listed, written: summary.written, finished };
    await writeCheckpoint(options.outDir, checkpoint);
    await markCrawl(options.outDir, finished ? null : { nextPageUrl, listed: summary.listed, written: summary.written });
  };

  let stoppedBy: CollectSummary["stoppedBy"] = "end";
  const limitReached = () => limit !== null && summary.listed >= limit;
  try {
    pages: for await (const page of listModelPages({ hubUrl, http: hubHttp, startUrl: checkpoint.nextPageUrl })) {
      startProgress();
      for (const item of page.items) {
        if (limitReached()) {
          stoppedBy = "limit";
          break pages;
        }
        if (sinceMs !== null && createdAtOrBefore(item, sinceMs)) {
          stoppedBy = "since";
          break pages;
        }
        if (until && typeof item.createdAt === "string" && createdUpTo(item.createdAt, until) === false) {
          summary.afterUntil++;
          continue; // newer than the snapshot: the listing goes on to older models
        }
        summary.listed++;
        if (existing.has(item.id)) {
          summary.skippedExisting++;
          const before = existing.get(item.id);
          if (typeof item.lastModified === "string" && before !== null && before !== undefined && before !== item.lastModified && !takenThisRun.has(item.id)) {
            summary.updated.push(item.id);
          }
          continue;
        }
        if (takenThisRun.has(item.id)) continue; // listed twice (the listing shifted under us)
        takenThisRun.add(item.id);
        pending.push(item);
      }
      // The Hub does not say how many models it holds: the total is what has been listed so far.
      startProgress().setTotal(takenThisRun.size);
      if (limitReached()) {
        stoppedBy = "limit"; // no need to fetch another page
        break;
      }
      if (pending.length >= batchSize) await flush(page.next, false);
    }
    // The listing ended (or a stop rule fired): write what is left and mark the crawl finished.
    await flush(null, true);
  } finally {
    (progress as Progress | null)?.stop();
  }
  summary.stoppedBy = stoppedBy;
  summary.arxiv = { ...arxiv.stats };
  summary.http = {
    requests: hubHttp.stats.requests + arxivHttp.stats.requests,
    retries: hubHttp.stats.retries + arxivHttp.stats.retries,
    givenUp: hubHttp.stats.givenUp + arxivHttp.stats.givenUp,
  };
  summary.seconds = (Date.now() - started) / 1000;
  await writeReport(options.outDir, summary);
  return summary;
}

/** Atomic writes interrupted by a kill leave `.<name>.tmp-<pid>-<hex>` files; drop those of dead processes. */
function removeStaleTempFiles(dir: string): void {
  removeLeftovers(dir, 0);
}

export const REPORT_FILE = "collect-report.json";

/** What this run did, in full (the CLI prints only the first updated ids). No timings, so equal runs write equal reports. */
async function writeReport(outDir: string, summary: CollectSummary): Promise<void> {
  const { seconds: _seconds, http: _http, outDir: _dir, ...stable } = summary;
  await writeFileAtomic(join(outDir, REPORT_FILE), `${JSON.stringify(stable, null, 2)}\n`);
}

/** README downloads run concurrently (bounded by the HTTP client); records keep listing order. */
async function buildRecords(
  items: HubModelJson[],
  hubUrl: string,
  http: HttpClient,
  arxiv: ArxivResolver,
  onCard: () => void,
  onRefused: (id: string, reason: string) => void,
): Promise<ModelRecord[]> {
  const built = await Promise.all(
    items.map(async (item) => {
      const readme = await fetchReadme(http, hubUrl, item.id);
      onCard();
      try {
        return recordFromListing(item, readme, `${hubUrl}/api/models (${item.id})`);
      } catch (error) {
        // A listing item no record can be made of (e.g. a control character in its id) is reported, not fatal.
        onRefused(item.id, errorMessage(error));
        return null;
      }
    }),
  );
  const records = built.filter((record): record is ModelRecord => record !== null);
  await arxiv.resolve(records.flatMap((record) => record.arxivIds));
  return records.map((record) => attachPapers(record, (id) => arxiv.resolution(id)));
}

function createdAtOrBefore(item: HubModelJson, sinceMs: number): boolean {
  if (typeof item.createdAt !== "string") return false; // undated models are kept, never a reason to stop
  const created = Date.parse(item.createdAt);
  return !Number.isNaN(created) && created <= sinceMs;
}

/** Accept `YYYY-MM-DD` or any ISO timestamp; keep it as a canonical ISO string (checkpoints compare it). */
export function normaliseSince(value: string): string {
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time)) throw new Error(`--since: "${value}" is not a date (use YYYY-MM-DD or an ISO timestamp)`);
  return new Date(time).toISOString();
}

function emptySummary(outDir: string, started: number): CollectSummary {
  return {
    outDir,
    resumed: false,
    stoppedBy: "end",
    listed: 0,
    written: 0,
    skippedExisting: 0,
    updated: [],
    afterUntil: 0,
    refused: [],
    cardStatus: {},
    arxiv: { requests: 0, resolved: 0, missing: 0, failed: 0 },
    http: { requests: 0, retries: 0, givenUp: 0 },
    seconds: (Date.now() - started) / 1000,
  };
}
