/** Figure builders: one per paper figure, each from the typed rows of its analysis table. */
import { ACTIVITY_CODES, ACTIVITY_NAMES, type ActivityCode } from "../taxonomy/taxonomy";
import type { BaseModelQuarterRow, BaseModelRow } from "../analyse/base-models";
import type { BenchmarkRow } from "../analyse/benchmarks";
import type { CooccurrenceRow } from "../analyse/cooccurrence";
import type { DatasetRow } from "../analyse/datasets";
import { DISCOVERED_STAGE, UNCERTAIN_STAGE, type FunnelReportRow } from "../analyse/funnel";
import type { DocumentationSummaryRow } from "../run/tables";
import type { QuarterlyRow } from "../analyse/growth";
import type { LicenseRow } from "../analyse/licenses";
import type { ActivityMlTaskRow } from "../analyse/ml-tasks";
import type { SelectionStepRow } from "../analyse/selection";
import type { TaskCountRow } from "../analyse/tasks";
import { totalsBy } from "../analyse/table";
import { ACTIVITY_COLORS, makeFigure, type FigureSpec, type Trace } from "./spec";
import {
  PAPER_ACTIVITIES_WITHOUT_DATASETS,
  PAPER_BASE_MODELS,
  PAPER_BENCHMARKS,
  PAPER_DATASETS,
  PAPER_FUNNEL,
  PAPER_LICENSES,
  PAPER_QUARTERLY_SI,
  PAPER_SD_ALSO_SI,
  PAPER_SD_ML_TASKS,
  PAPER_SELECTED_MODEL,
  PAPER_SI_PEAK_QUARTER,
  PAPER_STRONGEST_PAIR,
  PAPER_TOP_ML_TASK,
  PAPER_TOP_TASK,
} from "../paper/reported";
import { fmt } from "../util/format";

