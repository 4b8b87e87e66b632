import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { MANIFEST_FILE } from "../../corpus/store";
import { PAPER_FUNNEL } from "../../paper/reported";
import { GROUND_TRUTH_FILE, readGroundTruth } from "../../demo/ground-truth";
import { mostlyFailed, runRelevanceCheck, type RelevanceCheckResult } from "../../pipeline/relevance";
import { planRelevanceCheck, type RelevancePlan } from "../../pipeline/relevance-plan";
import { readVerdicts } from "../../run/files";
import { RUN_FILES } from "../../run/layout";
import { recordedCorpusDir, RunFileError } from "../../run/run-info";
import { agreementRows, groundTruthReference, type AgreementRow } from "../../validate/annotations";
import { writeAgreement } from "../../validate/pilot-files";
import { ACTIVITY_CODES } from "../../taxonomy/taxonomy";
import { isFunnelRun, recordRelevantCounts, relevantCountsOf, uncertainCountsOf } from "../../pipeline/funnel";
import { integerAtLeast, positiveInt } from "../options";
import { assertRunFinished, withRunLock } from "../../run/state";
import { addJudgeOptions, judgeSelectionOf, type JudgeFlags } from "../judge-options";

interface JudgeOptions extends JudgeFlags {
  run: string;
  corpus?: string;
  dryRun?: boolean;
  warmup: number;
  cacheDir?: string;
  concurrency: number;
  priceInput?: string;
  priceOutput?: string;
  maxCardChars?: string;
}

/** The corpus a run was made from: `--corpus`, else the one its run description names. */
export function corpusDirOf(runDir: string, explicit?: string): string {
  // A funnel that did not finish leaves no corpus to name: say that, not "pass --corpus".
  assertRunFinished(runDir, "relevance");
  if (explicit) return resolve(explicit);
  let path: string | null;
  try {
    path = recordedCorpusDir(runDir);
  } catch (error) {
    if (error instanceof RunFileError) throw new Error(`${error.message}: fix it or pass --corpus <dir>`, { cause: error });
    throw error;
  }
  if (path === null) throw new Error(`cannot tell which corpus ${runDir} came from (no corpus in ${RUN_FILES.runInfo}): pass --corpus <dir>`);
  // The funnel writes paths relative to the working directory it ran in; fall back to the run directory.
  const candidates = [resolve(path), resolve(runDir, path)];
  return candidates.find((c) => existsSync(join(c, MANIFEST_FILE))) ?? candidates[0]!;
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${value}"`);
  return n;
}

const usd = (x: number) => `$${x < 0.01 && x > 0 ? x.toFixed(6) : x.toFixed(4)}`;
const tokens = (n: number) => n.toLocaleString("en-US");

