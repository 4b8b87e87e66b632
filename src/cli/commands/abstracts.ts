import type { Command } from "commander";
import { ABSTRACTS_LEDGER, fillAbstracts } from "../../collect/abstracts";
import { ARXIV_API_URL, ARXIV_BATCH_SIZE } from "../../collect/arxiv";
import { nonNegativeNumber, positiveInt } from "../options";

interface AbstractsFlags {
  corpus: string;
  arxivUrl: string;
  arxivDelay: number;
  batchSize: number;
  maxRetries: number;
  timeout: number;
  retryAfterCap: number;
  progress?: "bar" | "lines" | "silent";
  verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command("abstracts")
    .description("fetch the arXiv abstract of every arXiv id in a corpus (e.g. one ingested from a dump); resumable, rate-limited, recorded per id")
    .requiredOption("--corpus <dir>", "corpus directory (rewritten safely: new shards beside the old, switched on success)")
    .option("--arxiv-url <url>", "arXiv API endpoint", ARXIV_API_URL)
    .option("--arxiv-delay <ms>", "pause between arXiv API calls (arXiv asks for 3000)", nonNegativeNumber("--arxiv-delay"), 3000)
    .option("--batch-size <n>", "ids per arXiv request", positiveInt("--batch-size"), ARXIV_BATCH_SIZE)
    .option("--max-retries <n>", "attempts per request", positiveInt("--max-retries"), 5)
    .option("--timeout <ms>", "per-request deadline in milliseconds", positiveInt("--timeout"), 30_000)
    .option("--retry-after-cap <ms>", "longest wait honoured from a 429 Retry-After", nonNegativeNumber("--retry-after-cap"), 900_000)
    .option("--progress <mode>", "bar | lines | silent (default: bar on a terminal, lines otherwise)")
    .option("--verbose", "log every retry to stderr")
    .addHelpText(
      "after",
      `\nEvery answer is kept in <corpus>/${ABSTRACTS_LEDGER} (found, withdrawn, unknown-id, error); a rerun asks only\nfor ids without an answer (lookups that failed after their retries are asked again).`,
    )
    .action(async (flags: AbstractsFlags) => {
      if (flags.progress && !["bar", "lines", "silent"].includes(flags.progress)) throw new Error("--progress must be bar, lines or silent");
      const s = await fillAbstracts({
        corpusDir: flags.corpus,
        arxivUrl: flags.arxivUrl,
        delayMs: flags.arxivDelay,
        batchSize: flags.batchSize,
        maxRetries: flags.maxRetries,
        timeoutMs: flags.timeout,
        retryAfterCapMs: flags.retryAfterCap,
        progress: flags.progress,
        log: flags.verbose ? (line) => process.stderr.write(`abstracts: ${line}\n`) : undefined,
      });
      const o = s.outcomes;
      process.stdout.write(
        [
          `abstracts for ${s.corpusDir}: ${s.ids} arXiv ids (${s.fromLedger} answered by an earlier run, ${s.asked} asked in ${s.requests} requests)`,
          `  found ${o.found}, withdrawn ${o.withdrawn}, unknown id ${o["unknown-id"]}, arXiv error ${o.error}, lookup failed ${s.failed}${s.failed > 0 ? " (rerun to ask again)" : ""}`,
          `  ${s.modelsWithAbstract} of ${s.models} models now have at least one abstract; answers in ${ABSTRACTS_LEDGER}`,
          "",
        ].join("\n"),
      );
      if (s.failed > 0) process.exitCode = 1;
    });
}
