/**
 * The selection page (selection.html) without a browser: how the catalogue reads licences, languages
 * and benchmark scores; the evidence it carries; the page's safety (embedded JSON, no addresses but
 * the Hub links, CSP); CSV escaping; the URL state; and the page's own filtering engine run on the
 * demo's replicate, whose counts must be the analysis tables' counts. The browser side is
 * test/selection-browser.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { benchmarkScoresInCard, licenceGroupOf, programmingLanguagesOf, type Catalogue } from "../src/analyse/catalogue";
import { loadRunEvidence } from "../src/analyse/evidence";
import type { ModelFacts } from "../src/analyse/facts";
import { licenseFamily } from "../src/analyse/licenses";
import { selectionClientPath, selectionPageHtml } from "../src/figures/selection-page";
import { replicate, writeReport } from "../src/pipeline/replicate";
import { readRows, writeRows, type TableSpec } from "../src/util/arrow-table";
import { buildFixture } from "./fixtures/analyse/run-fixture";

// The page's script, loaded as Node loads it (module.exports): the same code the page runs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const client: any = createRequire(__filename)(selectionClientPath());

const DEMO = resolve(__dirname, "..", "data", "demo");

function embedded(html: string): Catalogue {
  const match = /<script type="application\/json" id="selection-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error("no data block");
  return JSON.parse(match[1]!) as Catalogue;
}

function facts(partial: Partial<ModelFacts>): ModelFacts {
  return {
    id: "x/y",
    createdAt: null,
    downloads: null,
    likes: null,
    pipelineTag: null,
    licenses: [],
    datasets: [],
    baseModels: [],
    languages: [],
    tags: [],
    cardBody: null,
    hasCo2Metadata: false,
    modelIndexResults: 0,
    issues: [],
    ...partial,
  };
}

describe("what the catalogue reads from a card", () => {
  test("benchmark scores: a Metric column is not a score, header benchmarks take the number below, unparseable cells stay text-less", () => {
    const card = [
      "| Benchmark | Metric | Score |",
      "|---|---|---|",
      "| HumanEval | pass@1 | **53.1** |",
      "| MBPP | pass@1 | n/a |",
      "",
      "| Model | GSM8K | MMLU |",
      "|---|---|---|",
      "| ours | 40.2% | 61.0 ± 0.3 |",
      "",
      "```",
      "| ARC | 99 |",
      "|---|---|",
      "```",
    ].join("\n");
    expect(benchmarkScoresInCard(card)).toEqual([
      { benchmark: "HumanEval", value: 53.1, text: "53.1", metric: "pass@1" },
      { benchmark: "MBPP", value: null, text: "", metric: "pass@1" },
      { benchmark: "MMLU", value: 61, text: "61.0 ± 0.3", metric: null },
      { benchmark: "GSM8K", value: 40.2, text: "40.2%", metric: null },
    ]);
    expect(benchmarkScoresInCard(null)).toEqual([]);
  });

  test("licence groups fold the analyses' families into what a team asks about", () => {
    const group = (id: string) => licenceGroupOf(licenseFamily(id));
    expect(["mit", "apache-2.0", "gpl-3.0", "cc-by-nc-4.0", "cc-by-4.0", "openrail", "llama3", "other", "(none declared)"].map(group)).toEqual([
      "permissive",
      "permissive",
      "copyleft",
      "non-commercial",
      "other",
      "other",
      "other",
      "other",
      "none",
    ]);
  });

  test("programming languages: the walk-through's test for Python (prose outside code), declared only for Go", () => {
    const of = (f: Partial<ModelFacts>) => programmingLanguagesOf({ model: { id: "x/y", activities: ["SI"], tasks: [] }, facts: facts(f), benchmarks: [] });
    expect(of({ cardBody: "Completes Python and Rust code." })).toEqual(["python", "rust"]);
    expect(of({ cardBody: "```python\nimport x\n```\nA code model. Let's go!" })).toEqual([]);
    expect(of({ languages: ["en", "golang", "cpp"] })).toEqual(["c++", "go"]);
  });
});

describe("selection.html from a report on the hand-built fixture", () => {
  let root: string;
  let html: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "selection-page-"));
    const { corpus, run } = await buildFixture(root);
    await writeReport({ runDir: run, corpusDir: corpus, outDir: join(root, "out1"), noStatic: true, log: () => undefined });
    await writeReport({ runDir: run, corpusDir: corpus, outDir: join(root, "out2"), noStatic: true, log: () => undefined });
    html = readFileSync(join(root, "out1", "selection.html"), "utf8");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("the report links the page, and the same run gives the same bytes", () => {
    expect(readFileSync(join(root, "out1", "index.html"), "utf8")).toContain('<a href="selection.html">');
    expect(readFileSync(join(root, "out1", "selection.html")).equals(readFileSync(join(root, "out2", "selection.html")))).toBe(true);
  });

  test("every SE model is listed with the facts the analyses read, the ghost model flagged as missing from the corpus", () => {
    const data = embedded(html);
    expect(data.synthetic).toBe(true);
    expect(data.models.map((m) => m.id)).toEqual(["org/coder", "org/designer", "org/fixer", "org/ghost"]);
    const coder = data.models.find((m) => m.id === "org/coder")!;
    expect(coder).toMatchObject({
      inCorpus: true,
      activities: ["SI"],
      tasks: ["si.code-generation"],
      pipelineTag: "text-generation",
      programmingLanguages: ["python"],
      licenses: [{ id: "mit", family: "permissive" }],
      licenceGroups: ["permissive"],
      baseModels: ["meta-llama/Llama-2-7b-hf"],
      reportsEnergy: true,
      rank: 1,
    });
    expect(coder.benchmarks.map((b) => [b.benchmark, b.value])).toEqual([
      ["HumanEval", 40],
      ["MBPP", 30],
    ]);
    expect(data.models.find((m) => m.id === "org/fixer")!.activities).toEqual(["SI", "SM"]);
    expect(data.models.find((m) => m.id === "org/ghost")).toMatchObject({ inCorpus: false, activities: [], licenceGroups: ["none"], rank: 4 });
    expect(data.tasks.find((t) => t.key === "si.code-generation")).toEqual({ key: "si.code-generation", name: "code generation", activity: "SI" });
  });

  test("self-contained and offline: one CSP allowing only the page's own two scripts; the only address is the Hub's", () => {
    expect(html).toContain('id="synthetic-banner"');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;|default-src 'none'/);
    expect(html.match(/script-src 'sha256-[A-Za-z0-9+/=]+' 'sha256-[A-Za-z0-9+/=]+'/)).not.toBeNull();
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect([...html.matchAll(/https?:\/\/[^\s"'<)]*/g)].map((m) => m[0])).toEqual(["https://huggingface.co/"]);
  });

  test("card text cannot close the data block or reach the markup: `<` is escaped and it parses back unchanged", () => {
    const data = embedded(html);
    const evil = '</script><img src=x onerror="window.__xss=1"><!--';
    data.models[0]!.id = evil;
    data.models[0]!.evidence.verdicts.push({ activity: "SI", relevant: true, judge: evil, rationale: evil, error: null });
    const page = selectionPageHtml(data);
    expect(page).not.toContain("<img");
    expect(page).not.toContain("</script><img");
    const back = embedded(page);
    expect(back.models[0]!.id).toBe(evil);
    expect(back.models[0]!.evidence.verdicts.at(-1)!.rationale).toBe(evil);
  });
});

