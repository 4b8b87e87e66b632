/**
 * `replicate`: run the whole pipeline on a corpus (the shipped demo by default), then write every
 * table (CSV + Arrow), every figure (HTML + PNG + SVG), the model-selection walk-through (Fig. 10) as
 * one self-contained page, and a report into one folder, laid out as `replicationLayout`
 * (src/run/layout.ts) says: the run directory, the tables, the figures, the analyses' problems, a
 * manifest of what was written, the selection page and the report's index page.
 */
import { join, relative } from "node:path";
import { analyseRun, tablesOf, type RunAnalyses } from "../analyse/all";
import { loadRunData } from "../analyse/run-data";
import type { AnyAnalysisTable } from "../analyse/table";
import { figuresOf } from "../figures/all";
import { writeFigureHtml } from "../figures/html";
import { reportHtml, SYNTHETIC_BANNER, type ReportFigure, type ReportTable } from "../figures/report";
import { writeSelectionPage } from "../figures/selection-page";
import { exportStaticImages, type StaticExportOptions } from "../figures/static";
import { labelOf, panelLabel } from "./judge-panel";
import { mostlyFailed, runRelevanceCheck, specsOf, type RelevanceCheckOptions } from "./relevance";
import { recordRelevantCounts, relevantCountsOf, runFunnel, uncertainCountsOf } from "./funnel";
import { judgeStatements } from "../analyse/judge-agreement";
import { hasRunTable } from "../run/files";
import { REPLICATION_FILES, replicationLayout } from "../run/layout";
import { loadTaxonomy, type Taxonomy } from "../taxonomy/taxonomy";
import { writeFileAtomic } from "../util/atomic";
import { rowsToCsv, writeRows } from "../util/arrow-table";

export interface ReportOptions {
  runDir: string;
  corpusDir: string;
  outDir: string;
  taxonomy?: Taxonomy;
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
}

const defaultLog = (line: string) => process.stderr.write(`replicate: ${line}\n`);

/** Analyse an existing run directory and write tables, figures and the report into `outDir`. */
export async function writeReport(options: ReportOptions): Promise<ReportResult> {
  const log = options.log ?? defaultLog;
  const taxonomy = options.taxonomy ?? loadTaxonomy();
  log(`loading run ${options.runDir} and corpus ${options.corpusDir}`);
  const data = await loadRunData(options.runDir, options.corpusDir);
  const analyses = analyseRun(data, taxonomy);
  const tables = await writeTables(tablesOf(analyses), options.outDir);
  log(`wrote ${tables.length} tables`);
  for (const line of analyses.judgeAgreement ? judgeStatements(analyses.judgeAgreement) : ["none: the run has no verdicts"]) log(`relevance judge: ${line}`);

  const out = replicationLayout(options.outDir);
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
  const facts: Array<[string, string]> = [
    [
      "corpus",
      `${options.corpusDir} (${data.manifest.records.toLocaleString("en-US")} models, created by ${data.manifest.createdBy}${data.manifest.synthetic ? ", SYNTHETIC" : ""})`,
    ],
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
    }),
  );
  await writeFileAtomic(
    out.manifest,
    `${JSON.stringify(
      {
        synthetic: analyses.synthetic,
        seModels: analyses.seModels,
        tables: tables.map((t) => ({ name: t.table.name, rows: t.table.rows.length, csv: t.csv, arrow: t.arrow })),
        figures: figures.map((f) => ({ id: f.spec.id, html: f.html, png: f.png, svg: f.svg, errors: f.errors })),
        staticSkipped,
        problems: analyses.problems.length,
      },
      null,
      2,
    )}\n`,
  );
  log(`report: ${indexPath}`);
  return { analyses, indexPath, tables, figures, staticSkipped };
}

