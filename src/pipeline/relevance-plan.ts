/**
 * `judge --dry-run`: what a relevance run would do, before a paid or long one. Nothing is written
 * but the cache entries of a warm-up.
 *
 * - the pairs to judge (per activity), and with `onlyUncertain` how many the offline rules settle;
 * - per judge, the pairs its cache already holds, and for the rest the estimated tokens: the exact
 *   prompts that would be sent (instructions with the activity's task list, the delimited card),
 *   counted at {@link CHARS_PER_TOKEN} characters per token, plus {@link ESTIMATED_ANSWER_TOKENS} per answer;
 * - for a priced judge, the cost at the table's or the given price; for a self-hosted server, the time:
 *   a warm-up judges a few pairs one at a time and the median seconds per pair is extrapolated (model
 *   load time, which Ollama reports, is left out). Warm-up verdicts are real: they go to the cache.
 */
import { performance } from "node:perf_hooks";
import { identityOf, type Candidate, type RelevanceJudge } from "../judges/candidate";
import { VerdictCache } from "../judges/cache";
import { CHARS_PER_TOKEN, ESTIMATED_ANSWER_TOKENS, costOf, estimateTokens, type Pricing } from "../judges/cost";
import { JudgeUnusable, LlmJudge } from "../judges/llm-judge";
import { DEFAULT_OLLAMA_NUM_CTX, OllamaBackend } from "../judges/ollama";
import { outcomeOf } from "../judges/outcome";
import { runLayout } from "../run/layout";
import { verifyRun } from "../run/state";
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import { isFree, pricingOf, serverOf, type JudgeSpec } from "./judge-panel";
import { candidateBatches, isLlmJudge, loadStageInputs, panelOf, recorded, verdictCacheKey, type RelevanceCheckOptions } from "./relevance";

/** A fixed boundary for estimates: the same length as a real one, so the counts are exact and repeatable. */
const ESTIMATE_BOUNDARY = "0".repeat(24);

export interface WarmupReport {
  /** Pairs judged, their wall-clock seconds each (model load excluded), and the median. */
  seconds: number[];
  loadSeconds: number;
  medianSeconds: number;
  /** Seconds for the calls still to make, one at a time. */
  estimatedSeconds: number;
  /** Set when the warm-up failed (the judge cannot work, or every warm-up pair failed). */
  error: string | null;
}

export interface JudgePlan {
  label: string;
  backend: string;
  model: string | null;
  temperature: number | null;
  seed: number | null;
  server: string | null;
  /** Pairs this judge is asked about, of which the cache holds `cached`. */
  pairs: number;
  cached: number;
  /** Calls still to make (each pair once; a malformed answer is asked again, which the estimate leaves out). */
  calls: number;
  promptChars: number;
  inputTokens: number;
  outputTokens: number;
  /** The longest single prompt, in estimated tokens (must fit the model's context window). */
  largestPromptTokens: number;
  free: boolean;
  pricing: Pricing | null;
  costUsd: number | null;
  warmup: WarmupReport | null;
}

export interface RelevancePlan {
  judge: string;
  pairs: number;
  byActivity: Record<ActivityCode, number>;
  /** With `onlyUncertain`: pairs the offline rules decide, and those they leave to the judges. */
  screened: { decided: number; uncertain: number } | null;
  /** Pairs missing from the corpus (recorded as errors by a run, never sent). */
  missing: number;
  judges: JudgePlan[];
  charsPerToken: number;
  answerTokens: number;
  /** Ollama's context window, when an Ollama judge is on the panel. */
  numCtx: number | null;
}

export interface PlanOptions extends RelevanceCheckOptions {
  /** Pairs a self-hosted judge answers for the timing (default 3; 0 skips the warm-up). */
  warmup?: number;
}

