/** RQ1.2: the funnel (models left after each stage), from the run's funnel table. */
import { readRunTableIfPresent } from "../run/files";
import { paperFigure, type FunnelRow } from "../run/funnel-table";
import { RUN_FILES } from "../run/layout";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import type { SeModel } from "./facts";
import type { AnalysisTable } from "./table";
import { PAPER_FUNNEL } from "../paper/reported";
import { fmt } from "../util/format";

/** The report's funnel table: the run's funnel, the overall rows without an activity. */
const FUNNEL_REPORT = defineTable({
  stage: col.string(),
  /** Null for the overall count; an activity code for per-activity rows. */
  activity: col.string({ nullable: true }),
  models: col.int(),
  paper: col.int({ nullable: true }),
});
export type FunnelReportRow = RowOf<typeof FUNNEL_REPORT>;

/** The run's funnel rows as the report shows them ("all", or an empty activity, becomes null). */
export function funnelReportRows(rows: readonly FunnelRow[]): FunnelReportRow[] {
  return rows.map((row) => ({
    stage: row.stage,
    activity: row.activity !== "" && row.activity.toLowerCase() !== "all" ? row.activity : null,
    models: row.models,
    paper: row.paperModels,
  }));
}

export function readFunnel(runDir: string): FunnelReportRow[] | null {
  const rows = readRunTableIfPresent(runDir, "funnel");
  return rows ? funnelReportRows(rows) : null;
}

/** The stage name the funnel uses for the final SE models. */
export const FINAL_STAGE = "relevant";

/** Not a stage models pass: beside "relevant", the pairs the judge left uncertain (models with one overall). */
export const UNCERTAIN_STAGE = "uncertain";

/** `funnel --discover` runs: the models (per activity, pairs) discovery added beyond the search that reach the judge. */
export const DISCOVERED_STAGE = "discovered";

/**
 * The funnel with its last stage: when the funnel table stops before the relevance check (it is
 * written by the funnel, before the judge runs), the final counts come from the SE models table.
 */
export function funnelTable(rows: readonly FunnelReportRow[], seModels?: readonly SeModel[]): AnalysisTable<FunnelReportRow> {
  const all = [...rows];
  const notes: string[] = [];
  if (seModels && !rows.some((r) => r.stage === FINAL_STAGE)) {
    all.push({ stage: FINAL_STAGE, activity: null, models: seModels.length, paper: paperFigure(FINAL_STAGE, "all") });
    for (const a of ACTIVITY_CODES) {
      all.push({ stage: FINAL_STAGE, activity: a, models: seModels.filter((m) => m.activities.includes(a)).length, paper: paperFigure(FINAL_STAGE, a) });
    }
    notes.push(`The "${FINAL_STAGE}" stage is counted from ${RUN_FILES.seModels}.`);
  }
  const discovered = rows.find((r) => r.stage === DISCOVERED_STAGE && r.activity === null);
  if (discovered) {
    notes.push(
      `"${DISCOVERED_STAGE}" is not a stage of the paper: ${discovered.models} models (per activity: pairs) that the keyword search did not offer were found from SE signals and lineage (--discover) and reached the judge beside the "unique" ones; "${FINAL_STAGE}" counts both.`,
    );
  }
  const uncertain = rows.find((r) => r.stage === UNCERTAIN_STAGE && r.activity === null);
  if (uncertain) {
    notes.push(
      `"${UNCERTAIN_STAGE}" is not a stage: ${uncertain.models} models have at least one (model, activity) pair the relevance judge left uncertain (per activity: pairs); they are not counted as SE models.`,
    );
  }
  return {
    name: "funnel",
    title: "Models left after each stage of the pipeline",
    rows: all,
    spec: FUNNEL_REPORT,
    notes: [
      `Paper: ${[PAPER_FUNNEL.collected, PAPER_FUNNEL.matched, PAPER_FUNNEL.afterOutliers, PAPER_FUNNEL.unique, PAPER_FUNNEL.seModels].map(fmt).join(" -> ")}.`,
      ...notes,
    ],
  };
}
