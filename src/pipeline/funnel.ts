/**
 * The streaming funnel: corpus -> task search -> Table III outlier rules -> near-identical cards, written
 * as a run directory (src/run, docs/architecture.md): the matches, documentation and occurrences tables
 * (one record batch per shard), the candidates, near-duplicates and unique tables, the funnel and
 * problems tables, and the run description.
 *
 * The corpus is read one shard at a time; only one compact row per candidate (ids, tasks, card body) stays
 * in memory until the near-identical check. With `workers` > 1, shards are searched in worker threads and
 * their results written in shard order, so the files are byte-identical whatever the worker count (only
 * the run description's `timings` and `workers` differ).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { Worker } from "node:worker_threads";
import type { SnapshotCutoff } from "../corpus/snapshot";
import { corpusFingerprint, incompleteCorpus, readManifest, readShard, type CorpusManifest } from "../corpus/store";
import { DEFAULT_SIMILARITY_THRESHOLD, findNearDuplicates, checkThreshold, type NearDuplicateResult } from "../filter/near-duplicates";
import type { RelevanceCheckResult } from "./relevance";
import { DEFAULT_OUTLIER_TASKS, type OutlierTasks } from "../filter/outliers";
import { DEFAULT_LEMMA_POLICY, isLemmaPolicy, type LemmaPolicy } from "../prepare/lemmatize";
import { createPreparer } from "../prepare/preparer";
import { PAPER_OUTLIER_SHARE } from "../paper/reported";
import { documentationLimitsOf, summariseDocumentation } from "../search/documentation";
import { compileTaxonomy } from "../search/phrases";
import { ACTIVITY_CODES, loadTaxonomy, type Taxonomy } from "../taxonomy/taxonomy";
import { createProgress, type ProgressOptions } from "../util/progress";
import { openArrowStream } from "./arrow-stream";
import { openShardCheckpoints } from "./checkpoint";
import { addActivityCounts, emptyActivityCounts, funnelRows, type ActivityCounts, type FunnelCounts, type FunnelRow } from "../run/funnel-table";
import { runLayout } from "../run/layout";
import { readRunInfo, RunFileError, RUN_FORMAT, RUN_VERSION, type OutlierSummary, type RunInfo, type SnapshotSummary } from "../run/run-info";
import { abandonFunnelRewrite, beginFunnelRewrite, finishFunnelRewrite, lockRun, updateRunFiles, type FunnelRewrite } from "../run/state";
import { removeLeftovers } from "../util/leftovers";
import { runTableSpec, scanRunTable, writeRunTable } from "../run/files";
import type { CandidateModel, DocumentationRow, DocumentationSummaryRow } from "../run/tables";
import type { ShardTask, WorkerReply } from "./funnel-worker";
import { countActivities, decodeBatches, encodeRows, matchBatches, processShard, type CandidateCard, type ShardOutput } from "./shard";
import { DiscoveryState, resolveDiscovery, type DiscoverOptions, type DiscoveryResult } from "./discover";
import { loadSeSignalData } from "../signals/data";
import { DEFAULT_LINEAGE_DEPTH } from "../signals/lineage";

export interface FunnelOptions {
  corpusDir: string;
  outDir: string;
  /** A taxonomy file; or `taxonomy` already loaded; default the shipped taxonomy/se-tasks.json. */
  taxonomyPath?: string;
  taxonomy?: Taxonomy;
  lemmaPolicy?: LemmaPolicy;
  /** Also search each task's aliases (default false: task names only, as the paper). */
  includeAliases?: boolean;
  /** Cosine threshold for near-identical cards (default 0.99). */
  similarityThreshold?: number;
  /** Worker threads for the search; default 2 on a multi-core machine for corpora of 4+ shards, else 1 (inline; always inline from the TypeScript sources). */
  workers?: number;
  progress?: ProgressOptions["mode"];
  /** Keep each searched shard in the run's shards folder and skip shards already there (an interrupted run resumes). */
  resume?: boolean;
  /**
   * Discovery beside the search (src/pipeline/discover.ts): candidates from SE signals and lineage, written
   * to the discover tables and added to the unique table. Off (default): the paper's method alone.
   */
  discover?: boolean | DiscoverOptions;
  /** Run on a corpus whose crawl did not finish (its manifest says `complete: false`); refused otherwise. */
  allowIncomplete?: boolean;
  /** Snapshot cut-off: only models created up to it enter the funnel (undated models are kept and counted). */
  until?: SnapshotCutoff | null;
}