const activityLabel = (a: ActivityCode) => `${ACTIVITY_NAMES[a]} (${a})`;
/** "2023-Q1" as "2023 Q1". */
const quarterText = (q: string) => q.replace("-", " ");
/** Entries of a count record, largest first (ties in the record's order, i.e. the paper's), as "name (n)". */
const countList = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} (${fmt(n)})`);

/** Fig. 2: one line per activity, new SE models per quarter. */
export function growthFigure(rows: readonly QuarterlyRow[]): FigureSpec {
  const quarters = [...new Set(rows.map((r) => r.quarter))].sort();
  const data: Trace[] = ACTIVITY_CODES.map((activity) => {
    const byQuarter = new Map(rows.filter((r) => r.activity === activity).map((r) => [r.quarter, r.models]));
    return {
      type: "scatter",
      mode: "lines+markers",
      name: activityLabel(activity),
      x: quarters,
      y: quarters.map((q) => byQuarter.get(q) ?? 0),
      line: { color: ACTIVITY_COLORS[activity] },
    };
  });
  const paperPoints = rows.filter((r) => r.paper !== null);
  if (paperPoints.length > 0) {
    data.push({
      type: "scatter",
      mode: "markers",
      name: "paper: SI models in the quarters it names (right axis)",
      x: paperPoints.map((r) => r.quarter),
      y: paperPoints.map((r) => r.paper),
      yaxis: "y2",
      marker: { symbol: "x", size: 10, color: "#333333" },
    });
  }
  // The paper counts the whole Hub; its own axis keeps a small corpus's curve readable beside it. The
  // title stands off from the tick labels, and automargin makes room for both.
  const paperAxis =
    paperPoints.length > 0
      ? {
          yaxis2: {
            title: { text: "paper (whole Hub)", standoff: 12 },
            overlaying: "y",
            side: "right",
            rangemode: "tozero",
            showgrid: false,
            automargin: true,
          },
        }
      : {};
  const named = Object.entries(PAPER_QUARTERLY_SI)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([q, n]) => `${fmt(n)} in ${quarterText(q)}`)
    .join(", ");
  return makeFigure(
    "fig2-quarterly-growth",
    "SE models created per quarter, by activity",
    `New SE models per quarter since 2020. Crosses mark the quarters the paper names, on the right axis (SI: ${named}; the peak is ${quarterText(PAPER_SI_PEAK_QUARTER)}).`,
    data,
    {
      xaxis: { title: { text: "quarter created" }, type: "category" },
      yaxis: { title: { text: "new SE models" }, rangemode: "tozero" },
      legend: { orientation: "h", y: -0.2 },
      margin: { l: 70, r: 40, t: 60, b: 60 },
      ...paperAxis,
    },
  );
}

/** Fig. 3: models per task, horizontal bars coloured by activity, most frequent on top; every task by default. */
export function tasksFigure(rows: readonly TaskCountRow[], limit = Number.POSITIVE_INFINITY): FigureSpec {
  const shown = rows.slice(0, limit);
  const order = shown.map((r) => r.task).reverse();
  const data: Trace[] = ACTIVITY_CODES.filter((a) => shown.some((r) => r.activity === a)).map((activity) => {
    const mine = shown.filter((r) => r.activity === activity);
    return {
      type: "bar",
      orientation: "h",
      name: activityLabel(activity),
      y: mine.map((r) => r.task),
      x: mine.map((r) => r.models),
      text: mine.map((r) => fmt(r.models)),
      textposition: "outside",
      cliponaxis: false,
      marker: { color: ACTIVITY_COLORS[activity] },
    };
  });
  const all = shown.length === rows.length;
  return makeFigure(
    "fig3-models-per-task",
    all ? `SE models per task (all ${rows.length} tasks with SE models)` : `SE models per task (top ${shown.length} of ${rows.length} tasks)`,
    `Each bar is one SE task, coloured by its activity${all ? "; every task with at least one SE model is shown" : ""}. The paper finds ${PAPER_TOP_TASK.task} first, with more than ${PAPER_TOP_TASK.factor} times the models of ${PAPER_TOP_TASK.over}.`,
    data,
    {
      barmode: "stack",
      yaxis: { categoryorder: "array", categoryarray: order, automargin: true, tickfont: { size: 11 } },
      // The long tail leaves the lower right empty: the legend sits there, clear of bars and title.
      legend: {
        traceorder: "normal",
        x: 0.98,
        xanchor: "right",
        y: 0.02,
        yanchor: "bottom",
        bgcolor: "rgba(255,255,255,0.9)",
        bordercolor: "#cccccc",
        borderwidth: 1,
      },
      xaxis: { title: { text: "SE models" }, automargin: true },
      margin: { l: 220, r: 50, t: 70, b: 50 },
    },
    { height: Math.max(420, 17 * shown.length + 170) },
  );
}

/**
 * Fig. 4: Sankey from activity to pipeline tag. Every node is labelled with its total; every flow gets a
 * "<tag>: <count>" label left of its activity once drawn (afterDraw "sankey-link-counts" in html.ts), so
 * the padding between activities leaves room for their labels.
 */
export function mlTaskSankey(rows: readonly ActivityMlTaskRow[]): FigureSpec {
  const activities = ACTIVITY_CODES.filter((a) => rows.some((r) => r.activity === a));
  const tagTotals = totalsBy(rows.map((r) => [r.pipelineTag, r.models] as const));
  const tags = tagTotals.map(([t]) => t);
  const activityTotal = (a: ActivityCode) => rows.filter((r) => r.activity === a).reduce((n, r) => n + r.models, 0);
  const flowsOf = (a: ActivityCode) => rows.filter((r) => r.activity === a).length;
  const labels = [...activities.map((a) => `${activityLabel(a)}: ${fmt(activityTotal(a))}`), ...tagTotals.map(([t, n]) => `${t}: ${fmt(n)}`)];
  const colors = [...activities.map((a) => ACTIVITY_COLORS[a]), ...tags.map(() => "#9e9e9e")];
  const largest = [...activities].sort((a, b) => activityTotal(b) - activityTotal(a))[0];
  const mostFlows = Math.max(1, ...activities.filter((a) => a !== largest).map(flowsOf));
  const pad = Math.min(90, Math.max(14, 13 * mostFlows + 6));
  const data: Trace[] = [
    {
      type: "sankey",
      arrangement: "fixed",
      node: { label: labels, customdata: [...activities, ...tags], color: colors, pad, thickness: 16 },
      link: {
        source: rows.map((r) => activities.indexOf(r.activity)),
        target: rows.map((r) => activities.length + tags.indexOf(r.pipelineTag)),
        value: rows.map((r) => r.models),
        color: rows.map((r) => hexToRgba(ACTIVITY_COLORS[r.activity], 0.4)),
      },
    },
  ];
  const spec = makeFigure(
    "fig4-activity-ml-task",
    "SE activity to ML task (pipeline tag)",
    `Flow width is the number of SE models; left of each activity, its flows are listed with their counts, and every node gives its total. The paper finds ${PAPER_TOP_ML_TASK} dominant and SD linked to ${PAPER_SD_ML_TASKS.join(", ")} only.`,
    data,
    { margin: { l: 200, r: 30, t: 60, b: 30 } },
    { width: 1100, height: Math.max(560, 26 * tags.length + 120, (pad + 16) * activities.length + 200) },
  );
  return { ...spec, afterDraw: "sankey-link-counts" };
}

/** Fig. 5: activities as nodes on a circle, edges as thick lines labelled with counts and shares. */
export function cooccurrenceNetwork(rows: readonly CooccurrenceRow[], totals: Readonly<Record<ActivityCode, number>>): FigureSpec {
  const position = new Map(
    ACTIVITY_CODES.map((a, i) => {
      const angle = Math.PI / 2 - (2 * Math.PI * i) / ACTIVITY_CODES.length;
      return [a, { x: Math.round(Math.cos(angle) * 1000) / 1000, y: Math.round(Math.sin(angle) * 1000) / 1000 }];
    }),
  );
  const undirected = rows.filter((r) => ACTIVITY_CODES.indexOf(r.a) < ACTIVITY_CODES.indexOf(r.b));
  const max = Math.max(1, ...undirected.map((r) => r.models));
  const shareOf = (a: ActivityCode, b: ActivityCode) => rows.find((r) => r.a === a && r.b === b)?.shareOfA ?? 0;
  const edges: Trace[] = undirected.map((r) => {
    const p = position.get(r.a)!;
    const q = position.get(r.b)!;
    return {
      type: "scatter",
      mode: "lines",
      x: [p.x, q.x],
      y: [p.y, q.y],
      line: { width: 1 + (11 * r.models) / max, color: "rgba(90,90,90,0.55)" },
      hoverinfo: "skip",
      showlegend: false,
    };
  });
  // Edge labels as annotations (white boxes stay readable where edges cross), count over shares.
  // Crossing diagonals of the pentagon meet near their midpoints, so their labels sit closer to the upper end.
  const labelAt = (r: CooccurrenceRow) => {
    const [p, q] = [position.get(r.a)!, position.get(r.b)!];
    const gap = Math.abs(ACTIVITY_CODES.indexOf(r.a) - ACTIVITY_CODES.indexOf(r.b));
    const diagonal = gap === 2 || gap === 3;
    const [upper, lower] = p.y >= q.y ? [p, q] : [q, p];
    const t = diagonal && Math.abs(p.y - q.y) > 0.01 ? 0.3 : 0.5;
    return { x: upper.x + (lower.x - upper.x) * t, y: upper.y + (lower.y - upper.y) * t };
  };
  const edgeLabels = undirected.map((r) => ({
    ...labelAt(r),
    text: `<b>${r.models}</b><br>${pct(shareOf(r.a, r.b))} ${r.a} · ${pct(shareOf(r.b, r.a))} ${r.b}`,
    showarrow: false,
    font: { size: 10 },
    bgcolor: "rgba(255,255,255,0.85)",
  }));
  const nodes: Trace = {
    type: "scatter",
    mode: "markers+text",
    x: ACTIVITY_CODES.map((a) => position.get(a)!.x),
    y: ACTIVITY_CODES.map((a) => position.get(a)!.y),
    text: ACTIVITY_CODES.map((a) => `${a} (${totals[a]})`),
    textposition: "top center",
    marker: { size: 34, color: ACTIVITY_CODES.map((a) => ACTIVITY_COLORS[a]), line: { width: 1, color: "#333333" } },
    hovertext: ACTIVITY_CODES.map((a) => `${ACTIVITY_NAMES[a]}: ${totals[a]} SE models`),
    hoverinfo: "text",
    showlegend: false,
  };
  const hidden = { visible: false, range: [-1.45, 1.45] };
  return makeFigure(
    "fig5-activity-cooccurrence",
    "Co-occurrence of activities in cross-activity SE models",
    `Edge width is the number of models classified under both activities; labels give the count and the share of each side. The paper finds ${PAPER_STRONGEST_PAIR.join("-")} strongest and ${pct(PAPER_SD_ALSO_SI)} of SD models also in SI.`,
    [...edges, nodes],
    { xaxis: hidden, yaxis: { ...hidden, scaleanchor: "x" }, annotations: edgeLabels },
    { width: 800, height: 720 },
  );
}

/** Fig. 5 (companion): the same co-occurrence as a heat map of shares (row activity also in column activity). */
export function cooccurrenceHeatmap(rows: readonly CooccurrenceRow[]): FigureSpec {
  const z = ACTIVITY_CODES.map((a) => ACTIVITY_CODES.map((b) => (a === b ? null : (rows.find((r) => r.a === a && r.b === b)?.shareOfA ?? 0))));
  const text = ACTIVITY_CODES.map((a) =>
    ACTIVITY_CODES.map((b) => {
      if (a === b) return "";
      const row = rows.find((r) => r.a === a && r.b === b);
      return row ? `${row.models} (${pct(row.shareOfA)})` : "0";
    }),
  );
  return makeFigure(
    "fig5-cooccurrence-heatmap",
    "Share of each activity's SE models also classified under another",
    "Row activity's models that are also in the column activity: count and share of the row.",
    [
      {
        type: "heatmap",
        x: [...ACTIVITY_CODES],
        y: [...ACTIVITY_CODES],
        z,
        text,
        texttemplate: "%{text}",
        colorscale: "Blues",
        reversescale: true,
        zmin: 0,
        zmax: 1,
        colorbar: { title: { text: "share" } },
      },
    ],
    {
      xaxis: { title: { text: "also in" }, side: "top" },
      yaxis: { title: { text: "models of" }, autorange: "reversed" },
      margin: { l: 80, r: 30, t: 120, b: 30 },
    },
    { width: 720, height: 600 },
  );
}

/**
 * Fig. 6: cumulative SE models derived from each top base model, per quarter: one panel per base model
 * (ranked), on a shared scale, so no line hides another and none needs a colour to be told apart. The
 * base models the paper names are drawn in a second colour, with the paper's count in their title.
 */
export function baseModelsFigure(series: readonly BaseModelQuarterRow[], top: readonly BaseModelRow[] = []): FigureSpec {
  const bases =
    top.length > 0 ? top.map((r) => r.baseModel).filter((b) => series.some((r) => r.baseModel === b)) : [...new Set(series.map((r) => r.baseModel))];
  const quarters = [...new Set(series.map((r) => r.quarter))].sort();
  const columns = 3;
  const rowsOfPanels = Math.max(1, Math.ceil(bases.length / columns));
  const maxY = Math.max(1, ...series.map((r) => r.cumulative));
  const gapX = 0.05;
  const titleSpace = 0.17 / rowsOfPanels;
  const gapY = 0.1 / rowsOfPanels;
  const data: Trace[] = [];
  const layout: Record<string, unknown> = { showlegend: false, margin: { l: 60, r: 30, t: 70, b: 50 } };
  const annotations: Array<Record<string, unknown>> = [];
  bases.forEach((base, i) => {
    const col = i % columns;
    const row = Math.floor(i / columns);
    const n = i + 1;
    const x = [col / columns + gapX / 2, (col + 1) / columns - gapX / 2];
    const y = [1 - (row + 1) / rowsOfPanels + gapY, 1 - row / rowsOfPanels - titleSpace];
    const mine = series.filter((r) => r.baseModel === base);
    // From zero in the quarter before the first derived model, so a rise within one quarter still shows.
    const before = quarters[quarters.indexOf(mine[0]?.quarter ?? "") - 1];
    const xs = [...(before ? [before] : []), ...mine.map((r) => r.quarter)];
    const ys = [...(before ? [0] : []), ...mine.map((r) => r.cumulative)];
    const paper = PAPER_BASE_MODELS[base];
    const color = paper === undefined ? "#0072B2" : "#D55E00";
    const total = top.find((r) => r.baseModel === base)?.models ?? mine[mine.length - 1]?.cumulative ?? 0;
    const rank = top.find((r) => r.baseModel === base)?.rank ?? n;
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: base,
      x: xs,
      y: ys,
      marker: { size: 4, color },
      line: { shape: "hv", color, width: 2 },
      fill: "tozeroy",
      fillcolor: hexToRgba(color, 0.15),
      xaxis: `x${n}`,
      yaxis: `y${n}`,
      hovertemplate: `${base}<br>%{x}: %{y} SE models<extra></extra>`,
    });
    const bottom = i + columns >= bases.length;
    layout[`xaxis${n}`] = {
      domain: x,
      anchor: `y${n}`,
      type: "category",
      categoryorder: "array",
      categoryarray: quarters,
      range: [-0.5, quarters.length - 0.5],
      tickvals: quarters.filter((q) => q.endsWith("Q1")),
      ticktext: quarters.filter((q) => q.endsWith("Q1")).map((q) => q.slice(0, 4)),
      showticklabels: bottom,
      tickfont: { size: 10 },
      showgrid: true,
      gridcolor: "#eeeeee",
    };
    layout[`yaxis${n}`] = { domain: y, anchor: `x${n}`, range: [0, maxY * 1.1], showticklabels: col === 0, tickfont: { size: 10 }, gridcolor: "#eeeeee" };
    annotations.push({
      xref: "paper",
      yref: "paper",
      x: (x[0]! + x[1]!) / 2,
      y: y[1],
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
      text: `${rank}. ${base}: <b>${fmt(total)}</b>${paper === undefined ? "" : ` (paper ${fmt(paper)})`}`,
      font: { size: 11, color: paper === undefined ? "#222222" : "#A04000" },
    });
  });
  layout.annotations = annotations;
  const named = countList(PAPER_BASE_MODELS).join(" and ");
  return makeFigure(
    "fig6-top-base-models",
    "SE models derived from the top base models over time",
    `One panel per base model, ranked by the SE models whose card names it; each panel shows their cumulative number per quarter, all on the same scale. The paper names ${named}; those panels are orange and give its count.`,
    data,
    layout,
    { width: 1100, height: Math.max(420, 165 * rowsOfPanels + 110) },
  );
}

/** Fig. 7: top datasets per activity as grouped horizontal bars; the caption compares with the paper's. */
export function datasetsFigure(rows: readonly DatasetRow[]): FigureSpec {
  const data: Trace[] = ACTIVITY_CODES.filter((a) => rows.some((r) => r.activity === a)).map((activity) => {
    const mine = rows.filter((r) => r.activity === activity);
    return {
      type: "bar",
      orientation: "h",
      name: activityLabel(activity),
      y: mine.map((r) => `${r.dataset} [${activity}]`),
      x: mine.map((r) => r.models),
      text: mine.map((r) => (r.alsoUsedBy.length ? `also ${r.alsoUsedBy.join(", ")}` : "")),
      textposition: "auto",
      marker: { color: ACTIVITY_COLORS[activity] },
    };
  });
  return makeFigure(
    "fig7-top-datasets",
    "Top training datasets per activity",
    `Datasets named in the card metadata of SE models, top 3 per activity; labels mark datasets that other activities use too. ${datasetsCaption(rows)}`,
    data,
    { yaxis: { automargin: true, autorange: "reversed" }, xaxis: { title: { text: "SE models" } }, margin: { l: 280, r: 30, t: 60, b: 50 } },
    { height: Math.max(420, 30 * rows.length + 140) },
  );
}

/** What this run's Fig. 7 shows per activity, then what the paper's shows (from src/paper/reported.ts). */
export function datasetsCaption(rows: readonly DatasetRow[]): string {
  const run = ACTIVITY_CODES.map((a) => {
    const mine = rows.filter((r) => r.activity === a);
    return `${a}: ${mine.length ? mine.map((r) => `${r.dataset} (${fmt(r.models)})`).join(", ") : "none"}`;
  });
  const paper = Object.entries(PAPER_DATASETS).map(([dataset, counts]) => `${dataset} under ${countList(counts as Record<string, number>).join(" and ")}`);
  const silent = PAPER_ACTIVITIES_WITHOUT_DATASETS.length ? `; no ${PAPER_ACTIVITIES_WITHOUT_DATASETS.join(" or ")} model names a dataset` : "";
  return `This run: ${run.join("; ")}. The paper: ${paper.join(", ")}${silent}.`;
}

/** Fig. 8: licence x activity heat map, licences ordered by total use. */
export function licensesHeatmap(rows: readonly LicenseRow[], limit = 20): FigureSpec {
  const licenses = totalsBy(rows.map((r) => [r.license, r.models] as const))
    .slice(0, limit)
    .map(([l]) => l);
  const z = licenses.map((l) => ACTIVITY_CODES.map((a) => rows.find((r) => r.license === l && r.activity === a)?.models ?? 0));
  return makeFigure(
    "fig8-licenses",
    "Licences of SE models per activity",
    `Number of SE models per licence and activity. The paper finds ${Object.entries(PAPER_LICENSES)
      .map(([a, counts]) => `${countList(counts).join(" and ")} leading in ${a}`)
      .join("; ")}.`,
    [
      {
        type: "heatmap",
        x: [...ACTIVITY_CODES],
        y: licenses,
        z,
        text: z,
        texttemplate: "%{text}",
        colorscale: "Greens",
        reversescale: true,
        colorbar: { title: { text: "models" } },
      },
    ],
    { yaxis: { autorange: "reversed", automargin: true }, xaxis: { side: "top" }, margin: { l: 70, r: 30, t: 100, b: 30 } },
    { width: 760, height: Math.max(420, 26 * licenses.length + 140) },
  );
}

/** Fig. 9: top benchmarks reported in SI cards. */
export function benchmarksFigure(rows: readonly BenchmarkRow[]): FigureSpec {
  const data: Trace[] = [
    { type: "bar", name: "this run", x: rows.map((r) => r.benchmark), y: rows.map((r) => r.models), marker: { color: ACTIVITY_COLORS.SI } },
  ];
  const withPaper = rows.filter((r) => r.paper !== null);
  if (withPaper.length > 0) {
    data.push({
      type: "scatter",
      mode: "markers",
      name: "paper",
      x: withPaper.map((r) => r.benchmark),
      y: withPaper.map((r) => r.paper),
      marker: { symbol: "x", size: 10, color: "#333333" },
    });
  }
  return makeFigure(
    "fig9-top-benchmarks",
    "Benchmarks most often reported in SI model cards",
    `SI models whose card has a table naming each benchmark. The paper reports ${countList(PAPER_BENCHMARKS).join(", ")}.`,
    data,
    { xaxis: { tickangle: -40, automargin: true }, yaxis: { title: { text: "SI models" }, rangemode: "tozero" } },
  );
}

/** Fig. 10: the selection walk-through as a funnel. */
export function selectionFunnel(rows: readonly SelectionStepRow[], selected: string | null): FigureSpec {
  return makeFigure(
    "fig10-selection",
    "Selecting a model: models left after each filter",
    `Each step keeps the models that meet one more requirement. This run ends at ${selected ?? "no model"}; the paper's example ends at ${PAPER_SELECTED_MODEL}.`,
    [
      {
        type: "funnel",
        y: rows.map((r) => `${r.step}. ${r.name}`),
        x: rows.map((r) => r.remaining),
        textinfo: "value+percent initial",
        marker: { color: "#0072B2" },
      },
    ],
    { yaxis: { automargin: true }, margin: { l: 200, r: 30, t: 60, b: 40 } },
    { width: 900, height: 480 },
  );
}

