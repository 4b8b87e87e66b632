/**
 * The run description (`RUN_FILES.runInfo`): what the funnel ran on and with, and what it counted.
 * One type, one writer (the funnel) and one reader for the funnel, the analyses and the commands.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../util/atomic";
import { RUN_FILES, runLayout } from "./layout";
import type { FunnelCounts } from "./funnel-table";
import type { DocumentationSummaryRow } from "./tables";

export const RUN_FORMAT = "hf-se-atlas-run";
export const RUN_VERSION = 1;

export interface OutlierSummary {
  occurrences: number;
  outlierOccurrences: number;
  /** Share of occurrences that belong to the outlier tasks, before the rules (paper: 89.01%). */
  share: number;
  paperShare: number;
  byTask: Record<string, number>;
  /** Occurrences removed by a Table III rule. */
  excluded: number;
}

/** What the near-identical check measured on its way (src/filter/near-duplicates.ts). */
export interface NearDuplicateStats {
  cards: number;
  /** Cards with at least one token. */
  nonEmpty: number;
  /** Distinct non-zero vectors after collapsing identical ones. */
  distinctVectors: number;
  vocabulary: number;
  /** Pairs of distinct vectors that shared a prefix term. */
  candidates: number;
  /** Candidates that survived the bound and were verified exactly. */
  verified: number;
  /** Pairs of distinct vectors at or above the threshold. */
  similarVectorPairs: number;
}

/** Which stage is rewriting a run: its outputs (and everything after them) cannot be trusted until it is done. */
export type RunStage = "funnel" | "relevance";

/** The run files whose bytes run.json records (RUN_FILES keys): the funnel's tables, then the relevance check's files. */
export const FUNNEL_FILES = [
  "problems",
  "matches",
  "documentation",
  "occurrences",
  "candidates",
  "nearDuplicates",
  "unique",
  "funnel",
  "discoveryEvidence",
  "discovered",
] as const;
export const RELEVANCE_FILES = ["verdicts", "juryVerdicts", "seModels", "relevance"] as const;
export type FingerprintedFile = (typeof FUNNEL_FILES)[number] | (typeof RELEVANCE_FILES)[number];

/**
 * What a run was made from and what it holds: a reader compares it with the files before trusting them.
 * `corpus` covers the corpus manifest and its shards' sizes (src/corpus/store.ts, corpusFingerprint),
 * `taxonomy` the taxonomy file, `config` the funnel's settings (the `config` section), and `tables` the
 * SHA-256 of each file of the run, written by the stage that wrote it.
 */
export interface RunFingerprint {
  corpus: string;
  taxonomy: string;
  config: string;
  tables: Partial<Record<FingerprintedFile, string>>;
}

/** The relevance check that produced the verdicts and SE models of a run (written by the judge). */
export interface RelevanceRecord {
  /** SHA-256 of the unique table the verdicts were given on: they belong to those candidates only. */
  candidates: string;
  /** The panel as verdicts name it (one judge, a jury, with or without the offline screen). */
  judge: string;
  judges: Array<{ label: string; backend: string; model: string | null; temperature: number | null; seed: number | null }>;
  onlyUncertain: boolean;
  /** Card body characters sent per call. */
  maxBodyChars: number;
  pairs: number;
  errors: number;
}

/** The snapshot cut-off (`--until`) a run applied. */
export interface SnapshotSummary {
  until: string;
  /** Models of the corpus created after the cut-off (left out). */
  afterUntil: number;
  /** Models kept although their creation date is unknown. */
  undatedKept: number;
}

export interface RunInfo {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  /**
   * `complete` once every file of the run is written and recorded; `writing` while a stage rewrites it
   * (and for good, if that stage was interrupted): readers refuse such a run until the stage is rerun.
   * Absent in run descriptions older than fingerprints (nothing can be checked then).
   */
  state?: "complete" | "writing";
  /** The stage rewriting the run, while `state` is `writing`. */
  writing?: RunStage;
  /**
   * `dir` relative to the working directory the run was made in, when it was inside it. `complete` is
   * false when the funnel was allowed to run on a crawl that had not finished (`cursor` says where it stopped).
   */
  corpus: { dir: string; records: number; shards: number; synthetic: boolean; createdBy: string; complete?: boolean; cursor?: unknown };
  taxonomy: { name: string; version: string; origin: string; sha256: string; tasks: number };
  config: {
    lemmaPolicy: string;
    includeAliases: boolean;
    similarityThreshold: number;
    nearDuplicateText: string;
    /** Task name -> Table III rule family. */
    outlierTasks: Readonly<Record<string, string>>;
    /** `funnel --discover` only: discovery beside the search ran, with this bound on base-model chains. */
    discover?: { lineageDepth: number };
  };
  counts: FunnelCounts;
  outliers: OutlierSummary;
  nearDuplicates: NearDuplicateStats & { threshold: number; pairs: number };
  documentation: DocumentationSummaryRow[];
  /** The snapshot cut-off applied (null: none); absent in runs written before `--until` existed. */
  snapshot?: SnapshotSummary | null;
  /** Models whose arXiv ids were never looked up (their abstracts are not in the corpus); absent in older runs. */
  abstracts?: { modelsWithoutAbstracts: number };
  /** `funnel --discover` only: evidence rows, models offered beyond the search and kept, lineage graph size and chains found. */
  discovery?: { evidence: number; offered: number; kept: number; lineageModels: number; chains: number };
  /** Rows of the problems table. */
  problems: number;
  /** Worker threads used for the search (1 = inline). */
  workers: number;
  /** Wall-clock seconds per stage (the only values that differ between identical runs). */
  timings: Record<string, number>;
  fingerprint?: RunFingerprint;
  /** Set by the relevance check; absent until a judge has run on these candidates. */
  relevance?: RelevanceRecord;
}

