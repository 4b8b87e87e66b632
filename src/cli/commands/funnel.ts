import { availableParallelism } from "node:os";
import { PAPER_SNAPSHOT } from "../../paper/reported";
import type { Command } from "commander";
import { abstractsHint } from "../../corpus/arxiv-status";
import { parseUntil } from "../../corpus/snapshot";
import { runFunnel, type FunnelResult } from "../../pipeline/funnel";
import { formatFunnel } from "../../run/funnel-table";
import { RUN_FILES } from "../../run/layout";
import { alignColumns, fmt, percent } from "../../util/format";
import { isLemmaPolicy, LEMMA_POLICIES, type LemmaPolicy } from "../../prepare/lemmatize";
import { register as registerScore, scoreAndReport } from "./score";
import { withRunLock } from "../../run/state";

interface FunnelCliOptions {
  corpus: string;
  out: string;
  taxonomy?: string;
  lemmaPolicy: string;
  threshold: string;
  aliases: boolean;
  workers?: string;
  resume: boolean;
  allowIncomplete: boolean;
  until?: string;
  discover: boolean;
  lineageDepth?: string;
}

/** Warnings about what the corpus lacks for this run (arXiv abstracts never fetched), one line each. */
export function funnelWarnings(result: Pick<FunnelResult, "modelsWithoutAbstracts">, corpusDir: string): string[] {
  return result.modelsWithoutAbstracts > 0
    ? [
        `warning: ${fmt(result.modelsWithoutAbstracts)} models have arXiv ids without abstracts (never looked up): Table VI's abstract rows are not in the source; ${abstractsHint(corpusDir)}`,
      ]
    : [];
}

/** What `funnel` prints: the funnel beside the paper, the outlier share, near-copies, Table VI. */
export function funnelReport(result: FunnelResult): string {
  const o = result.outliers;
  const n = result.nearDuplicates;
  const lines = [
    result.synthetic ? "SYNTHETIC corpus: the counts below describe generated data, not the Hugging Face Hub." : "",
    result.incompleteCorpus
      ? `INCOMPLETE corpus (allowed with --allow-incomplete): ${result.incompleteCorpus}; the counts cover only the models collected so far.`
      : "",
    result.snapshot
      ? `Snapshot cut-off ${result.snapshot.until}: models created up to then (paper: ${PAPER_SNAPSHOT}); ${fmt(result.snapshot.afterUntil)} later models left out, ${fmt(result.snapshot.undatedKept)} undated kept.`
      : "",
    `Funnel (ours, paper in parentheses) -> ${result.runDir}`,
    formatFunnel(result.rows),
    "",
    `Outlier tasks (${Object.keys(o.byTask).join(", ")}): ${fmt(o.outlierOccurrences)} of ${fmt(o.occurrences)} occurrences = ${percent(o.share)} (paper ${percent(o.paperShare)}); Table III removed ${fmt(o.excluded)}.`,
    `Near-identical cards (cosine >= ${n.threshold}): ${fmt(n.pairs)} variants of ${fmt(n.cards)} candidates; ${fmt(n.distinctVectors)} distinct vectors, ${fmt(n.verified)} pairs verified.`,
    ...(result.discovery
      ? [
          `Discovery beside the search (--discover): ${fmt(result.discovery.kept)} models the search did not offer reach the judge (${fmt(result.discovery.offered - result.discovery.kept)} more were near-copies or the search's variants); ${fmt(result.discovery.evidence)} evidence rows in ${RUN_FILES.discoveryEvidence}; ${fmt(result.discovery.chains)} lineage chains over ${fmt(result.discovery.lineageModels)} models naming a base.`,
        ]
      : []),
    "",
    "Table VI: documentation status (paper in parentheses)",
    alignColumns([
      ["", "models", "%"],
      ...result.documentation.map((row) => {
        const ours = row.models === null ? "not in the source" : fmt(row.models);
        const share = row.percent === null ? "-" : row.percent.toFixed(2);
        return [
          row.label,
          row.paperModels === null ? ours : `${ours} (${fmt(row.paperModels)})`,
          row.paperPercent === null ? share : `${share} (${row.paperPercent.toFixed(2)})`,
        ];
      }),
    ]),
    ...[...new Set(result.documentation.flatMap((row) => (row.notInSource ? [row.notInSource] : [])))].map((why) => `  ${why}`),
    "",
    `${fmt(result.problems)} problems recorded in ${RUN_FILES.problems}; ${result.timings.totalSeconds} s.`,
    "",
  ];
  const headerLines = 3;
  return lines.filter((line, i) => i >= headerLines || line !== "").join("\n");
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
    .option("--allow-incomplete", "run on a corpus whose crawl did not finish (refused otherwise); the report says so", false)
    .option("--until <date>", `snapshot cut-off: only models created up to this date (YYYY-MM-DD or ISO; the paper's is ${PAPER_SNAPSHOT})`)
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
      let workers = options.workers === undefined ? undefined : Number(options.workers);
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1))
        throw new Error(`--workers must be a positive integer (got "${options.workers}")`);
      const lineageDepth = options.lineageDepth === undefined ? undefined : Number(options.lineageDepth);
      if (lineageDepth !== undefined && !(Number.isInteger(lineageDepth) && lineageDepth >= 1))
        throw new Error(`--lineage-depth must be a positive integer (got "${options.lineageDepth}")`);
      if (lineageDepth !== undefined && !options.discover) throw new Error("--lineage-depth needs --discover");
      // Each worker holds its own lemmatizer and compiled taxonomy (~100 MB): more threads than cores only cost memory.
      if (workers !== undefined && workers > availableParallelism()) {
        process.stderr.write(`funnel: --workers ${workers} capped at ${availableParallelism()}, the number of cores\n`);
        workers = availableParallelism();
      }
      // The run directory is owned from the funnel's tables to the score's.
      await withRunLock(options.out, async () => {
        const result = await runFunnel({
          corpusDir: options.corpus,
          outDir: options.out,
          taxonomyPath: options.taxonomy,
          lemmaPolicy: options.lemmaPolicy as LemmaPolicy,
          includeAliases: options.aliases,
          similarityThreshold: threshold,
          workers,
          resume: options.resume,
          until: options.until ? parseUntil(options.until) : null,
          allowIncomplete: options.allowIncomplete,
          ...(options.discover ? { discover: { ...(lineageDepth !== undefined ? { lineageDepth } : {}) } } : {}),
        });
        if (result.resumedShards > 0) process.stderr.write(`funnel: resumed ${result.resumedShards} shards searched by an earlier run\n`);
        if (result.supersededValidate)
          process.stderr.write(
            `funnel: the candidates changed; the pilot's files drawn from the old ones (plan, sheets, labels) were moved to ${result.supersededValidate}\n`,
          );
        process.stdout.write(funnelReport(result));
        for (const warning of funnelWarnings(result, options.corpus)) process.stderr.write(`${warning}\n`);
        const scored = await scoreAndReport(options.out, options.corpus, options.taxonomy, { verify: false });
        if (scored) process.stdout.write(`\n${scored.text}`);
      });
    });
  // `score` lives beside `funnel` in the command list.
  registerScore(program);
}
