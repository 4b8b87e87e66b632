/**
 * The relevance check over a run directory: every (model, activity) pair of filter/unique.arrow is
 * judged, verdicts go to filter/verdicts.arrow, and models with at least one relevant activity go to
 * se-models.arrow. I/O lives here; the judges are pure apart from their API calls.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readCorpusBatches } from "../corpus/store";
import { ACTIVITY_CODES, activityCodeOf, loadTaxonomy, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";
import { writeRows } from "../util/arrow-table";
import { writeFileAtomic } from "../util/atomic";
import { createProgress, type ProgressOptions } from "../util/progress";
import {
  NO_USAGE,
  addUsage,
  completeVerdict,
  matchedTasks,
  outcomeOf,
  type Candidate,
  type RelevanceJudge,
  type TaskEvidence,
  type Usage,
  type Verdict,
} from "../judges/candidate";
import { VerdictCache, cacheKey } from "../judges/cache";
import { DEFAULT_MAX_BODY_CHARS, buildCardDocument, type ExcerptOptions } from "../judges/card-text";
import { costOf, pricingFor, type Pricing } from "../judges/cost";
import { DEFAULT_GEMINI_MODEL, GeminiJudge } from "../judges/gemini";
import { OfflineRulesJudge } from "../judges/offline-rules";
import { mapPool } from "../util/concurrency";
import {
  pairKey,
  readEvidence,
  readUnique,
  readVerdicts,
  SE_MODEL_COLUMNS,
  taskActivityLookup,
  VERDICT_COLUMNS,
  type SeModelRow,
  type UniqueRow,
} from "../judges/stage-tables";
import { loadPromptTemplates, prepareActivityPrompt, type ActivityPrompt } from "../judges/prompt";

export type JudgeChoice = "auto" | "offline" | "gemini";

export interface RelevanceCheckOptions {
  runDir: string;
  corpusDir: string;
  judge: JudgeChoice;
  /** LLM model for the Gemini judge (default gemini-2.0-flash). */
  model?: string;
  /** Where the verdict cache lives (default <runDir>/../.cache/llm, shared by runs). */
  cacheDir?: string;
  /** Calls in flight at once (default 4). */
  concurrency?: number;
  taxonomy?: Taxonomy;
  promptDir?: string;
  /** Defaults to process.env.GEMINI_API_KEY; never written anywhere. */
  apiKey?: string;
  baseUrl?: string;
  pricing?: Partial<Pricing>;
  excerpt?: ExcerptOptions;
  progress?: ProgressOptions["mode"];
  /** Use this judge instead of building one (tests, custom judges). */
  judgeInstance?: RelevanceJudge;
  /** Extra Gemini options (tests: fast backoff). */
  gemini?: { backoffMs?: number; maxAttempts?: number; timeoutMs?: number; sleep?: (ms: number) => Promise<void> };
  /**
   * Judge only these pairs ({@link pairKey}); every other pair keeps its verdict from the run's
   * filter/verdicts.arrow. With `uncertainPairs(runDir)` this sends the pairs the offline judge left
   * uncertain on to another judge (an LLM) without judging the rest again.
   */
  onlyPairs?: ReadonlySet<string>;
}

export interface VerdictCounts {
  candidates: number;
  relevant: number;
  notRelevant: number;
  /** Pairs the judge left uncertain (not counted as SE, not counted as not relevant). */
  uncertain: number;
  errors: number;
}

export interface RelevanceCheckResult {
  judge: string;
  candidates: number;
  relevant: number;
  notRelevant: number;
  uncertain: number;
  /** Models with at least one uncertain pair. */
  uncertainModels: number;
  errors: number;
  /** Verdicts served from the cache (no call made). */
  cached: number;
  seModels: number;
  byActivity: Record<ActivityCode, VerdictCounts>;
  usage: Usage;
  pricing: Pricing | null;
  costUsd: number | null;
  verdictsPath: string;
  seModelsPath: string;
}

/** Build the judge a run asks for; `auto` means Gemini when a key is set, the offline rules otherwise. */
export function chooseJudge(
  options: Pick<RelevanceCheckOptions, "judge" | "model" | "apiKey" | "baseUrl" | "taxonomy" | "promptDir" | "excerpt" | "gemini">,
): RelevanceJudge {
  const apiKey = options.apiKey ?? process.env.GEMINI_API_KEY ?? "";
  const wantGemini = options.judge === "gemini" || (options.judge === "auto" && apiKey !== "");
  if (!wantGemini) return new OfflineRulesJudge({ taxonomy: options.taxonomy });
  if (!apiKey) throw new Error("the Gemini judge needs GEMINI_API_KEY in the environment (or use --offline)");
  return new GeminiJudge({
    apiKey,
    prompts: loadActivityPrompts(options.taxonomy ?? loadTaxonomy(), options.promptDir),
    model: options.model ?? DEFAULT_GEMINI_MODEL,
    baseUrl: options.baseUrl,
    excerpt: options.excerpt,
    ...options.gemini,
  });
}

