/**
 * A plotly.js figure as plain data: traces, layout and a caption. Builders return these; exporters
 * turn them into HTML, PNG and SVG. Nothing here touches the DOM, so specs are testable in Node.
 */
import type { ActivityCode } from "../taxonomy/taxonomy";

export type Trace = Record<string, unknown>;

export interface FigureSpec {
  /** File stem, e.g. `fig2-quarterly-growth`. */
  id: string;
  title: string;
  /** One or two sentences for the report, including the paper's figure where it gives one. */
  caption: string;
  data: Trace[];
  layout: Record<string, unknown>;
  /** Static export size in CSS pixels. */
  width: number;
  height: number;
  /**
   * Work done in the page once plotly has drawn, before the figure counts as ready (and before any
   * static export): "sankey-link-counts" labels every sankey flow with its value (html.ts).
   */
  afterDraw?: AfterDraw;
}

export type AfterDraw = "sankey-link-counts";

/** One colour per activity, the same in every figure (colour-blind-safe Okabe-Ito hues). */
export const ACTIVITY_COLORS: Record<ActivityCode, string> = {
  RE: "#E69F00",
  SD: "#56B4E9",
  SI: "#009E73",
  QA: "#CC79A7",
  SM: "#0072B2",
};

export const BASE_LAYOUT: Record<string, unknown> = {
  font: { family: "DejaVu Sans, Arial, sans-serif", size: 12 },
  paper_bgcolor: "#ffffff",
  plot_bgcolor: "#ffffff",
  margin: { l: 70, r: 30, t: 60, b: 60 },
};

/** Plotly assigns random trace uids unless told; fixed ones keep exported SVG bytes reproducible. */
export function withUids(id: string, traces: Trace[]): Trace[] {
  return traces.map((t, i) => ({ ...t, uid: `${id}-${i}` }));
}

export function makeFigure(
  id: string,
  title: string,
  caption: string,
  data: Trace[],
  layout: Record<string, unknown>,
  size: { width?: number; height?: number } = {},
): FigureSpec {
  const width = size.width ?? 960;
  const height = size.height ?? 540;
  return {
    id,
    title,
    caption,
    data: withUids(id, data),
    layout: { ...BASE_LAYOUT, ...layout, title: { text: title }, width, height },
    width,
    height,
  };
}
