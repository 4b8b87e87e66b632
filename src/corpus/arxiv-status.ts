/**
 * Whether a model's arXiv ids were ever looked up. An id is answered when the record holds a paper for
 * it (with or without an abstract) or an `arxiv` problem naming it with arXiv's answer (not found,
 * withdrawn, malformed, an error entry); otherwise it was never looked up, as with every id of a corpus
 * loaded from a dump. A lookup that failed (`arxiv-failed`) or never ran (`arxiv-unresolved`) answers nothing. Table VI's abstract
 * rows, `corpus inspect`, `funnel` and the report use this to say "not in the source" instead of 0.
 */
import type { ModelRecord } from "./record";

/** The subset of a record this needs (also what `readCorpusColumns` gives for these columns). */
export interface ArxivFields {
  arxivIds: readonly string[];
  paperIds: readonly string[];
  problemStages: readonly string[];
  problemCodes: readonly string[];
  problemMessages: readonly string[];
}

/** Problem codes that record no answer from arXiv. */
const NO_ANSWER = new Set(["arxiv-failed", "arxiv-unresolved"]);

export function arxivFieldsOf(record: ModelRecord): ArxivFields {
  return {
    arxivIds: record.arxivIds,
    paperIds: record.papers.map((p) => p.id),
    problemStages: record.problems.map((p) => p.stage),
    problemCodes: record.problems.map((p) => p.code),
    problemMessages: record.problems.map((p) => p.message),
  };
}

/** Ids of the model never looked up on arXiv (no paper and no arxiv problem names them). */
export function unresolvedArxivIds(fields: ArxivFields): string[] {
  if (fields.arxivIds.length === 0) return [];
  const papers = new Set(fields.paperIds);
  const messages = fields.problemMessages.filter((_, i) => fields.problemStages[i] === "arxiv" && !NO_ANSWER.has(fields.problemCodes[i] ?? ""));
  return fields.arxivIds.filter((id) => !papers.has(id) && !messages.some((m) => mentionsId(m, id)));
}

/** The id as a whole token of the message (so 2101.0001 does not match inside 2101.00012). */
function mentionsId(message: string, id: string): boolean {
  let at = message.indexOf(id);
  while (at >= 0) {
    const before = at === 0 ? "" : message[at - 1]!;
    const after = message[at + id.length] ?? "";
    if (!/[\w.]/.test(before) && !/[\w]/.test(after)) return true;
    at = message.indexOf(id, at + 1);
  }
  return false;
}

/** The hint printed wherever abstracts are missing. */
export function abstractsHint(corpusDir: string): string {
  return `run \`hf-se-atlas abstracts --corpus ${corpusDir}\` to fetch them`;
}
