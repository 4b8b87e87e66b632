/**
 * Every figure that González et al. report (Hugging Face snapshot of 2025-03-24), kept as data so every
 * table of a run can put the paper's value beside its own. This is the only module that holds the
 * paper's numbers: stages, analyses, captions and benchmarks import them from here. Each constant names
 * the place in the paper it comes from. Only numbers (and the paper's row labels) live here; wording is ours.
 *
 * Bottom layer: it imports nothing but the activity codes' type.
 */
import type { ActivityCode } from "../taxonomy/taxonomy";

/** Section III-B2: the Hub was mined on this day. */
export const PAPER_SNAPSHOT = "2025-03-24";

/** Section III-B2: models on the Hub at the snapshot (also the first step of the RQ1.2 funnel). */
export const PAPER_HUB_MODELS = 1_533_973;

/** Section III-B5 (5.1): "debugging", "logging" and "coding" were 89.01% of all task occurrences. */
export const PAPER_OUTLIER_SHARE = 0.8901;

/** Section III-B5 (5.2): the cosine-similarity threshold above which two cards are near-identical. */
export const PAPER_SIMILARITY_THRESHOLD = 0.99;

/** Section III-B5 (5.3): pilot sample sizes from a calculator at 95% confidence and a 5% margin (z, p, margin). */
export const PAPER_SAMPLE_SIZE_SETTINGS = { z: 1.96, p: 0.5, margin: 0.05 } as const;

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

/** Table VI's exclusive documentation categories, in the paper's order. */
export const DOCUMENTATION_CATEGORIES = ["no-card", "empty-card", "card-with-se-task", "card-without-se-task"] as const;
export type DocumentationCategory = (typeof DOCUMENTATION_CATEGORIES)[number];

/** Table VI's rows: the four categories plus the abstract rows and this project's extra rows. */
export type DocumentationSummaryKey = DocumentationCategory | "abstract-with-se-task" | "union-with-se-task" | "abstract-only" | "metadata-only-without-card";

/** Table VI (RQ1.1): documentation status over all models, with the paper's counts and shares. */
export const PAPER_TABLE_VI = {
  totalModels: PAPER_HUB_MODELS,
  rows: {
    "no-card": { label: "Model card not available", models: 478_125, percent: 31.17 },
    "empty-card": { label: "Model card available but empty", models: 4_774, percent: 0.31 },
    "card-without-se-task": { label: "Model card available, no SE task", models: 938_815, percent: 61.2 },
    "card-with-se-task": { label: "Model card available, with SE tasks", models: 112_259, percent: 7.32 },
    "abstract-with-se-task": { label: "arXiv abstract with SE tasks", models: 2_330, percent: 0.15 },
    "union-with-se-task": { label: "With SE tasks (card, metadata or abstract)", models: 113_558, percent: 7.4 },
    "abstract-only": { label: "With SE tasks only through the abstract", models: 1_299, percent: null },
    // Not a paper row: models whose only matches are Hub tags / metadata while the card is missing or
    // empty. The paper's union is exactly "card with SE tasks" + "abstract only", so it had none.
    "metadata-only-without-card": { label: "With SE tasks only in metadata, card missing or empty", models: null, percent: null },
  } satisfies Record<DocumentationSummaryKey, { label: string; models: number | null; percent: number | null }>,
};

/** RQ1.2 (Section IV-A2): the funnel, overall model counts after each stage. */
export const PAPER_FUNNEL = {
  collected: PAPER_HUB_MODELS,
  matched: 113_558,
  afterOutliers: 14_962,
  unique: 7_797,
  seModels: 2_205,
} as const;

/** RQ1.3 (Fig. 2): new Software Implementation models per quarter that the text names. */
export const PAPER_QUARTERLY_SI: Record<string, number> = { "2023-Q1": 28, "2023-Q2": 142, "2024-Q2": 444 };
/** RQ1.3 (Fig. 2): the quarter in which new SI models peak (the 444 above). */
export const PAPER_SI_PEAK_QUARTER = "2024-Q2";
/** RQ1.3 (Fig. 2): the jump the text names, from one quarter to the next. */
export const PAPER_SI_JUMP = { from: "2023-Q1", to: "2023-Q2" } as const;
/** SI models outnumber the next activity by more than this factor. */
export const PAPER_SI_OVER_NEXT = 20;
/** RQ1.3: the largest activity and the next one (SI leads SM). */
export const PAPER_LARGEST_ACTIVITIES: readonly [ActivityCode, ActivityCode] = ["SI", "SM"];
/** RQ1.3: the two activities with the fewest SE models. */
export const PAPER_LEAST_COVERED: readonly ActivityCode[] = ["RE", "SD"];

/** RQ2.1 (Fig. 3): the most frequent SE task, and the task it leads by more than a factor. */
export const PAPER_TOP_TASK = { task: "code generation", over: "coding", factor: 2 } as const;

/** RQ2.2 (Fig. 4): the dominant ML task (pipeline tag), and the only one SD models link to. */
export const PAPER_TOP_ML_TASK = "text-generation";
export const PAPER_SD_ML_TASKS: readonly string[] = ["text-generation"];

/** RQ2.3 (Fig. 5): the pair of activities that co-occur most. */
export const PAPER_STRONGEST_PAIR: readonly [ActivityCode, ActivityCode] = ["SI", "SM"];

/** RQ2.3 (Fig. 5): share of SD models that are also SI. */
export const PAPER_SD_ALSO_SI = 0.73;

/** RQ2.4 (Fig. 6): base models the text names, with their number of derived SE models. */
export const PAPER_BASE_MODELS: Record<string, number> = {
  "meta-llama/Llama-2-7b-hf": 9,
  "Spestly/Atlas-Flash-7B-Preview": 36,
};

/**
 * RQ2.5 (Fig. 7, top 3 datasets per activity): dataset -> the activities under which the figure shows
 * it -> models. A dataset appears under no activity other than those listed.
 */
export const PAPER_DATASETS: Record<string, Partial<Record<ActivityCode, number>>> = {
  "codeparrot/github-code-clean": { SI: 24, QA: 8 },
  "jondurbin/airoboros-2.2": { SI: 29 },
  "Tesslate/UIGEN-T1.5-Dataset": { SD: 3 },
};
/** RQ2.5 (Fig. 7): activities none of whose SE models names a training dataset. */
export const PAPER_ACTIVITIES_WITHOUT_DATASETS: readonly ActivityCode[] = ["RE"];

/** RQ2.5 (Fig. 8): licence counts the text names, per activity. */
export const PAPER_LICENSES: Partial<Record<ActivityCode, Record<string, number>>> = {
  SI: { "apache-2.0": 857, mit: 278 },
};

/**
 * RQ2.5 (Fig. 9): benchmark occurrences in SI cards the text names, most reported first. The paper gives
 * no share of SE models that report benchmarks at all, so none is kept here.
 */
export const PAPER_BENCHMARKS: Record<string, number> = { HumanEval: 38, MMLU: 31, HellaSwag: 31 };

/** Fig. 10: the model the paper's selection walk-through ends at. */
export const PAPER_SELECTED_MODEL = "ashwinR/CodeExplainer";
