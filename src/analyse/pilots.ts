/** Table IV (unique models and pilot sample size per activity) and Table V (judge vs human kappa). */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import { cochranSampleSize } from "../validate/cochran";
import { cohenKappa, kappaBand } from "../validate/agreement";
import type { SeModel } from "./facts";
import { PAPER_KAPPA, PAPER_PILOTS } from "../paper/reported";
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

/** One paired judgement: what the judge said and what the human reference says. */
export interface LabelPair {
  id: string;
  activity: ActivityCode;
  judge: boolean;
  human: boolean;
}

const KAPPA = defineTable({
  activity: col.string<ActivityCode>(),
  pairs: col.int(),
  kappa: col.float({ nullable: true }),
  agreement: col.string(),
  paperKappa: col.float(),
});
export type KappaRow = RowOf<typeof KAPPA>;

/** Table V from paired labels (judge verdicts vs human or ground-truth labels). */
export function kappaTable(pairs: readonly LabelPair[], referenceName = "human labels"): AnalysisTable<KappaRow> {
  const rows = ACTIVITY_CODES.map((activity) => {
    const mine = pairs.filter((p) => p.activity === activity);
    const kappa = mine.length > 0 ? cohenKappa(mine.map((p) => p.judge), mine.map((p) => p.human)).kappa : null;
    return { activity, pairs: mine.length, kappa, agreement: kappaBand(kappa), paperKappa: PAPER_KAPPA[activity] };
  });
  return {
    name: "table5-kappa",
    title: `Cohen's kappa, relevance judge vs ${referenceName}`,
    rows,
    spec: KAPPA,
    notes: [],
  };
}

/**
 * Pair each verdict with a reference label: the activity is relevant for the model when the
 * reference lists it. Verdicts without a decision (judge errors) are returned apart, not paired.
 */
export function pairVerdicts(
  verdicts: ReadonlyArray<{ id: string; activity: string; relevant: boolean | null; error: string | null }>,
  reference: ReadonlyMap<string, readonly string[]>,
): { pairs: LabelPair[]; unpaired: string[] } {
  const pairs: LabelPair[] = [];
  const unpaired: string[] = [];
  for (const v of verdicts) {
    const activity = ACTIVITY_CODES.find((a) => a === v.activity);
    if (!activity) {
      unpaired.push(`${v.id}: unknown activity ${JSON.stringify(v.activity)}`);
      continue;
    }
    if (v.relevant === null) {
      unpaired.push(`${v.id} (${activity}): no verdict (${v.error ?? "no reason given"})`);
      continue;
    }
    const labels = reference.get(v.id);
    if (!labels) {
      unpaired.push(`${v.id} (${activity}): no reference label`);
      continue;
    }
    pairs.push({ id: v.id, activity, judge: v.relevant, human: labels.includes(activity) });
  }
  return { pairs, unpaired };
}
