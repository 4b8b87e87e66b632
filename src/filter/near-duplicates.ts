/**
 * Near-identical model cards (paper §III-B5.2): TF-IDF vectors, cosine similarity >= a threshold (0.99).
 *
 * Which text: the card body (the README after its YAML front matter). The front matter is metadata that
 * near-copies rewrite (base_model, model-index), and the paper compares the cards' descriptions. A card
 * without any token (no card, empty card) has an all-zero vector, which scikit-learn gives similarity 0 to
 * everything, so it is never anyone's near-copy.
 *
 * Groups. Cards are taken in creation order (earliest `createdAt` first; cards without a valid date last;
 * ties by id). A card is a *variant* when it is similar (>= threshold) to a card already kept as an
 * original; its original is the earliest such card. Otherwise it is an original itself. So:
 * - every variant is within the threshold of its own original (no transitive chains A~B~C that would
 *   tie C to an A it does not resemble);
 * - no two kept cards are near-identical, whatever the chaining;
 * - the outcome depends only on the similar pairs and the creation order, not on the input order.
 *
 * Exactness without all pairs. The set of pairs at or above the threshold equals a brute-force all-pairs
 * scan over the same vectors (the tests check this). It is computed as:
 * 1. identical vectors (same tokens, same counts) are one class, so mass copies cost nothing;
 * 2. prefix filtering over classes: with term ids rarest first, a vector's *prefix* is its shortest leading
 *    run of entries whose remaining suffix has norm < threshold. If two unit vectors reach the threshold,
 *    the first term they share lies in both prefixes (otherwise the dot product is at most the suffix norm),
 *    so an inverted index over prefixes yields every such pair as a candidate;
 * 3. a candidate is dropped when even the best case fails: every shared term up to the last shared prefix
 *    term k is found through the index, so the dot product is at most the partial sum over those plus
 *    ||x after k|| * ||y after k|| (Cauchy-Schwarz; the L2AP bound), and that stays below the threshold;
 *    and a size filter: ||x - y||^2 = 2 - 2 cos <= 2 (1 - threshold), so a vector cannot lack more of the
 *    other's terms than the lightest ones fitting in that budget (compared through the term counts);
 * 4. survivors are verified exactly in float64, summing in term-id order as the brute force does.
 * Both bounds keep a 1e-9 safety margin, so rounding can only add candidates, never lose a pair.
 */
import { rowDot, tfidfVectors, type TfidfMatrix } from "./tfidf";
import { PAPER_SIMILARITY_THRESHOLD } from "../paper/reported";
import type { NearDuplicateStats } from "../run/run-info";
import type { NearDuplicatePair } from "../run/tables";
import { compareCodeUnits } from "../util/text";

export const DEFAULT_SIMILARITY_THRESHOLD = PAPER_SIMILARITY_THRESHOLD;

/** Slack on both pruning bounds: rounding may add candidates but must never drop a true pair. */
const BOUND_MARGIN = 1e-9;

export interface CardText {
  id: string;
  /** ISO-8601 creation time; null (or unparsable) sorts after every dated card. */
  createdAt: string | null;
  text: string;
}

export interface NearDuplicateProblem {
  id: string;
  code: "created-at-invalid";
  message: string;
}

export interface NearDuplicateResult {
  /** One row per variant, grouped by original (originals and variants in creation order). */
  pairs: NearDuplicatePair[];
  /** Ids kept (originals and cards with no near-copy), in input order. */
  uniqueIds: string[];
  problems: NearDuplicateProblem[];
  stats: NearDuplicateStats;
}

/** Similar pairs between classes of identical vectors. */
export interface SimilarityJoin {
  /** Class of each row; -1 for an all-zero row (similar to nothing). */
  classOf: Int32Array;
  classCount: number;
  /** Similarity of a class's vector with itself (what two identical cards score). */
  selfSimilarity: Float64Array;
  /** Symmetric adjacency between classes: neighbours of class c are edgeOffsets[c] .. edgeOffsets[c+1]-1. */
  edgeOffsets: Int32Array;
  edgeTargets: Int32Array;
  edgeSimilarity: Float64Array;
  candidates: number;
  verified: number;
  similarPairs: number;
}

