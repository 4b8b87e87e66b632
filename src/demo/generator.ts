/**
 * Generate a synthetic Hugging Face Hub (corpus shards + ground truth) whose make-up follows the
 * paper's figures. Streaming: models are produced in index order and written shard by shard, so
 * memory stays bounded by one shard plus the plan's typed arrays (~10 bytes per model).
 *
 * Reproducibility: the same (seed, models, profile, shardSize) gives byte-identical files. A
 * different `models` count re-plans the whole Hub (roles are spread over all indices), so a smaller
 * Hub is NOT a prefix of a larger one with the same seed; only the model-level random streams,
 * keyed by (seed, profile, index), are shared.
 */
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { lockCorpus, openCorpusWriter } from "../corpus/store";
import { writeFileAtomic } from "../util/atomic";
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import { GROUND_TRUTH_FILE, openGroundTruthWriter, type GroundTruthRow } from "./ground-truth";
import { estimateCardIdf, generateModel } from "./model";
import { buildPlan } from "./plan";
import { renderDemoReadme } from "./readme";
import { PAPER, ROLES, type DemoProfile, type Role } from "./profiles";
import { compareCodeUnits } from "../util/text";
import { removeLeftovers } from "../util/leftovers";

export const DEFAULT_DEMO_SEED = 20250324;
export const DEFAULT_DEMO_MODELS = 5600;
export const DEMO_GENERATOR_VERSION = "hf-se-atlas demo generator v3";
export const DEMO_SUMMARY_FILE = "demo.json";
export const DEMO_README_FILE = "README.md";

export interface DemoOptions {
  seed: number;
  models: number;
  profile: DemoProfile;
  outDir: string;
  /** Records per corpus shard (default 5000; ground-truth batches follow it). */
  shardSize?: number;
  /** Called after each shard with the models written so far. */
  onProgress?: (done: number, total: number) => void;
}

/** What was generated, counted from the ground truth as it streamed by. Also written to demo.json. */
export interface DemoSummary {
  generator: string;
  synthetic: true;
  seed: number;
  profile: DemoProfile;
  models: number;
  shardSize: number;
  roles: Record<Role, number>;
  /** Table VI categories as planted. */
  documentation: Record<GroundTruthRow["documentation"], number>;
  abstractWithSe: number;
  abstractOnly: number;
  /** Expected funnel: matched -> after outliers -> unique -> final (true SE originals the paper's search can reach). */
  funnel: { models: number; matched: number; afterOutliers: number; unique: number; final: number };
  /** Unique candidates per activity after 5.1 + 5.2 (the paper's Table IV population). */
  uniquePerActivity: Record<ActivityCode, number>;
  /** True SE originals the search can reach, per activity. */
  finalPerActivity: Record<ActivityCode, number>;
  /**
   * Beyond the paper's search (discovery): true SE models whose cards name no SE task (signals only, or
   * lineage to an SE model of the Hub) and the traps planted for discovery, with true SE models and
   * (model, activity) pairs only discovery can reach.
   */
  discovery: {
    signals: number;
    lineage: number;
    lineageTraps: number;
    signalTraps: number;
    final: number;
    pairs: number;
    finalPerActivity: Record<ActivityCode, number>;
  };
  traps: Record<string, number>;
  /** Near-miss cards (rewritten from an earlier card, below the similarity threshold). */
  nearMisses: number;
  malformedYaml: number;
  crlf: number;
  nonEnglish: number;
  paper: typeof PAPER;
}

export async function generateDemoHub(options: DemoOptions): Promise<DemoSummary> {
  // One writer per corpus directory (see src/util/lock.ts).
  const lock = lockCorpus(options.outDir);
  try {
    return await generateOwned(options);
  } finally {
    lock.release();
  }
}