export function loadActivityPrompts(taxonomy: Taxonomy, promptDir?: string): Map<ActivityCode, ActivityPrompt> {
  return new Map([...loadPromptTemplates(promptDir)].map(([code, template]) => [code, prepareActivityPrompt(template, taxonomy)]));
}

export async function runRelevanceCheck(options: RelevanceCheckOptions): Promise<RelevanceCheckResult> {
  const filterDir = join(options.runDir, "filter");
  const uniquePath = join(filterDir, "unique.arrow");
  if (!existsSync(uniquePath)) throw new Error(`no ${uniquePath}: run the funnel (outliers and near-duplicates) first`);
  const unique = readUnique(uniquePath);
  const evidence = readEvidence(options.runDir, new Set(unique.map((u) => u.id)));

  const taxonomy = options.taxonomy ?? loadTaxonomy();
  const judge = options.judgeInstance ?? chooseJudge({ ...options, taxonomy });
  const useCache = judge.label.startsWith("gemini:");
  const cache = useCache ? VerdictCache.open(options.cacheDir ?? join(options.runDir, "..", ".cache", "llm")) : null;
  const maxBodyChars = options.excerpt?.maxBodyChars ?? DEFAULT_MAX_BODY_CHARS;
  const concurrency = options.concurrency ?? 4;

  const uniqueById = new Map(unique.map((u) => [u.id, u]));
  const verdictsById = new Map<string, Verdict[]>();
  const only = options.onlyPairs ?? null;
  const previous = new Map<string, Verdict>();
  if (only) {
    const path = join(filterDir, "verdicts.arrow");
    if (!existsSync(path)) throw new Error(`no ${path}: judge every pair once before judging a selection of pairs`);
    for (const v of readVerdicts(path)) previous.set(pairKey(v.id, v.activity), v);
  }
  let usage: Usage = NO_USAGE;
  let cached = 0;
  const total = unique.reduce((n, u) => n + validActivities(u).length, 0);
  const progress = createProgress({ label: `relevance (${judge.label})`, total, unit: "pairs", mode: options.progress });

  for await (const batch of readCorpusBatches(options.corpusDir)) {
    const candidates: Candidate[] = [];
    for (const record of batch) {
      const row = uniqueById.get(record.id);
      if (!row || verdictsById.has(record.id)) continue;
      verdictsById.set(record.id, []);
      for (const activity of validActivities(row)) {
        const kept = only && !only.has(pairKey(record.id, activity)) ? previous.get(pairKey(record.id, activity)) : undefined;
        if (kept) {
          verdictsById.get(record.id)!.push(kept);
          progress.tick();
          continue;
        }
        const own = (evidence.get(record.id) ?? []).filter((e) => e.activity === activity).map((e) => e.evidence);
        candidates.push({ record, activity, evidence: own.length > 0 ? own : fallbackEvidence(row, activity, taxonomy) });
      }
    }
    const verdicts = await mapPool(candidates, concurrency, async (candidate) => {
      const promptHash = judge.promptHash(candidate.activity);
      let key: string | null = null;
      let contentHash = "";
      if (cache) {
        contentHash = buildCardDocument(candidate.record, candidate.evidence, options.excerpt).contentHash;
        key = cacheKey({
          id: candidate.record.id,
          activity: candidate.activity,
          promptHash,
          judge: judge.label,
          contentHash,
          matchedTasks: matchedTasks(candidate),
          maxBodyChars,
        });
        const hit = cache.get(key);
        if (hit) {
          cached++;
          progress.tick();
          return {
            id: hit.id,
            activity: hit.activity,
            relevant: hit.relevant,
            rationale: hit.rationale,
            judge: hit.judge,
            promptHash: hit.promptHash,
            error: null,
          } satisfies Verdict;
        }
      }
      const judgement = await judge.judge(candidate);
      usage = addUsage(usage, judgement.usage);
      if (cache && key) await cache.put(key, contentHash, judgement.verdict, judgement.usage);
      progress.tick();
      return judgement.verdict;
    });
    for (const v of verdicts) verdictsById.get(v.id)!.push(v);
  }
  await cache?.flush();

  // Models listed in unique.arrow but absent from the corpus: recorded as errors, never dropped.
  for (const row of unique) {
    if (verdictsById.has(row.id)) continue;
    // (With a pair selection, a pair outside it keeps its earlier verdict.)
    const missing = validActivities(row).map(
      (activity): Verdict =>
        (only && !only.has(pairKey(row.id, activity)) ? previous.get(pairKey(row.id, activity)) : undefined) ?? {
          id: row.id,
          activity,
          relevant: null,
          rationale: "",
          judge: judge.label,
          promptHash: judge.promptHash(activity),
          error: `${row.id}: not found in corpus ${options.corpusDir}`,
        },
    );
    verdictsById.set(row.id, missing);
    // They are part of the bar's total, so the bar ends full.
    progress.tick(missing.length);
  }
  progress.stop();

  const verdicts = unique.flatMap((row) =>
    (verdictsById.get(row.id) ?? [])
      .slice()
      .sort((a, b) => ACTIVITY_CODES.indexOf(a.activity) - ACTIVITY_CODES.indexOf(b.activity))
      .map(completeVerdict),
  );
  const seRows = seModelsOf(unique, verdicts, taxonomy);
  const verdictsPath = join(filterDir, "verdicts.arrow");
  const seModelsPath = join(options.runDir, "se-models.arrow");
  await writeRows(verdictsPath, verdicts, VERDICT_COLUMNS);
  await writeRows(seModelsPath, seRows, SE_MODEL_COLUMNS);

  const byActivity = Object.fromEntries(ACTIVITY_CODES.map((a) => [a, { candidates: 0, relevant: 0, notRelevant: 0, uncertain: 0, errors: 0 }])) as Record<
    ActivityCode,
    VerdictCounts
  >;
  for (const v of verdicts) {
    const counts = byActivity[v.activity];
    counts.candidates++;
    const outcome = outcomeOf(v);
    if (outcome === null) counts.errors++;
    else if (outcome === "relevant") counts.relevant++;
    else if (outcome === "uncertain") counts.uncertain++;
    else counts.notRelevant++;
  }
  const pricing = judge.label.startsWith("gemini:") ? pricingFor(judge.label.slice("gemini:".length), options.pricing) : null;
  const result: RelevanceCheckResult = {
    judge: judge.label,
    candidates: verdicts.length,
    relevant: verdicts.filter((v) => outcomeOf(v) === "relevant").length,
    notRelevant: verdicts.filter((v) => outcomeOf(v) === "not-relevant").length,
    uncertain: verdicts.filter((v) => outcomeOf(v) === "uncertain").length,
    uncertainModels: new Set(verdicts.filter((v) => outcomeOf(v) === "uncertain").map((v) => v.id)).size,
    errors: verdicts.filter((v) => v.error !== null).length,
    cached,
    seModels: seRows.length,
    byActivity,
    usage,
    pricing,
    costUsd: judge.label.startsWith("gemini:") ? costOf(usage, pricing) : 0,
    verdictsPath,
    seModelsPath,
  };
  await writeFileAtomic(join(filterDir, "relevance.json"), `${JSON.stringify({ ...result, verdictsPath: undefined, seModelsPath: undefined }, null, 2)}\n`);
  return result;
}

