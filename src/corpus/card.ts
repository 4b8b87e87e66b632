/**
 * Model-card (README.md) parsing: split the YAML front matter from the body, normalise the
 * metadata fields the pipeline reads, and collect linked arXiv ids.
 *
 * Decisions, so every consumer reads the same thing:
 * - `cardText` is the README exactly as given (BOM and CRLF kept). `cardBody` is the text after the
 *   front matter with the BOM removed and every line ending turned into `\n`, so tokenizers and
 *   similarity measures never see platform noise.
 * - Front matter opens with a `---` line that is the first non-blank line (as huggingface_hub's
 *   metadata reader accepts it) and ends at the next `---` or `...` line. Without a closing line
 *   the whole text is the body (never lost) and a `front-matter-unclosed` problem is recorded.
 * - Deeply nested YAML (more than 256 levels of indentation, block indicators such as `- - - x` or
 *   `? ? ? x`, and flow brackets together), front matter over 1,000,000 characters, and collections
 *   nested more than 4 deep as mapping keys are refused before parsing or converting (`yaml-too-deep`,
 *   see ./yaml-limits.ts): the parser recurses per level and a stack overflow can abort the process.
 *   An alias inside the node it refers to (`&a [*a]`) is refused too (`yaml-alias-cycle`).
 * - Whatever goes wrong while reading a card becomes a problem on its record (`card-unreadable` as
 *   the last resort); parseCard never throws.
 * - YAML is read as YAML 1.2 (core schema), so `language: no` stays the string "no". Duplicate keys
 *   are accepted (the last value wins, as PyYAML does) and reported as `yaml-duplicate-key`.
 *   Aliases are capped (`yaml-alias-limit`) so an alias bomb cannot exhaust memory.
 * - An empty front matter block (or one holding only comments) means "no metadata": cardMeta null,
 *   no problem. A top-level `key:` with no value counts as absent; null or nested items inside a list
 *   are dropped with a `metadata-field-shape` problem naming the field.
 * - Status: a README whose body is only whitespace is `empty`, any other README is `present`.
 * - arXiv ids come from `arxiv:` tags (Hub tags, then the card's own tags) and from arxiv.org links
 *   anywhere in the README, front matter included.
 */
import { LineCounter, isMap, isScalar, parseDocument, type Document } from "yaml";
import type { CardMetadata, CardStatus, ModelIndexResult, Problem } from "./record";
import { firstLineOf } from "../util/text";
import { frontMatterTooComplex, keyNestingDepth, MAX_YAML_KEY_DEPTH, MAX_YAML_NESTING } from "./yaml-limits";

/** Statuses that describe a README we could not read (the caller knows why). */
export type UnreadableCardStatus = Extract<CardStatus, "none" | "gated" | "failed">;

export interface ParsedCard {
  cardStatus: CardStatus;
  cardText: string | null;
  cardBody: string | null;
  cardMeta: CardMetadata | null;
  arxivIds: string[];
  problems: Problem[];
}

export interface ParseCardOptions {
  /** Status to record when `text` is null (default `none`). */
  status?: UnreadableCardStatus;
  /** Hub tags; their `arxiv:` entries come first in `arxivIds`. */
  tags?: readonly string[];
}

/** Upper bound on alias expansions while converting YAML to values (alias-bomb guard). */
export const MAX_YAML_ALIAS_COUNT = 1000;

/**
 * Nesting limits checked before the YAML parser runs (./yaml-limits.ts): the parser recurses per
 * level, and very deep input can exhaust the stack (V8 may then abort the process outright). Real
 * card metadata nests a handful of levels.
 */
export const MAX_YAML_FLOW_DEPTH = MAX_YAML_NESTING;
export const MAX_YAML_INDENT = MAX_YAML_NESTING;

/** The list-valued metadata fields, card key -> CardMetadata property. */
const LIST_FIELDS = [
  ["license", "license"],
  ["datasets", "datasets"],
  ["base_model", "baseModel"],
  ["language", "language"],
  ["tags", "tags"],
] as const;

/**
 * Parse one README. `text === null` means no readable README: the status is `options.status`
 * (default `none`) and body/metadata are null.
 */
export function parseCard(modelId: string, text: string | null, options: ParseCardOptions | UnreadableCardStatus = {}): ParsedCard {
  try {
    return parseCardUnguarded(modelId, text, options);
  } catch (error) {
    // Last resort: one card is a problem on its record, never the end of a crawl or an ingest.
    const tags = (typeof options === "string" ? [] : options.tags) ?? [];
    return {
      cardStatus: text === null ? ((typeof options === "string" ? options : options.status) ?? "none") : "failed",
      cardText: text,
      cardBody: null,
      cardMeta: null,
      arxivIds: safeArxivIds(tags, text),
      problems: [cardProblem("card-unreadable", `${modelId}: the card could not be read: ${firstLineOf(error)}`)],
    };
  }
}

