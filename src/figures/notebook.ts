/**
 * Figures inside notebooks: HTML output that draws interactively, with plotly.js loaded once per notebook.
 *
 * The bundle is about 5 MB, too much to carry in every executed notebook, so by default the first output
 * (the set-up cell's) holds a small loader that fetches the installed version of plotly.js once from a
 * CDN, pinned by its sha384 (the browser refuses any other bytes), and every figure waits for it. With
 * `HF_SE_ATLAS_PLOTLY=inline` the bundle itself is embedded once instead, for notebooks that must draw
 * offline (about 5 MB each). Either way the loader is emitted once per kernel; later figures reuse it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { drawFigureScript, escapeHtml, figureDiv, plotlyBundlePath, plotlyScriptInline, scriptJson } from "./html";
import { formatCell } from "./report";
import type { FigureSpec } from "./spec";

/** Environment variable choosing how notebooks load plotly.js: `cdn` (default) or `inline`. */
export const PLOTLY_MODE_ENV = "HF_SE_ATLAS_PLOTLY";
export type PlotlyMode = "cdn" | "inline";

/** The promise every notebook figure waits for (set by the loader). */
const READY = "window.__hfSeAtlasPlotly";

let loaderEmitted = false;
let counter = 0;

export function plotlyMode(env: NodeJS.ProcessEnv = process.env): PlotlyMode {
  return env[PLOTLY_MODE_ENV]?.trim().toLowerCase() === "inline" ? "inline" : "cdn";
}

/** The installed plotly.js version and the pinned CDN copy of exactly that file. */
export function pinnedPlotly(): { version: string; url: string; integrity: string } {
  const bundle = plotlyBundlePath();
  const version = (JSON.parse(readFileSync(require.resolve("plotly.js-dist-min/package.json"), "utf8")) as { version: string }).version;
  const integrity = `sha384-${createHash("sha384").update(readFileSync(bundle)).digest("base64")}`;
  return { version, url: `https://cdn.jsdelivr.net/npm/plotly.js-dist-min@${version}/plotly.min.js`, integrity };
}

/** The loader: defines the promise figures wait for. `cdn`: the pinned copy, fetched and checked; `inline`: the bundle itself. */
export function plotlyLoaderHtml(mode: PlotlyMode = plotlyMode()): string {
  if (mode === "inline") {
    return `${plotlyScriptInline()}\n<script>${READY}=${READY}||Promise.resolve(window.Plotly);</script>`;
  }
  const { version, url, integrity } = pinnedPlotly();
  // fetch() checks the bytes against the pinned sha384; the text then runs with any AMD loader of the page
  // hidden (classic Jupyter has require.js), so plotly always sets window.Plotly.
  const script = `(function(){if(${READY})return;${READY}=window.Plotly?Promise.resolve(window.Plotly):
fetch(${scriptJson(url)},{integrity:${scriptJson(integrity)},mode:"cors"}).then(function(r){if(!r.ok)throw new Error("HTTP "+r.status);return r.text();})
.then(function(code){var s=document.createElement("script");s.text="(function(){var define,module,exports;\\n"+code+"\\n})();";document.head.appendChild(s);
if(!window.Plotly)throw new Error("plotly.js ran but defined no Plotly");return window.Plotly;})
.catch(function(e){throw new Error("plotly.js ${version} could not be loaded from the CDN ("+(e&&e.message||e)+")");});})();`;
  const note = `Figures below draw with plotly.js ${version}, loaded once from a CDN and checked against the installed copy (sha384). To draw offline, start Jupyter with ${PLOTLY_MODE_ENV}=inline (the bundle is then embedded once, about 5 MB per notebook).`;
  return `<script>${script}</script>\n<p style="color:#777;font-size:11px" class="plotly-loader">${escapeHtml(note)}</p>`;
}

/** The loader, the first time it is asked for in this kernel; "" afterwards. */
export function plotlyLoaderOnce(mode?: PlotlyMode): string {
  if (loaderEmitted) return "";
  loaderEmitted = true;
  return plotlyLoaderHtml(mode);
}

/** HTML for one figure in a notebook output cell (prefixed by the loader when none was emitted yet). */
export function notebookFigureHtml(spec: FigureSpec): string {
  counter++;
  const domId = `nb-${spec.id}-${counter}`;
  const fail = `function(e){var d=document.getElementById(${JSON.stringify(domId)});if(d){d.style.height="auto";d.textContent=String(e&&e.message||e)+" (the same figure is in the figures folder of a replicate report, which opens offline)";}}`;
  const draw = `<script>(function(){var ready=${READY}||Promise.reject(new Error("plotly.js loader missing"));ready.then(function(Plotly){${drawFigureScript(spec, domId)}},${fail});})();</script>`;
  return [plotlyLoaderOnce(), figureDiv(spec, domId), draw, `<p style="max-width:${spec.width}px"><em>${escapeHtml(spec.caption)}</em></p>`]
    .filter((part) => part !== "")
    .join("\n");
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

/** Plain rows (objects) as an HTML table, columns in the order of the first row's keys. */
export function rowsHtml(rows: ReadonlyArray<Record<string, unknown>>, maxRows = 30): string {
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
  return frameHtml({ columns, values: rows.map((r) => columns.map((c) => r[c])) }, maxRows);
}
