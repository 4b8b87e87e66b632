import { describe, expect, test } from "vitest";
import { emptyRecord, type ModelRecord } from "../src/corpus/record";
import { createPreparer } from "../src/prepare/preparer";
import { compileTaxonomy } from "../src/search/phrases";
import { searchRecord } from "../src/search/match";
import { summariseDocumentation } from "../src/search/documentation";
import { DOCUMENTATION, type DocumentationRow } from "../src/run/tables";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";
import { rowsToTable, tableToRows } from "../src/util/arrow-table";
import { modelWithCard } from "./fixtures/search/records";

const preparer = createPreparer();
const compiled = compileTaxonomy(loadTaxonomy(), preparer);
const docOf = (record: ModelRecord): DocumentationRow => searchRecord(record, compiled, preparer).documentation;
const abstract = (text: string) => ({ papers: [{ id: "2101.00001", title: null, abstract: text }], arxivIds: ["2101.00001"] });

describe("documentation category (Table VI)", () => {
  test.each(["none", "gated", "failed"] as const)("cardStatus %s is no-card, even when Hub tags match", (status) => {
    const row = docOf({ ...emptyRecord("a/b"), cardStatus: status, tags: ["code generation"] });
    expect(row).toMatchObject({ category: "no-card", matchedInMetadata: true, matchedInCard: false });
  });

  test("an empty card is empty-card even when its metadata matches", () => {
    const row = docOf({ ...modelWithCard("a/empty", "", { tags: ["code review"] }), cardStatus: "empty" });
    expect(row).toMatchObject({ category: "empty-card", matchedInMetadata: true });
  });

  test("a present card without a body is recorded as a problem and counted empty", () => {
    const result = searchRecord({ ...modelWithCard("a/odd", "x"), cardBody: null }, compiled, preparer);
    expect(result.documentation.category).toBe("empty-card");
    expect(result.problems).toEqual([expect.objectContaining({ modelId: "a/odd", code: "card-body-missing" })]);
  });

  test("card text or metadata matches make card-with-se-task", () => {
    expect(docOf(modelWithCard("a/text", "Good at program repair."))).toMatchObject({
      category: "card-with-se-task",
      matchedInCard: true,
      matchedInMetadata: false,
    });
    expect(docOf(modelWithCard("a/meta", "An image model.", { tags: ["code review"] }))).toMatchObject({
      category: "card-with-se-task",
      matchedInCard: false,
      matchedInMetadata: true,
    });
  });

  test("an abstract-only match leaves the card without SE task", () => {
    const row = docOf(modelWithCard("a/abs", "An image model.", null, abstract("We address bug localization.")));
    expect(row).toEqual({
      modelId: "a/abs",
      category: "card-without-se-task",
      matchedInCard: false,
      matchedInMetadata: false,
      matchedInAbstract: true,
      hasAbstract: true,
      arxivUnresolved: false,
    });
  });
});

describe("summariseDocumentation", () => {
  const rows: DocumentationRow[] = [
    docOf(emptyRecord("x/none")),
    docOf({ ...emptyRecord("x/none-tags"), tags: ["code generation"] }),
    docOf({ ...modelWithCard("x/empty", ""), cardStatus: "empty" }),
    docOf(modelWithCard("x/with", "Program repair model.", null, abstract("Program repair."))),
    docOf(modelWithCard("x/without", "A diffusion model.")),
    docOf(modelWithCard("x/abstract-only", "A diffusion model.", null, abstract("Bug localization with LLMs."))),
    docOf(modelWithCard("x/without-2", "Sentiment of tweets? No: weather forecasting.")),
    docOf(modelWithCard("x/with-2", "It writes unit tests.", { tags: ["unit testing"] })),
  ];

  test("counts categories, abstract rows and the union, with percentages of all models", () => {
    const summary = Object.fromEntries(summariseDocumentation(rows).map((r) => [r.key, r]));
    expect(Object.fromEntries(Object.entries(summary).map(([k, r]) => [k, r.models]))).toEqual({
      "no-card": 2,
      "empty-card": 1,
      "card-without-se-task": 3,
      "card-with-se-task": 2,
      "abstract-with-se-task": 2,
      "union-with-se-task": 4,
      "abstract-only": 1,
      "metadata-only-without-card": 1,
    });
    expect(summary["no-card"]!.percent).toBe(25);
    expect(summary["card-with-se-task"]).toMatchObject({ paperModels: 112_259, paperPercent: 7.32 });
    expect(summary["abstract-only"]).toMatchObject({ paperModels: 1_299, paperPercent: null });
    // union = card-with-se-task + abstract-only + metadata-only-without-card
    expect(summary["union-with-se-task"]!.models).toBe(2 + 1 + 1);
  });

  test("the paper's rows add up the way the paper says", () => {
    const paper = Object.fromEntries(summariseDocumentation([]).map((r) => [r.key, r]));
    const categories = ["no-card", "empty-card", "card-without-se-task", "card-with-se-task"] as const;
    expect(categories.reduce((n, k) => n + paper[k]!.paperModels!, 0)).toBe(1_533_973);
    expect(paper["card-with-se-task"]!.paperModels! + paper["abstract-only"]!.paperModels!).toBe(paper["union-with-se-task"]!.paperModels);
    expect(paper["no-card"]!.percent).toBe(0);
  });

  test("rows round-trip through the Arrow column spec", () => {
    expect(tableToRows(rowsToTable(rows, DOCUMENTATION), DOCUMENTATION)).toEqual(rows);
  });
});
