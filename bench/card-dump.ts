/**
 * Benchmark: `ingest` of a generated card dump in the Hub dump's Parquet layout, then the funnel on
 * the corpus it made, as one would start a study from `librarian-bots/model_cards_with_metadata`.
 *
 * The generated dump follows the real one's shape: every model has a README (the dump has no others),
 * card lengths are log-normal with a median of about 1.5 KB and a long tail cut at 100 KB, about one card
 * in twelve names an SE task (some only through the outlier words), a few link arXiv papers, and rows
 * come in row groups of 1,000 as `datasets` writes them, over several files. The dump is written once
 * into `.cache/bench-card-dump-<n>/` and reused; writing it is not part of the timing. Peak memory is
 * the process's peak RSS (ingest and funnel run in this process, one after the other).
 *
 *   node .cache/bench-dist/bench/card-dump.js [models]      (or: npm run bench -- --only card-dump [--dump-models N])
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { ingestCardDump, writeCardDump, type CardDumpIngestReport, type CardDumpModel } from "../src/corpus/card-dump";
import { runFunnel, type FunnelResult } from "../src/pipeline/funnel";
import { createProgress } from "../src/util/progress";
import { SeededRandom } from "../src/util/random";

/** Rows of the real dump around the paper's snapshot (models with a README). */
export const CARD_DUMP_MODELS = 1_100_000;
const SEED = 20250324;
const FILES = 8;
const MEDIAN_CARD_CHARS = 1500;
const MAX_CARD_CHARS = 100_000;

const WORDS = (
  "model trained fine tuned on the dataset with a learning rate of and batch size for epochs evaluation results " +
  "this is a version base checkpoint use it to generate text classify images tokens layer weights license " +
  "intended uses limitations training procedure hyperparameters framework versions transformers pytorch datasets " +
  "tokenizers accuracy loss validation more information needed adapter quantized gguf merge lora rank alpha " +
  "english multilingual summary table metric score benchmark prompt template chat instruction assistant user"
).split(" ");
const SE_PHRASES = [
  "code generation",
  "program repair",
  "code summarization",
  "test generation",
  "code review",
  "vulnerability detection",
  "code search",
  "commit message generation",
  "bug localization",
  "code completion",
  "software design",
  "requirements classification",
];
const OUTLIER_PHRASES = ["debugging", "logging", "coding"];
const PIPELINES = ["text-generation", "text-classification", "fill-mask", "token-classification", "image-classification", "summarization", null];
const LIBRARIES = ["transformers", "peft", "gguf", "diffusers", "sentence-transformers", null];
const LICENSES = ["apache-2.0", "mit", "other", "llama2", "cc-by-4.0"];

