/** RQ1.3 (Fig. 2): SE models created per quarter, per activity, since a start date. */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import type { ModelFacts, SeModel } from "./facts";
import { PAPER_QUARTERLY_SI, PAPER_SI_OVER_NEXT } from "../paper/reported";
import { preview, quarterOf, quarterRange, type AnalysisTable } from "./table";
import { col, defineTable, type RowOf } from "../util/arrow-table";

const QUARTERLY_GROWTH = defineTable({
  quarter: col.string(),
  activity: col.string<ActivityCode>(),
  models: col.int(),
  /** The paper's count for this cell when its text gives one. */
  paper: col.int({ nullable: true }),
});
export type QuarterlyRow = RowOf<typeof QUARTERLY_GROWTH>;

const ACTIVITY_TOTALS = defineTable({
  activity: col.string<ActivityCode>(),
  models: col.int(),
  /** This activity's total divided by the next-largest activity's total (the largest only). */
  ratioToNext: col.float({ nullable: true }),
  paperRatioToNext: col.float({ nullable: true }),
});
export type ActivityTotalRow = RowOf<typeof ACTIVITY_TOTALS>;

export interface GrowthOptions {
  /** First quarter shown (the paper starts at 2020). */
  sinceQuarter?: string;
}

export function quarterlyGrowth(
  seModels: readonly SeModel[],
  facts: ReadonlyMap<string, ModelFacts>,
  options: GrowthOptions = {},
): AnalysisTable<QuarterlyRow> {
  const since = options.sinceQuarter ?? "2020-Q1";
  const counts = new Map<string, number>();
  const quarters = new Set<string>();
  const undated: string[] = [];
  let before = 0;
  for (const model of seModels) {
    const quarter = quarterOf(facts.get(model.id)?.createdAt ?? null);
    if (!quarter) {
      undated.push(model.id);
      continue;
    }
    if (quarter < since) {
      before++;
      continue;
    }
    quarters.add(quarter);
    for (const activity of model.activities) counts.set(`${quarter}|${activity}`, (counts.get(`${quarter}|${activity}`) ?? 0) + 1);
  }
  const sorted = [...quarters].sort();
  const range = sorted.length > 0 ? quarterRange(sorted[0]!, sorted[sorted.length - 1]!) : [];
  const rows: QuarterlyRow[] = [];
  for (const quarter of range) {
    for (const activity of ACTIVITY_CODES) {
      rows.push({
        quarter,
        activity,
        models: counts.get(`${quarter}|${activity}`) ?? 0,
        paper: activity === "SI" ? (PAPER_QUARTERLY_SI[quarter] ?? null) : null,
      });
    }
  }
  const notes: string[] = [];
  if (before > 0) notes.push(`${before} SE models created before ${since} are not shown.`);
  if (undated.length > 0) notes.push(`${undated.length} SE models have no creation date and are not shown: ${preview(undated)}.`);
  return {
    name: "fig2-quarterly-growth",
    title: `SE models created per quarter since ${since}, by activity`,
    rows,
    spec: QUARTERLY_GROWTH,
    notes,
  };
}

/** Totals per activity, and how far the largest activity leads the next one (paper: SI > 20x SM). */
export function activityTotals(seModels: readonly SeModel[]): AnalysisTable<ActivityTotalRow> {
  const totals = ACTIVITY_CODES.map((activity) => ({
    activity,
    models: seModels.filter((m) => m.activities.includes(activity)).length,
  }));
  const ranked = [...totals].sort((a, b) => b.models - a.models);
  const [first, second] = ranked;
  const rows: ActivityTotalRow[] = totals.map((t) => {
    const leads = first !== undefined && t.activity === first.activity && second !== undefined && second.models > 0;
    return {
      activity: t.activity,
      models: t.models,
      ratioToNext: leads ? t.models / second!.models : null,
      paperRatioToNext: t.activity === "SI" ? PAPER_SI_OVER_NEXT : null,
    };
  });
  return {
    name: "activity-totals",
    title: "SE models per activity (a model may serve several activities)",
    rows,
    spec: ACTIVITY_TOTALS,
    notes: ["The paper gives the SI lead as a lower bound (more than 20 times SM)."],
  };
}
