/**
 * The funnel table (`funnel.arrow`): models left after each stage, overall and per activity, with the
 * paper's figure beside each count where the paper gives one.
 */
import { PAPER_FUNNEL, PAPER_PILOTS } from "../paper/reported";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { fmt, alignColumns } from "../util/format";

/** Models per activity and overall at one stage of the funnel. */
export type ActivityCounts = Record<"all" | (typeof ACTIVITY_CODES)[number], number>;

export function emptyActivityCounts(): ActivityCounts {
  return { all: 0, RE: 0, SD: 0, SI: 0, QA: 0, SM: 0 };
}

export function addActivityCounts(into: ActivityCounts, from: ActivityCounts): void {
  for (const key of Object.keys(into) as (keyof ActivityCounts)[]) into[key] += from[key];
}

/**
 * "uncertain" is not a stage models pass: it counts, beside "relevant", the pairs the judge left undecided.
 * "discovered" (`funnel --discover` only) is not one either: it counts the models (per activity: pairs)
 * that discovery adds beyond the paper's search and that reach the judge; "relevant" then includes them.
 */
export const FUNNEL_STAGES = ["models", "matched", "after-outliers", "unique", "discovered", "relevant", "uncertain"] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
export const FUNNEL_ACTIVITIES = ["all", ...ACTIVITY_CODES] as const;

/** `funnel.arrow`: models left after each stage, overall and per activity. */
export const FUNNEL = defineTable({
  stage: col.string<FunnelStage>(),
  /** "all" or an activity code. */
  activity: col.string(),
  models: col.int(),
  /** The paper's count for this cell; null where it reports none. */
  paperModels: col.int({ nullable: true }),
});
export type FunnelRow = RowOf<typeof FUNNEL>;

/** The paper's funnel (RQ1.2) and Table IV (unique models per activity). */
export function paperFigure(stage: FunnelStage, activity: string): number | null {
  if (activity === "all") {
    const overall = {
      models: PAPER_FUNNEL.collected,
      matched: PAPER_FUNNEL.matched,
      "after-outliers": PAPER_FUNNEL.afterOutliers,
      unique: PAPER_FUNNEL.unique,
      discovered: null,
      relevant: PAPER_FUNNEL.seModels,
      uncertain: null,
    } as Record<FunnelStage, number | null>;
    return overall[stage];
  }
  if (stage === "unique" && Object.hasOwn(PAPER_PILOTS, activity)) return PAPER_PILOTS[activity as keyof typeof PAPER_PILOTS].uniqueModels;
  return null;
}

export interface FunnelCounts {
  models: number;
  matched: ActivityCounts;
  afterOutliers: ActivityCounts;
  unique: ActivityCounts;
  /** `funnel --discover` only: models (per activity, pairs) discovery adds beyond the search that reach the judge. */
  discovered?: ActivityCounts;
  /** Filled by the relevance check (LLM stage); absent until then. */
  relevant?: ActivityCounts;
  /** Pairs the relevance judge left uncertain (models with one overall); absent when it decided every pair. */
  uncertain?: ActivityCounts;
}

/** The rows of funnel.arrow; "models" has only the overall row (activities are not known before search). */
export function funnelRows(counts: FunnelCounts): FunnelRow[] {
  const rows: FunnelRow[] = [{ stage: "models", activity: "all", models: counts.models, paperModels: paperFigure("models", "all") }];
  const perStage: Array<[FunnelStage, ActivityCounts | undefined]> = [
    ["matched", counts.matched],
    ["after-outliers", counts.afterOutliers],
    ["unique", counts.unique],
    ["discovered", counts.discovered],
    ["relevant", counts.relevant],
    ["uncertain", counts.uncertain],
  ];
  for (const [stage, byActivity] of perStage) {
    if (!byActivity) continue;
    for (const activity of FUNNEL_ACTIVITIES) rows.push({ stage, activity, models: byActivity[activity], paperModels: paperFigure(stage, activity) });
  }
  return rows;
}

/** A plain-text table: one line per stage, a column per activity, "ours (paper)" where the paper has a figure. */
export function formatFunnel(rows: readonly FunnelRow[]): string {
  const cell = (row: FunnelRow | undefined) =>
    row === undefined ? "" : row.paperModels === null ? fmt(row.models) : `${fmt(row.models)} (${fmt(row.paperModels)})`;
  const stages = FUNNEL_STAGES.filter((stage) => rows.some((r) => r.stage === stage));
  const table = [
    ["stage", ...FUNNEL_ACTIVITIES],
    ...stages.map((stage) => [stage, ...FUNNEL_ACTIVITIES.map((a) => cell(rows.find((r) => r.stage === stage && r.activity === a)))]),
  ];
  return alignColumns(table);
}