export interface FunnelResult {
  runDir: string;
  synthetic: boolean;
  counts: FunnelCounts;
  rows: FunnelRow[];
  documentation: DocumentationSummaryRow[];
  outliers: OutlierSummary;
  nearDuplicates: RunInfo["nearDuplicates"];
  problems: number;
  /** Worker threads used for the search (1 = inline). */
  workers: number;
  /** Shards taken from checkpoints of an earlier, interrupted run (with `resume`). */
  resumedShards: number;
  /** The snapshot cut-off applied, or null. */
  snapshot: SnapshotSummary | null;
  /** Models whose arXiv ids were never looked up (their abstracts are not in the corpus). */
  modelsWithoutAbstracts: number;
  timings: Record<string, number>;
  /** Why the corpus is not whole (a crawl that did not finish, allowed with `allowIncomplete`), else null. */
  incompleteCorpus: string | null;
  /** Where the pilot's files of the replaced candidates went (`superseded/.../validate`), if they moved. */
  supersededValidate: string | null;
  /** `discover` only: what discovery found (as in run.json). */
  discovery?: NonNullable<RunInfo["discovery"]>;
}

/** What a worker needs to build its own preparer and compiled taxonomy. */
export interface WorkerSetup {
  corpusDir: string;
  taxonomy: Taxonomy;
  lemmaPolicy: LemmaPolicy;
  includeAliases: boolean;
  outlierTasks: OutlierTasks;
  until: SnapshotCutoff | null;
  /** Discovery per record as well (`discover`). */
  discover?: boolean;
}

/**
 * Run the funnel into `options.outDir`, owning it meanwhile (a second writer fails at once). The old run
 * stays whole while the corpus is searched; only then is it rewritten (run.json marked `writing`, the
 * relevance check's files removed), and run.json is written last with every table's fingerprint.
 */
export async function runFunnel(options: FunnelOptions): Promise<FunnelResult> {
  const lock = lockRun(options.outDir);
  const progress: { rewrite: FunnelRewrite | null } = { rewrite: null };
  try {
    return await funnelOwned(options, progress);
  } catch (error) {
    // A directory that held no run is left as it was; over an earlier run, run.json stays "writing".
    if (progress.rewrite) abandonFunnelRewrite(options.outDir, progress.rewrite);
    throw error;
  } finally {
    lock.release();
  }
}

