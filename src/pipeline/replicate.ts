/**
 * `replicate`: run the whole pipeline on a corpus (the shipped demo by default), then write every
 * table (CSV + Arrow + Parquet), the SE-model catalogue (Parquet + CSV), every figure (HTML + PNG + SVG),
 * the model-selection walk-through (Fig. 10) as one self-contained page, and a report into one folder,
 * laid out as `replicationLayout` (src/run/layout.ts) says: the run directory, the tables, the figures,
 * the analyses' problems, a manifest of what was written, the selection page and the report's index page.
 */
import { rmSync } from "node:fs";
import { PAPER_SNAPSHOT } from "../paper/reported";
import { abstractsHint } from "../corpus/arxiv-status";
import type { SnapshotCutoff } from "../corpus/snapshot";
import { join, relative } from "node:path";
import { analyseRun, tablesOf, type RunAnalyses } from "../analyse/all";
import { loadRunData, type RunData } from "../analyse/run-data";
import { paperTableV } from "../analyse/validation";
import type { AnyAnalysisTable } from "../analyse/table";
import { figuresOf } from "../figures/all";
import { writeFigureHtml } from "../figures/html";
import { reportHtml, SYNTHETIC_BANNER, type ReportFigure, type ReportTable } from "../figures/report";
import { writeSelectionPage } from "../figures/selection-page";
import { exportStaticImages, type StaticExportOptions } from "../figures/static";
import { labelOf, panelLabel } from "./judge-panel";
import { mostlyFailed, runRelevanceCheck, specsOf, type RelevanceCheckOptions } from "./relevance";
import { incompleteCorpus } from "../corpus/store";
import { acquireLock } from "../util/lock";
import { removeLeftovers } from "../util/leftovers";
import { recordRelevantCounts, relevantCountsOf, runFunnel, uncertainCountsOf } from "./funnel";
import { judgeStatements } from "../analyse/judge-agreement";
import { readRunTableIfPresent } from "../run/files";
import { REPLICATION_FILES, replicationLayout, runLayout } from "../run/layout";
import { hasRunInfo, readRunInfo, RunFileError } from "../run/run-info";
import { checkRunMatches, runCorpusDir, runTaxonomy, RunSettingsMismatch, type RunRequest } from "../run/run-settings";
import type { LemmaPolicy } from "../prepare/lemmatize";
import { loadTaxonomy, type Taxonomy } from "../taxonomy/taxonomy";
import { writeFileAtomic } from "../util/atomic";
import { rowsToCsv, writeRows } from "../util/arrow-table";
import { writeParquetRows } from "../util/parquet";
import { buildCatalogue } from "../analyse/catalogue";
import { CATALOGUE_COLUMNS, catalogueRows } from "../analyse/catalogue-table";
import { loadRunEvidence } from "../analyse/evidence";

export interface ReportOptions {
  runDir: string;
  corpusDir: string;
  outDir: string;
  /** The taxonomy to name tasks with; default the run's own (run.json: origin, checked by sha256), the shipped one for runs without a description. */
  taxonomy?: Taxonomy;
  /** Who made the output folder, recorded in its manifest (default `replicate`; notebooks write `notebook`). */
  createdBy?: string;
  /** Skip PNG/SVG even when Chromium is present (the report says so). */
  noStatic?: boolean;
  chromium?: StaticExportOptions;
  /** Progress lines; default stderr. */
  log?: (line: string) => void;
}

export interface ReportResult {
  analyses: RunAnalyses;
  indexPath: string;
  tables: ReportTable[];
  figures: ReportFigure[];
  staticSkipped: string | null;
  /** What the report warns about (also at the top of index.html). */
  warnings: string[];
  /** Why the relevance check failed (most verdicts are errors), as the report says; null when it did not. */
  relevanceFailure: string | null;
  /** Why the corpus is not whole (a crawl that did not finish), as the report says; null when it is. */
  incompleteCorpus: string | null;
}

/** The relevance check of a replicate run failed; the report was written and says so. */
export class RelevanceCheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RelevanceCheckFailed";
  }
}

const defaultLog = (line: string) => process.stderr.write(`replicate: ${line}\n`);

/** Own the `replicate` output folder while writing it (one writer at a time; see src/util/lock.ts). */
function lockReplication(outDir: string) {
  return acquireLock(replicationLayout(outDir).lock, { what: "replication folder" });
}

