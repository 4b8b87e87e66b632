import { describe, expect, test } from "vitest";
import { emptyRecord, type CardMetadata, type ModelRecord } from "../src/corpus/record";
import type { ActivityCode } from "../src/taxonomy/taxonomy";
import type { Candidate, TaskEvidence } from "../src/judges/candidate";
import { OFFLINE_JUDGE_LABEL, OfflineRulesJudge, decideOffline } from "../src/judges/offline-rules";

function meta(partial: Partial<CardMetadata>): CardMetadata {
  return { license: [], datasets: [], baseModel: [], language: [], tags: [], pipelineTag: null, modelIndex: [], rawJson: "{}", ...partial };
}

/** A candidate whose single piece of evidence is found in the body at `phrase`, with the real context around it. */
function cardWith(activity: ActivityCode, task: string, body: string, phrase: string, extra: Partial<ModelRecord> = {}, field = "body"): Candidate {
  const at = body.toLowerCase().indexOf(phrase.toLowerCase());
  if (at < 0) throw new Error(`fixture: "${phrase}" not in body`);
  const ev: TaskEvidence = {
    taskId: task,
    task,
    source: field === "body" ? "card" : "metadata",
    field,
    raw: body.slice(at, at + phrase.length),
    before: body.slice(Math.max(0, at - 40), at),
    after: body.slice(at + phrase.length, at + phrase.length + 40),
  };
  return { record: { ...emptyRecord(`test/${task.replace(/\s+/g, "-")}`), cardStatus: "present", cardBody: body, cardText: body, ...extra }, activity, evidence: [ev] };
}

const CODE: Partial<ModelRecord> = { tags: ["code", "text-generation"], pipelineTag: "text-generation" };

describe("offline rules: the documented traps are rejected, with the rule named", () => {
  const traps: Array<[string, Candidate, string]> = [
    ["RE hardware prerequisites", cardWith("RE", "system requirement", "## System Requirements\nYou need a GPU with 24 GB VRAM to run this chat model.", "System Requirement"), "re-runtime-prerequisites"],
    ["RE Gemma risks section", cardWith("RE", "use case generation", "# Gemma\n### Risks identified and mitigations\n- Misuse: use case generation for harmful content is prohibited by policy.", "use case generation"), "re-gemma-risks-section"],
    ["SD rapid prototyping", cardWith("SD", "rapid prototyping", "A small chat model, great for rapid prototyping of assistants.", "rapid prototyping"), "sd-rapid-prototyping"],
    ["SD buildings", cardWith("SD", "architectural design", "LoRA for architectural design renders of modern villa interiors.", "architectural design", { pipelineTag: "text-to-image", tags: ["diffusers", "lora"] }), "sd-architecture-not-software"],
    ["SD neural architecture", cardWith("SD", "architectural design", "The architectural design follows a transformer encoder with 12 layers.", "architectural design"), "sd-architecture-not-software"],
    ["SD designed to", cardWith("SD", "system design", "This is a system designed to answer trivia questions.", "system design"), "sd-designed-to-phrase"],
    ["SI API inference in SDXL", cardWith("SI", "api inference", "Use the API inference endpoint to create images of cats.", "API inference", { pipelineTag: "text-to-image", tags: ["diffusers", "stable-diffusion-xl"] }), "si-image-or-generic-ml-card"],
    ["SI data analysis generic", cardWith("SI", "data analysis", "We did some data analysis of the training corpus before fine-tuning.", "data analysis"), "si-image-or-generic-ml-card"],
    ["QA speaker verification", cardWith("QA", "verification", "ECAPA-TDNN embeddings for speaker verification on VoxCeleb.", "verification"), "qa-non-software-verification"],
    ["QA fact verification", cardWith("QA", "verification", "A claim checker for fact verification against Wikipedia.", "verification"), "qa-non-software-verification"],
    ["QA self verification", cardWith("QA", "verification", "The model uses self-verification of its own reasoning steps.", "verification"), "qa-non-software-verification"],
    ["QA red teaming", cardWith("QA", "cybersecurity", "We ran red-teaming on cybersecurity misuse of the model.", "cybersecurity"), "qa-red-teaming"],
    ["SM dataset hash", cardWith("SM", "code revision", "Trained on dataset revision 3f9a1c2b (code revision 3f9a1c2b).", "code revision"), "sm-revision-is-a-hash"],
    ["RE requirements heading listing packages", cardWith("RE", "software requirement", "# Chat model\n### Software Requirements\n- Python 3.10\n- accelerate", "Software Requirement"), "re-runtime-prerequisites"],
    ["SM log in with a token", cardWith("SM", "logging", "Log in with your access token before downloading the gated weights.", "Log"), "sm-training-log-or-debug"],
    ["SM log scale", cardWith("SM", "logging", "Rewards are plotted on a log scale in the figure below.", "log"), "sm-training-log-or-debug"],
    ["SM debugging training scripts", cardWith("SM", "debugging", "The small variant is handy for debugging training scripts before a full run.", "debugging"), "sm-training-log-or-debug"],
    ["SI analysis of the training data", cardWith("SI", "data analysis", "A data analysis of the captions showed most training images were portraits; see our GitHub repo.", "data analysis"), "si-image-or-generic-ml-card"],
    ["SM sentiment of tweets", cardWith("SM", "sentiment analysis", "Fine-tuned for sentiment analysis of tweets and movie reviews.", "sentiment analysis"), "sm-sentiment-of-general-text"],
    // Real-world wordings on code-tagged cards, where the fallback "no software context" rule cannot help.
    ["SM log grid on a code model", cardWith("SM", "logging", "The learning rate was swept on a log grid from 1e-5 to 1e-3.", "log", CODE), "sm-training-log-or-debug"],
    ["SM log-uniform sampling on a code model", cardWith("SM", "logging", "Dropout was sampled log-uniformly between 0.01 and 0.3.", "log", CODE), "sm-training-log-or-debug"],
    ["SM tiny random checkpoint for debugging", cardWith("SM", "debugging", "A tiny random model intended for debugging pipelines in CI.", "debugging", CODE), "sm-training-log-or-debug"],
    ["SD skyscrapers on a code model", cardWith("SD", "architectural design", "It also describes the architectural design of skyscrapers and cathedrals.", "architectural design", CODE), "sd-architecture-not-software"],
    ["SD a Mixture-of-Experts design section", cardWith("SD", "architectural design", "## Architectural design\nWe use a Mixture-of-Experts with 64 experts, 8 active per token.", "Architectural design", CODE), "sd-architecture-not-software"],
    ["QA step-level verification of maths", cardWith("QA", "verification", "A process reward model for step-level verification of math solutions.", "verification", CODE), "qa-non-software-verification"],
    ["QA CyberSecEval safety suite", cardWith("QA", "cybersecurity", "We report CyberSecEval, our cybersecurity safety eval suite, which measures insecure code suggestions.", "cybersecurity"), "qa-red-teaming"],
  ];
  for (const [name, candidate, rule] of traps) {
    test(name, () => {
      const decision = decideOffline(candidate);
      expect(decision.relevant).toBe(false);
      expect(decision.fired.some((f) => f.startsWith(`neg:${rule}(`))).toBe(true);
      expect(decision.rationale).toContain(`neg:${rule}(`);
      expect(decision.rationale.startsWith(`${OFFLINE_JUDGE_LABEL}: not relevant`)).toBe(true);
    });
  }
});

