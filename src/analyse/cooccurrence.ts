/** RQ2.3 (Fig. 5): how often two activities share a model, among models with more than one activity. */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import type { SeModel } from "./facts";
import { PAPER_SD_ALSO_SI, PAPER_STRONGEST_PAIR } from "../paper/reported";
import { share, type AnalysisTable } from "./table";
import { col, defineTable, type RowOf } from "../util/arrow-table";

const COOCCURRENCE = defineTable({
  a: col.string<ActivityCode>(),
  b: col.string<ActivityCode>(),
  /** Models classified under both activities. */
  models: col.int(),
  /** Share of `a`'s models that are also `b` (directional; both directions are listed). */
  shareOfA: col.float(),
  paperShareOfA: col.float({ nullable: true }),
});
export type CooccurrenceRow = RowOf<typeof COOCCURRENCE>;

export function activityCooccurrence(seModels: readonly SeModel[]): AnalysisTable<CooccurrenceRow> {
  const totals = new Map<ActivityCode, number>(ACTIVITY_CODES.map((a) => [a, 0]));
  const pairs = new Map<string, number>();
  let crossActivity = 0;
  for (const model of seModels) {
    const activities = ACTIVITY_CODES.filter((a) => model.activities.includes(a));
    for (const a of activities) totals.set(a, totals.get(a)! + 1);
    if (activities.length < 2) continue;
    crossActivity++;
    for (const a of activities) for (const b of activities) if (a !== b) pairs.set(`${a}|${b}`, (pairs.get(`${a}|${b}`) ?? 0) + 1);
  }
  const rows: CooccurrenceRow[] = [];
  for (const a of ACTIVITY_CODES) {
    for (const b of ACTIVITY_CODES) {
      const models = pairs.get(`${a}|${b}`) ?? 0;
      if (a === b || models === 0) continue;
      rows.push({ a, b, models, shareOfA: share(models, totals.get(a)!), paperShareOfA: a === "SD" && b === "SI" ? PAPER_SD_ALSO_SI : null });
    }
  }
  rows.sort(
    (x, y) => y.models - x.models || ACTIVITY_CODES.indexOf(x.a) - ACTIVITY_CODES.indexOf(y.a) || ACTIVITY_CODES.indexOf(x.b) - ACTIVITY_CODES.indexOf(y.b),
  );
  return {
    name: "fig5-activity-cooccurrence",
    title: "Activity co-occurrence among cross-activity SE models",
    rows,
    spec: COOCCURRENCE,
    notes: [
      `${crossActivity} of ${seModels.length} SE models serve more than one activity. The paper reports ${PAPER_STRONGEST_PAIR.join("-")} as the strongest pair.`,
    ],
  };
}