function pct(value: number): string {
  return `${Math.round(value * 100)}%`;
}

function hexToRgba(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** Table VI as bars: this run's share of models per documentation category beside the paper's. */
export function documentationFigure(rows: readonly DocumentationSummaryRow[]): FigureSpec {
  const data: Trace[] = [
    { type: "bar", name: "this run", x: rows.map((r) => r.label), y: rows.map((r) => r.percent), marker: { color: "#0072B2" } },
    { type: "bar", name: "paper", x: rows.map((r) => r.label), y: rows.map((r) => r.paperPercent), marker: { color: "#BBBBBB" } },
  ];
  return makeFigure(
    "table6-documentation",
    "Documentation status of all models (% of models)",
    "Share of models per documentation category, this run beside the paper's Table VI.",
    data,
    { barmode: "group", xaxis: { tickangle: -25, automargin: true }, yaxis: { title: { text: "% of all models" } } },
    { width: 1000, height: 560 },
  );
}

/** RQ1.2: the pipeline funnel (overall rows), with the paper's counts in hover text. */
export function pipelineFunnel(rows: readonly FunnelReportRow[]): FigureSpec {
  // The uncertain count is not a stage of the funnel, nor what discovery adds beside the search; the caption gives them.
  const overall = rows.filter((r) => r.activity === null && r.stage !== UNCERTAIN_STAGE && r.stage !== DISCOVERED_STAGE);
  const uncertain = rows.find((r) => r.activity === null && r.stage === UNCERTAIN_STAGE);
  const discovered = rows.find((r) => r.activity === null && r.stage === DISCOVERED_STAGE);
  return makeFigure(
    "funnel",
    "Models left after each pipeline stage",
    `Paper: ${fmt(PAPER_FUNNEL.collected)} models, ${fmt(PAPER_FUNNEL.matched)} matched, ${fmt(PAPER_FUNNEL.afterOutliers)} after the outlier rules, ${fmt(PAPER_FUNNEL.unique)} unique cards, ${fmt(PAPER_FUNNEL.seModels)} SE models.${uncertain ? ` This run: ${fmt(uncertain.models)} models with a pair the judge left uncertain, not counted as SE.` : ""}${discovered ? ` Discovery beside the keyword search (--discover) added ${fmt(discovered.models)} models before the relevance check; the last stage counts them.` : ""}`,
    [
      {
        type: "funnel",
        y: overall.map((r) => r.stage),
        x: overall.map((r) => r.models),
        text: overall.map((r) => (r.paper === null ? "" : `paper ${r.paper.toLocaleString("en-US")}`)),
        textinfo: "value+text",
        marker: { color: "#009E73" },
      },
    ],
    { yaxis: { automargin: true }, margin: { l: 200, r: 30, t: 60, b: 40 } },
    { width: 900, height: 480 },
  );
}
