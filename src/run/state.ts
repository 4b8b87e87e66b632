/**
 * A run directory's consistency: who may write it, what a rerun clears, and what a reader checks.
 *
 * - One writer at a time: every stage holds the run's lock file (`RUN_FILES.lock`) while it writes.
 * - A stage that rewrites a run first marks run.json `state: "writing"` (naming the stage), removes the
 *   outputs of the stages after it, writes its files, and writes run.json last: `state: "complete"` with
 *   the SHA-256 of every file it wrote (`fingerprint.tables`). An interrupted rewrite stays `writing`.
 * - The funnel's rerun removes the relevance check's files (verdicts, jury verdicts, SE models,
 *   relevance.json), the evaluation and the agreement tables computed from verdicts. The pilot's human
 *   work (plan, sheets, labels) is never deleted: when the candidates change it moves, whole, to
 *   `superseded/<old candidates' fingerprint>/validate/`; when they are unchanged it stays.
 * - The relevance check's rerun removes the files of the previous check before writing its own
 *   (a single judge after a jury leaves no jury verdicts behind), then records itself in run.json:
 *   which unique table it judged, which judges, with which settings.
 * - {@link verifyRun}: a reader's check. A run being rewritten, a table whose bytes are not the recorded
 *   ones, a verdict file run.json does not record, verdicts given on other candidates, or a corpus other
 *   than the one the run was made from: refused, in one line saying what to rerun.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { corpusFingerprint } from "../corpus/store";
import { writeFileAtomic } from "../util/atomic";
import { sha256, sha256File } from "../util/hash";
import { acquireLock, type HeldLock } from "../util/lock";
import { RUN_FILES, runLayout } from "./layout";
import {
  FUNNEL_FILES,
  readRunInfo,
  RELEVANCE_FILES,
  rerunHint,
  RUN_FORMAT,
  RUN_VERSION,
  RunFileError,
  RunStateError,
  unfinishedMessage,
  writeRunInfo,
  type FingerprintedFile,
  type RelevanceRecord,
  type RunInfo,
  type RunStage,
} from "./run-info";

/** A run's files disagree with its description; the message is one line saying what to rerun. */
export class RunMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunMismatchError";
  }
}

/** Own the run directory while writing it (see src/util/lock.ts). */
export function lockRun(runDir: string): HeldLock {
  return acquireLock(runLayout(runDir).lock, { what: "run directory" });
}

