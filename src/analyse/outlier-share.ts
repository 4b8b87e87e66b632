/**
 * RQ1.2 (step 5.1): how much of all task occurrences the three outlier tasks made up before the
 * Table III rules, and how many occurrences the rules removed, from the funnel's `run.json`.
 */
import { PAPER_OUTLIER_SHARE } from "../paper/reported";
import { type AnalysisTable } from "./table";
import { compareText } from "../util/text";

export interface OutlierMeasureRow {
  measure: string;
  run: number;
  paper: number | null;
}

/** Null when run.json carries no outlier summary (e.g. a run made by another tool). */
export function outlierShareTable(runInfo: Record<string, unknown> | null): AnalysisTable<OutlierMeasureRow> | null {
  const outliers = runInfo?.outliers as { occurrences?: unknown; outlierOccurrences?: unknown; share?: unknown; excluded?: unknown; byTask?: unknown } | undefined;
  if (!outliers || typeof outliers.occurrences !== "number" || typeof outliers.share !== "number") return null;
  const rows: OutlierMeasureRow[] = [
    { measure: "task occurrences (all tasks)", run: outliers.occurrences, paper: null },
    { measure: "share of occurrences in the outlier tasks", run: outliers.share, paper: PAPER_OUTLIER_SHARE },
  ];
  if (outliers.byTask && typeof outliers.byTask === "object") {
    for (const [task, n] of Object.entries(outliers.byTask as Record<string, unknown>).sort(([a], [b]) => compareText(a, b))) {
      if (typeof n === "number") rows.push({ measure: `occurrences of "${task}"`, run: n, paper: null });
    }
  }
  if (typeof outliers.excluded === "number") rows.push({ measure: "occurrences removed by the Table III rules", run: outliers.excluded, paper: null });
  return {
    name: "outlier-share",
    title: "Outlier tasks (debugging, logging, coding) before and after the Table III rules",
    rows,
    spec: [
      { name: "measure", type: "string" },
      { name: "run", type: "float" },
      { name: "paper", type: "float", nullable: true },
    ],
    notes: ["The paper reports that the three outlier tasks made up 89.01% of task occurrences before the rules."],
  };
}
