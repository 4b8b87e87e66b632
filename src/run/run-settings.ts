/**
 * A run's own configuration, read back from its description (`RUN_FILES.runInfo`), and the check that a
 * run is the one a caller asks for. A reanalysis (`replicate --run`, a notebook) must use the taxonomy,
 * corpus and settings the run was made with: otherwise task names, counts and the pilot's labels would
 * describe another run. Every refusal is one line naming what differs, the run's value and the one asked.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { corpusFingerprint, MANIFEST_FILE } from "../corpus/store";
import { loadTaxonomy, type Taxonomy } from "../taxonomy/taxonomy";
import type { RunInfo } from "./run-info";
import { RunMismatchError } from "./state";

/** What a caller wants a run to be; a field left undefined is not checked. */
export interface RunRequest {
  /** The corpus directory; compared by location and by its number of models. */
  corpusDir?: string;
  /** A taxonomy file; compared by the sha256 of its bytes. */
  taxonomyPath?: string;
  lemmaPolicy?: string;
  includeAliases?: boolean;
  similarityThreshold?: number;
  /** Discovery beside the search (`--discover`). */
  discover?: boolean;
  /** Snapshot cut-off as the funnel records it (`SnapshotCutoff.iso`: `YYYY-MM-DD` or an ISO timestamp), or null for none. */
  until?: string | null;
}

/**
 * A run that is not the one asked for, or whose inputs changed since it was made: a {@link RunMismatchError}
 * (the readers' refusal, src/run/state.ts) that also says which setting differs. The message is one line:
 * `detail` (what differs: the run's value, then the one asked) and `hint` (what to do).
 */
export class RunSettingsMismatch extends RunMismatchError {
  constructor(
    readonly runDir: string,
    readonly setting: string,
    readonly detail: string,
    readonly hint: string,
  ) {
    super(`${detail}: ${hint}`);
    this.name = "RunSettingsMismatch";
  }
}

/**
 * The sha256 a run records for its taxonomy: of the file's bytes, or (a taxonomy built in memory) of its
 * task list. The funnel writes it; reanalyses compare files with it.
 */
export function taxonomySha256(taxonomy: Taxonomy): string {
  try {
    return fileSha256(taxonomy.origin);
  } catch {
    return createHash("sha256").update(JSON.stringify(taxonomy.tasks)).digest("hex");
  }
}

export function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The snapshot cut-off a run applied (`snapshot.until` of runs made with `--until`), or null. */
export function recordedUntil(info: RunInfo): string | null {
  return info.snapshot?.until ?? null;
}

const short = (sha: string) => sha.slice(0, 12);

/**
 * The settings part of the check, without touching the disk: the first setting of `request` that the
 * run description does not share, as a one-line reason, or null when they agree.
 */
export function settingsMismatch(runDir: string, info: RunInfo, request: Omit<RunRequest, "corpusDir" | "taxonomyPath">): RunSettingsMismatch | null {
  const config = info.config;
  const differs = (setting: string, flag: string, recorded: string, asked: string) =>
    new RunSettingsMismatch(
      runDir,
      setting,
      `${runDir} was made with ${flag} ${recorded}, not ${asked}`,
      `drop --run to run the pipeline with ${flag} ${asked}, or ask for the run's own setting`,
    );
  if (request.lemmaPolicy !== undefined && request.lemmaPolicy !== config.lemmaPolicy)
    return differs("lemmaPolicy", "--lemma-policy", config.lemmaPolicy, request.lemmaPolicy);
  if (request.similarityThreshold !== undefined && request.similarityThreshold !== config.similarityThreshold) {
    return differs("similarityThreshold", "--threshold", String(config.similarityThreshold), String(request.similarityThreshold));
  }
  if (request.includeAliases !== undefined && request.includeAliases !== config.includeAliases) {
    return differs(
      "includeAliases",
      "aliases",
      config.includeAliases ? "searched" : "not searched",
      request.includeAliases ? "searched (--aliases)" : "not searched",
    );
  }
  if (request.discover !== undefined && request.discover !== Boolean(config.discover)) {
    return differs("discover", "discovery beside the search", config.discover ? "on (--discover)" : "off", request.discover ? "on (--discover)" : "off");
  }
  if (request.until !== undefined) {
    const recorded = recordedUntil(info);
    const asked = request.until;
    if (recorded !== asked) {
      const cut = (until: string | null) => (until === null ? "no snapshot cut-off" : `--until ${until}`);
      return new RunSettingsMismatch(
        runDir,
        "until",
        `${runDir} was made with ${cut(recorded)}, not ${cut(asked)}`,
        `drop --run to run the pipeline with ${cut(asked)}, or ask for the run's own cut-off`,
      );
    }
  }
  return null;
}

/** Where a path written in a run description may be now: as written (from the working directory), or from the package root. */
function candidatesOf(path: string): string[] {
  if (isAbsolute(path)) return [path];
  // src/run and dist/run sit two levels below the package root.
  return [...new Set([resolve(path), resolve(__dirname, "..", "..", path)])];
}

/**
 * The taxonomy file a run searched with: its recorded origin (relative paths are tried from the working
 * directory and from the package root), checked against the recorded sha256. Throws a
 * {@link RunSettingsMismatch} when the file is gone or changed since the run.
 */
