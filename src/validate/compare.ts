/**
 * Agreement between two sets of relevance labels on the same (model, activity) pairs, per activity
 * and pooled: the paper's Table V for any two raters (a judge and another judge, a jury's jurors, a
 * judge and the human reference). Each row has the 2x2 confusion table, observed agreement and
 * Cohen's kappa (agreement.ts); pairs one side could not decide (an error, an abstention) and pairs
 * only one side has are counted, not compared. Every disagreement is listed with both rationales.
 */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { kappaBand, kappaOf, type Contingency } from "./agreement";

/** One rater's label on one pair; `relevant` null when it gave none (`error` says why, if it failed). */
export interface PairLabel {
  id: string;
  activity: ActivityCode;
  relevant: boolean | null;
  rationale: string;
  /** Who gave it: a judge label or an annotator. */
  source: string;
  error: string | null;
}

export const COMPARISONS = defineTable({
  /** An activity code, or `all` for the pooled row. */
  scope: col.string(),
  set: col.string(),
  /** Pairs both sides decided. */
  pairs: col.int(),
  bothRelevant: col.int(),
  /** A relevant, B not. */
  onlyA: col.int(),
  /** A not, B relevant. */
  onlyB: col.int(),
  neither: col.int(),
  observed: col.float({ nullable: true }),
  kappa: col.float({ nullable: true }),
  band: col.string(),
  /** Shared pairs that A (or B) left undecided. */
  undecidedA: col.int(),
  undecidedB: col.int(),
  /** Pairs only one side has. */
  missingInB: col.int(),
  missingInA: col.int(),
  /** The paper's kappa for this row, where it reports one (Table V, held-out test). */
  paperKappa: col.float({ nullable: true }),
});
export type ComparisonRow = RowOf<typeof COMPARISONS>;

export const DISAGREEMENTS = defineTable({
  id: col.string(),
  activity: col.string(),
  set: col.string(),
  a: col.string(),
  aRelevant: col.bool(),
  aRationale: col.string(),
  b: col.string(),
  bRelevant: col.bool(),
  bRationale: col.string(),
});
export type Disagreement = RowOf<typeof DISAGREEMENTS>;

export interface Comparison {
  rows: ComparisonRow[];
  disagreements: Disagreement[];
}

const keyOf = (id: string, activity: string) => `${id}\u0000${activity}`;

/** Index a label set by pair, refusing two labels for one pair (name the set so the message helps). */
export function indexLabels(labels: readonly PairLabel[], name: string): Map<string, PairLabel> {
  const out = new Map<string, PairLabel>();
  for (const label of labels) {
    const key = keyOf(label.id, label.activity);
    const other = out.get(key);
    if (other) throw new Error(`${name} has two labels for ${label.id} (${label.activity}), from ${other.source} and ${label.source}: choose one judge`);
    out.set(key, label);
  }
  return out;
}

/**
 * Compare `a` with `b` (in `a`'s pair order, activities in the taxonomy's order). `paperKappa` gives
 * the paper's figure for a scope, or null.
 */
export function compareLabels(
  a: readonly PairLabel[],
  b: readonly PairLabel[],
  options: {
    set?: string;
    nameA?: string;
    nameB?: string;
    paperKappa?: (scope: string) => number | null;
    /** Compare only the pairs B has (B is a sample, e.g. human labels): A's other pairs are not "missing in B". */
    onlyPairsOfB?: boolean;
  } = {},
): Comparison {
  const set = options.set ?? "all";
  const indexA = indexLabels(a, options.nameA ?? "A");
  const indexB = indexLabels(b, options.nameB ?? "B");
  const rows: ComparisonRow[] = [];
  const disagreements: Disagreement[] = [];
  const pooled = emptyRow("all", set);
  for (const activity of ACTIVITY_CODES) {
    const row = emptyRow(activity, set);
    for (const [key, left] of indexA) {
      if (left.activity !== activity) continue;
      const right = indexB.get(key);
      if (!right) {
        if (!options.onlyPairsOfB) row.missingInB++;
        continue;
      }
      if (left.relevant === null || right.relevant === null) {
        if (left.relevant === null) row.undecidedA++;
        if (right.relevant === null) row.undecidedB++;
        continue;
      }
      row.pairs++;
      if (left.relevant && right.relevant) row.bothRelevant++;
      else if (left.relevant) row.onlyA++;
      else if (right.relevant) row.onlyB++;
      else row.neither++;
      if (left.relevant !== right.relevant) {
        disagreements.push({
          id: left.id,
          activity,
          set,
          a: left.source,
          aRelevant: left.relevant,
          aRationale: left.rationale,
          b: right.source,
          bRelevant: right.relevant,
          bRationale: right.rationale,
        });
      }
    }
    for (const [key, right] of indexB) if (right.activity === activity && !indexA.has(key)) row.missingInA++;
    if (row.pairs + row.undecidedA + row.undecidedB + row.missingInA + row.missingInB === 0) continue;
    for (const k of ["pairs", "bothRelevant", "onlyA", "onlyB", "neither", "undecidedA", "undecidedB", "missingInA", "missingInB"] as const)
      pooled[k] += row[k];
    rows.push(finish(row, options.paperKappa?.(activity) ?? null));
  }
  rows.push(finish(pooled, options.paperKappa?.("all") ?? null));
  return { rows, disagreements };
}

function emptyRow(scope: string, set: string): ComparisonRow {
  return {
    scope,
    set,
    pairs: 0,
    bothRelevant: 0,
    onlyA: 0,
    onlyB: 0,
    neither: 0,
    observed: null,
    kappa: null,
    band: "undefined",
    undecidedA: 0,
    undecidedB: 0,
    missingInB: 0,
    missingInA: 0,
    paperKappa: null,
  };
}

function finish(row: ComparisonRow, paperKappa: number | null): ComparisonRow {
  const table: Contingency = { yesYes: row.bothRelevant, yesNo: row.onlyA, noYes: row.onlyB, noNo: row.neither };
  const agreement = kappaOf(table);
  return { ...row, observed: row.pairs === 0 ? null : agreement.observed, kappa: agreement.kappa, band: kappaBand(agreement.kappa), paperKappa };
}
