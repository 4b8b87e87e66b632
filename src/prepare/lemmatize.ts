/**
 * Lemma policies over WordNet morphy, with a per-word cache.
 *
 * - "noun": NLTK `lemmatize(w, "n")`.
 * - "verb": NLTK `lemmatize(w, "v")`.
 * - "noun-then-verb" (default): the noun lemma; when that leaves the word unchanged, the verb lemma.
 *   This is what reproduces the paper's outliers: "debugging" -> debug, "logging" -> log,
 *   "testing" -> test, while "models" -> model and "requirements" -> requirement keep their noun lemma.
 *
 * Quirk kept on purpose: NLTK's verb lemma of "coding" is "cod" (both "code" and "cod" are WordNet verbs
 * and the shortest candidate wins), so under "noun-then-verb" the word "coding" becomes "cod". The task
 * "coding" goes through the same function, so it still matches "coding" (and "codes"/"coded" do not:
 * they become "code"). The Table III coding rule then keeps only models tagged `code`.
 */
import { lemmatizeAs, loadWordnet, type WordnetData } from "./wordnet";

export const LEMMA_POLICIES = ["noun", "verb", "noun-then-verb"] as const;
export type LemmaPolicy = (typeof LEMMA_POLICIES)[number];
export const DEFAULT_LEMMA_POLICY: LemmaPolicy = "noun-then-verb";

export interface Lemmatizer {
  readonly policy: LemmaPolicy;
  /** Lemma of one lowercase word. */
  lemma(word: string): string;
}

/** The cache is cleared when it grows past this many words (hashes and numbers make the vocabulary open). */
const CACHE_LIMIT = 300_000;

export function isLemmaPolicy(value: unknown): value is LemmaPolicy {
  return typeof value === "string" && (LEMMA_POLICIES as readonly string[]).includes(value);
}

export function createLemmatizer(policy: LemmaPolicy = DEFAULT_LEMMA_POLICY, data: WordnetData = loadWordnet()): Lemmatizer {
  if (!isLemmaPolicy(policy)) throw new Error(`unknown lemma policy ${JSON.stringify(policy)} (expected one of ${LEMMA_POLICIES.join(", ")})`);
  const compute = lemmaFunction(policy, data);
  const cache = new Map<string, string>();
  return {
    policy,
    lemma(word: string): string {
      let lemma = cache.get(word);
      if (lemma === undefined) {
        lemma = compute(word);
        if (cache.size >= CACHE_LIMIT) cache.clear();
        cache.set(word, lemma);
      }
      return lemma;
    },
  };
}

function lemmaFunction(policy: LemmaPolicy, data: WordnetData): (word: string) => string {
  switch (policy) {
    case "noun":
      return (word) => lemmatizeAs(data, word, "n");
    case "verb":
      return (word) => lemmatizeAs(data, word, "v");
    case "noun-then-verb":
      return (word) => {
        const noun = lemmatizeAs(data, word, "n");
        return noun !== word ? noun : lemmatizeAs(data, word, "v");
      };
  }
}
