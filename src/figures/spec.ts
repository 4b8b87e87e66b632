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
}

/** One colour per activity, the same in every figure (colour-blind-safe Okabe-Ito hues). */
export const ACTIVITY_COLORS: Record<ActivityCode, string> = {
  RE: "#E69F00",
  SD: "#56B4E9",
  SI: "#009E73",
  QA: "#CC79A7",
  SM: "#0072B2",
};

/** Fifteen distinguishable colours for figures with many series (plotly's default palette repeats after ten). */
export const MANY_SERIES_COLORS = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#e7ba52", "#7b4173",
] as const;

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
