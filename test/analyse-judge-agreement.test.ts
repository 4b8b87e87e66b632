import { describe, expect, test } from "vitest";
import { judgeAgreement, judgeStatements } from "../src/analyse/judge-agreement";
import type { Verdict } from "../src/run/tables";

const v = (id: string, activity: "SI" | "SM", outcome: "relevant" | "not-relevant" | "uncertain" | null, judge = "offline-rules/v3"): Verdict => ({
  id,
  activity,
  relevant: outcome === null ? null : outcome === "relevant",
  outcome,
  rationale: "",
  judge,
  promptHash: "h",
  error: outcome === null ? "boom" : null,
});

const verdicts = [v("a", "SI", "relevant"), v("b", "SI", "not-relevant"), v("c", "SM", "uncertain"), v("d", "SI", null), v("e", "SM", "relevant", "gemini:x")];

describe("which judge decided and how well it is known to agree", () => {
  test("human labels win; uncertain pairs count as not SE and are listed apart", () => {
    const labels = [
      { id: "a", activity: "SI", relevant: true },
      { id: "b", activity: "SI", relevant: false },
      { id: "c", activity: "SM", relevant: true },
    ];
    const truth = new Map([["a", []]]);
    const table = judgeAgreement(verdicts, labels, truth);
    const offline = table.rows.find((r) => r.judge === "offline-rules/v3")!;
    expect(offline).toMatchObject({
      pairs: 4,
      relevant: 1,
      notRelevant: 1,
      uncertain: 1,
      errors: 1,
      reference: "human labels",
      referencePairs: 3,
      precision: 1,
      recall: 0.5,
      uncertainLabelled: 1,
      uncertainRelevant: 1,
    });
    // The LLM judge's pair has no human label: its agreement is not measured.
    expect(table.rows.find((r) => r.judge === "gemini:x")).toMatchObject({ reference: "not measured", kappa: null, agreement: "not measured" });
    expect(judgeStatements(table)[1]).toContain("against human labels on 3 pairs");
  });

  test("a synthetic ground truth is named as such, and nothing at all is 'not measured'", () => {
    const synthetic = judgeAgreement(
      verdicts,
      null,
      new Map([
        ["a", ["SI"]],
        ["b", []],
        ["c", []],
      ]),
    );
    expect(synthetic.rows[1]!.reference).toBe("synthetic ground truth (generated, not people)");
    expect(synthetic.notes.join(" ")).toContain("not with people");
    const none = judgeAgreement(verdicts, null, null);
    expect(none.rows.every((r) => r.reference === "not measured" && r.kappa === null)).toBe(true);
    expect(judgeStatements(none)[1]).toBe(
      "offline-rules/v3 (4 pairs: 1 relevant, 1 not relevant, 1 uncertain, 1 errors); agreement not measured (no human labels, no ground truth)",
    );
  });
});