/**
 * Analyse an existing run directory and write tables, figures and the report into `outDir`, owning it
 * meanwhile. The run is checked against its run.json first (refused when a stage did not finish or its
 * files disagree); the previous report's files are removed before the new ones are written, and the
 * manifest (`REPLICATION_FILES.manifest`) is written last. A run whose verdicts are mostly errors, or whose corpus
 * is an unfinished crawl, gets a report that says so at the top (`relevanceFailure`, `incompleteCorpus`).
 */
export async function writeReport(options: ReportOptions): Promise<ReportResult> {
  const lock = lockReplication(options.outDir);
  try {
    return await writeReportOwned(options);
  } finally {
    lock.release();
  }
}

async function writeReportOwned(options: ReportOptions): Promise<ReportResult> {
  const log = options.log ?? defaultLog;
  const own = options.taxonomy ? { taxonomy: options.taxonomy, problem: null } : ownTaxonomy(options.runDir);
  const taxonomy = own.taxonomy;
  log(`loading run ${options.runDir} and corpus ${options.corpusDir}`);
  const data = await loadRunData(options.runDir, options.corpusDir);
  if (own.problem) data.problems.push(own.problem);
  const out = replicationLayout(options.outDir);
  // Nothing of an earlier report may stand beside this one: its tables, figures and pages go first.
  for (const path of out.reportOutputs) rmSync(path, { recursive: true, force: true });
  removeLeftovers(options.outDir, 0);
  const analyses = analyseRun(data, taxonomy);
  const relevanceFailure = relevanceFailureOf(data.verdicts);
  const incomplete = incompleteCorpus(options.corpusDir, data.manifest);
  const alerts = [
    ...(relevanceFailure
      ? [`RELEVANCE CHECK FAILED: ${relevanceFailure}. The SE models below rest on the few verdicts that are not errors; judge the run again.`]
      : []),
    ...(incomplete ? [`INCOMPLETE CORPUS: ${incomplete}. The numbers cover only the models collected so far.`] : []),
  ];
  for (const alert of alerts) log(alert);
  const tables = await writeTables(tablesOf(analyses), options.outDir);
  const catalogue = await writeCatalogue(options.outDir, data, analyses, taxonomy);
  log(`wrote ${tables.length} tables (CSV, Arrow, Parquet) and the SE-model catalogue`);
  for (const line of analyses.judgeAgreement ? judgeStatements(analyses.judgeAgreement) : ["none: the run has no verdicts"]) log(`relevance judge: ${line}`);

  const figureDir = out.figures;
  const banner = analyses.synthetic ? SYNTHETIC_BANNER : null;
  const specs = figuresOf(analyses);
  const pages: string[] = [];
  for (const spec of specs) pages.push(await writeFigureHtml(figureDir, spec, { banner }));
  log(`wrote ${pages.length} interactive figures`);

  let staticSkipped: string | null = options.noStatic ? "turned off with --no-static" : null;
  let images = pages.map((html) => ({ html, png: null as string | null, svg: null as string | null, errors: [] as string[] }));
  if (!options.noStatic) {
    log("rendering PNG and SVG in headless Chromium");
    const exported = await exportStaticImages(pages, options.chromium);
    staticSkipped = exported.skipped;
    images = exported.results;
    if (staticSkipped) log(`static images skipped: ${staticSkipped}`);
  }
  const rel = (path: string | null) => (path === null ? null : relative(options.outDir, path).split("\\").join("/"));
  const figures: ReportFigure[] = specs.map((spec, i) => ({
    spec,
    html: rel(images[i]!.html)!,
    png: rel(images[i]!.png),
    svg: rel(images[i]!.svg),
    errors: images[i]!.errors,
  }));

  await writeFileAtomic(out.problems, analyses.problems.map((p) => `${p}\n`).join(""));
  await writeSelectionPage(options.outDir, data, analyses, taxonomy, { corpusLabel: options.corpusDir });
  log(`wrote ${REPLICATION_FILES.selection}`);
  const runSnapshot = data.runInfo?.snapshot;
  const missingAbstracts = data.runInfo?.abstracts?.modelsWithoutAbstracts;
  const warnings: string[] = [];
  if (typeof missingAbstracts === "number" && missingAbstracts > 0) {
    warnings.push(
      `${missingAbstracts.toLocaleString("en-US")} models have arXiv ids without abstracts (never looked up): Table VI's abstract rows are not in the source; ${abstractsHint(options.corpusDir)}.`,
    );
  }
  const facts: Array<[string, string]> = [
    [
      "corpus",
      `${options.corpusDir} (${data.manifest.records.toLocaleString("en-US")} models, created by ${data.manifest.createdBy}${data.manifest.synthetic ? ", SYNTHETIC" : ""}${incomplete ? ", INCOMPLETE crawl" : ""})`,
    ],
    [
      "snapshot",
      runSnapshot && typeof runSnapshot.until === "string"
        ? `models created up to ${runSnapshot.until} (--until; the paper's snapshot is ${PAPER_SNAPSHOT}): ${String(runSnapshot.afterUntil)} later models left out, ${String(runSnapshot.undatedKept)} undated kept`
        : `no cut-off: every model of the corpus (the paper's snapshot is ${PAPER_SNAPSHOT}; use --until to match it)`,
    ],
    ["SE-model catalogue", `${catalogue.parquet} (Parquet), ${catalogue.csv} (CSV)`],
    ["run directory", relative(options.outDir, options.runDir) || "."],
    ["taxonomy", `${taxonomy.name} ${taxonomy.version} (${taxonomy.tasks.length} tasks)`],
    ["SE models", analyses.seModels.toLocaleString("en-US")],
    ...(analyses.judgeAgreement
      ? judgeStatements(analyses.judgeAgreement).map((line): [string, string] => ["relevance judge", line])
      : [["relevance judge", "none: the run has no verdicts"] as [string, string]]),
    ...(analyses.discovery ? [["discovery beside the search", discoveryFact(analyses.discovery)] as [string, string]] : []),
    ["static images", staticSkipped ? `skipped (${staticSkipped})` : "PNG and SVG beside each figure"],
  ];
  const indexPath = out.index;
  await writeFileAtomic(
    indexPath,
    reportHtml({
      title: "hf-se-atlas replication report",
      synthetic: analyses.synthetic,
      facts,
      tables,
      figures,
      staticSkipped,
      problems: analyses.problems,
      selectionPage: REPLICATION_FILES.selection,
      warnings,
      alerts,
      validation: {
        judges: analyses.judgeAgreement ? judgeStatements(analyses.judgeAgreement) : [],
        missing: analyses.validation.missing,
        paperTableV: paperTableV(),
      },
    }),
  );
  await writeFileAtomic(
    out.manifest,
    `${JSON.stringify(
      {
        createdBy: options.createdBy ?? "replicate",
        synthetic: analyses.synthetic,
        seModels: analyses.seModels,
        tables: tables.map((t) => ({ name: t.table.name, rows: t.table.rows.length, csv: t.csv, arrow: t.arrow, parquet: t.parquet })),
        catalogue,
        snapshot: runSnapshot ?? null,
        warnings,
        figures: figures.map((f) => ({ id: f.spec.id, html: f.html, png: f.png, svg: f.svg, errors: f.errors })),
        staticSkipped,
        problems: analyses.problems.length,
        ...(relevanceFailure ? { relevanceFailure } : {}),
        ...(incomplete ? { incompleteCorpus: incomplete } : {}),
      },
      null,
      2,
    )}\n`,
  );
  log(`report: ${indexPath}`);
  for (const warning of warnings) log(`warning: ${warning}`);
  return { analyses, indexPath, tables, figures, staticSkipped, warnings, relevanceFailure, incompleteCorpus: incomplete };
}

