import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { emptyRecord, type ModelRecord } from "../src/corpus/record";
import { taxonomyMismatch } from "../src/analyse/all";
import { topBaseModels } from "../src/analyse/base-models";
import { benchmarkOfCell, benchmarkReporting, benchmarksInCard, parseMarkdownTables } from "../src/analyse/benchmarks";
import { activityCooccurrence } from "../src/analyse/cooccurrence";
import { topDatasetsPerActivity } from "../src/analyse/datasets";
import { factsOf, type ModelFacts, type SeModel } from "../src/analyse/facts";
import { activityTotals, quarterlyGrowth } from "../src/analyse/growth";
import { licenseFamily, licensesByActivity, NO_LICENSE } from "../src/analyse/licenses";
import { activityToMlTask, NO_PIPELINE_TAG } from "../src/analyse/ml-tasks";
import { outlierShareTable } from "../src/analyse/outlier-share";
import { pilotSizes } from "../src/analyse/pilots";
import { validationAnalysis } from "../src/analyse/validation";
import { reportsEnergyUse, runSelection, languageStep } from "../src/analyse/selection";
import { quarterOf, quarterRange, totalsBy } from "../src/analyse/table";
import { modelsPerTask } from "../src/analyse/tasks";
import { parseTaxonomy } from "../src/taxonomy/taxonomy";

function record(id: string, patch: Partial<ModelRecord> & { meta?: Partial<NonNullable<ModelRecord["cardMeta"]>> } = {}): ModelRecord {
  const { meta, ...rest } = patch;
  const base = emptyRecord(id);
  const cardMeta = meta
    ? { license: [], datasets: [], baseModel: [], language: [], tags: [], pipelineTag: null, modelIndex: [], rawJson: "{}", ...meta }
    : null;
  return { ...base, cardStatus: rest.cardBody ? "present" : base.cardStatus, cardMeta, ...rest };
}

function factsMap(records: ModelRecord[]): Map<string, ModelFacts> {
  return new Map(records.map((r) => [r.id, factsOf(r)]));
}

const se = (id: string, activities: SeModel["activities"], tasks: string[] = []): SeModel => ({ id, activities, tasks });

describe("quarters", () => {
  test("quarterOf reads ISO dates and rejects junk", () => {
    expect(quarterOf("2023-04-01T00:00:00.000Z")).toBe("2023-Q2");
    expect(quarterOf("2024-12-31")).toBe("2024-Q4");
    expect(quarterOf(null)).toBeNull();
    expect(quarterOf("2024-13-01")).toBeNull();
    expect(quarterOf("yesterday")).toBeNull();
  });
  test("totalsBy sums weights per key, largest first, ties by key", () => {
    expect(
      totalsBy([
        ["b", 2],
        ["a", 1],
        ["c", 3],
        ["a", 1],
      ] as const),
    ).toEqual([
      ["c", 3],
      ["a", 2],
      ["b", 2],
    ]);
    expect(totalsBy([])).toEqual([]);
  });
  test("name order does not follow the user's locale (same bytes on every machine)", () => {
    // The default collation is fixed when Node starts, so the check runs in a Danish child process,
    // where a bare localeCompare puts "aa" after "z".
    const script = `
      const ts = require("typescript");
      const path = require("node:path");
      // Load the TypeScript source (and its relative imports) without a build.
      const load = (file) => {
        const m = { exports: {} };
        const source = require("node:fs").readFileSync(file, "utf8");
        const local = (spec) => (spec.startsWith(".") ? load(path.resolve(path.dirname(file), spec) + ".ts") : require(spec));
        new Function("module", "exports", "require", ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText)(m, m.exports, local);
        return m.exports;
      };
      const m = { exports: load(${JSON.stringify(join(__dirname, "..", "src", "analyse", "table.ts"))}) };
      m.exports = { ...m.exports, compareText: load(${JSON.stringify(join(__dirname, "..", "src", "util", "text.ts"))}).compareText };
      const names = ["z", "aa", "B"];
      console.log(JSON.stringify({ bare: [...names].sort((a, b) => a.localeCompare(b)), ours: [...names].sort(m.exports.compareText), totals: m.exports.totalsBy([["z", 1], ["aa", 1]]) }));
    `;
    const child = spawnSync(process.execPath, ["-e", script], {
      cwd: join(__dirname, ".."),
      env: { ...process.env, LC_ALL: "da_DK.UTF-8", LANG: "da_DK.UTF-8" },
      encoding: "utf8",
    });
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout) as { bare: string[]; ours: string[]; totals: Array<[string, number]> };
    // Danish collation in effect in the child (a Node built without full ICU would fall back to English).
    if (Intl.Collator.supportedLocalesOf("da-DK").length > 0) expect(result.bare).toEqual(["B", "z", "aa"]);
    expect(result.ours).toEqual(["aa", "B", "z"]);
    expect(result.totals).toEqual([
      ["aa", 1],
      ["z", 1],
    ]);
  });
  test("quarterRange fills gaps across years", () => {
    expect(quarterRange("2023-Q3", "2024-Q2")).toEqual(["2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"]);
  });
});

