import type { Command } from "commander";
import { runFunnel, type FunnelResult } from "../../pipeline/funnel";
import { formatFunnel } from "../../run/funnel-table";
import { RUN_FILES } from "../../run/layout";
import { alignColumns, fmt, percent } from "../../util/format";
import { isLemmaPolicy, LEMMA_POLICIES, type LemmaPolicy } from "../../prepare/lemmatize";
import { register as registerScore, scoreAndReport } from "./score";

interface FunnelCliOptions {
  corpus: string;
  out: string;
  taxonomy?: string;
  lemmaPolicy: string;
  threshold: string;
  aliases: boolean;
  workers?: string;
  resume: boolean;
  discover: boolean;
  lineageDepth?: string;
}

/** What `funnel` prints: the funnel beside the paper, the outlier share, near-copies, Table VI. */
export function funnelReport(result: FunnelResult): string {
  const o = result.outliers;
  const n = result.nearDuplicates;
  const lines = [
    result.synthetic ? "SYNTHETIC corpus: the counts below describe generated data, not the Hugging Face Hub." : "",
    `Funnel (ours, paper in parentheses) -> ${result.runDir}`,
    formatFunnel(result.rows),
    "",
    `Outlier tasks (${Object.keys(o.byTask).join(", ")}): ${fmt(o.outlierOccurrences)} of ${fmt(o.occurrences)} occurrences = ${percent(o.share)} (paper ${percent(o.paperShare)}); Table III removed ${fmt(o.excluded)}.`,
    `Near-identical cards (cosine >= ${n.threshold}): ${fmt(n.pairs)} variants of ${fmt(n.cards)} candidates; ${fmt(n.distinctVectors)} distinct vectors, ${fmt(n.verified)} pairs verified.`,
    "",
    "Table VI: documentation status (paper in parentheses)",
    alignColumns([
      ["", "models", "%"],
      ...result.documentation.map((row) => [
        row.label,
        row.paperModels === null ? fmt(row.models) : `${fmt(row.models)} (${fmt(row.paperModels)})`,
        row.paperPercent === null ? row.percent.toFixed(2) : `${row.percent.toFixed(2)} (${row.paperPercent.toFixed(2)})`,
      ]),
    ]),
    "",
    `${fmt(result.problems)} problems recorded in ${RUN_FILES.problems}; ${result.timings.totalSeconds} s.`,
    "",
  ];
  return lines.filter((line, i) => i > 0 || line !== "").join("\n");
}

export function register(program: Command): void {
  program
    .command("funnel")
    .description("search the corpus for SE tasks, apply the outlier rules and drop near-identical cards; writes a run directory")
    .option("--corpus <dir>", "corpus directory", "data/demo")
    .option("--out <dir>", "run directory to write", "out/demo")
    .option("--taxonomy <file>", "taxonomy JSON (default: the shipped taxonomy/se-tasks.json)")
    .option("--lemma-policy <policy>", `lemmatizer policy: ${LEMMA_POLICIES.join(", ")}`, "noun-then-verb")
    .option("--threshold <x>", "cosine similarity threshold for near-identical cards", "0.99")
    .option("--aliases", "also search each task's aliases", false)
    .option("--workers <n>", "worker threads for the search (default: 2 for large corpora on 2+ cores, else 1)")
    .option("--resume", `keep searched shards in <out>/${RUN_FILES.shards} and skip those already there (continue an interrupted run)`, false)
    .option(
      "--discover",
      `also find SE models the keyword search cannot see, from SE signals (code and language tags, SE datasets, name words, pipeline tag) and base-model lineage; written to ${RUN_FILES.discoveryEvidence} and ${RUN_FILES.discovered} and added to the unique table (off: the paper's method alone)`,
      false,
    )
    .option("--lineage-depth <n>", "with --discover: most base-model links walked up from a model (default 6)")
    .action(async (options: FunnelCliOptions) => {
      if (!isLemmaPolicy(options.lemmaPolicy)) throw new Error(`--lemma-policy must be one of ${LEMMA_POLICIES.join(", ")} (got "${options.lemmaPolicy}")`);
      const threshold = Number(options.threshold);
      if (!(threshold > 0 && threshold <= 1)) throw new Error(`--threshold must be a number in (0, 1] (got "${options.threshold}")`);
      const workers = options.workers === undefined ? undefined : Number(options.workers);
      const lineageDepth = options.lineageDepth === undefined ? undefined : Number(options.lineageDepth);
      if (lineageDepth !== undefined && !(Number.isInteger(lineageDepth) && lineageDepth >= 1))
        throw new Error(`--lineage-depth must be a positive integer (got "${options.lineageDepth}")`);
      if (lineageDepth !== undefined && !options.discover) throw new Error("--lineage-depth needs --discover");
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new Error(`--workers must be a positive integer (got "${options.workers}")`);
      const result = await runFunnel({
        corpusDir: options.corpus,
        outDir: options.out,
        taxonomyPath: options.taxonomy,
        lemmaPolicy: options.lemmaPolicy as LemmaPolicy,
        includeAliases: options.aliases,
        similarityThreshold: threshold,
        workers,
        resume: options.resume,
        ...(options.discover ? { discover: { ...(lineageDepth !== undefined ? { lineageDepth } : {}) } } : {}),
      });
      if (result.resumedShards > 0) process.stderr.write(`funnel: resumed ${result.resumedShards} shards searched by an earlier run\n`);
      process.stdout.write(funnelReport(result));
      const scored = await scoreAndReport(options.out, options.corpus, options.taxonomy);
      if (scored) process.stdout.write(`\n${scored.text}`);
    });
  // `score` lives beside `funnel` in the command list.
  registerScore(program);
}
