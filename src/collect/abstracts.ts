/**
 * `abstracts --corpus DIR`: fill the arXiv abstracts of every arXiv id in any corpus (one loaded from a
 * dump has ids but no abstracts), through the batched, rate-limited arXiv client.
 *
 * - Every id gets one line in `<corpus>/abstracts.jsonl` when arXiv answers: `found` (title, abstract),
 *   `withdrawn` (the paper's abstract is a withdrawal note; kept as a title without an abstract),
 *   `unknown-id` (malformed, or arXiv has no such paper) or `error` (arXiv answered with an error
 *   entry). Lines are appended batch by batch, so an interrupted run resumes where it stopped; ids whose
 *   lookup failed after the retries get no line and are asked again by the next run.
 * - Then the corpus is rewritten (new shards beside the old, the manifest switched on success): each
 *   record's `papers` follow its `arxivIds` with the answers, and its `arxiv` problems say which ids were
 *   not found, withdrawn or failed. Earlier `arxiv` problems are replaced by the new answers.
 */
import { existsSync, readFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import type { ArxivPaper, ModelRecord, Problem } from "../corpus/record";
import { lockCorpus, readCorpusColumns, readManifest, rewriteCorpus, type CorpusManifest } from "../corpus/store";
import { createProgress, type ProgressOptions } from "../util/progress";
import { SeededRandom } from "../util/random";
import { ARXIV_API_URL, ARXIV_BATCH_SIZE, ARXIV_DELAY_MS, ArxivResolver, arxivHttpOptions } from "./arxiv";
import { createHttpClient, type RetryEvent } from "./http";
import { removeLeftovers } from "../util/leftovers";

export const ABSTRACTS_LEDGER = "abstracts.jsonl";

export type AbstractOutcome = "found" | "withdrawn" | "unknown-id" | "error";

/** One line of the ledger: arXiv's answer for one id. */
export interface AbstractAnswer {
  id: string;
  outcome: AbstractOutcome;
  title: string | null;
  abstract: string | null;
  /** Why there is no abstract (outcomes other than found). */
  reason: string | null;
}

export interface AbstractsOptions {
  corpusDir: string;
  arxivUrl?: string;
  /** Pause between arXiv calls (arXiv asks for 3000 ms). */
  delayMs?: number;
  batchSize?: number;
  maxRetries?: number;
  timeoutMs?: number;
  baseDelayMs?: number;
  retryAfterCapMs?: number;
  seed?: number | string;
  progress?: ProgressOptions["mode"];
  log?: (line: string) => void;
}

export interface AbstractsSummary {
  corpusDir: string;
  /** Distinct arXiv ids in the corpus. */
  ids: number;
  /** Ids answered by an earlier run (taken from the ledger, not asked again). */
  fromLedger: number;
  /** Ids asked this run. */
  asked: number;
  outcomes: Record<AbstractOutcome, number>;
  /** Ids whose lookup failed after the retries (asked again next run). */
  failed: number;
  models: number;
  modelsWithAbstract: number;
  requests: number;
  manifest: CorpusManifest;
}

/** arXiv replaces a withdrawn paper's abstract with a note saying so. */
const WITHDRAWN = /\b(?:this (?:paper|article|submission|manuscript) (?:has been|is|was) withdrawn|withdrawn by (?:the )?(?:author|arxiv admin))/i;

export function readLedger(corpusDir: string): Map<string, AbstractAnswer> {
  const path = join(corpusDir, ABSTRACTS_LEDGER);
  const answers = new Map<string, AbstractAnswer>();
  if (!existsSync(path)) return answers;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const answer = JSON.parse(line) as AbstractAnswer;
      if (typeof answer.id === "string" && typeof answer.outcome === "string") answers.set(answer.id, answer);
    } catch {
      // A line cut off by an interruption: its id is simply asked again.
    }
  }
  return answers;
}

export async function fillAbstracts(options: AbstractsOptions): Promise<AbstractsSummary> {
  // The ledger and the corpus are rewritten: one writer per corpus directory (see src/util/lock.ts).
  const lock = lockCorpus(options.corpusDir);
  try {
    return await fillAbstractsOwned(options);
  } finally {
    lock.release();
  }
}