/** Run `work` owning the run directory (a command whose steps each write into it). */
export async function withRunLock<T>(runDir: string, work: () => Promise<T>): Promise<T> {
  const lock = lockRun(runDir);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/** SHA-256 of each of `files` the run has. */
export function hashRunFiles(runDir: string, files: readonly FingerprintedFile[]): Partial<Record<FingerprintedFile, string>> {
  const layout = runLayout(runDir);
  const out: Partial<Record<FingerprintedFile, string>> = {};
  for (const file of files) if (existsSync(layout[file])) out[file] = sha256File(layout[file]);
  return out;
}

/** The fingerprint of a funnel's settings: the `config` section as written, and the snapshot cut-off. */
export function configFingerprint(info: Pick<RunInfo, "config" | "snapshot">): string {
  return sha256(JSON.stringify({ ...info.config, until: info.snapshot?.until ?? null }));
}

/** Remove the files computed from verdicts: the evaluation and the agreement tables under `validate/`. */
function removeVerdictDerived(runDir: string): void {
  const layout = runLayout(runDir);
  rmSync(layout.evaluation, { force: true });
  if (!existsSync(layout.validate.dir)) return;
  for (const name of readdirSync(layout.validate.dir)) {
    if (layout.validate.isVerdictDerived(name)) rmSync(join(layout.validate.dir, name), { force: true });
  }
}

function removeRelevanceFiles(runDir: string): void {
  const layout = runLayout(runDir);
  for (const file of RELEVANCE_FILES) rmSync(layout[file], { force: true });
  removeVerdictDerived(runDir);
}

/** The fingerprint of the unique table of the run as it stands (before a funnel rewrites it). */
function currentCandidates(runDir: string): string | null {
  const path = runLayout(runDir).runInfo;
  if (existsSync(path)) {
    try {
      const info = readRunInfo(runDir, { allowWriting: "relevance" });
      if (info.fingerprint?.tables.unique) return info.fingerprint.tables.unique;
    } catch {
      // a marker of an interrupted funnel, another tool's file: read what it says below
    }
    try {
      const raw = JSON.parse(readFileSync(path, "utf8")) as { previousCandidates?: unknown };
      if (typeof raw?.previousCandidates === "string") return raw.previousCandidates;
    } catch {
      // not JSON: fall back to the table itself
    }
  }
  const unique = runLayout(runDir).unique;
  return existsSync(unique) ? sha256File(unique) : null;
}

/** A funnel rewrite under way: what {@link finishFunnelRewrite} and {@link abandonFunnelRewrite} need. */
export interface FunnelRewrite {
  /** The fingerprint of the unique table before (null: there was none). */
  previousCandidates: string | null;
  /** The directory held no run before (no run.json, none of the funnel's tables). */
  fresh: boolean;
}

/**
 * Start rewriting a run with the funnel: run.json becomes a `writing` marker (keeping the old candidates'
 * fingerprint), and the relevance check's files and everything computed from verdicts go.
 */
export async function beginFunnelRewrite(runDir: string): Promise<FunnelRewrite> {
  const layout = runLayout(runDir);
  const fresh = !existsSync(layout.runInfo) && FUNNEL_FILES.every((file) => !existsSync(layout[file]));
  const previousCandidates = currentCandidates(runDir);
  await writeRunInfo(runDir, { format: RUN_FORMAT, version: RUN_VERSION, state: "writing", writing: "funnel", previousCandidates });
  removeRelevanceFiles(runDir);
  return { previousCandidates, fresh };
}

/**
 * A funnel rewrite failed (an error, not a kill): in a directory that held no run, what it wrote goes
 * (tables and marker), leaving the directory as it was; over an earlier run, run.json stays `writing`,
 * since some old tables are already replaced, and readers refuse the run until the funnel is rerun.
 */
export function abandonFunnelRewrite(runDir: string, rewrite: FunnelRewrite): void {
  if (!rewrite.fresh) return;
  const layout = runLayout(runDir);
  for (const file of FUNNEL_FILES) rmSync(layout[file], { force: true });
  rmSync(layout.runInfo, { force: true });
}

/**
 * Finish a funnel rewrite: the pilot's files move aside if the candidates changed, then run.json is
 * written with every table's fingerprint and `state: "complete"`. Returns where `validate/` went, if it moved.
 */
export async function finishFunnelRewrite(
  runDir: string,
  info: Omit<RunInfo, "state" | "writing" | "fingerprint" | "relevance">,
  inputs: { corpus: string; taxonomy: string },
  rewrite: FunnelRewrite,
): Promise<string | null> {
  const tables = hashRunFiles(runDir, FUNNEL_FILES);
  const moved = await supersedeValidate(runDir, rewrite.previousCandidates, tables.unique ?? null);
  const { format, version, ...rest } = info;
  const complete: RunInfo = {
    format,
    version,
    state: "complete",
    ...rest,
    fingerprint: { corpus: inputs.corpus, taxonomy: inputs.taxonomy, config: configFingerprint(info), tables },
  };
  await writeRunInfo(runDir, complete);
  return moved;
}

/** Move `validate/` (plan, sheets, labels) aside when the candidates it was drawn from are replaced. */
async function supersedeValidate(runDir: string, previous: string | null, current: string | null): Promise<string | null> {
  const layout = runLayout(runDir);
  if (previous !== null && previous === current) return null;
  if (!existsSync(layout.validate.dir) || readdirSync(layout.validate.dir).length === 0) return null;
  const base = previous === null ? "unknown" : previous.slice(0, 12);
  let name = base;
  for (let n = 2; existsSync(layout.superseded(name).dir); n++) name = `${base}-${n}`;
  const target = layout.superseded(name);
  mkdirSync(target.dir, { recursive: true });
  renameSync(layout.validate.dir, target.validate);
  await writeFileAtomic(
    target.note,
    `${JSON.stringify({ candidates: previous, replacedBy: current, reason: `the funnel replaced the candidates (${RUN_FILES.unique}) these pilot files were drawn from; kept, never deleted` }, null, 2)}\n`,
  );
  return target.validate;
}

/** The fingerprints of the funnel's own tables in a run description. */
function funnelTablesOf(info: RunInfo): Partial<Record<FingerprintedFile, string>> {
  return Object.fromEntries(Object.entries(info.fingerprint?.tables ?? {}).filter(([file]) => (FUNNEL_FILES as readonly string[]).includes(file)));
}

/**
 * Start rewriting a run's relevance stage: a funnel run's run.json is marked `writing` (its funnel part
 * stays valid) and the previous check's files go. Returns the run description (null for a run directory
 * the funnel did not write).
 */
export async function beginRelevanceRewrite(runDir: string, info: RunInfo | null): Promise<void> {
  if (info?.state) {
    const { relevance: _old, ...rest } = info;
    await writeRunInfo(runDir, { ...rest, state: "writing", writing: "relevance", fingerprint: { ...info.fingerprint!, tables: funnelTablesOf(info) } });
  }
  removeRelevanceFiles(runDir);
}

/** Finish a relevance rewrite: record the check and the fingerprints of its files; `state: "complete"`. */
export async function finishRelevanceRewrite(runDir: string, info: RunInfo | null, record: Omit<RelevanceRecord, "candidates">): Promise<void> {
  if (!info?.state || !info.fingerprint) return;
  const { writing: _writing, relevance: _old, ...rest } = info;
  // The previous check's entries go with its files: only the funnel's tables and this check's files are recorded.
  const tables = { ...funnelTablesOf(info), ...hashRunFiles(runDir, RELEVANCE_FILES) };
  await writeRunInfo(runDir, {
    ...rest,
    state: "complete",
    fingerprint: { ...info.fingerprint, tables },
    relevance: { candidates: info.fingerprint.tables.unique ?? "", ...record },
  });
}

/**
 * Rewrite some files of a complete run (e.g. the relevance stage's row of the funnel table) and record
 * their new fingerprints; marked `writing` (as `stage`) in between. Runs without fingerprints are just written.
 */
export async function updateRunFiles(runDir: string, stage: RunStage, files: readonly FingerprintedFile[], write: () => Promise<void>): Promise<void> {
  const info = readRunInfo(runDir);
  if (!info.state || !info.fingerprint) return write();
  await writeRunInfo(runDir, { ...info, state: "writing", writing: stage });
  await write();
  await writeRunInfo(runDir, {
    ...info,
    state: "complete",
    fingerprint: { ...info.fingerprint, tables: { ...info.fingerprint.tables, ...hashRunFiles(runDir, files) } },
  });
}

/**
 * Throws a RunStateError when a stage other than `allow` started rewriting the run and did not finish;
 * cheap (reads run.json only) and silent for directories without a funnel run description.
 */
export function assertRunFinished(runDir: string, allow?: RunStage): void {
  const path = runLayout(runDir).runInfo;
  if (!existsSync(path)) return;
  let raw: { format?: unknown; state?: unknown; writing?: unknown } | null;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as typeof raw;
  } catch {
    return; // the readers report a broken run.json in their own words
  }
  if (raw?.format !== RUN_FORMAT || raw.state !== "writing") return;
  const stage: RunStage = raw.writing === "relevance" ? "relevance" : "funnel";
  if (stage !== allow) throw new RunStateError(path, stage, unfinishedMessage(runDir, stage));
}

