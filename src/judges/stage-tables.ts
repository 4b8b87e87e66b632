/**
 * The relevance stage's tables as the judges and the pilots read them: verdicts, SE models, the
 * unique models left after near-identical cards, and the task evidence of each model.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { activityCodeOf, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";
import { readRows, type TableSpec } from "../util/arrow-table";
import { identityFromLabel, type RecordedVerdict, type TaskEvidence, type Verdict } from "./candidate";
import { completeVerdict, isUncertain } from "./outcome";

/**
 * filter/verdicts.arrow (and filter/jury-verdicts.arrow): one row per verdict, naming the judge that
 * decided it, its backend (`offline`, `gemini`, `openai`, `ollama`, `jury`), LLM model, prompt hash and
 * the temperature and seed sent (null: not applicable, or the backend's default was left alone).
 */
export const VERDICT_COLUMNS: TableSpec<RecordedVerdict> = [
  { name: "id", type: "string" },
  { name: "activity", type: "string" },
  { name: "relevant", type: "bool", nullable: true },
  { name: "rationale", type: "string" },
  { name: "judge", type: "string" },
  { name: "promptHash", type: "string" },
  { name: "error", type: "string", nullable: true },
  { name: "backend", type: "string" },
  { name: "model", type: "string", nullable: true },
  { name: "temperature", type: "float", nullable: true },
  { name: "seed", type: "int", nullable: true },
  { name: "outcome", type: "string", nullable: true },
  // Null in files written by code that does not fill them in (the relevance stage always does).
  { name: "reasons", type: "string[]", nullable: true },
  { name: "evidence", type: "string", nullable: true },
];

/**
 * Verdicts from a file: today's columns, or an older file's (before backend, model, temperature and
 * seed were recorded, or before the outcome, reasons and evidence), whose missing identity is read
 * from the judge label and whose outcome is read from `relevant`.
 */
export function readVerdicts(path: string): RecordedVerdict[] {
  if (!existsSync(path)) throw new Error(`no verdicts at ${path}`);
  const rows = readRows<Partial<RecordedVerdict> & Verdict>(path);
  return rows.map((row, i) => {
    for (const name of ["id", "activity", "judge"] as const) {
      if (typeof row[name] !== "string") throw new Error(`${path}: row ${i} has no ${name}: not a verdicts table`);
    }
    const fallback = identityFromLabel(row.judge);
    return completeVerdict({
      id: row.id,
      activity: row.activity,
      relevant: row.relevant ?? null,
      rationale: row.rationale ?? "",
      judge: row.judge,
      promptHash: row.promptHash ?? "",
      error: row.error ?? null,
      backend: row.backend ?? fallback.backend,
      model: row.model === undefined ? fallback.model : row.model,
      temperature: row.temperature ?? null,
      seed: row.seed ?? null,
      ...(row.outcome ? { outcome: row.outcome } : {}),
      ...(row.reasons ? { reasons: row.reasons } : {}),
      ...(typeof row.evidence === "string" ? { evidence: row.evidence } : {}),
    });
  });
}

/** Key of one (model, activity) pair in pair selections. */
export function pairKey(id: string, activity: string): string {
  return `${id}\u0000${activity}`;
}

/**
 * The pairs a run's judge left uncertain, as {@link pairKey}s: what to send on to a human sheet
 * (`pilot export --uncertain`); `judge --only-uncertain` sends them to an LLM judge in the same run.
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
