/**
 * Search one model and say why: every occurrence with its provenance, section and raw context, the
 * Table III verdict, the documentation category, what the model is a candidate for, its SE signals,
 * and, per candidate activity, the offline judge's outcome with its reasons and the evidence it
 * weighed. For people checking a result by eye (`hf-se-atlas explain`). The near-identical-card stage
 * needs the whole corpus and is not part of it.
 */
import type { ModelRecord } from "../corpus/record";
import { applyOutlierRules, modelsAfterOutliers, type OutlierTasks } from "../filter/outliers";
import type { Preparer } from "../prepare/preparer";
import type { CandidateModel, DocumentationRow, Occurrence } from "../run/tables";
import type { FieldProblem } from "../search/fields";
import { searchRecord } from "../search/match";
import type { CompiledTaxonomy } from "../search/phrases";
import type { Outcome } from "../judges/candidate";
import { OfflineRulesJudge, type EvidenceItem } from "../judges/offline-rules";
import type { SeSignal } from "../signals/signals";
import { activityCodeOf, ACTIVITY_CODES } from "../taxonomy/taxonomy";

/** The offline judge's decision on one candidate activity. */
export interface ExplainedVerdict {
  activity: string;
  judge: string;
  outcome: Outcome;
  reasons: string[];
  rationale: string;
  evidence: EvidenceItem[];
}

export interface Explanation {
  modelId: string;
  documentation: DocumentationRow;
  occurrences: Occurrence[];
  /** Null when no occurrence survives the outlier rules. */
  candidate: CandidateModel | null;
  /** SE signals that are not task phrases (src/signals/). */
  signals: SeSignal[];
  /** The offline judge per candidate activity (empty when there is no candidate or judging was not asked). */
  verdicts: ExplainedVerdict[];
  problems: FieldProblem[];
}

export interface ExplainOptions {
  outlierTasks?: OutlierTasks;
  /** Judge each candidate activity with this judge (default: the offline judge); null: do not judge. */
  judge?: OfflineRulesJudge | null;
}

export function explainRecord(record: ModelRecord, compiled: CompiledTaxonomy, preparer: Preparer, options: ExplainOptions = {}): Explanation {
  const { matches, documentation, problems } = searchRecord(record, compiled, preparer);
  const occurrences = applyOutlierRules(record, matches, options.outlierTasks);
  const candidate = modelsAfterOutliers(occurrences)[0] ?? null;
  const judge = options.judge === undefined ? new OfflineRulesJudge({ phrases: { compiled, preparer } }) : options.judge;
  const signals = judge ? judge.signalsOf(record) : [];
  const verdicts: ExplainedVerdict[] = [];
  if (judge && candidate) {
    for (const activity of ACTIVITY_CODES) {
      if (!candidate.activities.includes(activity)) continue;
      const evidence = occurrences.filter((o) => o.excludedBy === null && activityCodeOf(o.activity) === activity);
      const d = judge.decide({ record, activity, evidence });
      verdicts.push({ activity, judge: judge.label, outcome: d.outcome, reasons: d.reasons, rationale: d.rationale, evidence: d.evidence });
    }
  }
  return { modelId: record.id, documentation, occurrences, candidate, signals, verdicts, problems };
}

/** Plain-text report; control characters in the context are shown escaped so each occurrence stays on one line. */
export function formatExplanation(e: Explanation): string {
  const lines = [`${e.modelId}: ${e.documentation.category}`];
  if (e.occurrences.length === 0) lines.push("  no task occurrences");
  for (const o of e.occurrences) {
    const verdict = o.excludedBy === null ? "kept" : `excluded by ${o.excludedBy}`;
    const place = `${o.provenance} ${o.field}@${o.charStart}${o.section ? ` in "${oneLine(o.section)}"` : ""}`;
    lines.push(`  ${o.activity} ${o.task.padEnd(28)} ${place.padEnd(36)} ${oneLine(o.before)}[${oneLine(o.raw)}]${oneLine(o.after)}  -> ${verdict}`);
  }
  lines.push(
    e.candidate
      ? `  candidate after outlier rules: ${e.candidate.activities.join(", ")} (${e.candidate.tasks.join(", ")})`
      : "  not a candidate after outlier rules",
  );
  if (e.signals.length > 0) {
    lines.push("  SE signals (not task phrases):");
    for (const s of e.signals) lines.push(`    ${(s.activity ?? "any").padEnd(3)} ${s.label.padEnd(40)} ${s.provenance} ${s.field}`);
  }
  for (const v of e.verdicts) {
    lines.push(`  judge ${v.judge}, ${v.activity}: ${v.outcome.toUpperCase()} [${v.reasons.join(", ")}]`);
    lines.push(`    ${oneLine(v.rationale)}`);
    if (v.evidence.length > 0) lines.push("    weight software  evidence                             where: why");
    for (const item of v.evidence.slice(0, 8)) {
      const where = `${item.provenance}${item.section ? ` in "${oneLine(item.section)}"` : ""}${item.sectionClass ? ` (${item.sectionClass})` : ""}`;
      lines.push(
        `    ${item.weight.toFixed(2)} ${item.software.toFixed(2)}  ${(item.kind === "task" ? `"${item.label}"` : item.label).padEnd(36)} ${where}: ${oneLine(item.note)}`,
      );
    }
    if (v.evidence.length > 8) lines.push(`    ... ${v.evidence.length - 8} more evidence items (--json shows all)`);
  }
  for (const p of e.problems) lines.push(`  problem ${p.code}: ${p.message}`);
  return `${lines.join("\n")}\n`;
}

function oneLine(text: string): string {
  // Control characters are exactly what this escapes.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
