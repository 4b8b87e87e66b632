import { compareCodeUnits } from "../util/text";
/**
 * TF-IDF document vectors with scikit-learn's `TfidfVectorizer()` defaults, so that a side-by-side run
 * with scikit-learn finds the same near-identical cards:
 * - lowercase the text (Unicode-aware), then tokens are maximal runs of 2+ "word" characters
 *   (`(?u)\b\w\w+\b`; Python's `\w` is a letter, a number or `_`);
 * - raw term counts as tf; smooth idf = ln((1 + n) / (1 + df)) + 1;
 * - each row divided by its L2 norm (a text without any token stays an all-zero row).
 *
 * The matrix is compressed sparse rows. Term ids are ordered rarest first (document frequency, then the
 * term itself), which does two jobs: the similarity join reads a row's rarest terms as its leading entries,
 * and every sum over a row runs in an order that does not depend on the order of the input texts.
 */

/** Python's `\w` (letters, numbers, underscore), two or more in a row; greedy, so whole runs. */
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** The tokens scikit-learn's default analyzer would produce for `text`. */
export function sklearnTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

export interface TfidfMatrix {
  /** Number of documents (rows). */
  rows: number;
  /** Row r holds entries offsets[r] .. offsets[r+1]-1. */
  offsets: Int32Array;
  /** Term id of each entry, ascending within a row. */
  terms: Int32Array;
  /** Raw count of the term in the document. */
  counts: Int32Array;
  /** L2-normalised tf-idf weight of each entry. */
  weights: Float64Array;
  /** The term of each id; ids are sorted by (document frequency ascending, term). */
  vocabulary: string[];
  /** Document frequency of each term id. */
  documentFrequency: Int32Array;
  /** idf of each term id. */
  idf: Float64Array;
}

/** Word characters by code point, decided once each: 0 = not yet known, 1 = word, 2 = not a word. */
const WORD_CLASS = new Uint8Array(0x110000);
const WORD_CHARACTER = /^[\p{L}\p{N}_]$/u;

function isWordCodePoint(codePoint: number): boolean {
  let known = WORD_CLASS[codePoint]!;
  if (known === 0) {
    known = WORD_CHARACTER.test(String.fromCodePoint(codePoint)) ? 1 : 2;
    WORD_CLASS[codePoint] = known;
  }
  return known === 1;
}

/**
 * Term -> id without allocating a string per token: tokens are hashed while scanned and compared in place
 * against the stored terms; only a term seen for the first time becomes a string. (A Map keyed by token
 * strings cost ~0.4 us per token, most of the TF-IDF time on 100k cards.)
 */
class TermDictionary {
  terms: string[] = [];
  private termHashes = new Int32Array(1 << 16);
  /**
   * Open addressing, linear probing. Slot s holds [hash, id + 1 (0 = empty), pool offset, length] at 4s,
   * and the term's characters sit in `pool`: a lookup touches the slot and the pool, not the term strings.
   */
  private slots = new Int32Array(4 << 16);
  private pool = new Uint16Array(1 << 20);
  private poolUsed = 0;