describe("RQ1.3 growth", () => {
  const records = [
    record("a/si1", { createdAt: "2023-01-15T00:00:00Z" }),
    record("a/si2", { createdAt: "2023-05-02T00:00:00Z" }),
    record("a/both", { createdAt: "2023-06-30T00:00:00Z" }),
    record("a/old", { createdAt: "2019-06-30T00:00:00Z" }),
    record("a/undated"),
  ];
  const models = [se("a/si1", ["SI"]), se("a/si2", ["SI"]), se("a/both", ["SI", "SM"]), se("a/old", ["SI"]), se("a/undated", ["QA"])];
  const table = quarterlyGrowth(models, factsMap(records));

  test("counts each model once per activity per quarter, with zero-filled quarters", () => {
    const si = table.rows.filter((r) => r.activity === "SI").map((r) => [r.quarter, r.models]);
    expect(si).toEqual([
      ["2023-Q1", 1],
      ["2023-Q2", 2],
    ]);
    expect(table.rows.find((r) => r.quarter === "2023-Q2" && r.activity === "SM")!.models).toBe(1);
    expect(table.rows.find((r) => r.quarter === "2023-Q1" && r.activity === "RE")!.models).toBe(0);
  });
  test("puts the paper's SI figures beside the named quarters", () => {
    expect(table.rows.find((r) => r.quarter === "2023-Q2" && r.activity === "SI")!.paper).toBe(142);
    expect(table.rows.find((r) => r.quarter === "2023-Q2" && r.activity === "SM")!.paper).toBeNull();
  });
  test("names what it left out: pre-2020 and undated models", () => {
    expect(table.notes.join(" ")).toContain("1 SE models created before 2020-Q1");
    expect(table.notes.join(" ")).toContain("a/undated");
  });
  test("activity totals give the lead of the largest activity", () => {
    const totals = activityTotals([se("1", ["SI"]), se("2", ["SI"]), se("3", ["SI", "SM"]), se("4", ["SI"])]);
    const si = totals.rows.find((r) => r.activity === "SI")!;
    expect(si.models).toBe(4);
    expect(si.ratioToNext).toBe(4);
    expect(si.paperRatioToNext).toBe(20);
    expect(totals.rows.find((r) => r.activity === "SM")!.ratioToNext).toBeNull();
  });
});