/** One line on what discovery added (the report's facts). */
function discoveryFact(discovery: NonNullable<RunAnalyses["discovery"]>): string {
  const all = discovery.counts.rows.find((r) => r.activity === "all")!;
  const perActivity = discovery.counts.rows.filter((r) => r.activity !== "all" && r.pairs > 0).map((r) => `${r.activity} ${r.relevant}/${r.pairs}`);
  return `--discover: ${all.pairs} models the keyword search did not offer reached the judge, ${all.relevant} judged SE (relevant/offered pairs per activity: ${perActivity.join(", ")}); see "Found beyond the paper's keyword search"`;
}

/** "N of M verdicts of J are errors (first: ...)" when more than half of a run's verdicts are errors. */
function relevanceFailureOf(verdicts: ReadonlyArray<{ judge: string; error: string | null }> | null): string | null {
  if (!verdicts) return null;
  const errors = verdicts.filter((v) => v.error !== null);
  const judge = [...new Set(verdicts.map((v) => v.judge))].join(", ");
  return mostlyFailed({ candidates: verdicts.length, errors: errors.length, firstError: errors[0]?.error ?? null, judge });
}

/** Each table as CSV, Arrow and Parquet in the tables folder; returns hrefs relative to `outDir`. */
export async function writeTables(tables: readonly AnyAnalysisTable[], outDir: string): Promise<ReportTable[]> {
  const layout = replicationLayout(outDir);
  const written: ReportTable[] = [];
  for (const table of tables) {
    const { csv, arrow, parquet } = layout.tableFiles(table.name);
    await writeFileAtomic(join(outDir, csv), rowsToCsv(table.rows, table.spec));
    await writeRows(join(outDir, arrow), table.rows, table.spec);
    await writeParquetRows(join(outDir, parquet), table.rows, table.spec);
    written.push({ table, csv, arrow, parquet });
  }
  return written;
}