describe("offline rules: genuine SE evidence is kept", () => {
  test("a specific SE task in prose is enough", () => {
    const d = decideOffline(cardWith("SM", "program repair", "This T5 model performs automated program repair of Java bugs.", "program repair"));
    expect(d.relevant).toBe(true);
    expect(d.fired).toContain("pos:specific-se-task(program repair)");
  });

  test("the RegEx model tagged code generation stays in SI (the paper's borderline case)", () => {
    const c = cardWith("SI", "code generation", "code-generation", "code-generation", { tags: ["code-generation", "gguf"], cardMeta: meta({ tags: ["code-generation"] }) }, "tags[0]");
    c.record.cardBody = "Generates regular expressions from English descriptions.";
    const d = decideOffline(c);
    expect(d.relevant).toBe(true);
    expect(d.fired).toContain("pos:task-in-metadata(code generation)");
  });

  test("an ambiguous task needs software context: sentiment of commit messages is kept, code signals are named", () => {
    const d = decideOffline(cardWith("SM", "sentiment analysis", "Sentiment analysis of developer commit messages and code review comments on GitHub.", "Sentiment analysis"));
    expect(d.relevant).toBe(true);
    expect(d.fired).toContain("pos:ambiguous-task-with-software-context(sentiment analysis)");

    const coded = cardWith("QA", "static analysis", "Performs static analysis.", "static analysis", {
      tags: ["code"],
      cardMeta: meta({ datasets: ["bigcode/the-stack"] }),
    });
    const withSignals = decideOffline(coded);
    expect(withSignals.relevant).toBe(true);
    expect(withSignals.fired).toEqual(expect.arrayContaining(["pos:code-tags(code)", "pos:code-datasets(bigcode/the-stack)"]));
  });

  test("debugging code and analysing system logs are kept; only the model's own runs are traps", () => {
    expect(decideOffline(cardWith("SM", "debugging", "An assistant for debugging Python code: it explains stack traces and proposes fixes.", "debugging")).relevant).toBe(true);
    expect(decideOffline(cardWith("SM", "log analysis", "Log analysis for production software: it flags anomalies in each log in the service.", "Log analysis")).relevant).toBe(true);
  });

  test("a `# comment` in a code block is not a section heading: the section is still the risks section", () => {
    const body = "# Chat model\n## Limitations\n```python\n# Example\nprint(pipe('hi'))\n```\nMisuse: use case generation for harmful content is prohibited.";
    const d = decideOffline(cardWith("RE", "use case generation", body, "use case generation", { tags: ["code"] }));
    expect(d.relevant).toBe(false);
    expect(d.fired).toContain("neg:re-gemma-risks-section(use case generation)");
  });

  test("software verification of programs is not mistaken for speaker verification", () => {
    const d = decideOffline(cardWith("QA", "verification", "Generates loop invariants for the verification of C programs.", "verification"));
    expect(d.relevant).toBe(true);
  });

  test("the judge labels every verdict offline-rules/v2 and costs nothing", async () => {
    const { verdict, usage } = await new OfflineRulesJudge().judge(cardWith("SM", "program repair", "Program repair model.", "Program repair"));
    expect(verdict).toMatchObject({ judge: "offline-rules/v2", relevant: true, error: null });
    expect(verdict.promptHash).toMatch(/^[0-9a-f]{16}$/);
    expect(usage.calls).toBe(0);
  });
});