describe("RQ2.1 tasks, RQ2.2 ML tasks, RQ2.3 co-occurrence", () => {
  const taxonomy = parseTaxonomy({
    tasks: [
      { id: "si.code-generation", activity: "SI", name: "code generation" },
      { id: "si.coding", activity: "SI", name: "coding" },
      { id: "sm.program-repair", activity: "SM", name: "program repair" },
    ],
  });
  test("models per task counts each model once per task and reports unknown task keys", () => {
    const table = modelsPerTask(
      [
        se("1", ["SI"], ["si.code-generation", "si.code-generation"]),
        se("2", ["SI"], ["si.code-generation", "si.coding"]),
        se("3", ["SM"], ["program repair", "sm.gone"]),
      ],
      taxonomy,
    );
    expect(table.rows.map((r) => [r.task, r.activity, r.models])).toEqual([
      ["code generation", "SI", 2],
      ["coding", "SI", 1],
      ["program repair", "SM", 1],
    ]);
    expect(table.notes.join(" ")).toContain("code generation / coding = 2.00");
    expect(table.notes.join(" ")).toContain("sm.gone");
  });
  test("activity -> pipeline tag flows, with a visible bucket for models without a tag", () => {
    const records = [record("1", { pipelineTag: "text-generation" }), record("2", { pipelineTag: "text-generation" }), record("3")];
    const table = activityToMlTask([se("1", ["SI", "SD"]), se("2", ["SI"]), se("3", ["SI"])], factsMap(records));
    expect(table.rows).toEqual([
      { activity: "SD", pipelineTag: "text-generation", models: 1 },
      { activity: "SI", pipelineTag: "text-generation", models: 2 },
      { activity: "SI", pipelineTag: NO_PIPELINE_TAG, models: 1 },
    ]);
    expect(table.notes.join(" ")).toContain("SD links to 1 ML task(s) (text-generation)");
  });
  test("co-occurrence counts pairs and directional shares", () => {
    const table = activityCooccurrence([se("1", ["SD", "SI"]), se("2", ["SD", "SI"]), se("3", ["SD"]), se("4", ["SI", "SM"]), se("5", ["SI"])]);
    const sdSi = table.rows.find((r) => r.a === "SD" && r.b === "SI")!;
    expect(sdSi.models).toBe(2);
    expect(sdSi.shareOfA).toBeCloseTo(2 / 3);
    expect(sdSi.paperShareOfA).toBe(0.73);
    expect(table.rows.find((r) => r.a === "SI" && r.b === "SD")!.shareOfA).toBeCloseTo(2 / 4);
    expect(table.rows.some((r) => r.a === "RE" || r.b === "RE")).toBe(false);
    expect(table.notes[0]).toContain("3 of 5 SE models serve more than one activity");
  });
});

describe("RQ2.4 base models and RQ2.5 datasets, licences", () => {
  test("top base models are ranked by derived SE models, with cumulative series per quarter", () => {
    const records = [
      record("d1", { createdAt: "2023-11-02T00:00:00Z", meta: { baseModel: ["meta-llama/Llama-2-7b-hf"] } }),
      record("d2", { createdAt: "2024-02-02T00:00:00Z", meta: { baseModel: ["meta-llama/Llama-2-7b-hf"] } }),
      record("d3", { createdAt: "2024-02-03T00:00:00Z", meta: { baseModel: ["x/y"] } }),
      record("d4", { createdAt: "2024-02-03T00:00:00Z" }),
    ];
    const { top, overTime } = topBaseModels([se("d1", ["SI"]), se("d2", ["SI"]), se("d3", ["SM"]), se("d4", ["SI"])], factsMap(records), 15);
    expect(top.rows.map((r) => [r.rank, r.baseModel, r.models, r.firstQuarter, r.paper])).toEqual([
      [1, "meta-llama/Llama-2-7b-hf", 2, "2023-Q4", 9],
      [2, "x/y", 1, "2024-Q1", null],
    ]);
    expect(overTime.rows.filter((r) => r.baseModel === "meta-llama/Llama-2-7b-hf").map((r) => [r.quarter, r.cumulative])).toEqual([
      ["2023-Q4", 1],
      ["2024-Q1", 2],
    ]);
    expect(top.notes[0]).toContain("3 of 4 SE models declare a base_model");
  });
  test("a base model the paper names is listed with its real rank even below the top N", () => {
    const records = [
      record("d1", { createdAt: "2023-11-02T00:00:00Z", meta: { baseModel: ["x/y"] } }),
      record("d2", { createdAt: "2024-02-02T00:00:00Z", meta: { baseModel: ["x/y"] } }),
      record("d3", { createdAt: "2024-02-03T00:00:00Z", meta: { baseModel: ["a/b"] } }),
      record("d4", { createdAt: "2024-03-03T00:00:00Z", meta: { baseModel: ["meta-llama/Llama-2-7b-hf"] } }),
    ];
    const { top, overTime } = topBaseModels(
      ["d1", "d2", "d3", "d4"].map((id) => se(id, ["SI"])),
      factsMap(records),
      1,
    );
    expect(top.rows.map((r) => [r.rank, r.baseModel, r.paper])).toEqual([
      [1, "x/y", null],
      [3, "meta-llama/Llama-2-7b-hf", 9],
    ]);
    expect(new Set(overTime.rows.map((r) => r.baseModel))).toEqual(new Set(["x/y", "meta-llama/Llama-2-7b-hf"]));
  });
  test("top datasets per activity mark reuse and say which activities name none", () => {
    const records = [
      record("1", { meta: { datasets: ["codeparrot/github-code-clean", "b"] } }),
      record("2", { meta: { datasets: ["codeparrot/github-code-clean"] } }),
      record("3", { tags: ["dataset:codeparrot/github-code-clean"] }),
    ];
    const table = topDatasetsPerActivity([se("1", ["SI"]), se("2", ["SI", "QA"]), se("3", ["QA"])], factsMap(records), 3);
    const si = table.rows.filter((r) => r.activity === "SI");
    expect(si.map((r) => [r.rank, r.dataset, r.models])).toEqual([
      [1, "codeparrot/github-code-clean", 2],
      [2, "b", 1],
    ]);
    expect(si[0]!.alsoUsedBy).toEqual(["QA"]);
    expect(si[0]!.paper).toBe(24);
    expect(table.rows.find((r) => r.activity === "QA")!.models).toBe(2);
    expect(table.notes[0]).toContain("RE, SD, SM");
  });
  test("licences per activity, counting undeclared ones visibly, and licence families", () => {
    const records = [record("1", { meta: { license: ["Apache-2.0"] } }), record("2", { tags: ["license:mit"] }), record("3")];
    const table = licensesByActivity([se("1", ["SI"]), se("2", ["SI", "SM"]), se("3", ["SI"])], factsMap(records));
    expect(table.rows.filter((r) => r.activity === "SI").map((r) => [r.license, r.models, r.family])).toEqual([
      [NO_LICENSE, 1, "none"],
      ["apache-2.0", 1, "permissive"],
      ["mit", 1, "permissive"],
    ]);
    expect(table.rows.find((r) => r.license === "apache-2.0")!.paper).toBe(857);
    expect(licenseFamily("gpl-3.0")).toBe("copyleft");
    expect(licenseFamily("agpl-3.0")).toBe("copyleft");
    expect(licenseFamily("cc-by-nc-4.0")).toBe("non-commercial");
    expect(licenseFamily("cc-by-4.0")).toBe("creative-commons");
    expect(licenseFamily("llama3.1")).toBe("model-specific");
    expect(licenseFamily("bsd-3-clause")).toBe("permissive");
  });
});

