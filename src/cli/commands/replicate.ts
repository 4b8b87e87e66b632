import type { Command } from "commander";
import { parseUntil } from "../../corpus/snapshot";
import { reportOnRun, replicate, type FunnelSettings } from "../../pipeline/replicate";
import { isLemmaPolicy, LEMMA_POLICIES, type LemmaPolicy } from "../../prepare/lemmatize";
import { PAPER_SIMILARITY_THRESHOLD, PAPER_SNAPSHOT } from "../../paper/reported";
import { loadTaxonomy } from "../../taxonomy/taxonomy";
import { addJudgeOptions, judgeSelectionOf, type JudgeFlags } from "../judge-options";
import { REPLICATION_FILES } from "../../run/layout";

interface ReplicateFlags extends JudgeFlags {
  corpus?: string;
  out: string;
  static: boolean;
  run?: string;
  taxonomy?: string;
  lemmaPolicy?: string;
  threshold?: string;
  aliases?: boolean;
  allowIncomplete?: boolean;
  until?: string;
  discover: boolean;
}

const DEFAULT_CORPUS = "data/demo";

/** The funnel settings given on the command line (each left undefined when not given). */
export function settingsOf(flags: Pick<ReplicateFlags, "lemmaPolicy" | "threshold" | "aliases">): FunnelSettings {
  const settings: FunnelSettings = {};
  if (flags.lemmaPolicy !== undefined) {
    if (!isLemmaPolicy(flags.lemmaPolicy)) throw new Error(`--lemma-policy must be one of ${LEMMA_POLICIES.join(", ")} (got "${flags.lemmaPolicy}")`);
    settings.lemmaPolicy = flags.lemmaPolicy as LemmaPolicy;
  }
  if (flags.threshold !== undefined) {
    const threshold = Number(flags.threshold);
    if (!(threshold > 0 && threshold <= 1)) throw new Error(`--threshold must be a number in (0, 1] (got "${flags.threshold}")`);
    settings.similarityThreshold = threshold;
  }
  if (flags.aliases) settings.includeAliases = true;
  return settings;
}

/** True when any judge option was given (they then say which judge the run must have been judged by). */
function judgeGiven(flags: JudgeFlags): boolean {
  return (
    [flags.judge, flags.model, flags.baseUrl, flags.temperature, flags.seed, flags.jury, flags.numCtx].some((v) => v !== undefined) ||
    Boolean(flags.onlyUncertain || flags.offline || flags.gemini)
  );
}

export function register(program: Command): void {
  const command = program
    .command("replicate")
    .description(`run the whole pipeline on a corpus (the SYNTHETIC demo by default) and write every table, figure and an ${REPLICATION_FILES.index} report`)
    .option("--corpus <dir>", `corpus directory (default: ${DEFAULT_CORPUS}; with --run, the run's own)`)
    .option("--out <dir>", "output folder", "out/replication")
    .option("--taxonomy <file>", "taxonomy JSON searched for and named in every table (default: the shipped taxonomy/se-tasks.json; with --run, the run's own)")
    .option("--lemma-policy <policy>", `lemmatizer policy: ${LEMMA_POLICIES.join(", ")} (default noun-then-verb)`)
    .option("--threshold <x>", `cosine similarity from which two cards are near-identical (default ${PAPER_SIMILARITY_THRESHOLD}, the paper's)`)
    .option("--aliases", "also search each task's aliases")
    .option(
      "--until <date>",
      `snapshot cut-off: only models created up to this date (YYYY-MM-DD or ISO; the paper's is ${PAPER_SNAPSHOT}; with --run, the run's must be the same)`,
    );
  // The same judge selection as `judge` (--offline keeps the rules even when GEMINI_API_KEY is set).
  addJudgeOptions(command)
    .option("--no-static", "skip the PNG/SVG export in headless Chromium")
    .option(
      "--run <dir>",
      "report on an existing run directory instead of running the pipeline; it is analysed with its own taxonomy, corpus and settings, and refused when the options given here differ from them",
    )
    .option("--allow-incomplete", "run on a corpus whose crawl did not finish (refused otherwise); the report says so")
    .option(
      "--discover",
      "also find SE models the keyword search cannot see (SE signals and base-model lineage; see `funnel --discover`), reported apart; with --run, the run must have been made with it",
      false,
    )
    .action(async (flags: ReplicateFlags) => {
      const settings = settingsOf(flags);
      const until = flags.until !== undefined ? parseUntil(flags.until) : undefined;
      const common = { outDir: flags.out, noStatic: !flags.static };
      const result = flags.run
        ? await reportOnRun({
            ...common,
            runDir: flags.run,
            request: { corpusDir: flags.corpus, taxonomyPath: flags.taxonomy, ...settings, until: until?.iso, ...(flags.discover ? { discover: true } : {}) },
            judge: judgeGiven(flags) ? judgeSelectionOf(flags) : undefined,
          })
        : await replicate({
            ...common,
            corpusDir: flags.corpus ?? DEFAULT_CORPUS,
            taxonomy: flags.taxonomy !== undefined ? loadTaxonomy(flags.taxonomy) : undefined,
            settings,
            until: until ?? null,
            judge: judgeSelectionOf(flags),
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
