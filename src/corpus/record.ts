/**
 * The corpus record: one Hugging Face model as the pipeline sees it.
 *
 * Every stage downstream (prepare, search, filter, analyse) reads these records, so the
 * shape is deliberately flat and explicit. Anything that went wrong while building a record
 * is kept in `problems` instead of being dropped.
 */

/**
 * What we know about the model card (README.md).
 * - `none`: the repository has no README (the paper's "card not available").
 * - `empty`: a README exists but has nothing after the YAML front matter.
 * - `present`: a README with text.
 * - `gated`: the README exists but could not be read (gated or private repository).
 * - `failed`: the download failed for another reason after retries; see `problems`.
 */
export type CardStatus = "none" | "empty" | "present" | "gated" | "failed";

export const CARD_STATUSES: readonly CardStatus[] = ["none", "empty", "present", "gated", "failed"];

/** Where a problem was found, so a reader can tell a bad card from a bad download. */
export type ProblemStage = "ingest" | "card" | "collect" | "arxiv" | "generate";

/** One thing that went wrong with one model. The model id lives on the record that holds it. */
export interface Problem {
  stage: ProblemStage;
  /** Short machine-readable code, e.g. `yaml-invalid`, `front-matter-not-mapping`. */
  code: string;
  /** Human-readable reason. */
  message: string;
}

/** One `model-index` result row, flattened: a benchmark score reported inside the card metadata. */
export interface ModelIndexResult {
  model: string | null;
  taskType: string | null;
  datasetName: string | null;
  datasetType: string | null;
  metricType: string | null;
  metricName: string | null;
  value: string | null;
}

/** Card metadata parsed from the YAML front matter. Lists are normalised: a lone string becomes `[s]`. */
export interface CardMetadata {
  license: string[];
  datasets: string[];
  baseModel: string[];
  language: string[];
  tags: string[];
  pipelineTag: string | null;
  modelIndex: ModelIndexResult[];
  /** The whole front-matter mapping as canonical JSON (keys in source order), for anything not lifted above. */
  rawJson: string;
}

/** An arXiv paper linked from the model, with its abstract when it could be resolved. */
export interface ArxivPaper {
  id: string;
  title: string | null;
  abstract: string | null;
}

export interface ModelRecord {
  /** Hub id, `author/name` (or a bare name for legacy models). */
  id: string;
  author: string | null;
  /** ISO-8601 timestamps as the Hub gives them. */
  createdAt: string | null;
  lastModified: string | null;
  downloads: number | null;
  likes: number | null;
  pipelineTag: string | null;
  libraryName: string | null;
  /** Hub tags (these include `arxiv:`, `license:`, `dataset:`, `base_model:` tags). */
  tags: string[];
  cardStatus: CardStatus;
  /** The raw README text exactly as downloaded (BOM and CRLF kept); null when there is no readable card. */
  cardText: string | null;
  /** The card text after the front matter; null when there is no readable card. */
  cardBody: string | null;
  /** Parsed front matter; null when the card has none or it could not be parsed (see `problems`). */
  cardMeta: CardMetadata | null;
  /** arXiv ids from `arxiv:` tags and arxiv.org links in the card, deduplicated, in first-seen order. */
  arxivIds: string[];
  /** Papers resolved for `arxivIds` (possibly fewer: unresolved ids simply have no entry). */
  papers: ArxivPaper[];
  problems: Problem[];
}

/** A record with every optional field empty; handy for builders and tests. */
export function emptyRecord(id: string): ModelRecord {
  return {
    id,
    author: authorOf(id),
    createdAt: null,
    lastModified: null,
    downloads: null,
    likes: null,
    pipelineTag: null,
    libraryName: null,
    tags: [],
    cardStatus: "none",
    cardText: null,
    cardBody: null,
    cardMeta: null,
    arxivIds: [],
    papers: [],
    problems: [],
  };
}

/** The author is the namespace before the slash; legacy ids such as `gpt2` have none. */
export function authorOf(id: string): string | null {
  const slash = id.indexOf("/");
  return slash > 0 ? id.slice(0, slash) : null;
}