function safeArxivIds(tags: readonly string[], text: string | null): string[] {
  try {
    return extractArxivIds(tags, text);
  } catch {
    return [];
  }
}

function parseCardUnguarded(modelId: string, text: string | null, options: ParseCardOptions | UnreadableCardStatus): ParsedCard {
  const opts: ParseCardOptions = typeof options === "string" ? { status: options } : options;
  const tags = opts.tags ?? [];
  if (text === null) {
    return {
      cardStatus: opts.status ?? "none",
      cardText: null,
      cardBody: null,
      cardMeta: null,
      arxivIds: extractArxivIds(tags, null),
      problems: [],
    };
  }
  const problems: Problem[] = [];
  const split = splitFrontMatter(text);
  if (split.unclosed) {
    problems.push({
      stage: "card",
      code: "front-matter-unclosed",
      message: `${modelId}: front matter opened by "---" is never closed by a "---" or "..." line; the whole card is kept as body`,
    });
  }
  const cardMeta = split.frontMatter === null ? null : parseFrontMatter(modelId, split.frontMatter, split.yamlLine, problems);
  const body = split.body;
  const metaTags = cardMeta ? cardMeta.tags : [];
  return {
    cardStatus: body.trim() === "" ? "empty" : "present",
    cardText: text,
    cardBody: body,
    cardMeta,
    arxivIds: extractArxivIds([...tags, ...metaTags], text),
    problems,
  };
}

export interface FrontMatterSplit {
  /** The YAML between the delimiters (`\n` line endings), or null when the card has none. */
  frontMatter: string | null;
  /** Everything after the closing delimiter (or the whole text), BOM removed, `\n` line endings. */
  body: string;
  /** True when an opening `---` line was never closed. */
  unclosed: boolean;
  /** Card line (1-based) on which the YAML starts, for error messages; 0 without front matter. */
  yamlLine: number;
}

/** Split a README into front matter and body (see the module header for the rules). */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const normalised = normaliseNewlines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  // Blank lines before the opening --- are allowed, as huggingface_hub's own metadata reader allows them.
  let openStart = 0;
  let openEnd = normalised.indexOf("\n");
  while (openEnd >= 0 && normalised.slice(openStart, openEnd).trim() === "") {
    openStart = openEnd + 1;
    openEnd = normalised.indexOf("\n", openStart);
  }
  const openLine = normalised.slice(openStart, openEnd < 0 ? normalised.length : openEnd);
  if (openLine.trim() !== "---") {
    return { frontMatter: null, body: normalised, unclosed: false, yamlLine: 0 };
  }
  if (openEnd < 0) return { frontMatter: null, body: normalised, unclosed: true, yamlLine: 0 };
  let lineStart = openEnd + 1;
  while (lineStart <= normalised.length) {
    const next = normalised.indexOf("\n", lineStart);
    const lineEnd = next < 0 ? normalised.length : next;
    const line = normalised.slice(lineStart, lineEnd).trimEnd();
    if (line === "---" || line === "...") {
      return {
        frontMatter: normalised.slice(openEnd + 1, lineStart),
        body: next < 0 ? "" : normalised.slice(next + 1),
        unclosed: false,
        yamlLine: countNewlines(normalised, openEnd + 1) + 1,
      };
    }
    if (next < 0) break;
    lineStart = next + 1;
  }
  return { frontMatter: null, body: normalised, unclosed: true, yamlLine: 0 };
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

function normaliseNewlines(text: string): string {
  return text.indexOf("\r") < 0 ? text : text.replace(/\r\n?/g, "\n");
}

