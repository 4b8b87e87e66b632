/**
 * The pilot's files in a run directory (I/O edge of src/validate), at the paths `runLayout(run).validate`
 * gives: the pilot plan (PILOT_PLAN), one exported sheet (CSV) and one table of imported labels
 * (HUMAN_LABELS) per annotator, and the agreement tables (AGREEMENT): judge vs humans, and judge vs a
 * synthetic corpus's ground truth. Their declarations live in this folder, the only one that reads them.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readEvidence, readUniqueModels } from "../run/files";
import { runLayout } from "../run/layout";
import { ACTIVITY_CODES, activityCodeOf, taskActivityLookup, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";
import { readRows, writeRows } from "../util/arrow-table";
import { AGREEMENT, type AgreementRow } from "./annotations";
import { PILOT_PLAN, type PilotRow, type PopulationUnit } from "./sample";
import { HUMAN_LABELS, type HumanLabel } from "./sheet";

export function readPlan(runDir: string): PilotRow[] {
  const path = runLayout(runDir).validate.plan;
  if (!existsSync(path)) throw new Error(`no pilot plan at ${path}: run \`hf-se-atlas pilot sample --run ${runDir}\` first`);
  return readRows(path, PILOT_PLAN);
}

export async function writePlan(runDir: string, rows: readonly PilotRow[]): Promise<string> {
  const path = runLayout(runDir).validate.plan;
  await writeRows(path, rows, PILOT_PLAN);
  return path;
}

export async function writeLabels(runDir: string, annotator: string, labels: readonly HumanLabel[]): Promise<string> {
  const path = runLayout(runDir).validate.labels(annotator);
  await writeRows(path, labels, HUMAN_LABELS);
  return path;
}

/** Every annotator's imported labels. */
export function readAllLabels(runDir: string): HumanLabel[] {
  const { labelsDir, annotatorOfLabels } = runLayout(runDir).validate;
  if (!existsSync(labelsDir)) return [];
  return readdirSync(labelsDir)
    .filter((f) => annotatorOfLabels(f) !== null)
    .sort()
    .flatMap((f) => readRows(join(labelsDir, f), HUMAN_LABELS));
}

/** Write an agreement table: against the human labels (`pilot kappa`) or a synthetic corpus's ground truth (`judge`). */
export async function writeAgreement(runDir: string, reference: "humans" | "ground-truth", rows: readonly AgreementRow[]): Promise<string> {
  const { agreement, agreementGroundTruth } = runLayout(runDir).validate;
  const path = reference === "humans" ? agreement : agreementGroundTruth;
  await writeRows(path, rows, AGREEMENT);
  return path;
}

/**
 * Each activity's population: the models of the run's unique table listed under it, with their tasks
 * of that activity (from the occurrences when available, else from the row's task names).
 */
export function populationsOf(runDir: string, taxonomy: Taxonomy): Map<ActivityCode, PopulationUnit[]> {
  const unique = readUniqueModels(runDir);
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
