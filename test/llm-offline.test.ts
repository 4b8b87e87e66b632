/**
 * The offline judge v3 on small cards: the evidence comes from the real search and Table III rules,
 * so each occurrence carries its provenance and section, as in a run.
 */
import { describe, expect, test } from "vitest";
import { emptyRecord, type CardMetadata, type ModelRecord } from "../src/corpus/record";
import { applyOutlierRules } from "../src/filter/outliers";
import type { Candidate } from "../src/judges/candidate";
import { OFFLINE_JUDGE_LABEL, OfflineRulesJudge, type OfflineDecision } from "../src/judges/offline-rules";
import { createPreparer } from "../src/prepare/preparer";
import { searchRecord } from "../src/search/match";
import { compileTaxonomy } from "../src/search/phrases";
import { activityCodeOf, loadTaxonomy, type ActivityCode } from "../src/taxonomy/taxonomy";

const preparer = createPreparer();
const compiled = compileTaxonomy(loadTaxonomy(), preparer);
const judge = new OfflineRulesJudge({ phrases: { compiled, preparer } });

function meta(partial: Partial<CardMetadata>): CardMetadata {
  return {
    license: [],
    datasets: [],
    baseModel: [],
    language: [],
    tags: [],
    pipelineTag: null,
    modelIndex: [],
    rawJson: JSON.stringify({ tags: partial.tags ?? [] }),
    ...partial,
  };
}

let serial = 0;
function record(body: string, extra: Partial<ModelRecord> = {}): ModelRecord {
  return { ...emptyRecord(`test/model-${++serial}`), cardStatus: "present", cardBody: body, cardText: body, ...extra };
}

/** The candidate for `activity` as the funnel hands it over: the occurrences the Table III rules kept. */
function candidate(activity: ActivityCode, r: ModelRecord): Candidate {
  const kept = applyOutlierRules(r, searchRecord(r, compiled, preparer).matches).filter(
    (o) => o.excludedBy === null && activityCodeOf(o.activity) === activity,
  );
  if (kept.length === 0) throw new Error(`fixture: no ${activity} occurrence in ${r.id}`);
  return { record: r, activity, evidence: kept };
}

function decide(activity: ActivityCode, body: string, extra: Partial<ModelRecord> = {}): OfflineDecision {
  return judge.decide(candidate(activity, record(body, extra)));
}

const CODE: Partial<ModelRecord> = { tags: ["code", "text-generation"], pipelineTag: "text-generation", cardMeta: meta({ tags: ["code"] }) };

describe("offline judge v3: words that do not say what the model is for", () => {
  const traps: Array<[string, ActivityCode, string, Partial<ModelRecord>?]> = [
    [
      "RE hardware prerequisites",
      "RE",
      "# Chat model\n\nA friendly assistant.\n\n## System Requirements\n\nYou need a GPU with 24 GB VRAM to run this chat model.",
    ],
    [
      "RE risks section",
      "RE",
      "# Gemma\n\nA chat model.\n\n### Risks identified and mitigations\n\n- Misuse: use case generation for harmful content is prohibited by policy.",
    ],
    ["SD rapid prototyping", "SD", "A small chat model, great for rapid prototyping of assistants."],
    ["SD buildings", "SD", "LoRA for architectural design renders of modern villa interiors.", { pipelineTag: "text-to-image", tags: ["diffusers", "lora"] }],
    ["SD neural architecture", "SD", "The architectural design follows a transformer encoder with 12 layers."],
    ["SI API inference in SDXL", "SI", "Use the API inference endpoint to create images of cats.", { pipelineTag: "text-to-image", tags: ["diffusers"] }],
    ["QA speaker verification", "QA", "ECAPA-TDNN embeddings for speaker verification on VoxCeleb.", { pipelineTag: "audio-classification" }],
    ["QA fact verification", "QA", "A claim checker for fact verification against Wikipedia."],
    ["QA self verification", "QA", "The model uses self-verification of its own reasoning steps."],
    ["QA red teaming on a code model", "QA", "We ran red-teaming on cybersecurity misuse of the model.", CODE],
    ["SM dataset hash on a code model", "SM", "## Training data\n\nTrained on dataset revision 3f9a1c2b (code revision 3f9a1c2b).", CODE],
    [
      "SM log in with a token on a code model",
      "SM",
      "# Coder\n\nWrites Python.\n\n## Access\n\nLog in with your access token before downloading the gated weights.",
      CODE,
    ],
    ["SM log scale on a code model", "SM", "# Coder\n\nWrites Python code.\n\nRewards are plotted on a log scale in the figure below.", CODE],
    [
      "SM debugging training scripts on a code model",
      "SM",
      "# Coder\n\nWrites Python code.\n\nThe small variant is handy for debugging training scripts before a full run.",
      CODE,
    ],
    ["SM sentiment of tweets", "SM", "Fine-tuned for sentiment analysis of tweets and movie reviews.", { pipelineTag: "text-classification" }],
    [
      "SM a changelog on a roleplay merge",
      "SM",
      "# Story merge\n\nA roleplay model.\n\n## Changelog\n\n- v2: refactoring of the chat template, debugging of stop tokens.",
    ],
  ];
  for (const [name, activity, body, extra] of traps) {
    test(name, () => {
      const d = decide(activity, body, extra);
      expect(d.outcome, d.rationale).toBe("not-relevant");
      expect(d.rationale.startsWith(`${OFFLINE_JUDGE_LABEL}: not-relevant for ${activity}`)).toBe(true);
    });
  }

  test("text that is not about the model weighs nothing: widget examples, access prompts, URLs, code blocks, comments", () => {
    const r = record(
      "# Job matcher\n\nMatches CVs to job ads.\n\n```python\nmodel.encode('code review')\n```\n\n<!-- program repair -->\n\nSee https://example.org/vulnerability-detection.\n",
      {
        cardMeta: {
          ...meta({}),
          rawJson: JSON.stringify({
            widget: [{ text: "Senior engineer skilled in program repair and code review" }],
            extra_gated_prompt: "Do not use it for vulnerability detection.",
          }),
        },
        pipelineTag: "sentence-similarity",
      },
    );
    for (const activity of ["SM", "QA"] as const) {
      const d = judge.decide(candidate(activity, r));
      expect(d.outcome).toBe("not-relevant");
      expect(d.reasons[0]).toBe("no-activity-evidence");
      expect(d.evidence.filter((e) => e.kind === "task").every((e) => e.weight === 0)).toBe(true);
    }
    const sm = judge.decide(candidate("SM", r));
    expect(sm.reasons).toEqual(expect.arrayContaining(["ignored:meta.widget", "ignored:card.code", "ignored:card.html-comment"]));
  });

  test("a phrase negated in its sentence counts nothing", () => {
    const d = decide("SI", "# Chat\n\nA chat model. It is not intended for code generation.");
    expect(d.outcome).toBe("not-relevant");
    expect(d.evidence.find((e) => e.kind === "task")!.note).toBe("negated in its sentence");
  });
});

