/**
 * Why each SE model is in the result: the task occurrences that kept it (with their context and where
 * they matched), the occurrences the outlier rules dropped, the relevance verdicts, and the
 * near-identical variants that were folded into it. Read from a run directory (the I/O edge, like
 * run-data.ts) for the SE models only, column by column, so a full-Hub run's match table is scanned
 * once without turning every row into an object.
 */
import type { Vector } from "apache-arrow";
import { hasRunTable, runTablePath } from "../run/files";
import { RUN_FILES } from "../run/layout";
import type { Verdict } from "../run/tables";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { readArrowFile } from "../util/arrow-table";
import type { SeModel } from "./facts";
import { compareText } from "../util/text";

/** One task occurrence that kept a model. */
export interface MatchEvidence {
  taskId: string;
  task: string;
  activity: string;
  /** `card`, `metadata` or `abstract`. */
  source: string;
  /** The text it matched in, e.g. `body`, `tags[3]`, `arxiv:2101.00001`. */
  field: string;
  /** The match table's `provenance` cell when the table has that column (else null). */
  provenance: string | null;
  before: string;
  raw: string;
  after: string;
}

export interface ModelEvidence {
  /** Kept occurrences of the model's final tasks: every task at least once, then in text order, at most `maxMatches`. */
  matches: MatchEvidence[];
  /** Kept occurrences not listed in `matches`. */
  moreMatches: number;
  /** Occurrences of this model the Table III outlier rules removed, per rule. */
  excluded: Array<{ rule: string; occurrences: number }>;
  /** The relevance check's verdicts on this model, in activity order. */
  verdicts: Array<{ activity: string; relevant: boolean | null; judge: string; rationale: string; error: string | null }>;
  /** Near-identical cards dropped in favour of this one, most similar first (at most `maxVariants`). */
  variants: Array<{ id: string; similarity: number }>;
  moreVariants: number;
}

export interface RunEvidence {
  /** Whether the match table carries a `provenance` column. */
  hasProvenance: boolean;
  /** Which match table was read (the run's occurrences, else its matches, as RUN_FILES names them), or null when neither exists. */
  matchTable: string | null;
  byModel: Map<string, ModelEvidence>;
}

export interface EvidenceOptions {
  maxMatches?: number;
  maxVariants?: number;
}

export function emptyEvidence(): ModelEvidence {
  return { matches: [], moreMatches: 0, excluded: [], verdicts: [], variants: [], moreVariants: 0 };
}

const text = (value: unknown): string => (typeof value === "string" ? value : value === null || value === undefined ? "" : String(value));

/** A provenance cell as text (the match table stores it as a string such as "card.prose"; anything else is shown as JSON). */
function provenanceText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  const plain = value && typeof value === "object" && "toJSON" in value ? (value as { toJSON(): unknown }).toJSON() : value;
  return JSON.stringify(plain, (_key, v: unknown) => (typeof v === "bigint" ? Number(v) : v));
}

