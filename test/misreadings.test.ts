/**
 * RQ1.2's misreadings, read from the judges' reasons: the offline rules' trap names (v2), reason codes
 * with the phrase's context (v3), and the keyword map over an LLM's rationale (approximate).
 */
import { describe, expect, test } from "vitest";
import { classifyRejection, isRejection, misreadingAnalysis, phraseInContext, type JudgedPair, type PairOccurrence } from "../src/analyse/misreadings";

const pair = (over: Partial<JudgedPair>): JudgedPair => ({
  id: "org/m",
  activity: "RE",
  relevant: false,
  rationale: "",
  judge: "gemini:gemini-3.8-flash",
  ...over,
});
const occ = (task: string, before: string, raw: string, after: string, section?: string): PairOccurrence => ({
  task,
  raw,
  before,
  after,
  ...(section !== undefined ? { section } : {}),
});

describe("classifyRejection", () => {
  test("offline rules v2: the trap rule named in the rationale decides, and the task's context picks between kinds sharing a rule", () => {
    const building = classifyRejection(
      pair({ activity: "SD", judge: "offline-rules/v2", rationale: "offline-rules/v2: not relevant (neg:sd-architecture-not-software(architectural design))" }),
      [occ("architectural design", "Prompts about ", "architectural design", " of museums and bridges work best.")],
    );
    expect(building).toMatchObject({ kind: { id: "sd.buildings" }, readFrom: "offline rule" });
    const network = classifyRejection(
      pair({ activity: "SD", judge: "offline-rules/v2", rationale: "offline-rules/v2: not relevant (neg:sd-architecture-not-software(architectural design))" }),
      [occ("architectural design", "The ", "architectural design", " of the network follows a residual encoder")],
    );
    expect(network.kind.id).toBe("sd.network-design");
    // The first trap named decides; its own occurrence is the example.
    const first = classifyRejection(
      pair({
        activity: "SI",
        judge: "offline-rules/v2",
        rationale: "offline-rules/v2: not relevant (neg:si-image-or-generic-ml-card(api inference), neg:si-image-or-generic-ml-card(data analysis))",
      }),
      [occ("data analysis", "A ", "data analysis", " of the captions"), occ("api inference", "Try it through ", "API inference", ", without downloading")],
    );
    expect(first.kind.id).toBe("si.hosted-inference");
    expect(first.occurrence?.task).toBe("api inference");
    expect(
      classifyRejection(
        pair({ judge: "offline-rules/v2", rationale: "offline-rules/v2: not relevant (neg:ambiguous-task-without-software-context(system requirement))" }),
        [],
      ).kind.id,
    ).toBe("any.no-software-context");
  });

  test("reason codes (offline rules v3): the code says why the phrase was set aside, its context says which misreading", () => {
    const requirements = pair({
      judge: "offline-rules/v3",
      outcome: "not-relevant",
      reasons: ["no-activity-evidence", "ignored:section-not-about-the-model"],
      rationale: "offline-rules/v3: not-relevant for RE",
    });
    expect(
      classifyRejection(requirements, [occ("system requirement", "", "System requirements", ": 16 GB of VRAM and CUDA 12", "Model > System requirements")]),
    ).toMatchObject({
      kind: { id: "re.prerequisites" },
      readFrom: "reason codes and context",
    });
    // Same codes, a phrase whose context fits no specific kind: the generic kind of the code.
    expect(classifyRejection(requirements, [occ("system requirement", "", "System requirement", " traceability", "Citation")]).kind.id).toBe(
      "any.not-about-the-model",
    );
    expect(
      classifyRejection(pair({ activity: "SD", outcome: "not-relevant", reasons: ["non-software-modality", "no-software-evidence"] }), [
        occ("architectural design", "photos of ", "architectural design", ": interiors of houses"),
      ]).kind.id,
    ).toBe("sd.buildings");
    expect(
      classifyRejection(pair({ activity: "QA", outcome: "not-relevant", reasons: ["no-activity-evidence", "ignored:negated"] }), [
        occ("unit testing", "not intended for ", "unit testing", ""),
      ]).kind.id,
    ).toBe("any.negated");
  });

  test("an LLM's rationale goes through the keyword map, approximate and said so; a specific kind needs one of its tasks", () => {
    const hardware = classifyRejection(
      pair({ rationale: "'System requirements' lists the hardware needed to run the model, not software requirements work." }),
      [occ("system requirement", "", "System requirements", "")],
    );
    expect(hardware).toMatchObject({ kind: { id: "re.prerequisites" }, readFrom: "keyword map (approximate)" });
    const reviews = classifyRejection(pair({ activity: "SM", rationale: "Sentiment of movie reviews, not of developer text." }), [
      occ("sentiment analysis", "", "sentiment analysis", " of movie reviews"),
    ]);
    expect(reviews.kind.id).toBe("sm.sentiment-general");
    // "hardware" names the RE misreading, but the pair matched no task it concerns: not counted under it.
    expect(classifyRejection(pair({ rationale: "It lists hardware." }), [occ("use case generation", "", "use case generation", "")]).kind.id).toBe("other");
    expect(classifyRejection(pair({ rationale: "The card gives no sign of any engineering purpose." }), []).kind.id).toBe("other");
  });

  test("only rejections count: uncertain pairs and errors are not misreadings", () => {
    expect(isRejection(pair({ relevant: false }))).toBe(true);
    expect(isRejection(pair({ relevant: false, outcome: "uncertain" }))).toBe(false);
    expect(isRejection(pair({ relevant: null }))).toBe(false);
    expect(isRejection(pair({ relevant: true }))).toBe(false);
  });
});

