/** RQ1.2: the funnel (models left after each stage), read from the run's `funnel.arrow`. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { paperFigure } from "../run/funnel-table";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { readRows } from "../util/arrow-table";
import type { SeModel } from "./facts";
import type { AnalysisTable } from "./table";
import { PAPER_FUNNEL } from "../paper/reported";
import { fmt } from "../util/format";

export interface FunnelRow {
  stage: string;
  /** Null (or "all") for the overall count; an activity code for per-activity rows. */
  activity: string | null;
  models: number;
  paper: number | null;
}

/**
 * Normalise funnel rows. The funnel stage owns the file's exact columns; we need stage, activity,
 * models and the paper's figure (a column whose name starts with "paper").
 */
export function funnelRowsOf(raw: ReadonlyArray<Record<string, unknown>>, file = "funnel.arrow"): FunnelRow[] {
  return raw.map((row, i) => {
    const stage = row.stage;
    const models = row.models;
    if (typeof stage !== "string" || typeof models !== "number") {
      throw new Error(`${file} row ${i}: expected a string "stage" and a number "models", got ${JSON.stringify(row)}`);
    }
    const paperKey = Object.keys(row).find((k) => /^paper/i.test(k) && (typeof row[k] === "number" || row[k] === null));
    const activity = typeof row.activity === "string" && row.activity !== "" && row.activity.toLowerCase() !== "all" ? row.activity : null;
    return { stage, activity, models, paper: paperKey ? (row[paperKey] as number | null) : null };
  });
}

export function readFunnel(runDir: string): FunnelRow[] | null {
  const path = join(runDir, "funnel.arrow");
  return existsSync(path) ? funnelRowsOf(readRows<Record<string, unknown>>(path), path) : null;
}

/** The stage name the funnel uses for the final SE models. */
export const FINAL_STAGE = "relevant";

/** Not a stage models pass: beside "relevant", the pairs the judge left uncertain (models with one overall). */
export const UNCERTAIN_STAGE = "uncertain";

/**
 * The funnel with its last stage: when funnel.arrow stops before the relevance check (it is written
 * by the funnel, before the judge runs), the final counts come from se-models.arrow.
 */
export function funnelTable(rows: readonly FunnelRow[], seModels?: readonly SeModel[]): AnalysisTable<FunnelRow> {
  const all = [...rows];
  const notes: string[] = [];
  if (seModels && !rows.some((r) => r.stage === FINAL_STAGE)) {
    all.push({ stage: FINAL_STAGE, activity: null, models: seModels.length, paper: paperFigure(FINAL_STAGE, "all") });
    for (const a of ACTIVITY_CODES) {
      all.push({ stage: FINAL_STAGE, activity: a, models: seModels.filter((m) => m.activities.includes(a)).length, paper: paperFigure(FINAL_STAGE, a) });
    }
    notes.push(`The "${FINAL_STAGE}" stage is counted from se-models.arrow.`);
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
    spec: [
      { name: "stage", type: "string" },
      { name: "activity", type: "string", nullable: true },
      { name: "models", type: "int" },
      { name: "paper", type: "int", nullable: true },
    ],
    notes: [
      `Paper: ${[PAPER_FUNNEL.collected, PAPER_FUNNEL.matched, PAPER_FUNNEL.afterOutliers, PAPER_FUNNEL.unique, PAPER_FUNNEL.seModels].map(fmt).join(" -> ")}.`,
      ...notes,
    ],
  };
}