describe("RQ2.5 benchmarks in card tables", () => {
  const leaderboard = [
    "# Model",
    "Some text | with a pipe but no table",
    "",
    "| Metric | Value |",
    "|---|---:|",
    "| Avg. | 60.1 |",
    "| AI2 Reasoning Challenge (25-Shot) | 61.2 |",
    "| HellaSwag (10-Shot) | 83.0 |",
    "| **MMLU** (5-Shot) | 64.1 |",
    "| GSM8k (5-shot) | 40.0 |",
    "",
    "```",
    "| HumanEval | 99 |",
    "|---|---|",
    "```",
  ].join("\n");
  const columns = "Model | HumanEval+ | MBPP | MMLU-Pro\n:--|--|--|--\nours | 50 | 40 | 30\n";

  test("parses pipe tables and skips fenced code", () => {
    const tables = parseMarkdownTables(leaderboard);
    expect(tables).toHaveLength(1);
    expect(tables[0]!.header).toEqual(["Metric", "Value"]);
    expect(tables[0]!.rows).toHaveLength(5);
  });
  test("recognises spelled variants and keeps specific variants apart", () => {
    expect(benchmarkOfCell("arc_challenge")).toBe("ARC");
    expect(benchmarkOfCell("Human-Eval")).toBe("HumanEval");
    expect(benchmarkOfCell("HumanEval+")).toBe("HumanEval+");
    expect(benchmarkOfCell("MMLU-Pro (5-shot)")).toBe("MMLU-Pro");
    expect(benchmarkOfCell("Winogrande (5-shot)")).toBe("Winogrande");
    expect(benchmarkOfCell("Avg.")).toBeNull();
    expect(benchmarkOfCell("search")).toBeNull();
    expect(benchmarksInCard(leaderboard)).toEqual(["MMLU", "HellaSwag", "ARC", "GSM8K"]);
    expect(benchmarksInCard(columns)).toEqual(["HumanEval+", "MBPP", "MMLU-Pro"]);
  });
  test("top benchmarks for SI and the share of SE models reporting any", () => {
    const records = [
      record("1", { cardBody: leaderboard }),
      record("2", { cardBody: columns }),
      record("3", { cardBody: "no tables" }),
      record("4", { cardBody: leaderboard }),
    ];
    const result = benchmarkReporting([se("1", ["SI"]), se("2", ["SI"]), se("3", ["SI"]), se("4", ["SM"])], factsMap(records));
    expect(result.top.rows.find((r) => r.benchmark === "MMLU")).toMatchObject({ models: 1, allSeModels: 2, paper: 31 });
    const all = result.shares.rows[0]!;
    expect(all).toEqual({ activity: "all SE models", models: 4, reportingBenchmarks: 3, share: 0.75 });
    // The paper reports no such share: nothing may stand beside the run's as if it did.
    expect(result.shares.spec.map((c) => c.name).filter((n) => /^paper/i.test(n))).toEqual([]);
    expect(result.shares.rows.find((r) => r.activity === "SI")!.share).toBeCloseTo(2 / 3);
  });
});

