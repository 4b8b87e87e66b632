/**
 * How far the relevance judge can be trusted, as the paper measured it (Section III-B5, Tables IV and V)
 * and only that way: Cohen's kappa of the judge against human labels on the pilot samples (the primary
 * annotator's label, the majority of three on the reliability subset), per activity beside the paper's
 * Table V, and on the held-out set beside the paper's held-out value.
 *
 * Without human labels there is no Table V: the report says so and how to produce the labels. A synthetic
 * corpus's ground truth gives a second, different measure, shown only under its own name (agreement with
 * the synthetic ground truth): generated labels over every judged pair, not people over a sample.
 */
import { PAPER_HELD_OUT_KAPPA, PAPER_KAPPA } from "../paper/reported";
import type { Verdict } from "../run/tables";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { agreementRows, AGREEMENT, groundTruthReference, type AgreementRow, type Consolidation, type SyntheticTruth } from "../validate/annotations";
import type { AnalysisTable } from "./table";

/** The pilot's human labels of a run, consolidated (src/validate/annotations.ts). */
export interface PilotLabels {
  /** The annotator who labelled every row (the others labelled the reliability subset). */
  primary: string;
  annotators: string[];
  consolidation: Consolidation;
}

/** The identity of one judge that decided a run's pairs, as its verdicts record it. */
export interface JudgeSummary {
  /** `offline-rules/v2`, `gemini:gemini-3.8-flash`, ... */
  label: string;
  backend: string;
  model: string | null;
  temperature: number | null;
  seed: number | null;
  verdicts: number;
  errors: number;
}

export interface ValidationAnalysis {
  /** Which judge (or judges) decided the run's pairs; empty when the run has no verdicts. */
  judges: JudgeSummary[];
  /** Table V: judge vs human labels on the pilot samples, per activity and pooled; null without human labels. */
  tableV: AnalysisTable<AgreementRow> | null;
  /** The held-out generalisation test (pooled, per activity when labelled); null without held-out labels. */
  heldOut: AnalysisTable<AgreementRow> | null;
  /** Judge vs a synthetic corpus's generated labels over every judged pair; null for a real corpus. */
  syntheticAgreement: AnalysisTable<SyntheticAgreementRow> | null;
  /** Why Table V is missing and what to run, or null when it is there. */
  missing: string | null;
  /** What the human labels are: how many, how many by majority, what is still unlabelled. */
  labelSummary: string | null;
}

const SYNTHETIC_AGREEMENT = defineTable({
  /** An activity code, or `all`. */
  scope: col.string(),
  pairs: col.int(),
  kappa: col.float({ nullable: true }),
  band: col.string(),
  precision: col.float({ nullable: true }),
  recall: col.float({ nullable: true }),
  judgeErrors: col.int(),
});
export type SyntheticAgreementRow = RowOf<typeof SYNTHETIC_AGREEMENT>;