/** `rewriting.rewrite` is set once the old run starts being replaced. */
async function funnelOwned(options: FunnelOptions, rewriting: { rewrite: FunnelRewrite | null }): Promise<FunnelResult> {
  const started = process.hrtime.bigint();
  const timings: Record<string, number> = {};
  const lemmaPolicy = options.lemmaPolicy ?? DEFAULT_LEMMA_POLICY;
  if (!isLemmaPolicy(lemmaPolicy)) throw new Error(`unknown lemma policy ${JSON.stringify(lemmaPolicy)}`);
  const threshold = options.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  checkThreshold(threshold);
  const includeAliases = options.includeAliases ?? false;
  const manifest = await readManifest(options.corpusDir);
  const incomplete = incompleteCorpus(options.corpusDir, manifest);
  if (incomplete && !options.allowIncomplete) throw new Error(`${incomplete}; finish it (collect --resume) or pass --allow-incomplete`);
  const corpusPrint = corpusFingerprint(options.corpusDir);
  const taxonomy = options.taxonomy ?? loadTaxonomy(options.taxonomyPath);
  const requested = options.workers ?? defaultWorkers(manifest);
  if (!Number.isInteger(requested) || requested < 1) throw new Error(`workers must be a positive integer (got ${requested})`);
  // More threads than cores only multiply memory (each holds a lemmatizer and the compiled taxonomy).
  const workers = Math.min(requested, availableParallelism());
  const outlierTasks = DEFAULT_OUTLIER_TASKS;
  const runDir = options.outDir;
  // What killed writers left here (temporary files), and shard checkpoints a run without --resume does not use.
  removeLeftovers(runDir);
  if (!options.resume) rmSync(runLayout(runDir).shards, { recursive: true, force: true });
  const taxonomySha256 = taxonomyDigest(taxonomy);
  const discover: DiscoverOptions | null = options.discover ? (options.discover === true ? {} : options.discover) : null;
  const lineageDepth = discover?.lineageDepth ?? DEFAULT_LINEAGE_DEPTH;
  if (!Number.isInteger(lineageDepth) || lineageDepth < 1) throw new Error(`lineage depth must be a positive integer (got ${lineageDepth})`);
  const until = options.until ?? null;
  const checkpoints = options.resume
    ? openShardCheckpoints(runDir, options.corpusDir, manifest.shards, {
        taxonomy: taxonomySha256,
        lemmaPolicy,
        includeAliases,
        outlierTasks,
        ...(until ? { until: until.iso } : {}),
        ...(discover ? { discover: true } : {}),
      })
    : null;
  const snapshot: SnapshotSummary | null = until ? { until: until.iso, afterUntil: 0, undatedKept: 0 } : null;

  // Stage 1: search + outlier rules, shard by shard.
  const layout = runLayout(runDir);
  const writers = {
    matches: openArrowStream(layout.matches, runTableSpec("matches")),
    documentation: openArrowStream(layout.documentation, runTableSpec("documentation")),
    occurrences: openArrowStream(layout.occurrences, runTableSpec("occurrences")),
    problems: openArrowStream(layout.problems, runTableSpec("problems")),
    ...(discover ? { discoveryEvidence: openArrowStream(layout.discoveryEvidence, runTableSpec("discoveryEvidence")) } : {}),
  };
  const candidates: CandidateCard[] = [];
  const discoveryState = discover ? new DiscoveryState() : null;
  const candidateOrdinals: number[] = [];
  const counts = { models: 0, matched: emptyActivityCounts(), afterOutliers: emptyActivityCounts() };
  const outliers: OutlierSummary = {
    occurrences: 0,
    outlierOccurrences: 0,
    share: 0,
    paperShare: PAPER_OUTLIER_SHARE,
    byTask: Object.fromEntries(Object.keys(outlierTasks).map((t) => [t, 0])),
    excluded: 0,
  };
  const progress = createProgress({ label: "funnel: search", total: manifest.records, unit: "models", mode: options.progress });
  const shardStarts = manifest.shards.map((_, i) => manifest.shards.slice(0, i).reduce((n, shard) => n + shard.records, 0));
  const consume = (output: ShardOutput) => {
    if (discoveryState) {
      if (!output.discovery) throw new Error(`corpus shard ${manifest.shards[output.index]?.file}: searched without discovery`);
      // Corpus position: the records of the shards before this one, whether the cut-off kept them or not.
      const start = shardStarts[output.index]!;
      writers.discoveryEvidence!.addBatches(decodeBatches(output.discovery.evidenceIpc));
      for (const { position, ...card } of output.discovery.cards) discoveryState.cards.push({ ...card, ordinal: start + position });
      for (const entry of output.discovery.lineage) discoveryState.addLineage(start + entry.position, entry.id, entry.bases);
      for (const position of output.discovery.candidatePositions) candidateOrdinals.push(start + position);
    }
    const occurrenceBatches = decodeBatches(output.occurrencesIpc);
    writers.occurrences.addBatches(occurrenceBatches);
    writers.matches.addBatches(matchBatches(occurrenceBatches));
    writers.documentation.addBatches(decodeBatches(output.documentationIpc));
    writers.problems.addRows(output.problems);
    for (const c of output.candidates) candidates.push(c);
    counts.models += output.counts.models;
    if (snapshot) {
      snapshot.afterUntil += output.counts.afterUntil ?? 0;
      snapshot.undatedKept += output.counts.undatedKept ?? 0;
    }
    addActivityCounts(counts.matched, output.counts.matched);
    addActivityCounts(counts.afterOutliers, output.counts.afterOutliers);
    outliers.occurrences += output.counts.occurrences;
    outliers.excluded += output.counts.excludedOccurrences;
    for (const [task, n] of Object.entries(output.counts.outlierTaskOccurrences)) outliers.byTask[task] = (outliers.byTask[task] ?? 0) + n;
    progress.tick(output.counts.models + (output.counts.afterUntil ?? 0));
  };
  let stageStart = process.hrtime.bigint();
  let resumedShards = 0;
  const cached: CachedShards = {
    has: (index) => checkpoints?.has(index) ?? false,
    load: (index) => {
      resumedShards++;
      return checkpoints!.load(index);
    },
    save: (output) => checkpoints?.save(output),
  };
  let stage2: NearDuplicateStage;
  let discovery: DiscoveryResult | null = null;
  try {
    try {
      if (workers === 1) {
        const preparer = createPreparer({ policy: lemmaPolicy });
        const compiled = compileTaxonomy(taxonomy, preparer, { includeAliases });
        const context = {
          compiled,
          preparer,
          outlierTasks,
          until,
          ...(discover ? { discovery: { data: loadSeSignalData(), phrases: { compiled, preparer }, outlierTasks } } : {}),
        };
        for (const [index, shard] of manifest.shards.entries()) {
          if (cached.has(index)) {
            consume(cached.load(index));
            continue;
          }
          const output = processShard(index, await readShard(options.corpusDir, shard), context);
          cached.save(output);
          consume(output);
        }
      } else {
        await searchInWorkers(
          manifest,
          { corpusDir: options.corpusDir, taxonomy, lemmaPolicy, includeAliases, outlierTasks, until, ...(discover ? { discover: true } : {}) },
          workers,
          consume,
          cached,
        );
      }
    } finally {
      progress.stop();
    }
    outliers.outlierOccurrences = Object.values(outliers.byTask).reduce((a, b) => a + b, 0);
    outliers.share = outliers.occurrences === 0 ? 0 : outliers.outlierOccurrences / outliers.occurrences;
    timings.searchSeconds = secondsSince(stageStart);

    // Stage 2: near-identical cards over the candidates.
    stageStart = process.hrtime.bigint();
    stage2 = nearDuplicateStage(candidates, threshold);
    for (const p of stage2.near.problems) writers.problems.addRows([{ modelId: p.id, stage: "near-duplicates", code: p.code, message: p.message }]);
    timings.nearDuplicatesSeconds = secondsSince(stageStart);

    // Discovery: lineage over the compact graph, near-identical cards, the unique table with what it adds.
    if (discoveryState) {
      stageStart = process.hrtime.bigint();
      const searchCandidates = candidates.map((c, i) => ({ ...c, ordinal: candidateOrdinals[i]! }));
      const originalOf = new Map(stage2.near.pairs.map((p) => [p.variant, p.original]));
      discovery = await resolveDiscovery(
        discoveryState,
        searchCandidates,
        { uniqueIds: new Set(stage2.uniqueRows.map((r) => r.id)), originalOf },
        options.corpusDir,
        {
          lineageDepth,
          threshold,
        },
      );
      // Through IPC bytes like the shards' rows, so the file writer sees one schema (see decodeBatches).
      writers.discoveryEvidence!.addBatches(decodeBatches(encodeRows(discovery.lineageEvidence, runTableSpec("discoveryEvidence"))));
      for (const p of discovery.problems) writers.problems.addRows([{ modelId: p.id, stage: "discover", code: p.code, message: p.message }]);
      timings.discoverSeconds = secondsSince(stageStart);
    }
  } catch (error) {
    // No half-written tables: the temporary files go, the error names the shard or model.
    await Promise.all(Object.values(writers).map((w) => w.abort()));
    throw error;
  }
  const { near, candidateRows, uniqueRows, unique } = stage2;

  // Outputs: from here on the old run is being replaced.
  stageStart = process.hrtime.bigint();
  let rewrite: FunnelRewrite;
  try {
    rewrite = await beginFunnelRewrite(runDir);
  } catch (error) {
    await Promise.all(Object.values(writers).map((w) => w.abort()));
    throw error;
  }
  rewriting.rewrite = rewrite;
  // A run without discovery leaves no discovery tables behind from an earlier run into the same folder.
  if (!discover) for (const path of [layout.discoveryEvidence, layout.discovered]) rmSync(path, { force: true });
  const problems = writers.problems.rowsWritten;
  await closeAll(Object.values(writers));
  await writeRunTable(runDir, "candidates", candidateRows);
  await writeRunTable(runDir, "nearDuplicates", near.pairs);
  await writeRunTable(runDir, "unique", discovery ? discovery.uniqueRows : uniqueRows);
  let discovered: ActivityCounts | undefined;
  if (discovery) {
    await writeRunTable(runDir, "discovered", discovery.discovered);
    discovered = emptyActivityCounts();
    for (const d of discovery.discovered) if (d.kept) countActivities(discovered, d.added);
  }
  const funnelCounts: FunnelCounts = {
    models: counts.models,
    matched: counts.matched,
    afterOutliers: counts.afterOutliers,
    unique,
    ...(discovered ? { discovered } : {}),
  };
  const rows = funnelRows(funnelCounts);
  await writeRunTable(runDir, "funnel", rows);
  let modelsWithoutAbstracts = 0;
  const countUnresolved = function* (rows: Iterable<DocumentationRow>) {
    for (const row of rows) {
      if (row.arxivUnresolved) modelsWithoutAbstracts++;
      yield row;
    }
  };
  const documentation = summariseDocumentation(countUnresolved(scanRunTable(runDir, "documentation")), documentationLimitsOf(manifest));
  timings.writeSeconds = secondsSince(stageStart);
  timings.totalSeconds = secondsSince(started);

  const nearDuplicates = { ...near.stats, threshold, pairs: near.pairs.length };
  const runInfo: Omit<RunInfo, "state" | "fingerprint"> = {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    corpus: {
      dir: portablePath(options.corpusDir),
      records: manifest.records,
      shards: manifest.shards.length,
      synthetic: manifest.synthetic,
      createdBy: manifest.createdBy,
      complete: incomplete === null,
      ...(incomplete === null ? {} : { cursor: manifest.cursor ?? null }),
    },
    snapshot,
    abstracts: { modelsWithoutAbstracts },
    taxonomy: { name: taxonomy.name, version: taxonomy.version, origin: portablePath(taxonomy.origin), sha256: taxonomySha256, tasks: taxonomy.tasks.length },
    config: {
      lemmaPolicy,
      includeAliases,
      similarityThreshold: threshold,
      nearDuplicateText: "card body",
      outlierTasks,
      ...(discovery ? { discover: { lineageDepth } } : {}),
    },
    counts: funnelCounts,
    outliers,
    nearDuplicates,
    documentation,
    ...(discovery
      ? {
          discovery: {
            evidence: writers.discoveryEvidence!.rowsWritten,
            offered: discovery.discovered.length,
            kept: discovery.discovered.filter((d) => d.kept).length,
            lineageModels: discovery.lineageModels,
            chains: discovery.chains,
          },
        }
      : {}),
    problems,
    workers,
    timings,
  };
  const supersededValidate = await finishFunnelRewrite(runDir, runInfo, { corpus: corpusPrint, taxonomy: taxonomySha256 }, rewrite);
  checkpoints?.clear();
  return {
    runDir,
    synthetic: manifest.synthetic,
    counts: funnelCounts,
    rows,
    documentation,
    outliers,
    nearDuplicates,
    problems,
    workers,
    resumedShards,
    snapshot,
    modelsWithoutAbstracts,
    timings,
    incompleteCorpus: incomplete,
    ...(runInfo.discovery ? { discovery: runInfo.discovery } : {}),
    supersededValidate,
  };
}

