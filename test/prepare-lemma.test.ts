import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createLemmatizer, LEMMA_POLICIES, type LemmaPolicy } from "../src/prepare/lemmatize";
import { loadWordnet, morphy } from "../src/prepare/wordnet";

interface LemmaFixture {
  nltk: string;
  entries: [word: string, noun: string, verb: string, nounThenVerb: string][];
}

const fixture = JSON.parse(readFileSync(join(__dirname, "fixtures/prepare/lemma-fixture.json"), "utf8")) as LemmaFixture;
const column: Record<LemmaPolicy, 1 | 2 | 3> = { noun: 1, verb: 2, "noun-then-verb": 3 };

describe("lemmatizer against NLTK's WordNetLemmatizer (committed fixture)", () => {
  test("the fixture is a realistic vocabulary", () => {
    expect(fixture.entries.length).toBeGreaterThanOrEqual(5000);
  });

  for (const policy of LEMMA_POLICIES) {
    test(`policy ${policy}: at least 99% agreement`, () => {
      const lemmatizer = createLemmatizer(policy);
      const disagreements = fixture.entries
        .map((entry) => ({ word: entry[0], nltk: entry[column[policy]], ours: lemmatizer.lemma(entry[0]) }))
        .filter((d) => d.nltk !== d.ours);
      const agreement = 1 - disagreements.length / fixture.entries.length;
      console.log(
        `lemma policy ${policy}: ${(agreement * 100).toFixed(2)}% agreement over ${fixture.entries.length} words; ` +
          `disagreements (word nltk/ours): ${disagreements.map((d) => `${d.word} ${d.nltk}/${d.ours}`).join(", ") || "none"}`,
      );
      expect(agreement).toBeGreaterThanOrEqual(0.99);
    });
  }
});

describe("default policy (noun-then-verb)", () => {
  const lemmatizer = createLemmatizer();
  test.each([
    ["debugging", "debug"],
    ["logging", "log"],
    ["testing", "test"],
    ["repairing", "repair"],
    ["models", "model"],
    ["requirements", "requirement"],
    ["generation", "generation"],
    ["code", "code"],
    ["codes", "code"],
    // NLTK's verb quirk: both "code" and "cod" are verbs and the shortest candidate wins.
    ["coding", "cod"],
  ])("%s -> %s", (word, lemma) => {
    expect(lemmatizer.lemma(word)).toBe(lemma);
  });

  test("noun-only leaves the gerunds alone, which is why it is not the default", () => {
    const noun = createLemmatizer("noun");
    expect(["debugging", "logging", "coding"].map((w) => noun.lemma(w))).toEqual(["debugging", "logging", "coding"]);
  });

  test("an unknown policy is refused with its name", () => {
    expect(() => createLemmatizer("adjective" as LemmaPolicy)).toThrow(/unknown lemma policy "adjective"/);
  });
});

describe("morphy", () => {
  const data = loadWordnet();
  test("exception lists win over detachment rules", () => {
    expect(morphy(data, "geese", "n")).toEqual(["goose"]);
    expect(morphy(data, "ran", "v")).toEqual(["run"]);
  });
  test("candidates keep NLTK's order (the word itself first when it is a lemma)", () => {
    expect(morphy(data, "coding", "v")).toEqual(["code", "cod"]);
    expect(morphy(data, "boxes", "n")).toEqual(["box"]);
  });
  test("unknown words give no candidates", () => {
    expect(morphy(data, "qwertyuiop", "n")).toEqual([]);
  });
});