export function loadRunEvidence(runDir: string, seModels: readonly SeModel[], verdicts: readonly Verdict[] | null, options: EvidenceOptions = {}): RunEvidence {
  const maxMatches = options.maxMatches ?? 12;
  const maxVariants = options.maxVariants ?? 10;
  const models = new Map(seModels.map((m) => [m.id, m]));
  const byModel = new Map<string, ModelEvidence>(seModels.map((m) => [m.id, emptyEvidence()]));

  // Task occurrences: the occurrences have the outlier rule's verdict; the matches are the fallback.
  const matchName = (["occurrences", "matches"] as const).find((name) => hasRunTable(runDir, name)) ?? null;
  const matchTable = matchName ? RUN_FILES[matchName] : null;
  let hasProvenance = false;
  if (matchName) {
    const table = readArrowFile(runTablePath(runDir, matchName));
    const column = (name: string): Vector | null => table.getChild(name);
    const [modelId, taskId, task, activity, source, field, raw, before, after] = [
      "modelId",
      "taskId",
      "task",
      "activity",
      "source",
      "field",
      "raw",
      "before",
      "after",
    ].map(column);
    const excludedBy = column("excludedBy");
    const provenance = column("provenance");
    hasProvenance = provenance !== null;
    if (!modelId) throw new Error(`${runTablePath(runDir, matchName)} has no column "modelId"`);
    const kept = new Map<string, MatchEvidence[]>();
    const excluded = new Map<string, Map<string, number>>();
    for (let i = 0; i < table.numRows; i++) {
      const id = modelId.get(i) as string;
      const model = models.get(id);
      if (!model) continue;
      const rule = excludedBy?.get(i) as string | null | undefined;
      if (rule) {
        const rules = excluded.get(id) ?? new Map<string, number>();
        rules.set(rule, (rules.get(rule) ?? 0) + 1);
        excluded.set(id, rules);
        continue;
      }
      const match: MatchEvidence = {
        taskId: text(taskId?.get(i)),
        task: text(task?.get(i)),
        activity: text(activity?.get(i)),
        source: text(source?.get(i)),
        field: text(field?.get(i)),
        provenance: provenance ? provenanceText(provenance.get(i)) : null,
        before: text(before?.get(i)),
        raw: text(raw?.get(i)),
        after: text(after?.get(i)),
      };
      // Only occurrences of the tasks the model kept (when the run lists them) in its final activities.
      const taskKept = model.tasks.length === 0 || model.tasks.includes(match.taskId) || model.tasks.includes(match.task);
      if (!taskKept || !(model.activities as string[]).includes(match.activity)) continue;
      const list = kept.get(id) ?? [];
      list.push(match);
      kept.set(id, list);
    }
    for (const [id, list] of kept) {
      const evidence = byModel.get(id)!;
      evidence.matches = pickMatches(list, maxMatches);
      evidence.moreMatches = list.length - evidence.matches.length;
    }
    for (const [id, rules] of excluded) {
      byModel.get(id)!.excluded = [...rules]
        .map(([rule, occurrences]) => ({ rule, occurrences }))
        .sort((a, b) => b.occurrences - a.occurrences || compareText(a.rule, b.rule));
    }
  }

  const duplicatesPath = runTablePath(runDir, "nearDuplicates");
  if (hasRunTable(runDir, "nearDuplicates")) {
    const table = readArrowFile(duplicatesPath);
    const [original, variant, similarity] = ["original", "variant", "similarity"].map((name) => {
      const vector = table.getChild(name);
      if (!vector) throw new Error(`${duplicatesPath} has no column "${name}"`);
      return vector;
    });
    const variants = new Map<string, Array<{ id: string; similarity: number }>>();
    for (let i = 0; i < table.numRows; i++) {
      const id = original!.get(i) as string;
      if (!byModel.has(id)) continue;
      const list = variants.get(id) ?? [];
      list.push({ id: variant!.get(i) as string, similarity: Number(similarity!.get(i)) });
      variants.set(id, list);
    }
    for (const [id, list] of variants) {
      list.sort((a, b) => b.similarity - a.similarity || compareText(a.id, b.id));
      const evidence = byModel.get(id)!;
      evidence.variants = list.slice(0, maxVariants);
      evidence.moreVariants = list.length - evidence.variants.length;
    }
  }

  const order = (activity: string) => ACTIVITY_CODES.indexOf(activity as (typeof ACTIVITY_CODES)[number]);
  for (const verdict of verdicts ?? []) {
    const evidence = byModel.get(verdict.id);
    if (!evidence) continue;
    evidence.verdicts.push({
      activity: verdict.activity,
      relevant: verdict.relevant,
      judge: verdict.judge,
      rationale: verdict.rationale,
      error: verdict.error,
    });
  }
  for (const evidence of byModel.values()) evidence.verdicts.sort((a, b) => order(a.activity) - order(b.activity) || compareText(a.judge, b.judge));

  return { hasProvenance, matchTable, byModel };
}

/** The first occurrence of every task, then more in text order, up to `max`; listed in text order. */
function pickMatches(list: readonly MatchEvidence[], max: number): MatchEvidence[] {
  const chosen = new Set<number>();
  const seen = new Set<string>();
  list.forEach((m, i) => {
    if (chosen.size < max && !seen.has(m.taskId)) {
      seen.add(m.taskId);
      chosen.add(i);
    }
  });
  for (let i = 0; i < list.length && chosen.size < max; i++) chosen.add(i);
  return [...chosen].sort((a, b) => a - b).map((i) => list[i]!);
}