export function formatRelevance(result: RelevanceCheckResult): string {
  const lines = [
    `judge ${result.judge}: ${result.candidates} pairs, ${result.relevant} relevant, ${result.notRelevant} not, ${result.uncertain} uncertain, ${result.errors} errors (${result.cached} from cache)`,
  ];
  lines.push("  act  pairs relevant  not  uncertain  errors");
  for (const a of ACTIVITY_CODES) {
    const c = result.byActivity[a];
    lines.push(
      `  ${a}  ${String(c.candidates).padStart(6)} ${String(c.relevant).padStart(8)} ${String(c.notRelevant).padStart(4)} ${String(c.uncertain).padStart(10)} ${String(c.errors).padStart(7)}`,
    );
  }
  if (result.uncertain > 0)
    lines.push("  uncertain pairs are not counted as SE; send them to people (pilot export --uncertain) or to an LLM judge (judge --only-uncertain)");
  lines.push(`  SE models: ${result.seModels} (paper, whole Hub: ${PAPER_FUNNEL.seModels.toLocaleString("en-US")}) -> ${result.seModelsPath}`);
  if (Object.keys(result.decidedBy).length > 1) {
    lines.push(
      `  decided by: ${Object.entries(result.decidedBy)
        .map(([label, n]) => `${label} ${n}`)
        .join("; ")}`,
    );
  }
  for (const j of result.judges) {
    if (j.backend === "offline") continue;
    const settings = `temperature ${j.temperature ?? "default"}, seed ${j.seed ?? "default"}`;
    const cost =
      j.costUsd === null
        ? "unknown price (pass --price-input/--price-output)"
        : j.pricing && j.pricing.inputPerMillion === 0 && j.pricing.outputPerMillion === 0
          ? "no token cost (self-hosted)"
          : usd(j.costUsd);
    lines.push(
      `  ${j.label} (${settings}): tokens: ${j.usage.promptTokens} in, ${j.usage.outputTokens} out, ${j.usage.calls} calls, ${j.cached} from cache; cost ${cost}`,
    );
  }
  if (result.juryVerdictsPath) lines.push(`  each juror's verdict -> ${result.juryVerdictsPath}`);
  return lines.join("\n");
}

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(1)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatPlan(plan: RelevancePlan): string {
  const lines = [
    `dry run: ${plan.judge}: ${plan.pairs} pairs to judge (${ACTIVITY_CODES.map((a) => `${a} ${plan.byActivity[a]}`).join(", ")})${plan.missing > 0 ? `, ${plan.missing} model(s) missing from the corpus` : ""}`,
  ];
  if (plan.screened) lines.push(`  offline rules decide ${plan.screened.decided}; ${plan.screened.uncertain} uncertain pair(s) go to the judge`);
  for (const j of plan.judges) {
    if (j.backend === "offline") {
      lines.push(`  ${j.label}: ${j.pairs} pairs, no calls, no cost`);
      continue;
    }
    lines.push(
      `  ${j.label}${j.server ? ` at ${j.server}` : ""} (temperature ${j.temperature ?? "default"}, seed ${j.seed ?? "default"}): ${j.pairs} pairs, ${j.cached} in the cache, ${j.calls} calls to make`,
    );
    lines.push(
      `    estimated tokens: ${tokens(j.inputTokens)} in (${tokens(j.promptChars)} prompt characters / ${plan.charsPerToken}), ${tokens(j.outputTokens)} out (${plan.answerTokens} per answer); largest prompt ~${tokens(j.largestPromptTokens)} tokens${plan.numCtx !== null && j.backend === "ollama" && j.largestPromptTokens > plan.numCtx ? ` (over --num-ctx ${plan.numCtx}: raise it)` : ""}`,
    );
    if (!j.free) {
      lines.push(
        j.pricing && j.costUsd !== null
          ? `    estimated cost: ${usd(j.costUsd)} at $${j.pricing.inputPerMillion}/M in, $${j.pricing.outputPerMillion}/M out${j.backend === "gemini" && !/^gemini-(1\.|2\.0-)/.test(j.model ?? "") ? "; thinking tokens are billed as output and not in this estimate" : ""}`
          : "    estimated cost: unknown price for this model (pass --price-input/--price-output)",
      );
    } else if (j.warmup) {
      const w = j.warmup;
      if (w.error) lines.push(`    warm-up failed: ${w.error}`);
      else {
        lines.push(
          `    warm-up: ${w.seconds.length} pairs in ${w.seconds.map((s) => s.toFixed(1)).join(", ")} s${w.loadSeconds > 0 ? ` (+${w.loadSeconds.toFixed(1)} s loading the model)` : ""}; median ${w.medianSeconds.toFixed(1)} s per pair`,
        );
        lines.push(
          `    estimated time for the other ${Math.max(0, j.calls - w.seconds.length)} calls: ${duration(w.estimatedSeconds)} one at a time (a server that batches parallel requests is faster at --concurrency N)`,
        );
      }
    } else {
      lines.push(`    self-hosted: no token cost${j.calls > 0 ? "; no warm-up (--warmup 0), so no time estimate" : ""}`);
    }
  }
  return lines.join("\n");
}

export function formatAgreement(rows: readonly AgreementRow[], title: string): string {
  const f = (x: number | null) => (x === null ? "  -  " : x.toFixed(2).padStart(5));
  const lines = [title, "  scope  set           pairs  kappa  band             prec  recall  errors  paper"];
  for (const r of rows) {
    lines.push(
      `  ${r.scope.padEnd(5)}  ${r.set.padEnd(12)} ${String(r.pairs).padStart(6)}  ${f(r.kappa)}  ${r.band.padEnd(15)} ${f(r.precision)}  ${f(r.recall)}  ${String(r.judgeErrors).padStart(6)}  ${f(r.paperKappa)}`,
    );
  }
  return lines.join("\n");
}