describe("misreadingAnalysis", () => {
  test("counts each rejected pair once per activity, with shares, the first example by id, and says when counts are approximate", () => {
    const occurrences = new Map<string, PairOccurrence[]>([
      ["b/m\u0000RE", [occ("system requirement", "Minimum ", "system requirements", ": 8 GB of RAM")]],
      ["a/m\u0000RE", [occ("software requirement", "", "Software requirements", ": transformers >= 4.40 and torch")]],
      ["c/m\u0000RE", [occ("use case generation", "", "use case generation", "")]],
    ]);
    const verdicts: JudgedPair[] = [
      pair({ id: "b/m", rationale: "The requirements are the GPU memory needed to run the model." }),
      pair({ id: "a/m", rationale: "Lists library versions to install (prerequisites)." }),
      pair({ id: "c/m", rationale: "Nothing about it." }),
      pair({ id: "d/m", relevant: true, rationale: "Classifies requirements." }),
      pair({ id: "e/m", relevant: false, outcome: "uncertain", rationale: "Not sure." }),
    ];
    const { table, rejected, approximate } = misreadingAnalysis(verdicts, occurrences, { synthetic: false });
    expect(rejected.RE).toBe(3);
    expect(approximate).toBe(true);
    expect(table.rows.map((r) => [r.kind, r.pairs, r.share])).toEqual([
      ["re.prerequisites", 2, 2 / 3],
      ["other", 1, 1 / 3],
    ]);
    expect(table.rows[0]).toMatchObject({
      exampleModel: "a/m",
      examplePhrase: "[Software requirements]: transformers >= 4.40 and torch",
      readFrom: "keyword map (approximate)",
    });
    expect(table.notes.join(" ")).toMatch(/approximate/);
    expect(table.notes.join(" ")).not.toMatch(/planted by the generator/);
  });

  test("phraseInContext brackets the phrase and marks cut context", () => {
    expect(phraseInContext(occ("x", "a ".repeat(50), "Code Review", " b".repeat(50)), 10)).toBe("...a a a a a [Code Review] b b b b b...");
    expect(phraseInContext(null)).toBe("");
    // The search cut "your" to "ur": the fragment goes, and the cut is marked.
    const cut = occ(
      "software requirement",
      "ur own checks before merging them.\n\n### ",
      "Software Requirements",
      "\n\n- Python 3.10\n- accelerate\n- sentencep",
    );
    expect(phraseInContext(cut)).toBe("...own checks before merging them. ### [Software Requirements] - Python 3.10 - accelerate -...");
    expect(phraseInContext(occ("x", "Use it for ", "sentiment analysis", "."))).toBe("Use it for [sentiment analysis].");
  });
});