/** Parse the YAML block into CardMetadata; returns null (with a problem) when it is not usable. */
function parseFrontMatter(modelId: string, yamlText: string, firstLine: number, problems: Problem[]): CardMetadata | null {
  let document: Document.Parsed;
  let value: unknown;
  const tooDeep = frontMatterTooComplex(yamlText);
  if (tooDeep) {
    problems.push(cardProblem("yaml-too-deep", `${modelId}: front matter not parsed: ${tooDeep}`));
    return null;
  }
  const lines = new LineCounter();
  try {
    document = parseDocument(yamlText, { uniqueKeys: false, prettyErrors: false, version: "1.2", lineCounter: lines });
  } catch (error) {
    problems.push(cardProblem("yaml-invalid", `${modelId}: YAML front matter could not be parsed: ${firstLineOf(error)}`));
    return null;
  }
  const firstError = document.errors[0];
  if (firstError) {
    const line = ` at card line ${lines.linePos(firstError.pos[0]).line + firstLine - 1}`;
    const reason = firstError.message.split("\n")[0]!;
    problems.push(cardProblem("yaml-invalid", `${modelId}: invalid YAML front matter${line}: ${reason}`));
    return null;
  }
  const { keyDepth, cyclicAlias } = keyNestingDepth(document);
  if (keyDepth > MAX_YAML_KEY_DEPTH) {
    problems.push(
      cardProblem("yaml-too-deep", `${modelId}: front matter not converted: collections used as keys nest ${keyDepth} deep (more than ${MAX_YAML_KEY_DEPTH})`),
    );
    return null;
  }
  if (cyclicAlias !== null) {
    problems.push(cardProblem("yaml-alias-cycle", `${modelId}: front matter not converted: alias *${cyclicAlias} sits inside the node it refers to (a cycle)`));
    return null;
  }
  try {
    value = document.toJS({ mapAsMap: true, maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    const code = error instanceof ReferenceError && /alias/i.test(error.message) ? "yaml-alias-limit" : "yaml-invalid";
    problems.push(cardProblem(code, `${modelId}: YAML front matter could not be expanded: ${firstLineOf(error)}`));
    return null;
  }
  if (value === null || value === undefined) return null;
  if (!(value instanceof Map)) {
    const shape = Array.isArray(value) ? "a list" : `a ${typeof value === "object" ? "non-mapping value" : typeof value} (scalar)`;
    problems.push(cardProblem("front-matter-not-mapping", `${modelId}: front matter is ${shape}, not a key/value mapping; metadata ignored`));
    return null;
  }
  try {
    reportDuplicateKeys(modelId, document, problems);
    return metadataFromMapping(modelId, value, problems);
  } catch (error) {
    // Keys nested inside keys (`? ? ? ... x`) print back exponentially large and end in a RangeError.
    if (!(error instanceof RangeError)) throw error;
    problems.push(cardProblem("yaml-too-deep", `${modelId}: front matter not converted: ${firstLineOf(error)}`));
    return null;
  }
}

function reportDuplicateKeys(modelId: string, document: Document.Parsed, problems: Problem[]): void {
  if (!isMap(document.contents)) return;
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const pair of document.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  if (duplicates.size > 0) {
    problems.push(
      cardProblem(
        "yaml-duplicate-key",
        `${modelId}: front matter repeats key(s) ${[...duplicates].map((k) => JSON.stringify(k)).join(", ")}; the last value is used`,
      ),
    );
  }
}

/**
 * Build CardMetadata from a mapping: a `Map` from the YAML parser or a plain object such as the
 * Hub API's `cardData`. Shape problems are pushed to `problems`; this never throws.
 */
export function metadataFromMapping(modelId: string, mapping: Map<unknown, unknown> | Record<string, unknown>, problems: Problem[]): CardMetadata {
  const lists = {} as Record<(typeof LIST_FIELDS)[number][1], string[]>;
  for (const [key, property] of LIST_FIELDS) lists[property] = stringList(modelId, key, field(mapping, key), problems);
  return {
    ...lists,
    pipelineTag: scalarString(modelId, "pipeline_tag", field(mapping, "pipeline_tag"), problems),
    modelIndex: flattenModelIndex(modelId, field(mapping, "model-index"), problems),
    rawJson: toJsonText(mapping),
  };
}

function stringList(modelId: string, field: string, value: unknown, problems: Problem[]): string[] {
  if (value === null || value === undefined) return [];
  const single = scalarText(value);
  if (single !== null) return [single];
  if (!Array.isArray(value) && !(value instanceof Set)) {
    problems.push(shapeProblem(modelId, field, `is ${describe(value)}, expected a string or a list of strings; ignored`));
    return [];
  }
  const out: string[] = [];
  let dropped = 0;
  for (const item of value) {
    const text = scalarText(item);
    if (text === null) dropped++;
    else out.push(text);
  }
  if (dropped > 0) {
    problems.push(shapeProblem(modelId, field, `has ${dropped} item(s) that are null, lists or mappings; dropped`));
  }
  return out;
}

function scalarString(modelId: string, field: string, value: unknown, problems: Problem[]): string | null {
  if (value === null || value === undefined) return null;
  const text = scalarText(value);
  if (text === null) problems.push(shapeProblem(modelId, field, `is ${describe(value)}, expected a string; ignored`));
  return text;
}

/** Strings as they are; numbers, booleans and dates as text; anything else null. */
function scalarText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Map || typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

/**
 * Flatten `model-index` into one row per reported metric. Odd shapes keep whatever can be read and
 * record one `model-index-shape` problem per distinct issue.
 */
export function flattenModelIndex(modelId: string, value: unknown, problems: Problem[]): ModelIndexResult[] {
  if (value === null || value === undefined) return [];
  const issues = new Set<string>();
  const rows: ModelIndexResult[] = [];
  const entries = asList(value, "model-index", issues);
  for (const entry of entries) {
    if (!isMapping(entry)) {
      issues.add(`an entry of model-index is ${describe(entry)}, not a mapping`);
      continue;
    }
    const model = scalarText(field(entry, "name"));
    for (const result of asList(field(entry, "results"), "model-index results", issues, true)) {
      if (!isMapping(result)) {
        issues.add(`a result is ${describe(result)}, not a mapping`);
        continue;
      }
      const task = field(result, "task");
      const dataset = field(result, "dataset");
      const base = {
        model,
        taskType: isMapping(task) ? scalarText(field(task, "type")) : scalarText(task),
        datasetName: isMapping(dataset) ? scalarText(field(dataset, "name")) : scalarText(dataset),
        datasetType: isMapping(dataset) ? scalarText(field(dataset, "type")) : null,
      };
      const metricsValue = field(result, "metrics");
      if (metricsValue === null || metricsValue === undefined) {
        issues.add("a result has no metrics");
        rows.push({ ...base, metricType: null, metricName: null, value: null });
        continue;
      }
      for (const metric of asList(metricsValue, "metrics", issues)) {
        if (!isMapping(metric)) {
          issues.add(`a metric is ${describe(metric)}, not a mapping`);
          continue;
        }
        const raw = field(metric, "value");
        const text = scalarText(raw);
        if (text === null && raw !== null && raw !== undefined) issues.add(`a metric value is ${describe(raw)}, not a number or string`);
        rows.push({ ...base, metricType: scalarText(field(metric, "type")), metricName: scalarText(field(metric, "name")), value: text });
      }
    }
  }
  for (const issue of issues) {
    problems.push(cardProblem("model-index-shape", `${modelId}: model-index: ${issue}; kept what could be read`));
  }
  return rows;
}

function asList(value: unknown, what: string, issues: Set<string>, missingIsIssue = false): unknown[] {
  if (value === null || value === undefined) {
    if (missingIsIssue) issues.add(`${what} is missing`);
    return [];
  }
  if (Array.isArray(value)) return value;
  if (isMapping(value)) {
    issues.add(`${what} is a single mapping, not a list (read as a list of one)`);
    return [value];
  }
  issues.add(`${what} is ${describe(value)}, not a list`);
  return [];
}

function isMapping(value: unknown): value is Map<unknown, unknown> | Record<string, unknown> {
  return value instanceof Map || (typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Set));
}

function field(mapping: Map<unknown, unknown> | Record<string, unknown>, key: string): unknown {
  return mapping instanceof Map ? mapping.get(key) : mapping[key];
}

/**
 * JSON text of a YAML/JSON value with JSON-safe values: Maps keep source key order (integer-like
 * keys included), Dates become ISO strings, non-finite numbers null, binary data base64, sets lists.
 */
export function toJsonText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return JSON.stringify(value.toString());
    case "object":
      break;
    default:
      return "null";
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "null" : JSON.stringify(value.toISOString());
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString("base64"));
  if (Array.isArray(value) || value instanceof Set) return `[${Array.from(value, toJsonText).join(",")}]`;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${JSON.stringify(keyText(k))}:${toJsonText(v)}`).join(",")}}`;
}

