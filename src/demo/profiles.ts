/**
 * The make-up of a synthetic Hub, as numbers. Two profiles:
 * - `paper`: every share is the paper's (Table VI, the funnel, Table IV, RQ1.3-RQ2.5), so a
 *   1.53M-model Hub has the paper's counts up to rounding.
 * - `demo`: a few thousand models where the SE part is enriched (scale factors below, also written
 *   to the corpus `demo.json` and data/demo/README.md) so every figure has enough points.
 *
 * Facts come from the paper; where it gives no number (e.g. final per-activity counts) the value is
 * our reconstruction and says so.
 */
import { PAPER_FUNNEL, PAPER_PILOTS, PAPER_SNAPSHOT, PAPER_TABLE_VI } from "../paper/reported";
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";

export type DemoProfile = "demo" | "paper";
export const DEMO_PROFILES: readonly DemoProfile[] = ["demo", "paper"];

/**
 * What each synthetic model is for, i.e. which pipeline stage should stop it.
 * - `no-card`, `empty-card`, `plain`: no SE task anywhere (Table VI rows 1-3).
 * - `outlier-only`: the card matches only through Table III false hits (debug/log/coding).
 * - `trap` / `se`: survive the outlier rules; a trap only has false-positive evidence (the LLM
 *   check must drop it), an `se` model truly serves SE. `-abstract` variants carry the evidence
 *   only in a linked arXiv abstract (their card is a plain one).
 * - `copy`: a near-identical, later copy of a `trap` or `se` card (removed by 5.2).
 */
