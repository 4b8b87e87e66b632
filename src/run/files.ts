/**
 * Typed readers and writers for the stage tables of a run directory: `readRunTable(runDir, "unique")`
 * gives `CandidateModel[]`, `writeRunTable(runDir, "verdicts", rows)` takes `Verdict[]`; the file name
 * and the declaration come from one registry, so a caller names neither.
 */
import { existsSync } from "node:fs";
import { activityCodeOf, type ActivityCode } from "../taxonomy/taxonomy";
import { columnNames, readArrowFile, readRows, scanRows, tableToRows, writeRows, type RowOf, type TableDef, type TableSpec } from "../util/arrow-table";
import { runLayout } from "./layout";
import { FUNNEL } from "./funnel-table";
import {
  CANDIDATES,
  DISCOVERED,
  DISCOVERY_EVIDENCE,
  DOCUMENTATION,
  identityFromLabel,
  MATCHES,
  NEAR_DUPLICATES,
  OCCURRENCES,
  PROBLEMS,
  SE_MODELS,
  VERDICTS,
  type DiscoveryEvidenceRow,
  type RecordedVerdict,
  type TaskMatch,
  type VerdictRow,
} from "./tables";

const FUNNEL_FIRST = "run the funnel first";
const RELEVANCE_FIRST = "run the relevance check first";
const DISCOVER_FIRST = "run the funnel with --discover first";

/** Each stage table: its declaration and what to run when it is missing. */
export const RUN_TABLES = {
  problems: { table: PROBLEMS, missing: FUNNEL_FIRST },
  matches: { table: MATCHES, missing: FUNNEL_FIRST },
  documentation: { table: DOCUMENTATION, missing: FUNNEL_FIRST },
  occurrences: { table: OCCURRENCES, missing: FUNNEL_FIRST },
  candidates: { table: CANDIDATES, missing: FUNNEL_FIRST },
  nearDuplicates: { table: NEAR_DUPLICATES, missing: FUNNEL_FIRST },
  unique: { table: CANDIDATES, missing: FUNNEL_FIRST },
  funnel: { table: FUNNEL, missing: FUNNEL_FIRST },
  verdicts: { table: VERDICTS, missing: RELEVANCE_FIRST },
  juryVerdicts: { table: VERDICTS, missing: RELEVANCE_FIRST },
  seModels: { table: SE_MODELS, missing: RELEVANCE_FIRST },
  discoveryEvidence: { table: DISCOVERY_EVIDENCE, missing: DISCOVER_FIRST },
  discovered: { table: DISCOVERED, missing: DISCOVER_FIRST },
} as const;

export type RunTableName = keyof typeof RUN_TABLES;
export type RunTableRow<N extends RunTableName> = RowOf<(typeof RUN_TABLES)[N]["table"]>;
export type RunTableColumn<N extends RunTableName> = Extract<keyof RunTableRow<N>, string>;

/** The absolute path of a stage table. */
export function runTablePath(runDir: string, name: RunTableName): string {
  return runLayout(runDir)[name];
}

/** The declaration (columns) of a stage table, e.g. for a streaming writer. */
export function runTableSpec<N extends RunTableName>(name: N): TableDef<RunTableRow<N>> {
  return RUN_TABLES[name].table as TableDef<RunTableRow<N>>;
}

export function hasRunTable(runDir: string, name: RunTableName): boolean {
  return existsSync(runTablePath(runDir, name));
}

/**
 * The rows of a stage table; throws `missing <path>: <what to run>` when the run has none yet.
 * With `columns`, only those are read (and only those need to exist: files of other tools may lack the rest).
 */
export function readRunTable<N extends RunTableName>(runDir: string, name: N): RunTableRow<N>[];
export function readRunTable<N extends RunTableName, K extends RunTableColumn<N>>(runDir: string, name: N, columns: readonly K[]): Pick<RunTableRow<N>, K>[];
export function readRunTable(runDir: string, name: RunTableName, columns?: readonly string[]): unknown[] {
  const path = runTablePath(runDir, name);
  if (!existsSync(path)) throw new Error(`missing ${path}: ${RUN_TABLES[name].missing}`);
  return tableToRows(readArrowFile(path), specOf(name, columns));
}

/** As {@link readRunTable}, or null when the run has no such table (a stage not run yet). */
export function readRunTableIfPresent<N extends RunTableName>(runDir: string, name: N): RunTableRow<N>[] | null;
export function readRunTableIfPresent<N extends RunTableName, K extends RunTableColumn<N>>(
  runDir: string,
  name: N,
  columns: readonly K[],
): Pick<RunTableRow<N>, K>[] | null;
export function readRunTableIfPresent(runDir: string, name: RunTableName, columns?: readonly string[]): unknown[] | null {
  const path = runTablePath(runDir, name);
  return existsSync(path) ? tableToRows(readArrowFile(path), specOf(name, columns)) : null;
}