/**
 * Close the stage tables one by one; when one cannot be written, the others are abandoned (their
 * temporary files removed) before the error goes up, so nothing is left half-written or still in flight.
 */
async function closeAll(writers: ReadonlyArray<{ close(): Promise<void>; abort(): Promise<void> }>): Promise<void> {
  for (const [i, writer] of writers.entries()) {
    try {
      await writer.close();
    } catch (error) {
      await Promise.all(writers.slice(i + 1).map((w) => w.abort()));
      throw error;
    }
  }
}

/**
 * For the relevance check (LLM stage): add the "relevant" stage to a run's funnel table, keeping the
 * counts the funnel wrote in the run description. Returns the new rows.
 */
export async function recordRelevantCounts(runDir: string, relevant: ActivityCounts, uncertain?: ActivityCounts): Promise<FunnelRow[]> {
  const rows = funnelRows({ ...readRunInfo(runDir).counts, relevant, ...(uncertain ? { uncertain } : {}) });
  const lock = lockRun(runDir);
  try {
    await updateRunFiles(runDir, "relevance", ["funnel"], () => writeRunTable(runDir, "funnel", rows));
  } finally {
    lock.release();
  }
  return rows;
}

/** True when `runDir` was written by {@link runFunnel} (so its funnel can take the relevance stage). */
export function isFunnelRun(runDir: string): boolean {
  try {
    readRunInfo(runDir);
    return true;
  } catch (error) {
    if (error instanceof RunFileError) return false;
    throw error;
  }
}

