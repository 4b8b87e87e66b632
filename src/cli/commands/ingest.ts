import { PAPER_SNAPSHOT } from "../../paper/reported";
import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { CARD_DUMP_DATASET, ingestCardDump, type CardDumpIngestReport, type CardDumpInput } from "../../corpus/card-dump";
import { isTextDump } from "../../corpus/dump-input";
import { ingestJsonl } from "../../corpus/ingest";
import { parseUntil, type SnapshotCutoff } from "../../corpus/snapshot";
import { DEFAULT_SHARD_SIZE } from "../../corpus/store";
import { downloadCardDump } from "../../collect/card-dump-hub";
import { HUB_URL } from "../../collect/collector";
import { createHttpClient } from "../../collect/http";
import { createProgress } from "../../util/progress";
import { positiveInt } from "../options";

interface IngestFlags {
  out: string;
  shardSize: number;
  synthetic?: boolean;
  until?: string;
  fromHub?: string | boolean;
  revision: string;
  hubUrl: string;
  downloadDir?: string;
  maxRetries: number;
  retryAfterCap: number;
  timeout: number;
  verbose?: boolean;
}

/** Parquet files named on the command line: files as given, folders expanded to their .parquet files (sorted). */
async function parquetInputs(args: readonly string[]): Promise<CardDumpInput[]> {
  const inputs: CardDumpInput[] = [];
  for (const arg of args) {
    const stat = await fs.stat(arg).catch((error: Error) => {
      throw new Error(`cannot read dump ${arg}: ${error.message}`);
    });
    if (stat.isDirectory()) {
      const names = (await fs.readdir(arg, { recursive: true })).filter((n) => n.endsWith(".parquet")).sort();
      if (names.length === 0) throw new Error(`${arg} holds no .parquet files`);
      for (const name of names) inputs.push({ file: join(arg, name), path: name.split("\\").join("/") });
    } else {
      inputs.push({ file: arg });
    }
  }
  return inputs;
}

const isJsonl = (path: string) => /\.jsonl?(\.gz)?$/.test(path);