/** One line on what discovery added (the report's facts). */
function discoveryFact(discovery: NonNullable<RunAnalyses["discovery"]>): string {
  const all = discovery.counts.rows.find((r) => r.activity === "all")!;
  const perActivity = discovery.counts.rows.filter((r) => r.activity !== "all" && r.pairs > 0).map((r) => `${r.activity} ${r.relevant}/${r.pairs}`);
  return `--discover: ${all.pairs} models the keyword search did not offer reached the judge, ${all.relevant} judged SE (relevant/offered pairs per activity: ${perActivity.join(", ")}); see "Found beyond the paper's keyword search"`;
}

/** Each table as CSV and Arrow in the tables folder; returns hrefs relative to `outDir`. */
export async function writeTables(tables: readonly AnyAnalysisTable[], outDir: string): Promise<ReportTable[]> {
  const layout = replicationLayout(outDir);
  const written: ReportTable[] = [];
  for (const table of tables) {
    const { csv, arrow } = layout.tableFiles(table.name);
    await writeFileAtomic(join(outDir, csv), rowsToCsv(table.rows, table.spec));
    await writeRows(join(outDir, arrow), table.rows, table.spec);
    written.push({ table, csv, arrow });
  }
  return written;
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
  noStatic?: boolean;
  taxonomy?: Taxonomy;
  chromium?: StaticExportOptions;
  log?: (line: string) => void;
  /** Discovery beside the search (`funnel --discover`); off: the paper's method alone. */
  discover?: boolean;
}

/** The stages replicate runs, injectable so a caller (or test) can swap one. */
export interface PipelineStages {
  /** Search + outlier rules + near-duplicates: writes the run directory up to the unique and funnel tables. */
  funnel(options: { corpusDir: string; runDir: string; taxonomy: Taxonomy; discover?: boolean }): Promise<void>;
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
    async funnel({ corpusDir, runDir, taxonomy, discover }) {
      await runFunnel({ corpusDir, outDir: runDir, taxonomy, progress: process.stderr.isTTY ? undefined : "lines", ...(discover ? { discover: true } : {}) });
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
      if (failed) throw new Error(`relevance check: ${failed}; verdicts written to ${result.verdictsPath}`);
      await recordRelevantCounts(runDir, relevantCountsOf(result), uncertainCountsOf(result));
    },
  };
}

/** Run the whole pipeline on a corpus, then write the report (tables, figures, index page). */
export async function replicate(options: ReplicateOptions, stages: PipelineStages = defaultStages()): Promise<ReportResult> {
  const log = options.log ?? defaultLog;
  const taxonomy = options.taxonomy ?? loadTaxonomy();
  const runDir = replicationLayout(options.outDir).run;
  const started = Date.now();
  log(
    `[1/3] funnel: search, outlier rules, near-identical cards${options.discover ? ", discovery beside the search" : ""} (${options.corpusDir} -> ${runDir})`,
  );
  await stages.funnel({ corpusDir: options.corpusDir, runDir, taxonomy, ...(options.discover ? { discover: true } : {}) });
  const selection: RelevanceSelection = options.offline ? { judge: "offline" } : (options.judge ?? { judge: "auto" });
  log(`[2/3] relevance check (${describeSelection(selection)})`);
  await stages.relevance({ corpusDir: options.corpusDir, runDir, taxonomy, offline: selection.judge === "offline" && !selection.jury, judge: selection });
  log("[3/3] analyses, tables, figures, report");
  const result = await writeReport({
    runDir,
    corpusDir: options.corpusDir,
    outDir: options.outDir,
    taxonomy,
    noStatic: options.noStatic,
    chromium: options.chromium,
    log,
  });
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/**
 * For notebooks: the run directory of an earlier `replicate` into `outDir`, or a fresh offline
 * replicate when there is none yet. Returns the run directory.
 */
export async function ensureReplication(options: ReplicateOptions): Promise<string> {
  const runDir = replicationLayout(options.outDir).run;
  if (!hasRunTable(runDir, "seModels")) await replicate({ ...options, offline: options.offline ?? true });
  return runDir;
}