async function fillAbstractsOwned(options: AbstractsOptions): Promise<AbstractsSummary> {
  removeLeftovers(options.corpusDir, 0); // temporary files of a writer that was killed
  const { corpusDir } = options;
  const before = await readManifest(corpusDir);
  const log = options.log ?? (() => undefined);
  const ids = new Set<string>();
  for await (const shard of readCorpusColumns(corpusDir, ["arxivIds"])) for (const list of shard.arxivIds) for (const id of list) ids.add(id);
  const ledger = readLedger(corpusDir);
  const wanted = [...ids].filter((id) => !ledger.has(id)).sort();
  const fromLedger = ids.size - wanted.length;

  const random = new SeededRandom(options.seed ?? "abstracts");
  const http = createHttpClient({
    ...arxivHttpOptions(options.delayMs ?? ARXIV_DELAY_MS),
    maxRetries: options.maxRetries,
    timeoutMs: options.timeoutMs,
    baseDelayMs: options.baseDelayMs,
    retryAfterCapMs: options.retryAfterCapMs,
    random,
    userAgent: "hf-se-atlas abstracts",
    onRetry: (event: RetryEvent) => log(`retry ${event.attempt} in ${event.delayMs} ms: ${event.url}: ${event.reason}`),
  });
  const batchSize = options.batchSize ?? ARXIV_BATCH_SIZE;
  const resolver = new ArxivResolver(http, options.arxivUrl ?? ARXIV_API_URL, batchSize);
  const failures = new Map<string, string>();
  const progress = createProgress({ label: "abstracts", total: wanted.length, unit: "ids", mode: options.progress });
  try {
    for (let start = 0; start < wanted.length; start += batchSize) {
      const batch = wanted.slice(start, start + batchSize);
      await resolver.resolve(batch);
      const lines: string[] = [];
      for (const id of batch) {
        const answer = answerOf(id, resolver);
        if (answer === null) {
          failures.set(id, resolver.resolution(id).problem?.message ?? "lookup failed");
          continue;
        }
        ledger.set(id, answer);
        lines.push(`${JSON.stringify(answer)}\n`);
      }
      if (lines.length > 0) await appendFile(join(corpusDir, ABSTRACTS_LEDGER), lines.join(""));
      progress.tick(batch.length);
    }
  } finally {
    progress.stop();
  }

  const outcomes: Record<AbstractOutcome, number> = { found: 0, withdrawn: 0, "unknown-id": 0, error: 0 };
  for (const id of ids) {
    const answer = ledger.get(id);
    if (answer) outcomes[answer.outcome]++;
  }
  let models = 0;
  let modelsWithAbstract = 0;
  const manifest = await rewriteCorpus(
    corpusDir,
    (records) =>
      records.map((record) => {
        models++;
        const updated = withAnswers(record, ledger, failures);
        if (updated.papers.some((p) => p.abstract !== null)) modelsWithAbstract++;
        return updated;
      }),
    { abstracts: { ledger: ABSTRACTS_LEDGER, ids: ids.size, ...outcomes, failed: failures.size }, ...sourceWithAbstracts(before, failures.size === 0) },
  );
  return {
    corpusDir,
    ids: ids.size,
    fromLedger,
    asked: wanted.length,
    outcomes,
    failed: failures.size,
    models,
    modelsWithAbstract,
    requests: resolver.stats.requests,
    manifest,
  };
}

/** A card dump's manifest says abstracts are not in the source; once every id is answered, they are. */
function sourceWithAbstracts(manifest: CorpusManifest, complete: boolean): Record<string, unknown> {
  const source = manifest.source as { notInSource?: Record<string, unknown> } | undefined;
  if (!complete || !source?.notInSource || !("arxivAbstracts" in source.notInSource)) return {};
  const { arxivAbstracts: _filled, ...rest } = source.notInSource;
  return { source: { ...source, notInSource: rest } };
}

/** The ledger line for an id the resolver looked up, or null when the lookup failed (ask again later). */
function answerOf(id: string, resolver: ArxivResolver): AbstractAnswer | null {
  const { paper, problem } = resolver.resolution(id);
  if (paper) {
    if (paper.abstract !== null && WITHDRAWN.test(paper.abstract))
      return { id, outcome: "withdrawn", title: paper.title, abstract: null, reason: paper.abstract };
    return { id, outcome: "found", title: paper.title, abstract: paper.abstract, reason: null };
  }
  switch (problem?.code) {
    case "arxiv-bad-id":
    case "arxiv-not-found":
      return { id, outcome: "unknown-id", title: null, abstract: null, reason: problem.message };
    case "arxiv-error":
      return { id, outcome: "error", title: null, abstract: null, reason: problem.message };
    default:
      return null;
  }
}

/** The record with papers and arxiv problems made from the answers (earlier arxiv problems replaced). */
export function withAnswers(record: ModelRecord, ledger: ReadonlyMap<string, AbstractAnswer>, failures: ReadonlyMap<string, string> = new Map()): ModelRecord {
  if (record.arxivIds.length === 0) return record;
  const papers: ArxivPaper[] = [];
  const problems: Problem[] = record.problems.filter((p) => p.stage !== "arxiv");
  const problem = (code: string, message: string) => problems.push({ stage: "arxiv", code, message: `${record.id}: ${message}` });
  for (const id of record.arxivIds) {
    const answer = ledger.get(id);
    if (!answer) {
      const failure = failures.get(id);
      if (failure !== undefined) problem("arxiv-failed", `arXiv lookup of ${id} failed: ${failure}`);
      else {
        // Not asked (cannot happen after fillAbstracts) - keep whatever the record had for it.
        const earlier = record.papers.find((p) => p.id === id);
        if (earlier) papers.push(earlier);
      }
      continue;
    }
    switch (answer.outcome) {
      case "found":
        papers.push({ id, title: answer.title, abstract: answer.abstract });
        break;
      case "withdrawn":
        papers.push({ id, title: answer.title, abstract: null });
        problem("arxiv-withdrawn", `arXiv paper ${id} is withdrawn: ${answer.reason ?? ""}`.trim());
        break;
      case "unknown-id":
        problem("arxiv-not-found", `arXiv has no paper ${id}${answer.reason ? ` (${stripModel(answer.reason)})` : ""}`);
        break;
      case "error":
        problem("arxiv-error", `arXiv answered with an error for ${id}${answer.reason ? ` (${stripModel(answer.reason)})` : ""}`);
        break;
    }
  }
  return { ...record, papers, problems };
}

function stripModel(reason: string): string {
  return reason.length > 200 ? `${reason.slice(0, 197)}...` : reason;
}
