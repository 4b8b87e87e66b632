/**
 * Pair-level agreement of a run with labels: for every labelled (model, activity) pair, what the run
 * decided (not a candidate, left by the funnel, judged relevant / not relevant / uncertain) against
 * the label. Precision, recall and Cohen's kappa are computed with an uncertain pair counted as "not
 * SE" (the run does not count it), and again over the pairs the judge decided; uncertain pairs are
 * reported with how many of them the labels call relevant, never hidden.
 *
 * Two scopes:
 * - "end-to-end": every labelled pair; the run says yes only for a pair judged relevant (a pair the
 *   search never found is a "no").
 * - "judge": only the pairs that reached the judge (filter/unique.arrow), so the judge is measured on
 *   what it was given.
 * Plus "before-judge": the candidates of filter/unique.arrow taken as yes, which is what the run would
 * say without a relevance check.
 */
import type { Outcome, Verdict } from "../run/tables";
import { outcomeOf } from "../judges/outcome";
import { binaryScores } from "../validate/agreement";

export interface PairLabel {
  id: string;
  activity: string;
  relevant: boolean;
}

export interface PairScores {
  scope: "end-to-end" | "judge" | "before-judge";
  pairs: number;
  /** Pairs the labels call relevant. */
  positives: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number | null;
  recall: number | null;
  kappa: number | null;
  /** Pairs left uncertain, and how many of them the labels call relevant. */
  uncertain: number;
  uncertainRelevant: number;
  /** Kappa over the pairs the judge decided (uncertain left out). */
  decidedKappa: number | null;
  decidedPrecision: number | null;
  decidedRecall: number | null;
}

export interface PairDecision extends PairLabel {
  /** "not-candidate" when the funnel never offered the pair to the judge. */
  decision: Outcome | "not-candidate" | "error";
  verdict: Verdict | null;
}

/** What the run decided on each labelled pair. */
export function pairDecisions(
  labels: readonly PairLabel[],
  candidates: Iterable<{ id: string; activities: readonly string[] }>,
  verdicts: readonly Verdict[],
): PairDecision[] {
  const offered = new Set<string>();
  for (const c of candidates) for (const a of c.activities) offered.add(`${c.id}\u0000${a}`);
  const byPair = new Map(verdicts.map((v) => [`${v.id}\u0000${v.activity}`, v]));
  return labels.map((label) => {
    const key = `${label.id}\u0000${label.activity}`;
    const verdict = byPair.get(key) ?? null;
    if (!offered.has(key) && verdict === null) return { ...label, decision: "not-candidate", verdict: null };
    return { ...label, decision: verdict === null ? "not-candidate" : outcomeOf(verdict), verdict };
  });
}

export function pairScores(decisions: readonly PairDecision[], scope: PairScores["scope"]): PairScores {
  const rows = scope === "end-to-end" ? decisions : decisions.filter((d) => d.decision !== "not-candidate");
  const yes = (d: PairDecision) => (scope === "before-judge" ? true : d.decision === "relevant");
  const all = binaryScores(
    rows.map(yes),
    rows.map((d) => d.relevant),
  );
  const decided = scope === "before-judge" ? rows : rows.filter((d) => d.decision !== "uncertain");
  const decidedScores = binaryScores(
    decided.map(yes),
    decided.map((d) => d.relevant),
  );
  const uncertain = scope === "before-judge" ? [] : rows.filter((d) => d.decision === "uncertain");
  return {
    scope,
    pairs: rows.length,
    positives: rows.filter((d) => d.relevant).length,
    truePositives: all.table.yesYes,
    falsePositives: all.table.yesNo,
    falseNegatives: all.table.noYes,
    precision: all.precision,
    recall: all.recall,
    kappa: all.kappa,
    uncertain: uncertain.length,
    uncertainRelevant: uncertain.filter((d) => d.relevant).length,
    decidedKappa: decidedScores.kappa,
    decidedPrecision: decidedScores.precision,
    decidedRecall: decidedScores.recall,
  };
}

export function formatPairScores(rows: readonly PairScores[], title: string): string {
  const f = (x: number | null) => (x === null ? "  -  " : x.toFixed(3));
  const lines = [title, "  scope         pairs  gold+   TP   FP   FN  precision  recall  kappa  uncertain (gold+)  decided: kappa prec  recall"];
  for (const r of rows) {
    lines.push(
      `  ${r.scope.padEnd(12)} ${String(r.pairs).padStart(6)} ${String(r.positives).padStart(6)} ${String(r.truePositives).padStart(4)} ${String(r.falsePositives).padStart(4)} ${String(r.falseNegatives).padStart(4)}  ${f(r.precision).padStart(9)}  ${f(r.recall).padStart(6)}  ${f(r.kappa).padStart(5)}  ${`${r.uncertain} (${r.uncertainRelevant})`.padStart(17)}  ${f(r.decidedKappa).padStart(13)} ${f(r.decidedPrecision)}  ${f(r.decidedRecall)}`,
    );
  }
  return lines.join("\n");
}