export function checkThreshold(threshold: number): void {
  if (!(Number.isFinite(threshold) && threshold > 0 && threshold <= 1)) {
    throw new RangeError(`similarity threshold must be in (0, 1], got ${threshold}`);
  }
}

/** Rows with the same terms and counts get one class (their normalised vectors are bit-identical). */
function identicalVectorClasses(matrix: TfidfMatrix): { classOf: Int32Array; rep: number[] } {
  const { rows, offsets, terms, counts } = matrix;
  const classOf = new Int32Array(rows).fill(-1);
  const rep: number[] = [];
  const buckets = new Map<string, number[]>();
  for (let r = 0; r < rows; r++) {
    const start = offsets[r]!;
    const end = offsets[r + 1]!;
    if (end === start) continue;
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let e = start; e < end; e++) {
      h1 = Math.imul(h1 ^ terms[e]!, 0x01000193);
      h1 = Math.imul(h1 ^ counts[e]!, 0x01000193);
      h2 = Math.imul(h2 ^ terms[e]!, 0x5bd1e995) ^ (h2 >>> 13);
      h2 = Math.imul(h2 ^ counts[e]!, 0x5bd1e995) ^ (h2 >>> 13);
    }
    const key = `${h1 >>> 0}:${h2 >>> 0}:${end - start}`;
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = []));
    const same = bucket.find((c) => sameRow(matrix, rep[c]!, r));
    if (same !== undefined) {
      classOf[r] = same;
    } else {
      classOf[r] = rep.length;
      bucket.push(rep.length);
      rep.push(r);
    }
  }
  return { classOf, rep };
}

function sameRow(matrix: TfidfMatrix, a: number, b: number): boolean {
  const { offsets, terms, counts } = matrix;
  const length = offsets[a + 1]! - offsets[a]!;
  if (length !== offsets[b + 1]! - offsets[b]!) return false;
  for (let k = 0; k < length; k++) {
    if (terms[offsets[a]! + k] !== terms[offsets[b]! + k] || counts[offsets[a]! + k] !== counts[offsets[b]! + k]) return false;
  }
  return true;
}

