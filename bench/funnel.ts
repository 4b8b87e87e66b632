/**
 * Benchmark: the whole funnel (search, outlier rules, near-identical cards, all tables written) over a
 * generated Hub with the paper's proportions. The Hub is generated once into `.cache/bench-hub-<n>`
 * and reused; generation is not part of the timing.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST_FILE, readCorpusBatches, readManifest } from "../src/corpus/store";
import type { CardText } from "../src/filter/near-duplicates";
import { readRunTable } from "../src/run/files";
import { runReference } from "./near-duplicates";
import { generateDemoHub } from "../src/demo/generator";
import { runFunnel, type FunnelResult } from "../src/pipeline/funnel";
import { nearDuplicateTextOf } from "../src/pipeline/shard";
import { PAPER_HUB_MODELS } from "../src/paper/reported";
import { createProgress } from "../src/util/progress";

const BENCH_SEED = 20250324;

/** The generated Hub of `models` models, made on first use. */
export async function benchHub(models: number, cacheDir = ".cache"): Promise<{ dir: string; generatedSeconds: number | null }> {
  const dir = join(cacheDir, `bench-hub-${models}`);
  if (existsSync(join(dir, MANIFEST_FILE))) {
    const manifest = await readManifest(dir);
    if (manifest.records === models) return { dir, generatedSeconds: null };
  }
  rmSync(dir, { recursive: true, force: true });
  const progress = createProgress({ label: "bench: generate Hub", total: models, unit: "models" });
  let reported = 0;
  const started = process.hrtime.bigint();
  await generateDemoHub({
    seed: BENCH_SEED,
    models,
    profile: "paper",
    outDir: dir,
    onProgress: (done) => {
      progress.tick(done - reported);
      reported = done;
    },
  });
  progress.stop();
  return { dir, generatedSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export interface FunnelBenchFigures {
  models: number;
  workers: number | "auto";
  hubDir: string;
  generatedSeconds: number | null;
  seconds: number;
  modelsPerSecond: number;
  result: FunnelResult;
  /** With --reference: scikit-learn on the run's candidates. */
  reference?: { cards: number; seconds: number; identical: boolean; detail: string };
}

export async function benchFunnel(models = PAPER_HUB_MODELS, workers?: number, cacheDir = ".cache", reference = false): Promise<FunnelBenchFigures> {
  const hub = await benchHub(models, cacheDir);
  const outDir = join(cacheDir, `bench-run-${models}`);
  const started = process.hrtime.bigint();
  const result = await runFunnel({ corpusDir: hub.dir, outDir, workers });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const figures: FunnelBenchFigures = {
    models,
    workers: workers ?? "auto",
    hubDir: hub.dir,
    generatedSeconds: hub.generatedSeconds,
    seconds,
    modelsPerSecond: models / seconds,
    result,
  };
  if (reference)
    figures.reference = await nearDuplicateReference(outDir, hub.dir, result.nearDuplicates.threshold, join(cacheDir, `bench-run-${models}-reference`));
  return figures;
}

/**
 * The funnel's near-identical step checked by scikit-learn: the candidates' card bodies (read back from
 * the corpus) go through the Python reference, whose pairs and kept ids are compared with the run's.
 */
async function nearDuplicateReference(runDir: string, corpusDir: string, threshold: number, workDir: string) {
  const candidates = readRunTable(runDir, "candidates", ["id"]);
  const order = new Map(candidates.map((c, i) => [c.id, i]));
  const cards: CardText[] = new Array(candidates.length);
  for await (const batch of readCorpusBatches(corpusDir)) {
    for (const record of batch) {
      const at = order.get(record.id);
      if (at !== undefined) cards[at] = { id: record.id, createdAt: record.createdAt, text: nearDuplicateTextOf(record) };
    }
  }
  const ours = {
    pairs: readRunTable(runDir, "nearDuplicates"),
    uniqueIds: readRunTable(runDir, "unique", ["id"]).map((u) => u.id),
  };
  return { cards: cards.length, ...runReference(cards, ours, threshold, workDir) };
}