  /** The id of text[start, end), added when new. `hash` is the FNV-1a hash of its code points. */
  intern(text: string, start: number, end: number, hash: number): number {
    hash = mix(hash);
    const length = end - start;
    let mask = (this.slots.length >> 2) - 1;
    let slot = hash & mask;
    for (let stored = this.slots[4 * slot + 1]!; stored !== 0; stored = this.slots[4 * slot + 1]!) {
      if (this.slots[4 * slot] === hash && this.slots[4 * slot + 3] === length && this.poolMatches(this.slots[4 * slot + 2]!, text, start, length)) {
        return stored - 1;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.terms.length;
    this.terms.push(text.slice(start, end));
    if (id === this.termHashes.length) {
      const bigger = new Int32Array(id * 2);
      bigger.set(this.termHashes);
      this.termHashes = bigger;
    }
    this.termHashes[id] = hash;
    while (this.poolUsed + length > this.pool.length) {
      const bigger = new Uint16Array(this.pool.length * 2);
      bigger.set(this.pool);
      this.pool = bigger;
    }
    for (let k = 0; k < length; k++) this.pool[this.poolUsed + k] = text.charCodeAt(start + k);
    this.slots[4 * slot] = hash;
    this.slots[4 * slot + 1] = id + 1;
    this.slots[4 * slot + 2] = this.poolUsed;
    this.slots[4 * slot + 3] = length;
    this.poolUsed += length;
    if (this.terms.length * 2 > this.slots.length >> 2) {
      const old = this.slots;
      this.slots = new Int32Array(old.length * 2);
      mask = (this.slots.length >> 2) - 1;
      for (let s = 0; s < old.length; s += 4) {
        if (old[s + 1] === 0) continue;
        let to = old[s]! & mask;
        while (this.slots[4 * to + 1] !== 0) to = (to + 1) & mask;
        this.slots.set(old.subarray(s, s + 4), 4 * to);
      }
    }
    return id;
  }

  private poolMatches(offset: number, text: string, start: number, length: number): boolean {
    for (let k = 0; k < length; k++) if (this.pool[offset + k] !== text.charCodeAt(start + k)) return false;
    return true;
  }

  /** The (mixed) hash of each term id. */
  hashes(): Int32Array {
    return this.termHashes.subarray(0, this.terms.length);
  }
}

/** murmur3's finaliser: FNV's low bits alone cluster similar words into neighbouring slots. */
function mix(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/** Calls `visit` with the id of each token of `text`, exactly the tokens {@link sklearnTokens} returns. */
function scanTokens(text: string, dictionary: TermDictionary, visit: (id: number) => void): void {
  const lower = text.toLowerCase();
  const length = lower.length;
  let i = 0;
  while (i < length) {
    const start = i;
    let points = 0;
    let hash = 0x811c9dc5 | 0;
    while (i < length) {
      let codePoint = lower.charCodeAt(i);
      let width = 1;
      if (codePoint >= 0xd800 && codePoint <= 0xdbff && i + 1 < length) {
        const low = lower.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          codePoint = ((codePoint - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      if (!isWordCodePoint(codePoint)) {
        if (points === 0) i += width; // skip the separator; a run ends before it
        break;
      }
      hash = Math.imul(hash ^ codePoint, 0x01000193);
      points++;
      i += width;
    }
    if (points >= 2) visit(dictionary.intern(lower, start, i, hash));
  }
}

/** A typed int array that grows as entries are appended (document rows are built one at a time). */
class IntBuffer {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Counts and ids share one float64 when rows are sorted: id * COUNT_RANGE + count stays below 2^53. */
const COUNT_RANGE = 2 ** 26;
const MAX_VOCABULARY = 2 ** 27;

/** Build the TF-IDF matrix of `texts` (one row per text, in input order). */
export function tfidfVectors(texts: readonly string[]): TfidfMatrix {
  const rows = texts.length;
  // Pass 1: count terms per document under provisional ids (first-seen order).
  const dictionary = new TermDictionary();
  const rowStart = new Int32Array(rows + 1);
  const entryTerm = new IntBuffer();
  const entryCount = new IntBuffer();
  // Per-document counts in a flat array indexed by provisional id, reset through the list of ids touched.
  let localCount = new Int32Array(1 << 16);
  const touched = new IntBuffer();
  const countToken = (id: number) => {
    if (id >= localCount.length) {
      const bigger = new Int32Array(localCount.length * 2);
      bigger.set(localCount);
      localCount = bigger;
    }
    if (localCount[id]!++ === 0) touched.push(id);
  };
  for (let r = 0; r < rows; r++) {
    rowStart[r] = entryTerm.length;
    touched.length = 0;
    scanTokens(texts[r]!, dictionary, countToken);
    const ids = touched.view();
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      entryTerm.push(id);
      entryCount.push(localCount[id]!);
      localCount[id] = 0;
    }
  }
  rowStart[rows] = entryTerm.length;
  const provisionalTerms = dictionary.terms;
  const rawTerms = entryTerm.view();
  const rawCounts = entryCount.view();
  const entries = rawTerms.length;

  // Final ids: rarest first; equal frequencies by a hash of the term, then the term itself, so ids never
  // depend on the order of the input (and neither do the float sums that run in id order).
  const vocabularySize = provisionalTerms.length;
  if (vocabularySize >= MAX_VOCABULARY) throw new Error(`tfidf: ${vocabularySize} distinct terms, more than ${MAX_VOCABULARY} supported`);
  const provisionalDf = new Int32Array(vocabularySize);
  for (let e = 0; e < entries; e++) provisionalDf[rawTerms[e]!]!++;
  const termHash = dictionary.hashes();
  const order = new Int32Array(vocabularySize);
  for (let i = 0; i < vocabularySize; i++) order[i] = i;
  order.sort((a, b) => provisionalDf[a]! - provisionalDf[b]! || termHash[a]! - termHash[b]! || compareCodeUnits(provisionalTerms[a]!, provisionalTerms[b]!));
  const finalId = new Int32Array(vocabularySize);
  const vocabulary: string[] = new Array(vocabularySize);
  const documentFrequency = new Int32Array(vocabularySize);
  for (let i = 0; i < vocabularySize; i++) {
    finalId[order[i]!] = i;
    vocabulary[i] = provisionalTerms[order[i]!]!;
    documentFrequency[i] = provisionalDf[order[i]!]!;
  }

  // Each row sorted by final id: one native numeric sort per row of (id, count) packed in a float64.
  const offsets = rowStart;
  const packed = new Float64Array(entries);
  for (let e = 0; e < entries; e++) {
    if (rawCounts[e]! >= COUNT_RANGE) throw new Error(`tfidf: a term occurs ${rawCounts[e]} times in one text, more than supported`);
    packed[e] = finalId[rawTerms[e]!]! * COUNT_RANGE + rawCounts[e]!;
  }
  for (let r = 0; r < rows; r++) packed.subarray(offsets[r]!, offsets[r + 1]!).sort();
  // The provisional arrays are no longer needed: reuse their memory for the final ones.
  const terms = rawTerms;
  const counts = rawCounts;
  for (let e = 0; e < entries; e++) {
    const id = Math.floor(packed[e]! / COUNT_RANGE);
    terms[e] = id;
    counts[e] = packed[e]! - id * COUNT_RANGE;
  }

  const idf = new Float64Array(vocabularySize);
  for (let id = 0; id < vocabularySize; id++) idf[id] = Math.log((1 + rows) / (1 + documentFrequency[id]!)) + 1;
  const weights = new Float64Array(entries);
  for (let r = 0; r < rows; r++) {
    let squares = 0;
    for (let e = offsets[r]!; e < offsets[r + 1]!; e++) {
      const w = counts[e]! * idf[terms[e]!]!;
      weights[e] = w;
      squares += w * w;
    }
    const norm = Math.sqrt(squares);
    if (norm > 0) for (let e = offsets[r]!; e < offsets[r + 1]!; e++) weights[e] = weights[e]! / norm;
  }
  return { rows, offsets, terms, counts, weights, vocabulary, documentFrequency, idf };
}

/** Cosine similarity of two rows: the dot product of their normalised vectors, summed in term-id order. */
export function rowDot(matrix: TfidfMatrix, a: number, b: number): number {
  const { offsets, terms, weights } = matrix;
  let i = offsets[a]!;
  let j = offsets[b]!;
  const iEnd = offsets[a + 1]!;
  const jEnd = offsets[b + 1]!;
  let sum = 0;
  while (i < iEnd && j < jEnd) {
    const ti = terms[i]!;
    const tj = terms[j]!;
    if (ti === tj) {
      sum += weights[i++]! * weights[j++]!;
    } else if (ti < tj) {
      i++;
    } else {
      j++;
    }
  }
  return sum;
}

/** Plain code-unit order, the same on every machine (no locale). */
