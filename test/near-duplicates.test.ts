import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rowDot, sklearnTokens, tfidfVectors, type TfidfMatrix } from "../src/filter/tfidf";
import { findNearDuplicates, similarRowPairs, type CardText } from "../src/filter/near-duplicates";
import { NEAR_DUPLICATES, type NearDuplicatePair } from "../src/run/tables";
import { readRows, writeRows } from "../src/util/arrow-table";
import { SeededRandom } from "../src/util/random";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { compareNearDuplicates, synthesizeCards } from "../bench/near-duplicates";

const FIXTURES = join(__dirname, "fixtures", "near-duplicates");
const THRESHOLD = 0.99;

/** All pairs the slow, obvious way: every pair of rows, merge-join dot product in term order. */
function bruteForcePairs(matrix: TfidfMatrix, threshold: number): Array<[number, number, number]> {
  const pairs: Array<[number, number, number]> = [];
  for (let a = 0; a < matrix.rows; a++) {
    for (let b = a + 1; b < matrix.rows; b++) {
      const similarity = rowDot(matrix, a, b);
      if (similarity >= threshold) pairs.push([a, b, similarity]);
    }
  }
  return pairs;
}

/** The grouping rule spelled out over a brute-force pair list (quadratic, obviously right). */
function bruteForceGrouping(cards: CardText[], brutePairs: Array<[number, number, number]>): { pairs: NearDuplicatePair[]; uniqueIds: string[] } {
  const similar = new Map<string, number>();
  for (const [a, b, s] of brutePairs) similar.set(`${a},${b}`, s).set(`${b},${a}`, s);
  const time = (c: CardText) => (c.createdAt === null || Number.isNaN(Date.parse(c.createdAt)) ? Infinity : Date.parse(c.createdAt));
  const order = cards.map((_, i) => i).sort((a, b) => time(cards[a]!) - time(cards[b]!) || (cards[a]!.id < cards[b]!.id ? -1 : 1));
  const kept: number[] = [];
  const originalOf = new Map<number, [number, number]>();
  for (const card of order) {
    const original = kept.find((k) => similar.has(`${k},${card}`));
    if (original === undefined) kept.push(card);
    else originalOf.set(card, [original, similar.get(`${original},${card}`)!]);
  }
  const pos = new Map(order.map((c, i) => [c, i]));
  const variants = [...originalOf.keys()].sort((a, b) => pos.get(originalOf.get(a)![0])! - pos.get(originalOf.get(b)![0])! || pos.get(a)! - pos.get(b)!);
  return {
    pairs: variants.map((v) => ({ original: cards[originalOf.get(v)![0]]!.id, variant: cards[v]!.id, similarity: originalOf.get(v)![1] })),
    uniqueIds: cards.filter((_, i) => !originalOf.has(i)).map((c) => c.id),
  };
}

/**
 * A seeded collection of cards: unrelated cards over a Zipf vocabulary, planted near-copies with a few edits
 * (so their similarity falls on both sides of 0.99), exact copies, re-cased copies, and empty cards.
 */
