/**
 * Follow single models through every stage of a run, with the evidence each stage kept: task
 * matches (where and the words around them), outlier exclusions, near-duplicate links, the judge's
 * verdicts and the final classification. Used by the method notebook to show the pipeline at work.
 */
import { readRunTableIfPresent, type RunTableName } from "../run/files";

export interface TracedMatch {
  task: string;
  activity: string;
  source: string;
  field: string;
  /** The matched words with a little context, as found in the text. */
  context: string;
  /** Outlier rule that dropped this occurrence, or null when it was kept. */
  excludedBy: string | null;
}

export interface ModelTrace {
  id: string;
  documentation: string | null;
  matches: TracedMatch[];
  /** The original card this model's card nearly duplicates (it was dropped as a variant). */
  duplicateOf: string | null;
  variants: number;
  candidateActivities: string[];
  verdicts: Array<{ activity: string; relevant: boolean | null; rationale: string; judge: string }>;
  /** Final activities, or null when the model is not an SE model. */
  finalActivities: string[] | null;
}

type Row = Record<string, unknown>;

/** A stage table's rows, or none when the run has not reached that stage. */
function rowsIfPresent(runDir: string, name: RunTableName): Row[] {
  return (readRunTableIfPresent(runDir, name) as Row[] | null) ?? [];
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));
const idOf = (row: Row): string => str(row.modelId ?? row.id);

export function traceModels(runDir: string, ids: readonly string[]): ModelTrace[] {
  const occurrences = rowsIfPresent(runDir, "occurrences");
  const matches = occurrences.length > 0 ? occurrences : rowsIfPresent(runDir, "matches");
  const documentation = rowsIfPresent(runDir, "documentation");
  const duplicates = rowsIfPresent(runDir, "nearDuplicates");
  const unique = rowsIfPresent(runDir, "unique");
  const verdicts = rowsIfPresent(runDir, "verdicts");
  const final = rowsIfPresent(runDir, "seModels");
  return ids.map((id) => ({
    id,
    documentation: str(documentation.find((r) => idOf(r) === id)?.category) || null,
    matches: matches
      .filter((r) => idOf(r) === id)
      .map((r) => ({
        task: str(r.task ?? r.taskId),
        activity: str(r.activity),
        source: str(r.source),
        field: str(r.field),
        context: `${str(r.before).slice(-40)}[${str(r.raw)}]${str(r.after).slice(0, 40)}`.replace(/\s+/g, " "),
        excludedBy: typeof r.excludedBy === "string" ? r.excludedBy : null,
      })),
    duplicateOf: str(duplicates.find((r) => str(r.variant) === id)?.original) || null,
    variants: duplicates.filter((r) => str(r.original) === id).length,
    candidateActivities: (unique.find((r) => idOf(r) === id)?.activities as string[] | undefined) ?? [],
    verdicts: verdicts
      .filter((r) => idOf(r) === id)
      .map((r) => ({
        activity: str(r.activity),
        relevant: typeof r.relevant === "boolean" ? r.relevant : null,
        rationale: str(r.rationale),
        judge: str(r.judge),
      })),
    finalActivities: (final.find((r) => idOf(r) === id)?.activities as string[] | undefined) ?? null,
  }));
}

/**
 * A handful of instructive models: kept as SE, matched but dropped by an outlier rule, a
 * near-duplicate variant, and one the judge rejected. Chosen deterministically (first by id).
 */
export function pickTraceExamples(runDir: string): Array<{ why: string; id: string }> {
  const picks: Array<{ why: string; id: string }> = [];
  const first = (rows: Row[], keep: (r: Row) => boolean, key: (r: Row) => string = idOf) => rows.filter(keep).map(key).sort()[0] ?? null;
  const add = (why: string, id: string | null) => {
    if (id && !picks.some((p) => p.id === id)) picks.push({ why, id });
  };
  const final = rowsIfPresent(runDir, "seModels");
  add(
    "kept as an SE model in several activities",
    first(final, (r) => Array.isArray(r.activities) && r.activities.length > 1),
  );
  add(
    "kept as an SE model",
    first(final, () => true),
  );
  add(
    "matched only through an outlier occurrence that Table III excludes",
    first(rowsIfPresent(runDir, "occurrences"), (r) => typeof r.excludedBy === "string"),
  );
  add(
    "a near-identical copy of an earlier card",
    first(
      rowsIfPresent(runDir, "nearDuplicates"),
      () => true,
      (r) => str(r.variant),
    ),
  );
  add(
    "a candidate the relevance judge rejected",
    first(rowsIfPresent(runDir, "verdicts"), (r) => r.relevant === false),
  );
  return picks;
}
