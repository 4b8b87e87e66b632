import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { PAPER_FUNNEL } from "../../paper/reported";
import { GROUND_TRUTH_FILE, readGroundTruth } from "../../demo/ground-truth";
import { DEFAULT_GEMINI_MODEL } from "../../judges/gemini";
import { VERDICT_COLUMNS } from "../../judges/stage-tables";
import { runRelevanceCheck, type JudgeChoice, type RelevanceCheckResult } from "../../pipeline/relevance";
import { AGREEMENT_COLUMNS, agreementRows, groundTruthReference, type AgreementRow } from "../../validate/annotations";
import { validateDir } from "../../validate/pilot-files";
import { readRows, writeRows } from "../../util/arrow-table";
import { ACTIVITY_CODES } from "../../taxonomy/taxonomy";
import { isFunnelRun, recordRelevantCounts, relevantCountsOf, uncertainCountsOf } from "../../pipeline/funnel";
import { positiveInt } from "../options";
import { errorMessage } from "../../util/text";

interface JudgeOptions {
  run: string;
  corpus?: string;
  offline?: boolean;
  gemini?: boolean;
  model: string;
  cacheDir?: string;
  concurrency: number;
  priceInput?: string;
  priceOutput?: string;
  maxCardChars?: string;
}

/** The corpus a run was made from: `--corpus`, else run.json's `corpus` (a path or {dir|path}). */
export function corpusDirOf(runDir: string, explicit?: string): string {
  if (explicit) return resolve(explicit);
  const runJson = join(runDir, "run.json");
  if (existsSync(runJson)) {
    let config: { corpus?: unknown; config?: { corpus?: unknown } } | null;
    try {
      config = JSON.parse(readFileSync(runJson, "utf8")) as typeof config;
    } catch (error) {
      throw new Error(`${runJson} is not valid JSON (${errorMessage(error)}): fix it or pass --corpus <dir>`, { cause: error });
    }
    for (const value of [config?.corpus, config?.config?.corpus]) {
      const v = value as { dir?: unknown; path?: unknown } | null | undefined;
      const path = typeof value === "string" ? value : typeof v?.dir === "string" ? v.dir : typeof v?.path === "string" ? v.path : null;
      if (path === null) continue;
      // The funnel writes paths relative to the working directory it ran in; fall back to the run directory.
      const candidates = [resolve(path), resolve(runDir, path)];
      return candidates.find((c) => existsSync(join(c, "manifest.json"))) ?? candidates[0]!;
    }
  }
  throw new Error(`cannot tell which corpus ${runDir} came from (no corpus in run.json): pass --corpus <dir>`);
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${value}"`);
  return n;
}

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
  if (result.uncertain > 0) lines.push(`  uncertain pairs are not counted as SE; send them to people with: pilot export --run <dir> --uncertain`);
  lines.push(`  SE models: ${result.seModels} (paper, whole Hub: ${PAPER_FUNNEL.seModels.toLocaleString("en-US")}) -> ${result.seModelsPath}`);
  if (result.judge.startsWith("gemini:")) {
    const cost = result.costUsd === null ? "unknown price (pass --price-input/--price-output)" : `$${result.costUsd.toFixed(4)}`;
    lines.push(`  tokens: ${result.usage.promptTokens} in, ${result.usage.outputTokens} out, ${result.usage.calls} calls; cost ${cost}`);
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
  program
    .command("judge")
    .description("LLM relevance check (paper 5.3): judge every (model, activity) of filter/unique.arrow; writes filter/verdicts.arrow and se-models.arrow")
    .requiredOption("--run <dir>", "run directory (holds filter/unique.arrow)")
    .option("--corpus <dir>", "corpus the run was made from (default: from run.json)")
    .option("--offline", "use the rule-based offline judge (default when GEMINI_API_KEY is unset)")
    .option("--gemini", "require the Gemini judge (fails without GEMINI_API_KEY)")
    .option("--model <name>", "Gemini model", DEFAULT_GEMINI_MODEL)
    .option("--cache-dir <dir>", "verdict cache directory (default <run>/../.cache/llm)")
    .option("--concurrency <n>", "requests in flight", positiveInt("--concurrency"), 4)
    .option("--price-input <usd>", "USD per 1M input tokens (default: list price of the model when known)")
    .option("--price-output <usd>", "USD per 1M output tokens")
    .option("--max-card-chars <n>", "card body characters sent per call before truncation", "12000")
    .action(async (options: JudgeOptions) => {
      if (options.offline && options.gemini) throw new Error("choose one of --offline and --gemini");
      const judge: JudgeChoice = options.offline ? "offline" : options.gemini ? "gemini" : "auto";
      const corpusDir = corpusDirOf(options.run, options.corpus);
      const result = await runRelevanceCheck({
        runDir: options.run,
        corpusDir,
        judge,
        model: options.model,
        cacheDir: options.cacheDir,
        concurrency: options.concurrency,
        pricing: { inputPerMillion: number(options.priceInput, "--price-input"), outputPerMillion: number(options.priceOutput, "--price-output") },
        excerpt: { maxBodyChars: number(options.maxCardChars, "--max-card-chars") },
      });
      process.stdout.write(`${formatRelevance(result)}\n`);
      // A run written by the funnel gets its last stage, so funnel.arrow reads end to end.
      if (isFunnelRun(options.run)) await recordRelevantCounts(options.run, relevantCountsOf(result), uncertainCountsOf(result));
      // A synthetic corpus knows the answer: report the judge's agreement with it.
      const truthPath = join(corpusDir, GROUND_TRUTH_FILE);
      if (existsSync(truthPath)) {
        const verdicts = readRows(result.verdictsPath, VERDICT_COLUMNS);
        const rows = agreementRows(verdicts, groundTruthReference(verdicts, readGroundTruth(truthPath)), "ground-truth");
        await writeRows(join(validateDir(options.run), "agreement-ground-truth.arrow"), rows, AGREEMENT_COLUMNS);
        process.stdout.write(`${formatAgreement(rows, `${result.judge} vs the synthetic ground truth (${truthPath})`)}\n`);
      } else {
        process.stdout.write(
          `${result.judge}: agreement not measured for this run (no ground truth; label pairs with pilot sample/export/import, then pilot kappa)\n`,
        );
      }
    });
}