describe("Fig. 10 selection chain", () => {
  const energyCard = "## Environmental Impact\n\n- Hardware Type: A100\n- Carbon Emitted: 1.2 kg CO2\n\n## Usage\n\nPython code completion.";
  const templateCard = "## Environmental Impact\n\n- Hardware Type: [More Information Needed]\n- Hours used: [More Information Needed]\n\nWorks with Python.";
  const records = [
    record("a/energy-mit", { cardBody: energyCard, likes: 3, meta: { license: ["mit"] } }),
    record("a/energy-gpl", { cardBody: energyCard, meta: { license: ["gpl-3.0"] } }),
    record("a/template", { cardBody: templateCard, meta: { license: ["mit"] } }),
    record("a/co2-meta", {
      cardBody: "A model for Python.\n\n| HumanEval |\n|--|\n| 1 |",
      likes: 1,
      meta: { license: ["apache-2.0"], rawJson: '{"co2_eq_emissions":{"emissions":12}}' },
    }),
    record("a/snippet-only", { cardBody: "```python\nimport x\n```", meta: { license: ["mit"], rawJson: '{"co2_eq_emissions":5}' } }),
    record("a/sm", { cardBody: energyCard, meta: { license: ["mit"] } }),
  ];
  const facts = factsMap(records);
  test("energy reporting needs metadata or a section with a figure, not the template's placeholders", () => {
    expect(reportsEnergyUse(facts.get("a/energy-mit")!)).toBe(true);
    expect(reportsEnergyUse(facts.get("a/co2-meta")!)).toBe(true);
    expect(reportsEnergyUse(facts.get("a/template")!)).toBe(false);
  });
  test("a python usage snippet alone does not make a model support Python", () => {
    const step = languageStep("python");
    const candidate = (id: string) => ({ model: se(id, ["SI"]), facts: facts.get(id)!, benchmarks: [] });
    expect(step.keep(candidate("a/snippet-only"))).toBe(false);
    expect(step.keep(candidate("a/energy-mit"))).toBe(true);
  });
  test("each step reports how many remain, and the ranking prefers reported benchmarks", () => {
    const models = [
      se("a/energy-mit", ["SI"]),
      se("a/energy-gpl", ["SI"]),
      se("a/template", ["SI"]),
      se("a/co2-meta", ["SI"]),
      se("a/snippet-only", ["SI"]),
      se("a/sm", ["SM"]),
    ];
    const candidates = models.map((m) => ({ model: m, facts: facts.get(m.id)!, benchmarks: benchmarksInCard(facts.get(m.id)!.cardBody) }));
    const result = runSelection(candidates);
    expect(result.steps.rows.map((r) => [r.name, r.remaining])).toEqual([
      ["all SE models", 6],
      ["activity SI", 5],
      ["language python", 4],
      ["reports energy use", 3],
      ["permissive licence", 2],
    ]);
    expect(result.ranked.rows.map((r) => r.id)).toEqual(["a/co2-meta", "a/energy-mit"]);
    expect(result.steps.notes[0]).toContain("this run ends at a/co2-meta");
  });
});

