import type { Command } from "commander";
import { replicate, writeReport } from "../../pipeline/replicate";
import { addJudgeOptions, judgeSelectionOf, type JudgeFlags } from "../judge-options";
import { REPLICATION_FILES } from "../../run/layout";

interface ReplicateFlags extends JudgeFlags {
  corpus: string;
  out: string;
  static: boolean;
  run?: string;
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
    .option("--discover", "also find SE models the keyword search cannot see (SE signals and base-model lineage; see `funnel --discover`), reported apart", false)
    .action(async (flags: ReplicateFlags) => {
      const common = { corpusDir: flags.corpus, outDir: flags.out, noStatic: !flags.static };
      const result = flags.run
        ? await writeReport({ ...common, runDir: flags.run })
        : await replicate({ ...common, judge: judgeSelectionOf(flags), ...(flags.discover ? { discover: true } : {}) });
      process.stdout.write(`${result.indexPath}\n`);
      if (result.staticSkipped) process.stdout.write(`static images skipped: ${result.staticSkipped}\n`);
      if (result.analyses.synthetic) process.stdout.write("SYNTHETIC DATA: the corpus is generated; the numbers test the pipeline, not the Hub.\n");
    });
}