function keyText(key: unknown): string {
  if (typeof key === "string") return key;
  const scalar = scalarText(key);
  return scalar ?? toJsonText(key);
}

const ARXIV_NEW_ID = String.raw`\d{4}\.\d{4,5}`;
const ARXIV_OLD_ID = String.raw`[a-z][a-z-]*(?:\.[a-z]{2})?\/\d{7}`;
const ARXIV_TAG = new RegExp(String.raw`^arxiv:(${ARXIV_NEW_ID}|${ARXIV_OLD_ID})(?:v\d+)?$`, "i");
const ARXIV_LINK = new RegExp(String.raw`arxiv\.org\/(?:abs|pdf)\/(${ARXIV_NEW_ID}|${ARXIV_OLD_ID})(?:v\d+)?(?![\d])`, "gi");

/**
 * arXiv ids from `arxiv:` tags, then from arxiv.org/abs and /pdf links in the text. Version suffixes
 * (`v2`) and `.pdf` are stripped; old-style ids (`hep-th/9901001`) are kept; first-seen order, no repeats.
 */
export function extractArxivIds(tags: readonly string[], text: string | null): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: string) => {
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  };
  for (const tag of tags) {
    const match = ARXIV_TAG.exec(tag.trim());
    if (match) add(match[1]!);
  }
  if (text !== null && text.length > 0 && /arxiv\.org/i.test(text)) {
    for (const match of text.matchAll(ARXIV_LINK)) add(match[1]!);
  }
  return ids;
}

function cardProblem(code: string, message: string): Problem {
  return { stage: "card", code, message };
}

function shapeProblem(modelId: string, field: string, what: string): Problem {
  return cardProblem("metadata-field-shape", `${modelId}: metadata field "${field}" ${what}`);
}
