/**
 * A jury: three or more judges vote on each (model, activity) pair, and the strict majority of all
 * jurors decides. A juror that failed (an error) or abstained counts as no vote, so a pair is decided
 * only when more than half of the whole jury agrees; otherwise the pair's verdict is an error saying
 * how the votes fell. Each juror's own verdict is kept beside the jury's (the run's jury verdicts table).
 */
import type { RecordedVerdict } from "../run/tables";
import { outcomeOf } from "./outcome";

export const MIN_JURORS = 3;

export function juryLabel(jurorLabels: readonly string[]): string {
  return `jury(${jurorLabels.join(", ")})`;
}

/** The jury's verdict from its jurors' verdicts on one pair (all for the same id and activity, in juror order). */
export function majorityVerdict(votes: readonly RecordedVerdict[], label: string = juryLabel(votes.map((v) => v.judge))): RecordedVerdict {
  if (votes.length < MIN_JURORS) throw new RangeError(`a jury needs at least ${MIN_JURORS} jurors, got ${votes.length}`);
  const { id, activity } = votes[0]!;
  const outcomes = votes.map((v) => outcomeOf(v));
  const yes = outcomes.filter((o) => o === "relevant").length;
  const no = outcomes.filter((o) => o === "not-relevant").length;
  const failed = votes.length - yes - no;
  const tally = `${yes} relevant, ${no} not relevant${failed > 0 ? `, ${failed} without a vote` : ""} of ${votes.length}`;
  const ballots = votes.map((v, i) => `${v.judge}: ${outcomes[i]}`).join("; ");
  const promptHash = [...new Set(votes.map((v) => v.promptHash))].join("+");
  const base = { id, activity, judge: label, promptHash, backend: "jury", model: null, temperature: null, seed: null };
  const half = votes.length / 2;
  if (yes > half || no > half) {
    return { ...base, relevant: yes > half, rationale: `majority of the jury (${tally}): ${ballots}`, error: null };
  }
  const firstError = votes.find((v) => v.error !== null)?.error;
  return {
    ...base,
    relevant: null,
    rationale: "",
    error: `${id} (${activity}): ${label}: no majority (${tally})${firstError ? `; first error: ${firstError}` : ""}`,
  };
}