export function formatCardDumpReport(report: CardDumpIngestReport, out: string, until: SnapshotCutoff | null): string {
  const lines = [
    `read ${report.rows} rows from ${report.files.length} Parquet file(s)`,
    ...report.files.map(
      (f) =>
        `  ${f.path}: ${f.rows} rows in ${f.rowGroups} row groups, ${f.records} records${f.sha256 ? `, sha256 ${f.sha256}` : ""}${f.error ? `; NOT READ: ${f.error}` : ""}${f.missingColumns.length > 0 && !f.error ? `; missing columns ${f.missingColumns.join(", ")}` : ""}`,
    ),
    `loaded ${report.records} models into ${out} (${report.manifest.shards.length} shards)`,
    `  ${report.recordsWithProblems} of them carry problems (see: hf-se-atlas corpus inspect ${out})`,
    `skipped ${report.problemRows} rows (${report.duplicates} duplicate ids), listed in ${report.problemsPath}`,
  ];
  if (until) lines.push(`snapshot cut-off ${until.iso}: ${report.afterUntil} models created later left out, ${report.undatedKept} undated models kept`);
  lines.push(
    "note: a card dump lists only models with a README (Table VI's 'card not available' is not in the source), does not say which are gated, and carries no arXiv abstracts (run `hf-se-atlas abstracts --corpus " +
      out +
      "`)",
  );
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  program
    .command("ingest")
    .description("load a dump into a corpus directory: Hub API JSON Lines, or the Hub's Parquet card dump (local files, or downloaded with --from-hub)")
    .argument("[dump...]", "a JSON Lines file (.jsonl, .jsonl.gz), or Parquet files / folders of the card dump")
    .requiredOption("--out <dir>", "corpus directory to write (an existing corpus there is replaced only once the whole dump was read)")
    .option("--shard-size <n>", "records per Arrow shard", positiveInt("--shard-size"), DEFAULT_SHARD_SIZE)
    .option("--synthetic", "mark the corpus as synthetic (generated, not real Hub data; JSON Lines only)")
    .option(
      "--until <date>",
      `keep only models created up to this date (YYYY-MM-DD, the whole day, or an ISO timestamp); the paper's snapshot is ${PAPER_SNAPSHOT}`,
    )
    .option("--from-hub [dataset]", `download the card dump from the Hub (default ${CARD_DUMP_DATASET}), each file pinned by its hash`)
    .option("--revision <rev>", "dataset revision (branch, tag or commit) for --from-hub", "main")
    .option("--hub-url <url>", "Hub endpoint for --from-hub", HUB_URL)
    .option("--download-dir <dir>", "where downloaded Parquet files are kept and reused (default <out>.download)")
    .option("--max-retries <n>", "attempts per request", positiveInt("--max-retries"), 5)
    .option("--retry-after-cap <ms>", "longest wait honoured from a 429 Retry-After", positiveInt("--retry-after-cap"), 900_000)
    .option("--timeout <ms>", "per-request deadline in milliseconds", positiveInt("--timeout"), 120_000)
    .option("--verbose", "log every retry to stderr")
    .action(async (dumps: string[], flags: IngestFlags) => {
      const until = flags.until ? parseUntil(flags.until) : null;
      const out = process.stdout;
      if (flags.fromHub !== undefined) {
        if (dumps.length > 0) throw new Error("give either dump files or --from-hub, not both");
        const dataset = typeof flags.fromHub === "string" ? flags.fromHub : CARD_DUMP_DATASET;
        const log = flags.verbose ? (line: string) => process.stderr.write(`ingest: ${line}\n`) : undefined;
        const http = createHttpClient({
          concurrency: 4,
          maxRetries: flags.maxRetries,
          retryAfterCapMs: flags.retryAfterCap,
          timeoutMs: flags.timeout,
          token: process.env.HF_TOKEN || undefined,
          tokenOrigin: new URL(flags.hubUrl).origin,
          userAgent: "hf-se-atlas ingest",
          onRetry: log ? (e) => log(`retry ${e.attempt} in ${e.delayMs} ms: ${e.url}: ${e.reason}`) : undefined,
        });
        const download = await downloadCardDump({
          http,
          dataset,
          revision: flags.revision,
          hubUrl: flags.hubUrl,
          downloadDir: flags.downloadDir ?? `${flags.out.replace(/\/+$/, "")}.download`,
          log,
        });
        out.write(
          `downloaded ${download.files.length} file(s) of ${dataset}@${download.revision} (${(download.bytesDownloaded / 1e6).toFixed(1)} MB this run, ${download.files.filter((f) => f.reused).length} reused)\n`,
        );
        for (const failure of download.failed) process.stderr.write(`warning: ${failure.path} not downloaded: ${failure.reason}\n`);
        if (download.files.length === 0) throw new Error(`no file of ${dataset} could be downloaded`);
        const total = download.files.reduce((n, f) => n + f.size, 0);
        const progress = createProgress({ label: "ingest", unit: "rows" });
        const report = await ingestCardDump(
          download.files.map((f) => ({ file: f.file, path: f.path, oid: f.oid, sha256: f.sha256 })),
          flags.out,
          {
            shardSize: flags.shardSize,
            until,
            progress,
            createdBy: `hf-se-atlas ingest --from-hub ${dataset}`,
            origin: { dataset, revision: download.revision, hubUrl: flags.hubUrl, bytes: total, notDownloaded: download.failed },
          },
        );
        out.write(formatCardDumpReport(report, flags.out, until));
        return;
      }
      if (dumps.length === 0) throw new Error("give a dump (JSON Lines or Parquet files) or --from-hub");
      // One file that is not Parquet by its bytes is a JSON Lines dump whatever its name (gzip is told by its bytes too).
      if (dumps.length === 1 && (isJsonl(dumps[0]!) || (await isTextDump(dumps[0]!)))) {
        const dump = dumps[0]!;
        const progress = createProgress({ label: "ingest", unit: "lines" });
        const report = await ingestJsonl(dump, flags.out, { shardSize: flags.shardSize, synthetic: flags.synthetic ?? false, progress, until });
        out.write(`read ${report.lines} lines from ${dump}\n`);
        out.write(`loaded ${report.records} models into ${flags.out} (${report.manifest.shards.length} shards)\n`);
        out.write(`  ${report.recordsWithProblems} of them carry problems (see: hf-se-atlas corpus inspect ${flags.out})\n`);
        out.write(`skipped ${report.problemLines} lines (${report.duplicates} duplicate ids), listed in ${report.problemsPath}\n`);
        if (until) out.write(`snapshot cut-off ${until.iso}: ${report.afterUntil} models created later left out, ${report.undatedKept} undated models kept\n`);
        if (report.inputError) process.stderr.write(`warning: ${report.inputError}; the models read before it were loaded\n`);
        return;
      }
      if (dumps.some(isJsonl)) throw new Error("give one JSON Lines dump, or Parquet files, not a mix");
      if (flags.synthetic) throw new Error("--synthetic applies to JSON Lines dumps only");
      const inputs = await parquetInputs(dumps);
      const progress = createProgress({ label: "ingest", unit: "rows" });
      const report = await ingestCardDump(inputs, flags.out, { shardSize: flags.shardSize, until, progress });
      out.write(formatCardDumpReport(report, flags.out, until));
    });
}
