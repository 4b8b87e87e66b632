/**
 * From annotators' labels to the human reference, and from there to agreement tables:
 * - the primary annotator labels every row; on the reliability subset two more annotators label too,
 *   and the majority of the three decides (the paper's procedure);
 * - Cohen's kappa of a judge against the humans per activity (Table V) and on the held-out set;
 * - the same scores against a synthetic corpus's ground truth.
 */
import { PAPER_HELD_OUT_KAPPA, PAPER_KAPPA } from "../paper/reported";
import type { Verdict } from "../run/tables";
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { binaryScores, cohenKappa, kappaBand } from "./agreement";
import type { PilotRow, SampleSet } from "./sample";
import type { HumanLabel } from "./sheet";
import type { GroundTruthRow } from "../demo/ground-truth";

export interface ReferenceLabel {
  id: string;
  activity: ActivityCode;
  set: SampleSet;
  relevant: boolean;
  /** `primary` (one annotator) or `majority` (three annotators voted). */
  method: "primary" | "majority";
  votes: number;
}

export interface Consolidation {
  labels: ReferenceLabel[];
  /** Plan rows the primary annotator has not labelled yet. */
  missingPrimary: number;
  /** Reliability rows without all three labels (they fall back to the primary label). */
  incompleteReliability: number;
  /** Kappa between the primary annotator and each other annotator on the rows both labelled. */
  interAnnotator: Array<{ annotator: string; n: number; kappa: number | null }>;
}

const keyOf = (id: string, activity: string) => `${id}\u0000${activity}`;

export function consolidateLabels(plan: readonly PilotRow[], labels: readonly HumanLabel[], primary: string): Consolidation {
  const byAnnotator = new Map<string, Map<string, HumanLabel>>();
  for (const label of labels) {
    const own = byAnnotator.get(label.annotator) ?? byAnnotator.set(label.annotator, new Map()).get(label.annotator)!;
    own.set(keyOf(label.id, label.activity), label);
  }
  const first = byAnnotator.get(primary);
  if (!first) throw new Error(`no labels from the primary annotator "${primary}" (have: ${[...byAnnotator.keys()].join(", ") || "none"})`);
  const others = [...byAnnotator.keys()].filter((a) => a !== primary).sort();

  const out: ReferenceLabel[] = [];
  let missingPrimary = 0;
  let incompleteReliability = 0;
  for (const row of plan) {
    const key = keyOf(row.id, row.activity);
    const mine = first.get(key);
    if (!mine) {
      missingPrimary++;
      continue;
    }
    const votes = [mine.relevant, ...others.map((a) => byAnnotator.get(a)!.get(key)?.relevant).filter((v): v is boolean => v !== undefined)];
    if (row.reliability && votes.length >= 3) {
      const yes = votes.filter(Boolean).length;
      out.push({ id: row.id, activity: row.activity, set: row.set, relevant: yes * 2 > votes.length, method: "majority", votes: votes.length });
    } else {
      if (row.reliability) incompleteReliability++;
      out.push({ id: row.id, activity: row.activity, set: row.set, relevant: mine.relevant, method: "primary", votes: 1 });
    }
  }
  const interAnnotator = others.map((annotator) => {
    const theirs = byAnnotator.get(annotator)!;
    const pairs = [...theirs].filter(([key]) => first.has(key)).map(([key, label]) => [first.get(key)!.relevant, label.relevant] as const);
    return {
      annotator,
      n: pairs.length,
      kappa:
        pairs.length > 0
          ? cohenKappa(
              pairs.map((p) => p[0]),
              pairs.map((p) => p[1]),
            ).kappa
          : null,
    };
  });
  return { labels: out, missingPrimary, incompleteReliability, interAnnotator };
}

/** The agreement tables under the run's `validate/` folder (judge vs humans, judge vs ground truth). */
export const AGREEMENT = defineTable({
  /** An activity code, or `all` for the pooled row. */
  scope: col.string(),
  set: col.string(),
  pairs: col.int(),
  kappa: col.float({ nullable: true }),
  band: col.string(),
  precision: col.float({ nullable: true }),
  recall: col.float({ nullable: true }),
  /** Verdicts left out because the judge recorded an error for them. */
  judgeErrors: col.int(),
  paperKappa: col.float({ nullable: true }),
});
export type AgreementRow = RowOf<typeof AGREEMENT>;

interface Reference {
  id: string;
  activity: ActivityCode;
  relevant: boolean;
}

/**
 * Judge vs reference, per activity plus a pooled row. The paper's kappa goes beside the pilot rows
 * (Table V) and beside the pooled held-out row (0.88).
 */
export function agreementRows(verdicts: readonly Verdict[], reference: readonly Reference[], set: string): AgreementRow[] {
  const verdictOf = new Map(verdicts.map((v) => [keyOf(v.id, v.activity), v]));
  const rows: AgreementRow[] = [];
  const pooled: Array<[boolean, boolean]> = [];
  let pooledErrors = 0;
  for (const activity of ACTIVITY_CODES) {
    const pairs: Array<[boolean, boolean]> = [];
    let judgeErrors = 0;
    for (const ref of reference) {
      if (ref.activity !== activity) continue;
      const verdict = verdictOf.get(keyOf(ref.id, activity));
      if (!verdict) continue;
      if (verdict.relevant === null) {
        judgeErrors++;
        continue;
      }
      pairs.push([verdict.relevant, ref.relevant]);
    }
    pooled.push(...pairs);
    pooledErrors += judgeErrors;
    if (pairs.length === 0 && judgeErrors === 0) continue;
    rows.push(scoreRow(activity, set, pairs, judgeErrors, set === "pilot" ? PAPER_KAPPA[activity] : null));
  }
  rows.push(scoreRow("all", set, pooled, pooledErrors, set === "holdout" ? PAPER_HELD_OUT_KAPPA : null));
  return rows;
}

function scoreRow(scope: string, set: string, pairs: Array<[boolean, boolean]>, judgeErrors: number, paperKappa: number | null): AgreementRow {
  const scores = binaryScores(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  );
  return {
    scope,
    set,
    pairs: pairs.length,
    kappa: scores.kappa,
    band: kappaBand(scores.kappa),
    precision: scores.precision,
    recall: scores.recall,
    judgeErrors,
    paperKappa,
  };
}

/** What a synthetic corpus's truth says of one model (the columns of src/demo's ground-truth.arrow used here). */
export type SyntheticTruth = Pick<GroundTruthRow, "id" | "isSe" | "seActivities">;

/** Reference labels from ground truth for every judged (model, activity) pair. */
export function groundTruthReference(verdicts: readonly Verdict[], truth: readonly SyntheticTruth[]): Reference[] {
  const byId = new Map(truth.map((t) => [t.id, t]));
  const out: Reference[] = [];
  for (const v of verdicts) {
    const t = byId.get(v.id);
    if (!t) continue;
    out.push({ id: v.id, activity: v.activity, relevant: t.isSe && t.seActivities.includes(v.activity) });
  }
  return out;
}
