import { describe, expect, it } from "vitest";
import type { GroundTruthRow } from "../src/demo/ground-truth";
import { formatScores, score, scoreStages, type RunPredictions } from "../src/evaluate/score";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";

const taxonomy = loadTaxonomy();

function truthRow(id: string, fields: Partial<GroundTruthRow>): GroundTruthRow {
  return {
    id,
    index: 0,
    createdAt: "2024-01-01T00:00:00.000Z",
    role: "plain",
    documentation: "card-without-se-task",
    plantedTasks: [],
    plantedSources: [],
    plantedEvidence: [],
    abstractOnly: false,
    outlierOnly: false,
    keptTasks: [],
    candidateActivities: [],
    traps: [],
    duplicateOf: null,
    isSe: false,
    seActivities: [],
    seTasks: [],
    expectedFinal: false,
    language: "en",
    crlf: false,
    malformedYaml: false,
    reportsBenchmarks: false,
    reportsEnergy: false,
    ...fields,
  };
}

describe("score", () => {
  it("counts true/false positives and negatives", () => {
    expect(score("search", "all", "model", new Set(["a", "b", "c"]), new Set(["b", "c", "d", "e"]))).toEqual({
      stage: "search",
      activity: "all",
      unit: "model",
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 2,
      precision: 2 / 3,
      recall: 2 / 4,
    });
  });

  it("leaves precision / recall undefined (null) rather than 0 or 1 when there is nothing to count", () => {
    const empty = score("final", "RE", "model", new Set(), new Set());
    expect([empty.precision, empty.recall]).toEqual([null, null]);
    expect(score("final", "RE", "model", new Set(["x"]), new Set()).precision).toBe(0);
  });
});

describe("scoreStages", () => {
  const truth = [
    // A true SE model planted with code generation (SI) and code review (SM).
    truthRow("se/one", {
      plantedTasks: ["si.code-generation", "sm.code-review"],
      keptTasks: ["si.code-generation", "sm.code-review"],
      isSe: true,
      seActivities: ["SI", "SM"],
      expectedFinal: true,
    }),
    // Its near-copy: the same tasks, not expected in the final list.
    truthRow("se/one-copy", {
      plantedTasks: ["si.code-generation"],
      keptTasks: ["si.code-generation"],
      duplicateOf: "se/one",
      isSe: true,
      seActivities: ["SI"],
    }),
    // Only an outlier hit ("debugging" in a config dump).
    truthRow("plain/debug", { plantedTasks: ["sm.debugging"], outlierOnly: true }),
    // A trap: requirements elicitation mentioned, but not an SE model.
    truthRow("trap/req", { plantedTasks: ["re.requirements-elicitation"], keptTasks: ["re.requirements-elicitation"] }),
  ];
  const predictions: RunPredictions = {
    matches: [
      { modelId: "se/one", taskId: "si.code-generation", activity: "SI" },
      // code review missed; a spurious program repair found instead
      { modelId: "se/one", taskId: "sm.program-repair", activity: "SM" },
      { modelId: "se/one-copy", taskId: "si.code-generation", activity: "SI" },
      { modelId: "plain/debug", taskId: "sm.debugging", activity: "SM" },
      { modelId: "trap/req", taskId: "re.requirements-elicitation", activity: "RE" },
    ],
    matched: ["se/one", "se/one-copy", "plain/debug", "trap/req"],
    candidates: [
      { id: "se/one", activities: ["SI", "SM"], taskIds: ["si.code-generation", "sm.program-repair"] },
      { id: "se/one-copy", activities: ["SI"], taskIds: ["si.code-generation"] },
      { id: "trap/req", activities: ["RE"], taskIds: ["re.requirements-elicitation"] },
    ],
    nearDuplicates: [{ original: "se/one", variant: "se/one-copy" }],
    final: [
      { id: "se/one", activities: ["SI", "SM"] },
      { id: "trap/req", activities: ["RE"] },
    ],
    finalSource: "filter/unique.arrow",
  };
  const rows = scoreStages(predictions, truth, taxonomy);
  const row = (stage: string, activity: string) => rows.find((r) => r.stage === stage && r.activity === activity)!;

  it("scores the search on (model, task) pairs, per activity through the taxonomy", () => {
    expect(row("search", "all")).toMatchObject({ truePositives: 4, falsePositives: 1, falseNegatives: 1 });
    expect(row("search", "SM")).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 1, precision: 0.5, recall: 0.5 });
    expect(row("search", "RE")).toMatchObject({ truePositives: 1, falsePositives: 0, falseNegatives: 0 });
  });

  it("scores the outlier rules as removed models and as kept tasks", () => {
    expect(row("outliers-removed", "all")).toMatchObject({ truePositives: 1, falsePositives: 0, falseNegatives: 0 });
    expect(row("outliers-kept", "SM")).toMatchObject({ truePositives: 0, falsePositives: 1, falseNegatives: 1 });
  });

  it("scores near-duplicates as (original, variant) pairs", () => {
    expect(row("near-duplicates", "all")).toMatchObject({ truePositives: 1, falsePositives: 0, falseNegatives: 0, precision: 1, recall: 1 });
  });

  it("scores the final list on models and (model, activity) pairs", () => {
    expect(row("final", "all")).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 0, precision: 0.5, recall: 1 });
    expect(row("final", "RE")).toMatchObject({ truePositives: 0, falsePositives: 1, falseNegatives: 0, precision: 0, recall: null });
    const lines = formatScores(rows).split("\n");
    expect(lines).toHaveLength(rows.length + 1);
    // Stage, activity and unit left-aligned, the figures right-aligned: every line as wide as the header.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[0]).toMatch(/^stage +activity +unit +TP +FP +FN +precision +recall$/);
    expect(lines[1]).toMatch(/^search +all +model-task +4 +1 +1 +0\.800 +0\.800$/);
    expect(lines.find((l) => l.startsWith("final  ") && l.includes(" RE "))).toMatch(/ 0\.000 +-$/);
  });
});
