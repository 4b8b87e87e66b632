/**
 * Token cost of a run, and the estimate a dry run prints before one.
 *
 * Prices are parameters (USD per million tokens), not facts baked into results. The table holds
 * Google's published paid-tier text prices, read on 2026-11-30:
 * - gemini-3.8-flash: $0.75 input, $3.75 output (output includes thinking tokens). Google lists this
 *   rate "through December 31, 2026"; check https://ai.google.dev/gemini-api/docs/pricing for the
 *   rate after that and pass it with `--price-input/--price-output`.
 * - gemini-2.0-flash (the paper's model): $0.10 input, $0.40 output.
 * Any other model has no price until one is given. Self-hosted servers cost no tokens; the dry run
 * measures their time instead.
 */
import type { Usage } from "./candidate";

export interface Pricing {
  inputPerMillion: number;
  outputPerMillion: number;
}

export const DEFAULT_PRICING: Readonly<Record<string, Pricing>> = {
  "gemini-3.8-flash": { inputPerMillion: 0.75, outputPerMillion: 3.75 },
  "gemini-2.0-flash": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
};

export function pricingFor(model: string, override?: Partial<Pricing>): Pricing | null {
  const base = DEFAULT_PRICING[model];
  if (!base && (override?.inputPerMillion === undefined || override?.outputPerMillion === undefined)) return null;
  return { inputPerMillion: override?.inputPerMillion ?? base!.inputPerMillion, outputPerMillion: override?.outputPerMillion ?? base!.outputPerMillion };
}

/** Cost in USD, or null when no price is known for the model. */
export function costOf(usage: Pick<Usage, "promptTokens" | "outputTokens">, pricing: Pricing | null): number | null {
  if (!pricing) return null;
  return (usage.promptTokens * pricing.inputPerMillion + usage.outputTokens * pricing.outputPerMillion) / 1_000_000;
}

/**
 * Characters per token for the estimate: about 4 for English prose with the BPE and SentencePiece
 * tokenizers these models use (OpenAI's and Google's rule of thumb). Model cards mix prose, code,
 * tables and URLs, which tokenise worse, so treat the estimate as within about ±25 %.
 */
export const CHARS_PER_TOKEN = 4;
/** Output tokens per answer for the estimate: `{"relevant": ..., "rationale": "<one or two sentences>"}`. */
export const ESTIMATED_ANSWER_TOKENS = 60;

/** Estimated tokens of one call from the exact text it sends. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/**
 * Whether a server is self-hosted (no token price): a host named `localhost` or without a dot, a
 * `.local` or `.internal` name, or a loopback or private IPv4/IPv6 address.
 */
export function isSelfHosted(baseUrl: string): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase().replace(/^\[|\]$/g, "");
  } catch {
    return false;
  }
  if (host === "localhost" || (!host.includes(".") && !host.includes(":"))) return true;
  if (/\.(local|internal|localhost|lan|home\.arpa)$/.test(host)) return true;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)
    );
  }
  return host === "::1" || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe80:/.test(host);
}
