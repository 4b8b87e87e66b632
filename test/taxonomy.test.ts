import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ACTIVITY_CODES, TaxonomyError, activityCodeOf, loadTaxonomy, parseTaxonomy, tasksOf } from "../src/taxonomy/taxonomy";

describe("shipped taxonomy", () => {
  const taxonomy = loadTaxonomy();

  test("has the paper's 147 tasks in its five activities", () => {
    expect(taxonomy.tasks).toHaveLength(147);
    const counts = Object.fromEntries(ACTIVITY_CODES.map((code) => [code, tasksOf(taxonomy, code).length]));
    // Reconstruction counts (reference list): RE 24, SD 20, SI 33, QA 34, SM 36.
    expect(counts).toEqual({ RE: 24, SD: 20, SI: 33, QA: 34, SM: 36 });
  });

  test("contains the tasks the paper names, under the activity it gives them", () => {
    const byName = new Map(taxonomy.tasks.map((t) => [t.name, t.activity]));
    expect(byName.get("code generation")).toBe("SI");
    expect(byName.get("coding")).toBe("SI");
    expect(byName.get("debugging")).toBe("SM");
    expect(byName.get("logging")).toBe("SM");
    expect(byName.get("verification")).toBe("QA");
    expect(byName.get("use case generation")).toBe("RE");
    expect(byName.get("architectural design")).toBe("SD");
  });

  test("every task keeps its provenance", () => {
    for (const task of taxonomy.tasks) {
      expect(task.source, task.id).not.toBeNull();
      expect(task.confidence, task.id).not.toBeNull();
    }
  });
});

describe("validation names the broken entry", () => {
  const ok = { activity: "SI", name: "code generation" };

  const problemsOf = (tasks: unknown[]): string[] => {
    try {
      parseTaxonomy({ tasks }, "test.json");
    } catch (error) {
      expect(error).toBeInstanceOf(TaxonomyError);
      return (error as TaxonomyError).problems;
    }
    throw new Error("expected the taxonomy to be rejected");
  };

  test("unknown activity", () => {
    expect(problemsOf([ok, { activity: "Software Management", name: "effort estimation" }])).toEqual([
      'tasks[1] "effort estimation": unknown activity "Software Management" (expected one of RE, SD, SI, QA, SM or their full names)',
    ]);
  });

  test("empty name", () => {
    expect(problemsOf([ok, { activity: "QA", name: "   " }])).toEqual(["tasks[1]: empty task name"]);
  });

  test("duplicate task, whatever the case and spacing", () => {
    const problems = problemsOf([ok, { activity: "SM", name: "Code  Generation" }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('tasks[1] "code generation"');
    expect(problems[0]).toContain("duplicate task name");
  });

  test("alias that is another task's name", () => {
    const problems = problemsOf([ok, { activity: "SI", name: "program synthesis", aliases: ["code generation"] }]);
    expect(problems[0]).toBe('tasks[1] "program synthesis": duplicate alias "code generation" (already used by si.code-generation)');
  });

  test("alias repeated inside one task", () => {
    const problems = problemsOf([{ activity: "SM", name: "code review", aliases: ["review", "Review"] }]);
    expect(problems).toEqual(['tasks[0] "code review": alias "review" repeats the task\'s own name or another of its aliases']);
  });

  test("all problems are reported at once", () => {
    expect(problemsOf([{ activity: "XX", name: "a" }, { activity: "RE" }, 7])).toHaveLength(3);
  });

  test("a file that is not JSON is reported with its path", () => {
    const dir = mkdtempSync(join(tmpdir(), "taxonomy-"));
    const path = join(dir, "bad.json");
    writeFileSync(path, "{ tasks: [");
    expect(() => loadTaxonomy(path)).toThrow(/invalid taxonomy .*bad\.json: not valid JSON/);
  });
});

describe("formats", () => {
  test("the reference list format (array, full activity names, `task`) loads", () => {
    const taxonomy = parseTaxonomy([{ activity: "Software Maintenance", task: "Program Repair", aliases: ["bug fixing"] }]);
    expect(taxonomy.tasks[0]).toMatchObject({ id: "sm.program-repair", activity: "SM", name: "program repair", aliases: ["bug fixing"] });
  });

  test("activity codes and names are both accepted", () => {
    expect(activityCodeOf("qa")).toBe("QA");
    expect(activityCodeOf("Software Quality Assurance")).toBe("QA");
    expect(activityCodeOf("testing")).toBeNull();
  });
});
