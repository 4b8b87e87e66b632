import { PAPER_SNAPSHOT } from "../../paper/reported";
import type { Command } from "commander";
import { parseUntil } from "../../corpus/snapshot";
import { replicate, writeReport } from "../../pipeline/replicate";
import { addJudgeOptions, judgeSelectionOf, type JudgeFlags } from "../judge-options";
import { REPLICATION_FILES } from "../../run/layout";

interface ReplicateFlags extends JudgeFlags {
  corpus: string;
  out: string;
  static: boolean;
  run?: string;
  allowIncomplete?: boolean;
  until?: string;
  discover: boolean;
}

export function register(program: Command): void {
  const command = program
    .command("replicate")
    .description(`run the whole pipeline on a corpus (the SYNTHETIC demo by default) and write every table, figure and an ${REPLICATION_FILES.index} report`)
    .option("--corpus <dir>", "corpus directory", "data/demo")
    .option("--out <dir>", "output folder", "out/replication");
  // The same judge selection as `judge` (--offline keeps the rules even when GEMINI_API_KEY is set).
  addJudgeOptions(command)
    .option("--no-static", "skip the PNG/SVG export in headless Chromium")
    .option("--run <dir>", "report on an existing run directory instead of running the pipeline")
    .option("--allow-incomplete", "run on a corpus whose crawl did not finish (refused otherwise); the report says so")
    .option("--until <date>", `snapshot cut-off: only models created up to this date (YYYY-MM-DD or ISO; the paper's is ${PAPER_SNAPSHOT})`)
    .option("--discover", "also find SE models the keyword search cannot see (SE signals and base-model lineage; see `funnel --discover`), reported apart", false)
    .action(async (flags: ReplicateFlags) => {
      if (flags.run && flags.until) throw new Error("--until applies when replicate runs the pipeline; a run given with --run keeps the cut-off it was made with");
      const common = { corpusDir: flags.corpus, outDir: flags.out, noStatic: !flags.static };
      const result = flags.run
        ? await writeReport({ ...common, runDir: flags.run })
        : await replicate({
            ...common,
            judge: judgeSelectionOf(flags),
            until: flags.until ? parseUntil(flags.until) : null,
            allowIncomplete: flags.allowIncomplete,
            ...(flags.discover ? { discover: true } : {}),
          });
      process.stdout.write(`${result.indexPath}\n`);
      // No silent success: a report on verdicts that are mostly errors is written, says so, and fails the command.
      if (result.relevanceFailure) throw new Error(`relevance check: ${result.relevanceFailure}; the report ${result.indexPath} says so`);
      if (result.staticSkipped) process.stdout.write(`static images skipped: ${result.staticSkipped}\n`);
      if (result.analyses.synthetic) process.stdout.write("SYNTHETIC DATA: the corpus is generated; the numbers test the pipeline, not the Hub.\n");
    });
}