/** What {@link verifyRun} found. */
export interface RunCheck {
  /** The run description, when the run has one the funnel wrote. */
  info: RunInfo | null;
  /** Why nothing could be checked (a run description older than fingerprints, or another tool's), else null. */
  unchecked: string | null;
}

/**
 * A reader's check before trusting a run. `need`: `funnel` (the funnel's tables; a relevance check may
 * be under way or interrupted) or `relevance` (every file, verdicts judged on these candidates). With
 * `corpusDir`, the corpus must be the one the run was made from. Throws a RunStateError (a stage did not
 * finish) or a {@link RunMismatchError} (files disagree), each one line. A directory without run.json
 * (built by hand, another tool) has nothing to check.
 */
export function verifyRun(runDir: string, need: RunStage, options: { corpusDir?: string } = {}): RunCheck {
  const layout = runLayout(runDir);
  if (!existsSync(layout.runInfo)) return { info: null, unchecked: null };
  let info: RunInfo;
  try {
    info = readRunInfo(runDir, need === "funnel" ? { allowWriting: "relevance" } : {});
  } catch (error) {
    if (error instanceof RunFileError) return { info: null, unchecked: error.message };
    throw error;
  }
  if (!info.state)
    return {
      info,
      unchecked: `${layout.runInfo} predates fingerprints (an older hf-se-atlas wrote it): its files were not checked; rerun funnel to check them`,
    };
  const fingerprint = info.fingerprint;
  if (!fingerprint || typeof fingerprint.tables !== "object" || fingerprint.tables === null) {
    throw new RunFileError(layout.runInfo, `${layout.runInfo} is not a funnel run description: "fingerprint" is missing or malformed`);
  }
  const check = (file: FingerprintedFile, stage: RunStage) => {
    const recorded = fingerprint.tables[file];
    const path = layout[file];
    const present = existsSync(path);
    if (recorded === undefined) {
      if (present && stage === "relevance") {
        throw new RunMismatchError(
          `${path} is not part of run ${runDir} (${RUN_FILES.runInfo} does not record it: left from an earlier run?); ${rerunHint(stage)}`,
        );
      }
      return;
    }
    if (!present) throw new RunMismatchError(`missing ${path}, which ${layout.runInfo} records; ${rerunHint(stage)}`);
    if (sha256File(path) !== recorded)
      throw new RunMismatchError(`${path} does not match ${layout.runInfo} (changed or replaced after the run was written); ${rerunHint(stage)}`);
  };
  if (fingerprint.tables.unique === undefined) throw new RunMismatchError(`${layout.runInfo} records no ${RUN_FILES.unique}; ${rerunHint("funnel")}`);
  for (const file of FUNNEL_FILES) check(file, "funnel");
  if (need === "relevance") {
    for (const file of RELEVANCE_FILES) check(file, "relevance");
    const relevance = info.relevance;
    if (relevance && relevance.candidates !== fingerprint.tables.unique) {
      throw new RunMismatchError(
        `${layout.verdicts} were judged on other candidates (${RUN_FILES.unique} ${relevance.candidates.slice(0, 12)}), not this run's (${fingerprint.tables.unique.slice(0, 12)}); ${rerunHint("relevance")}`,
      );
    }
  }
  if (options.corpusDir !== undefined) {
    let current: string;
    try {
      current = corpusFingerprint(options.corpusDir);
    } catch (error) {
      throw new RunMismatchError(`run ${runDir}: cannot check its corpus ${options.corpusDir}: ${(error as Error).message}`);
    }
    if (current !== fingerprint.corpus) {
      throw new RunMismatchError(
        `run ${runDir} was not made from the corpus ${options.corpusDir} as it is now (its manifest or shards differ from what ${RUN_FILES.runInfo} records); pass the corpus the run was made from, or rerun funnel on this one`,
      );
    }
  }
  return { info, unchecked: null };
}
