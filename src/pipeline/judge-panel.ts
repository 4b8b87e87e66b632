/**
 * Which judges a relevance run uses, and building them: one judge (`--judge gemini|openai|ollama|offline`),
 * a jury of three or more (`--jury gemini:MODEL,openai:MODEL@URL,ollama:MODEL`), optionally only on the
 * pairs the offline rules leave uncertain (`--only-uncertain`). Keys come from the environment only
 * (GEMINI_API_KEY, OPENAI_API_KEY, OLLAMA_API_KEY) and go nowhere but the request headers.
 */
import type { RelevanceJudge } from "../judges/candidate";
import type { JudgeIdentity } from "../run/tables";
import type { ExcerptOptions } from "../judges/card-text";
import { isSelfHosted, pricingFor, type Pricing } from "../judges/cost";
import { DEFAULT_GEMINI_MODEL, GeminiJudge } from "../judges/gemini";
import { MIN_JURORS, juryLabel } from "../judges/jury";
import type { TransportOptions } from "../judges/llm-judge";
import { DEFAULT_OLLAMA_MODEL, OllamaJudge, normaliseOllamaBaseUrl } from "../judges/ollama";
import { OfflineRulesJudge } from "../judges/offline-rules";
import { OpenAiJudge, normaliseOpenAiBaseUrl } from "../judges/openai-compatible";
import { loadPromptTemplates, prepareActivityPrompt, type ActivityPrompt } from "../judges/prompt";
import { loadTaxonomy, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";

export const BACKENDS = ["gemini", "openai", "ollama", "offline"] as const;
export type Backend = (typeof BACKENDS)[number];

/** One judge as asked for on the command line; unset fields take the backend's defaults. */
export interface JudgeSpec {
  backend: Backend;
  model?: string;
  baseUrl?: string;
  /** null: send none (the server's default); undefined: the backend's default. */
  temperature?: number | null;
  seed?: number | null;
}

export const KEY_VARIABLES: Readonly<Record<Exclude<Backend, "offline">, string>> = {
  gemini: "GEMINI_API_KEY",
  openai: "OPENAI_API_KEY",
  ollama: "OLLAMA_API_KEY",
};

export function parseBackend(value: string): Backend {
  const v = value.trim().toLowerCase();
  if (!(BACKENDS as readonly string[]).includes(v)) throw new Error(`--judge must be one of ${BACKENDS.join(", ")}, got "${value}"`);
  return v as Backend;
}

/**
 * `--jury` entries, comma-separated: `backend:model[@base-url]` (`offline` alone for the rules). Only the
 * first colon separates the backend, so Ollama tags keep theirs (`ollama:qwen2.5:7b-instruct`).
 */
export function parseJury(text: string): JudgeSpec[] {
  const specs = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const colon = part.indexOf(":");
      const backend = parseBackend(colon < 0 ? part : part.slice(0, colon));
      if (backend === "offline") {
        if (colon >= 0 && part.slice(colon + 1).trim() !== "") throw new Error(`--jury: the offline judge takes no model ("${part}")`);
        return { backend } satisfies JudgeSpec;
      }
      const rest = colon < 0 ? "" : part.slice(colon + 1);
      const at = rest.indexOf("@");
      const model = (at < 0 ? rest : rest.slice(0, at)).trim();
      const baseUrl = at < 0 ? undefined : rest.slice(at + 1).trim();
      if (model === "" && backend === "openai") throw new Error(`--jury: "${part}" needs a model (openai:MODEL[@URL])`);
      return { backend, ...(model ? { model } : {}), ...(baseUrl ? { baseUrl } : {}) } satisfies JudgeSpec;
    });
  if (specs.length < MIN_JURORS) throw new Error(`--jury needs at least ${MIN_JURORS} judges, got ${specs.length}`);
  return specs;
}

export function defaultModelOf(backend: Backend): string | null {
  return backend === "gemini" ? DEFAULT_GEMINI_MODEL : backend === "ollama" ? DEFAULT_OLLAMA_MODEL : null;
}

/** A spec's label before building it (`backend:model`), for messages and dry runs. */
export function labelOf(spec: JudgeSpec): string {
  if (spec.backend === "offline") return new OfflineRulesJudge().label;
  return `${spec.backend}:${spec.model ?? defaultModelOf(spec.backend) ?? "?"}`;
}

/**
 * The server a spec calls (normalised: origin and path, never a query string or credentials, so a
 * report can name it safely), or null for the offline rules and Gemini's own endpoint.
 */
export function serverOf(spec: JudgeSpec): string | null {
  if (spec.backend === "openai") return normaliseOpenAiBaseUrl(spec.baseUrl);
  if (spec.backend === "ollama") return normaliseOllamaBaseUrl(spec.baseUrl);
  if (!spec.baseUrl) return null;
  try {
    const url = new URL(spec.baseUrl);
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return "(unreadable URL)";
  }
}

/** True for judges that cost nothing per token: the rules, and any server on this machine or network. */
export function isFree(spec: JudgeSpec): boolean {
  if (spec.backend === "offline") return true;
  if (spec.backend === "gemini") return false;
  return isSelfHosted(serverOf(spec)!);
}

/** Price per million tokens of a spec: 0 for free judges, the table or the override otherwise, null if unknown. */
export function pricingOf(spec: JudgeSpec, override?: Partial<Pricing>): Pricing | null {
  if (isFree(spec)) return { inputPerMillion: 0, outputPerMillion: 0 };
  return pricingFor(spec.model ?? defaultModelOf(spec.backend) ?? "", override);
}