/** Pairs the judge left uncertain as funnel counts: models with one overall, pairs per activity. */
export function uncertainCountsOf(result: Pick<RelevanceCheckResult, "uncertainModels" | "byActivity">): ActivityCounts {
  const counts = emptyActivityCounts();
  counts.all = result.uncertainModels;
  for (const code of ACTIVITY_CODES) counts[code] = result.byActivity[code].uncertain;
  return counts;
}

/** The relevance check's outcome as funnel counts: SE models overall and per activity judged relevant. */
export function relevantCountsOf(result: Pick<RelevanceCheckResult, "seModels" | "byActivity">): ActivityCounts {
  const counts = emptyActivityCounts();
  counts.all = result.seModels;
  for (const code of ACTIVITY_CODES) counts[code] = result.byActivity[code].relevant;
  return counts;
}

interface NearDuplicateStage {
  near: NearDuplicateResult;
  candidateRows: CandidateModel[];
  uniqueRows: CandidateModel[];
  unique: ActivityCounts;
}

/** The candidates without their near-identical copies (a candidate already carries its card text). */
function nearDuplicateStage(candidates: readonly CandidateCard[], threshold: number): NearDuplicateStage {
  const near = findNearDuplicates(candidates, { threshold });
  const uniqueIds = new Set(near.uniqueIds);
  const candidateRows = candidates.map(({ id, activities, tasks, taskIds }) => ({ id, activities, tasks, taskIds }));
  const uniqueRows = candidateRows.filter((c) => uniqueIds.has(c.id));
  const unique = emptyActivityCounts();
  for (const row of uniqueRows) countActivities(unique, row.activities);
  return { near, candidateRows, uniqueRows, unique };
}