/** A standard normal draw (Box-Muller) from the seeded source. */
function normal(random: SeededRandom): number {
  const u = Math.max(random.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/** Card length: log-normal, median 1.5 KB, sigma 1.1 (about 5% over 9 KB), cut at 100 KB. */
export function cardLength(random: SeededRandom): number {
  return Math.min(MAX_CARD_CHARS, Math.max(40, Math.round(MEDIAN_CARD_CHARS * Math.exp(1.1 * normal(random)))));
}

/** The i-th generated dump row (deterministic for a seed). */
export function generatedDumpModel(random: SeededRandom, i: number): CardDumpModel {
  const author = `org${random.int(0, 40_000)}`;
  const modelId = `${author}/model-${i}`;
  const created = Date.UTC(2021, 0, 1) + random.int(0, 1600) * 86_400_000 + random.int(0, 86_399) * 1000;
  const tags = Array.from({ length: random.int(1, 8) }, () => random.pick(WORDS));
  const arxiv = random.bool(0.04) ? `${random.int(1801, 2503)}.${String(random.int(1, 19999)).padStart(5, "0")}` : null;
  if (arxiv) tags.push(`arxiv:${arxiv}`);
  const target = cardLength(random);
  const front = `---\nlicense: ${random.pick(LICENSES)}\ntags:\n- ${random.pick(WORDS)}\n${random.bool(0.3) ? `base_model: org${random.int(0, 300)}/base-${random.int(0, 20)}\n` : ""}---\n`;
  const parts: string[] = [front, `# ${modelId}\n\n`];
  let length = front.length + modelId.length + 4;
  const se = random.bool(0.08);
  const outlier = random.bool(0.05);
  while (length < target) {
    let sentence = Array.from({ length: random.int(6, 18) }, () => random.pick(WORDS)).join(" ");
    if (se && random.bool(0.15)) sentence += ` for ${random.pick(SE_PHRASES)}`;
    if (outlier && random.bool(0.1)) sentence += ` ${random.pick(OUTLIER_PHRASES)}`;
    sentence += random.bool(0.1) ? ".\n\n" : ". ";
    parts.push(sentence);
    length += sentence.length;
  }
  if (arxiv) parts.push(`\nPaper: https://arxiv.org/abs/${arxiv}\n`);
  return {
    modelId,
    author,
    lastModified: new Date(created + random.int(0, 300) * 86_400_000),
    downloads: random.bool(0.7) ? random.int(0, 500) : random.int(0, 2_000_000),
    likes: random.int(0, 30),
    libraryName: random.pick(LIBRARIES),
    tags,
    pipelineTag: random.pick(PIPELINES),
    createdAt: new Date(created),
    card: parts.join(""),
  };
}

/** The generated dump of `models` rows in FILES files, made on first use. */
export async function benchCardDump(
  models: number,
  cacheDir = ".cache",
): Promise<{ dir: string; files: string[]; bytes: number; cardMegabytes: number; generatedSeconds: number | null }> {
  const dir = join(cacheDir, `bench-card-dump-${models}`);
  const done = join(dir, "complete.json");
  const listFiles = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".parquet"))
      .sort()
      .map((f) => join(dir, f));
  const sizeOf = (files: string[]) => files.reduce((sum, f) => sum + statSync(f).size, 0);
  if (existsSync(done)) {
    const files = listFiles();
    const meta = JSON.parse(readFileSync(done, "utf8")) as { cardMegabytes: number };
    return { dir, files, bytes: sizeOf(files), cardMegabytes: meta.cardMegabytes, generatedSeconds: null };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const random = new SeededRandom(SEED);
  const progress = createProgress({ label: "bench: write card dump", total: models, unit: "rows" });
  const started = process.hrtime.bigint();
  let cardChars = 0;
  const perFile = Math.ceil(models / FILES);
  for (let f = 0; f * perFile < models; f++) {
    const first = f * perFile;
    const last = Math.min(models, first + perFile);
    function* rows(): Generator<CardDumpModel> {
      for (let i = first; i < last; i++) {
        const model = generatedDumpModel(random, i);
        cardChars += model.card!.length;
        progress.tick();
        yield model;
      }
    }
    await writeCardDump(join(dir, `train-${String(f).padStart(5, "0")}-of-${String(FILES).padStart(5, "0")}.parquet`), rows());
  }
  progress.stop();
  const cardMegabytes = cardChars / 1e6;
  writeFileSync(done, `${JSON.stringify({ models, cardMegabytes })}\n`);
  const files = listFiles();
  return { dir, files, bytes: sizeOf(files), cardMegabytes, generatedSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export interface CardDumpBenchFigures {
  models: number;
  files: number;
  dumpMegabytes: number;
  cardMegabytes: number;
  generatedSeconds: number | null;
  ingestSeconds: number;
  funnelSeconds: number;
  totalSeconds: number;
  /** CPU time (user + system, all threads) of ingest and of the funnel: on a shared machine wall time says little. */
  ingestCpuSeconds: number;
  funnelCpuSeconds: number;
  /** The machine's load average when the benchmark started. */
  loadAverage: number;
  rowsPerSecond: number;
  peakRssMiB: number;
  ingest: CardDumpIngestReport;
  funnel: FunnelResult;
}

export async function benchCardDumpIngest(models = CARD_DUMP_MODELS, workers?: number, cacheDir = ".cache"): Promise<CardDumpBenchFigures> {
  const dump = await benchCardDump(models, cacheDir);
  const corpusDir = join(cacheDir, `bench-card-dump-corpus-${models}`);
  const runDir = join(cacheDir, `bench-card-dump-run-${models}`);
  const loadAverage = loadavg()[0]!;
  const cpuSeconds = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1e6;
  };
  let started = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  const progress = createProgress({ label: "bench: ingest card dump", total: models, unit: "rows" });
  const ingest = await ingestCardDump(
    dump.files.map((file) => ({ file })),
    corpusDir,
    { progress },
  );
  const ingestSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const ingestCpuSeconds = cpuSeconds(cpu);
  started = process.hrtime.bigint();
  cpu = process.cpuUsage();
  const funnel = await runFunnel({ corpusDir, outDir: runDir, workers });
  const funnelSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const funnelCpuSeconds = cpuSeconds(cpu);
  return {
    models,
    files: dump.files.length,
    dumpMegabytes: dump.bytes / 1e6,
    cardMegabytes: dump.cardMegabytes,
    generatedSeconds: dump.generatedSeconds,
    ingestSeconds,
    funnelSeconds,
    totalSeconds: ingestSeconds + funnelSeconds,
    ingestCpuSeconds,
    funnelCpuSeconds,
    loadAverage,
    rowsPerSecond: models / (ingestSeconds + funnelSeconds),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    ingest,
    funnel,
  };
}

/** The lines `npm run bench` prints for this benchmark. */
export function formatCardDumpBench(f: CardDumpBenchFigures): string[] {
  const t = f.funnel.timings;
  return [
    `[card dump] ${f.models} generated rows in ${f.files} Parquet files, ${f.dumpMegabytes.toFixed(0)} MB on disk, ${f.cardMegabytes.toFixed(0)} MB of card text${f.generatedSeconds === null ? " (reused)" : ` (written in ${f.generatedSeconds.toFixed(0)} s)`}`,
    `  ingest ${f.ingestSeconds.toFixed(1)} s (${(f.models / f.ingestSeconds).toFixed(0)} rows/s, ${f.ingest.records} records, ${f.ingest.problemRows} problem rows); funnel ${f.funnelSeconds.toFixed(1)} s (search ${t.searchSeconds} s, near-identical ${t.nearDuplicatesSeconds} s, workers ${f.funnel.workers})`,
    `  ingest + funnel: ${f.totalSeconds.toFixed(1)} s = ${(f.totalSeconds / 60).toFixed(2)} min wall (target < 5 min); peak RSS ${f.peakRssMiB} MiB = ${(f.peakRssMiB / 1024).toFixed(2)} GiB (target < 2 GiB)`,
    `  CPU time: ingest ${f.ingestCpuSeconds.toFixed(1)} s (one thread), funnel ${f.funnelCpuSeconds.toFixed(1)} s (all threads); load average ${f.loadAverage.toFixed(1)} at the start (wall time stretches when the cores are shared)`,
    `  funnel: ${f.funnel.counts.models} models -> ${f.funnel.counts.matched.all} matched -> ${f.funnel.counts.afterOutliers.all} after outliers -> ${f.funnel.counts.unique.all} unique`,
  ];
}

if (require.main === module) {
  const models = Number(process.argv[2] ?? CARD_DUMP_MODELS);
  benchCardDumpIngest(models).then(
    (figures) => process.stdout.write(`${formatCardDumpBench(figures).join("\n")}\n`),
    (error: unknown) => {
      process.stderr.write(`bench card-dump failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
