/**
 * The pilot's files in a run directory (I/O edge of src/validate):
 *   validate/pilot-plan.arrow         the samples (PilotRow)
 *   validate/sheets/<annotator>.csv   exported sheets
 *   validate/labels/<annotator>.arrow imported, validated labels
 *   validate/agreement.arrow          judge vs humans (pilot per activity, held-out pooled)
 *   validate/agreement-ground-truth.arrow  judge vs a synthetic corpus's ground truth
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readEvidence, readUnique, taskActivityLookup } from "../judges/stage-tables";
import { ACTIVITY_CODES, activityCodeOf, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";
import { readRows, writeRows, type TableSpec } from "../util/arrow-table";
import type { PilotRow, PopulationUnit } from "./sample";
import { HUMAN_LABEL_COLUMNS, type HumanLabel } from "./sheet";

export const PILOT_ROW_COLUMNS: TableSpec<PilotRow> = [
  { name: "id", type: "string" },
  { name: "activity", type: "string" },
  { name: "set", type: "string" },
  { name: "tasks", type: "string[]" },
  { name: "reliability", type: "bool" },
];

export const validateDir = (runDir: string) => join(runDir, "validate");
export const planPath = (runDir: string) => join(validateDir(runDir), "pilot-plan.arrow");
export const labelsPath = (runDir: string, annotator: string) => join(validateDir(runDir), "labels", `${annotator}.arrow`);
export const sheetPath = (runDir: string, annotator: string) => join(validateDir(runDir), "sheets", `${annotator}.csv`);

export function readPlan(runDir: string): PilotRow[] {
  const path = planPath(runDir);
  if (!existsSync(path)) throw new Error(`no pilot plan at ${path}: run \`hf-se-atlas pilot sample --run ${runDir}\` first`);
  return readRows(path, PILOT_ROW_COLUMNS);
}

export async function writePlan(runDir: string, rows: readonly PilotRow[]): Promise<void> {
  await writeRows(planPath(runDir), rows, PILOT_ROW_COLUMNS);
}

export async function writeLabels(runDir: string, annotator: string, labels: readonly HumanLabel[]): Promise<string> {
  const path = labelsPath(runDir, annotator);
  await writeRows(path, labels, HUMAN_LABEL_COLUMNS);
  return path;
}

/** Every annotator's imported labels. */
export function readAllLabels(runDir: string): HumanLabel[] {
  const dir = join(validateDir(runDir), "labels");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".arrow"))
    .sort()
    .flatMap((f) => readRows(join(dir, f), HUMAN_LABEL_COLUMNS));
}

/**
 * Each activity's population: the models of filter/unique.arrow listed under it, with their tasks
 * of that activity (from the occurrences when available, else from the row's task names).
 */
export function populationsOf(runDir: string, taxonomy: Taxonomy): Map<ActivityCode, PopulationUnit[]> {
  const unique = readUnique(join(runDir, "filter", "unique.arrow"));
  const evidence = readEvidence(runDir, new Set(unique.map((u) => u.id)));
  const activityOf = taskActivityLookup(taxonomy);
  const out = new Map<ActivityCode, PopulationUnit[]>(ACTIVITY_CODES.map((a) => [a, []]));
  for (const row of unique) {
    for (const activity of ACTIVITY_CODES) {
      if (!row.activities.some((a) => activityCodeOf(a) === activity)) continue;
      const fromEvidence = (evidence.get(row.id) ?? []).filter((e) => e.activity === activity).map((e) => e.evidence.task);
      const tasks = fromEvidence.length > 0 ? fromEvidence : row.tasks.filter((t) => activityOf(t) === activity);
      out.get(activity)!.push({ id: row.id, tasks: [...new Set(tasks)] });
    }
  }
  return out;
}
