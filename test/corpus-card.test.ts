import { describe, expect, test } from "vitest";
import { extractArxivIds, parseCard, splitFrontMatter, toJsonText } from "../src/corpus/card";

const ID = "acme/coder-7b";

describe("parseCard: front matter and body", () => {
  test("LF card: metadata normalised, body after the closing line, status present", () => {
    const text =
      "---\nlicense: mit\ndatasets:\n  - bigcode/the-stack\n  - 42\nbase_model: bigcode/starcoder\nlanguage: [en, code]\npipeline_tag: text-generation\ntags: [code, arxiv:2305.06161]\n---\n# Coder\nGenerates code.\n";
    const card = parseCard(ID, text);
    expect(card.cardStatus).toBe("present");
    expect(card.cardText).toBe(text);
    expect(card.cardBody).toBe("# Coder\nGenerates code.\n");
    expect(card.problems).toEqual([]);
    expect(card.cardMeta).toMatchObject({
      license: ["mit"],
      datasets: ["bigcode/the-stack", "42"],
      baseModel: ["bigcode/starcoder"],
      language: ["en", "code"],
      tags: ["code", "arxiv:2305.06161"],
      pipelineTag: "text-generation",
      modelIndex: [],
    });
    expect(JSON.parse(card.cardMeta!.rawJson)).toEqual({
      license: "mit",
      datasets: ["bigcode/the-stack", 42],
      base_model: "bigcode/starcoder",
      language: ["en", "code"],
      pipeline_tag: "text-generation",
      tags: ["code", "arxiv:2305.06161"],
    });
    // arxiv tags inside the card metadata count too
    expect(card.arxivIds).toEqual(["2305.06161"]);
  });

  test("CRLF and BOM: same metadata and body as LF, cardText kept byte for byte", () => {
    const lf = "---\nlicense: apache-2.0\nbase_model:\n  - a/b\n  - c/d\n---\n\nLine one\nLine two\n";
    const crlf = "\uFEFF" + lf.replace(/\n/g, "\r\n");
    const a = parseCard(ID, lf);
    const b = parseCard(ID, crlf);
    expect(b.cardText).toBe(crlf);
    expect(b.cardBody).toBe(a.cardBody);
    expect(b.cardBody).toBe("\nLine one\nLine two\n");
    expect(b.cardMeta).toEqual(a.cardMeta);
    expect(b.cardMeta!.baseModel).toEqual(["a/b", "c/d"]);
    expect(b.problems).toEqual([]);
  });

  test("old Mac CR line endings are handled", () => {
    const card = parseCard(ID, "---\rlicense: mit\r---\rBody\r");
    expect(card.cardMeta!.license).toEqual(["mit"]);
    expect(card.cardBody).toBe("Body\n");
  });

  test("no front matter: whole text is the body, no metadata, no problem", () => {
    const text = "# gpt2\n\nA --- not front matter\n---\n";
    const card = parseCard("gpt2", text);
    expect(card.cardStatus).toBe("present");
    expect(card.cardBody).toBe(text);
    expect(card.cardMeta).toBeNull();
    expect(card.problems).toEqual([]);
  });

  test("empty body after front matter, whitespace-only file and empty file are 'empty'", () => {
    expect(parseCard(ID, "---\nlicense: mit\n---\n  \n\t\n").cardStatus).toBe("empty");
    expect(parseCard(ID, "---\nlicense: mit\n---").cardStatus).toBe("empty");
    expect(parseCard(ID, "---\nlicense: mit\n---").cardBody).toBe("");
    expect(parseCard(ID, " \r\n ").cardStatus).toBe("empty");
    const empty = parseCard(ID, "");
    expect(empty).toMatchObject({ cardStatus: "empty", cardText: "", cardBody: "", cardMeta: null, problems: [] });
  });

  test("missing card vs gated vs failed: null text keeps the caller's status", () => {
    expect(parseCard(ID, null)).toEqual({ cardStatus: "none", cardText: null, cardBody: null, cardMeta: null, arxivIds: [], problems: [] });
    expect(parseCard(ID, null, "gated").cardStatus).toBe("gated");
    expect(parseCard(ID, null, { status: "failed", tags: ["arxiv:1810.04805"] })).toMatchObject({ cardStatus: "failed", arxivIds: ["1810.04805"] });
  });

  test("front matter that is a list or a scalar: metadata null, problem names the model", () => {
    for (const [yaml, shape] of [
      ["- a\n- b\n", "a list"],
      ["just text\n", "string"],
    ] as const) {
      const card = parseCard(ID, `---\n${yaml}---\nBody\n`);
      expect(card.cardMeta).toBeNull();
      expect(card.cardBody).toBe("Body\n");
      expect(card.cardStatus).toBe("present");
      expect(card.problems).toHaveLength(1);
      expect(card.problems[0]).toMatchObject({ stage: "card", code: "front-matter-not-mapping" });
      expect(card.problems[0]!.message).toContain(ID);
      expect(card.problems[0]!.message).toContain(shape);
    }
  });

  test("invalid YAML: problem with the card line, metadata null, body kept", () => {
    const card = parseCard(ID, "---\nlicense: mit\ntags: [a, b\nfoo: bar\n---\nStill here\n");
    expect(card.cardMeta).toBeNull();
    expect(card.cardBody).toBe("Still here\n");
    expect(card.cardStatus).toBe("present");
    expect(card.problems).toHaveLength(1);
    expect(card.problems[0]!.code).toBe("yaml-invalid");
    expect(card.problems[0]!.message).toMatch(new RegExp(`^${ID}: invalid YAML front matter at card line 4: Flow sequence`));
  });

  test("tab indentation is invalid YAML, reported not thrown", () => {
    const card = parseCard(ID, "---\ntags:\n\t- a\n---\nx\n");
    expect(card.problems.map((p) => p.code)).toEqual(["yaml-invalid"]);
  });

  test("unclosed front matter: whole text is the body and a problem is recorded", () => {
    const text = "---\nlicense: mit\n# Title\nSome words\n";
    const card = parseCard(ID, text);
    expect(card.cardMeta).toBeNull();
    expect(card.cardBody).toBe(text);
    expect(card.cardStatus).toBe("present");
    expect(card.problems).toEqual([expect.objectContaining({ stage: "card", code: "front-matter-unclosed" })]);
    expect(card.problems[0]!.message).toContain(ID);
    expect(parseCard(ID, "---").problems[0]!.code).toBe("front-matter-unclosed");
  });

  test("blank lines before the opening --- are allowed; text before it is not", () => {
    const card = parseCard(ID, "\n  \n---\nlicense: mit\n---\nBody");
    expect(card.cardMeta!.license).toEqual(["mit"]);
    expect(card.cardBody).toBe("Body");
    expect(parseCard(ID, "\n\n---\nok: 1\nbad: [\n---\nx").problems[0]!.message).toContain("at card line 6");
    const notFront = parseCard(ID, "Intro\n---\nlicense: mit\n---\nBody");
    expect(notFront.cardMeta).toBeNull();
    expect(notFront.cardBody).toBe("Intro\n---\nlicense: mit\n---\nBody");
  });

  test("'...' closes the front matter; empty front matter means no metadata", () => {
    expect(parseCard(ID, "---\nlicense: mit\n...\nBody").cardMeta!.license).toEqual(["mit"]);
    const empty = parseCard(ID, "---\n---\nBody");
    expect(empty.cardMeta).toBeNull();
    expect(empty.problems).toEqual([]);
    expect(parseCard(ID, "---\n# only a comment\n---\nBody").cardMeta).toBeNull();
  });

  test("duplicate keys: last value wins and the duplicate is reported", () => {
    const card = parseCard(ID, "---\nlicense: mit\nlicense: apache-2.0\n---\nx");
    expect(card.cardMeta!.license).toEqual(["apache-2.0"]);
    expect(card.problems).toEqual([expect.objectContaining({ code: "yaml-duplicate-key" })]);
    expect(card.problems[0]!.message).toContain('"license"');
  });

  test("keys nested in keys give a problem instead of a crash; repeated complex keys are still reported", () => {
    // `? ? ? ... x`: printing such a key back as YAML grows exponentially and used to throw out of parseCard.
    const nested = parseCard(ID, `---\n${"? ".repeat(40)}x\n---\nbody`);
    expect(nested.cardBody).toBe("body");
    expect(nested.cardMeta).toBeNull();
    expect(nested.problems).toEqual([
      { stage: "card", code: "yaml-too-deep", message: `${ID}: front matter not converted: collections used as keys nest 39 deep (more than 4)` },
    ]);
    const repeated = parseCard(ID, "---\n? [a, b]\n: 1\n? [a, b]\n: 2\nlicense: mit\n---\nx");
    expect(repeated.cardMeta!.license).toEqual(["mit"]);
    expect(repeated.problems).toEqual([expect.objectContaining({ code: "yaml-duplicate-key" })]);
  });

  test("alias bomb is stopped with a problem, not a hang or crash", () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(",")}]`,
      );
    const card = parseCard(ID, `---\n${levels.join("\n")}\n---\nbody`);
    expect(card.cardMeta).toBeNull();
    expect(card.problems.map((p) => p.code)).toEqual(["yaml-alias-limit"]);
    expect(card.cardBody).toBe("body");
  });

  test("deeply nested front matter is refused before the parser can overflow the stack", () => {
    for (const depth of [1000, 20000, 100000]) {
      const card = parseCard(ID, `---\na: ${"[".repeat(depth)}${"]".repeat(depth)}\n---\nbody`);
      expect(card.problems).toEqual([
        { stage: "card", code: "yaml-too-deep", message: `${ID}: front matter not parsed: flow collections nest deeper than 256 levels` },
      ]);
      expect(card.cardBody).toBe("body");
    }
    const indented = Array.from({ length: 300 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n");
    expect(parseCard(ID, `---\n${indented}\n---\nx`).problems[0]!.code).toBe("yaml-too-deep");
    // ordinary nesting is untouched
    expect(parseCard(ID, `---\na: ${"[".repeat(50)}x${"]".repeat(50)}\n---\nx`).problems).toEqual([]);
  });

  test("huge front matter parses without crashing", () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `  - tag-${i}`);
    const card = parseCard(ID, `---\ntags:\n${lines.join("\n")}\n---\nbody`);
    expect(card.cardMeta!.tags).toHaveLength(20000);
  });

  test("YAML 1.2: 'no' stays a language code, dates and infinities are JSON-safe in rawJson", () => {
    const card = parseCard(ID, "---\nlanguage: no\n2020: year-key\nreleased: !!timestamp 2023-05-01\nscore: .inf\n---\nx");
    expect(card.cardMeta!.language).toEqual(["no"]);
    expect(card.cardMeta!.rawJson).toBe('{"language":"no","2020":"year-key","released":"2023-05-01T00:00:00.000Z","score":null}');
  });
});

describe("parseCard: metadata shapes", () => {
  test("base_model as a string and as a list", () => {
    expect(parseCard(ID, "---\nbase_model: meta-llama/Llama-2-7b\n---\nx").cardMeta!.baseModel).toEqual(["meta-llama/Llama-2-7b"]);
    expect(parseCard(ID, "---\nbase_model:\n- a/b\n- c/d\n---\nx").cardMeta!.baseModel).toEqual(["a/b", "c/d"]);
    expect(parseCard(ID, "---\nbase_model:\n---\nx").cardMeta!.baseModel).toEqual([]);
  });

  test("nulls and nested objects in a list are dropped with a problem naming the field", () => {
    const card = parseCard(ID, "---\ndatasets:\n  - good/set\n  - null\n  - {name: x}\nlicense: {spdx: mit}\n---\nx");
    expect(card.cardMeta!.datasets).toEqual(["good/set"]);
    expect(card.cardMeta!.license).toEqual([]);
    const messages = card.problems.filter((p) => p.code === "metadata-field-shape").map((p) => p.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe(`${ID}: metadata field "license" is a mapping, expected a string or a list of strings; ignored`);
    expect(messages[1]).toBe(`${ID}: metadata field "datasets" has 2 item(s) that are null, lists or mappings; dropped`);
  });

  test("pipeline_tag that is a list is reported and null", () => {
    const card = parseCard(ID, "---\npipeline_tag: [a, b]\n---\nx");
    expect(card.cardMeta!.pipelineTag).toBeNull();
    expect(card.problems[0]!.message).toContain('"pipeline_tag"');
  });

  test("well-formed model-index flattens to one row per metric", () => {
    const yaml = [
      "model-index:",
      "- name: coder",
      "  results:",
      "  - task: {type: text-generation, name: Code}",
      "    dataset: {name: HumanEval, type: openai_humaneval}",
      "    metrics:",
      "    - {type: pass@1, value: 0.42, name: pass@1}",
      "    - {type: pass@10, value: '61.0'}",
    ].join("\n");
    const card = parseCard(ID, `---\n${yaml}\n---\nx`);
    expect(card.problems).toEqual([]);
    expect(card.cardMeta!.modelIndex).toEqual([
      {
        model: "coder",
        taskType: "text-generation",
        datasetName: "HumanEval",
        datasetType: "openai_humaneval",
        metricType: "pass@1",
        metricName: "pass@1",
        value: "0.42",
      },
      {
        model: "coder",
        taskType: "text-generation",
        datasetName: "HumanEval",
        datasetType: "openai_humaneval",
        metricType: "pass@10",
        metricName: null,
        value: "61.0",
      },
    ]);
  });

  test("odd model-index shapes salvage rows and report model-index-shape", () => {
    const yaml = [
      "model-index:", // a single mapping instead of a list
      "  name: odd",
      "  results:",
      "  - task: {type: summarization}",
      "    dataset: {name: CodeSearchNet}", // metrics missing
      "  - task: {type: translation}",
      "    dataset: {name: CodeXGLUE}",
      "    metrics:",
      "    - {type: bleu, value: {mean: 20}}", // value an object
      "  - just a string",
    ].join("\n");
    const card = parseCard(ID, `---\n${yaml}\n---\nx`);
    expect(card.cardMeta!.modelIndex).toEqual([
      { model: "odd", taskType: "summarization", datasetName: "CodeSearchNet", datasetType: null, metricType: null, metricName: null, value: null },
      { model: "odd", taskType: "translation", datasetName: "CodeXGLUE", datasetType: null, metricType: "bleu", metricName: null, value: null },
    ]);
    const messages = card.problems.map((p) => `${p.code}|${p.message}`);
    expect(messages).toEqual([
      `model-index-shape|${ID}: model-index: model-index is a single mapping, not a list (read as a list of one); kept what could be read`,
      `model-index-shape|${ID}: model-index: a result has no metrics; kept what could be read`,
      `model-index-shape|${ID}: model-index: a metric value is a mapping, not a number or string; kept what could be read`,
      `model-index-shape|${ID}: model-index: a result is a string, not a mapping; kept what could be read`,
    ]);
  });

  test("results not a list and model-index a scalar", () => {
    const a = parseCard(ID, "---\nmodel-index:\n- name: m\n  results: 3\n---\nx");
    expect(a.cardMeta!.modelIndex).toEqual([]);
    expect(a.problems[0]!.message).toContain("model-index results is a number, not a list");
    const b = parseCard(ID, "---\nmodel-index: nonsense\n---\nx");
    expect(b.cardMeta!.modelIndex).toEqual([]);
    expect(b.problems[0]!.code).toBe("model-index-shape");
  });
});

describe("extractArxivIds", () => {
  test("tags first, then abs/pdf links; versions and .pdf stripped; old-style ids; deduplicated", () => {
    const text = [
      "See https://arxiv.org/abs/2305.06161v2 and [pdf](https://arxiv.org/pdf/2107.03374.pdf).",
      "Again http://www.arxiv.org/abs/2305.06161 and export.arxiv.org/abs/hep-th/9901001v1,",
      "old math: arxiv.org/abs/math.GT/0309136, 4-digit era: arxiv.org/pdf/1409.3215v3",
      "not an id: arxiv.org/abs/12345 nor arxiv.org/list/cs.SE",
    ].join("\n");
    expect(extractArxivIds(["code", "arxiv:1810.04805", "ARXIV:2305.06161", "arxiv:bogus"], text)).toEqual([
      "1810.04805",
      "2305.06161",
      "2107.03374",
      "hep-th/9901001",
      "math.GT/0309136",
      "1409.3215",
    ]);
  });

  test("parseCard finds links in the front matter too, after Hub tags and card tags", () => {
    const card = parseCard(ID, "---\ntags: [arxiv:2002.08155]\npaper: https://arxiv.org/abs/2109.00859\n---\nSee https://arxiv.org/abs/2107.03374", {
      tags: ["arxiv:1810.04805"],
    });
    expect(card.arxivIds).toEqual(["1810.04805", "2002.08155", "2109.00859", "2107.03374"]);
  });

  test("no tags and no text give no ids", () => {
    expect(extractArxivIds([], null)).toEqual([]);
    expect(extractArxivIds([], "no links here")).toEqual([]);
  });
});

describe("helpers", () => {
  test("splitFrontMatter reports unclosed and closed blocks", () => {
    expect(splitFrontMatter("---\na: 1\n---\nb")).toEqual({ frontMatter: "a: 1\n", body: "b", unclosed: false, yamlLine: 2 });
    expect(splitFrontMatter("---  \r\na: 1\r\n---\r\n")).toEqual({ frontMatter: "a: 1\n", body: "", unclosed: false, yamlLine: 2 });
    expect(splitFrontMatter("\n\n---\na: 1\n---\nb").yamlLine).toBe(4);
  });

  test("toJsonText keeps Map order and makes values JSON-safe", () => {
    const map = new Map<unknown, unknown>([
      ["b", 1],
      ["1", NaN],
      ["a", [new Date(0), new Uint8Array([104, 105])]],
    ]);
    expect(toJsonText(map)).toBe('{"b":1,"1":null,"a":["1970-01-01T00:00:00.000Z","aGk="]}');
  });
});
