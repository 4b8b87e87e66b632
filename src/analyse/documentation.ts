/** RQ1.1 (Table VI): documentation status over all models, beside the paper's counts. */
import { DOCUMENTATION_SUMMARY, type DocumentationSummaryRow } from "../run/tables";
import type { AnalysisTable } from "./table";
import { PAPER_HUB_MODELS } from "../paper/reported";
import { fmt } from "../util/format";

/** Table VI from the summary rows (see summariseDocumentation in src/search/documentation.ts). */
export function documentationTable(summary: DocumentationSummaryRow[]): AnalysisTable<DocumentationSummaryRow> {
  return {
    name: "table6-documentation",
    title: "Documentation status of all models: cards and arXiv abstracts",
    rows: summary,
    spec: DOCUMENTATION_SUMMARY,
    notes: [`Percentages are of all models in the corpus; the paper's are of ${fmt(PAPER_HUB_MODELS)} Hub models.`],
  };
}
