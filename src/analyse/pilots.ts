/**
 * Table IV: unique models and pilot sample size per activity. Table V (judge vs human labels) is in
 * validation.ts: it is measured only from human labels.
 */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import { cochranSampleSize } from "../validate/cochran";
import type { SeModel } from "./facts";
import { PAPER_PILOTS } from "../paper/reported";
import type { AnalysisTable } from "./table";
import { col, defineTable, type RowOf } from "../util/arrow-table";

const PILOT_SIZES = defineTable({
  activity: col.string<ActivityCode>(),
  uniqueModels: col.int(),
  pilotSample: col.int(),
  paperUniqueModels: col.int(),
  paperPilotSample: col.int(),
});
export type PilotSizeRow = RowOf<typeof PILOT_SIZES>;

/** Table IV from the models left after near-duplicate removal (the run's unique table). */
export function pilotSizes(uniqueModels: readonly SeModel[]): AnalysisTable<PilotSizeRow> {
  const rows = ACTIVITY_CODES.map((activity) => {
    const population = uniqueModels.filter((m) => m.activities.includes(activity)).length;
    return {
      activity,
      uniqueModels: population,
      pilotSample: cochranSampleSize(population),
      paperUniqueModels: PAPER_PILOTS[activity].uniqueModels,
      paperPilotSample: PAPER_PILOTS[activity].pilotSample,
    };
  });
  return {
    name: "table4-pilot-sizes",
    title: "Unique models per activity and pilot sample size (95% confidence, 5% margin)",
    rows,
    spec: PILOT_SIZES,
    notes: ["Sample sizes use Cochran's formula with the finite population correction, rounded up."],
  };
}
