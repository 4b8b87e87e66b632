/**
 * Figures as standalone HTML. The plotly bundle is copied once beside the pages (no CDN: the
 * report must open offline), and each page marks `window.__figureReady` when plotly has drawn,
 * so the static exporter and browser tests know when to look.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic";
import type { FigureSpec } from "./spec";

export const PLOTLY_FILE = "plotly.min.js";

/** Path of the installed plotly.js-dist-min bundle. */
export function plotlyBundlePath(): string {
  return require.resolve("plotly.js-dist-min/plotly.min.js");
}

let cachedBundle: string | null = null;
export function plotlyBundle(): string {
  cachedBundle ??= readFileSync(plotlyBundlePath(), "utf8");
  return cachedBundle;
}

/**
 * The bundle wrapped so it always defines `window.Plotly`, even on pages that carry an AMD loader
 * (classic Jupyter has require.js, where the bare bundle would register an anonymous module instead).
 */
export function plotlyScriptInline(): string {
  return `<script>(function(){var define, module, exports;\n${plotlyBundle()}\n})();</script>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON safe to embed inside <script> (no `</script>` or `<!--` can close it early). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The div + script that draws one figure; `window.Plotly` must already be loaded. */
export function figureFragment(spec: FigureSpec, domId = `figure-${spec.id}`): string {
  return [
    `<div id="${escapeHtml(domId)}" class="figure" style="width:${spec.width}px;height:${spec.height}px"></div>`,
    `<script>(function(){var spec=${scriptJson({ data: spec.data, layout: spec.layout })};`,
    `Plotly.newPlot(${JSON.stringify(domId)}, spec.data, spec.layout, {displaylogo:false, responsive:false})`,
    `.then(function(){window.__figureReady=true;}, function(e){window.__figureError=String(e);console.error(e);});})();</script>`,
  ].join("\n");
}

export interface FigureHtmlOptions {
  /** Relative href of the plotly bundle; default `plotly.min.js` beside the page. */
  plotlyHref?: string;
  /** Shown above the figure when the data is synthetic. */
  banner?: string | null;
}

export function figureHtml(spec: FigureSpec, options: FigureHtmlOptions = {}): string {
  const banner = options.banner ? `<p class="banner">${escapeHtml(options.banner)}</p>\n` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(spec.title)}</title>
<style>body{font-family:"DejaVu Sans",Arial,sans-serif;margin:16px;color:#222}.banner{background:#b00020;color:#fff;padding:6px 10px;font-weight:bold;display:inline-block}.caption{max-width:${spec.width}px}</style>
<script src="${escapeHtml(options.plotlyHref ?? PLOTLY_FILE)}"></script>
</head>
<body>
${banner}${figureFragment(spec)}
<p class="caption">${escapeHtml(spec.caption)}</p>
</body>
</html>
`;
}

/** Copy the plotly bundle into `dir` unless an identical copy is already there. */
export function ensurePlotlyBeside(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const target = join(dir, PLOTLY_FILE);
  const source = plotlyBundlePath();
  if (!existsSync(target) || statSync(target).size !== statSync(source).size) copyFileSync(source, target);
  return target;
}

/** Write `<dir>/<id>.html` (and the bundle beside it); returns the page path. */
export async function writeFigureHtml(dir: string, spec: FigureSpec, options: FigureHtmlOptions = {}): Promise<string> {
  ensurePlotlyBeside(dir);
  const path = join(dir, `${spec.id}.html`);
  await writeFileAtomic(path, figureHtml(spec, options));
  return path;
}
