/**
 * Pilot sample sizes: Cochran's formula with the finite population correction.
 *
 * n0 = z^2 p (1 - p) / e^2, then n = n0 / (1 + (n0 - 1) / N), rounded up. With the paper's
 * settings (95% confidence, z = 1.96, p = 0.5, 5% margin) this gives its Table IV exactly.
 */

import { PAPER_SAMPLE_SIZE_SETTINGS } from "../paper/reported";

export interface SampleSizeOptions {
  /** Standard normal quantile for the confidence level; 1.96 for 95%. */
  z?: number;
  /** Expected proportion; 0.5 is the most conservative choice. */
  p?: number;
  /** Margin of error as a fraction; 0.05 for 5%. */
  margin?: number;
}

export const PAPER_SAMPLE_SIZE_OPTIONS: Required<SampleSizeOptions> = PAPER_SAMPLE_SIZE_SETTINGS;

/** Sample size for a population of `population` units; never more than the population itself. */
export function cochranSampleSize(population: number, options: SampleSizeOptions = {}): number {
  const { z, p, margin } = { ...PAPER_SAMPLE_SIZE_OPTIONS, ...options };
  if (!Number.isInteger(population) || population < 0) throw new RangeError(`population must be a non-negative integer, got ${population}`);
  if (!(margin > 0 && margin < 1)) throw new RangeError(`margin must be in (0, 1), got ${margin}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (population === 0) return 0;
  const infinite = (z * z * p * (1 - p)) / (margin * margin);
  const corrected = infinite / (1 + (infinite - 1) / population);
  // Round away floating-point noise before ceiling so an exact integer is not bumped up by 1e-12.
  return Math.min(population, Math.ceil(Number(corrected.toFixed(9))));
}
