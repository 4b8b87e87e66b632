/**
 * Fig. 1: the method as a diagram, drawn from this run's funnel. One box per stage (what it does, the
 * models it keeps, the paper's count beside), arrows labelled with what each stage removed, and the
 * per-activity counts under the stages that have them (Table IV's population under "unique"). Boxes are
 * layout shapes; an invisible marker per box carries the hover text.
 */
import type { FunnelReportRow as FunnelRow } from "../analyse/funnel";
import { DEFAULT_OUTLIER_TASKS } from "../filter/outliers";
import { PAPER_SIMILARITY_THRESHOLD } from "../paper/reported";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { fmt } from "../util/format";
import { makeFigure, type FigureSpec, type Trace } from "./spec";

/** What each funnel stage (src/run/funnel-table.ts FUNNEL_STAGES) does, in words for the diagram. */
export const STAGE_STEPS: Record<string, { title: string; does: string; detail: string }> = {
  models: {
    title: "Collect",
    does: "models, cards, metadata,<br>linked arXiv abstracts",
    detail: "Every model of the corpus with its card, metadata and the abstracts of the papers it links.",
  },
  matched: {
    title: "Search SE tasks",
    does: "card, metadata or abstract<br>names a taxonomy task",
    detail: "Lemmatised search for the taxonomy's SE task names (Table VI counts where they were found).",
  },
  "after-outliers": {
    title: "Outlier rules",
    does: `Table III removes false hits<br>of ${Object.keys(DEFAULT_OUTLIER_TASKS).join(", ")}`,
    detail: "Raw-text rules (Table III) drop occurrences such as debug: None, log_dir or coding without a code tag.",
  },
  unique: {
    title: "Near-identical cards",
    does: `later card at TF-IDF cosine<br>>= ${PAPER_SIMILARITY_THRESHOLD} to an earlier one goes`,
    detail: "Card bodies compared by TF-IDF cosine; the earliest card of each near-identical group is kept (Table IV counts these per activity).",
  },
  discovered: {
    title: "Discovery (--discover)",
    does: "SE signals and lineage add<br>models the search missed",
    detail:
      "Beside the paper's search: code and task tags, programming languages, SE datasets, name words and base-model lineage offer models no task phrase names; they pass the near-identical check and reach the judge too.",
  },
  relevant: {
    title: "Relevance check",
    does: "an LLM judges each activity;<br>pilots against human labels",
    detail: "One judgement per model and activity (prompts in taxonomy/prompts); Table V gives the agreement with human labels.",
  },
};

const BOX = { width: 17, gap: 3, bottom: 30, top: 88 };

export function pipelineDiagram(rows: readonly FunnelRow[]): FigureSpec {
  const overall = rows.filter((r) => r.activity === null);
  const stages = overall.map((r) => r.stage);
  const perActivity = (stage: string) =>
    ACTIVITY_CODES.map((a) => rows.find((r) => r.stage === stage && r.activity === a)).filter((r): r is FunnelRow => r !== undefined);
  const width = stages.length * BOX.width + (stages.length - 1) * BOX.gap;
  const shapes: Array<Record<string, unknown>> = [];
  const annotations: Array<Record<string, unknown>> = [];
  const centres: number[] = [];
  overall.forEach((row, i) => {
    const x0 = i * (BOX.width + BOX.gap);
    const x1 = x0 + BOX.width;
    centres.push((x0 + x1) / 2);
    const step = STAGE_STEPS[row.stage] ?? { title: row.stage, does: "", detail: row.stage };
    shapes.push({
      type: "rect",
      xref: "x",
      yref: "y",
      x0,
      x1,
      y0: BOX.bottom,
      y1: BOX.top,
      line: { color: "#0072B2", width: 1.5 },
      fillcolor: "#EAF3FA",
      layer: "below",
    });
    annotations.push({
      x: (x0 + x1) / 2,
      y: (BOX.bottom + BOX.top) / 2,
      xref: "x",
      yref: "y",
      showarrow: false,
      align: "center",
      text: [
        `<b>${i + 1}. ${step.title}</b>`,
        `<span style="font-size:10px;color:#444444">${step.does}</span>`,
        `<b style="font-size:15px">${fmt(row.models)}</b> models`,
        `<span style="color:#666666">paper: ${row.paper === null ? "n/a" : fmt(row.paper)}</span>`,
      ].join("<br>"),
      font: { size: 12 },
    });
    const byActivity = perActivity(row.stage);
    if (byActivity.length > 0) {
      const line = (pick: (r: FunnelRow) => number | null) => byActivity.map((r) => `${r.activity} ${pick(r) === null ? "-" : fmt(pick(r)!)}`).join(" · ");
      const paperKnown = byActivity.some((r) => r.paper !== null);
      annotations.push({
        x: (x0 + x1) / 2,
        y: BOX.bottom - 3,
        xref: "x",
        yref: "y",
        showarrow: false,
        yanchor: "top",
        align: "center",
        text: [line((r) => r.models), paperKnown ? `<span style="color:#666666">paper: ${line((r) => r.paper)}</span>` : ""].filter(Boolean).join("<br>"),
        font: { size: 9 },
      });
    }
    const previous = overall[i - 1];
    // Discovery adds models beside the search, and the judge then sees the unique and discovered ones together.
    const added = row.stage === "discovered";
    const before = previous?.stage === "discovered" ? previous.models + (overall[i - 2]?.models ?? 0) : (previous?.models ?? 0);
    if (previous) {
      const removed = before - row.models;
      annotations.push({
        x: x0,
        y: (BOX.bottom + BOX.top) / 2,
        ax: x0 - BOX.gap,
        ay: (BOX.bottom + BOX.top) / 2,
        xref: "x",
        yref: "y",
        axref: "x",
        ayref: "y",
        showarrow: true,
        arrowhead: 2,
        arrowsize: 1.2,
        arrowwidth: 1.5,
        arrowcolor: "#0072B2",
        text: "",
      });
      annotations.push({
        x: x0 - BOX.gap / 2,
        y: BOX.top + 2,
        xref: "x",
        yref: "y",
        showarrow: false,
        yanchor: "bottom",
        text: added ? `+${fmt(row.models)}` : `-${fmt(removed)}${before > 0 ? `<br>(${Math.round((100 * removed) / before)}%)` : ""}`,
        font: { size: 10, color: added ? "#009E73" : "#B00020" },
      });
    }
  });
  const hover: Trace = {
    type: "scatter",
    mode: "markers",
    x: centres,
    y: centres.map(() => (BOX.bottom + BOX.top) / 2),
    marker: { size: 40, symbol: "square", opacity: 0 },
    hovertext: overall.map(
      (row) => `${STAGE_STEPS[row.stage]?.detail ?? row.stage}<br>${fmt(row.models)} models (paper ${row.paper === null ? "n/a" : fmt(row.paper)})`,
    ),
    hoverinfo: "text",
    showlegend: false,
  };
  const hidden = { visible: false, fixedrange: true };
  return makeFigure(
    "fig1-pipeline",
    "The method, with this run's counts",
    `Each box is a stage of the pipeline with the models it keeps and the paper's count; arrows give how many models a stage removed. Under the boxes, the same per activity where the run records it (the paper's Table IV under "unique"). Drawn from this run's funnel.arrow.`,
    [hover],
    {
      xaxis: { ...hidden, range: [-1, width + 1] },
      yaxis: { ...hidden, range: [12, 98] },
      shapes,
      annotations,
      margin: { l: 20, r: 20, t: 60, b: 20 },
    },
    { width: Math.max(900, 215 * stages.length + 60), height: 380 },
  );
}
