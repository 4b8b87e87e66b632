/**
 * The replication report: one index page linking every table (CSV, Arrow) and figure (HTML, PNG,
 * SVG), with the tables printed inline so paper figures sit beside this run's. Static HTML only
 * (no script), so it reads anywhere; deterministic for the same inputs.
 */
import { PAPER_SNAPSHOT } from "../paper/reported";
import { REPLICATION_FILES } from "../run/layout";
import type { AnyAnalysisTable } from "../analyse/table";
import { TABLE_I_OMITTED } from "../analyse/method-tables";
import { escapeHtml } from "./html";
import type { FigureSpec } from "./spec";

export const SYNTHETIC_BANNER =
  "SYNTHETIC DATA: this report was computed on a generated demo corpus. Its numbers test the pipeline; they say nothing about the Hugging Face Hub.";

export interface ReportTable {
  table: AnyAnalysisTable;
  csv: string;
  arrow: string;
  /** The same table as Parquet (DuckDB, pandas and the Hub's viewer open it as is). */
  parquet?: string;
}

export interface ReportFigure {
  spec: FigureSpec;
  html: string;
  png: string | null;
  svg: string | null;
  errors: string[];
}

export interface ReportInput {
  title: string;
  synthetic: boolean;
  /** Lines describing the corpus, run and settings (label -> value). */
  facts: Array<[string, string]>;
  tables: ReportTable[];
  figures: ReportFigure[];
  /** Why static images are missing, when they are. */
  staticSkipped: string | null;
  problems: string[];
  /** Warnings shown at the top (e.g. arXiv abstracts missing from the corpus). */
  warnings?: string[];
  /** Rows shown per table before "see the CSV". */
  maxRows?: number;
  /** Relative href of the interactive model-selection page, when one was written beside the report. */
  selectionPage?: string | null;
  /**
   * What makes this report's numbers unreliable (a relevance check whose verdicts are mostly errors, a
   * corpus whose crawl did not finish): each shown as a banner at the top.
   */
  alerts?: readonly string[];
  /** The relevance check's validation: who judged, and why Table V is missing when it is. */
  validation?: ReportValidation;
}

/** What the report says about the relevance check beside its validation tables. */
export interface ReportValidation {
  /** One line per judge that decided the run's pairs (its label: backend and model, or the offline rules' version) and how well it is known to agree. */
  judges: string[];
  /** Why Table V is not measured and how to produce the human labels; null when it is there. */
  missing: string | null;
  /** The paper's Table V values and held-out value, shown when the run has none of its own beside them. */
  paperTableV: ReadonlyArray<{ scope: string; paperKappa: number }>;
}

/** Tables of the relevance check's validation (Tables IV and V, the held-out test, the synthetic agreement) and of RQ1.2. */
export const VALIDATION_TABLES: readonly string[] = ["judge-agreement", "table4-", "table5-", "agreement-synthetic-"];
export const MISREADING_TABLES: readonly string[] = ["rq1-2-"];