describe("evidence from the run's match table", () => {
  test("kept occurrences of the final tasks with their field, outlier exclusions per rule, and a provenance column when the table has one", async () => {
    const root = mkdtempSync(join(tmpdir(), "selection-evidence-"));
    try {
      const { run } = await buildFixture(root);
      interface Row {
        modelId: string;
        taskId: string;
        task: string;
        activity: string;
        source: string;
        field: string;
        raw: string;
        before: string;
        after: string;
        excludedBy: string | null;
        provenance: string | null;
      }
      const spec: TableSpec<Row> = [
        ...(["modelId", "taskId", "task", "activity", "source", "field", "raw", "before", "after"] as const).map((name) => ({ name, type: "string" as const })),
        { name: "excludedBy", type: "string", nullable: true },
        { name: "provenance", type: "string", nullable: true },
      ];
      const base = {
        modelId: "org/coder",
        taskId: "si.code-generation",
        task: "code generation",
        activity: "SI",
        source: "card",
        raw: "code generation",
        before: "A Python ",
        after: " model.",
      };
      const rows: Row[] = [
        { ...base, field: "body", excludedBy: null, provenance: "card body, line 1" },
        { ...base, field: "tags[2]", excludedBy: "code.in-config", provenance: null },
        { ...base, taskId: "qa.testing", task: "testing", activity: "QA", field: "body", excludedBy: null, provenance: "card body, line 9" },
      ];
      await writeRows(join(run, "filter", "occurrences.arrow"), rows, spec);
      const evidence = loadRunEvidence(run, [{ id: "org/coder", activities: ["SI"], tasks: ["si.code-generation"] }], null);
      expect(evidence.hasProvenance).toBe(true);
      const coder = evidence.byModel.get("org/coder")!;
      // the QA occurrence is not one of the model's final tasks
      expect(coder.matches).toEqual([
        {
          taskId: "si.code-generation",
          task: "code generation",
          activity: "SI",
          source: "card",
          field: "body",
          provenance: "card body, line 1",
          before: "A Python ",
          raw: "code generation",
          after: " model.",
        },
      ]);
      expect(coder.excluded).toEqual([{ rule: "code.in-config", occurrences: 1 }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("the page's script", () => {
  test("CSV cells that a spreadsheet would evaluate are defused, and quoting follows RFC 4180", () => {
    expect(["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx", "a,b", 'say "hi"', "plain", null, 7].map(client.csvCell)).toEqual([
      "'=1+1",
      "'+SUM(A1)",
      "'-2",
      "'@cmd",
      "'\tx",
      '"\'\rx"',
      '"a,b"',
      '"say ""hi"""',
      "plain",
      "",
      "7",
    ]);
  });
});

describe("the page's engine on the demo's replicate agrees with the analysis tables", () => {
  let out: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let engine: any;
  let data: Catalogue;
  const table = <T>(name: string) => readRows<T>(join(out, "tables", `${name}.arrow`));
  const count = (state: unknown) => engine.query(state).rows.length;
  const state = (chain: Array<[string, string[]]>, sort = "paper") => ({ chain: chain.map(([facet, values]) => ({ facet, values })), sort, open: [] });

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "selection-demo-"));
    await replicate({ corpusDir: DEMO, outDir: out, offline: true, noStatic: true, log: () => undefined });
    data = embedded(readFileSync(join(out, "selection.html"), "utf8"));
    engine = client.createEngine(data);
  }, 600_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("the paper's chain gives the selection-step table's counts and ends at the ranking's first model", () => {
    const steps = table<{ step: number; remaining: number }>("fig10-selection-steps");
    const result = engine.query(state(data.walkthrough.steps.map((s) => [s.facet, [s.value]])));
    expect(result.funnel.map((f: { remaining: number }) => f.remaining)).toEqual(steps.map((s) => s.remaining));
    const ranked = table<{ id: string }>("fig10-selection-ranking");
    expect(result.rows.map((i: number) => data.models[i]!.id)).toEqual(ranked.map((r) => r.id));
  });

  test("activity, task, licence and benchmark counts are the tables' counts", () => {
    const none = engine.query(state([]));
    expect(none.rows.length).toBe(readRows(join(out, "run", "se-models.arrow")).length);
    for (const row of table<{ activity: string; models: number }>("activity-totals")) {
      expect(none.counts.get("activity").get(row.activity), row.activity).toBe(row.models);
      expect(count(state([["activity", [row.activity]]]))).toBe(row.models);
    }
    const tasks = table<{ taskId: string; models: number }>("fig3-models-per-task");
    expect(tasks.length).toBeGreaterThan(5);
    for (const row of tasks) expect(none.counts.get("task").get(row.taskId), row.taskId).toBe(row.models);
    for (const row of table<{ activity: string; models: number; reportingBenchmarks: number }>("fig9-benchmark-share")) {
      const chain: Array<[string, string[]]> = row.activity === "all SE models" ? [] : [["activity", [row.activity]]];
      expect(count(state([...chain, ["benchmarks", ["yes"]]])), row.activity).toBe(row.reportingBenchmarks);
    }
    // A model is permissive when one of its licences is: at least the largest permissive licence's count per activity.
    const licences = table<{ activity: string; license: string; family: string; models: number }>("fig8-licenses");
    const mitSi = licences.find((l) => l.activity === "SI" && l.license === "mit")!.models;
    expect(
      count(
        state([
          ["activity", ["SI"]],
          ["licence", ["permissive"]],
        ]),
      ),
    ).toBeGreaterThanOrEqual(mitSi);
  });

  test("values of one facet are alternatives, facets narrow each other, and the text search matches ids", () => {
    const re = count(state([["activity", ["RE"]]]));
    const sd = count(state([["activity", ["SD"]]]));
    const both = count(state([["activity", ["RE", "SD"]]]));
    expect(both).toBeGreaterThanOrEqual(Math.max(re, sd));
    expect(both).toBeLessThanOrEqual(re + sd);
    expect(
      count(
        state([
          ["activity", ["RE", "SD"]],
          ["energy", ["yes"]],
        ]),
      ),
    ).toBeLessThanOrEqual(both);
    const id = data.models[17]!.id;
    const found = engine.query(state([["q", [id.toUpperCase()]]])).rows.map((i: number) => data.models[i]!.id);
    expect(found).toContain(id);
    expect(found.every((x: string) => x.includes(id))).toBe(true);
  });

  test("sorting by downloads, likes and a benchmark's score is descending, models without a number last", () => {
    const downloads = engine.query(state([], "downloads")).rows.map((i: number) => data.models[i]!.downloads ?? -1);
    expect(downloads).toEqual([...downloads].sort((a: number, b: number) => b - a));
    const benchmark = data.benchmarks[0]!;
    const scores = engine.query(state([["benchmarks", ["yes"]]], `benchmark:${benchmark}`)).rows.map((i: number) => {
      const b = data.models[i]!.benchmarks.find((x) => x.benchmark === benchmark);
      return b?.value ?? null;
    });
    const numbers = scores.filter((v: number | null) => v !== null);
    expect(numbers.length).toBeGreaterThan(3);
    expect(scores.slice(0, numbers.length)).toEqual([...numbers].sort((a: number, b: number) => b - a));
  });

  test("evidence: kept matches with their field, the offline judge's verdicts, and the near-identical variants folded in", () => {
    const duplicates = readRows<{ original: string; variant: string }>(join(out, "run", "filter", "near-duplicates.arrow"));
    const withVariant = data.models.find((m) => duplicates.some((d) => d.original === m.id))!;
    expect(withVariant).toBeDefined();
    const expected = duplicates
      .filter((d) => d.original === withVariant.id)
      .map((d) => d.variant)
      .sort();
    expect(withVariant.evidence.variants.map((v) => v.id).sort()).toEqual(expected.slice(0, 10));
    for (const m of data.models) {
      expect(m.evidence.verdicts.length, m.id).toBeGreaterThan(0);
      expect(
        m.evidence.verdicts.some((v) => v.relevant === true && v.judge === "offline-rules/v3"),
        m.id,
      ).toBe(true);
    }
    const matched = data.models.filter((m) => m.evidence.matches.length > 0);
    expect(matched.length).toBe(data.models.length);
    expect(data.matchWhere).toBe("provenance");
    expect(matched.every((m) => m.evidence.matches.every((x) => m.activities.includes(x.activity as never) && x.field !== ""))).toBe(true);
  });
});

describe("the URL state", () => {
  const data = {
    models: [
      {
        id: "a/x",
        rank: 1,
        activities: ["SI"],
        tasks: ["si.code-generation"],
        programmingLanguages: ["python"],
        licenceGroups: ["permissive"],
        reportsEnergy: true,
        benchmarks: [],
        languages: [],
        licenses: [],
        baseModels: [],
        pipelineTag: null,
        downloads: 1,
        likes: 2,
      },
      {
        id: "b/y",
        rank: 2,
        activities: ["QA"],
        tasks: [],
        programmingLanguages: [],
        licenceGroups: ["none"],
        reportsEnergy: false,
        benchmarks: [],
        languages: [],
        licenses: [],
        baseModels: [],
        pipelineTag: null,
        downloads: null,
        likes: null,
      },
    ],
    activities: [
      { code: "SI", name: "Software Implementation" },
      { code: "QA", name: "Software Quality Assurance" },
    ],
    tasks: [{ key: "si.code-generation", name: "code generation", activity: "SI" }],
    programmingLanguages: [
      { id: "python", name: "Python" },
      { id: "c#", name: "C#" },
    ],
    licenceGroups: ["permissive", "none"],
    benchmarks: ["HumanEval"],
  };

  test("the chain keeps the order the filters were applied in, and survives a round trip through the hash", () => {
    const engine = client.createEngine(data);
    let s = client.toggleValue({ chain: [], sort: "paper", open: [] }, "language", "c#", true);
    s = client.toggleValue(s, "activity", "QA", true);
    s = client.toggleValue(s, "activity", "SI", true);
    s = client.withText(s, "  a/ ");
    s = { ...s, sort: "benchmark:HumanEval", open: ["a/x"] };
    const hash = client.formatState(s);
    expect(hash).toBe("language=c%23&activity=QA&activity=SI&q=a%2F&sort=benchmark%3AHumanEval&open=a%2Fx");
    expect(client.parseState(`#${hash}`, engine)).toEqual({ state: s, ignored: [] });
    // removing a facet's last value removes its step
    expect(client.toggleValue(s, "language", "c#", false).chain.map((c: { facet: string }) => c.facet)).toEqual(["activity", "q"]);
  });

  test("values this run does not have are reported, not applied", () => {
    const engine = client.createEngine(data);
    const { state, ignored } = client.parseState("#activity=SI&language=cobol&sort=stars&open=z/z&colour=red", engine);
    expect(state.chain).toEqual([{ facet: "activity", values: ["SI"] }]);
    expect(state.sort).toBe("paper");
    expect(ignored).toEqual(["language=cobol", "sort=stars", "open=z/z", "colour=red"]);
  });
});