/** Shard outputs kept from an interrupted run (see checkpoint.ts); all no-ops without `resume`. */
interface CachedShards {
  has(index: number): boolean;
  load(index: number): ShardOutput;
  save(output: ShardOutput): void;
}

/** Search shards in worker threads; results are handed to `consume` in shard order. */
async function searchInWorkers(
  manifest: CorpusManifest,
  setup: WorkerSetup,
  workers: number,
  consume: (output: ShardOutput) => void,
  cached: CachedShards,
): Promise<void> {
  const script = workerScript();
  const pool = Array.from({ length: Math.min(workers, Math.max(1, manifest.shards.length)) }, () => new Worker(script, { workerData: setup }));
  const pending = new Map<number, ShardOutput>();
  let nextToDispatch = 0;
  let nextToConsume = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const total = manifest.shards.length;
      // Consume every shard that is ready, in order: searched ones from `pending`, resumed ones from disk.
      const drain = () => {
        while (pending.has(nextToConsume) || (nextToConsume < total && cached.has(nextToConsume))) {
          const output = pending.get(nextToConsume) ?? cached.load(nextToConsume);
          pending.delete(nextToConsume);
          consume(output);
          nextToConsume++;
        }
      };
      try {
        drain();
      } catch (error) {
        return reject(error);
      }
      if (nextToConsume === total) return resolve();
      const dispatch = (worker: Worker) => {
        while (nextToDispatch < total && cached.has(nextToDispatch)) nextToDispatch++;
        // Bound the results waiting to be written: at most one shard ahead per worker.
        if (nextToDispatch < total && nextToDispatch - nextToConsume < 2 * pool.length) {
          const task: ShardTask = { index: nextToDispatch, shard: manifest.shards[nextToDispatch]! };
          nextToDispatch++;
          worker.postMessage(task);
          return true;
        }
        return false;
      };
      const idle: Worker[] = [];
      for (const worker of pool) {
        worker.on("message", (reply: WorkerReply) => {
          if (!reply.ok) return reject(new Error(`corpus shard ${manifest.shards[reply.index]?.file}: ${reply.error}`));
          pending.set(reply.output.index, reply.output);
          try {
            cached.save(reply.output);
            drain();
          } catch (error) {
            return reject(error);
          }
          if (nextToConsume === total) return resolve();
          idle.push(worker);
          while (idle.length > 0 && dispatch(idle[0]!)) idle.shift();
        });
        worker.on("error", reject);
        worker.on("messageerror", reject);
        // Any exit before every shard is in (even a clean one) would leave this promise pending forever.
        worker.on("exit", (code) => {
          if (nextToConsume < total) reject(new Error(`funnel worker stopped with exit code ${code} before the search finished`));
        });
        if (!dispatch(worker)) idle.push(worker);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/**
 * Two workers for corpora of several shards on a multi-core machine. Inline when running from the
 * TypeScript sources (tests): workers would run the build in dist/, which may be older than the sources.
 */
function defaultWorkers(manifest: CorpusManifest): number {
  if (__filename.endsWith(".ts")) return 1;
  return manifest.shards.length >= 4 && availableParallelism() >= 2 ? 2 : 1;
}

/** The compiled worker script; from the TypeScript sources (tests) it is taken from the build in dist/. */
function workerScript(): string {
  const candidates = [join(__dirname, "funnel-worker.js"), join(__dirname, "..", "..", "dist", "pipeline", "funnel-worker.js")];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error("worker threads need the built library (npm run build), or run with one worker");
  return found;
}

function taxonomyDigest(taxonomy: Taxonomy): string {
  try {
    return createHash("sha256").update(readFileSync(taxonomy.origin)).digest("hex");
  } catch {
    return createHash("sha256").update(JSON.stringify(taxonomy.tasks)).digest("hex");
  }
}

/** Paths in the run description relative to the working directory when inside it, so runs compare across checkouts. */
function portablePath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") || rel === "" ? path : rel.split("\\").join("/");
}

function secondsSince(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e6) / 1000;
}
