/**
 * Aiming an edited card at a similarity to its source. The funnel compares card bodies by TF-IDF cosine
 * over the candidate cards (src/filter/tfidf.ts: lower case, runs of 2+ letters, digits or `_`, smooth
 * idf, L2 norm). The generator may not use that code (src/filter sits downstream of src/demo) and cannot
 * know the final document frequencies while it streams, so it estimates them first from the drafts of
 * the cards that will be candidates (originals counted once per copy), plus the expected use of the edit
 * phrases. test/demo-generator.test.ts checks the real similarities against the 0.99 threshold.
 */
import type { SeededRandom } from "../util/random";

const WORD = /[\p{L}\p{N}_]{2,}/gu;

export function wordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of text.toLowerCase().match(WORD) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/** Estimated smooth idf (scikit-learn's ln((1 + n) / (1 + df)) + 1); unseen words get df 1. */
export interface IdfEstimate {
  documents: number;
  idf(word: string): number;
}

/**
 * Document frequencies from (text, how many cards carry it) pairs; `extra` adds frequency to the words of
 * text that some cards will also carry (edit phrases) without counting more cards.
 */
export function estimateIdf(texts: Iterable<readonly [string, number]>, extra: Iterable<readonly [string, number]> = []): IdfEstimate {
  const df = new Map<string, number>();
  let documents = 0;
  const add = (text: string, weight: number) => {
    for (const word of wordCounts(text).keys()) df.set(word, (df.get(word) ?? 0) + weight);
  };
  for (const [text, weight] of texts) {
    documents += weight;
    add(text, weight);
  }
  for (const [text, weight] of extra) add(text, weight);
  const idf = (frequency: number) => Math.log((1 + documents) / (1 + Math.min(documents, frequency))) + 1;
  const unseen = idf(1);
  return { documents, idf: (word) => (df.has(word) ? idf(Math.max(1, df.get(word)!)) : unseen) };
}

/** TF-IDF cosine of two texts under an idf estimate. */
export function tfidfCosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, estimate: IdfEstimate): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [w, n] of a) {
    const weight = n * estimate.idf(w);
    na += weight * weight;
    const m = b.get(w);
    if (m !== undefined) dot += weight * m * estimate.idf(w);
  }
  for (const [w, n] of b) {
    const weight = n * estimate.idf(w);
    nb += weight * weight;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Pieces of `pool` (in a seeded order) added one at a time while the estimated similarity of
 * `render(pieces)` to `source` stays at or above `floor`, until it falls to `target` or below. A piece
 * that would cross the floor is skipped; shorter ones may still fit. When the result is still above
 * `ceiling` (e.g. a near miss that must end below the threshold), the piece that lands closest to the
 * target is added whatever the floor. Returns the pieces and the estimated similarity reached.
 */
export function aimSimilarity(
  source: string,
  render: (pieces: readonly string[]) => string,
  pool: readonly string[],
  bounds: { target: number; floor: number; ceiling?: number },
  estimate: IdfEstimate,
  random: SeededRandom,
): { pieces: string[]; similarity: number } {
  const sourceCounts = wordCounts(source);
  const similarityOf = (pieces: readonly string[]) => tfidfCosine(sourceCounts, wordCounts(render(pieces)), estimate);
  const pieces: string[] = [];
  let similarity = similarityOf(pieces);
  const order = random.shuffle(pool);
  for (const piece of order) {
    if (similarity <= bounds.target) break;
    const next = similarityOf([...pieces, piece]);
    if (next < bounds.floor) continue;
    pieces.push(piece);
    similarity = next;
  }
  if (bounds.ceiling !== undefined && similarity > bounds.ceiling) {
    const options = order.filter((p) => !pieces.includes(p)).map((p) => ({ p, s: similarityOf([...pieces, p]) }));
    const best = options.filter((o) => o.s <= bounds.ceiling!).sort((a, b) => Math.abs(a.s - bounds.target) - Math.abs(b.s - bounds.target))[0];
    if (best) {
      pieces.push(best.p);
      similarity = best.s;
    }
  }
  return { pieces, similarity };
}
