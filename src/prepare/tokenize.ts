/**
 * Word/punctuation tokenizer with character offsets into the raw text.
 *
 * Tokenizing is done by `natural`'s RegexpTokenizer (non-gap mode) with our pattern: a token is a run of
 * letters, combining marks and digits (any script), or a run of other non-space characters. natural's
 * tokenize() returns bare strings, so each token is located again in the raw text; because the pattern
 * only skips white space, the next token always starts at the first non-space character after the
 * previous one, and an alignment failure is a bug reported loudly.
 *
 * Choices, and why:
 * - Punctuation is split off words, so "generation." yields "generation" (a Treebank tokenizer without
 *   sentence splitting glues the period on and misses every task name that ends a sentence).
 * - "_" and "-" are punctuation: "train_log" -> train _ log, "code-generation" -> code - generation.
 *   Table III's rules speak of "debug"/"log" next to "_" and "-", which only arise when these split.
 * - The tokenizer keeps every punctuation token; what the matcher sees is decided in preparer.ts
 *   (punctuation breaks a phrase, except a hyphen glued inside a compound such as "code-generation").
 * - Letters are Unicode-aware (natural's own WordPunctTokenizer only knows Latin-1 letters), so "décode"
 *   stays one token and "code" never matches inside it.
 */
import type { RegexpTokenizer as NaturalRegexpTokenizer } from "natural";

// The tokenizer module alone: importing all of `natural` costs ~0.8 s and prints dotenv notices.
const { RegexpTokenizer } = require("natural/lib/natural/tokenizers/regexp_tokenizer") as {
  RegexpTokenizer: typeof NaturalRegexpTokenizer;
};

/** Word = letters/marks/digits; punctuation = any other run of non-space characters. */
export const TOKEN_PATTERN = /[\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}\s]+/gu;
const WORD_START = /^[\p{L}\p{M}\p{N}]/u;
const SPACE = /\s/;

/** White space as the token pattern's `\s` sees it; ASCII answered without a regex. */
function isSpaceAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return SPACE.test(text[at]!);
}

export interface Tokens {
  /** Raw token text (not lowercased). */
  tokens: string[];
  /** Offsets in UTF-16 code units: token i is `text.slice(starts[i], ends[i])`. */
  starts: Int32Array;
  ends: Int32Array;
}

const tokenizer = new RegexpTokenizer({ pattern: TOKEN_PATTERN, gaps: false });

export function tokenize(text: string): Tokens {
  const tokens = (tokenizer.tokenize(text) ?? []) as string[];
  const starts = new Int32Array(tokens.length);
  const ends = new Int32Array(tokens.length);
  let cursor = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    while (cursor < text.length && isSpaceAt(text, cursor)) cursor++;
    // The pattern skips nothing but white space, so checking the first character is enough to catch
    // a mismatch between natural's output and our offsets (a full comparison doubles the cost).
    if (text.charCodeAt(cursor) !== token.charCodeAt(0)) {
      throw new Error(`tokenizer alignment failed at token ${i} ${JSON.stringify(token)} (offset ${cursor})`);
    }
    starts[i] = cursor;
    cursor += token.length;
    ends[i] = cursor;
  }
  return { tokens, starts, ends };
}

/** True when the token is a word (letters/marks/digits), false for punctuation. */
export function isWordToken(token: string): boolean {
  return WORD_START.test(token);
}