/**
 * The rows of a stage table one at a time, batch by batch, reading only `columns` (default all): a
 * full-Hub run has one documentation row per model, 1.5M. Throws like {@link readRunTable} when the
 * table is missing.
 */
export function scanRunTable<N extends RunTableName>(runDir: string, name: N): Generator<RunTableRow<N>>;
export function scanRunTable<N extends RunTableName, K extends RunTableColumn<N>>(
  runDir: string,
  name: N,
  columns: readonly K[],
): Generator<Pick<RunTableRow<N>, K>>;
export function* scanRunTable(runDir: string, name: RunTableName, columns?: readonly string[]): Generator<unknown> {
  const path = runTablePath(runDir, name);
  if (!existsSync(path)) throw new Error(`missing ${path}: ${RUN_TABLES[name].missing}`);
  yield* scanRows<Record<string, unknown>, string>(path, columns ?? columnNames(runTableSpec(name)));
}

export async function writeRunTable<N extends RunTableName>(runDir: string, name: N, rows: readonly RunTableRow<N>[]): Promise<void> {
  await writeRows(runTablePath(runDir, name), rows, runTableSpec(name));
}

function specOf(name: RunTableName, columns?: readonly string[]): TableSpec<Record<string, unknown>> {
  const spec = runTableSpec(name) as TableSpec<Record<string, unknown>>;
  return columns ? spec.filter((c) => columns.includes(c.name)) : spec;
}

// ---------------------------------------------------------------------------------------------
// Checked and derived reads shared by several stages

/**
 * Verdicts from a file (a run's verdicts or jury verdicts, or one passed by hand): today's columns, or an
 * older file's (before backend, model, temperature and seed were recorded, or before the outcome,
 * reasons and evidence), whose missing identity is read from the judge label and whose missing outcome
 * from `relevant` (null and no error: uncertain).
 */
export function readVerdicts(path: string): VerdictRow[] {
  if (!existsSync(path)) throw new Error(`no verdicts at ${path}`);
  const rows = readRows<Partial<RecordedVerdict>>(path);
  return rows.map((row, i) => {
    for (const name of ["id", "activity", "judge"] as const) {
      if (typeof row[name] !== "string") throw new Error(`${path}: row ${i} has no ${name}: not a verdicts table`);
    }
    const fallback = identityFromLabel(row.judge!);
    return {
      id: row.id!,
      activity: row.activity!,
      relevant: row.relevant ?? null,
      rationale: row.rationale ?? "",
      judge: row.judge!,
      promptHash: row.promptHash ?? "",
      error: row.error ?? null,
      backend: row.backend ?? fallback.backend,
      model: row.model === undefined ? fallback.model : row.model,
      temperature: row.temperature ?? null,
      seed: row.seed ?? null,
      // Files written before the flag existed read as "not flagged".
      injectionSuspected: row.injectionSuspected ?? null,
      outcome: row.outcome ?? (row.error ? null : row.relevant === true ? "relevant" : row.relevant === false ? "not-relevant" : "uncertain"),
      reasons: row.reasons ?? [],
      evidence: row.evidence ?? "[]",
    };
  });
}

/** Key of one (model, activity) pair in pair selections. */
export function pairKey(id: string, activity: string): string {
  return `${id}\u0000${activity}`;
}

/**
 * The pairs a run's judge left uncertain, as {@link pairKey}s: what `pilot export --uncertain` puts on
 * a sheet for people (`judge --only-uncertain` sends them to an LLM judge within a run).
 */
export function uncertainPairs(runDir: string): Set<string> {
  const path = runTablePath(runDir, "verdicts");
  if (!existsSync(path)) throw new Error(`missing ${path}: ${RUN_TABLES.verdicts.missing}`);
  return new Set(
    readVerdicts(path)
      .filter((v) => v.outcome === "uncertain")
      .map((v) => pairKey(v.id, v.activity)),
  );
}

/** A row of the unique table as the relevance check and the pilot read it. */
export type UniqueModel = Pick<RunTableRow<"unique">, "id" | "activities" | "tasks">;

/**
 * The models left after near-identical cards, checked: a duplicate id or an unknown activity stops
 * the caller with the rows named (the relevance check and the pilot samples are drawn from them).
 */
