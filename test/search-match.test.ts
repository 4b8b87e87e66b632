import { describe, expect, test } from "vitest";
import { emptyRecord } from "../src/corpus/record";
import { createPreparer } from "../src/prepare/preparer";
import { compileTaxonomy } from "../src/search/phrases";
import { searchRecord } from "../src/search/match";
import { MATCHES, type TaskMatch } from "../src/run/tables";
import { searchFieldsOf } from "../src/search/fields";
import { loadTaxonomy, parseTaxonomy } from "../src/taxonomy/taxonomy";
import { rowsToTable, tableToRows } from "../src/util/arrow-table";
import { cardFixture, modelWithCard } from "./fixtures/search/records";

const preparer = createPreparer();
const taxonomy = loadTaxonomy();
const compiled = compileTaxonomy(taxonomy, preparer);

const tasksOf = (matches: TaskMatch[]): string[] => [...new Set(matches.map((m) => m.task))].sort();

describe("compileTaxonomy", () => {
  test("indexes every task name by its first lemma", () => {
    expect(compiled.phrases).toHaveLength(taxonomy.tasks.length);
    const codeGeneration = compiled.byFirstLemma.get("code")!.find((p) => p.task === "code generation")!;
    expect(codeGeneration.lemmas).toEqual(["code", "generation"]);
    expect(compiled.byFirstLemma.get("cod")!.map((p) => p.task)).toContain("coding");
  });

  test("aliases only on request", () => {
    const withAliases = compileTaxonomy(taxonomy, preparer, { includeAliases: true });
    const aliasCount = taxonomy.tasks.reduce((n, t) => n + t.aliases.length, 0);
    expect(withAliases.phrases).toHaveLength(taxonomy.tasks.length + aliasCount);
    expect(compiled.phrases.some((p) => p.isAlias)).toBe(false);
  });

  test("two tasks that prepare to the same lemmas are refused, naming both", () => {
    const clash = parseTaxonomy({
      tasks: [
        { id: "qa.unit", activity: "QA", name: "unit testing" },
        { id: "qa.units", activity: "QA", name: "unit tests" },
      ],
    });
    expect(() => compileTaxonomy(clash, preparer)).toThrow(/qa\.unit \("unit testing"\) and qa\.units \("unit tests"\) both prepare to "unit test"/);
  });

  test("a task name with nothing to search for is refused, naming the task", () => {
    const bad = parseTaxonomy({ tasks: [{ id: "si.blank", activity: "SI", name: "  ...  " }] });
    expect(() => compileTaxonomy({ ...bad, tasks: [{ ...bad.tasks[0]!, name: " " }] }, preparer)).toThrow(/si\.blank/);
  });
});

