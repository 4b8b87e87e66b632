/**
 * A verdict's outcome: relevant, not relevant, uncertain (the judge would not decide), or an error.
 *
 * Today's judges decide or fail; a judge that may abstain (the offline rules, once they say "uncertain")
 * marks it with an `outcome` field or, equivalently, with `relevant: null` and no error. Selections such
 * as `judge --only-uncertain` read the outcome through here, so they work with either form.
 */
import type { Verdict } from "../run/tables";

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