export interface BuildOptions {
  taxonomy?: Taxonomy;
  promptDir?: string;
  excerpt?: ExcerptOptions;
  /** Where keys are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** An explicit key for a single judge (library callers and tests); never written anywhere. */
  apiKey?: string;
  /** Ollama's context window (num_ctx). */
  numCtx?: number;
  /** Transport settings (tests: fast backoff, short timeouts). */
  transport?: TransportOptions;
  /** False for dry runs: cloud judges are built without a key (and never called). */
  requireKeys?: boolean;
}

/** Stands in for a missing key in a dry run, where cloud judges are built but never called. */
const NO_KEY_DRY_RUN = "dry-run-without-a-key";

export function loadActivityPrompts(taxonomy: Taxonomy, promptDir?: string): Map<ActivityCode, ActivityPrompt> {
  return new Map([...loadPromptTemplates(promptDir)].map(([code, template]) => [code, prepareActivityPrompt(template, taxonomy)]));
}

/** The key a backend reads from the environment ('' when unset). */
export function keyOf(backend: Backend, options: Pick<BuildOptions, "env" | "apiKey">): string {
  if (backend === "offline") return "";
  if (options.apiKey !== undefined && options.apiKey !== "") return options.apiKey;
  return (options.env ?? process.env)[KEY_VARIABLES[backend]] ?? "";
}

/** Build the judge a spec asks for. */
export function buildJudge(spec: JudgeSpec, options: BuildOptions = {}): RelevanceJudge {
  if (spec.backend === "offline") return new OfflineRulesJudge({ taxonomy: options.taxonomy });
  const taxonomy = options.taxonomy ?? loadTaxonomy();
  const common = { prompts: loadActivityPrompts(taxonomy, options.promptDir), excerpt: options.excerpt, ...options.transport };
  const apiKey = keyOf(spec.backend, options);
  switch (spec.backend) {
    case "gemini":
      if (!apiKey && options.requireKeys !== false)
        throw new Error("the Gemini judge needs GEMINI_API_KEY in the environment (or choose --judge ollama|openai|offline)");
      return new GeminiJudge({
        ...common,
        apiKey: apiKey || NO_KEY_DRY_RUN,
        model: spec.model ?? DEFAULT_GEMINI_MODEL,
        baseUrl: spec.baseUrl,
        temperature: spec.temperature,
        seed: spec.seed,
      });
    case "openai": {
      if (!spec.model) throw new Error("the openai judge needs --model (the model name as the server lists it, e.g. qwen2.5-7b-instruct)");
      const baseUrl = normaliseOpenAiBaseUrl(spec.baseUrl);
      if (!apiKey && !isSelfHosted(baseUrl) && options.requireKeys !== false)
        throw new Error(`the openai judge at ${baseUrl} needs OPENAI_API_KEY in the environment (local servers need none)`);
      return new OpenAiJudge({ ...common, apiKey, model: spec.model, baseUrl, temperature: spec.temperature, seed: spec.seed });
    }
    case "ollama":
      return new OllamaJudge({
        ...common,
        apiKey,
        model: spec.model,
        baseUrl: spec.baseUrl,
        temperature: spec.temperature,
        seed: spec.seed,
        numCtx: options.numCtx,
      });
  }
}

/** The panel of a run: who judges, and whether the offline rules screen first. */
export interface Panel {
  /** One judge, or the jurors of a jury (three or more). */
  jurors: RelevanceJudge[];
  specs: JudgeSpec[];
  /** The offline rules when only their uncertain pairs go to the jurors. */
  screen: RelevanceJudge | null;
  /** The run's judge, as reports name it. */
  label: string;
  /** Identity recorded on a jury's own verdicts. */
  juryIdentity: JudgeIdentity | null;
}

export function panelLabel(jurorLabels: readonly string[], screenLabel: string | null): string {
  const judges = jurorLabels.length === 1 ? jurorLabels[0]! : juryLabel(jurorLabels);
  return screenLabel ? `${screenLabel}, then ${judges} on its uncertain pairs` : judges;
}

export function buildPanel(specs: readonly JudgeSpec[], onlyUncertain: boolean, options: BuildOptions = {}): Panel {
  if (specs.length === 0) throw new Error("no judge chosen");
  if (specs.length > 1 && specs.length < MIN_JURORS) throw new Error(`a jury needs at least ${MIN_JURORS} judges, got ${specs.length}`);
  if (specs.length > 1 && options.apiKey) throw new Error("an explicit key serves one judge; jurors read theirs from the environment");
  const labels = specs.map(labelOf);
  const repeated = labels.find((l, i) => labels.indexOf(l) !== i);
  if (repeated) throw new Error(`the jury names ${repeated} twice: a juror's vote would count double`);
  const jurors = specs.map((spec) => buildJudge(spec, options));
  if (onlyUncertain && specs.length === 1 && specs[0]!.backend === "offline")
    throw new Error("--only-uncertain sends the offline judge's uncertain pairs to another judge: choose --judge gemini|openai|ollama or --jury");
  if (onlyUncertain && specs.length > 1 && specs.some((s) => s.backend === "offline"))
    throw new Error("--only-uncertain already asks the offline judge first: leave it out of the jury");
  const screen = onlyUncertain ? new OfflineRulesJudge() : null;
  return {
    jurors,
    specs: [...specs],
    screen,
    label: panelLabel(
      jurors.map((j) => j.label),
      screen?.label ?? null,
    ),
    juryIdentity: jurors.length > 1 ? { backend: "jury", model: null, temperature: null, seed: null } : null,
  };
}
