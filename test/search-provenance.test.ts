import { describe, expect, test } from "vitest";
import { createPreparer } from "../src/prepare/preparer";
import { searchRecord, type TaskMatch } from "../src/search/match";
import { parseCardLayout } from "../src/search/markdown";
import { frontMatterProvenance, hubTagProvenance } from "../src/search/provenance";
import { compileTaxonomy } from "../src/search/phrases";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";
import { modelWithCard } from "./fixtures/search/records";

const preparer = createPreparer();
const compiled = compileTaxonomy(loadTaxonomy(), preparer);

const found = (matches: TaskMatch[], task: string) => matches.filter((m) => m.task === task).map((m) => [m.provenance, m.raw]);

describe("card provenance", () => {
  const body = [
    "# Acme Coder",
    "",
    "A [code](https://example.org/x) generation model. It also does **program repair**.",
    "",
    "## Intended uses",
    "",
    "| Task | Notes |",
    "|---|---|",
    "| code review | see [bug localization](https://example.org/bl) |",
    "",
    "```python",
    "trainer = Trainer(code_summarization=True)  # code summarization",
    "```",
    "",
    "<!-- test generation is planned -->",
    "",
    "Read more at https://example.org/vulnerability-detection or `code clone detection`.",
    "",
  ].join("\n");
  const record = modelWithCard("acme/coder", body);
  const { matches } = searchRecord(record, compiled, preparer);

  test("a phrase split by a link matches, as prose, with body offsets around the whole phrase", () => {
    const m = matches.find((x) => x.task === "code generation")!;
    expect(m).toMatchObject({ provenance: "card.prose", section: "Acme Coder", field: "body", source: "card" });
    expect(m.raw).toBe("code](https://example.org/x) generation");
    expect(body.slice(m.charStart, m.charEnd)).toBe(m.raw);
    expect(m.before.endsWith("A [")).toBe(true);
  });

  test("each kind of place is told apart, under its headings", () => {
    expect(found(matches, "program repair")).toEqual([["card.prose", "program repair"]]);
    expect(found(matches, "code review")).toEqual([["card.table", "code review"]]);
    expect(matches.find((m) => m.task === "code review")!.section).toBe("Acme Coder > Intended uses");
    expect(found(matches, "bug localization")).toEqual([["card.link", "bug localization"]]);
    expect(found(matches, "code summarization")).toEqual([["card.code", "code summarization"]]);
    expect(found(matches, "test generation")).toEqual([["card.html-comment", "test generation"]]);
    expect(found(matches, "vulnerability detection")).toEqual([["card.url", "vulnerability-detection"]]);
    expect(found(matches, "code clone detection")).toEqual([["card.code", "code clone detection"]]);
    for (const m of matches) expect(body.slice(m.charStart, m.charEnd), m.task).toBe(m.raw);
  });

  test("a heading is its own place, and a phrase never spans two blocks", () => {
    const r = searchRecord(modelWithCard("acme/h", "## Code\n\nGeneration of images.\n\n### Code review\n"), compiled, preparer).matches;
    expect(r.map((m) => [m.task, m.provenance, m.section])).toEqual([["code review", "card.heading", "Code > Code review"]]);
  });

  test("HTML blocks: visible text is prose, attributes are markup, entities decode", () => {
    const html = '<p align="center"><b>Program</b> repair &amp; more <img src="https://x/code-review.png"></p>\n';
    const r = searchRecord(modelWithCard("acme/html", html), compiled, preparer).matches;
    expect(r.map((m) => [m.task, m.provenance, m.raw])).toEqual([
      ["program repair", "card.prose", "Program</b> repair"],
      ["code review", "card.html", "code-review"],
    ]);
  });

  test("offsets survive decoded entities and stripped indentation", () => {
    const text = "- item &copy; one\n  continued with program\n  repair here\n";
    const layout = parseCardLayout(text);
    const unit = layout.units[0]!;
    expect(unit.text).toBe("item © one\ncontinued with program\nrepair here");
    for (let i = 1; i < unit.offsets.length; i++) expect(unit.offsets[i]!).toBeGreaterThanOrEqual(unit.offsets[i - 1]!);
    const m = searchRecord(modelWithCard("acme/list", text), compiled, preparer).matches[0]!;
    expect(text.slice(m.charStart, m.charEnd)).toBe("program\n  repair");
  });

  test("sections nest and close at the next heading of the same level", () => {
    const layout = parseCardLayout("# T\n\nintro\n\n## A\n\na\n\n### A1\n\nx\n\n## B\n\nb\n");
    expect(layout.sections.map((s) => [s.path, s.level])).toEqual([
      ["T", 1],
      ["T > A", 2],
      ["T > A > A1", 3],
      ["T > B", 2],
    ]);
    const [t, a, a1, b] = layout.sections;
    expect(a!.end).toBe(b!.start);
    expect(a1!.end).toBe(b!.start);
    expect(t!.end).toBe(40);
  });
});

describe("metadata provenance", () => {
  test("front-matter values by their key", () => {
    expect(frontMatterProvenance("meta.tags[0]")).toBe("meta.tags");
    expect(frontMatterProvenance("meta.widget[2].text")).toBe("meta.widget");
    expect(frontMatterProvenance("meta.extra_gated_prompt")).toBe("meta.gated");
    expect(frontMatterProvenance("meta.extra_gated_fields.I agree to use it for code review")).toBe("meta.gated");
    expect(frontMatterProvenance("meta.model-index[0].results[0].task.name")).toBe("meta.model-index");
    expect(frontMatterProvenance("meta.model-index[0].results[0].metrics[0].name")).toBe("meta.metrics");
    expect(frontMatterProvenance("meta.base_model[0]")).toBe("meta.base-model");
    expect(frontMatterProvenance("meta.inference.parameters.prompt")).toBe("meta.other");
    expect(hubTagProvenance("dataset:acme/bugs")).toBe("meta.datasets");
    expect(hubTagProvenance("base_model:finetune:acme/x")).toBe("meta.base-model");
    expect(hubTagProvenance("code")).toBe("meta.tags");
  });

  test("a widget example, an access-control prompt and a tag are told apart in the match table", () => {
    const record = modelWithCard("acme/meta", "A card.", {
      tags: ["program repair"],
      widget: [{ text: "Senior developer, skilled in code review and unit testing." }],
      extra_gated_prompt: "You agree not to use the model for vulnerability detection.",
    });
    const { matches } = searchRecord(record, compiled, preparer);
    expect(matches.map((m) => [m.task, m.provenance, m.field])).toEqual([
      ["program repair", "meta.tags", "meta.tags[0]"],
      ["code review", "meta.widget", "meta.widget[0].text"],
      ["unit testing", "meta.widget", "meta.widget[0].text"],
      ["vulnerability detection", "meta.gated", "meta.extra_gated_prompt"],
    ]);
  });

  test("the model id is searched only when asked", () => {
    const record = modelWithCard("acme/code-review-bot", "A card.");
    expect(searchRecord(record, compiled, preparer).matches).toEqual([]);
    const withId = searchRecord(record, compiled, preparer, { modelId: true }).matches;
    expect(withId.map((m) => [m.task, m.source, m.provenance, m.raw])).toEqual([["code review", "model-id", "model-id", "code-review"]]);
  });
});
