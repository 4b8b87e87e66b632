/**
 * Judge selection on the command line, the same for `judge` and `replicate`:
 *   --judge gemini|openai|ollama|offline   --model NAME   --base-url URL
 *   --temperature T   --seed N   --jury B:MODEL[@URL],...   --only-uncertain   --num-ctx N
 * and the older aliases `--offline` (= --judge offline) and `--gemini` (= --judge gemini).
 * Keys are never options: each backend reads its own environment variable.
 */
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_GEMINI_MODEL, PAPER_GEMINI_MODEL } from "../judges/gemini";
import { DEFAULT_OLLAMA_MODEL, DEFAULT_OLLAMA_NUM_CTX } from "../judges/ollama";
import { LOCAL_DEFAULT_SEED, LOCAL_DEFAULT_TEMPERATURE } from "../judges/openai-compatible";
import { BACKENDS, parseBackend, parseJury } from "../pipeline/judge-panel";
import type { JudgeChoice, RelevanceCheckOptions } from "../pipeline/relevance";
import { positiveInt } from "./options";

export interface JudgeFlags {
  judge?: string;
  model?: string;
  baseUrl?: string;
  temperature?: number | null;
  seed?: number | null;
  jury?: string;
  onlyUncertain?: boolean;
  numCtx?: number;
  offline?: boolean;
  gemini?: boolean;
}

/** The judge options of a run, as runRelevanceCheck takes them. */
export type JudgeSelection = Pick<RelevanceCheckOptions, "judge" | "model" | "baseUrl" | "temperature" | "seed" | "jury" | "onlyUncertain" | "numCtx">;

/** A number >= 0, or `default` to send none (the server's own default applies). */
function temperatureArg(value: string): number | null {
  if (value.trim().toLowerCase() === "default") return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 2) throw new InvalidArgumentError("--temperature must be a number from 0 to 2, or default");
  return n;
}

function seedArg(value: string): number | null {
  if (value.trim().toLowerCase() === "default") return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw new InvalidArgumentError("--seed must be an integer from 0 to 2147483647, or default");
  return n;
}

export function addJudgeOptions(command: Command): Command {
  return command
    .option("--judge <backend>", `relevance judge: ${BACKENDS.join(", ")} (default: gemini when GEMINI_API_KEY is set, else offline)`)
    .option(
      "--model <name>",
      `LLM model; default for gemini: ${DEFAULT_GEMINI_MODEL} (Google's current stable Flash; the paper used ${PAPER_GEMINI_MODEL}, shut down on 2026-06-01), for ollama: ${DEFAULT_OLLAMA_MODEL}; openai needs one`,
    )
    .option(
      "--base-url <url>",
      "server of the judge: an OpenAI-compatible API (default https://api.openai.com/v1; e.g. http://127.0.0.1:8000/v1 for vLLM) or Ollama (default http://127.0.0.1:11434)",
    )
    .option(
      "--temperature <t>",
      `sampling temperature sent with every request, or "default" to send none (default: none for gemini, ${LOCAL_DEFAULT_TEMPERATURE} for openai and ollama)`,
      temperatureArg,
    )
    .option(
      "--seed <n>",
      `sampling seed sent with every request, or "default" to send none (default: none for gemini, ${LOCAL_DEFAULT_SEED} for openai and ollama)`,
      seedArg,
    )
    .option(
      "--jury <judges>",
      "majority vote of three or more judges, comma-separated backend:model[@url], e.g. gemini:gemini-3.8-flash,openai:qwen2.5-7b-instruct@http://127.0.0.1:8000/v1,ollama:llama3.1:8b",
    )
    .option("--only-uncertain", "let the offline rules decide what they can; send only the pairs they leave uncertain to the judge or jury")
    .option("--num-ctx <n>", `context window asked of Ollama (default ${DEFAULT_OLLAMA_NUM_CTX})`, positiveInt("--num-ctx"))
    .option("--offline", "same as --judge offline")
    .option("--gemini", "same as --judge gemini (fails without GEMINI_API_KEY)");
}

export function judgeSelectionOf(flags: JudgeFlags): JudgeSelection {
  const aliases = [flags.offline ? "offline" : null, flags.gemini ? "gemini" : null].filter((a): a is string => a !== null);
  if (aliases.length > 1) throw new Error("choose one of --offline and --gemini");
  const named = flags.judge !== undefined ? parseBackend(flags.judge) : null;
  if (named && aliases.length > 0 && aliases[0] !== named) throw new Error(`--${aliases[0]} contradicts --judge ${named}`);
  if (flags.jury !== undefined && (named || aliases.length > 0)) throw new Error("choose either --jury or a single --judge");
  const judge: JudgeChoice = named ?? (aliases[0] as JudgeChoice | undefined) ?? "auto";
  if (flags.jury !== undefined) {
    for (const flag of ["model", "baseUrl"] as const) {
      if (flags[flag] !== undefined) throw new Error(`--jury names each juror's model and server; drop --${flag === "baseUrl" ? "base-url" : "model"}`);
    }
  }
  if (judge === "offline" && (flags.model !== undefined || flags.baseUrl !== undefined)) throw new Error("the offline judge takes no --model or --base-url");
  const jury =
    flags.jury !== undefined
      ? parseJury(flags.jury).map((spec) => (spec.backend === "offline" ? spec : { ...spec, temperature: flags.temperature, seed: flags.seed }))
      : undefined;
  return {
    judge,
    model: flags.model,
    baseUrl: flags.baseUrl,
    temperature: flags.temperature,
    seed: flags.seed,
    ...(jury ? { jury } : {}),
    onlyUncertain: flags.onlyUncertain ?? false,
    numCtx: flags.numCtx,
  };
}
