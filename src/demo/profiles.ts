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
import { PAPER_BENCHMARKS, PAPER_FUNNEL, PAPER_PILOTS, PAPER_SNAPSHOT, PAPER_TABLE_VI } from "../paper/reported";
import { TOP_BENCHMARK_SHARE } from "./vocabulary";
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
 * Beyond the paper's search (discovery, `funnel --discover`; their cards name no SE task anywhere):
 * - `se-signals`: truly SE, its evidence only in tags, programming languages, training datasets and its
 *   name (the paper's search cannot see it);
 * - `se-lineage`: a re-upload, adapter or fine-tune of an SE model of the same Hub (sometimes through
 *   another such model), with a thin card: SE for its base's activities;
 * - `lineage-trap`: a re-upload of a trap model: its chain reaches a search candidate the relevance
 *   check must reject, so it is not SE either;
 * - `signal-trap`: not SE, with a misleading weak signal (a `coder` that assigns medical billing codes,
 *   a chat model whose leaderboard results include a code benchmark).
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
  "se-signals",
  "se-lineage",
  "lineage-trap",
  "signal-trap",
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
    ...NO_DISCOVERY_ROLES,
  };
}

/** The roles beyond the paper's search; planned apart (DISCOVERY_ROLE_SHARE), so their weight in the apportionment is 0. */
export const DISCOVERY_ROLES = ["se-signals", "se-lineage", "lineage-trap", "signal-trap"] as const satisfies readonly Role[];
const NO_DISCOVERY_ROLES = { "se-signals": 0, "se-lineage": 0, "lineage-trap": 0, "signal-trap": 0 };

/**
 * Models per 10,000 turned from `plain` (cards without an SE task) into the roles beyond the paper's
 * search, after the plan is made, from a random stream of their own: every other model keeps its role,
 * card and random stream, and Table VI does not move (they stay cards without SE task). The paper gives
 * no count (our choice). Demo: enough for the discovery stage's scores; paper: a small share.
 */
export const DISCOVERY_ROLE_SHARE: Record<DemoProfile, Record<(typeof DISCOVERY_ROLES)[number], number>> = {
  demo: { "se-signals": 130, "se-lineage": 95, "lineage-trap": 20, "signal-trap": 30 },
  paper: { "se-signals": 10, "se-lineage": 8, "lineage-trap": 2, "signal-trap": 3 },
};

/**
 * Demo-profile role weights per 10,000 models. The non-SE part (55%) keeps the paper's ratio
 * no-card : empty : plain; the matched part (45%) is enriched (share of all models vs the paper's:
 * outlier-only x1.8, copies x14, traps x25, true SE x150; README.md of a generated Hub prints the
 * exact factors), so that per-activity figures have data while SI can still lead SM by more than
 * the paper's 20x.
 */
const DEMO_ROLE_WEIGHTS: Record<Role, number> = {
  "no-card": 1850,
  "empty-card": 18,
  plain: 3632 - 170,
  "outlier-only": 1150,
  trap: 830 - 70,
  "trap-abstract": 70,
  se: 1880 - 100,
  "se-abstract": 100,
  copy: 640,
  ...NO_DISCOVERY_ROLES,
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
 * Activity sets of true SE models (weights; the planner apportions them exactly, so a Hub has these
 * proportions up to rounding). Paper profile, our reconstruction of the shares the paper reports
 * qualitatively: SI in ~93% of SE models and >20x SM; SI-SM the strongest pair, then SI-QA and SI-SD;
 * ~73% of SD models also SI; RE sparse and mostly alone.
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
  // Demo: the paper's shape at demo size. SI leads SM about 39x (the paper: more than 20x), leaving room
  // for the relevance check's mistakes; SM next, then QA; SD and RE least (13 and 8 per 1,000 SE models,
  // enough for every per-activity figure); SI-SM the strongest pair; 9 of 12.5 SD models also SI (72%).
  demo: [
    { set: ["SI"], weight: 905 },
    { set: ["SI", "SM"], weight: 14 },
    { set: ["SI", "QA"], weight: 7 },
    { set: ["SD", "SI"], weight: 8 },
    { set: ["SI", "QA", "SM"], weight: 3 },
    { set: ["SM"], weight: 7 },
    { set: ["QA"], weight: 9 },
    { set: ["SD"], weight: 3.5 },
    { set: ["RE"], weight: 6.5 },
    { set: ["RE", "SI"], weight: 1.5 },
    { set: ["SD", "SI", "QA"], weight: 1 },
  ],
};

/**
 * Near-miss cards: trap and SE models whose card was rewritten from an earlier card of the same kind
 * (a fork with its own changes), similar to it but below the 0.99 threshold, so step 5.2 must keep both.
 * Share of trap + SE models; the paper gives no number (our choice).
 */
export const NEAR_MISS_SHARE: Record<DemoProfile, number> = { paper: 0.01, demo: 0.025 };

/**
 * Target cosine similarities of the generator's edits, under its estimate of the funnel's TF-IDF
 * (similarity.ts; test/demo-generator.test.ts checks the real values). Copies: most get a light edit
 * aimed between the `edited` bounds, the rest only changes TF-IDF ignores (case, emphasis, whitespace:
 * similarity 1.0). Near misses: aimed between the `nearMiss` bounds, just below the 0.99 threshold.
 */
export const SIMILARITY_TARGETS = {
  unchangedCopyShare: 0.35,
  edited: [0.992, 0.999],
  nearMiss: [0.96, 0.98],
} as const;

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
export const SI_QUARTER_WEIGHTS: readonly number[] = [2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 28, 142, 160, 190, 260, 444, 300, 230, 124];

/** A steady rise, for the other activities and for non-SE models (the Hub's own growth). */
export const STEADY_QUARTER_WEIGHTS: readonly number[] = QUARTERS.map((_, i) => Math.round(10 * Math.pow(1.17, i)));

/** Hub models migrated from the old model hub all carry this creation time. */
export const LEGACY_CREATED_AT = "2022-03-02T23:29:04.000Z";

/**
 * Share of true SI models that put a markdown benchmark table in their card. The paper gives no such
 * share; it counts benchmarks in SI cards (HumanEval 38, MMLU 31, HellaSwag 31). Paper profile: the
 * share at which HumanEval, listed in a `TOP_BENCHMARK_SHARE` of tables (vocabulary.ts), is expected in
 * 38 SI cards of a paper-sized Hub. Demo: enriched so Fig. 9 has about a hundred tables.
 */
export const BENCHMARK_SHARE: Record<DemoProfile, number> = {
  paper: paperBenchmarkShare(),
  demo: 0.12,
};

function paperBenchmarkShare(): number {
  const sets = ACTIVITY_SETS.paper;
  const total = sets.reduce((n, s) => n + s.weight, 0);
  const si = sets.filter((s) => s.set.includes("SI")).reduce((n, s) => n + s.weight, 0);
  const paperSiModels = (PAPER.final * si) / total;
  const [, topCount] = Object.entries(PAPER_BENCHMARKS).sort((a, b) => b[1] - a[1])[0]!;
  return topCount / (TOP_BENCHMARK_SHARE * paperSiModels);
}

/** Share of true SE models that report energy use (metadata or a section); not given by the paper. */
export const ENERGY_SHARE: Record<DemoProfile, number> = { paper: 0.04, demo: 0.1 };
