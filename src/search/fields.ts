/**
 * The separate texts of one model that the search reads. Each is searched on its own, so a task never
 * matches across two tags, two metadata values, two blocks of the card, or a value and the card body.
 * Each text says what kind of place it is (its provenance, src/search/provenance.ts).
 *
 * - card: the card body (the README after its YAML front matter), field "body", read as Markdown
 *   (src/search/markdown.ts) into one text per heading, paragraph, table cell, code block, HTML block
 *   and link target. The text is the rendered one (link text reads as text, markup is gone) and maps
 *   each character back to its offset in the body, so occurrences report body offsets.
 * - metadata: every string VALUE of the front matter, walked from `cardMeta.rawJson` (tags, datasets,
 *   license, base_model, language, pipeline_tag, model-index names, widget examples, access-control
 *   prompts, any other key), field "meta.<path>" such as "meta.tags[3]" or
 *   "meta.model-index[0].results[0].task.name", provenance by its top-level key; plus the Hub tags
 *   ("tags[i]", provenance by the tag's prefix) and the Hub pipeline tag ("pipeline_tag"). A value
 *   that stands in several metadata fields (the Hub repeats the card's tags among its own) is searched
 *   once, under the first. YAML keys are not searched: a key names a field, it does not describe the
 *   model. The paper's "debug: None" matches most plausibly come from configuration dumps printed
 *   inside card text (`{'debug': None}`, `debug: None` in a code block); those are card text here, and
 *   Table III rules (ii)-(iv) drop them. Numbers and booleans are not text and are skipped.
 * - abstract: the abstract of each linked arXiv paper, field "arxiv:<id>".
 * - model-id: the model's id, field "id", only when asked (`{ modelId: true }`): the funnel follows the
 *   paper and does not search it; the SE signals (src/signals/) read it as evidence of purpose.
 */
import type { ModelRecord } from "../corpus/record";
import type { MatchSource } from "../run/tables";
import { parseCardLayout, type CardLayout, type CardUnit } from "./markdown";
import { frontMatterProvenance, hubTagProvenance, type Provenance } from "./provenance";
import { errorMessage } from "../util/text";

export interface SearchField {
  source: MatchSource;
  field: string;
  /** The text searched (for the card, the rendered text of one unit). */
  text: string;
  provenance: Provenance;
  /** Card units: the headings above the unit, "Title > Intended uses"; "" elsewhere. */
  section: string;
  /** Card units: the card body, and the unit it was read into (whose offsets map `text` to `body`). */
  origin?: { body: string; unit: CardUnit };
}

export interface SearchFieldOptions {
  /** Also search the model id (default false, as the paper). */
  modelId?: boolean;
  /** The card body already read as Markdown (saves a second parse). */
  layout?: CardLayout;
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

export function searchFieldsOf(record: ModelRecord, problems: FieldProblem[] = [], options: SearchFieldOptions = {}): SearchField[] {
  const fields: SearchField[] = [];
  if (options.modelId) fields.push({ source: "model-id", field: "id", text: record.id, provenance: "model-id", section: "" });
  if (hasReadableCard(record) && record.cardBody!.length > 0) {
    const body = record.cardBody!;
    const layout = options.layout ?? parseCardLayout(body);
    for (const unit of layout.units) {
      const section = unit.sectionIndex < 0 ? "" : layout.sections[unit.sectionIndex]!.path;
      fields.push({ source: "card", field: "body", text: unit.text, provenance: unit.provenance, section, origin: { body, unit } });
    }
  }
  if (record.cardStatus === "present" && record.cardBody === null) {
    problems.push({ modelId: record.id, code: "card-body-missing", message: 'cardStatus is "present" but cardBody is null; the card counts as empty' });
  }

  // The Hub copies the card's YAML tags and pipeline_tag into its own tags, so the same value often
  // stands twice: each distinct metadata text is searched once, under the first field that holds it,
  // or its occurrences would count double.
  const metadataTexts = new Set<string>();
  const addMetadata = (field: string, text: string, provenance: Provenance): void => {
    const key = text.trim().toLowerCase();
    if (metadataTexts.has(key)) return;
    metadataTexts.add(key);
    fields.push({ source: "metadata", field, text, provenance, section: "" });
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
    walkStrings(meta, "meta", (path, text) => addMetadata(path, text, frontMatterProvenance(path)));
  }
  record.tags.forEach((tag, i) => addMetadata(`tags[${i}]`, tag, hubTagProvenance(tag)));
  if (record.pipelineTag) addMetadata("pipeline_tag", record.pipelineTag, "meta.pipeline-tag");

  for (const paper of record.papers) {
    if (paper.abstract) fields.push({ source: "abstract", field: `arxiv:${paper.id}`, text: paper.abstract, provenance: "abstract", section: "" });
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