/** Every pair of distinct vector classes with cosine >= threshold (see the file comment for the method). */
export function similarityJoin(matrix: TfidfMatrix, threshold: number): SimilarityJoin {
  checkThreshold(threshold);
  const { offsets, terms, weights } = matrix;
  const { classOf, rep } = identicalVectorClasses(matrix);
  const classCount = rep.length;

  // Prefix end of each class: the remaining suffix has squared norm < threshold^2 (with margin).
  const suffixLimit = (threshold - BOUND_MARGIN) ** 2;
  const prefixEnd = new Int32Array(classCount);
  /** Squared norm of each class's suffix (the entries after its prefix). */
  const suffixNorm = new Float64Array(classCount);
  const selfSimilarity = new Float64Array(classCount);
  const entryCount = new Int32Array(classCount);
  const missingAllowed = new Int32Array(classCount);
  const distanceLimit = 2 * (1 - threshold) + BOUND_MARGIN;
  for (let c = 0; c < classCount; c++) {
    const r = rep[c]!;
    entryCount[c] = offsets[r + 1]! - offsets[r]!;
    missingAllowed[c] = termsThatMayBeMissing(weights.subarray(offsets[r]!, offsets[r + 1]!), distanceLimit);
  }
  for (let c = 0; c < classCount; c++) {
    const r = rep[c]!;
    const start = offsets[r]!;
    let end = offsets[r + 1]!;
    let suffix = 0;
    while (end > start && suffix + weights[end - 1]! ** 2 < suffixLimit) suffix += weights[--end]! ** 2;
    prefixEnd[c] = end;
    suffixNorm[c] = suffix;
    selfSimilarity[c] = rowDot(matrix, r, r);
  }

  // Inverted index over prefix entries, postings in class order.
  const vocabularySize = matrix.vocabulary.length;
  const postingStart = new Int32Array(vocabularySize + 1);
  for (let c = 0; c < classCount; c++) {
    for (let e = offsets[rep[c]!]!; e < prefixEnd[c]!; e++) postingStart[terms[e]! + 1]!++;
  }
  for (let t = 0; t < vocabularySize; t++) postingStart[t + 1]! += postingStart[t]!;
  const postingFill = postingStart.slice(0, vocabularySize);
  const postingClass = new Int32Array(postingStart[vocabularySize]!);
  const postingWeight = new Float64Array(postingStart[vocabularySize]!);
  const postingRemaining = new Float64Array(postingStart[vocabularySize]!);
  // remaining(e): squared norm of the row after prefix entry e, filled from the prefix end backwards.
  let longestPrefix = 0;
  for (let c = 0; c < classCount; c++) {
    const start = offsets[rep[c]!]!;
    longestPrefix = Math.max(longestPrefix, prefixEnd[c]! - start);
    let rest = suffixNorm[c]!;
    for (let e = prefixEnd[c]! - 1; e >= start; e--) {
      const slot = postingFill[terms[e]!]!++;
      postingClass[slot] = c;
      postingWeight[slot] = weights[e]!;
      postingRemaining[slot] = rest;
      rest += weights[e]! ** 2;
    }
  }
  const remaining = new Float64Array(longestPrefix);

  const partialDot = new Float64Array(classCount);
  const probeRemaining = new Float64Array(classCount);
  const candidateRemaining = new Float64Array(classCount);
  const seen = new Uint8Array(classCount);
  const touched = new Int32Array(classCount);
  const dense = new Float64Array(vocabularySize);
  const edgeA: number[] = [];
  const edgeB: number[] = [];
  const edgeSim: number[] = [];
  let candidates = 0;
  let verified = 0;
  const lowerBound = threshold - BOUND_MARGIN;

  for (let c = 0; c < classCount; c++) {
    const r = rep[c]!;
    const start = offsets[r]!;
    let rest = suffixNorm[c]!;
    for (let e = prefixEnd[c]! - 1; e >= start; e--) {
      remaining[e - start] = rest;
      rest += weights[e]! ** 2;
    }
    let touchedCount = 0;
    for (let e = start; e < prefixEnd[c]!; e++) {
      const term = terms[e]!;
      const w = weights[e]!;
      const rest = remaining[e - start]!;
      for (let slot = postingStart[term]!; slot < postingStart[term + 1]!; slot++) {
        const other = postingClass[slot]!;
        if (other >= c) break; // postings are in class order: only earlier classes
        if (seen[other] === 0) {
          seen[other] = 1;
          touched[touchedCount++] = other;
        }
        partialDot[other]! += w * postingWeight[slot]!;
        // Terms are probed in ascending order, so this ends as the norm left after the last shared term.
        probeRemaining[other] = rest;
        candidateRemaining[other] = postingRemaining[slot]!;
      }
    }
    candidates += touchedCount;
    if (touchedCount > 0) {
      for (let e = offsets[r]!; e < offsets[r + 1]!; e++) dense[terms[e]!] = weights[e]!;
      for (let k = 0; k < touchedCount; k++) {
        const other = touched[k]!;
        // Size filter: too many more terms on one side than the other side could be missing.
        const surplus = entryCount[c]! - entryCount[other]!;
        if (surplus > missingAllowed[c]! || -surplus > missingAllowed[other]!) {
          partialDot[other] = 0;
          seen[other] = 0;
          continue;
        }
        // Every shared term up to the last one found is in `partialDot`; the rest is bounded by Cauchy-Schwarz.
        const best = partialDot[other]! + Math.sqrt(probeRemaining[other]! * candidateRemaining[other]!);
        partialDot[other] = 0;
        seen[other] = 0;
        if (best < lowerBound) continue;
        verified++;
        // Sum over the candidate's entries in term order; absent terms add +0, so this equals the merge-join sum.
        const o = rep[other]!;
        let dot = 0;
        for (let e = offsets[o]!; e < offsets[o + 1]!; e++) dot += dense[terms[e]!]! * weights[e]!;
        if (dot >= threshold) {
          edgeA.push(other);
          edgeB.push(c);
          edgeSim.push(dot);
        }
      }
      for (let e = offsets[r]!; e < offsets[r + 1]!; e++) dense[terms[e]!] = 0;
    }
  }

  // Symmetric adjacency (neighbour order carries no meaning: every reader takes a minimum or sorts).
  const edgeOffsets = new Int32Array(classCount + 1);
  for (let k = 0; k < edgeA.length; k++) {
    edgeOffsets[edgeA[k]! + 1]!++;
    edgeOffsets[edgeB[k]! + 1]!++;
  }
  for (let c = 0; c < classCount; c++) edgeOffsets[c + 1]! += edgeOffsets[c]!;
  const fill = edgeOffsets.slice(0, classCount);
  const edgeTargets = new Int32Array(edgeA.length * 2);
  const edgeSimilarity = new Float64Array(edgeA.length * 2);
  for (let k = 0; k < edgeA.length; k++) {
    const a = edgeA[k]!;
    const b = edgeB[k]!;
    let slot = fill[a]!++;
    edgeTargets[slot] = b;
    edgeSimilarity[slot] = edgeSim[k]!;
    slot = fill[b]!++;
    edgeTargets[slot] = a;
    edgeSimilarity[slot] = edgeSim[k]!;
  }
  return {
    classOf,
    classCount,
    selfSimilarity,
    edgeOffsets,
    edgeTargets,
    edgeSimilarity,
    candidates,
    verified,
    similarPairs: edgeA.length,
  };
}