/**
 * What run.json holds while the funnel rewrites a run: the old description is gone (its tables are being
 * replaced), and `previousCandidates` keeps the fingerprint of the unique table before, so that the human
 * labels drawn from it are moved aside only if the candidates really change.
 */
export interface RunWritingMarker {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  state: "writing";
  writing: "funnel";
  previousCandidates: string | null;
}

/** A run that a stage is rewriting or did not finish rewriting: nothing of it may be read until that stage runs again. */
export class RunStateError extends Error {
  constructor(
    readonly path: string,
    readonly stage: RunStage,
    message: string,
  ) {
    super(message);
    this.name = "RunStateError";
  }
}

/** A run file that is missing or unreadable; the message names the file and what to do. */
export class RunFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "RunFileError";
  }
}

export async function writeRunInfo(runDir: string, info: RunInfo | RunWritingMarker): Promise<void> {
  await writeFileAtomic(runLayout(runDir).runInfo, `${JSON.stringify(info, null, 2)}\n`);
}

/** The command that rewrites a stage's outputs. */
export function rerunHint(stage: RunStage): string {
  return stage === "funnel" ? "rerun funnel (or replicate)" : "rerun judge (or replicate)";
}

/** True when `runDir` has a run description written by the funnel. */
export function hasRunInfo(runDir: string): boolean {
  return existsSync(runLayout(runDir).runInfo);
}

/**
 * The run description of `runDir`. Throws a {@link RunFileError} naming the file when it is missing,
 * not JSON, or not a funnel run description (another tool's file, or one with a section broken).
 */
export function readRunInfo(runDir: string, options: { allowWriting?: RunStage } = {}): RunInfo {
  const path = runLayout(runDir).runInfo;
  if (!existsSync(path)) throw new RunFileError(path, `missing ${path}: run the funnel first`);
  const run = parseRunJson(path) as (Partial<RunInfo> & { previousCandidates?: unknown }) | null;
  if (run?.format !== RUN_FORMAT) throw new RunFileError(path, `${path} is not a funnel run description (format ${JSON.stringify(run?.format)})`);
  if (run.state === "writing") {
    const stage: RunStage = run.writing === "relevance" ? "relevance" : "funnel";
    if (options.allowWriting !== stage) throw new RunStateError(path, stage, unfinishedMessage(runDir, stage));
  } else if (run.state !== undefined && run.state !== "complete") {
    throw new RunFileError(path, `${path} is not a funnel run description: "state" is ${JSON.stringify(run.state)}`);
  }
  const broken = brokenSection(run);
  if (broken) throw new RunFileError(path, `${path} is not a funnel run description: ${broken}`);
  return run as RunInfo;
}

/**
 * The corpus directory a run description names, as written (a funnel writes it relative to its
 * working directory), or null when there is no run description or it names none. Lenient on purpose,
 * so runs described by other tools work too: the corpus may be a path or `{dir}` / `{path}`, at the
 * top level or under `config`. Throws a {@link RunFileError} when the file is not JSON.
 */
export function recordedCorpusDir(runDir: string): string | null {
  const path = runLayout(runDir).runInfo;
  if (!existsSync(path)) return null;
  const run = parseRunJson(path) as { corpus?: unknown; config?: { corpus?: unknown } } | null;
  for (const value of [run?.corpus, run?.config?.corpus]) {
    const v = value as { dir?: unknown; path?: unknown } | null | undefined;
    const dir = typeof value === "string" ? value : typeof v?.dir === "string" ? v.dir : typeof v?.path === "string" ? v.path : null;
    if (dir !== null) return dir;
  }
  return null;
}

/** One line: which stage did not finish writing `runDir`, and what to run. */
export function unfinishedMessage(runDir: string, stage: RunStage): string {
  const what = stage === "funnel" ? "the funnel" : "the relevance check (judge)";
  return `run ${runDir} is incomplete: ${what} started rewriting it and did not finish (interrupted, failed, or still running); ${rerunHint(stage)}`;
}

function parseRunJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new RunFileError(path, `${path} is not valid JSON (${(error as Error).message})`);
  }
}

/** The first section that does not have the shape the readers rely on, or null. */
function brokenSection(run: Partial<RunInfo>): string | null {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const checks: Array<[string, boolean]> = [
    ["version", run.version === RUN_VERSION],
    ["corpus", isObject(run.corpus) && typeof run.corpus.dir === "string"],
    ["taxonomy", isObject(run.taxonomy) && typeof run.taxonomy.name === "string" && typeof run.taxonomy.tasks === "number"],
    ["config", isObject(run.config)],
    [
      "counts",
      isObject(run.counts) &&
        typeof run.counts.models === "number" &&
        isObject(run.counts.matched) &&
        isObject(run.counts.afterOutliers) &&
        isObject(run.counts.unique),
    ],
    ["outliers", isObject(run.outliers) && typeof run.outliers.occurrences === "number" && typeof run.outliers.share === "number"],
    ["nearDuplicates", isObject(run.nearDuplicates)],
    ["documentation", Array.isArray(run.documentation)],
  ];
  const failed = checks.find(([, ok]) => !ok);
  return failed ? `"${failed[0]}" is missing or malformed (see ${RUN_FILES.runInfo} in docs/architecture.md)` : null;
}