describe("offline judge v3: what the model is for", () => {
  test("a specific SE task in the opening is enough, with its evidence and reasons", () => {
    const d = decide("SM", "# Fixer\n\nThis T5 model performs automated program repair of Java bugs.");
    expect(d.outcome).toBe("relevant");
    expect(d.reasons).toEqual(["activity-evidence", "software-evidence", "thin-card"]);
    expect(d.evidence[0]).toMatchObject({ kind: "task", label: "program repair", provenance: "card.prose", sectionClass: "opening", weight: 1 });
  });

  test("a phrase split by a Markdown link is found and counts as prose", () => {
    const d = decide("SI", "# Coder\n\nA [code](https://example.org) generation model for Python.");
    expect(d.outcome).toBe("relevant");
    expect(d.evidence[0]).toMatchObject({ label: "code generation", provenance: "card.prose" });
  });

  test("the code tag and a code dataset speak for SI, not for another activity", () => {
    const r = record("# Helper\n\nAn assistant for code generation.\n\n## Evaluation\n\n| task | score |\n|---|---|\n| code review | 0.4 |\n", {
      tags: ["code"],
      cardMeta: meta({ tags: ["code"], datasets: ["bigcode/the-stack"] }),
    });
    const si = judge.decide(candidate("SI", r));
    expect(si.outcome).toBe("relevant");
    expect(si.evidence.map((e) => e.label)).toEqual(expect.arrayContaining(["tag code", "dataset The Stack (training)"]));
    const sm = judge.decide(candidate("SM", r));
    // A benchmark table cell is a weak hint for SM; the code signals do not count for it.
    expect(sm.outcome).toBe("not-relevant");
    expect(sm.evidence.filter((e) => e.kind !== "task").every((e) => e.weight === 0)).toBe(true);
  });

  test("an ambiguous task counts in a sentence about software", () => {
    expect(decide("SM", "Sentiment analysis of developer commit messages and code review comments on GitHub.").outcome).toBe("relevant");
    expect(decide("QA", "Generates loop invariants for the verification of C programs written by developers.").outcome).toBe("relevant");
    expect(decide("SM", "An assistant for debugging Python code: it explains stack traces and proposes fixes.").outcome).toBe("relevant");
  });

  test("thin or conflicting evidence is uncertain, with the reason", () => {
    // Only an abstract speaks for program repair, on a model shown to be a code model.
    const abstractOnly = record("A code model.", { tags: ["code"], papers: [{ id: "2101.00001", title: "t", abstract: "We study program repair at scale." }] });
    const d = judge.decide(candidate("SM", abstractOnly));
    expect(d.outcome).toBe("uncertain");
    expect(d.reasons).toEqual(["weak-activity-evidence", "software-evidence"]);
    // A stub whose only evidence is its own name.
    const stub = { ...record("# code-review-bot\n\nQuantized."), id: "someone/code-review-bot" };
    const s = judge.decide(candidate("SM", stub));
    expect(s.outcome).not.toBe("relevant");
  });

  test("verdicts carry the label, the outcome, reasons and evidence, and cost nothing", async () => {
    const c = candidate("SM", record("# Fixer\n\nProgram repair model for Java."));
    const { verdict, usage } = await judge.judge(c);
    expect(verdict).toMatchObject({ judge: "offline-rules/v3", relevant: true, outcome: "relevant", error: null });
    expect(verdict.reasons).toContain("activity-evidence");
    expect(JSON.parse(verdict.evidence!)[0]).toMatchObject({ kind: "task", provenance: "card.prose" });
    expect(verdict.promptHash).toMatch(/^[0-9a-f]{16}$/);
    expect(usage.calls).toBe(0);
    // Same input, same bytes.
    expect(JSON.stringify((await judge.judge(c)).verdict)).toBe(JSON.stringify(verdict));
  });
});
