/**
 * RQ1.2 (step 5.1): how much of all task occurrences the three outlier tasks made up before the
 * Table III rules, and how many occurrences the rules removed, from the run description's outlier summary.
 */
import { PAPER_OUTLIER_SHARE } from "../paper/reported";
import type { OutlierSummary } from "../run/run-info";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { compareText } from "../util/text";
import type { AnalysisTable } from "./table";

const OUTLIER_MEASURES = defineTable({
  measure: col.string(),
  run: col.float(),
  paper: col.float({ nullable: true }),
});
export type OutlierMeasureRow = RowOf<typeof OUTLIER_MEASURES>;

/**
 * Null when there is no outlier summary. The run description is checked when read; the guards here
 * keep a partial summary (a hand-made one, in a notebook or a test) from giving a half-empty table.
 */
export function outlierShareTable(runInfo: { outliers?: Partial<OutlierSummary> } | null): AnalysisTable<OutlierMeasureRow> | null {
  const outliers = runInfo?.outliers;
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
    spec: OUTLIER_MEASURES,
    notes: [`The paper reports that the three outlier tasks made up ${(100 * PAPER_OUTLIER_SHARE).toFixed(2)}% of task occurrences before the rules.`],
  };
}