export async function planRelevanceCheck(options: PlanOptions): Promise<RelevancePlan> {
  verifyRun(options.runDir, "funnel", { corpusDir: options.corpusDir });
  const inputs = loadStageInputs(options.runDir, options.taxonomy);
  // A dry run needs no key: only self-hosted judges are called (for the warm-up).
  const panel = panelOf(options, inputs.taxonomy, { requireKeys: false });
  const cache = panel.jurors.some(isLlmJudge) ? VerdictCache.open(options.cacheDir ?? runLayout(options.runDir).verdictCache) : null;
  const byActivity = Object.fromEntries(ACTIVITY_CODES.map((a) => [a, 0])) as Record<ActivityCode, number>;
  const plans = panel.jurors.map((judge, i) => emptyPlan(judge, panel.specs[i]!, options));
  const pending: Candidate[][] = panel.jurors.map(() => []);
  let screenedDecided = 0;
  let pairs = 0;
  const seen = new Set<string>();
  for await (const candidates of candidateBatches(inputs, options.corpusDir, seen)) {
    for (const candidate of candidates) {
      pairs++;
      byActivity[candidate.activity]++;
      if (panel.screen && outcomeOf((await panel.screen.judge(candidate)).verdict) !== "uncertain") {
        screenedDecided++;
        continue;
      }
      panel.jurors.forEach((judge, i) => {
        const plan = plans[i]!;
        plan.pairs++;
        if (!isLlmJudge(judge)) return;
        const identity = identityOf(judge);
        if (cache?.get(verdictCacheKey(judge, candidate, options.excerpt).key, identity)) {
          plan.cached++;
          return;
        }
        plan.calls++;
        pending[i]!.push(candidate);
        if (judge instanceof LlmJudge) {
          const call = judge.callPrompt(candidate, () => ESTIMATE_BOUNDARY);
          const chars = call.system.length + call.user.length;
          plan.promptChars += chars;
          plan.inputTokens += estimateTokens(chars);
          plan.largestPromptTokens = Math.max(plan.largestPromptTokens, estimateTokens(chars));
        }
      });
    }
  }
  for (const plan of plans) {
    plan.outputTokens = plan.calls * ESTIMATED_ANSWER_TOKENS;
    plan.costUsd = plan.free ? 0 : costOf({ promptTokens: plan.inputTokens, outputTokens: plan.outputTokens }, plan.pricing);
  }
  const warmupPairs = options.warmup ?? 3;
  if (warmupPairs > 0) {
    for (const [i, judge] of panel.jurors.entries()) {
      const plan = plans[i]!;
      if (!plan.free || !isLlmJudge(judge) || pending[i]!.length === 0) continue;
      plan.warmup = await warmUp(judge, pending[i]!.slice(0, warmupPairs), plan.calls, cache, options);
    }
  }
  return {
    judge: panel.label,
    pairs: pairs + inputs.unique.filter((u) => !seen.has(u.id)).length,
    byActivity,
    screened: panel.screen ? { decided: screenedDecided, uncertain: pairs - screenedDecided } : null,
    missing: inputs.unique.filter((u) => !seen.has(u.id)).length,
    judges: plans,
    charsPerToken: CHARS_PER_TOKEN,
    answerTokens: ESTIMATED_ANSWER_TOKENS,
    numCtx: panel.jurors.some((j) => identityOf(j).backend === "ollama") ? (options.numCtx ?? DEFAULT_OLLAMA_NUM_CTX) : null,
  };
}

function emptyPlan(judge: RelevanceJudge, spec: JudgeSpec, options: PlanOptions): JudgePlan {
  const identity = identityOf(judge);
  const llm = isLlmJudge(judge);
  return {
    label: judge.label,
    ...identity,
    server: llm ? serverOf(spec) : null,
    pairs: 0,
    cached: 0,
    calls: 0,
    promptChars: 0,
    inputTokens: 0,
    outputTokens: 0,
    largestPromptTokens: 0,
    free: isFree(spec),
    pricing: llm ? pricingOf(spec, options.pricing) : { inputPerMillion: 0, outputPerMillion: 0 },
    costUsd: null,
    warmup: null,
  };
}

/** Judge a few pairs one at a time, keep the verdicts in the cache, and extrapolate the median time. */
async function warmUp(
  judge: RelevanceJudge,
  sample: readonly Candidate[],
  calls: number,
  cache: VerdictCache | null,
  options: PlanOptions,
): Promise<WarmupReport> {
  const seconds: number[] = [];
  const backend = judge instanceof LlmJudge ? judge.backend : null;
  let loadMs = 0;
  let error: string | null = null;
  let failures = 0;
  for (const candidate of sample) {
    const loadBefore = backend instanceof OllamaBackend ? backend.loadMs : 0;
    const started = performance.now();
    let judgement;
    try {
      judgement = await judge.judge(candidate);
    } catch (failure) {
      if (failure instanceof JudgeUnusable) return { seconds, loadSeconds: loadMs / 1000, medianSeconds: 0, estimatedSeconds: 0, error: failure.message };
      throw failure;
    }
    const load = backend instanceof OllamaBackend ? backend.loadMs - loadBefore : 0;
    loadMs += load;
    seconds.push(Math.max(0, performance.now() - started - load) / 1000);
    if (judgement.verdict.error !== null) {
      error ??= judgement.verdict.error;
      failures++;
      continue;
    }
    if (cache) {
      const { key, contentHash } = verdictCacheKey(judge, candidate, options.excerpt);
      await cache.put(key, contentHash, recorded(judgement.verdict, identityOf(judge)), judgement.usage);
    }
  }
  await cache?.flush();
  const sorted = seconds.slice().sort((a, b) => a - b);
  const median =
    sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return {
    seconds,
    loadSeconds: loadMs / 1000,
    medianSeconds: median,
    estimatedSeconds: median * Math.max(0, calls - sample.length),
    // Some failures among successes are the run's business; a warm-up that never got a verdict is news now.
    error: failures === sample.length ? error : null,
  };
}