export function summariseJudges(verdicts: readonly Verdict[]): JudgeSummary[] {
  const byLabel = new Map<string, JudgeSummary>();
  for (const v of verdicts) {
    const identity = v as Partial<Pick<JudgeSummary, "backend" | "model" | "temperature" | "seed">>;
    const seen = byLabel.get(v.judge) ?? {
      label: v.judge,
      backend: identity.backend ?? (v.judge.startsWith("offline") ? "offline" : v.judge.split(":")[0]!),
      model: identity.model ?? null,
      temperature: identity.temperature ?? null,
      seed: identity.seed ?? null,
      verdicts: 0,
      errors: 0,
    };
    seen.verdicts++;
    if (v.relevant === null) seen.errors++;
    byLabel.set(v.judge, seen);
  }
  return [...byLabel.values()].sort((a, b) => b.verdicts - a.verdicts || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** How to produce the human labels for a run (the paper's procedure, with this toolkit's commands). */
export function howToLabel(runDir: string): string {
  return [
    `hf-se-atlas pilot sample --run ${runDir} (Cochran-sized pilot samples per activity, Table IV, and a held-out set);`,
    `hf-se-atlas pilot export --run ${runDir} --annotator A (one sheet for the primary annotator; B and C with --reliability-only);`,
    `fill the sheets (relevant yes/no, rationale), then hf-se-atlas pilot import <sheet.csv> --run ${runDir} --annotator A (and B, C);`,
    `rerun the report: hf-se-atlas replicate --run ${runDir}.`,
  ].join(" ");
}

export function validationAnalysis(input: {
  runDir: string;
  verdicts: readonly Verdict[] | null;
  pilot: PilotLabels | null;
  groundTruth: readonly SyntheticTruth[] | null;
}): ValidationAnalysis {
  const verdicts = input.verdicts ?? [];
  const judges = summariseJudges(verdicts);
  const judgeNames = judges.map((j) => j.label).join(" + ") || "no judge";
  let tableV: AnalysisTable<AgreementRow> | null = null;
  let heldOut: AnalysisTable<AgreementRow> | null = null;
  let missing: string | null = null;
  let labelSummary: string | null = null;

  const labels = input.pilot?.consolidation.labels ?? [];
  if (input.verdicts === null) missing = "the run has no verdicts yet (run the relevance check first), and so no agreement to measure.";
  else if (labels.length === 0)
    missing = `this run has no human labels, so Table V and the held-out test are not measured. To produce them: ${howToLabel(input.runDir)}`;
  if (input.pilot && labels.length > 0) {
    const c = input.pilot.consolidation;
    const majority = labels.filter((l) => l.method === "majority").length;
    labelSummary = [
      `${labels.length.toLocaleString("en-US")} human labels (annotators ${input.pilot.annotators.join(", ")}; primary ${input.pilot.primary}); ${majority} decided by the majority of three on the reliability subset.`,
      c.missingPrimary > 0 ? `${c.missingPrimary} sampled pairs are not labelled yet by ${input.pilot.primary} and are left out.` : "",
      c.incompleteReliability > 0 ? `${c.incompleteReliability} reliability pairs lack a second or third label and count with the primary label alone.` : "",
      ...c.interAnnotator.map(
        (x) => `${input.pilot!.primary} vs ${x.annotator}: kappa ${x.kappa === null ? "undefined" : x.kappa.toFixed(2)} on ${x.n} shared pairs.`,
      ),
    ]
      .filter(Boolean)
      .join(" ");
  }
  if (input.verdicts && labels.length > 0) {
    const pilot = labels.filter((l) => l.set === "pilot");
    const holdout = labels.filter((l) => l.set === "holdout");
    if (pilot.length > 0) {
      tableV = {
        name: "table5-kappa-humans",
        title: `Table V: Cohen's kappa, relevance judge (${judgeNames}) vs human labels on the pilot samples`,
        rows: agreementRows(input.verdicts, pilot, "pilot"),
        spec: AGREEMENT,
        notes: [
          "Each pilot pair is labelled by the primary annotator; on the reliability subset three annotators label it and the majority decides, as in the paper.",
          "paperKappa is the paper's Table V value per activity (human labels vs Gemini 2.0 Flash on the paper's pilots); judgeErrors are pairs the judge could not decide, left out of kappa.",
          ...(labelSummary ? [labelSummary] : []),
        ],
      };
    } else
      missing = `this run's human labels cover only the held-out set, so Table V (the pilots) is not measured. To label the pilots: ${howToLabel(input.runDir)}`;
    if (holdout.length > 0) {
      heldOut = {
        name: "table5-held-out",
        title: `Held-out generalisation test: relevance judge (${judgeNames}) vs human labels on models outside the pilots`,
        rows: agreementRows(input.verdicts, holdout, "holdout"),
        spec: AGREEMENT,
        notes: [
          `The held-out pairs were drawn apart from the pilot samples, so agreement here shows whether the judge generalises beyond them; the pooled row carries the paper's held-out kappa (${PAPER_HELD_OUT_KAPPA}).`,
        ],
      };
    }
  }

  let syntheticAgreement: AnalysisTable<SyntheticAgreementRow> | null = null;
  if (input.verdicts && input.groundTruth) {
    const rows = agreementRows(input.verdicts, groundTruthReference(input.verdicts, input.groundTruth), "ground truth").map(
      ({ scope, pairs, kappa, band, precision, recall, judgeErrors }) => ({ scope, pairs, kappa, band, precision, recall, judgeErrors }),
    );
    syntheticAgreement = {
      name: "agreement-synthetic-ground-truth",
      title: `Agreement with the synthetic ground truth: relevance judge (${judgeNames}) vs the labels the demo generator planted`,
      rows,
      spec: SYNTHETIC_AGREEMENT,
      notes: [
        "Generated labels, not people: every judged pair is compared with what the generator planted, so this tests the pipeline on the corpus it was built for. It is not the paper's Table V (human labels on pilot samples) and has no paper column.",
      ],
    };
  }
  return { judges, tableV, heldOut, syntheticAgreement, missing, labelSummary };
}

/** The paper's Table V and held-out value, for the report's section when this run has none to set beside them. */
export function paperTableV(): Array<{ scope: string; paperKappa: number }> {
  return [...ACTIVITY_CODES.map((a) => ({ scope: a, paperKappa: PAPER_KAPPA[a] })), { scope: "held-out (pooled)", paperKappa: PAPER_HELD_OUT_KAPPA }];
}
