import type { Command } from "commander";
import { collect, HUB_URL, type CollectSummary } from "../../collect/collector";
import { ARXIV_API_URL } from "../../collect/arxiv";
import { httpUrl, nonNegativeNumber, positiveInt } from "../options";
import { compareText } from "../../util/text";

interface CollectFlags {
  out: string;
  hubUrl: string;
  arxivUrl: string;
  since?: string;
  until?: string;
  limit?: number;
  concurrency: number;
  maxRetries: number;
  resume?: boolean;
  timeout: number;
  retryAfterCap: number;
  arxivDelay: number;
  batchSize: number;
  seed: string;
  progress?: "bar" | "lines" | "silent";
  verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command("collect")
    .description("crawl the Hugging Face Hub (models, README cards, arXiv abstracts) into a corpus directory; resumable and incremental")
    .requiredOption("--out <dir>", "corpus directory to write (shards, manifest, checkpoint)")
    .option("--hub-url <url>", "Hub endpoint", httpUrl("--hub-url"), HUB_URL)
    .option("--arxiv-url <url>", "arXiv API endpoint", httpUrl("--arxiv-url"), ARXIV_API_URL)
    .option("--since <date>", "only models created after this date (YYYY-MM-DD or ISO); merged into an existing corpus")
    .option("--until <date>", "snapshot cut-off: skip models created after this date (YYYY-MM-DD, the whole day, or ISO)")
    .option("--limit <n>", "take only the first N models of the listing (newest first)", positiveInt("--limit"))
    .option("--concurrency <n>", "README downloads in flight", positiveInt("--concurrency"), 8)
    .option("--max-retries <n>", "attempts per request before a model is recorded as failed", positiveInt("--max-retries"), 5)
    .option("--resume", "continue an interrupted crawl from its checkpoint")
    .option("--timeout <ms>", "per-request deadline in milliseconds", positiveInt("--timeout"), 30_000)
    .option("--retry-after-cap <ms>", "longest wait honoured from a 429 Retry-After", nonNegativeNumber("--retry-after-cap"), 900_000)
    .option("--arxiv-delay <ms>", "pause between arXiv API calls (arXiv asks for 3000)", nonNegativeNumber("--arxiv-delay"), 3000)
    .option("--batch-size <n>", "models per corpus append + checkpoint", positiveInt("--batch-size"), 2000)
    .option("--seed <seed>", "seed for retry jitter", "collect")
    .option("--progress <mode>", "bar | lines | silent (default: bar on a terminal, lines otherwise)")
    .option("--verbose", "log every retry to stderr")
    .addHelpText(
      "after",
      `
HF_TOKEN, when set, is sent to the Hub as a Bearer token (higher rate limits, gated cards you
may read). It is never printed or written. The listing is sorted by creation date, newest first;
--since stops at the cut-off and --limit takes the N newest models.`,
    )
    .action(async (flags: CollectFlags) => {
      if (flags.progress && !["bar", "lines", "silent"].includes(flags.progress)) throw new Error(`--progress must be bar, lines or silent`);
      const summary = await collect({
        outDir: flags.out,
        hubUrl: flags.hubUrl,
        arxivUrl: flags.arxivUrl,
        since: flags.since ?? null,
        until: flags.until ?? null,
        limit: flags.limit ?? null,
        resume: flags.resume,
        concurrency: flags.concurrency,
        maxRetries: flags.maxRetries,
        timeoutMs: flags.timeout,
        retryAfterCapMs: flags.retryAfterCap,
        arxivDelayMs: flags.arxivDelay,
        batchSize: flags.batchSize,
        seed: flags.seed,
        token: process.env.HF_TOKEN || undefined,
        progress: flags.progress,
        log: flags.verbose ? (line) => process.stderr.write(`collect: ${line}\n`) : undefined,
      });
      process.stdout.write(formatSummary(summary));
    });
}

export function formatSummary(summary: CollectSummary): string {
  const statuses = Object.entries(summary.cardStatus)
    .sort(([a], [b]) => compareText(a, b))
    .map(([status, n]) => `${status} ${n}`)
    .join(", ");
  const lines = [
    `collected into ${summary.outDir}${summary.resumed ? " (resumed)" : ""}: listing ended by ${summary.stoppedBy}`,
    `  listed ${summary.listed}, written ${summary.written}, already in the corpus ${summary.skippedExisting} (${summary.updated.length} modified since)${summary.afterUntil > 0 ? `, ${summary.afterUntil} created after --until skipped` : ""}`,
    `  cards: ${statuses || "none written"}`,
    `  arXiv: ${summary.arxiv.requests} requests, ${summary.arxiv.resolved} resolved, ${summary.arxiv.missing} not found, ${summary.arxiv.failed} failed`,
    `  HTTP: ${summary.http.requests} requests, ${summary.http.retries} retries, ${summary.http.givenUp} given up; ${summary.seconds.toFixed(1)} s`,
  ];
  if (summary.refused.length > 0) {
    const shown = summary.refused
      .slice(0, 5)
      .map((r) => `${JSON.stringify(r.id)} (${r.reason})`)
      .join("; ");
    lines.push(`  refused ${summary.refused.length} listed model(s) (all in collect-report.json): ${shown}${summary.refused.length > 5 ? "; ..." : ""}`);
  }
  if (summary.updated.length > 0) {
    const shown = summary.updated.slice(0, 20).join(", ");
    lines.push(`  modified since collected (all in collect-report.json): ${shown}${summary.updated.length > 20 ? ", ..." : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
