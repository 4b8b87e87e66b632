/**
 * Search one model and say why: every occurrence with its raw context, the Table III verdict, the
 * documentation category, and what the model is a candidate for. For people checking a result by eye
 * (`hf-se-atlas explain`).
 */
import type { ModelRecord } from "../corpus/record";
import { applyOutlierRules, modelsAfterOutliers, type CandidateModel, type Occurrence, type OutlierTasks } from "../filter/outliers";
import type { Preparer } from "../prepare/preparer";
import type { DocumentationRow } from "../search/documentation";
import type { FieldProblem } from "../search/fields";
import { searchRecord } from "../search/match";
import type { CompiledTaxonomy } from "../search/phrases";

export interface Explanation {
  modelId: string;
  documentation: DocumentationRow;
  occurrences: Occurrence[];
  /** Null when no occurrence survives the outlier rules. */
  candidate: CandidateModel | null;
  problems: FieldProblem[];
}

export function explainRecord(record: ModelRecord, compiled: CompiledTaxonomy, preparer: Preparer, outlierTasks?: OutlierTasks): Explanation {
  const { matches, documentation, problems } = searchRecord(record, compiled, preparer);
  const occurrences = applyOutlierRules(record, matches, outlierTasks);
  return { modelId: record.id, documentation, occurrences, candidate: modelsAfterOutliers(occurrences)[0] ?? null, problems };
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
