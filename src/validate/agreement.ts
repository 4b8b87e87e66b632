/**
 * Agreement between two binary raters: Cohen's kappa, plus precision and recall when one side is
 * taken as the reference. Pure functions over paired labels.
 */

/** The 2x2 contingency table of two raters: `yesYes` = both said yes, `yesNo` = rater A yes, rater B no, ... */
export interface Contingency {
  yesYes: number;
  yesNo: number;
  noYes: number;
  noNo: number;
}

export interface Agreement {
  n: number;
  /** Observed agreement p_o. */
  observed: number;
  /** Agreement expected by chance p_e. */
  expected: number;
  /** Cohen's kappa; null when undefined (both raters used a single identical label, p_e = 1). */
  kappa: number | null;
}

export interface BinaryScores extends Agreement {
  /** Precision of `predicted` against `reference`; null when nothing was predicted positive. */
  precision: number | null;
  /** Recall of `predicted` against `reference`; null when the reference has no positives. */
  recall: number | null;
  table: Contingency;
}

export function contingency(a: readonly boolean[], b: readonly boolean[]): Contingency {
  if (a.length !== b.length) throw new RangeError(`rater label lists differ in length (${a.length} vs ${b.length})`);
  const table: Contingency = { yesYes: 0, yesNo: 0, noYes: 0, noNo: 0 };
  for (let i = 0; i < a.length; i++) {
    if (a[i]) {
      if (b[i]) table.yesYes++;
      else table.yesNo++;
    } else if (b[i]) table.noYes++;
    else table.noNo++;
  }
  return table;
}

/** Cohen (1960): kappa = (p_o - p_e) / (1 - p_e), with p_e from each rater's own marginals. */
export function kappaOf(table: Contingency): Agreement {
  const n = table.yesYes + table.yesNo + table.noYes + table.noNo;
  if (n === 0) return { n, observed: Number.NaN, expected: Number.NaN, kappa: null };
  const observed = (table.yesYes + table.noNo) / n;
  const aYes = (table.yesYes + table.yesNo) / n;
  const bYes = (table.yesYes + table.noYes) / n;
  const expected = aYes * bYes + (1 - aYes) * (1 - bYes);
  const kappa = expected === 1 ? null : (observed - expected) / (1 - expected);
  return { n, observed, expected, kappa };
}

export function cohenKappa(a: readonly boolean[], b: readonly boolean[]): Agreement {
  return kappaOf(contingency(a, b));
}

/** Kappa plus precision/recall of `predicted` (e.g. a judge) against `reference` (e.g. humans). */
export function binaryScores(predicted: readonly boolean[], reference: readonly boolean[]): BinaryScores {
  const table = contingency(predicted, reference);
  const predictedYes = table.yesYes + table.yesNo;
  const referenceYes = table.yesYes + table.noYes;
  return {
    ...kappaOf(table),
    precision: predictedYes === 0 ? null : table.yesYes / predictedYes,
    recall: referenceYes === 0 ? null : table.yesYes / referenceYes,
    table,
  };
}

/** Landis & Koch (1977) bands, the wording the paper uses ("almost perfect" above 0.80). */
export function kappaBand(kappa: number | null): string {
  if (kappa === null || Number.isNaN(kappa)) return "undefined";
  if (kappa < 0) return "poor";
  if (kappa <= 0.2) return "slight";
  if (kappa <= 0.4) return "fair";
  if (kappa <= 0.6) return "moderate";
  if (kappa <= 0.8) return "substantial";
  return "almost perfect";
}