describe("Tables IV and V", () => {
  test("pilot sizes follow Cochran with the paper's populations beside them", () => {
    const unique = Array.from({ length: 255 }, (_, i) => se(`re${i}`, ["RE"]));
    const table = pilotSizes(unique);
    expect(table.rows.find((r) => r.activity === "RE")).toEqual({
      activity: "RE",
      uniqueModels: 255,
      pilotSample: 154,
      paperUniqueModels: 255,
      paperPilotSample: 154,
    });
    expect(table.rows.find((r) => r.activity === "SI")!.pilotSample).toBe(0);
  });
  test("Table V only from human labels: per activity beside the paper, held-out apart; none without labels", () => {
    const verdict = (id: string, activity: "SI" | "QA", relevant: boolean | null) => ({
      id,
      activity,
      relevant,
      rationale: "",
      judge: "gemini:gemini-3.8-flash",
      promptHash: "",
      error: relevant === null ? "timeout" : null,
    });
    const verdicts = [
      verdict("1", "SI", true),
      verdict("2", "SI", false),
      verdict("3", "SI", true),
      verdict("4", "SI", false),
      verdict("5", "SI", null),
      verdict("6", "QA", true),
    ];
    const label = (id: string, activity: "SI" | "QA", relevant: boolean, set: "pilot" | "holdout") => ({
      id,
      activity,
      set,
      relevant,
      method: "primary" as const,
      votes: 1,
    });
    const consolidation = {
      labels: [
        label("1", "SI", true, "pilot"),
        label("2", "SI", false, "pilot"),
        label("3", "SI", true, "pilot"),
        label("4", "SI", true, "pilot"),
        label("5", "SI", true, "pilot"),
        label("6", "QA", true, "holdout"),
      ],
      missingPrimary: 0,
      incompleteReliability: 0,
      interAnnotator: [],
    };
    const v = validationAnalysis({ runDir: "r", verdicts, pilot: { primary: "A", annotators: ["A"], consolidation }, groundTruth: null });
    const si = v.tableV!.rows.find((r) => r.scope === "SI")!;
    // observed 3/4; judge yes 2/4, humans yes 3/4 -> expected 0.5; kappa 0.5; the judge's error is counted, not paired.
    expect(si).toMatchObject({ pairs: 4, judgeErrors: 1, paperKappa: 0.85 });
    expect(si.kappa).toBeCloseTo(0.5);
    expect(v.tableV!.title).toMatch(/^Table V: .*gemini:gemini-3\.8-flash.* vs human labels/);
    expect(v.heldOut!.rows.find((r) => r.scope === "all")).toMatchObject({ pairs: 1, paperKappa: 0.88 });
    expect(v.syntheticAgreement).toBeNull();
    expect(v.missing).toBeNull();

    const none = validationAnalysis({ runDir: "r", verdicts, pilot: null, groundTruth: [{ id: "1", isSe: true, seActivities: ["SI"] }] });
    expect(none.tableV).toBeNull();
    expect(none.missing).toMatch(/no human labels.*pilot sample --run r.*pilot export --run r --annotator A.*pilot import/);
    expect(none.syntheticAgreement!.rows.find((r) => r.scope === "SI")).toMatchObject({ pairs: 1, kappa: null });
    expect(validationAnalysis({ runDir: "r", verdicts: null, pilot: null, groundTruth: null }).missing).toMatch(/no verdicts/);
  });
});

describe("run.json facts", () => {
  test("outlier share sits beside the paper's 89.01%, and a missing summary gives no table", () => {
    const table = outlierShareTable({
      outliers: { occurrences: 100, outlierOccurrences: 45, share: 0.45, excluded: 30, byTask: { logging: 20, debugging: 25 } },
    })!;
    expect(table.rows).toEqual([
      { measure: "task occurrences (all tasks)", run: 100, paper: null },
      { measure: "share of occurrences in the outlier tasks", run: 0.45, paper: 0.8901 },
      { measure: 'occurrences of "debugging"', run: 25, paper: null },
      { measure: 'occurrences of "logging"', run: 20, paper: null },
      { measure: "occurrences removed by the Table III rules", run: 30, paper: null },
    ]);
    expect(outlierShareTable(null)).toBeNull();
    expect(outlierShareTable({ outliers: { share: "high" } })).toBeNull();
  });
  test("a report made with another taxonomy than the run's is flagged", () => {
    const taxonomy = parseTaxonomy({ name: "t", version: "2", tasks: [{ activity: "SI", name: "code generation" }] });
    expect(taxonomyMismatch({ taxonomy: { name: "t", version: "2", tasks: 1 } }, taxonomy)).toEqual([]);
    expect(taxonomyMismatch({ taxonomy: { name: "t", version: "1", tasks: 1 } }, taxonomy)[0]).toContain("the run searched taxonomy t 1");
    expect(taxonomyMismatch(null, taxonomy)).toEqual([]);
  });
});