export function runTaxonomyPath(runDir: string, info: RunInfo): string {
  const { origin, sha256 } = info.taxonomy;
  const found = candidatesOf(origin).filter((path) => existsSync(path));
  const same = found.find((path) => fileSha256(path) === sha256);
  if (same) return same;
  if (found.length > 0) {
    throw new RunSettingsMismatch(
      runDir,
      "taxonomy",
      `the taxonomy ${origin} changed since ${runDir} searched it (sha256 ${short(sha256)}... then, ${short(fileSha256(found[0]!))}... now)`,
      "restore it, pass --taxonomy with the original file, or rerun the pipeline",
    );
  }
  throw new RunSettingsMismatch(
    runDir,
    "taxonomy",
    `cannot find the taxonomy ${runDir} searched (${origin}, sha256 ${short(sha256)}...)`,
    "pass --taxonomy with that file",
  );
}

/**
 * The taxonomy to analyse a run with. With `requested` (a file), it must have the bytes the run searched;
 * without, the run's own file is found and checked ({@link runTaxonomyPath}).
 */
export function runTaxonomy(runDir: string, info: RunInfo, requested?: string): Taxonomy {
  if (requested === undefined) return loadTaxonomy(runTaxonomyPath(runDir, info));
  const taxonomy = loadTaxonomy(requested);
  const sha = taxonomySha256(taxonomy);
  if (sha !== info.taxonomy.sha256) {
    throw new RunSettingsMismatch(
      runDir,
      "taxonomy",
      `${runDir} was searched with the taxonomy ${info.taxonomy.origin} (sha256 ${short(info.taxonomy.sha256)}...), not ${requested} (sha256 ${short(sha)}...)`,
      "drop --run to search with it, or drop --taxonomy",
    );
  }
  return taxonomy;
}

/**
 * The corpus directory a run was made from, resolved like its other paths (as written, from the run
 * directory, from the package root): the first that holds a corpus, else the path as written.
 */
export function runCorpusDir(runDir: string, info: Pick<RunInfo, "corpus">): string {
  const written = info.corpus.dir;
  const candidates = isAbsolute(written) ? [written] : [...new Set([resolve(written), resolve(runDir, written), resolve(__dirname, "..", "..", written)])];
  return candidates.find((dir) => existsSync(join(dir, MANIFEST_FILE))) ?? candidates[0]!;
}

function sameDirectory(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/** The number of models a corpus's manifest declares, or null when it has none readable. */
function manifestRecords(corpusDir: string): number | null {
  try {
    const manifest = JSON.parse(readFileSync(join(corpusDir, MANIFEST_FILE), "utf8")) as { records?: unknown };
    return typeof manifest.records === "number" ? manifest.records : null;
  } catch {
    return null;
  }
}

/**
 * Throws a {@link RunSettingsMismatch} (one line) when the run is not the one `request` asks for: another
 * corpus, a corpus that changed size since, another taxonomy file, or other settings. The taxonomy the
 * run searched must also still be on disk unchanged when `checkOwnTaxonomy` is set (the default).
 */
export function checkRunMatches(runDir: string, info: RunInfo, request: RunRequest, options: { checkOwnTaxonomy?: boolean } = {}): void {
  checkCorpus(runDir, info, request.corpusDir);
  if (request.taxonomyPath !== undefined) runTaxonomy(runDir, info, request.taxonomyPath);
  else if (options.checkOwnTaxonomy ?? true) runTaxonomyPath(runDir, info);
  const settings = settingsMismatch(runDir, info, request);
  if (settings) throw settings;
}

/**
 * The corpus part: a run with fingerprints is compared as `verifyRun` compares it (the corpus's content,
 * wherever it lies now); an older run by where its corpus was and how many models it held.
 */
function checkCorpus(runDir: string, info: RunInfo, asked: string | undefined): void {
  const dir = asked ?? runCorpusDir(runDir, info);
  const recorded = info.fingerprint?.corpus;
  if (recorded) {
    let now: string | null;
    try {
      now = corpusFingerprint(dir);
    } catch {
      now = null;
    }
    if (now === recorded) return;
    if (asked !== undefined) {
      throw new RunSettingsMismatch(
        runDir,
        "corpus",
        `${runDir} was made from the corpus ${info.corpus.dir} (${info.corpus.records.toLocaleString("en-US")} models), not ${asked} as it is now`,
        "drop --corpus to use the run's own",
      );
    }
    throw new RunSettingsMismatch(
      runDir,
      "corpus",
      `the corpus ${info.corpus.dir} ${now === null ? "cannot be read" : "changed"} since ${runDir} was made from it (its manifest or shards differ from what run.json records)`,
      "restore it, pass --corpus with the original, or rerun the pipeline",
    );
  }
  if (asked !== undefined && !sameDirectory(runCorpusDir(runDir, info), asked)) {
    throw new RunSettingsMismatch(
      runDir,
      "corpus",
      `${runDir} was made from the corpus ${info.corpus.dir} (${info.corpus.records.toLocaleString("en-US")} models), not ${asked}`,
      "drop --corpus to use the run's own",
    );
  }
  const corpusNow = manifestRecords(dir);
  if (corpusNow !== null && corpusNow !== info.corpus.records) {
    throw new RunSettingsMismatch(
      runDir,
      "corpus",
      `the corpus ${info.corpus.dir} changed since ${runDir} was made from it (${info.corpus.records.toLocaleString("en-US")} models then, ${corpusNow.toLocaleString("en-US")} now)`,
      "rerun the pipeline",
    );
  }
}