describe("searchRecord", () => {
  test("every task name of the shipped taxonomy finds itself, in any case, at the end of a sentence", () => {
    for (const task of taxonomy.tasks) {
      const body = `Intro. ${task.name.toUpperCase()}. Outro.`;
      const found = searchRecord(modelWithCard("acme/self", body), compiled, preparer).matches.filter((m) => m.taskId === task.id);
      expect(
        found.map((m) => m.raw),
        task.id,
      ).toEqual([task.name.toUpperCase()]);
    }
  });

  test("a task name followed by a period matches, with raw evidence and offsets", () => {
    const body = cardFixture("code-assistant.md");
    const { matches } = searchRecord(modelWithCard("acme/codehelper", body), compiled, preparer);
    // "code-generation" is a hyphenated compound and matches too; "decode" (a longer token) does not.
    const generation = matches.filter((m) => m.task === "code generation");
    expect(generation.map((m) => m.raw)).toEqual(["Code Generation", "code-generation"]);
    const m = generation[0]!;
    expect(m).toMatchObject({
      modelId: "acme/codehelper",
      taskId: "si.code-generation",
      activity: "SI",
      source: "card",
      field: "body",
      raw: "Code Generation",
    });
    expect(body.slice(m.charStart, m.charEnd)).toBe("Code Generation");
    expect(m.after.startsWith(".")).toBe(true);
    expect(m.before.endsWith("trained for ")).toBe(true);
    expect(m.before.length).toBeLessThanOrEqual(40);
    expect(tasksOf(matches)).toEqual(["code generation", "coding", "debugging", "logging"]);
  });

  test("a task never matches across two tags or two metadata values", () => {
    const record = modelWithCard(
      "acme/two-tags",
      "A plain model card.",
      { tags: ["code", "review"], datasets: ["code", "review-set"] },
      { tags: ["code", "review"] },
    );
    expect(searchRecord(record, compiled, preparer).matches.filter((m) => m.task === "code review")).toEqual([]);
    const joined = modelWithCard("acme/one-tag", "A plain model card.", { tags: ["code review"] });
    const found = searchRecord(joined, compiled, preparer).matches.filter((m) => m.task === "code review");
    expect(found.map((m) => [m.source, m.field, m.raw])).toEqual([["metadata", "meta.tags[0]", "code review"]]);
  });

  test("a value the Hub repeats from the card's metadata is searched once", () => {
    const record = modelWithCard(
      "acme/repeated",
      "A plain model card.",
      { tags: ["Code Review"], pipeline_tag: "text-generation" },
      {
        tags: ["code review", "other"],
        pipelineTag: "text-generation",
      },
    );
    const found = searchRecord(record, compiled, preparer).matches.filter((m) => m.task === "code review");
    expect(found.map((m) => [m.source, m.field])).toEqual([["metadata", "meta.tags[0]"]]);
    // The same phrase in the card body is a separate text and still counts.
    const withBody = modelWithCard("acme/repeated-body", "Built for code review.", { tags: ["code review"] }, { tags: ["code review"] });
    expect(
      searchRecord(withBody, compiled, preparer)
        .matches.filter((m) => m.task === "code review")
        .map((m) => m.field),
    ).toEqual(["body", "meta.tags[0]"]);
  });

  test("identifiers and sentence breaks do not join words", () => {
    const record = modelWithCard("acme/ident", "Set code_generation=True. We like code. Generation is fast. code / review");
    expect(searchRecord(record, compiled, preparer).matches).toEqual([]);
  });

  test("hyphenated task names match both spellings", () => {
    const record = modelWithCard("acme/tdd", "We practise test driven development and Test-Driven Development.");
    expect(searchRecord(record, compiled, preparer).matches.map((m) => m.raw)).toEqual(["test driven development", "Test-Driven Development"]);
  });

  test("a task name inside a longer token does not match", () => {
    const record = modelWithCard("acme/longer", "Codegeneration, autodebugging, catalog, blogging, relogging and vulnerabilitydetection.");
    expect(searchRecord(record, compiled, preparer).matches).toEqual([]);
  });

  test("metadata values are searched, keys are not; Hub tags, pipeline tag and abstracts too", () => {
    const record = modelWithCard(
      "acme/meta",
      "Nothing to see here.",
      { debugging: "yes", tags: ["bug localization"], "model-index": [{ name: "x", results: [{ task: { name: "Code Summarization" } }] }] },
      {
        tags: ["program repair", "arxiv:2101.00001"],
        pipelineTag: "text-generation",
        papers: [{ id: "2101.00001", title: "t", abstract: "We study vulnerability detection at scale." }],
      },
    );
    const found = searchRecord(record, compiled, preparer).matches.map((m) => `${m.source} ${m.field} ${m.task}`);
    // The key `debugging` is not searched; its value "yes" matches nothing.
    expect(found).toEqual([
      "metadata meta.tags[0] bug localization",
      "metadata meta.model-index[0].results[0].task.name code summarization",
      "metadata tags[0] program repair",
      "abstract arxiv:2101.00001 vulnerability detection",
    ]);
  });

  test("an unreadable rawJson is recorded and the lifted fields are still searched", () => {
    const record = modelWithCard("acme/bad-json", "Card.", { tags: ["code review"] });
    record.cardMeta!.rawJson = "{not json";
    const result = searchRecord(record, compiled, preparer);
    expect(result.problems).toEqual([expect.objectContaining({ modelId: "acme/bad-json", code: "meta-json-invalid" })]);
    expect(result.matches.map((m) => m.field)).toEqual(["meta.tags[0]"]);
  });

  test("aliases overlapping a name at one position give one occurrence per task", () => {
    const withAliases = compileTaxonomy(taxonomy, preparer, { includeAliases: true });
    const record = modelWithCard("acme/review", "Supports code review automation.");
    const found = searchRecord(record, withAliases, preparer).matches.filter((m) => m.task === "code review");
    expect(found.map((m) => m.raw)).toEqual(["code review automation"]);
  });

  test("no card: only Hub metadata is searched", () => {
    const record = { ...emptyRecord("acme/none"), tags: ["code generation"] };
    expect(searchFieldsOf(record).map((f) => f.field)).toEqual(["tags[0]"]);
    const { matches, documentation } = searchRecord(record, compiled, preparer);
    expect(matches.map((m) => m.task)).toEqual(["code generation"]);
    expect(documentation.category).toBe("no-card");
  });

  test("context never splits a surrogate pair, so rows survive UTF-8", () => {
    const emoji = "😀".repeat(30);
    const { matches } = searchRecord(modelWithCard("acme/emoji", `${emoji}x program repair ${emoji}`), compiled, preparer);
    expect(matches).toHaveLength(1);
    const { before, after } = matches[0]!;
    expect(before).toBe(`${"😀".repeat(19)}x `);
    expect(after).toBe(` ${"😀".repeat(19)}`);
    expect(tableToRows(rowsToTable(matches, MATCHES), MATCHES)).toEqual(matches);
  });

  test("match rows round-trip through the Arrow column spec", () => {
    const { matches } = searchRecord(modelWithCard("acme/codehelper", cardFixture("code-assistant.md")), compiled, preparer);
    expect(tableToRows(rowsToTable(matches, MATCHES), MATCHES)).toEqual(matches);
  });
});
