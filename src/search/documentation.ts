/**
 * Documentation status per model (paper Table VI) and its summary.
 *
 * Categories are exclusive and decided in this order:
 *   1. "no-card"              no README, or it could not be read (cardStatus none / gated / failed);
 *   2. "empty-card"           a README with nothing after its front matter;
 *   3. "card-with-se-task"    the card text or its metadata matched at least one task;
 *   4. "card-without-se-task" otherwise.
 * Abstract matches are reported beside the categories (the paper's extra rows): models whose linked
 * abstract matched, the union of models matched anywhere, and those found only through abstracts.
 * union = card-with-se-task + abstract-only + metadata-only-without-card (three disjoint sets).
 */
import { arxivFieldsOf, unresolvedArxivIds } from "../corpus/arxiv-status";
import type { ModelRecord } from "../corpus/record";
import { PAPER_TABLE_VI, type DocumentationCategory, type DocumentationSummaryKey } from "../paper/reported";
import type { DocumentationRow, DocumentationSummaryRow } from "../run/tables";
import { hasReadableCard } from "./fields";

/** What the corpus's source cannot tell, as far as Table VI is concerned. */
export interface DocumentationSourceLimits {
  /** Models without a README are absent from the source (a card dump): "card not available" cannot be counted. */
  modelsWithoutReadmeAbsent?: boolean;
}

/** The limits a corpus manifest records (`source.notInSource`, written by the card-dump ingest). */
export function documentationLimitsOf(manifest: Record<string, unknown>): DocumentationSourceLimits {
  const source = manifest.source as { notInSource?: Record<string, unknown> } | undefined;
  return { modelsWithoutReadmeAbsent: typeof source?.notInSource?.modelsWithoutReadme === "string" };
}

/** Rows that depend on arXiv abstracts. */
const ABSTRACT_ROWS: readonly DocumentationSummaryKey[] = ["abstract-with-se-task", "union-with-se-task", "abstract-only"];

export function documentationRowOf(record: ModelRecord, matches: readonly { source: string }[]): DocumentationRow {
  const matchedInCard = matches.some((m) => m.source === "card");
  const matchedInMetadata = matches.some((m) => m.source === "metadata");
  const matchedInAbstract = matches.some((m) => m.source === "abstract");
  const category: DocumentationCategory =
    record.cardStatus === "none" || record.cardStatus === "gated" || record.cardStatus === "failed"
      ? "no-card"
      : record.cardStatus === "empty" || !hasReadableCard(record)
        ? "empty-card"
        : matchedInCard || matchedInMetadata
          ? "card-with-se-task"
          : "card-without-se-task";
  return {
    modelId: record.id,
    category,
    matchedInCard,
    matchedInMetadata,
    matchedInAbstract,
    hasAbstract: record.papers.some((p) => p.abstract !== null && p.abstract.trim() !== ""),
    arxivUnresolved: unresolvedArxivIds(arxivFieldsOf(record)).length > 0,
  };
}

export const DOCUMENTATION_SUMMARY_ORDER: readonly DocumentationSummaryKey[] = [
  "no-card",
  "empty-card",
  "card-without-se-task",
  "card-with-se-task",
  "abstract-with-se-task",
  "union-with-se-task",
  "abstract-only",
  "metadata-only-without-card",
];

/**
 * Count the rows into Table VI (percentages of all models, two decimals as in the paper). A row the source
 * cannot tell gets null counts and the reason in `notInSource`: "card not available" when models without a
 * README are absent (`limits`), and the abstract rows (and the union, which includes them) when some
 * model's arXiv ids were never looked up.
 */
export function summariseDocumentation(rows: Iterable<DocumentationRow>, limits: DocumentationSourceLimits = {}): DocumentationSummaryRow[] {
  const counts = Object.fromEntries(DOCUMENTATION_SUMMARY_ORDER.map((k) => [k, 0])) as Record<DocumentationSummaryKey, number>;
  let total = 0;
  let unresolved = 0;
  for (const row of rows) {
    total++;
    if (row.arxivUnresolved) unresolved++;
    counts[row.category]++;
    const matchedAnywhere = row.matchedInCard || row.matchedInMetadata || row.matchedInAbstract;
    if (row.matchedInAbstract) counts["abstract-with-se-task"]++;
    if (matchedAnywhere) counts["union-with-se-task"]++;
    if (row.matchedInAbstract && !row.matchedInCard && !row.matchedInMetadata) counts["abstract-only"]++;
    if (row.matchedInMetadata && (row.category === "no-card" || row.category === "empty-card")) counts["metadata-only-without-card"]++;
  }
  const notInSource = (key: DocumentationSummaryKey): string | null => {
    if (key === "no-card" && limits.modelsWithoutReadmeAbsent) return "not in the source: the card dump lists only models with a README";
    if (ABSTRACT_ROWS.includes(key) && unresolved > 0)
      return `not in the source: ${unresolved} models have arXiv ids whose abstracts were never fetched (run \`hf-se-atlas abstracts\`)`;
    return null;
  };
  return DOCUMENTATION_SUMMARY_ORDER.map((key) => {
    const paper = PAPER_TABLE_VI.rows[key];
    const missing = notInSource(key);
    return {
      key,
      label: paper.label,
      models: missing === null ? counts[key] : null,
      percent: missing !== null ? null : total === 0 ? 0 : Math.round((counts[key] / total) * 10_000) / 100,
      paperModels: paper.models,
      paperPercent: paper.percent,
      notInSource: missing,
    };
  });
}
