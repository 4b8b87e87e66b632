/**
 * The relevance check over a run directory: every (model, activity) pair of the unique table is
 * judged, verdicts go to the verdicts table, and models with at least one relevant activity go to the
 * SE models table (src/run). I/O lives here; the judges are pure apart from their API calls.
 *
 * The panel (judge-panel.ts) is one judge, or a jury of three or more whose jurors' own verdicts go
 * to the jury verdicts table; with `onlyUncertain` the offline rules judge first and only the pairs
 * they leave uncertain go to the panel. Every verdict names the judge that decided it, its backend,
 * model, prompt hash, temperature and seed. LLM verdicts are cached per backend, model and settings.
 * Each verdict's outcome (relevant, not relevant, uncertain) is written beside it, with the judge's
 * reason codes and the evidence it weighed when it gives them (the offline rules do); uncertain pairs
 * are not SE models and are counted apart.
 * A judge that cannot work at all (retired model, refused key, no server) stops the run at once.
 */
import { readCorpusBatches } from "../corpus/store";
import { pairKey, readDiscoveryEvidence, readEvidence, readUniqueModels, writeRunTable, type DiscoveryItem, type UniqueModel } from "../run/files";
import { runLayout } from "../run/layout";
import { beginRelevanceRewrite, finishRelevanceRewrite, lockRun, verifyRun } from "../run/state";
import { removeLeftovers } from "../util/leftovers";
import type { JudgeIdentity, RecordedVerdict, SeModelRow, Verdict, VerdictRow } from "../run/tables";
import { ACTIVITY_CODES, activityCodeOf, loadTaxonomy, taskActivityLookup, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";
import { writeFileAtomic } from "../util/atomic";
import { createProgress, type ProgressOptions } from "../util/progress";
import {
  NO_USAGE,
  addUsage,
  identityOf,
  matchedEvidence,
  type Candidate,
  type DiscoveryEvidence,
  type RelevanceJudge,
  type TaskEvidence,
  type Usage,
} from "../judges/candidate";
import { VerdictCache, cacheKey } from "../judges/cache";
import { DEFAULT_MAX_BODY_CHARS, buildCardDocument, type ExcerptOptions } from "../judges/card-text";
import { costOf, type Pricing } from "../judges/cost";
import { majorityVerdict } from "../judges/jury";
import { addressesTheJudge } from "../judges/untrusted-text";
import type { TransportOptions } from "../judges/llm-judge";
import { completeVerdict, outcomeOf } from "../judges/outcome";
import { mapPool } from "../util/concurrency";
import { buildJudge, buildPanel, keyOf, panelLabel, pricingOf, serverOf, type Backend, type BuildOptions, type JudgeSpec, type Panel } from "./judge-panel";

export { loadActivityPrompts } from "./judge-panel";

/** `auto`: Gemini when GEMINI_API_KEY is set, the offline rules otherwise. */
export type JudgeChoice = "auto" | Backend;

export interface RelevanceCheckOptions {
  runDir: string;
  corpusDir: string;
  judge: JudgeChoice;
  /** LLM model (default per backend: gemini-3.8-flash, qwen2.5:7b-instruct for Ollama; openai needs one). */
  model?: string;
  baseUrl?: string;
  /** Sampling settings (default: not sent to Gemini; 0 and 2025 for self-hosted backends). */
  temperature?: number | null;
  seed?: number | null;
  /** Three or more judges voting (instead of `judge`). */
  jury?: JudgeSpec[];
  /** Judge with the offline rules first; send only their uncertain pairs to the judge or jury. */
  onlyUncertain?: boolean;
  /** Where the verdict cache lives (default beside the run directory, shared by runs: `runLayout(run).verdictCache`). */
  cacheDir?: string;
  /** Pairs in flight at once (default 4; a jury asks its jurors in parallel). */
  concurrency?: number;
  taxonomy?: Taxonomy;
  promptDir?: string;
  /** An explicit key for a single judge; by default each backend reads its own variable from `env`. Never written anywhere. */
  apiKey?: string;
  env?: NodeJS.ProcessEnv;
  /** Overrides every priced judge's list price (USD per million tokens). */
  pricing?: Partial<Pricing>;
  excerpt?: ExcerptOptions;
  /** Ollama's context window. */
  numCtx?: number;
  progress?: ProgressOptions["mode"];
  /** Use these judges instead of building them (tests, custom judges): one, or three or more jurors. */
  judgeInstance?: RelevanceJudge | RelevanceJudge[];
  /** The screening judge of `onlyUncertain` (default: the offline rules). */
  screenInstance?: RelevanceJudge;
  /** Transport settings for every LLM backend (tests: fast backoff, short timeouts). */
  transport?: TransportOptions;
  /** Older name of `transport`. */
  gemini?: TransportOptions;
}

export interface VerdictCounts {
  candidates: number;
  relevant: number;
  notRelevant: number;
  /** Pairs the judge left uncertain (not counted as SE, nor as not relevant). */
  uncertain: number;
  errors: number;
}

/** One judge of the panel: who, with which settings, what it cost. */
export interface JudgeReport extends JudgeIdentity {
  label: string;
  /** The server it called (no credentials), null for the rules and Gemini's own endpoint. */
  server: string | null;
  /** Verdicts it gave (from calls and from the cache). */
  verdicts: number;
  cached: number;
  usage: Usage;
  pricing: Pricing | null;
  costUsd: number | null;
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
  /** The first error recorded (for the "most verdicts failed" message). */
  firstError: string | null;
  /** Verdicts served from the cache (no call made). */
  cached: number;
  seModels: number;
  byActivity: Record<ActivityCode, VerdictCounts>;
  usage: Usage;
  /** The single judge's price (null for a jury or an unknown price). */
  pricing: Pricing | null;
  costUsd: number | null;
  /** Every judge of the run (jurors, and the offline screen with `onlyUncertain`). */
  judges: JudgeReport[];
  /** Final verdicts per deciding judge label. */
  decidedBy: Record<string, number>;
  verdictsPath: string;
  seModelsPath: string;
  juryVerdictsPath: string | null;
}

/** The judge specs a run's options ask for. */
export function specsOf(options: Pick<RelevanceCheckOptions, "judge" | "model" | "baseUrl" | "temperature" | "seed" | "jury" | "apiKey" | "env">): JudgeSpec[] {
  if (options.jury && options.jury.length > 0) return options.jury;
  const backend: Backend = options.judge === "auto" ? (keyOf("gemini", options) !== "" ? "gemini" : "offline") : options.judge;
  if (backend === "offline") return [{ backend }];
  return [{ backend, model: options.model, baseUrl: options.baseUrl, temperature: options.temperature, seed: options.seed }];
}

/** Build the single judge a run asks for (`auto`: Gemini when a key is set, the offline rules otherwise). */
export function chooseJudge(
  options: Pick<
    RelevanceCheckOptions,
    "judge" | "model" | "baseUrl" | "temperature" | "seed" | "apiKey" | "env" | "taxonomy" | "promptDir" | "excerpt" | "gemini" | "transport" | "numCtx"
  >,
): RelevanceJudge {
  return buildJudge(specsOf(options)[0]!, buildOptionsOf(options));
}

function buildOptionsOf(
  options: Pick<RelevanceCheckOptions, "taxonomy" | "promptDir" | "excerpt" | "env" | "apiKey" | "numCtx" | "transport" | "gemini">,
): BuildOptions {
  return {
    taxonomy: options.taxonomy,
    promptDir: options.promptDir,
    excerpt: options.excerpt,
    env: options.env,
    apiKey: options.apiKey,
    numCtx: options.numCtx,
    transport: options.transport ?? options.gemini,
  };
}

/** The panel of a run: built from the options, or from injected judges. */
export function panelOf(options: RelevanceCheckOptions, taxonomy: Taxonomy, extra: Partial<BuildOptions> = {}): Panel {
  if (options.judgeInstance) {
    const jurors = Array.isArray(options.judgeInstance) ? options.judgeInstance : [options.judgeInstance];
    if (jurors.length === 2) throw new Error("a jury needs at least 3 judges, got 2");
    const screen = options.onlyUncertain ? (options.screenInstance ?? buildJudge({ backend: "offline" })) : null;
    const specs = jurors.map((j) => ({ backend: identityOf(j).backend as Backend, model: identityOf(j).model ?? undefined }));
    return {
      jurors,
      specs,
      screen,
      label: panelLabel(
        jurors.map((j) => j.label),
        screen?.label ?? null,
      ),
      juryIdentity: jurors.length > 1 ? { backend: "jury", model: null, temperature: null, seed: null } : null,
    };
  }
  const panel = buildPanel(specsOf(options), options.onlyUncertain ?? false, { ...buildOptionsOf(options), taxonomy, ...extra });
  if (options.screenInstance && panel.screen)
    return {
      ...panel,
      screen: options.screenInstance,
      label: panelLabel(
        panel.jurors.map((j) => j.label),
        options.screenInstance.label,
      ),
    };
  return panel;
}

const LLM_BACKENDS = new Set(["gemini", "openai", "ollama"]);

/** A verdict with its judge's identity attached. */
export function recorded(verdict: Verdict, identity: JudgeIdentity): RecordedVerdict {
  return { ...verdict, backend: identity.backend, model: identity.model, temperature: identity.temperature, seed: identity.seed };
}

/** What the relevance stage reads from a run directory. */
export interface StageInputs {
  unique: UniqueModel[];
  evidence: ReturnType<typeof readEvidence>;
  /** Discovery evidence per model (`funnel --discover` runs; empty otherwise). */
  discovery: ReturnType<typeof readDiscoveryEvidence>;
  taxonomy: Taxonomy;
  /** Pairs to judge (every valid activity of every unique model). */
  total: number;
}

export function loadStageInputs(runDir: string, taxonomy?: Taxonomy): StageInputs {
  const unique = readUniqueModels(runDir);
  const ids = new Set(unique.map((u) => u.id));
  const evidence = readEvidence(runDir, ids);
  const discovery = readDiscoveryEvidence(runDir, ids);
  return { unique, evidence, discovery, taxonomy: taxonomy ?? loadTaxonomy(), total: unique.reduce((n, u) => n + validActivities(u).length, 0) };
}

/**
 * The candidates of a run, one corpus shard at a time, in corpus order. `seen` collects the ids found,
 * so the caller can record the models of the unique table that the corpus lacks.
 */
export async function* candidateBatches(
  inputs: StageInputs,
  corpusDir: string,
  seen: Set<string>,
  only?: ReadonlyMap<string, ReadonlySet<ActivityCode>>,
): AsyncGenerator<Candidate[]> {
  const uniqueById = new Map(inputs.unique.map((u) => [u.id, u]));
  // With `only`, a later pass over the corpus for chosen pairs; `seen` then keeps the first pass's ids.
  const taken = only ? new Set<string>() : seen;
  for await (const batch of readCorpusBatches(corpusDir)) {
    const candidates: Candidate[] = [];
    for (const record of batch) {
      const row = uniqueById.get(record.id);
      if (!row || taken.has(record.id) || (only && !only.has(record.id))) continue;
      taken.add(record.id);
      for (const activity of validActivities(row)) {
        if (only && !only.get(record.id)!.has(activity)) continue;
        const own = (inputs.evidence.get(record.id) ?? []).filter((e) => e.activity === activity).map((e) => e.evidence);
        const discovered = (inputs.discovery.get(record.id) ?? []).filter((e) => e.activity === activity).map((e) => e.item);
        candidates.push({
          record,
          activity,
          evidence: own.length > 0 ? own : fallbackEvidence(row, activity, inputs.taxonomy),
          ...(discovered.length > 0 ? { discovery: discovered } : {}),
        });
      }
    }
    if (candidates.length > 0) yield candidates;
  }
}

/**
 * The pairs a discovered pair's verdict waits for (`funnel --discover` runs; none otherwise): the models
 * its lineage reaches, for the same activity; and the model's other activities when only discovery offers
 * the pair (no task phrase) and it is SI or comes through a fine-tune, adapter or merge, since a purpose
 * judged relevant for another activity explains general code evidence and retargets a fine-tune.
 */
function dependenciesOf(candidate: Candidate, activitiesOf: (id: string) => readonly ActivityCode[]): string[] {
  if (!candidate.discovery) return [];
  const id = candidate.record.id;
  const deps: string[] = [];
  for (const d of candidate.discovery) {
    if (d.kind === "lineage" && d.seedJudgedAs !== null && d.seedJudgedAs !== id) deps.push(pairKey(d.seedJudgedAs, candidate.activity));
  }
  const derived = candidate.discovery.some((d) => d.kind === "lineage" && d.relations.some((r) => r !== "quantized"));
  if (candidate.evidence.length === 0 && (candidate.activity === "SI" || derived)) {
    for (const a of activitiesOf(id)) if (a !== candidate.activity) deps.push(pairKey(id, a));
  }
  return deps;
}

/** A discovered pair with what the run has decided around it: the verdicts on the models its lineage reaches, and on its model's other activities. */
function inContext(
  candidate: Candidate,
  verdictOf: (id: string, activity: ActivityCode) => RecordedVerdict | null,
  activitiesOf: (id: string) => readonly ActivityCode[],
): Candidate {
  if (!candidate.discovery) return candidate;
  const discovery: DiscoveryEvidence[] = candidate.discovery.map((d: DiscoveryItem) => {
    if (d.kind !== "lineage") return d;
    const v = d.seedJudgedAs === null ? null : verdictOf(d.seedJudgedAs, candidate.activity);
    return { ...d, seedVerdict: v ? { outcome: outcomeOf(v), judge: v.judge } : null };
  });
  const siblings = activitiesOf(candidate.record.id)
    .filter((a) => a !== candidate.activity)
    .flatMap((a) => {
      const v = verdictOf(candidate.record.id, a);
      return v ? [{ activity: a, outcome: outcomeOf(v) }] : [];
    });
  return { ...candidate, discovery, siblings };
}

/** The cache key of one judge's verdict on one candidate. */
export function verdictCacheKey(judge: RelevanceJudge, candidate: Candidate, excerpt: ExcerptOptions | undefined): { key: string; contentHash: string } {
  const identity = identityOf(judge);
  const contentHash = buildCardDocument(candidate.record, candidate.evidence, excerpt).contentHash;
  const key = cacheKey({
    id: candidate.record.id,
    activity: candidate.activity,
    promptHash: judge.promptHash(candidate.activity),
    judge: judge.label,
    backend: identity.backend,
    model: identity.model,
    temperature: identity.temperature,
    seed: identity.seed,
    contentHash,
    matchedTasks: matchedEvidence(candidate),
    maxBodyChars: excerpt?.maxBodyChars ?? DEFAULT_MAX_BODY_CHARS,
  });
  return { key, contentHash };
}

export function isLlmJudge(judge: RelevanceJudge): boolean {
  return LLM_BACKENDS.has(identityOf(judge).backend);
}

/**
 * Judge every pair of a run, owning the run directory meanwhile. The run's funnel tables (and its corpus)
 * are checked against run.json first; the previous check's files are replaced only once every pair is
 * judged (a judge that cannot work leaves them as they were), and run.json records the check last.
 */
export async function runRelevanceCheck(options: RelevanceCheckOptions): Promise<RelevanceCheckResult> {
  const lock = lockRun(options.runDir);
  try {
    return await relevanceOwned(options);
  } finally {
    lock.release();
  }
}

async function relevanceOwned(options: RelevanceCheckOptions): Promise<RelevanceCheckResult> {
  const layout = runLayout(options.runDir);
  const run = verifyRun(options.runDir, "funnel", { corpusDir: options.corpusDir }).info;
  removeLeftovers(options.runDir);
  const inputs = loadStageInputs(options.runDir, options.taxonomy);
  const { unique, taxonomy } = inputs;
  const panel = panelOf(options, taxonomy);
  const cache = panel.jurors.some(isLlmJudge) ? VerdictCache.open(options.cacheDir ?? layout.verdictCache) : null;
  const concurrency = options.concurrency ?? 4;

  const members = [...panel.jurors, ...(panel.screen ? [panel.screen] : [])];
  const tally = new Map(members.map((j) => [j.label, { verdicts: 0, cached: 0, usage: NO_USAGE as Usage }]));
  const finalById = new Map<string, RecordedVerdict[]>();
  const votesById = new Map<string, RecordedVerdict[]>();
  const progress = createProgress({ label: `relevance (${panel.label})`, total: inputs.total, unit: "pairs", mode: options.progress });

  /** One judge's verdict on one candidate: from the cache when it has it, else asked. */
  const ask = async (judge: RelevanceJudge, candidate: Candidate): Promise<RecordedVerdict> => {
    const identity = identityOf(judge);
    const own = tally.get(judge.label)!;
    own.verdicts++;
    const cacheable = cache !== null && isLlmJudge(judge);
    const { key, contentHash } = cacheable ? verdictCacheKey(judge, candidate, options.excerpt) : { key: "", contentHash: "" };
    if (cacheable) {
      const hit = cache.get(key, identity);
      if (hit) {
        own.cached++;
        return {
          id: hit.id,
          activity: hit.activity,
          relevant: hit.relevant,
          rationale: hit.rationale,
          judge: hit.judge,
          promptHash: hit.promptHash,
          error: null,
          backend: hit.backend,
          model: hit.model,
          temperature: hit.temperature,
          seed: hit.seed,
        };
      }
    }
    const judgement = await judge.judge(candidate);
    own.usage = addUsage(own.usage, judgement.usage);
    const verdict = recorded(judgement.verdict, identity);
    if (cacheable) await cache.put(key, contentHash, verdict, judgement.usage);
    return verdict;
  };

  const decide = async (candidate: Candidate): Promise<{ final: RecordedVerdict; votes: RecordedVerdict[] }> => {
    if (panel.screen) {
      const screened = await ask(panel.screen, candidate);
      if (outcomeOf(screened) !== "uncertain") return { final: screened, votes: [] };
    }
    const votes = await Promise.all(panel.jurors.map((juror) => ask(juror, candidate)));
    if (votes.length === 1) return { final: votes[0]!, votes: [] };
    return { final: majorityVerdict(votes), votes };
  };

  const seen = new Set<string>();
  const judge = async (candidates: readonly Candidate[]) => {
    const decided = await mapPool(candidates, concurrency, async (candidate) => {
      const result = await decide(candidate);
      progress.tick();
      // A card that talks to its judge keeps its verdict, flagged for a human (pilot sample -> review set).
      const injectionSuspected = addressesTheJudge(buildCardDocument(candidate.record, candidate.evidence, options.excerpt).text);
      return { final: { ...result.final, injectionSuspected }, votes: result.votes };
    });
    for (const { final, votes } of decided) {
      (finalById.get(final.id) ?? finalById.set(final.id, []).get(final.id)!).push(final);
      if (votes.length > 0) (votesById.get(final.id) ?? votesById.set(final.id, []).get(final.id)!).push(...votes);
    }
  };
  // Discovered pairs that wait for other verdicts (see dependenciesOf) are judged after them; none without discovery.
  const activitiesById = new Map(unique.map((u) => [u.id, validActivities(u)]));
  const activitiesOf = (id: string) => activitiesById.get(id) ?? [];
  const waiting = new Map<string, string[]>();
  try {
    for await (const candidates of candidateBatches(inputs, options.corpusDir, seen)) {
      const now: Candidate[] = [];
      for (const c of candidates) {
        const deps = dependenciesOf(c, activitiesOf);
        if (deps.length > 0) waiting.set(pairKey(c.record.id, c.activity), deps);
        else now.push(c);
      }
      await judge(now);
    }
    if (waiting.size > 0) await judgeWaiting(inputs, options.corpusDir, waiting, finalById, activitiesOf, judge);
  } finally {
    await cache?.flush();
  }

  // Models listed in the unique table but absent from the corpus: recorded as errors, never dropped.
  const primary = panel.jurors.length === 1 ? panel.jurors[0]! : null;
  const missingIdentity = primary ? identityOf(primary) : panel.juryIdentity!;
  const missingLabel = primary
    ? primary.label
    : panelLabel(
        panel.jurors.map((j) => j.label),
        null,
      );
  for (const row of unique) {
    if (seen.has(row.id)) continue;
    const missing = validActivities(row).map((activity) =>
      recorded(
        {
          id: row.id,
          activity,
          relevant: null,
          rationale: "",
          judge: missingLabel,
          promptHash: [...new Set(panel.jurors.map((j) => j.promptHash(activity)))].join("+"),
          error: `${row.id}: not found in corpus ${options.corpusDir}`,
        },
        missingIdentity,
      ),
    );
    finalById.set(row.id, missing);
    // They are part of the bar's total, so the bar ends full.
    progress.tick(missing.length);
  }
  progress.stop();

  const byActivityOrder = (a: RecordedVerdict, b: RecordedVerdict) => ACTIVITY_CODES.indexOf(a.activity) - ACTIVITY_CODES.indexOf(b.activity);
  const verdicts = unique.flatMap((row) => (finalById.get(row.id) ?? []).slice().sort(byActivityOrder).map(completeVerdict));
  // Jurors in jury order within each pair (the sort is stable).
  const juryVerdicts = unique.flatMap((row) => (votesById.get(row.id) ?? []).slice().sort(byActivityOrder).map(completeVerdict));
  const seRows = seModelsOf(unique, verdicts, taxonomy);
  const verdictsPath = layout.verdicts;
  const seModelsPath = layout.seModels;
  const juryVerdictsPath = panel.jurors.length > 1 ? layout.juryVerdicts : null;
  // Every pair is judged: only now is the previous check replaced.
  await beginRelevanceRewrite(options.runDir, run);
  // Every row says whether its card addressed the judge (null: it did not, or the model was not in the corpus).
  const withFlag = (v: ReturnType<typeof completeVerdict<RecordedVerdict>>): VerdictRow => ({
    ...v,
    injectionSuspected: v.injectionSuspected ?? null,
    outcome: v.outcome,
    reasons: v.reasons,
    evidence: v.evidence,
  });
  await writeRunTable(options.runDir, "verdicts", verdicts.map(withFlag));
  if (juryVerdictsPath) await writeRunTable(options.runDir, "juryVerdicts", juryVerdicts.map(withFlag));
  await writeRunTable(options.runDir, "seModels", seRows);

  const byActivity = Object.fromEntries(ACTIVITY_CODES.map((a) => [a, { candidates: 0, relevant: 0, notRelevant: 0, uncertain: 0, errors: 0 }])) as Record<
    ActivityCode,
    VerdictCounts
  >;
  const decidedBy: Record<string, number> = {};
  for (const v of verdicts) {
    const counts = byActivity[v.activity];
    counts.candidates++;
    const outcome = outcomeOf(v);
    if (outcome === "error") counts.errors++;
    else if (outcome === "relevant") counts.relevant++;
    else if (outcome === "uncertain") counts.uncertain++;
    else counts.notRelevant++;
    decidedBy[v.judge] = (decidedBy[v.judge] ?? 0) + 1;
  }

  const specOf = (judge: RelevanceJudge): JudgeSpec => panel.specs[panel.jurors.indexOf(judge)] ?? { backend: "offline" };
  const judges: JudgeReport[] = members.map((judge) => {
    const own = tally.get(judge.label)!;
    const llm = isLlmJudge(judge);
    const pricing = llm ? pricingOf(specOf(judge), options.pricing) : { inputPerMillion: 0, outputPerMillion: 0 };
    return {
      label: judge.label,
      ...identityOf(judge),
      server: llm ? serverOf(specOf(judge)) : null,
      verdicts: own.verdicts,
      cached: own.cached,
      usage: own.usage,
      pricing,
      costUsd: costOf(own.usage, pricing),
    };
  });
  const usage = judges.reduce((sum, j) => addUsage(sum, j.usage), NO_USAGE);
  const costs = judges.map((j) => j.costUsd);
  const errors = verdicts.filter((v) => v.error !== null);
  const result: RelevanceCheckResult = {
    judge: panel.label,
    candidates: verdicts.length,
    relevant: verdicts.filter((v) => outcomeOf(v) === "relevant").length,
    notRelevant: verdicts.filter((v) => outcomeOf(v) === "not-relevant").length,
    uncertain: verdicts.filter((v) => outcomeOf(v) === "uncertain").length,
    uncertainModels: new Set(verdicts.filter((v) => outcomeOf(v) === "uncertain").map((v) => v.id)).size,
    errors: errors.length,
    firstError: errors[0]?.error ?? null,
    cached: judges.reduce((n, j) => n + j.cached, 0),
    seModels: seRows.length,
    byActivity,
    usage,
    pricing: panel.jurors.length === 1 && !panel.screen ? judges[0]!.pricing : null,
    costUsd: costs.some((c) => c === null) ? null : costs.reduce<number>((sum, c) => sum + c!, 0),
    judges,
    decidedBy,
    verdictsPath,
    seModelsPath,
    juryVerdictsPath,
  };
  await writeFileAtomic(
    layout.relevance,
    `${JSON.stringify({ ...result, verdictsPath: undefined, seModelsPath: undefined, juryVerdictsPath: undefined }, null, 2)}\n`,
  );
  await finishRelevanceRewrite(options.runDir, run, {
    judge: panel.label,
    judges: judges.map((j) => ({ label: j.label, backend: j.backend, model: j.model, temperature: j.temperature, seed: j.seed })),
    onlyUncertain: panel.screen !== null,
    maxBodyChars: options.excerpt?.maxBodyChars ?? DEFAULT_MAX_BODY_CHARS,
    pairs: verdicts.length,
    errors: errors.length,
  });
  return result;
}

/**
 * Judge the pairs that wait for other verdicts, in rounds over the corpus: a pair is ready when none of
 * the pairs it waits for is still waiting (a pair the run does not judge is not waited for). Lineage only
 * goes up and only SI and derived pairs wait for their siblings, so rounds end; pairs waiting on each
 * other in a cycle (models naming each other as base) are judged together with the verdicts there are.
 */
async function judgeWaiting(
  inputs: StageInputs,
  corpusDir: string,
  waiting: Map<string, string[]>,
  finalById: ReadonlyMap<string, readonly RecordedVerdict[]>,
  activitiesOf: (id: string) => readonly ActivityCode[],
  judge: (candidates: readonly Candidate[]) => Promise<void>,
): Promise<void> {
  const verdictOf = (id: string, activity: ActivityCode) => finalById.get(id)?.find((v) => v.activity === activity) ?? null;
  while (waiting.size > 0) {
    const ready = [...waiting.keys()].filter((key) => waiting.get(key)!.every((dep) => !waiting.has(dep)));
    const round = ready.length > 0 ? ready : [...waiting.keys()];
    const only = new Map<string, Set<ActivityCode>>();
    for (const key of round) {
      const cut = key.indexOf("\u0000");
      const id = key.slice(0, cut);
      (only.get(id) ?? only.set(id, new Set()).get(id)!).add(key.slice(cut + 1) as ActivityCode);
      waiting.delete(key);
    }
    for await (const candidates of candidateBatches(inputs, corpusDir, new Set(), only)) {
      await judge(candidates.map((c) => inContext(c, verdictOf, activitiesOf)));
    }
  }
}

/**
 * Null when the run mostly worked; otherwise why it did not: more than half of the verdicts are errors.
 * The judge and replicate commands exit non-zero on it, after writing the verdicts for inspection.
 */
export function mostlyFailed(result: Pick<RelevanceCheckResult, "candidates" | "errors" | "firstError" | "judge">): string | null {
  if (result.candidates === 0 || result.errors * 2 <= result.candidates) return null;
  return `${result.errors} of ${result.candidates} verdicts of ${result.judge} are errors (first: ${result.firstError ?? "?"})`;
}

/** The SE models table's rows: activities judged relevant, and the tasks of those activities. */
export function seModelsOf(unique: readonly UniqueModel[], verdicts: readonly Verdict[], taxonomy: Taxonomy): SeModelRow[] {
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

function validActivities(row: UniqueModel): ActivityCode[] {
  const codes = row.activities.map((a) => activityCodeOf(a)).filter((a): a is ActivityCode => a !== null);
  return ACTIVITY_CODES.filter((a) => codes.includes(a));
}

/** Without match rows, the unique row's task names still tell the judge what was found. */
function fallbackEvidence(row: UniqueModel, activity: ActivityCode, taxonomy: Taxonomy): TaskEvidence[] {
  const activityOfTask = taskActivityLookup(taxonomy);
  return row.tasks
    .filter((t) => activityOfTask(t) === activity)
    .map((t) => ({ taskId: t, task: t, source: "unknown", field: "unknown", raw: t, before: "", after: "" }));
}
