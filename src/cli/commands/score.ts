import type { Command } from "commander";
import { GROUND_TRUTH_FILE } from "../../demo/ground-truth";
import { formatScores, scoreRun, writeEvaluation, type RunScore } from "../../evaluate/score";
import { RUN_FILES } from "../../run/layout";
import { loadTaxonomy } from "../../taxonomy/taxonomy";
import { verifyRun, withRunLock } from "../../run/state";

/**
 * Score a run, write its evaluation table, and return the text to print (null without ground truth).
 * The run is checked against its run.json first unless `verify` is false (the funnel that just wrote it).
 */
export async function scoreAndReport(
  runDir: string,
  corpusDir: string,
  taxonomyPath?: string,
  options: { verify?: boolean } = {},
): Promise<{ score: RunScore; text: string } | null> {
  if (options.verify !== false) verifyRun(runDir, "relevance");
  const result = scoreRun(runDir, corpusDir, loadTaxonomy(taxonomyPath));
  if (result === null) return null;
  await withRunLock(runDir, () => writeEvaluation(runDir, result.rows));
  const text = [`Precision / recall against ${result.groundTruth} (final = ${result.finalSource})`, formatScores(result.rows), ""].join("\n");
  return { score: result, text };
}

export function register(program: Command): void {
  program
    .command("score")
    .description(`precision and recall of each funnel stage against a synthetic corpus's ground truth (writes <run>/${RUN_FILES.evaluation})`)
    .option("--run <dir>", "run directory written by `funnel`", "out/demo")
    .option("--corpus <dir>", `corpus directory holding ${GROUND_TRUTH_FILE}`, "data/demo")
    .option("--taxonomy <file>", "taxonomy JSON (default: the shipped taxonomy/se-tasks.json)")
    .action(async (options: { run: string; corpus: string; taxonomy?: string }) => {
      const scored = await scoreAndReport(options.run, options.corpus, options.taxonomy);
      if (scored === null) throw new Error(`${options.corpus} has no ${GROUND_TRUTH_FILE}: scoring needs a synthetic corpus with its ground truth`);
      process.stdout.write(scored.text);
    });
}
