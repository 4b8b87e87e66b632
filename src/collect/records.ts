/**
 * One listed model + its README outcome + arXiv answers -> one corpus record. Pure: the same
 * inputs always give the same record, which is what makes a resumed crawl equal to an
 * uninterrupted one.
 */
import { hubApiToRecord } from "../corpus/ingest";
import type { ModelRecord } from "../corpus/record";
import type { ArxivResolution } from "./arxiv";
import type { HubModelJson, ReadmeOutcome } from "./hub";

/**
 * The record for a listed model and its README outcome, built by the corpus's own Hub-JSON converter
 * (the same one `ingest` uses) from the listing JSON plus its `readme` / `readmeStatus` / `readmeError`
 * fields; `papers` stay empty until {@link attachPapers}.
 */
export function recordFromListing(item: HubModelJson, readme: ReadmeOutcome, where: string): ModelRecord {
  const { record, problem } = hubApiToRecord({ ...item, ...readmeFields(readme) }, where);
  if (!record) throw new Error(problem ?? `${where}: no record`);
  return record;
}

export function readmeFields(readme: ReadmeOutcome): { readme: string | null; readmeStatus?: "gated" | "failed"; readmeError?: string } {
  switch (readme.kind) {
    case "present":
      return { readme: readme.text };
    case "none":
      return { readme: null };
    case "gated":
      return {
        readme: null,
        readmeStatus: "gated",
        readmeError: `README.md answered HTTP ${readme.status}${readme.errorCode ? ` (${readme.errorCode})` : ""}: gated, private or removed`,
      };
    case "failed":
      return { readme: null, readmeStatus: "failed", readmeError: `README.md download failed: ${readme.reason}` };
  }
}

/** Papers for the record's arXiv ids, in id order; ids that did not resolve leave a problem instead. */
export function attachPapers(record: ModelRecord, resolve: (id: string) => ArxivResolution): ModelRecord {
  const papers = [];
  const problems = [...record.problems];
  for (const id of record.arxivIds) {
    const { paper, problem } = resolve(id);
    if (paper) papers.push(paper);
    if (problem) problems.push({ ...problem, message: `${record.id}: ${problem.message}` });
  }
  return { ...record, papers, problems };
}