/**
 * How many of a unit vector's terms another unit vector may lack and still reach the threshold: the lacking
 * terms add their squared weights to ||x - y||^2, which must stay within 2 (1 - threshold). The cheapest
 * terms to lack are the lightest, so count how many of the smallest squares fit in the limit.
 */
function termsThatMayBeMissing(rowWeights: Float64Array, distanceLimit: number): number {
  const squares = rowWeights.map((w) => w * w).sort();
  let sum = 0;
  let count = 0;
  while (count < squares.length && sum + squares[count]! <= distanceLimit) sum += squares[count++]!;
  return count;
}

/** Row-level pairs (a < b) with similarity >= threshold, sorted; identical rows expanded. For checks and small inputs. */
export function similarRowPairs(matrix: TfidfMatrix, threshold: number): Array<[number, number, number]> {
  const join = similarityJoin(matrix, threshold);
  const members: number[][] = Array.from({ length: join.classCount }, () => []);
  for (let r = 0; r < matrix.rows; r++) if (join.classOf[r]! >= 0) members[join.classOf[r]!]!.push(r);
  const pairs: Array<[number, number, number]> = [];
  for (let c = 0; c < join.classCount; c++) {
    const own = members[c]!;
    if (join.selfSimilarity[c]! >= threshold) {
      for (let i = 0; i < own.length; i++) {
        for (let j = i + 1; j < own.length; j++) pairs.push([own[i]!, own[j]!, join.selfSimilarity[c]!]);
      }
    }
    for (let e = join.edgeOffsets[c]!; e < join.edgeOffsets[c + 1]!; e++) {
      const other = join.edgeTargets[e]!;
      if (other < c) continue;
      for (const a of own) for (const b of members[other]!) pairs.push(a < b ? [a, b, join.edgeSimilarity[e]!] : [b, a, join.edgeSimilarity[e]!]);
    }
  }
  return pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

/** Creation order: dated cards by time, then undated ones; ties by id. Unparsable dates are reported. */
export function creationOrder(cards: readonly CardText[]): { order: number[]; problems: NearDuplicateProblem[] } {
  const problems: NearDuplicateProblem[] = [];
  const time = cards.map((card) => {
    if (card.createdAt === null) return Number.POSITIVE_INFINITY;
    const ms = Date.parse(card.createdAt);
    if (Number.isNaN(ms)) {
      problems.push({
        id: card.id,
        code: "created-at-invalid",
        message: `createdAt ${JSON.stringify(card.createdAt)} is not a date; the card is ordered after all dated cards`,
      });
      return Number.POSITIVE_INFINITY;
    }
    return ms;
  });
  const order = cards.map((_, i) => i);
  order.sort((a, b) => (time[a] === time[b] ? 0 : time[a]! < time[b]! ? -1 : 1) || compareCodeUnits(cards[a]!.id, cards[b]!.id));
  return { order, problems };
}

/** Find near-identical cards: the earliest card of each group is the original, the others its variants. */
export function findNearDuplicates(cards: readonly CardText[], options: { threshold?: number } = {}): NearDuplicateResult {
  const threshold = options.threshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  checkThreshold(threshold);
  const seen = new Set<string>();
  for (const card of cards) {
    if (seen.has(card.id)) throw new Error(`near-duplicates: model ${card.id} appears twice in the input`);
    seen.add(card.id);
  }
  const matrix = tfidfVectors(cards.map((c) => c.text));
  const join = similarityJoin(matrix, threshold);
  const { order, problems } = creationOrder(cards);
  const rank = new Int32Array(cards.length);
  order.forEach((card, position) => (rank[card] = position));

  // The kept original of each class, once one of its members is kept (at most one per class).
  const originalOfClass = new Int32Array(join.classCount).fill(-1);
  const originalOf = new Int32Array(cards.length).fill(-1);
  const similarityToOriginal = new Float64Array(cards.length);
  for (const card of order) {
    const c = join.classOf[card]!;
    if (c < 0) continue;
    let best = -1;
    let bestSimilarity = 0;
    const consider = (original: number, similarity: number) => {
      if (original >= 0 && (best < 0 || rank[original]! < rank[best]!)) {
        best = original;
        bestSimilarity = similarity;
      }
    };
    // Two identical cards score their vector's self-similarity, which rounding may put a hair below 1.
    if (join.selfSimilarity[c]! >= threshold) consider(originalOfClass[c]!, join.selfSimilarity[c]!);
    for (let e = join.edgeOffsets[c]!; e < join.edgeOffsets[c + 1]!; e++) {
      consider(originalOfClass[join.edgeTargets[e]!]!, join.edgeSimilarity[e]!);
    }
    if (best >= 0) {
      originalOf[card] = best;
      similarityToOriginal[card] = bestSimilarity;
    } else if (originalOfClass[c]! < 0) {
      originalOfClass[c] = card;
    }
  }

  const variants = order.filter((card) => originalOf[card]! >= 0);
  variants.sort((a, b) => rank[originalOf[a]!]! - rank[originalOf[b]!]! || rank[a]! - rank[b]!);
  const pairs = variants.map((card) => ({
    original: cards[originalOf[card]!]!.id,
    variant: cards[card]!.id,
    similarity: similarityToOriginal[card]!,
  }));
  const uniqueIds = cards.filter((_, i) => originalOf[i]! < 0).map((c) => c.id);
  let nonEmpty = 0;
  for (let r = 0; r < matrix.rows; r++) if (matrix.offsets[r + 1]! > matrix.offsets[r]!) nonEmpty++;
  return {
    pairs,
    uniqueIds,
    problems,
    stats: {
      cards: cards.length,
      nonEmpty,
      distinctVectors: join.classCount,
      vocabulary: matrix.vocabulary.length,
      candidates: join.candidates,
      verified: join.verified,
      similarVectorPairs: join.similarPairs,
    },
  };
}
