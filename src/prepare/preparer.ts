/**
 * One preparation path for every text the search sees (card body, each metadata value, each abstract)
 * and for the task names: tokenize, lowercase, lemmatize. Offsets always point into the raw text, so
 * later stages (Table III outlier rules, evidence for humans) can read the original characters.
 *
 * Punctuation tokens are kept as they are (they match nothing and break contiguity), with one
 * exception: a single "-" glued to a word on both sides joins a compound and is dropped by default, so
 * "code-generation" reads as "code generation" and the task "test-driven development" also matches
 * "test driven development". Spaced dashes, "--", "_" and "/" still break a phrase, so identifiers
 * such as "code_generation" and sentence breaks ("code. Generation") never match. `hyphens: "split"`
 * keeps every hyphen as a token (then only the hyphenated spelling of a hyphenated task matches).
 * Words are lowercased per token (offsets stay valid even where lowercasing changes the length) and
 * lemmatized.
 */
import { createLemmatizer, DEFAULT_LEMMA_POLICY, type LemmaPolicy } from "./lemmatize";
import { isWordToken, tokenize } from "./tokenize";
import { loadWordnet } from "./wordnet";

export interface PreparedText {
  /** One lemma per token (punctuation tokens kept verbatim). */
  lemmas: string[];
  /** Token i covers `raw.slice(starts[i], ends[i])`. */
  starts: Int32Array;
  ends: Int32Array;
}

export interface Preparer {
  readonly policy: LemmaPolicy;
  readonly hyphens: HyphenPolicy;
  /** Human-readable data origin (WordNet files and exception lists), for the run description. */
  readonly origin: string;
  prepare(text: string): PreparedText;
}

/** Raw tokens remembered before the cache starts over (numbers and hashes make the vocabulary open). */
const TOKEN_CACHE_LIMIT = 500_000;

export type HyphenPolicy = "join" | "split";

export interface PreparerOptions {
  policy?: LemmaPolicy;
  /** "join" (default): drop a "-" glued between two words; "split": keep it as a token. */
  hyphens?: HyphenPolicy;
}

export function createPreparer(options: PreparerOptions = {}): Preparer {
  const policy = options.policy ?? DEFAULT_LEMMA_POLICY;
  const hyphens = options.hyphens ?? "join";
  if (hyphens !== "join" && hyphens !== "split") throw new Error(`unknown hyphen policy ${JSON.stringify(hyphens)} (expected join or split)`);
  const data = loadWordnet();
  const lemmatizer = createLemmatizer(policy, data);
  // Keyed by the raw token, so a repeated token costs one map lookup (no lowercasing, no regex test).
  const tokenCache = new Map<string, string>();
  const lemmaOfToken = (token: string): string => {
    let lemma = tokenCache.get(token);
    if (lemma === undefined) {
      lemma = isWordToken(token) ? lemmatizer.lemma(token.toLowerCase()) : token;
      if (tokenCache.size >= TOKEN_CACHE_LIMIT) tokenCache.clear();
      tokenCache.set(token, lemma);
    }
    return lemma;
  };
  return {
    policy,
    hyphens,
    origin: data.origin,
    prepare(text: string): PreparedText {
      const { tokens, starts, ends } = tokenize(text);
      const lemmas: string[] = [];
      // Compact in place: kept token k moves to slot lemmas.length <= k, so slots k-1, k and k+1 still
      // hold their original offsets when isJoiningHyphen reads them.
      for (let k = 0; k < tokens.length; k++) {
        const token = tokens[k]!;
        if (hyphens === "join" && token === "-" && isJoiningHyphen(tokens, starts, ends, k)) continue;
        starts[lemmas.length] = starts[k]!;
        ends[lemmas.length] = ends[k]!;
        lemmas.push(lemmaOfToken(token));
      }
      return { lemmas, starts: starts.subarray(0, lemmas.length), ends: ends.subarray(0, lemmas.length) };
    },
  };
}

/** A "-" token touching a word token on both sides, as in "code-generation". */
function isJoiningHyphen(tokens: readonly string[], starts: Int32Array, ends: Int32Array, k: number): boolean {
  return k > 0 && k + 1 < tokens.length && ends[k - 1] === starts[k] && ends[k] === starts[k + 1] && isWordToken(tokens[k - 1]!) && isWordToken(tokens[k + 1]!);
}
