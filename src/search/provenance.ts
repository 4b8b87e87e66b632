/**
 * Provenance: the kind of place a piece of evidence came from. Every task occurrence carries one (the
 * `provenance` column of search/matches.arrow and filter/occurrences.arrow), and so does every
 * non-phrase SE signal (src/signals/). A judge weighs evidence by it: a task named in the card's
 * opening paragraph says what the model is for; the same words in a widget example, a URL or an
 * access-control prompt do not.
 *
 * - card.*: the card body read as Markdown (src/search/markdown.ts): heading, prose (paragraphs, list
 *   items, quotes, the visible text of HTML blocks), table cell, code (fenced or indented block, inline
 *   code), link text (and image alt text), URL (link target, autolink, bare URL, reference definition),
 *   HTML markup (tags and attributes), HTML comment.
 * - meta.*: the YAML front matter and the Hub's own fields, by field: tags, pipeline tag, datasets, base
 *   model, language, licence, library, model-index names, metric names, widget examples, access-control
 *   fields (extra_gated_*), any other value.
 * - abstract: a linked arXiv abstract.
 * - model-id: the model's own id ("author/name").
 */
import { CARD_PROVENANCES, type CardProvenance } from "./markdown";

export const METADATA_PROVENANCES = [
  "meta.tags",
  "meta.pipeline-tag",
  "meta.datasets",
  "meta.base-model",
  "meta.language",
  "meta.license",
  "meta.library",
  "meta.model-index",
  "meta.metrics",
  "meta.widget",
  "meta.gated",
  "meta.other",
] as const;
export type MetadataProvenance = (typeof METADATA_PROVENANCES)[number];

export type Provenance = CardProvenance | MetadataProvenance | "abstract" | "model-id";

export const PROVENANCES: readonly Provenance[] = [...CARD_PROVENANCES, ...METADATA_PROVENANCES, "abstract", "model-id"];

/** A few words on each kind, for `explain` and reports. */
export const PROVENANCE_LABELS: Readonly<Record<Provenance, string>> = {
  "card.heading": "card heading",
  "card.prose": "card prose",
  "card.table": "card table cell",
  "card.code": "card code or configuration",
  "card.link": "card link text",
  "card.url": "card URL",
  "card.html": "card HTML markup",
  "card.html-comment": "card HTML comment",
  "meta.tags": "metadata tag",
  "meta.pipeline-tag": "metadata pipeline tag",
  "meta.datasets": "metadata dataset",
  "meta.base-model": "metadata base model",
  "meta.language": "metadata language",
  "meta.license": "metadata licence",
  "meta.library": "metadata library",
  "meta.model-index": "metadata model-index name",
  "meta.metrics": "metadata metric name",
  "meta.widget": "metadata widget example",
  "meta.gated": "metadata access-control field",
  "meta.other": "metadata, other field",
  abstract: "arXiv abstract",
  "model-id": "model id",
};

export function isProvenance(value: string): value is Provenance {
  return (PROVENANCES as readonly string[]).includes(value);
}

/**
 * The provenance of a front-matter value from its path ("meta.tags[3]",
 * "meta.model-index[0].results[0].metrics[0].name", "meta.extra_gated_fields.Company").
 */
export function frontMatterProvenance(path: string): MetadataProvenance {
  const key = /^meta\.([^.[]+)/.exec(path)?.[1]?.toLowerCase() ?? "";
  if (key.startsWith("extra_gated")) return "meta.gated";
  if (key === "model-index" || key === "model_index") return /\.metrics\[\d+\]/.test(path) ? "meta.metrics" : "meta.model-index";
  switch (key) {
    case "tags":
      return "meta.tags";
    case "pipeline_tag":
      return "meta.pipeline-tag";
    case "datasets":
    case "dataset":
      return "meta.datasets";
    case "base_model":
    case "base_model_relation":
      return "meta.base-model";
    case "language":
    case "languages":
      return "meta.language";
    case "license":
    case "license_name":
    case "license_link":
      return "meta.license";
    case "library_name":
      return "meta.library";
    case "metrics":
      return "meta.metrics";
    case "widget":
      return "meta.widget";
    default:
      return "meta.other";
  }
}

/** The provenance of a Hub tag: the Hub spells some fields as prefixed tags ("dataset:x", "base_model:finetune:y"). */
export function hubTagProvenance(tag: string): MetadataProvenance {
  const prefix = /^([a-z_]+):/i.exec(tag)?.[1]?.toLowerCase();
  switch (prefix) {
    case "dataset":
      return "meta.datasets";
    case "base_model":
      return "meta.base-model";
    case "license":
      return "meta.license";
    case "arxiv":
    case "doi":
    case "region":
    case "deploy":
      return "meta.other";
    default:
      return "meta.tags";
  }
}