function plantedCards(seed: number, unrelated: number): { cards: CardText[]; planted: Set<string> } {
  const random = new SeededRandom(seed);
  const vocabulary = Array.from({ length: 6000 }, (_, i) => `w${i.toString(36)}${"abcdefghij"[i % 10]}`);
  const zipf = vocabulary.map((_, i) => 1 / (i + 1));
  const cumulative: number[] = [];
  zipf.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const total = cumulative[cumulative.length - 1]!;
  const word = () => {
    const r = random.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
  const text = (length: number) => Array.from({ length }, word).join(" ");
  const date = () => new Date(Date.UTC(2021, 0, 1) + random.int(0, 1200) * 86_400_000).toISOString();
  const cards: CardText[] = [];
  const planted = new Set<string>();
  for (let i = 0; i < unrelated; i++) cards.push({ id: `u/card-${i}`, createdAt: date(), text: text(random.int(20, 160)) });
  const bases = 120;
  for (let b = 0; b < bases; b++) {
    const baseTokens = text(random.int(60, 260)).split(" ");
    const baseId = `base/${b}`;
    cards.push({ id: baseId, createdAt: date(), text: baseTokens.join(" ") });
    const copies = random.int(1, 8);
    for (let c = 0; c < copies; c++) {
      const tokens = baseTokens.slice();
      const edits = random.int(0, 6);
      for (let e = 0; e < edits; e++) {
        const at = random.int(0, tokens.length - 1);
        const kind = random.int(0, 2);
        if (kind === 0) tokens[at] = `name${b}x${c}x${e}`;
        else if (kind === 1) tokens.splice(at, 0, word());
        else tokens.splice(at, 1);
      }
      const id = `copy/${b}-${c}`;
      const style = random.int(0, 9);
      // Same day as the base for some copies, so ties are broken by id.
      const createdAt = style === 0 ? cards.find((x) => x.id === baseId)!.createdAt : style === 1 ? null : date();
      const body = style === 2 ? tokens.join(" ").toUpperCase() : tokens.join(style === 3 ? ", " : " ");
      cards.push({ id, createdAt, text: body });
      planted.add(id);
    }
  }
  for (let i = 0; i < 15; i++) cards.push({ id: `empty/${i}`, createdAt: date(), text: i % 2 ? "" : "- * a 1 !" });
  return { cards: random.shuffle(cards), planted };
}

describe("tfidf (scikit-learn TfidfVectorizer defaults)", () => {
  // Fixture made with: /usr/bin/python3 bench/reference/near_duplicates.py sklearn-input.jsonl sklearn-output.json --dump-vectors
  const input: CardText[] = readFileSync(join(FIXTURES, "sklearn-input.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const sklearn = JSON.parse(readFileSync(join(FIXTURES, "sklearn-output.json"), "utf8")) as {
    vocabulary: string[];
    idf: number[];
    rows: Array<Record<string, number>>;
    allPairs: Array<[number, number, number]>;
    pairs: NearDuplicatePair[];
    uniqueIds: string[];
  };

  it("tokenizes like (?u)\\b\\w\\w+\\b after lowercasing, Unicode included", () => {
    expect(sklearnTokens("Hello, snake_case x 3.14 ÜBER-Straße ΟΔΟΣ 東京 ½ a٣")).toEqual(["hello", "snake_case", "14", "über", "straße", "οδος", "東京", "a٣"]);
    expect(sklearnTokens("हिन्दी")).toEqual([]); // combining marks are not \w in Python
  });

  it("counts exactly the tokens sklearnTokens() returns, on random Unicode text", () => {
    const pool = ["a", "B", "z", "_", "0", "9", " ", ".", "-", "é", "ß", "Σ", "東", "ि", "्", "½", "٣", "𝐀", "𝟘", "😀", "\u0301", "İ", "\n"];
    const random = new SeededRandom(99);
    const texts = Array.from({ length: 300 }, () => Array.from({ length: random.int(0, 60) }, () => random.pick(pool)).join(""));
    const matrix = tfidfVectors(texts);
    texts.forEach((text, r) => {
      const expected = new Map<string, number>();
      for (const token of sklearnTokens(text)) expected.set(token, (expected.get(token) ?? 0) + 1);
      const actual = new Map<string, number>();
      for (let e = matrix.offsets[r]!; e < matrix.offsets[r + 1]!; e++) actual.set(matrix.vocabulary[matrix.terms[e]!]!, matrix.counts[e]!);
      expect(actual).toEqual(expected);
    });
    expect(matrix.vocabulary.length).toBeGreaterThan(100);
  });

  it("gives scikit-learn's vocabulary, idf and normalised weights", () => {
    const matrix = tfidfVectors(input.map((c) => c.text));
    expect([...matrix.vocabulary].sort()).toEqual([...sklearn.vocabulary].sort());
    sklearn.vocabulary.forEach((term, k) => {
      const id = matrix.vocabulary.indexOf(term);
      expect(Math.abs(matrix.idf[id]! - sklearn.idf[k]!)).toBeLessThan(1e-12);
    });
    for (let r = 0; r < input.length; r++) {
      const ours: Record<string, number> = {};
      for (let e = matrix.offsets[r]!; e < matrix.offsets[r + 1]!; e++) ours[matrix.vocabulary[matrix.terms[e]!]!] = matrix.weights[e]!;
      expect(Object.keys(ours).sort()).toEqual(Object.keys(sklearn.rows[r]!).sort());
      for (const [term, w] of Object.entries(sklearn.rows[r]!)) expect(Math.abs(ours[term]! - w)).toBeLessThan(1e-12);
    }
  });

  it("orders term ids rarest first, the same way whatever the order of the texts", () => {
    expect(tfidfVectors(["b a c", "c b", "c"]).vocabulary).toEqual([]); // single letters are not tokens
    const m = tfidfVectors(["bb aa cc", "cc bb", "cc"]);
    expect(m.vocabulary).toEqual(["aa", "bb", "cc"]);
    expect(Array.from(m.documentFrequency)).toEqual([1, 2, 3]);
    const texts = Array.from({ length: 50 }, (_, i) => `t${i} t${i % 7} t${i % 3} shared`);
    const forward = tfidfVectors(texts);
    const backward = tfidfVectors([...texts].reverse());
    expect(backward.vocabulary).toEqual(forward.vocabulary);
    const df = Array.from(forward.documentFrequency);
    expect(df).toEqual([...df].sort((a, b) => a - b));
    // Row i of the reversed input is row 49 - i of the forward one, bit for bit.
    const row = (m: TfidfMatrix, r: number) => Array.from(m.weights.subarray(m.offsets[r]!, m.offsets[r + 1]!));
    for (let r = 0; r < 50; r++) expect(row(backward, 49 - r)).toEqual(row(forward, r));
  });

  it("finds the same pairs and groups as scikit-learn on the fixture", () => {
    const matrix = tfidfVectors(input.map((c) => c.text));
    const ours = similarRowPairs(matrix, THRESHOLD);
    expect(ours.map(([a, b]) => [a, b])).toEqual(sklearn.allPairs.map(([a, b]) => [a, b]));
    ours.forEach(([, , s], i) => expect(Math.abs(s - sklearn.allPairs[i]![2])).toBeLessThan(1e-12));
    const result = findNearDuplicates(input, { threshold: THRESHOLD });
    expect(result.uniqueIds).toEqual(sklearn.uniqueIds);
    expect(result.pairs.map((p) => [p.original, p.variant])).toEqual(sklearn.pairs.map((p) => [p.original, p.variant]));
    expect(result.problems).toEqual([expect.objectContaining({ id: "ivy/other", code: "created-at-invalid" })]);
  });
});

describe("near-identical cards: exact against brute force", () => {
  const { cards, planted } = plantedCards(20250324, 2000);
  const matrix = tfidfVectors(cards.map((c) => c.text));
  // One brute-force scan at the loosest threshold any check uses; tighter ones are filters of it.
  const bruteLoose = bruteForcePairs(matrix, 0.9);
  const bruteAt = (threshold: number) => bruteLoose.filter(([, , s]) => s >= threshold);
  const brute = bruteAt(THRESHOLD);

  it("the planted data straddles the threshold (otherwise the check would prove little)", () => {
    expect(cards.length).toBeGreaterThanOrEqual(2000);
    const near = bruteAt(0.985).map(([, , s]) => s);
    expect(near.filter((s) => s >= 0.99 && s < 0.9915).length).toBeGreaterThan(5);
    expect(near.filter((s) => s >= 0.985 && s < 0.99).length).toBeGreaterThan(5);
    expect(brute.length).toBeGreaterThan(200);
  });

  it("returns exactly the brute-force pair set, with bit-identical similarities", () => {
    expect(similarRowPairs(matrix, THRESHOLD)).toEqual(brute);
  });

  it("is exact at other thresholds too (looser bounds, more candidates)", () => {
    for (const threshold of [0.9, 0.995, 1]) expect(similarRowPairs(matrix, threshold)).toEqual(bruteAt(threshold));
  });

  it("groups exactly as the greedy rule over brute-force pairs, and keeps the rule's guarantees", () => {
    const result = findNearDuplicates(cards, { threshold: THRESHOLD });
    const expected = bruteForceGrouping(cards, brute);
    expect(result.pairs).toEqual(expected.pairs);
    expect(result.uniqueIds).toEqual(expected.uniqueIds);
    const variants = new Set(result.pairs.map((p) => p.variant));
    expect([...variants].every((v) => planted.has(v) || v.startsWith("base/"))).toBe(true);
    expect(result.pairs.every((p) => p.similarity >= THRESHOLD)).toBe(true);
    // No two kept cards are near-identical.
    const index = new Map(cards.map((c, i) => [c.id, i]));
    const kept = new Set(result.uniqueIds.map((id) => index.get(id)!));
    expect(brute.filter(([a, b]) => kept.has(a) && kept.has(b))).toEqual([]);
    expect(result.stats.verified).toBeLessThan((result.stats.distinctVectors * (result.stats.distinctVectors - 1)) / 2 / 100);
  });

  it("does not depend on the order of the input", () => {
    const first = findNearDuplicates(cards);
    const shuffled = findNearDuplicates(new SeededRandom(7).shuffle(cards));
    expect(shuffled.pairs).toEqual(first.pairs);
    expect(new Set(shuffled.uniqueIds)).toEqual(new Set(first.uniqueIds));
  });
});

describe("near-identical cards: grouping rules", () => {
  const card = "Model card. This adapter was trained on the lorem ipsum corpus for forty epochs with care and patience.";

  it("makes the earliest card the original; undated cards come last; equal dates go by id", () => {
    const result = findNearDuplicates([
      { id: "z/undated", createdAt: null, text: card },
      { id: "b/same-day", createdAt: "2024-01-02T00:00:00.000Z", text: card },
      { id: "a/same-day", createdAt: "2024-01-02T00:00:00.000Z", text: card.toUpperCase() },
      { id: "c/later", createdAt: "2024-03-01T00:00:00Z", text: card },
      { id: "d/unrelated", createdAt: "2020-01-01T00:00:00Z", text: "Something else entirely about speech recognition." },
    ]);
    expect(result.uniqueIds).toEqual(["a/same-day", "d/unrelated"]);
    expect(result.pairs.map((p) => [p.original, p.variant])).toEqual([
      ["a/same-day", "b/same-day"],
      ["a/same-day", "c/later"],
      ["a/same-day", "z/undated"],
    ]);
    expect(result.pairs.every((p) => Math.abs(p.similarity - 1) < 1e-12)).toBe(true);
  });

  it("never groups empty cards, and does not chain variants", () => {
    // b is within the threshold of a and of c, but a and c are not: c stays an original.
    let [a, b, c] = ["", "", ""];
    for (let n = 40; n < 400 && !c; n++) {
      const words = Array.from({ length: n }, (_, i) => `tok${i}`);
      const texts = [words.join(" "), words.slice(1).join(" "), words.slice(2).join(" ")];
      const m = tfidfVectors([...texts, "", ""]);
      if (rowDot(m, 0, 1) >= 0.99 && rowDot(m, 1, 2) >= 0.99 && rowDot(m, 0, 2) < 0.99) [a, b, c] = texts as [string, string, string];
    }
    expect(c).not.toBe("");
    const result = findNearDuplicates([
      { id: "x/a", createdAt: "2022-01-01T00:00:00Z", text: a },
      { id: "x/b", createdAt: "2022-02-01T00:00:00Z", text: b },
      { id: "x/c", createdAt: "2022-03-01T00:00:00Z", text: c },
      { id: "x/empty1", createdAt: "2022-01-01T00:00:00Z", text: "" },
      { id: "x/empty2", createdAt: "2022-01-01T00:00:00Z", text: "" },
    ]);
    expect(result.pairs.map((p) => [p.original, p.variant])).toEqual([["x/a", "x/b"]]);
    expect(result.uniqueIds).toEqual(["x/a", "x/c", "x/empty1", "x/empty2"]);
  });

  it("rejects duplicate ids and bad thresholds with a clear error", () => {
    expect(() =>
      findNearDuplicates([
        { id: "m/1", createdAt: null, text: "aa" },
        { id: "m/1", createdAt: null, text: "bb" },
      ]),
    ).toThrow(/m\/1 appears twice/);
    expect(() => findNearDuplicates([], { threshold: 1.5 })).toThrow(/threshold/);
  });

  it("round-trips through filter/near-duplicates.arrow", async () => {
    const dir = mkdtempSync(join(tmpdir(), "near-dup-"));
    try {
      const pairs = findNearDuplicates([
        { id: "p/1", createdAt: "2021-01-01T00:00:00Z", text: card },
        { id: "p/2", createdAt: "2021-01-02T00:00:00Z", text: card },
      ]).pairs;
      await writeRows(join(dir, "near-duplicates.arrow"), pairs, NEAR_DUPLICATES);
      expect(readRows(join(dir, "near-duplicates.arrow"), NEAR_DUPLICATES)).toEqual(pairs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("near-duplicates benchmark helpers", () => {
  it("synthesises the same cards for the same seed, with the planted copy families", () => {
    const a = synthesizeCards(3000, 5);
    expect(synthesizeCards(3000, 5)).toEqual(a);
    expect(new Set(a.map((c) => c.id)).size).toBe(3000);
    const result = findNearDuplicates(a);
    expect(result.pairs.length).toBeGreaterThan(20);
  });

  it("compares two results pair by pair", () => {
    const ours = { pairs: [{ original: "a", variant: "b", similarity: 0.995 }], uniqueIds: ["a", "c"] };
    expect(compareNearDuplicates(ours, { pairs: [{ original: "a", variant: "b", similarity: 0.995 + 1e-13 }], uniqueIds: ["a", "c"] }).identical).toBe(true);
    const other = compareNearDuplicates(ours, { pairs: [{ original: "c", variant: "b", similarity: 0.995 }], uniqueIds: ["a", "c"] });
    expect(other.identical).toBe(false);
    expect(other.detail).toMatch(/only ours 1, only scikit-learn 1/);
  });
});