export const ROLES = [
  "no-card",
  "empty-card",
  "plain",
  "outlier-only",
  "trap",
  "trap-abstract",
  "se",
  "se-abstract",
  "copy",
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Paper counts at the snapshot (Table VI and the RQ1.2 funnel), gathered under the names the planner
 * uses from the modules that own them, so the generator and the reports cannot disagree.
 */
export const PAPER = {
  snapshot: PAPER_SNAPSHOT,
  models: PAPER_FUNNEL.collected,
  noCard: PAPER_TABLE_VI.rows["no-card"].models,
  emptyCard: PAPER_TABLE_VI.rows["empty-card"].models,
  cardWithoutSe: PAPER_TABLE_VI.rows["card-without-se-task"].models,
  cardWithSe: PAPER_TABLE_VI.rows["card-with-se-task"].models,
  abstractWithSe: PAPER_TABLE_VI.rows["abstract-with-se-task"].models,
  matched: PAPER_FUNNEL.matched,
  abstractOnly: PAPER_TABLE_VI.rows["abstract-only"].models,
  afterOutliers: PAPER_FUNNEL.afterOutliers,
  unique: PAPER_FUNNEL.unique,
  final: PAPER_FUNNEL.seModels,
  tableIV: Object.fromEntries(ACTIVITY_CODES.map((a) => [a, PAPER_PILOTS[a].uniqueModels])) as Record<ActivityCode, number>,
} as const;

/**
 * Paper-profile role counts, derived so that Table VI and the funnel come out exactly:
 * plain = cardWithoutSe - abstractOnly (abstract-only models have a plain card);
 * outlier-only = matched - afterOutliers; copies = afterOutliers - unique;
 * abstract-only split between trap and se in proportion to final / unique.
 */
function paperRoleCounts(): Record<Role, number> {
  const seAbstract = Math.round((PAPER.abstractOnly * PAPER.final) / PAPER.unique);
  const trapAbstract = PAPER.abstractOnly - seAbstract;
  return {
    "no-card": PAPER.noCard,
    "empty-card": PAPER.emptyCard,
    plain: PAPER.cardWithoutSe - PAPER.abstractOnly,
    "outlier-only": PAPER.matched - PAPER.afterOutliers,
    trap: PAPER.unique - PAPER.final - trapAbstract,
    "trap-abstract": trapAbstract,
    se: PAPER.final - seAbstract,
    "se-abstract": seAbstract,
    copy: PAPER.afterOutliers - PAPER.unique,
  };
}

/**
 * Demo-profile role weights per 10,000 models. The non-SE part (60%) keeps the paper's ratio
 * no-card : empty : plain; the matched part (40%) is enriched (share of all models vs the paper's:
 * outlier-only x1.9, copies x13, traps x25, true SE x90; README.md of a generated Hub prints the
 * exact factors), so that per-activity figures have data.
 */
const DEMO_ROLE_WEIGHTS: Record<Role, number> = {
  "no-card": 2018,
  "empty-card": 20,
  plain: 3962 - 170,
  "outlier-only": 1200,
  trap: 900 - 70,
  "trap-abstract": 70,
  se: 1300 - 100,
  "se-abstract": 100,
  copy: 600,
};

/** Rounded role counts for `models` models (largest-remainder, so they sum to `models`). */
export function roleCounts(profile: DemoProfile, models: number): Record<Role, number> {
  const weights = profile === "paper" ? paperRoleCounts() : DEMO_ROLE_WEIGHTS;
  return apportion(weights, models);
}

/** Largest-remainder apportionment of `total` over weighted keys; ties go to the earlier key. */
export function apportion<K extends string>(weights: Record<K, number>, total: number): Record<K, number> {
  const keys = Object.keys(weights) as K[];
  const sum = keys.reduce((a, k) => a + weights[k], 0);
  const exact = keys.map((k) => (weights[k] * total) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = keys.map((_, i) => i).sort((a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    counts[i]!++;
    left--;
  }
  return Object.fromEntries(keys.map((k, i) => [k, counts[i]!])) as Record<K, number>;
}

/**
 * Activity sets of true SE models (weights). Paper profile, our reconstruction of the shares the
 * paper reports qualitatively: SI in ~93% of SE models and >20x SM; SI-SM the strongest pair, then
 * SI-QA and SI-SD; ~73% of SD models also SI; RE sparse and mostly alone.
 */
export const ACTIVITY_SETS: Record<DemoProfile, ReadonlyArray<{ set: ActivityCode[]; weight: number }>> = {
  paper: [
    { set: ["SI"], weight: 855 },
    { set: ["SI", "SM"], weight: 27 },
    { set: ["SI", "QA"], weight: 20 },
    { set: ["SD", "SI"], weight: 13.5 },
    { set: ["SI", "QA", "SM"], weight: 6 },
    { set: ["SM"], weight: 8 },
    { set: ["QA"], weight: 18 },
    { set: ["SD"], weight: 4 },
    { set: ["RE"], weight: 10 },
    { set: ["RE", "SD"], weight: 2 },
    { set: ["RE", "SI"], weight: 3 },
    { set: ["SD", "SI", "QA"], weight: 2 },
  ],
  // Demo: the four minor activities enriched about 2.5x so each has tens of models; SI still dominates.
  demo: [
    { set: ["SI"], weight: 700 },
    { set: ["SI", "SM"], weight: 60 },
    { set: ["SI", "QA"], weight: 40 },
    { set: ["SD", "SI"], weight: 34 },
    { set: ["SI", "QA", "SM"], weight: 12 },
    { set: ["SM"], weight: 25 },
    { set: ["QA"], weight: 40 },
    { set: ["SD"], weight: 11 },
    { set: ["RE"], weight: 30 },
    { set: ["RE", "SD"], weight: 5 },
    { set: ["RE", "SI"], weight: 7 },
    { set: ["SD", "SI", "QA"], weight: 5 },
  ],
};

/** Quarters from 2020 Q1 to 2025 Q1 (the snapshot quarter), as labels `YYYY-Qn`. */
export const QUARTERS: readonly string[] = (() => {
  const out: string[] = [];
  for (let year = 2020; year <= 2025; year++) for (let q = 1; q <= 4; q++) if (year < 2025 || q === 1) out.push(`${year}-Q${q}`);
  return out;
})();

/**
 * Quarterly creation weights for SE models whose main activity is SI: the paper's Fig. 2 shape
 * (28 in 2023 Q1, 142 in 2023 Q2, peak 444 in 2024 Q2); other quarters are our reconstruction.
 */
export const SI_QUARTER_WEIGHTS: readonly number[] = [
  2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 28, 142, 160, 190, 260, 444, 300, 230, 124,
];

/** A steady rise, for the other activities and for non-SE models (the Hub's own growth). */
export const STEADY_QUARTER_WEIGHTS: readonly number[] = QUARTERS.map((_, i) => Math.round(10 * Math.pow(1.17, i)));

/** Hub models migrated from the old model hub all carry this creation time. */
export const LEGACY_CREATED_AT = "2022-03-02T23:29:04.000Z";

/**
 * Share of true SI models that put a markdown benchmark table in their card. The paper found tables
 * only in SI cards and 9.6% of all SE models reporting one; SI is ~93% of SE models, hence 0.103.
 */
export const BENCHMARK_SHARE: Record<DemoProfile, number> = { paper: 0.103, demo: 0.15 };
/** Share of true SE models that report energy use (metadata or a section); not given by the paper. */
export const ENERGY_SHARE: Record<DemoProfile, number> = { paper: 0.04, demo: 0.1 };