export function register(program: Command): void {
  const command = program
    .command("judge")
    .description(
      `LLM relevance check (paper 5.3): judge every (model, activity) of ${RUN_FILES.unique}; writes ${RUN_FILES.verdicts} and ${RUN_FILES.seModels}`,
    )
    .requiredOption("--run <dir>", `run directory (holds ${RUN_FILES.unique})`)
    .option("--corpus <dir>", `corpus the run was made from (default: from ${RUN_FILES.runInfo})`);
  addJudgeOptions(command)
    .option(
      "--dry-run",
      "print the pairs to judge, cache hits, estimated tokens and cost (or, for a self-hosted server, time from a short warm-up); writes no verdicts",
    )
    .option("--warmup <n>", "pairs a self-hosted server judges in a dry run to time it (0: none)", integerAtLeast("--warmup", 0), 3)
    .option("--cache-dir <dir>", "verdict cache directory (default <run>/../.cache/llm)")
    .option("--concurrency <n>", "pairs in flight", positiveInt("--concurrency"), 4)
    .option("--price-input <usd>", "USD per 1M input tokens (default: list price of the model when known)")
    .option("--price-output <usd>", "USD per 1M output tokens")
    .option("--max-card-chars <n>", "card body characters sent per call before truncation", "12000")
    .addHelpText(
      "after",
      "\nKeys come from the environment only: GEMINI_API_KEY, OPENAI_API_KEY (optional for local servers), OLLAMA_API_KEY (optional).\n" +
        "Examples:\n" +
        "  hf-se-atlas judge --run out/run --judge ollama --model qwen2.5:7b-instruct --dry-run\n" +
        "  hf-se-atlas judge --run out/run --judge openai --model qwen2.5-7b-instruct --base-url http://127.0.0.1:8000/v1\n" +
        "  hf-se-atlas judge --run out/run --judge gemini --only-uncertain",
    )
    .action(async (options: JudgeOptions) => {
      const selection = judgeSelectionOf(options);
      const corpusDir = corpusDirOf(options.run, options.corpus);
      const common = {
        runDir: options.run,
        corpusDir,
        ...selection,
        cacheDir: options.cacheDir,
        concurrency: options.concurrency,
        pricing: { inputPerMillion: number(options.priceInput, "--price-input"), outputPerMillion: number(options.priceOutput, "--price-output") },
        excerpt: { maxBodyChars: number(options.maxCardChars, "--max-card-chars") },
      };
      if (options.dryRun) {
        const plan = await planRelevanceCheck({ ...common, warmup: options.warmup });
        process.stdout.write(`${formatPlan(plan)}\n`);
        // A judge that could not answer its warm-up would fail the run too: say so in the exit status.
        const failed = plan.judges.find((j) => j.warmup?.error);
        if (failed) throw new Error(`dry run: the warm-up of ${failed.label} failed: ${failed.warmup!.error}`);
        return;
      }
      // The run directory is owned from the verdicts to the funnel row and the agreement table.
      await withRunLock(options.run, () => judgeAndRecord(options.run, corpusDir, common));
    });
}

/** The relevance check, then its counts in the funnel table and (on a synthetic corpus) its agreement with the ground truth. */
async function judgeAndRecord(runDir: string, corpusDir: string, common: Parameters<typeof runRelevanceCheck>[0]): Promise<void> {
  const result = await runRelevanceCheck(common);
  process.stdout.write(`${formatRelevance(result)}\n`);
  const failed = mostlyFailed(result);
  // No silent success: the verdicts are written for inspection, but the command fails.
  if (failed) throw new Error(`${failed}; verdicts written to ${result.verdictsPath}`);
  const flagged = readVerdicts(result.verdictsPath).filter((v) => v.injectionSuspected);
  if (flagged.length > 0) {
    process.stdout.write(
      `  ${flagged.length} verdict(s) on cards that address the judge (e.g. ${flagged[0]!.id}: "${flagged[0]!.injectionSuspected}"): marked injectionSuspected, for a human (pilot sample puts them in the review set)\n`,
    );
  }
  // A run written by the funnel gets its last stage, so its funnel table reads end to end.
  if (isFunnelRun(runDir)) await recordRelevantCounts(runDir, relevantCountsOf(result), uncertainCountsOf(result));
  // A synthetic corpus knows the answer: report the judge's agreement with it.
  const truthPath = join(corpusDir, GROUND_TRUTH_FILE);
  if (existsSync(truthPath)) {
    const verdicts = readVerdicts(result.verdictsPath);
    const rows = agreementRows(verdicts, groundTruthReference(verdicts, readGroundTruth(truthPath)), "ground-truth");
    await writeAgreement(runDir, "ground-truth", rows);
    process.stdout.write(`${formatAgreement(rows, `${result.judge} vs the synthetic ground truth (${truthPath})`)}\n`);
  } else {
    process.stdout.write(
      `${result.judge}: agreement not measured for this run (no ground truth; label pairs with pilot sample/export/import, then pilot kappa)\n`,
    );
  }
}
