/**
 * The separate texts of one model that the search reads. Each is searched on its own, so a task never
 * matches across two tags, two metadata values, or a value and the card body.
 *
 * - card: the card body (the README after its YAML front matter), field "body".
 * - metadata: every string VALUE of the front matter, walked from `cardMeta.rawJson` (tags, datasets,
 *   license, base_model, language, pipeline_tag, model-index names, any other key), field
 *   "meta.<path>" such as "meta.tags[3]" or "meta.model-index[0].results[0].task.name"; plus the Hub
 *   tags ("tags[i]") and the Hub pipeline tag ("pipeline_tag"). A value that stands in several
 *   metadata fields (the Hub repeats the card's tags among its own) is searched once, under the first.
 *   YAML keys are not searched: a key names a field, it does not describe the model. The paper's
 *   "debug: None" matches most plausibly come from configuration dumps printed inside card text
 *   (`{'debug': None}`, `debug: None` in a code block); those are card text here, and Table III rules
 *   (ii)-(iv) drop them.
 *   Numbers and booleans are not text and are skipped.
 * - abstract: the abstract of each linked arXiv paper, field "arxiv:<id>".
 */
import type { ModelRecord } from "../corpus/record";
import type { MatchSource } from "../run/tables";
import { errorMessage } from "../util/text";

export interface SearchField {
  source: MatchSource;
  field: string;
  text: string;
}

export interface FieldProblem {
  modelId: string;
  code: string;
  message: string;
}

/** True when the record has a README with readable text (Table VI's "card available, not empty"). */
export function hasReadableCard(record: ModelRecord): boolean {
  return record.cardStatus === "present" && record.cardBody !== null;
}

export function searchFieldsOf(record: ModelRecord, problems: FieldProblem[] = []): SearchField[] {
  const fields: SearchField[] = [];
  if (hasReadableCard(record) && record.cardBody!.length > 0) fields.push({ source: "card", field: "body", text: record.cardBody! });
  if (record.cardStatus === "present" && record.cardBody === null) {
    problems.push({ modelId: record.id, code: "card-body-missing", message: 'cardStatus is "present" but cardBody is null; the card counts as empty' });
  }

  // The Hub copies the card's YAML tags and pipeline_tag into its own tags, so the same value often
  // stands twice: each distinct metadata text is searched once, under the first field that holds it,
  // or its occurrences would count double.
  const metadataTexts = new Set<string>();
  const addMetadata = (field: string, text: string): void => {
    const key = text.trim().toLowerCase();
    if (metadataTexts.has(key)) return;
    metadataTexts.add(key);
    fields.push({ source: "metadata", field, text });
  };
  if (record.cardMeta) {
    let meta: unknown;
    try {
      meta = JSON.parse(record.cardMeta.rawJson);
    } catch (error) {
      problems.push({
        modelId: record.id,
        code: "meta-json-invalid",
        message: `cardMeta.rawJson is not valid JSON (${errorMessage(error)}); searched the lifted metadata fields instead`,
      });
      meta = liftedMetadata(record);
    }
    walkStrings(meta, "meta", addMetadata);
  }
  record.tags.forEach((tag, i) => addMetadata(`tags[${i}]`, tag));
  if (record.pipelineTag) addMetadata("pipeline_tag", record.pipelineTag);

  for (const paper of record.papers) {
    if (paper.abstract) fields.push({ source: "abstract", field: `arxiv:${paper.id}`, text: paper.abstract });
  }
  return fields;
}

/** Every non-empty string value under `value`, with its path; keys are paths, never texts. */
function walkStrings(value: unknown, path: string, visit: (path: string, text: string) => void): void {
  if (typeof value === "string") {
    if (value.trim()) visit(path, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walkStrings(item, `${path}[${i}]`, visit));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) walkStrings(item, `${path}.${key}`, visit);
  }
}

/** Fallback when rawJson is unreadable: the fields the card parser lifted, under their YAML names. */
function liftedMetadata(record: ModelRecord): Record<string, unknown> {
  const meta = record.cardMeta!;
  return {
    license: meta.license,
    datasets: meta.datasets,
    base_model: meta.baseModel,
    language: meta.language,
    tags: meta.tags,
    pipeline_tag: meta.pipelineTag,
    "model-index": meta.modelIndex,
  };
}
