/**
 * Figures as standalone HTML. The plotly bundle is copied once beside the pages (no CDN: the
 * report must open offline), and each page marks `window.__figureReady` when plotly has drawn,
 * so the static exporter and browser tests know when to look.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureDirectorySync, writeFileAtomic, writeFileAtomicSync } from "../util/atomic";
import type { AfterDraw, FigureSpec } from "./spec";

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
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * In-page code for FigureSpec.afterDraw, as script text (plain ES5: it runs in notebooks and saved pages).
 * "sankey-link-counts": plotly writes no value on sankey flows, so once they are laid out their positions
 * are read from the drawn paths (plotly's own layout, not a guess) and each flow gets a label
 * "<target>: <count>" left of its source node, joined to the flow by a thin leader line. Labels start at
 * their flow's height and are pushed apart to stay legible, within the node and half the padding around
 * it. Annotations are part of the layout, so PNG and SVG exports (Plotly.toImage) carry them.
 */
const AFTER_DRAW_SCRIPTS: Record<AfterDraw, string> = {
  "sankey-link-counts": `function(gd){
var size=gd._fullLayout._size, groups=[], byNode={}, gap=13;
Array.prototype.forEach.call(gd.querySelectorAll(".sankey-link"),function(path){
  var d=path.__data__; if(!d||!d.link||!d.parent) return;
  var s=d.link.source, tx=d.parent.translateX, ty=d.parent.translateY, g=byNode[s.index];
  if(!g){g=byNode[s.index]={x:tx+s.x0, top:ty+s.y0, bottom:ty+s.y1, pad:d.parent.nodePad||0, items:[]}; groups.push(g);}
  g.items.push({y:ty+d.link.y0, v:d.link.value, to:String(d.link.target.customdata!=null?d.link.target.customdata:d.link.target.label)});
});
groups.sort(function(a,b){return a.x-b.x||a.top-b.top;});
var notes=[];
groups.forEach(function(g){
  g.items.sort(function(a,b){return a.y-b.y;});
  var n=g.items.length, p=[], k, floor=g.top-g.pad/2+gap/2, ceiling=g.bottom+g.pad/2-gap/2;
  for(k=0;k<n;k++) p[k]=Math.max(g.items[k].y, k>0?p[k-1]+gap:floor);
  if(p[n-1]>ceiling){ p[n-1]=Math.max(ceiling, floor+(n-1)*gap); for(k=n-2;k>=0;k--) p[k]=Math.min(p[k],p[k+1]-gap); }
  g.items.forEach(function(it,k){
    notes.push({xref:"paper",yref:"paper",x:(g.x-size.l)/size.w,y:1-(it.y-size.t)/size.h,axref:"pixel",ayref:"pixel",ax:-36,ay:p[k]-it.y,
      text:it.to+": "+it.v.toLocaleString("en-US"),showarrow:true,arrowhead:0,arrowwidth:1,arrowcolor:"#888888",xanchor:"right",yanchor:"middle",
      font:{size:10,color:"#222222"},captureevents:false});
  });
});
return Plotly.relayout(gd,{annotations:((gd.layout&&gd.layout.annotations)||[]).concat(notes)});
}`,
};

/** The div + script that draws one figure; `window.Plotly` must already be loaded. */
export function figureFragment(spec: FigureSpec, domId = `figure-${spec.id}`): string {
  return [figureDiv(spec, domId), `<script>(function(){${drawFigureScript(spec, domId)}})();</script>`].join("\n");
}

/** The empty div a figure is drawn into. */
export function figureDiv(spec: FigureSpec, domId: string): string {
  return `<div id="${escapeHtml(domId)}" class="figure" style="width:${spec.width}px;height:${spec.height}px"></div>`;
}

/** Script statements that draw `spec` into the div `domId` with the `Plotly` in scope (ES5, for pages and notebooks). */
export function drawFigureScript(spec: FigureSpec, domId: string): string {
  const after = spec.afterDraw ? AFTER_DRAW_SCRIPTS[spec.afterDraw] : "function(){}";
  return [
    `var spec=${scriptJson({ data: spec.data, layout: spec.layout })};var after=${after};`,
    `Plotly.newPlot(${JSON.stringify(domId)}, spec.data, spec.layout, {displaylogo:false, responsive:false})`,
    `.then(function(gd){return after(gd);}).then(function(){window.__figureReady=true;}, function(e){window.__figureError=String(e);console.error(e);});`,
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
  const target = join(dir, PLOTLY_FILE);
  ensureDirectorySync(dir, target);
  const source = plotlyBundlePath();
  if (!existsSync(target) || statSync(target).size !== statSync(source).size) writeFileAtomicSync(target, readFileSync(source));
  return target;
}

/** Write `<dir>/<id>.html` (and the bundle beside it); returns the page path. */
export async function writeFigureHtml(dir: string, spec: FigureSpec, options: FigureHtmlOptions = {}): Promise<string> {
  ensurePlotlyBeside(dir);
  const path = join(dir, `${spec.id}.html`);
  await writeFileAtomic(path, figureHtml(spec, options));
  return path;
}