export function readUniqueModels(runDir: string): UniqueModel[] {
  const path = runTablePath(runDir, "unique");
  const rows = readRunTable(runDir, "unique", ["id", "activities", "tasks"]).map((r) => ({ id: r.id, activities: r.activities ?? [], tasks: r.tasks ?? [] }));
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

/**
 * What a judge or an annotator sees of one occurrence: the task, where it matched, the words around it;
 * and, from runs that record them, its provenance, section and offsets.
 */
export type MatchEvidence = Pick<TaskMatch, "taskId" | "task" | "source" | "field" | "raw" | "before" | "after"> &
  Partial<Pick<TaskMatch, "provenance" | "section" | "charStart" | "charEnd">>;

/**
 * Evidence per model: the occurrences the outlier rules kept when the run has them, else every match.
 * Only models in `keep` are held in memory.
 */
export function readEvidence(runDir: string, keep: ReadonlySet<string>): Map<string, Array<{ activity: ActivityCode; evidence: MatchEvidence }>> {
  const name = hasRunTable(runDir, "occurrences") ? "occurrences" : hasRunTable(runDir, "matches") ? "matches" : null;
  const out = new Map<string, Array<{ activity: ActivityCode; evidence: MatchEvidence }>>();
  if (name === null) return out;
  // Runs written before provenance was recorded lack its columns: read what the file has.
  const table = readArrowFile(runTablePath(runDir, name));
  const present = new Set(table.schema.fields.map((f) => f.name));
  const wanted = [
    "modelId",
    "taskId",
    "task",
    "activity",
    "source",
    "field",
    "raw",
    "before",
    "after",
    "excludedBy",
    "provenance",
    "section",
    "charStart",
    "charEnd",
  ];
  const spec = (runTableSpec(name) as TableSpec<Record<string, unknown>>).filter((c) => wanted.includes(c.name) && present.has(c.name));
  const rows = tableToRows(table, spec) as Array<Partial<RunTableRow<"occurrences">>>;
  for (const row of rows) {
    if (!keep.has(row.modelId!) || (row.excludedBy ?? null) !== null) continue;
    const activity = activityCodeOf(row.activity!);
    if (!activity) continue;
    const list = out.get(row.modelId!) ?? out.set(row.modelId!, []).get(row.modelId!)!;
    list.push({
      activity,
      evidence: {
        taskId: row.taskId!,
        task: row.task!,
        source: row.source!,
        field: row.field!,
        raw: row.raw ?? "",
        before: row.before ?? "",
        after: row.after ?? "",
        ...(row.provenance ? { provenance: row.provenance, section: row.section ?? "" } : {}),
        ...(typeof row.charStart === "number" && typeof row.charEnd === "number" ? { charStart: row.charStart, charEnd: row.charEnd } : {}),
      },
    });
  }
  return out;
}

/** What a judge sees of one piece of discovery evidence (src/run/tables.ts DISCOVERY_EVIDENCE). */
export type DiscoveryItem = Pick<
  DiscoveryEvidenceRow,
  "kind" | "speaksFor" | "label" | "source" | "field" | "provenance" | "raw" | "before" | "after" | "chain" | "relations" | "seed" | "seedJudgedAs"
>;

/**
 * Discovery evidence per model and activity (`funnel --discover` runs), for the models in `keep`: the
 * items that stand (a Table III exclusion drops one), in table order. Empty when the run has none.
 */
export function readDiscoveryEvidence(runDir: string, keep: ReadonlySet<string>): Map<string, Array<{ activity: ActivityCode; item: DiscoveryItem }>> {
  const out = new Map<string, Array<{ activity: ActivityCode; item: DiscoveryItem }>>();
  if (!hasRunTable(runDir, "discoveryEvidence")) return out;
  for (const row of scanRunTable(runDir, "discoveryEvidence")) {
    if (!keep.has(row.modelId) || row.excludedBy !== null) continue;
    const activity = activityCodeOf(row.activity);
    if (!activity) continue;
    const list = out.get(row.modelId) ?? out.set(row.modelId, []).get(row.modelId)!;
    list.push({
      activity,
      item: {
        kind: row.kind,
        speaksFor: row.speaksFor,
        label: row.label,
        source: row.source,
        field: row.field,
        provenance: row.provenance,
        raw: row.raw,
        before: row.before,
        after: row.after,
        chain: row.chain ?? [],
        relations: row.relations ?? [],
        seed: row.seed,
        seedJudgedAs: row.seedJudgedAs,
      },
    });
  }
  return out;
}

/**
 * The documentation table row by row, like `scanRunTable(runDir, "documentation")`, except that a run
 * written before the `arxivUnresolved` column existed still reads: its models count as looked up (false).
 */
export function* scanDocumentationRows(runDir: string): Generator<RunTableRow<"documentation">> {
  const path = runTablePath(runDir, "documentation");
  if (!existsSync(path)) throw new Error(`missing ${path}: ${RUN_TABLES.documentation.missing}`);
  const names = columnNames(DOCUMENTATION);
  const table = readArrowFile(path);
  const has = new Set(table.schema.fields.map((f) => f.name));
  const present = names.filter((name) => name !== "arxivUnresolved" || has.has(name));
  for (const row of scanRows<RunTableRow<"documentation">, (typeof present)[number]>(path, present)) {
    yield { ...row, arxivUnresolved: (row as Partial<RunTableRow<"documentation">>).arxivUnresolved === true };
  }
}