export function reportHtml(input: ReportInput): string {
  const maxRows = input.maxRows ?? 25;
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(input.title)}</title>
<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px;color:#222;max-width:1200px}
.banner{background:#b00020;color:#fff;padding:10px 14px;font-weight:bold;font-size:1.1em}
table{border-collapse:collapse;margin:8px 0 4px;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top;max-width:520px}
td.num{text-align:right}
th.paper,td.paper{background:#f3f3f3;color:#555;font-style:italic}
.note{color:#555;font-size:13px;margin:2px 0}
figure{margin:16px 0 28px}
figure img{max-width:100%;border:1px solid #eee}
.warn{background:#fff4e5;border-left:4px solid #e69f00;padding:6px 10px}
</style>
</head>
<body>`);
  if (input.synthetic) parts.push(`<p class="banner" id="synthetic-banner">${escapeHtml(SYNTHETIC_BANNER)}</p>`);
  for (const alert of input.alerts ?? []) parts.push(`<p class="banner alert-banner">${escapeHtml(alert)}</p>`);
  parts.push(`<h1>${escapeHtml(input.title)}</h1>`);
  parts.push("<table>", ...input.facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`), "</table>");
  if (input.selectionPage) {
    parts.push(
      `<p id="selection-link"><a href="${escapeHtml(input.selectionPage)}"><strong>Choose a model</strong></a>: the paper's Fig. 10 walk-through as a page. Filter this run's SE models, see why each one was kept, share or export the selection.</p>`,
    );
  }
  parts.push(`<p class="note">Columns in grey italics give the numbers González et al. report for the Hugging Face snapshot of ${PAPER_SNAPSHOT}.</p>`);
  for (const warning of input.warnings ?? []) parts.push(`<p class="warn">${escapeHtml(warning)}</p>`);
  if (input.staticSkipped)
    parts.push(`<p class="warn">Static PNG/SVG images were skipped: ${escapeHtml(input.staticSkipped)}. The interactive HTML figures are complete.</p>`);

  // Headline tables (the paper's findings beside this run) come before the figures.
  const isHeadline = (t: ReportTable) => t.table.name.startsWith("headline");
  for (const t of input.tables.filter(isHeadline)) parts.push(...tableSection(t, maxRows));

  // The method: Fig. 1 and Tables I-III, as the paper presents them before its results.
  const isMethodFigure = (f: ReportFigure) => METHOD_FIGURES.includes(f.spec.id);
  const isMethodTable = (t: ReportTable) => METHOD_TABLES.some((prefix) => t.table.name.startsWith(prefix));
  parts.push('<h2 id="method">Method</h2>');
  for (const f of input.figures.filter(isMethodFigure)) parts.push(...figureSection(f));
  parts.push(`<section id="table-table1-related-work"><h3>Table I: related work</h3><p class="note">${escapeHtml(TABLE_I_OMITTED)}</p></section>`);
  for (const t of input.tables.filter(isMethodTable)) parts.push(...tableSection(t, maxRows));

  const named = (prefixes: readonly string[]) => (t: ReportTable) => prefixes.some((prefix) => t.table.name.startsWith(prefix));
  const isValidationTable = named(VALIDATION_TABLES);
  const isMisreadingTable = named(MISREADING_TABLES);
  parts.push(...validationSection(input.tables.filter(isValidationTable), input.validation, maxRows));
  parts.push('<h2 id="rq1-2-misreadings">RQ1.2: what the relevance check rejected, and why</h2>');
  parts.push(
    `<p class="note">A task phrase can match a card while meaning something else there. The judges' reasons name the misreading behind each rejected (model, activity) pair; the table counts them per activity and shows one example each.</p>`,
  );
  const misreadings = input.tables.filter(isMisreadingTable);
  if (misreadings.length === 0 || misreadings.every((t) => t.table.rows.length === 0))
    parts.push('<p class="warn">No pair was rejected by the relevance check in this run (or the run has no verdicts), so there is no misreading to count.</p>');
  for (const t of misreadings) parts.push(...tableSection(t, maxRows * 2));

  // Discovery beside the search (`--discover` runs only): its own section, apart from the paper's method.
  const isDiscovery = (t: ReportTable) => t.table.name.startsWith("discovered");
  const discovery = input.tables.filter(isDiscovery);
  if (discovery.length > 0) {
    parts.push(`<h2 id="discovered">Found beyond the paper's keyword search</h2>`);
    for (const t of discovery) parts.push(...tableSection(t, maxRows));
  }

  parts.push("<h2>Figures</h2>");
  for (const f of input.figures.filter((f) => !isMethodFigure(f))) parts.push(...figureSection(f));

  parts.push("<h2>Tables</h2>");
  for (const t of input.tables.filter((t) => !isHeadline(t) && !isMethodTable(t) && !isValidationTable(t) && !isMisreadingTable(t) && !isDiscovery(t)))
    parts.push(...tableSection(t, maxRows));

  if (input.problems.length > 0) {
    parts.push(`<h2>Problems recorded (${input.problems.length})</h2><ul>`);
    for (const p of input.problems.slice(0, 200)) parts.push(`<li>${escapeHtml(p)}</li>`);
    if (input.problems.length > 200) parts.push(`<li>... and ${input.problems.length - 200} more (see ${REPLICATION_FILES.problems})</li>`);
    parts.push("</ul>");
  }
  parts.push("</body>\n</html>\n");
  return parts.join("\n");
}

/**
 * The relevance check's validation, as the paper measured it: who judged; Table IV (pilot sizes); Table V
 * and the held-out test from human labels, or, without them, the paper's values, that this run does not
 * measure them and how to produce the labels; then, apart and under its own name, the agreement with a
 * synthetic corpus's ground truth.
 */
function validationSection(tables: readonly ReportTable[], validation: ReportValidation | undefined, maxRows: number): string[] {
  const parts = ['<h2 id="relevance-check">The relevance check and its validation (Tables IV and V)</h2>'];
  const judges = validation?.judges ?? [];
  parts.push(
    `<p id="relevance-judge"><strong>Relevance judge:</strong> ${judges.length > 0 ? judges.map(escapeHtml).join("<br>") : "none: the run has no verdicts"}</p>`,
  );
  const byPrefix = (prefix: string) => tables.filter((t) => t.table.name.startsWith(prefix));
  for (const t of byPrefix("judge-agreement")) parts.push(...tableSection(t, maxRows));
  for (const t of byPrefix("table4-")) parts.push(...tableSection(t, maxRows));
  const tableV = byPrefix("table5-");
  for (const t of tableV) parts.push(...tableSection(t, maxRows));
  if (validation?.missing) {
    const paper = validation.paperTableV.map(
      (r) => `<tr><td>${escapeHtml(r.scope)}</td><td class="num">not measured</td><td class="num paper">${r.paperKappa.toFixed(2)}</td></tr>`,
    );
    parts.push(
      `<section id="table-v-not-measured"><h3>${tableV.length > 0 ? "Not measured" : "Table V: not measured in this run"}</h3>`,
      `<p class="warn">${escapeHtml(validation.missing)}</p>`,
      ...(tableV.length > 0
        ? []
        : ['<table><thead><tr><th>scope</th><th>this run</th><th class="paper">paperKappa</th></tr></thead><tbody>', ...paper, "</tbody></table>"]),
      "</section>",
    );
  }
  const synthetic = byPrefix("agreement-synthetic-");
  if (synthetic.length > 0) {
    parts.push(
      '<h3 id="synthetic-agreement">Agreement with the synthetic ground truth (not Table V)</h3>',
      '<p class="note">The demo corpus knows what it planted, so every judged pair can be checked against generated labels. That tests the pipeline on the corpus built for it; it says nothing of how the judge agrees with people, which only human labels measure.</p>',
    );
    for (const t of synthetic) parts.push(...tableSection(t, maxRows));
  }
  return parts;
}

/** Figures and tables the report shows under "Method" (Fig. 1, Tables II and III), by id / name prefix. */
export const METHOD_FIGURES: readonly string[] = ["fig1-pipeline"];
export const METHOD_TABLES: readonly string[] = ["table2-", "table3-"];

function figureSection(f: ReportFigure): string[] {
  const links = [`<a href="${escapeHtml(f.html)}">interactive</a>`];
  if (f.png) links.push(`<a href="${escapeHtml(f.png)}">PNG</a>`);
  if (f.svg) links.push(`<a href="${escapeHtml(f.svg)}">SVG</a>`);
  return [
    `<figure id="${escapeHtml(f.spec.id)}">`,
    `<h3>${escapeHtml(f.spec.title)}</h3>`,
    ...(f.png ? [`<img src="${escapeHtml(f.png)}" alt="${escapeHtml(f.spec.title)}" width="${f.spec.width}">`] : []),
    `<figcaption>${escapeHtml(f.spec.caption)} (${links.join(" | ")})</figcaption>`,
    ...f.errors.map((e) => `<p class="warn">Browser reported: ${escapeHtml(e)}</p>`),
    "</figure>",
  ];
}

function tableSection({ table, csv, arrow, parquet }: ReportTable, maxRows: number): string[] {
  const parquetLink = parquet ? ` | <a href="${escapeHtml(parquet)}">Parquet</a>` : "";
  return [
    `<section id="table-${escapeHtml(table.name)}"><h3>${escapeHtml(table.title)}</h3>`,
    `<p class="note"><a href="${escapeHtml(csv)}">CSV</a> | <a href="${escapeHtml(arrow)}">Arrow</a>${parquetLink} | ${table.rows.length} rows</p>`,
    tableHtml(table, maxRows),
    ...table.notes.map((note) => `<p class="note">${escapeHtml(note)}</p>`),
    "</section>",
  ];
}

/** One analysis table as HTML (rows, then its notes): for notebooks and the report. */
export function analysisTableHtml(table: AnyAnalysisTable, maxRows = 25): string {
  const notes = table.notes.map((n) => `<p class="note" style="color:#555;font-size:12px">${escapeHtml(n)}</p>`).join("\n");
  return `<h4>${escapeHtml(table.title)}</h4>\n${tableHtml(table, maxRows)}\n${notes}`;
}

function tableHtml(table: AnyAnalysisTable, maxRows: number): string {
  const columns = table.spec.map((c) => c.name as string);
  const isPaper = (name: string) => /^paper/i.test(name);
  const head = columns.map((c) => `<th${isPaper(c) ? ' class="paper"' : ""}>${escapeHtml(c)}</th>`).join("");
  const body = (table.rows as Array<Record<string, unknown>>).slice(0, maxRows).map((row) => {
    const cells = columns.map((c) => {
      const value = row[c];
      const cls = [typeof value === "number" ? "num" : "", isPaper(c) ? "paper" : ""].filter(Boolean).join(" ");
      return `<td${cls ? ` class="${cls}"` : ""}>${escapeHtml(formatCell(value))}</td>`;
    });
    return `<tr>${cells.join("")}</tr>`;
  });
  const more = table.rows.length > maxRows ? `<tr><td colspan="${columns.length}">... ${table.rows.length - maxRows} more rows in the CSV</td></tr>` : "";
  return `<table><thead><tr>${head}</tr></thead><tbody>${body.join("")}${more}</tbody></table>`;
}

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(3);
  return String(value);
}
