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

export interface RunInfo {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  /** `dir` relative to the working directory the run was made in, when it was inside it. */
  corpus: { dir: string; records: number; shards: number; synthetic: boolean; createdBy: string };
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
  /** `funnel --discover` only: evidence rows, models offered beyond the search and kept, lineage graph size and chains found. */
  discovery?: { evidence: number; offered: number; kept: number; lineageModels: number; chains: number };
  /** Rows of the problems table. */
  problems: number;
  /** Worker threads used for the search (1 = inline). */
  workers: number;
  /** Wall-clock seconds per stage (the only values that differ between identical runs). */
  timings: Record<string, number>;
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

export async function writeRunInfo(runDir: string, info: RunInfo): Promise<void> {
  await writeFileAtomic(runLayout(runDir).runInfo, `${JSON.stringify(info, null, 2)}\n`);
}

/** True when `runDir` has a run description written by the funnel. */
export function hasRunInfo(runDir: string): boolean {
  return existsSync(runLayout(runDir).runInfo);
}

/**
 * The run description of `runDir`. Throws a {@link RunFileError} naming the file when it is missing,
 * not JSON, or not a funnel run description (another tool's file, or one with a section broken).
 */
export function readRunInfo(runDir: string): RunInfo {
  const path = runLayout(runDir).runInfo;
  if (!existsSync(path)) throw new RunFileError(path, `missing ${path}: run the funnel first`);
  const run = parseRunJson(path) as Partial<RunInfo> | null;
  if (run?.format !== RUN_FORMAT) throw new RunFileError(path, `${path} is not a funnel run description (format ${JSON.stringify(run?.format)})`);
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
    ["counts", isObject(run.counts) && typeof run.counts.models === "number" && isObject(run.counts.matched) && isObject(run.counts.afterOutliers) && isObject(run.counts.unique)],
    ["outliers", isObject(run.outliers) && typeof run.outliers.occurrences === "number" && typeof run.outliers.share === "number"],
    ["nearDuplicates", isObject(run.nearDuplicates)],
    ["documentation", Array.isArray(run.documentation)],
  ];
  const failed = checks.find(([, ok]) => !ok);
  return failed ? `"${failed[0]}" is missing or malformed (see ${RUN_FILES.runInfo} in docs/architecture.md)` : null;
}
