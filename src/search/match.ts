/**
 * Task search over one model, with evidence.
 *
 * A task matches where all its lemmas appear contiguously and in order in one field's prepared tokens.
 * Matching is token-based, so a task never matches inside a longer token ("code" in "décode" or
 * "codegen"), and fields are separate texts, so it never spans two tags or two metadata values.
 * Each occurrence keeps its character span in the field's raw text plus some raw context either side:
 * the Table III outlier rules and the people checking results read those characters. For the card body
 * the search reads rendered Markdown units (src/search/markdown.ts) and maps the match back: charStart
 * and charEnd are offsets in the card body (`cardBody`), `raw` is the body's characters between them
 * (so a phrase split by a link reads "code](https://...) generation"), and before/after are the body's
 * characters around them. For metadata values and abstracts, offsets are in the value or abstract.
 * Each occurrence also records its provenance (the kind of place, src/search/provenance.ts) and, in the
 * card, the headings above it.
 */
import type { ModelRecord } from "../corpus/record";
import type { PreparedText, Preparer } from "../prepare/preparer";
import type { CompiledTaxonomy } from "./phrases";
import type { DocumentationRow, TaskMatch } from "../run/tables";
import { searchFieldsOf, type FieldProblem, type SearchFieldOptions } from "./fields";
import { documentationRowOf } from "./documentation";
import { provenanceOfSpan } from "./markdown";
import { errorMessage } from "../util/text";

/** Raw characters of context kept on each side of an occurrence. */
export const CONTEXT_CHARS = 40;

export interface SearchResult {
  matches: TaskMatch[];
  documentation: DocumentationRow;
  /** Things wrong with the record that the search worked around (recorded, never dropped). */
  problems: FieldProblem[];
}

export function searchRecord(record: ModelRecord, compiled: CompiledTaxonomy, preparer: Preparer, options: SearchFieldOptions = {}): SearchResult {
  const problems: FieldProblem[] = [];
  const matches: TaskMatch[] = [];
  for (const field of searchFieldsOf(record, problems, options)) {
    const { lemmas, starts, ends } = prepareField(record.id, field.field, field.text, preparer);
    const raw = field.origin?.body ?? field.text;
    for (let i = 0; i < lemmas.length; i++) {
      const candidates = compiled.byFirstLemma.get(lemmas[i]!);
      if (candidates === undefined) continue;
      // Longest phrases come first: one occurrence per task and position, even when aliases overlap.
      const tasksHere: string[] = [];
      for (const phrase of candidates) {
        if (tasksHere.includes(phrase.taskId) || !followsAt(lemmas, i, phrase.lemmas)) continue;
        tasksHere.push(phrase.taskId);
        const textStart = starts[i]!;
        const textEnd = ends[i + phrase.lemmas.length - 1]!;
        const unit = field.origin?.unit;
        // Card units map each rendered character back to the body.
        const charStart = unit ? unit.offsets[textStart]! : textStart;
        const charEnd = unit ? unit.offsets[textEnd - 1]! + 1 : textEnd;
        matches.push({
          modelId: record.id,
          taskId: phrase.taskId,
          task: phrase.task,
          activity: phrase.activity,
          source: field.source,
          field: field.field,
          provenance: unit ? provenanceOfSpan(unit, textStart, textEnd) : field.provenance,
          section: field.section,
          tokenIndex: i,
          charStart,
          charEnd,
          raw: detached(raw.slice(charStart, charEnd)),
          before: contextBefore(raw, charStart),
          after: contextAfter(raw, charEnd),
        });
      }
    }
  }
  return { matches, documentation: documentationRowOf(record, matches), problems };
}

/** Up to CONTEXT_CHARS before `at`, never starting inside a surrogate pair (Arrow stores UTF-8). */
function contextBefore(text: string, at: number): string {
  let from = Math.max(0, at - CONTEXT_CHARS);
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from++;
  return detached(text.slice(from, at));
}

/** Up to CONTEXT_CHARS after `at`, never ending inside a surrogate pair. */
function contextAfter(text: string, at: number): string {
  let to = Math.min(text.length, at + CONTEXT_CHARS);
  if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to--;
  return detached(text.slice(at, to));
}

/**
 * A private copy of a short slice. V8 slices of 13+ characters point into their parent string, so
 * evidence rows held by a funnel would otherwise keep every matched card body alive.
 */
function detached(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, "utf16le").toString("utf16le");
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function prepareField(modelId: string, field: string, text: string, preparer: Preparer): PreparedText {
  try {
    return preparer.prepare(text);
  } catch (error) {
    throw new Error(`model ${modelId}, field ${field}: preparation failed (${errorMessage(error)})`, { cause: error });
  }
}

function followsAt(lemmas: readonly string[], at: number, phrase: readonly string[]): boolean {
  if (at + phrase.length > lemmas.length) return false;
  for (let k = 1; k < phrase.length; k++) if (lemmas[at + k] !== phrase[k]) return false;
  return true;
}
