import type { Command } from "commander";
import { ingestJsonl } from "../../corpus/ingest";
import { DEFAULT_SHARD_SIZE } from "../../corpus/store";
import { createProgress } from "../../util/progress";
import { positiveInt } from "../options";

export function register(program: Command): void {
  program
    .command("ingest")
    .description("load a JSON Lines dump of Hub API model objects (with optional README text) into a corpus directory")
    .argument("<dump>", "JSON Lines file, one Hub API model object per line")
    .requiredOption("--out <dir>", "corpus directory to write (replaced if it exists)")
    .option("--shard-size <n>", "records per Arrow shard", positiveInt("--shard-size"), DEFAULT_SHARD_SIZE)
    .option("--synthetic", "mark the corpus as synthetic (generated, not real Hub data)")
    .action(async (dump: string, options: { out: string; shardSize: number; synthetic?: boolean }) => {
      const progress = createProgress({ label: "ingest", unit: "lines" });
      const report = await ingestJsonl(dump, options.out, { shardSize: options.shardSize, synthetic: options.synthetic ?? false, progress });
      const out = process.stdout;
      out.write(`read ${report.lines} lines from ${dump}\n`);
      out.write(`loaded ${report.records} models into ${options.out} (${report.manifest.shards.length} shards)\n`);
      out.write(`  ${report.recordsWithProblems} of them carry problems (see: hf-se-atlas corpus inspect ${options.out})\n`);
      out.write(`skipped ${report.problemLines} lines (${report.duplicates} duplicate ids), listed in ${report.problemsPath}\n`);
      if (report.inputError) process.stderr.write(`warning: ${report.inputError}; the models read before it were loaded\n`);
    });
}