/** se-models.arrow rows: activities judged relevant, and the tasks of those activities. */
export function seModelsOf(unique: readonly UniqueRow[], verdicts: readonly Verdict[], taxonomy: Taxonomy): SeModelRow[] {
  const relevant = new Map<string, Set<string>>();
  for (const v of verdicts) if (v.relevant === true) (relevant.get(v.id) ?? relevant.set(v.id, new Set()).get(v.id)!).add(v.activity);
  const activityOfTask = taskActivityLookup(taxonomy);
  const rows: SeModelRow[] = [];
  for (const row of unique) {
    const activities = relevant.get(row.id);
    if (!activities || activities.size === 0) continue;
    const ordered = ACTIVITY_CODES.filter((a) => activities.has(a));
    const tasks = row.tasks.filter((t) => {
      const a = activityOfTask(t);
      return a === null ? false : activities.has(a);
    });
    rows.push({ id: row.id, activities: ordered, tasks });
  }
  return rows;
}

function validActivities(row: UniqueRow): ActivityCode[] {
  const codes = row.activities.map((a) => activityCodeOf(a)).filter((a): a is ActivityCode => a !== null);
  return ACTIVITY_CODES.filter((a) => codes.includes(a));
}

/** Without match rows, the unique row's task names still tell the judge what was found. */
function fallbackEvidence(row: UniqueRow, activity: ActivityCode, taxonomy: Taxonomy): TaskEvidence[] {
  const activityOfTask = taskActivityLookup(taxonomy);
  return row.tasks
    .filter((t) => activityOfTask(t) === activity)
    .map((t) => ({ taskId: t, task: t, source: "unknown", field: "unknown", raw: t, before: "", after: "" }));
}
