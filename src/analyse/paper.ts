/**
 * Figures that González et al. report (Hugging Face snapshot of 2025-03-24), kept as data so every
 * table of a run can put the paper's value beside its own. Only numbers live here; wording is ours.
 */
import type { ActivityCode } from "../taxonomy/taxonomy";

export const PAPER_SNAPSHOT = "2025-03-24";

/** Table IV: unique models per activity after near-duplicate removal, and the pilot sample size. */
export const PAPER_PILOTS: Record<ActivityCode, { uniqueModels: number; pilotSample: number }> = {
  RE: { uniqueModels: 255, pilotSample: 154 },
  SD: { uniqueModels: 415, pilotSample: 200 },
  SI: { uniqueModels: 2993, pilotSample: 341 },
  QA: { uniqueModels: 1512, pilotSample: 307 },
  SM: { uniqueModels: 3255, pilotSample: 344 },
};

/** Table V: Cohen's kappa between the LLM and the human labels, per activity; plus the held-out set. */
export const PAPER_KAPPA: Record<ActivityCode, number> = { RE: 1.0, SD: 0.85, SI: 0.85, QA: 0.81, SM: 0.82 };
export const PAPER_HELD_OUT_KAPPA = 0.88;

// Table VI (documentation status) lives with its categories: PAPER_TABLE_VI in src/search/documentation.ts.

/** The funnel of RQ1.2 (overall model counts after each stage). */
export const PAPER_FUNNEL = {
  collected: 1_533_973,
  matched: 113_558,
  afterOutliers: 14_962,
  unique: 7_797,
  seModels: 2_205,
} as const;

/** Share of task occurrences that the three outlier tasks had before Table III was applied (kept with the rules). */
export { PAPER_OUTLIER_SHARE } from "../filter/outliers";

/** RQ1.3 (Fig. 2): new Software Implementation models per quarter that the text names. */
export const PAPER_QUARTERLY_SI: Record<string, number> = { "2023-Q1": 28, "2023-Q2": 142, "2024-Q2": 444 };
/** SI models outnumber the next activity (SM) by more than this factor. */
export const PAPER_SI_OVER_NEXT = 20;

/** RQ2.3 (Fig. 5): share of SD models that are also SI. */
export const PAPER_SD_ALSO_SI = 0.73;

/** RQ2.4 (Fig. 6): base models the text names, with their number of derived SE models. */
export const PAPER_BASE_MODELS: Record<string, number> = {
  "meta-llama/Llama-2-7b-hf": 9,
  "Spestly/Atlas-Flash-7B-Preview": 36,
};

/** RQ2.5 (Fig. 7): dataset -> activity -> models, as named in the text. */
export const PAPER_DATASETS: Record<string, Partial<Record<ActivityCode, number>>> = {
  "codeparrot/github-code-clean": { SI: 24, QA: 8 },
  "jondurbin/airoboros-2.2": { SI: 29 },
  "Tesslate/UIGEN-T1.5-Dataset": { SD: 3 },
};

/** RQ2.5 (Fig. 8): licence counts the text names, per activity. */
export const PAPER_LICENSES: Partial<Record<ActivityCode, Record<string, number>>> = {
  SI: { "apache-2.0": 857, mit: 278 },
};

/** RQ2.5 (Fig. 9): benchmark occurrences in SI cards the text names, and the share of SE models reporting any. */
export const PAPER_BENCHMARKS: Record<string, number> = { HumanEval: 38, MMLU: 31, HellaSwag: 31 };
export const PAPER_BENCHMARK_SHARE = 0.096;

/** Fig. 10: the model the paper's selection walk-through ends at. */
export const PAPER_SELECTED_MODEL = "ashwinR/CodeExplainer";
