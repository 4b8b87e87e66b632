/**
 * A verdict's outcome: relevant, not relevant, uncertain (the judge would not decide), or an error.
 *
 * A judge that may abstain (the offline rules v3 say "uncertain" when the evidence is thin or
 * conflicting) marks it with an `outcome` field or, equivalently, with `relevant: null` and no error.
 * Selections such as `judge --only-uncertain` read the outcome through here, so they work with either form.
 */
import type { Outcome, Verdict } from "../run/tables";

export type VerdictOutcome = "relevant" | "not-relevant" | "uncertain" | "error";

const UNCERTAIN = new Set(["uncertain", "unsure", "abstain", "abstained", "undecided", "unknown"]);

export function outcomeOf(verdict: Verdict & { outcome?: unknown }): VerdictOutcome {
  if (verdict.error !== null) return "error";
  const declared =
    typeof verdict.outcome === "string"
      ? verdict.outcome
          .trim()
          .toLowerCase()
          .replace(/[\s_]+/g, "-")
      : null;
  if (declared !== null && UNCERTAIN.has(declared)) return "uncertain";
  if (verdict.relevant === true) return "relevant";
  if (verdict.relevant === false) return "not-relevant";
  return "uncertain";
}

export function isUncertain(verdict: Verdict): boolean {
  return outcomeOf(verdict) === "uncertain";
}

/**
 * A verdict as the relevance stage writes it: `outcome` filled in from the verdict (null for an
 * error), `reasons` and `evidence` empty when the judge gave none.
 */
export function completeVerdict<V extends Verdict>(verdict: V): V & { outcome: Outcome | null; reasons: string[]; evidence: string } {
  const outcome = outcomeOf(verdict);
  return { ...verdict, outcome: outcome === "error" ? null : outcome, reasons: verdict.reasons ?? [], evidence: verdict.evidence ?? "[]" };
}
