/**
 * Where everything of a run lives: the only place the files of a run directory (and of a `replicate`
 * output folder) are named. Every stage, analysis, command and notebook asks here for a path.
 *
 * Names are relative with forward slashes: they double as the labels printed in messages and notes,
 * and `join` turns them into native paths.
 */
import { join } from "node:path";

/** The lock file of every directory hf-se-atlas writes (run directory, replicate folder, corpus). */
export const LOCK_FILE = ".hf-se-atlas.lock";

/** Every file and folder of a run directory, relative to it (docs/architecture.md describes each). */
export const RUN_FILES = {
  /** Config, taxonomy, corpus, counts and timings of the funnel (src/run/run-info.ts). */
  runInfo: "run.json",
  problems: "problems.arrow",
  matches: "search/matches.arrow",
  documentation: "search/documentation.arrow",
  occurrences: "filter/occurrences.arrow",
  candidates: "filter/candidates.arrow",
  nearDuplicates: "filter/near-duplicates.arrow",
  unique: "filter/unique.arrow",
  verdicts: "filter/verdicts.arrow",
  /** A jury's run only: every juror's own verdict (the verdicts table holds the majority). */
  juryVerdicts: "filter/jury-verdicts.arrow",
  /** The relevance run's judge, token usage and cost. */
  relevance: "filter/relevance.json",
  seModels: "se-models.arrow",
  funnel: "funnel.arrow",
  /** `funnel --discover` only: SE evidence that is not a task phrase, and the models it offers beyond the search. */
  discoveryEvidence: "discover/evidence.arrow",
  discovered: "discover/candidates.arrow",
  /** `score` only: precision / recall per stage against a ground truth. */
  evaluation: "evaluation.arrow",
  /** `funnel --resume` only: finished shards, removed when the run completes. */
  shards: ".shards",
  validate: "validate",
  /** The writer that owns the run directory while it writes (src/util/lock.ts); gone when it is done. */
  lock: LOCK_FILE,
  /** Human work of an earlier funnel run whose candidates changed: `superseded/<fingerprint>/validate/`. */
  superseded: "superseded",
} as const;

export type RunFileName = keyof typeof RUN_FILES;

const ARROW = ".arrow";

/** The pilot's files under `validate/` (src/validate/pilot-files.ts reads and writes them). */
export interface ValidateLayout {
  dir: string;
  /** The samples (pilot and held-out). */
  plan: string;
  labelsDir: string;
  /** One annotator's imported, validated labels. */
  labels(annotator: string): string;
  /** The annotator whose labels a file of `labelsDir` holds, or null when it holds none. */
  annotatorOfLabels(fileName: string): string | null;
  sheetsDir: string;
  /** The exported annotation sheet (CSV) of one annotator. */
  sheet(annotator: string): string;
  /** Judge vs humans (pilot per activity, held-out pooled). */
  agreement: string;
  /** Judge vs a synthetic corpus's ground truth. */
  agreementGroundTruth: string;
  /**
   * True for a file of `dir` computed from the run's verdicts (agreement and disagreement tables of the
   * pilot and of the `agreement` command): stale once the verdicts are judged again.
   */
  isVerdictDerived(fileName: string): boolean;
}

export type RunLayout = { dir: string } & { [K in Exclude<RunFileName, "validate" | "superseded">]: string } & {
  validate: ValidateLayout;
  /** Where `validate/` goes when the candidates it was drawn from are replaced (`fingerprint`: theirs, shortened). */
  superseded(fingerprint: string): { dir: string; validate: string; note: string };
  /** The Gemini verdict cache, beside the run directory so that runs share it. */
  verdictCache: string;
};

