/**
 * Which relevance judge decided a run's pairs and how well it is known to agree with a reference:
 * human labels when the run has them (pilot sheets imported into validate/labels), else a synthetic
 * corpus's ground truth (and then only under that name), else plainly "not measured".
 *
 * A verdict counts as "yes" only when its outcome is relevant; uncertain pairs count as "no" (the run
 * does not count them as SE) and are reported beside the agreement, never hidden.
 */
import type { Verdict } from "../run/tables";
import { outcomeOf } from "../judges/outcome";
import { binaryScores, kappaBand } from "../validate/agreement";
import type { AnalysisTable } from "./table";

export type AgreementReference = "human labels" | "synthetic ground truth (generated, not people)" | "not measured";

export interface JudgeAgreementRow {
  judge: string;
  pairs: number;
  relevant: number;
  notRelevant: number;
  uncertain: number;
  errors: number;
  reference: AgreementReference;
  /** Pairs of this judge that the reference labels. */
  referencePairs: number;
  kappa: number | null;
  agreement: string;
  precision: number | null;
  recall: number | null;
  /** Labelled pairs this judge left uncertain, and how many of them the reference calls relevant. */
  uncertainLabelled: number;
  uncertainRelevant: number;
}

/** One labelled pair of a reference. */
export interface ReferenceLabel {
  id: string;
  activity: string;
  relevant: boolean;
}

/**
 * One row per judge that decided pairs of the run. `humanLabels` wins over `groundTruth` (model id ->
 * its SE activities); with neither, the agreement is "not measured".
 */
export function judgeAgreement(
  verdicts: readonly Verdict[],
  humanLabels: readonly ReferenceLabel[] | null,
  groundTruth: ReadonlyMap<string, readonly string[]> | null,
): AnalysisTable<JudgeAgreementRow> {
  const reference: AgreementReference =
    humanLabels && humanLabels.length > 0 ? "human labels" : groundTruth ? "synthetic ground truth (generated, not people)" : "not measured";
  const human = new Map((humanLabels ?? []).map((l) => [`${l.id}\u0000${l.activity}`, l.relevant]));
  const labelOf = (v: Verdict): boolean | undefined => {
    if (reference === "human labels") return human.get(`${v.id}\u0000${v.activity}`);
    if (reference === "not measured") return undefined;
    const activities = groundTruth!.get(v.id);
    return activities === undefined ? undefined : activities.includes(v.activity);
  };
  const judges = [...new Set(verdicts.map((v) => v.judge))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rows = judges.map((judge): JudgeAgreementRow => {
    const mine = verdicts.filter((v) => v.judge === judge);
    const outcomes = mine.map((v) => outcomeOf(v));
    const labelled = mine.flatMap((v) => {
      const label = labelOf(v);
      const outcome = outcomeOf(v);
      return label === undefined || outcome === "error" ? [] : [{ outcome, label }];
    });
    const scores = binaryScores(
      labelled.map((p) => p.outcome === "relevant"),
      labelled.map((p) => p.label),
    );
    const measured = reference !== "not measured" && labelled.length > 0;
    const uncertain = labelled.filter((p) => p.outcome === "uncertain");
    return {
      judge,
      pairs: mine.length,
      relevant: outcomes.filter((o) => o === "relevant").length,
      notRelevant: outcomes.filter((o) => o === "not-relevant").length,
      uncertain: outcomes.filter((o) => o === "uncertain").length,
      errors: outcomes.filter((o) => o === "error").length,
      reference: measured ? reference : "not measured",
      referencePairs: labelled.length,
      kappa: measured ? scores.kappa : null,
      agreement: measured ? kappaBand(scores.kappa) : "not measured",
      precision: measured ? scores.precision : null,
      recall: measured ? scores.recall : null,
      uncertainLabelled: uncertain.length,
      uncertainRelevant: uncertain.filter((p) => p.label).length,
    };
  });
  return {
    name: "judge-agreement",
    title: "Which relevance judge decided, and how well it is known to agree",
    rows,
    spec: [
      { name: "judge", type: "string" },
      { name: "pairs", type: "int" },
      { name: "relevant", type: "int" },
      { name: "notRelevant", type: "int" },
      { name: "uncertain", type: "int" },
      { name: "errors", type: "int" },
      { name: "reference", type: "string" },
      { name: "referencePairs", type: "int" },
      { name: "kappa", type: "float", nullable: true },
      { name: "agreement", type: "string" },
      { name: "precision", type: "float", nullable: true },
      { name: "recall", type: "float", nullable: true },
      { name: "uncertainLabelled", type: "int" },
      { name: "uncertainRelevant", type: "int" },
    ],
    notes: [
      "A pair counts as SE only when judged relevant; uncertain pairs count as not SE and are listed apart (send them to people with `pilot export --uncertain`).",
      reference === "human labels"
        ? "Agreement is with the human labels imported for this run (validate/labels)."
        : reference === "not measured"
          ? "Agreement is not measured: this run has no human labels (pilot sample / export / import) and its corpus has no ground truth."
          : "Agreement is with the generator's ground truth of a synthetic corpus, not with people: it tests the pipeline, not the judge on the Hub.",
    ],
  };
}

/** One sentence per judge for reports and command output. */
export function judgeStatements(table: AnalysisTable<JudgeAgreementRow>): string[] {
  const f = (x: number | null) => (x === null ? "-" : x.toFixed(2));
  return table.rows.map((r) => {
    const counts = `${r.pairs} pairs: ${r.relevant} relevant, ${r.notRelevant} not relevant, ${r.uncertain} uncertain${r.errors ? `, ${r.errors} errors` : ""}`;
    const agreement =
      r.reference === "not measured"
        ? "agreement not measured (no human labels, no ground truth)"
        : `Cohen's kappa ${f(r.kappa)} (${r.agreement}), precision ${f(r.precision)}, recall ${f(r.recall)} against ${r.reference} on ${r.referencePairs} pairs`;
    return `${r.judge} (${counts}); ${agreement}`;
  });
}
