/**
 * Annotation sheets: a CSV per annotator for a pilot plan, filled in a spreadsheet, read back with
 * every problem reported at once (row number as the spreadsheet shows it, and the model id).
 */
import type { ModelRecord } from "../corpus/record";
import type { TaskEvidence } from "../judges/candidate";
import { excerptBody } from "../judges/card-text";
import { activityCodeOf, type ActivityCode } from "../taxonomy/taxonomy";
import { col, defineTable, rowsToCsv, type RowOf } from "../util/arrow-table";
import { escapeFormula, parseCsv, unescapeFormula } from "./csv";
import type { PilotRow, SampleSet } from "./sample";

/** An annotation sheet (CSV): what the annotator sees, and the two columns they fill. */
export const SHEET = defineTable({
  id: col.string(),
  activity: col.string(),
  set: col.string(),
  hub_url: col.string(),
  matched_tasks: col.strings(),
  evidence: col.string(),
  card_excerpt: col.string(),
  /** Filled by the annotator: yes or no. */
  relevant: col.string(),
  /** Filled by the annotator: why. */
  rationale: col.string(),
});
export type SheetRow = RowOf<typeof SHEET>;

export const EXCERPT_CHARS = 1_500;

export function hubUrl(id: string): string {
  return `https://huggingface.co/${id.split("/").map(encodeURIComponent).join("/")}`;
}

/** Sheet rows for a plan, in plan order; labels empty. Models missing from `records` get an empty excerpt. */
export function sheetRows(
  plan: ReadonlyArray<Pick<PilotRow, "id" | "activity" | "tasks"> & { set: string }>,
  records: ReadonlyMap<string, ModelRecord>,
  evidence: ReadonlyMap<string, ReadonlyArray<{ activity: ActivityCode; evidence: TaskEvidence }>>,
): SheetRow[] {
  return plan.map((row) => {
    const own = (evidence.get(row.id) ?? []).filter((e) => e.activity === row.activity).map((e) => e.evidence);
    const body = records.get(row.id)?.cardBody ?? "";
    const excerpt = excerptBody(body, own, { maxBodyChars: EXCERPT_CHARS, windowChars: 200 }).text;
    return {
      id: row.id,
      activity: row.activity,
      set: row.set,
      hub_url: hubUrl(row.id),
      matched_tasks: row.tasks,
      evidence: own
        .slice(0, 10)
        .map((e) => `${e.task} [${e.source}/${e.field}]: ...${e.before}[${e.raw}]${e.after}...`.replace(/\s+/g, " "))
        .join(" || "),
      card_excerpt: excerpt,
      relevant: "",
      rationale: "",
    };
  });
}

/**
 * The sheet as CSV. Card text is untrusted, so every cell that a spreadsheet would run as a formula
 * is escaped with a leading apostrophe ({@link escapeFormula}); {@link importSheet} removes it again.
 */
export function sheetCsv(rows: readonly SheetRow[]): string {
  const safe = rows.map((row) => {
    const out = { ...row };
    for (const column of SHEET) {
      const value = row[column.name];
      if (typeof value === "string") (out as Record<string, unknown>)[column.name] = escapeFormula(value);
      // A list cell is written joined by "|", so only its first item can start a formula.
      else if (Array.isArray(value) && value.length > 0) (out as Record<string, unknown>)[column.name] = [escapeFormula(value[0]!), ...value.slice(1)];
    }
    return out;
  });
  return rowsToCsv(safe, SHEET);
}

/** One human label read from a sheet (the run's `validate.labels(annotator)`). */
export const HUMAN_LABELS = defineTable({
  id: col.string(),
  activity: col.string<ActivityCode>(),
  set: col.string<SampleSet>(),
  annotator: col.string(),
  relevant: col.bool(),
  rationale: col.string(),
});
export type HumanLabel = RowOf<typeof HUMAN_LABELS>;

export class SheetError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`annotation sheet ${source}: ${problems.length} problem(s): ${problems.slice(0, 20).join("; ")}${problems.length > 20 ? "; ..." : ""}`);
    this.name = "SheetError";
  }
}

const YES = new Set(["yes", "y", "true", "1", "relevant"]);
const NO = new Set(["no", "n", "false", "0", "not relevant", "irrelevant"]);

export interface ImportOptions {
  annotator: string;
  /** Name shown in errors (usually the file path). */
  source?: string;
  /** Skip rows without a label instead of failing (a partly done sheet); they are counted. */
  allowUnlabelled?: boolean;
}

export interface ImportResult {
  labels: HumanLabel[];
  unlabelled: number;
}

/** Read a filled sheet against its plan. Any problem fails the whole import, listing every problem. */
export function importSheet(text: string, plan: readonly PilotRow[], options: ImportOptions): ImportResult {
  const source = options.source ?? "<sheet>";
  if (!/^[A-Za-z0-9_.-]+$/.test(options.annotator))
    throw new SheetError(source, [`annotator name "${options.annotator}" must be letters, digits, '.', '_' or '-'`]);
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    throw new SheetError(source, [(error as Error).message]);
  }
  if (records.length === 0) throw new SheetError(source, ["the file is empty"]);
  const header = records[0]!.cells.map((c) => c.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const missing = ["id", "activity", "relevant"].filter((c) => col(c) < 0);
  if (missing.length > 0) throw new SheetError(source, [`header lacks column(s) ${missing.join(", ")} (found: ${header.join(", ")})`]);

  const planned = new Map(plan.map((p) => [`${p.id}\u0000${p.activity}`, p]));
  const seen = new Map<string, number>();
  const problems: string[] = [];
  const labels: HumanLabel[] = [];
  let unlabelled = 0;
  for (const record of records.slice(1)) {
    const cell = (name: string) => (col(name) >= 0 ? unescapeFormula((record.cells[col(name)] ?? "").trim()) : "");
    const row = `row ${record.line}`;
    const id = cell("id");
    if (record.cells.every((c) => c.trim() === "")) continue;
    if (!id) {
      problems.push(`${row}: empty id`);
      continue;
    }
    const activity = activityCodeOf(cell("activity"));
    if (!activity) {
      problems.push(`${row} (${id}): unknown activity "${cell("activity")}"`);
      continue;
    }
    const key = `${id}\u0000${activity}`;
    const plannedRow = planned.get(key);
    if (!plannedRow) {
      problems.push(`${row} (${id}): not in the pilot plan for ${activity}`);
      continue;
    }
    if (seen.has(key)) {
      problems.push(`${row} (${id}): duplicate of row ${seen.get(key)} for ${activity}`);
      continue;
    }
    seen.set(key, record.line);
    const label = cell("relevant").toLowerCase();
    if (label === "") {
      if (options.allowUnlabelled) unlabelled++;
      else problems.push(`${row} (${id}): no label in 'relevant' (expected yes or no)`);
      continue;
    }
    if (!YES.has(label) && !NO.has(label)) {
      problems.push(`${row} (${id}): label "${cell("relevant")}" is not yes or no`);
      continue;
    }
    labels.push({ id, activity, set: plannedRow.set, annotator: options.annotator, relevant: YES.has(label), rationale: cell("rationale") });
  }
  if (problems.length > 0) throw new SheetError(source, problems);
  return { labels, unlabelled };
}