async function generateOwned(options: DemoOptions): Promise<DemoSummary> {
  removeLeftovers(options.outDir, 0); // temporary files of a writer that was killed
  const shardSize = options.shardSize ?? 5000;
  if (!Number.isInteger(options.seed) || options.seed < 0) throw new Error(`seed must be a non-negative integer (got ${options.seed})`);
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new Error(`shardSize must be a positive integer (got ${shardSize})`);
  const plan = buildPlan(options.seed, options.profile, options.models);
  const ctx = { seed: options.seed, profile: options.profile, plan, idf: estimateCardIdf(options.seed, options.profile, plan) };
  await fs.mkdir(options.outDir, { recursive: true });

  const corpus = await openCorpusWriter(options.outDir, {
    shardSize,
    synthetic: true,
    createdBy: `${DEMO_GENERATOR_VERSION} (seed ${options.seed}, profile ${options.profile}, ${options.models} models)`,
  });
  const truthWriter = openGroundTruthWriter(join(options.outDir, GROUND_TRUTH_FILE));
  const summary = emptySummary(options, shardSize);
  let batch: GroundTruthRow[] = [];
  // A failed generation must not leave a partial ground truth beside a corpus without a manifest.
  try {
    for (let index = 0; index < options.models; index++) {
      const { record, truth } = generateModel(ctx, index);
      count(summary, truth);
      batch.push(truth);
      await corpus.add(record);
      if (batch.length === shardSize) {
        truthWriter.addBatch(batch);
        batch = [];
        options.onProgress?.(index + 1, options.models);
      }
    }
    truthWriter.addBatch(batch);
    if (batch.length > 0) options.onProgress?.(options.models, options.models);
  } catch (error) {
    await truthWriter.abort();
    throw error;
  }
  await truthWriter.close();
  await corpus.close({
    demo: { seed: options.seed, profile: options.profile, models: options.models, groundTruth: GROUND_TRUTH_FILE, summary: DEMO_SUMMARY_FILE },
  });
  summary.traps = Object.fromEntries(Object.entries(summary.traps).sort(([a], [b]) => compareCodeUnits(a, b)));
  await writeFileAtomic(join(options.outDir, DEMO_SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFileAtomic(join(options.outDir, DEMO_README_FILE), renderDemoReadme(summary));
  return summary;
}

function emptySummary(options: DemoOptions, shardSize: number): DemoSummary {
  const perActivity = () => Object.fromEntries(ACTIVITY_CODES.map((a) => [a, 0])) as Record<ActivityCode, number>;
  return {
    generator: DEMO_GENERATOR_VERSION,
    synthetic: true,
    seed: options.seed,
    profile: options.profile,
    models: options.models,
    shardSize,
    roles: Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>,
    documentation: { "no-card": 0, "empty-card": 0, "card-with-se-task": 0, "card-without-se-task": 0 },
    abstractWithSe: 0,
    abstractOnly: 0,
    funnel: { models: 0, matched: 0, afterOutliers: 0, unique: 0, final: 0 },
    uniquePerActivity: perActivity(),
    finalPerActivity: perActivity(),
    discovery: { signals: 0, lineage: 0, lineageTraps: 0, signalTraps: 0, final: 0, pairs: 0, finalPerActivity: perActivity() },
    traps: {},
    nearMisses: 0,
    malformedYaml: 0,
    crlf: 0,
    nonEnglish: 0,
    paper: PAPER,
  };
}

function count(s: DemoSummary, t: GroundTruthRow): void {
  s.roles[t.role as Role]++;
  s.documentation[t.documentation]++;
  s.funnel.models++;
  if (t.plantedSources.includes("abstract")) s.abstractWithSe++;
  if (t.abstractOnly) s.abstractOnly++;
  if (t.plantedTasks.length > 0) s.funnel.matched++;
  if (t.keptTasks.length > 0) s.funnel.afterOutliers++;
  const unique = t.keptTasks.length > 0 && t.duplicateOf === null;
  if (unique) {
    s.funnel.unique++;
    for (const a of t.candidateActivities) s.uniquePerActivity[a as ActivityCode]++;
  }
  if (t.expectedFinal && t.keptTasks.length > 0) {
    s.funnel.final++;
    for (const a of t.seActivities) s.finalPerActivity[a as ActivityCode]++;
  }
  const beyond = t.expectedFinal ? t.seActivities.filter((a) => !t.candidateActivities.includes(a)) : [];
  if (t.expectedFinal && t.keptTasks.length === 0) s.discovery.final++;
  if (t.expectedFinal && t.keptTasks.length === 0) for (const a of t.seActivities) s.discovery.finalPerActivity[a as ActivityCode]++;
  s.discovery.pairs += beyond.length;
  if (t.role === "se-signals") s.discovery.signals++;
  if (t.role === "se-lineage") s.discovery.lineage++;
  if (t.role === "lineage-trap") s.discovery.lineageTraps++;
  if (t.role === "signal-trap") s.discovery.signalTraps++;
  for (const trap of t.traps) s.traps[trap] = (s.traps[trap] ?? 0) + 1;
  if (t.nearMissOf !== null) s.nearMisses++;
  if (t.malformedYaml) s.malformedYaml++;
  if (t.crlf) s.crlf++;
  if (t.language !== "en") s.nonEnglish++;
}
