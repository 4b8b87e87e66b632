/**
 * Figures inside notebooks: HTML output that draws interactively. The plotly bundle is embedded in
 * the first figure's output only; later figures reuse `window.Plotly`.
 */
import { escapeHtml, figureFragment, plotlyScriptInline } from "./html";
import { formatCell } from "./report";
import type { FigureSpec } from "./spec";

let bundleEmitted = false;
let counter = 0;

/** HTML for one figure in a notebook output cell (the first call also carries the plotly bundle). */
export function notebookFigureHtml(spec: FigureSpec): string {
  const bundle = bundleEmitted ? "" : plotlyScriptInline();
  bundleEmitted = true;
  counter++;
  return `${bundle}\n${figureFragment(spec, `nb-${spec.id}-${counter}`)}\n<p style="max-width:${spec.width}px"><em>${escapeHtml(spec.caption)}</em></p>`;
}

/** Draw a figure with tslab's display (pass `tslab.display`, so this library does not depend on tslab). */
export function showFigure(display: { html(html: string): void }, spec: FigureSpec): void {
  display.html(notebookFigureHtml(spec));
}

/**
 * A data frame as an HTML table: anything with `columns` and row `values`, such as a danfo
 * DataFrame (whose console print cuts cells at a few characters).
 */
export function frameHtml(frame: { columns: readonly string[]; values: ReadonlyArray<ReadonlyArray<unknown>> | ReadonlyArray<unknown> }, maxRows = 30): string {
  const rows = (frame.values as ReadonlyArray<unknown>).slice(0, maxRows).map((row) => (Array.isArray(row) ? row : [row]));
  const head = frame.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(formatCell(v))}</td>`).join("")}</tr>`).join("");
  const more = frame.values.length > maxRows ? `<tr><td colspan="${frame.columns.length}">... ${frame.values.length - maxRows} more rows</td></tr>` : "";
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}${more}</tbody></table>`;
}
