/**
 * The relevance stage's tables as the judges and the pilots read them: verdicts, SE models, the
 * unique models left after near-identical cards, and the task evidence of each model.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { activityCodeOf, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";
import { readRows, type TableSpec } from "../util/arrow-table";
import { completeVerdict, isUncertain, type Outcome, type TaskEvidence, type Verdict } from "./candidate";

export const VERDICT_COLUMNS: TableSpec<Verdict> = [
  { name: "id", type: "string" },
  { name: "activity", type: "string" },
  { name: "relevant", type: "bool", nullable: true },
  { name: "rationale", type: "string" },
  { name: "judge", type: "string" },
  { name: "promptHash", type: "string" },
  { name: "error", type: "string", nullable: true },
  { name: "outcome", type: "string", nullable: true },
  { name: "reasons", type: "string[]" },
  { name: "evidence", type: "string" },
];

/** Key of one (model, activity) pair in pair selections. */
export function pairKey(id: string, activity: string): string {
  return `${id}\u0000${activity}`;
}

/** The verdicts of a run (filter/verdicts.arrow); verdicts written before the tri-state outcome get theirs from `relevant`. */
export function readVerdicts(path: string): Verdict[] {
  return readRows<Verdict>(path).map((v) =>
    completeVerdict({ ...v, activity: v.activity, reasons: v.reasons ?? [], evidence: v.evidence ?? "[]", outcome: (v.outcome ?? null) as Outcome | null }),
  );
}

/**
 * The pairs a run's judge left uncertain, as {@link pairKey}s: what to send on to an LLM judge
 * (`runRelevanceCheck({ onlyPairs })`) or to a human sheet (`pilot export --uncertain`).
 */
export function uncertainPairs(runDir: string): Set<string> {
  const path = join(runDir, "filter", "verdicts.arrow");
  if (!existsSync(path)) throw new Error(`no ${path}: run the relevance check first`);
  return new Set(
    readVerdicts(path)
      .filter(isUncertain)
      .map((v) => pairKey(v.id, v.activity)),
  );
}

export interface SeModelRow {
  id: string;
  activities: string[];
  tasks: string[];
}

export const SE_MODEL_COLUMNS: TableSpec<SeModelRow> = [
  { name: "id", type: "string" },
  { name: "activities", type: "string[]" },
  { name: "tasks", type: "string[]" },
];

/** A row of filter/unique.arrow (extra columns ignored). */
export interface UniqueRow {
  id: string;
  activities: string[];
  tasks: string[];
}

/** Rows of filter/unique.arrow, checked: a duplicate id or an unknown activity stops the run with the row named. */
export function readUnique(path: string): UniqueRow[] {
  const rows = readRows<UniqueRow>(path).map((r) => ({ id: r.id, activities: r.activities ?? [], tasks: r.tasks ?? [] }));
  const seen = new Map<string, number>();
  const problems: string[] = [];
  rows.forEach((row, i) => {
    if (seen.has(row.id)) problems.push(`row ${i} (${row.id}): duplicate of row ${seen.get(row.id)}`);
    else seen.set(row.id, i);
    for (const a of row.activities) if (!activityCodeOf(a)) problems.push(`row ${i} (${row.id}): unknown activity ${JSON.stringify(a)}`);
  });
  if (problems.length > 0) throw new Error(`${path}: ${problems.slice(0, 10).join("; ")}${problems.length > 10 ? `; ... (${problems.length} problems)` : ""}`);
  return rows;
}

interface EvidenceRow {
  modelId: string;
  taskId: string;
  task: string;
  activity: string;
  source: string;
  field: string;
  raw: string;
  before: string;
  after: string;
  provenance?: string | null;
  section?: string | null;
  charStart?: number | null;
  charEnd?: number | null;
  excludedBy?: string | null;
}

/**
 * Evidence per model: filter/occurrences.arrow (occurrences the outlier rules kept) when present,
 * else search/matches.arrow. Only models in `keep` are held in memory.
 */
export function readEvidence(runDir: string, keep: ReadonlySet<string>): Map<string, Array<{ activity: ActivityCode; evidence: TaskEvidence }>> {
  const occurrences = join(runDir, "filter", "occurrences.arrow");
  const matches = join(runDir, "search", "matches.arrow");
  const path = existsSync(occurrences) ? occurrences : existsSync(matches) ? matches : null;
  const out = new Map<string, Array<{ activity: ActivityCode; evidence: TaskEvidence }>>();
  if (!path) return out;
  for (const row of readRows<EvidenceRow>(path)) {
    if (!keep.has(row.modelId) || (row.excludedBy ?? null) !== null) continue;
    const activity = activityCodeOf(row.activity);
    if (!activity) continue;
    const list = out.get(row.modelId) ?? out.set(row.modelId, []).get(row.modelId)!;
    list.push({
      activity,
      evidence: {
        taskId: row.taskId,
        task: row.task,
        source: row.source,
        field: row.field,
        raw: row.raw ?? "",
        before: row.before ?? "",
        after: row.after ?? "",
        // Runs written before provenance existed lack these columns: the judge then locates the text itself.
        ...(row.provenance ? { provenance: row.provenance, section: row.section ?? "" } : {}),
        ...(typeof row.charStart === "number" && typeof row.charEnd === "number" ? { charStart: row.charStart, charEnd: row.charEnd } : {}),
      },
    });
  }
  return out;
}

const lookupCache = new WeakMap<Taxonomy, (task: string) => ActivityCode | null>();
/** The activity of a task given by id or name (memoised per taxonomy). */
export function taskActivityLookup(taxonomy: Taxonomy): (task: string) => ActivityCode | null {
  let lookup = lookupCache.get(taxonomy);
  if (!lookup) {
    const byKey = new Map<string, ActivityCode>();
    for (const t of taxonomy.tasks) {
      byKey.set(t.id, t.activity);
      byKey.set(t.name, t.activity);
    }
    lookup = (task) => byKey.get(task) ?? byKey.get(task.toLowerCase()) ?? null;
    lookupCache.set(taxonomy, lookup);
  }
  return lookup;
}