/**
 * The SE-model catalogue (the selection page's data, one row per SE model: activities, tasks, languages,
 * licences, base models, counters, energy, benchmarks, rank) as Parquet and CSV in the tables folder;
 * hrefs relative to `outDir`.
 */
export async function writeCatalogue(
  outDir: string,
  data: RunData,
  analyses: RunAnalyses,
  taxonomy: Taxonomy,
): Promise<{ parquet: string; csv: string; models: number }> {
  const rows = catalogueRows(buildCatalogue(data, analyses, taxonomy, loadRunEvidence(data.runDir, data.seModels, data.verdicts)));
  const parquet = REPLICATION_FILES.catalogueParquet;
  const csv = REPLICATION_FILES.catalogueCsv;
  await writeParquetRows(join(outDir, parquet), rows, CATALOGUE_COLUMNS);
  await writeFileAtomic(join(outDir, csv), rowsToCsv(rows, CATALOGUE_COLUMNS));
  return { parquet, csv, models: rows.length };
}

export interface ReplicateOptions {
  /** Corpus directory (default: the shipped demo corpus, data/demo). */
  corpusDir: string;
  /** Output folder (default out/replication). */
  outDir: string;
  /** Judge relevance with the offline rules even when GEMINI_API_KEY is set (same as `judge: {judge: "offline"}`). */
  offline?: boolean;
  /** Which judge or jury decides relevance (default: Gemini when GEMINI_API_KEY is set, else the offline rules). */
  judge?: RelevanceSelection;
  /** Snapshot cut-off: only models created up to it (recorded in run.json, shown in the report). */
  until?: SnapshotCutoff | null;
  noStatic?: boolean;
  /** The taxonomy searched for and named in every table (default: the shipped taxonomy/se-tasks.json). */
  taxonomy?: Taxonomy;
  /** The funnel's settings, as `funnel` takes them (default: the paper's). */
  settings?: FunnelSettings;
  chromium?: StaticExportOptions;
  /** Recorded in the output folder's manifest (default `replicate`). */
  createdBy?: string;
  log?: (line: string) => void;
  /** Run on a corpus whose crawl did not finish; the report says so. */
  allowIncomplete?: boolean;
  /** Discovery beside the search (`funnel --discover`); off: the paper's method alone. */
  discover?: boolean;
}

/** What a reanalysis may change in the funnel; left out, each takes the paper's default. */
export interface FunnelSettings {
  lemmaPolicy?: LemmaPolicy;
  /** Cosine similarity from which two cards are near-identical. */
  similarityThreshold?: number;
  /** Also search each task's aliases. */
  includeAliases?: boolean;
}

/** The stages replicate runs, injectable so a caller (or test) can swap one. */
export interface PipelineStages {
  /** Search + outlier rules + near-duplicates: writes the run directory up to the unique and funnel tables. */
  funnel(options: {
    corpusDir: string;
    runDir: string;
    taxonomy: Taxonomy;
    until?: SnapshotCutoff | null;
    allowIncomplete?: boolean;
    discover?: boolean;
    settings?: FunnelSettings;
  }): Promise<void>;
  /** LLM (or offline) relevance check: writes the verdicts and SE models tables. */
  relevance(options: { corpusDir: string; runDir: string; taxonomy: Taxonomy; offline: boolean; judge: RelevanceSelection }): Promise<void>;
}

