/**
 * Tables II and III are rebuilt from what the pipeline runs with (the judge prompts, OUTLIER_RULES), so
 * the report cannot drift from the code; the report shows them with Fig. 1 under "Method" and says why
 * Table I is missing.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { inclusionCriteriaTable, outlierRulesTable, promptSection, removedByRule, TABLE_I_OMITTED } from "../src/analyse/method-tables";
import { OUTLIER_RULES } from "../src/filter/outliers";
import { loadPromptTemplates } from "../src/judges/prompt";
import { PAPER_SIMILARITY_THRESHOLD } from "../src/paper/reported";
import { writeReport } from "../src/pipeline/replicate";
import { ACTIVITY_CODES } from "../src/taxonomy/taxonomy";
import { writeRows } from "../src/util/arrow-table";
import { buildFixture } from "./fixtures/analyse/run-fixture";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe("Table II: inclusion criteria", () => {
  test("a prompt section's bullets, continuation lines joined, up to the next heading", () => {
    const body = "## Role\nx\n\n## Include when\n- first one\n  continues here.\n- second.\n\n## Exclude when\n- not this.\n";
    expect(promptSection(body, "Include when")).toEqual(["first one continues here.", "second."]);
    expect(promptSection(body, "Exclude when")).toEqual(["not this."]);
    expect(promptSection(body, "Examples")).toEqual([]);
  });

  test("the relevance step quotes each activity's judge prompt; the near-identical step states the threshold", () => {
    const templates = loadPromptTemplates();
    const table = inclusionCriteriaTable({ taxonomyTasks: 147, templates });
    const perActivity = table.rows.filter((r) => r.activity !== null);
    expect(perActivity.map((r) => r.activity)).toEqual([...ACTIVITY_CODES]);
    for (const row of perActivity) {
      const template = templates.get(row.activity as (typeof ACTIVITY_CODES)[number])!;
      expect(row.include).toBe(promptSection(template.body, "Include when").join(" "));
      expect(row.exclude).toBe(promptSection(template.body, "Exclude when").join(" "));
      expect(row.include.length, row.activity!).toBeGreaterThan(40);
      expect(row.source).toBe(`taxonomy/prompts/${row.activity}.md v${template.version}`);
    }
    expect(table.rows.find((r) => r.step.includes("near-identical"))!.exclude).toContain(`>= ${PAPER_SIMILARITY_THRESHOLD}`);
    expect(table.rows.find((r) => r.step.includes("search"))!.include).toContain("147 SE tasks");
  });

  test("without readable prompts the rows say so instead of inventing criteria", () => {
    const table = inclusionCriteriaTable({ taxonomyTasks: 3, templates: null });
    expect(table.rows.filter((r) => r.activity !== null).every((r) => r.include === "(prompt not found)")).toBe(true);
  });
});

describe("Table III: outlier rules", () => {
  test("one row per rule in application order, worded as the rule defines itself, with this run's removals", () => {
    const table = outlierRulesTable(
      new Map([
        ["log.no-log", 7],
        ["coding.requires-code-tag", 2],
      ]),
    );
    expect(table.rows.map((r) => r.rule)).toEqual(OUTLIER_RULES.map((r) => r.name));
    expect(table.rows.map((r) => r.excludes)).toEqual(OUTLIER_RULES.map((r) => r.description));
    expect(new Set(table.rows.map((r) => r.task))).toEqual(new Set(["debugging", "logging", "coding"]));
    expect(table.rows.find((r) => r.rule === "log.no-log")!.removed).toBe(7);
    expect(table.rows.find((r) => r.rule === "debug.after-punct")!.removed).toBe(0);
    expect(table.notes.join(" ")).toContain("9 occurrences removed");
    expect(outlierRulesTable(null).rows.every((r) => r.removed === null)).toBe(true);
  });

  test("removals are counted from the run's filter/occurrences.arrow", async () => {
    const run = mkdtempSync(join(tmpdir(), "method-tables-"));
    made.push(run);
    expect(removedByRule(run)).toBeNull();
    const rows = [{ excludedBy: "log.no-log" }, { excludedBy: null }, { excludedBy: "log.no-log" }, { excludedBy: "debug.before-punct" }];
    await writeRows(join(run, "filter", "occurrences.arrow"), rows, [{ name: "excludedBy", type: "string", nullable: true }]);
    expect(removedByRule(run)).toEqual(
      new Map([
        ["log.no-log", 2],
        ["debug.before-punct", 1],
      ]),
    );
  });
});

describe("the report's Method section", () => {
  test("Fig. 1, the reason for leaving out Table I, Tables II and III come before the results' figures", async () => {
    const root = mkdtempSync(join(tmpdir(), "method-report-"));
    made.push(root);
    const { corpus, run } = await buildFixture(root);
    const result = await writeReport({ runDir: run, corpusDir: corpus, outDir: join(root, "out"), noStatic: true, log: () => undefined });
    const html = readFileSync(result.indexPath, "utf8");
    const at = (needle: string) => {
      const i = html.indexOf(needle);
      expect(i, needle).toBeGreaterThan(-1);
      return i;
    };
    const method = at('<h2 id="method">');
    const figures = at("<h2>Figures</h2>");
    for (const needle of [
      '<figure id="fig1-pipeline">',
      'id="table-table1-related-work"',
      'id="table-table2-inclusion-criteria"',
      'id="table-table3-outlier-rules"',
    ]) {
      expect(at(needle)).toBeGreaterThan(method);
      expect(at(needle)).toBeLessThan(figures);
    }
    expect(html).toContain(TABLE_I_OMITTED.slice(0, 60));
    // Each shown once: the Method tables are not repeated under "Tables".
    expect(html.split('id="table-table3-outlier-rules"').length).toBe(2);
    expect(html.split('<figure id="fig1-pipeline">').length).toBe(2);
  });
});