/** Every path of the run directory `runDir`. */
export function runLayout(runDir: string): RunLayout {
  const paths = Object.fromEntries(Object.entries(RUN_FILES).map(([key, file]) => [key, join(runDir, file)])) as Record<RunFileName, string>;
  const validateDir = paths.validate;
  const labelsDir = join(validateDir, "labels");
  const sheetsDir = join(validateDir, "sheets");
  return {
    ...paths,
    dir: runDir,
    validate: {
      dir: validateDir,
      plan: join(validateDir, `pilot-plan${ARROW}`),
      labelsDir,
      labels: (annotator) => join(labelsDir, `${annotator}${ARROW}`),
      annotatorOfLabels: (fileName) => (fileName.endsWith(ARROW) ? fileName.slice(0, -ARROW.length) : null),
      sheetsDir,
      sheet: (annotator) => join(sheetsDir, `${annotator}.csv`),
      agreement: join(validateDir, `agreement${ARROW}`),
      agreementGroundTruth: join(validateDir, `agreement-ground-truth${ARROW}`),
      isVerdictDerived: (fileName) => /^(agreement|disagreements)(-[A-Za-z0-9._-]+)?\.(arrow|csv)$/.test(fileName),
    },
    superseded: (fingerprint) => {
      const dir = join(paths.superseded, fingerprint);
      return { dir, validate: join(dir, RUN_FILES.validate), note: join(dir, "superseded.json") };
    },
    verdictCache: join(runDir, "..", ".cache", "llm"),
  };
}

/**
 * The tables of one `agreement` comparison named `name`, in `dir` (a run's `validate/` folder, or beside
 * the verdicts file compared): the agreement rows and the disagreements, each as Arrow and CSV.
 */
export function comparisonFiles(dir: string, name: string): { agreement: string; agreementCsv: string; disagreements: string; disagreementsCsv: string } {
  return {
    agreement: join(dir, `agreement-${name}${ARROW}`),
    agreementCsv: join(dir, `agreement-${name}.csv`),
    disagreements: join(dir, `disagreements-${name}${ARROW}`),
    disagreementsCsv: join(dir, `disagreements-${name}.csv`),
  };
}

/** The folder `replicate` writes: a run directory plus the report built from it. */
export const REPLICATION_FILES = {
  /** The run directory the pipeline stages write. */
  run: "run",
  /** `<name>.csv`, `<name>.arrow` and `<name>.parquet`, one set per analysis table. */
  tables: "tables",
  /** The SE-model catalogue, one row per SE model (src/analyse/catalogue-table.ts), as Parquet and CSV. */
  catalogueParquet: "tables/se-models.parquet",
  catalogueCsv: "tables/se-models.csv",
  /** `<id>.html` (+ .png, .svg when Chromium is available; plotly.min.js beside them). */
  figures: "figures",
  /** Every row the analyses could not use, naming the model and reason. */
  problems: "problems.txt",
  /** What was written, and why static images were skipped if they were. */
  manifest: "replication.json",
  /** The model-selection walk-through (Fig. 10) as one self-contained page. */
  selection: "selection.html",
  /** The report. */
  index: "index.html",
  /** The writer that owns the folder while it writes. */
  lock: LOCK_FILE,
} as const;

/** What a report consists of: removed before a report is written again (`run` and `lock` are not). */
const REPORT_OUTPUTS = ["tables", "figures", "problems", "manifest", "selection", "index"] as const;

export interface ReplicationLayout {
  dir: string;
  run: string;
  tables: string;
  figures: string;
  problems: string;
  manifest: string;
  selection: string;
  index: string;
  lock: string;
  /** What a report consists of (cleared before a report is written again; `run` and `lock` are not). */
  reportOutputs: string[];
  /** One analysis table's files, relative to `dir` (they are also the report's links). */
  tableFiles(name: string): { csv: string; arrow: string; parquet: string };
}

/** Every path of the `replicate` output folder `outDir`. */
export function replicationLayout(outDir: string): ReplicationLayout {
  const path = (key: keyof typeof REPLICATION_FILES) => join(outDir, REPLICATION_FILES[key]);
  return {
    dir: outDir,
    run: path("run"),
    tables: path("tables"),
    figures: path("figures"),
    problems: path("problems"),
    manifest: path("manifest"),
    selection: path("selection"),
    index: path("index"),
    lock: path("lock"),
    reportOutputs: REPORT_OUTPUTS.map(path),
    tableFiles: (name) => ({
      csv: `${REPLICATION_FILES.tables}/${name}.csv`,
      arrow: `${REPLICATION_FILES.tables}/${name}${ARROW}`,
      parquet: `${REPLICATION_FILES.tables}/${name}.parquet`,
    }),
  };
}