/** The judge options replicate passes to the relevance stage. */
export type RelevanceSelection = Pick<RelevanceCheckOptions, "judge" | "model" | "baseUrl" | "temperature" | "seed" | "jury" | "onlyUncertain" | "numCtx">;

/** What the relevance step will use, in words, for the progress line. */
export function describeSelection(selection: RelevanceSelection): string {
  if (selection.judge === "auto" && !selection.jury && !process.env.GEMINI_API_KEY) return "offline rules: no GEMINI_API_KEY";
  const specs = specsOf(selection);
  if (specs.length === 1 && specs[0]!.backend === "offline") return "offline rules";
  return panelLabel(specs.map(labelOf), selection.onlyUncertain ? "offline rules" : null);
}

export function defaultStages(): PipelineStages {
  return {
    async funnel({ corpusDir, runDir, taxonomy, until, allowIncomplete, discover, settings = {} }) {
      const { lemmaPolicy, similarityThreshold, includeAliases } = settings;
      await runFunnel({
        corpusDir,
        outDir: runDir,
        taxonomy,
        until,
        allowIncomplete,
        lemmaPolicy,
        similarityThreshold,
        includeAliases,
        progress: process.stderr.isTTY ? undefined : "lines",
        ...(discover ? { discover: true } : {}),
      });
    },
    async relevance({ corpusDir, runDir, taxonomy, offline, judge }) {
      const result = await runRelevanceCheck({
        runDir,
        corpusDir,
        taxonomy,
        ...judge,
        ...(offline ? { judge: "offline" as const, jury: undefined } : {}),
        progress: process.stderr.isTTY ? undefined : "lines",
      });
      const failed = mostlyFailed(result);
      if (failed) throw new RelevanceCheckFailed(`relevance check: ${failed}; verdicts written to ${result.verdictsPath}`);
      await recordRelevantCounts(runDir, relevantCountsOf(result), uncertainCountsOf(result));
    },
  };
}

/**
 * Run the whole pipeline on a corpus, then write the report (tables, figures, index page), owning the
 * output folder meanwhile. When the relevance check's verdicts are mostly errors, the report is still
 * written (it says so at the top) and then a {@link RelevanceCheckFailed} is thrown.
 */
export async function replicate(options: ReplicateOptions, stages: PipelineStages = defaultStages()): Promise<ReportResult> {
  const lock = lockReplication(options.outDir);
  try {
    return await replicateOwned(options, stages);
  } finally {
    lock.release();
  }
}

async function replicateOwned(options: ReplicateOptions, stages: PipelineStages): Promise<ReportResult> {
  const log = options.log ?? defaultLog;
  const taxonomy = options.taxonomy ?? loadTaxonomy();
  const settings = options.settings ?? {};
  const runDir = replicationLayout(options.outDir).run;
  const until = options.until ?? null;
  const started = Date.now();
  log(
    `[1/3] funnel: search, outlier rules, near-identical cards${options.discover ? ", discovery beside the search" : ""} (${options.corpusDir} -> ${runDir})${describeSettings(settings, until)}`,
  );
  await stages.funnel({
    corpusDir: options.corpusDir,
    runDir,
    taxonomy,
    until,
    settings,
    ...(options.allowIncomplete ? { allowIncomplete: true } : {}),
    ...(options.discover ? { discover: true } : {}),
  });
  const selection: RelevanceSelection = options.offline ? { judge: "offline" } : (options.judge ?? { judge: "auto" });
  log(`[2/3] relevance check (${describeSelection(selection)})`);
  let failure: RelevanceCheckFailed | null = null;
  try {
    await stages.relevance({ corpusDir: options.corpusDir, runDir, taxonomy, offline: selection.judge === "offline" && !selection.jury, judge: selection });
  } catch (error) {
    if (!(error instanceof RelevanceCheckFailed)) throw error;
    failure = error;
  }
  log("[3/3] analyses, tables, figures, report");
  const result = await writeReport({
    runDir,
    corpusDir: options.corpusDir,
    outDir: options.outDir,
    taxonomy,
    noStatic: options.noStatic,
    chromium: options.chromium,
    createdBy: options.createdBy,
    log,
  });
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failure) throw new RelevanceCheckFailed(`${failure.message}; the report ${result.indexPath} says so`);
  return result;
}

