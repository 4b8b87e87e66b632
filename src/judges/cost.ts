/**
 * Token cost of a run. Prices are parameters (USD per million tokens), not facts baked into results:
 * the defaults are Google's published paid-tier list prices for text on gemini-2.0-flash at the time
 * of writing ($0.10 input, $0.40 output); pass your own with `--price-input/--price-output`.
 */
import type { Usage } from "./candidate";

export interface Pricing {
  inputPerMillion: number;
  outputPerMillion: number;
}

export const DEFAULT_PRICING: Readonly<Record<string, Pricing>> = {
  "gemini-2.0-flash": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
};

export function pricingFor(model: string, override?: Partial<Pricing>): Pricing | null {
  const base = DEFAULT_PRICING[model];
  if (!base && (override?.inputPerMillion === undefined || override?.outputPerMillion === undefined)) return null;
  return { inputPerMillion: override?.inputPerMillion ?? base!.inputPerMillion, outputPerMillion: override?.outputPerMillion ?? base!.outputPerMillion };
}

/** Cost in USD, or null when no price is known for the model. */
export function costOf(usage: Usage, pricing: Pricing | null): number | null {
  if (!pricing) return null;
  return (usage.promptTokens * pricing.inputPerMillion + usage.outputTokens * pricing.outputPerMillion) / 1_000_000;
}
