import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { emptyRecord, type CardMetadata } from "../src/corpus/record";
import { createPreparer } from "../src/prepare/preparer";
import { compileTaxonomy } from "../src/search/phrases";
import {
  DEFAULT_SE_DATASETS_PATH,
  DEFAULT_SE_SIGNALS_PATH,
  loadSeSignalData,
  matchDataset,
  normaliseDatasetName,
  parseSeSignalData,
} from "../src/signals/data";
import { baseModelsOf, nameWords, seSignalsOf, signalsFor } from "../src/signals/signals";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";

const data = loadSeSignalData();

function meta(partial: Partial<CardMetadata>): CardMetadata {
  return { license: [], datasets: [], baseModel: [], language: [], tags: [], pipelineTag: null, modelIndex: [], rawJson: "{}", ...partial };
}

describe("curated SE datasets", () => {
  test("names match by their part after the owner, normalised; the longest pattern wins; exact ones stay exact", () => {
    expect(normaliseDatasetName("google/code_x_glue_cc_defect_detection")).toBe("codexglueccdefectdetection");
    expect(matchDataset(data, "google/code_x_glue_cc_defect_detection")).toMatchObject({ name: "CodeXGLUE defect detection", activities: ["QA"] });
    expect(matchDataset(data, "some-org/code_x_glue_tc_nl_code_search_adv")!.activities).toEqual(["SI"]);
    expect(matchDataset(data, "evalplus/humanevalplus")!.name).toBe("EvalPlus");
    expect(matchDataset(data, "HumanEval")!.name).toBe("HumanEval");
    expect(matchDataset(data, "apps")!.name).toBe("APPS");
    expect(matchDataset(data, "appstore-reviews")).toBeNull();
    expect(matchDataset(data, "stanfordnlp/sst2")).toBeNull();
  });

  test("every entry names a source, and a malformed file is refused with the entry named", () => {
    const file = JSON.parse(readFileSync(DEFAULT_SE_DATASETS_PATH, "utf8")) as { sources: Record<string, string>; datasets: Array<{ source: string }> };
    for (const d of file.datasets) expect(file.sources[d.source], JSON.stringify(d)).toBeTruthy();
    const signals = JSON.parse(readFileSync(DEFAULT_SE_SIGNALS_PATH, "utf8")) as unknown;
    const broken = { sources: { s: "x" }, datasets: [{ name: "Bad", match: ["Not-Normalised"], activities: ["SI"], use: "training", source: "s" }] };
    expect(() => parseSeSignalData(broken, signals)).toThrow(/datasets\[0\] \(Bad\): pattern "not-normalised" is not normalised/);
    const unknownActivity = { sources: { s: "x" }, datasets: [{ name: "Bad", match: ["bad"], activities: ["XX"], use: "training", source: "s" }] };
    expect(() => parseSeSignalData(unknownActivity, signals)).toThrow(/activities must be a list of RE, SD, SI, QA, SM/);
  });
});

describe("SE signals of a record", () => {
  const preparer = createPreparer();
  const phrases = { compiled: compileTaxonomy(loadTaxonomy(), preparer), preparer };

  test("tags, languages, datasets, name words and base models, each shaped like an occurrence", () => {
    const record = {
      ...emptyRecord("acme/tiny-coder-code-review-7b"),
      tags: ["code", "text-to-sql", "rust", "dataset:bigcode/the-stack", "base_model:finetune:other/starcoder-base"],
      cardMeta: meta({ language: ["en", "code"], datasets: ["google/code_x_glue_cc_defect_detection"], tags: ["code"] }),
    };
    const signals = seSignalsOf(record, data, { phrases });
    const brief = signals.map((s) => `${s.kind} ${s.activity ?? "-"} ${s.label} ${s.provenance} ${s.field}`);
    expect(brief).toEqual([
      "code-tag - tag code meta.tags tags[0]",
      "task-tag SI tag text-to-sql meta.tags tags[1]",
      "programming-language - language rust meta.tags tags[2]",
      "programming-language - language code meta.language meta.language[1]",
      "se-dataset QA dataset CodeXGLUE defect detection (training) meta.datasets meta.datasets[0]",
      "se-dataset SI dataset The Stack (training) meta.datasets tags[3]",
      "id-word - word coder model-id id",
      "id-word - word code model-id id",
      "base-model-word - base model word starcoder meta.base-model tags[4]",
      "task-in-id SM task code review in the name model-id id",
    ]);
    const inId = signals.find((s) => s.kind === "task-in-id")!;
    expect(record.id.slice(inId.charStart, inId.charEnd)).toBe("code-review");
    expect(signalsFor(signals, "QA").own.map((s) => s.label)).toEqual(["dataset CodeXGLUE defect detection (training)"]);
    expect(baseModelsOf(record)).toEqual([{ id: "other/starcoder-base", field: "tags[4]", provenance: "meta.base-model" }]);
  });

  test("English words that merely look like code words, and the owner's name, say nothing", () => {
    const record = { ...emptyRecord("codeparrot-fans/audio-encoder-decoder-codec"), cardMeta: meta({ baseModel: ["x/whisper-decoder"] }) };
    expect(seSignalsOf(record, data)).toEqual([]);
    expect(nameWords("nl2sql-7B").map((w) => w.word)).toEqual(["nl2sql", "nl", "sql", "7b", "b"]);
  });
});