/** The funnel settings that differ from the defaults, for the progress line. */
function describeSettings(settings: FunnelSettings, until: SnapshotCutoff | null): string {
  const parts = [
    until ? `models created up to ${until.iso}` : null,
    settings.lemmaPolicy !== undefined ? `lemma policy ${settings.lemmaPolicy}` : null,
    settings.similarityThreshold !== undefined ? `threshold ${settings.similarityThreshold}` : null,
    settings.includeAliases ? "aliases searched" : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? `, ${parts.join(", ")}` : "";
}

/** The taxonomy a run searched (run.json), or the shipped one for a run without a description (said in the problems). */
function ownTaxonomy(runDir: string): { taxonomy: Taxonomy; problem: string | null } {
  if (!hasRunInfo(runDir)) return { taxonomy: loadTaxonomy(), problem: `${runDir} has no run description: tasks are named with the shipped taxonomy` };
  let info;
  try {
    info = readRunInfo(runDir);
  } catch (error) {
    if (!(error instanceof RunFileError)) throw error;
    return { taxonomy: loadTaxonomy(), problem: `${error.message}: tasks are named with the shipped taxonomy` };
  }
  return { taxonomy: runTaxonomy(runDir, info), problem: null };
}

export interface RunReportOptions extends Omit<ReportOptions, "corpusDir" | "taxonomy"> {
  /** What the caller asks the run to be (corpus, taxonomy file, settings); each given field is checked against run.json. */
  request?: RunRequest;
  /** Judge options given with the run: the run's verdicts must come from that judge (nothing is judged again). */
  judge?: RelevanceSelection;
}

/**
 * `replicate --run`: the report of an existing run, analysed with the run's own taxonomy and corpus
 * (run.json). A run that is not the one asked for (another corpus, taxonomy, setting or judge), or whose
 * taxonomy changed since, is refused with a one-line reason; the run directory is only read.
 */
export async function reportOnRun(options: RunReportOptions): Promise<ReportResult> {
  const { runDir, request = {}, judge, ...rest } = options;
  if (!hasRunInfo(runDir)) {
    const { corpusDir: _corpus, ...settings } = request;
    if (Object.values(settings).some((v) => v !== undefined))
      throw new Error(`${runLayout(runDir).runInfo} is missing, so ${runDir}'s settings cannot be checked: drop the settings or rerun the pipeline`);
    if (!request.corpusDir) throw new Error(`${runLayout(runDir).runInfo} is missing: pass --corpus <dir> to say which corpus ${runDir} came from`);
    return writeReport({ ...rest, runDir, corpusDir: request.corpusDir });
  }
  const info = readRunInfo(runDir);
  checkRunMatches(runDir, info, request);
  if (judge) {
    const mismatch = judgeMismatch(runDir, judge);
    if (mismatch) throw new RunSettingsMismatch(runDir, "judge", mismatch.detail, mismatch.hint);
  }
  const taxonomy = runTaxonomy(runDir, info, request.taxonomyPath);
  return writeReport({ ...rest, runDir, corpusDir: request.corpusDir ?? runCorpusDir(runDir, info), taxonomy });
}

/** Why the run's verdicts are not from the judge `selection` asks for, or null when they are (or nothing specific is asked). */
export function judgeMismatch(runDir: string, selection: RelevanceSelection): { detail: string; hint: string } | null {
  if (selection.judge === "auto" && !selection.jury) return null;
  const hint = `run \`hf-se-atlas judge --run ${runDir}\` with those judge options first, then replicate --run`;
  const verdicts = readRunTableIfPresent(runDir, "verdicts", ["judge"]);
  if (!verdicts) return { detail: `${runDir} has no verdicts yet`, hint };
  const recorded = [...new Set(verdicts.map((v) => v.judge))].sort();
  const asked = specsOf(selection).map(labelOf);
  const missing = asked.filter((label) => !recorded.some((r) => r === label || r.includes(label)));
  if (missing.length === 0) return null;
  return { detail: `${runDir} was judged by ${recorded.join(", ") || "no judge"}, not ${missing.join(", ")}`, hint };
}
