/** Figure specs, HTML pages and notebook output without a browser: fast checks of what the exporters get. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  baseModelsFigure,
  benchmarksFigure,
  cooccurrenceNetwork,
  datasetsFigure,
  growthFigure,
  licensesHeatmap,
  mlTaskSankey,
  selectionFunnel,
  tasksFigure,
} from "../src/figures/builders";
import { pipelineDiagram } from "../src/figures/pipeline-diagram";
import {
  PAPER_ACTIVITIES_WITHOUT_DATASETS,
  PAPER_BASE_MODELS,
  PAPER_BENCHMARKS,
  PAPER_DATASETS,
  PAPER_FUNNEL,
  PAPER_LICENSES,
  PAPER_QUARTERLY_SI,
  PAPER_SD_ALSO_SI,
  PAPER_SELECTED_MODEL,
  PAPER_TOP_TASK,
} from "../src/paper/reported";
import type { DatasetRow } from "../src/analyse/datasets";
import { figureHtml, scriptJson } from "../src/figures/html";
import { frameHtml, notebookFigureHtml } from "../src/figures/notebook";
import { stableSvgIds } from "../src/figures/static";

describe("figure specs", () => {
  test("growth: one line per activity over every quarter, paper points on their own axis", () => {
    const spec = growthFigure([
      { quarter: "2023-Q1", activity: "SI", models: 3, paper: 28 },
      { quarter: "2023-Q2", activity: "SI", models: 5, paper: 142 },
      { quarter: "2023-Q2", activity: "SM", models: 1, paper: null },
    ]);
    expect(spec.data).toHaveLength(6);
    const si = spec.data.find((t) => String(t.name).includes("(SI)"))!;
    expect(si.x).toEqual(["2023-Q1", "2023-Q2"]);
    expect(si.y).toEqual([3, 5]);
    const paper = spec.data[5]!;
    expect(paper).toMatchObject({ y: [28, 142], yaxis: "y2" });
    expect(spec.layout.yaxis2).toBeDefined();
    // fixed uids keep SVG exports reproducible
    expect(spec.data.map((t) => t.uid)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `fig2-quarterly-growth-${i}`));
  });
  test("sankey links run from activity nodes to pipeline-tag nodes with model counts", () => {
    const spec = mlTaskSankey([
      { activity: "SD", pipelineTag: "text-generation", models: 2 },
      { activity: "SI", pipelineTag: "text-generation", models: 5 },
      { activity: "SI", pipelineTag: "fill-mask", models: 1 },
    ]);
    const trace = spec.data[0] as { node: { label: string[] }; link: { source: number[]; target: number[]; value: number[] } };
    expect(trace.node.label).toEqual(["Software Design (SD): 2", "Software Implementation (SI): 6", "text-generation: 7", "fill-mask: 1"]);
    expect(trace.link).toMatchObject({ source: [0, 1, 1], target: [2, 2, 3], value: [2, 5, 1] });
  });
  test("tasks: most frequent task on top, bars grouped by activity", () => {
    const spec = tasksFigure([
      { taskId: "si.code-generation", task: "code generation", activity: "SI", models: 9 },
      { taskId: "sm.program-repair", task: "program repair", activity: "SM", models: 4 },
      { taskId: "si.coding", task: "coding", activity: "SI", models: 3 },
    ]);
    expect((spec.layout.yaxis as { categoryarray: string[] }).categoryarray).toEqual(["coding", "program repair", "code generation"]);
    expect(spec.data.map((t) => t.x)).toEqual([[9, 3], [4]]);
  });
  test("co-occurrence network: one edge per pair, width grows with the count, labels give both shares", () => {
    const rows = [
      { a: "SD" as const, b: "SI" as const, models: 8, shareOfA: 0.8, paperShareOfA: 0.73 },
      { a: "SI" as const, b: "SD" as const, models: 8, shareOfA: 0.1, paperShareOfA: null },
      { a: "SI" as const, b: "SM" as const, models: 2, shareOfA: 0.025, paperShareOfA: null },
      { a: "SM" as const, b: "SI" as const, models: 2, shareOfA: 0.5, paperShareOfA: null },
    ];
    const spec = cooccurrenceNetwork(rows, { RE: 0, SD: 10, SI: 80, QA: 0, SM: 4 });
    const edges = spec.data.filter((t) => t.mode === "lines") as Array<{ line: { width: number } }>;
    expect(edges).toHaveLength(2);
    expect(edges[0]!.line.width).toBeGreaterThan(edges[1]!.line.width);
    const labels = (spec.layout.annotations as Array<{ text: string }>).map((a) => a.text);
    expect(labels).toContain("<b>8</b><br>80% SD · 10% SI");
  });
  test("licence heat map orders licences by total use and keeps zero cells", () => {
    const spec = licensesHeatmap([
      { activity: "SI", license: "mit", family: "permissive", models: 2, paper: 278 },
      { activity: "SI", license: "apache-2.0", family: "permissive", models: 5, paper: 857 },
      { activity: "SM", license: "mit", family: "permissive", models: 4, paper: null },
    ]);
    const trace = spec.data[0] as { y: string[]; z: number[][] };
    expect(trace.y).toEqual(["mit", "apache-2.0"]);
    expect(trace.z).toEqual([
      [0, 0, 2, 0, 4],
      [0, 0, 5, 0, 0],
    ]);
  });
  test("tasks: every task by default (a tall chart), a limit only when asked", () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ taskId: `si.t${i}`, task: `task ${i}`, activity: "SI" as const, models: 60 - i }));
    const all = tasksFigure(rows);
    expect((all.data[0]!.y as string[]).length).toBe(60);
    expect(all.title).toContain("all 60 tasks");
    expect(all.height).toBeGreaterThanOrEqual(60 * 16);
    expect((tasksFigure(rows, 30).data[0]!.y as string[]).length).toBe(30);
  });
  test("sankey nodes carry their totals and bare names; flows are labelled once drawn", () => {
    const spec = mlTaskSankey([
      { activity: "SI", pipelineTag: "text-generation", models: 5 },
      { activity: "SI", pipelineTag: "fill-mask", models: 1 },
      { activity: "SD", pipelineTag: "text-generation", models: 2 },
    ]);
    const node = (spec.data[0] as { node: { label: string[]; customdata: string[] } }).node;
    expect(node.label).toEqual(["Software Design (SD): 2", "Software Implementation (SI): 6", "text-generation: 7", "fill-mask: 1"]);
    expect(node.customdata).toEqual(["SD", "SI", "text-generation", "fill-mask"]);
    expect(spec.afterDraw).toBe("sankey-link-counts");
    expect(figureHtml(spec)).toContain('querySelectorAll(".sankey-link")');
  });
  test("base models: one panel per base model on its own axes, the paper's named ones with its count", () => {
    const [named] = Object.keys(PAPER_BASE_MODELS);
    const series = ["a/one", "b/two", named!, "c/three"].flatMap((base, i) => [
      { baseModel: base, quarter: "2024-Q1", newModels: 1, cumulative: 1 },
      { baseModel: base, quarter: "2024-Q2", newModels: i, cumulative: 1 + i },
    ]);
    const spec = baseModelsFigure(series);
    expect(spec.data).toHaveLength(4);
    const axes = spec.data.map((t) => `${t.xaxis}/${t.yaxis}`);
    expect(new Set(axes).size).toBe(4);
    const titles = (spec.layout.annotations as Array<{ text: string }>).map((a) => a.text);
    expect(titles.find((t) => t.includes(named!))).toContain(`(paper ${PAPER_BASE_MODELS[named!]})`);
    expect(titles.filter((t) => t.includes("(paper"))).toHaveLength(1);
    // one shared y scale, so panels compare
    const ranges = Object.entries(spec.layout)
      .filter(([k]) => k.startsWith("yaxis"))
      .map(([, v]) => JSON.stringify((v as { range: number[] }).range));
    expect(new Set(ranges).size).toBe(1);
  });
  test("datasets: the caption reports this run's top 3 per activity and the paper's findings, not fixed prose", () => {
    const rows: DatasetRow[] = [
      { activity: "SD", rank: 1, dataset: "x/ui", models: 4, alsoUsedBy: [], paper: null },
      { activity: "SI", rank: 1, dataset: "y/code", models: 9, alsoUsedBy: ["QA"], paper: null },
    ];
    const caption = datasetsFigure(rows).caption;
    expect(caption).toContain("RE: none; SD: x/ui (4); SI: y/code (9); QA: none; SM: none");
    for (const [dataset, counts] of Object.entries(PAPER_DATASETS)) {
      expect(caption).toContain(dataset);
      for (const n of Object.values(counts)) expect(caption).toContain(`(${n})`);
    }
    for (const a of PAPER_ACTIVITIES_WITHOUT_DATASETS) expect(caption).toContain(`no ${a} model names a dataset`);
  });
  test("captions that restate the paper take its numbers from src/paper/reported.ts", () => {
    const growth = growthFigure([{ quarter: "2023-Q1", activity: "SI", models: 1, paper: 28 }]).caption;
    for (const n of Object.values(PAPER_QUARTERLY_SI)) expect(growth).toContain(String(n));
    expect(tasksFigure([]).caption).toContain(
      `${PAPER_TOP_TASK.task} first, with more than ${PAPER_TOP_TASK.factor} times the models of ${PAPER_TOP_TASK.over}`,
    );
    expect(cooccurrenceNetwork([], { RE: 0, SD: 0, SI: 0, QA: 0, SM: 0 }).caption).toContain(`${Math.round(PAPER_SD_ALSO_SI * 100)}% of SD models`);
    const licences = licensesHeatmap([]).caption;
    for (const n of Object.values(PAPER_LICENSES.SI!)) expect(licences).toContain(String(n));
    const benchmarks = benchmarksFigure([]).caption;
    for (const [b, n] of Object.entries(PAPER_BENCHMARKS)) expect(benchmarks).toContain(`${b} (${n})`);
    expect(selectionFunnel([], null).caption).toContain(PAPER_SELECTED_MODEL);
  });
  test("no figure source hard-codes a number or name that src/paper/reported.ts holds", () => {
    const sources = ["builders.ts", "pipeline-diagram.ts"].map((f) => readFileSync(join(__dirname, "..", "src", "figures", f), "utf8"));
    const held = ["444", "142", "857", "278", "2,205", "1,533,973", "73%", "HumanEval", "Atlas-Flash", "airoboros", "UIGEN", "CodeExplainer"];
    // Whole tokens only: "#444444" is a colour, not the paper's 444.
    const token = (value: string) => new RegExp(`(?<![#0-9A-Za-z])${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![0-9A-Za-z])`);
    for (const source of sources) for (const value of held) expect(source, value).not.toMatch(token(value));
  });
  test("Fig. 1 draws one box per funnel stage with this run's count and the paper's, and what each removed", () => {
    const rows = [
      { stage: "models", activity: null, models: 100, paper: PAPER_FUNNEL.collected },
      { stage: "matched", activity: null, models: 40, paper: PAPER_FUNNEL.matched },
      { stage: "unique", activity: null, models: 30, paper: PAPER_FUNNEL.unique },
      { stage: "unique", activity: "SI", models: 25, paper: 2993 },
    ];
    const spec = pipelineDiagram(rows);
    expect((spec.layout.shapes as unknown[]).length).toBe(3);
    const texts = (spec.layout.annotations as Array<{ text: string }>).map((a) => a.text).join("\n");
    expect(texts).toContain('<b style="font-size:15px">100</b> models');
    expect(texts).toContain(`paper: ${PAPER_FUNNEL.collected.toLocaleString("en-US")}`);
    expect(texts).toContain("-60<br>(60%)");
    expect(texts).toContain("SI 25");
    expect(texts).toContain('SI 25<br><span style="color:#666666">paper: SI 2,993</span>');
  });
  test("selection funnel names the model it ends at", () => {
    const spec = selectionFunnel([{ step: 0, name: "all SE models", description: "", remaining: 10, examples: [] }], "org/model");
    expect(spec.caption).toContain("ends at org/model");
    expect(spec.data[0]).toMatchObject({ type: "funnel", x: [10] });
  });
});

describe("HTML and notebook output", () => {
  test("figure data cannot close its script element", () => {
    const json = scriptJson({ label: "</script><script>alert(1)</script>" });
    expect(json).not.toContain("</script>");
    expect(JSON.parse(json)).toEqual({ label: "</script><script>alert(1)</script>" });
    const page = figureHtml({ ...selectionFunnel([], null), title: "<b>x</b>" }, { banner: "SYNTHETIC <data>" });
    expect(page).toContain("<title>&lt;b&gt;x&lt;/b&gt;</title>");
    expect(page).toContain('<p class="banner">SYNTHETIC &lt;data&gt;</p>');
  });
  test("notebook figures load plotly.js once through a small pinned loader, never the bundle itself", () => {
    const spec = selectionFunnel([], null);
    const first = notebookFigureHtml(spec);
    const second = notebookFigureHtml(spec);
    // The first figure of a kernel carries the loader (unless the set-up cell already did), no figure carries the bundle.
    for (const html of [first, second]) {
      expect(html).not.toContain("var define, module, exports;");
      expect(html.length).toBeLessThan(50_000);
      expect(html).toContain("window.__hfSeAtlasPlotly||Promise.reject");
      expect(html).toContain("Plotly.newPlot(");
    }
    expect(second).not.toContain("window.__hfSeAtlasPlotly=");
    expect(second).not.toEqual(first.slice(first.length - second.length));
  });
  test("notebook captions are escaped like every other text", () => {
    const html = notebookFigureHtml({ ...selectionFunnel([], null), caption: 'R&D <b>"x"</b> > y' });
    expect(html).toContain("<em>R&amp;D &lt;b&gt;&quot;x&quot;&lt;/b&gt; &gt; y</em>");
  });
  test("frameHtml shows full cell text of a data frame", () => {
    const html = frameHtml({
      columns: ["rule", "n"],
      values: [
        ["log.import-logging-long-name", 1234],
        ["a<b", 1.5],
      ],
    });
    expect(html).toContain("<td>log.import-logging-long-name</td><td>1,234</td>");
    expect(html).toContain("<td>a&lt;b</td><td>1.500</td>");
  });
  test("SVG ids from plotly's random uid are replaced by one derived from the figure name", () => {
    const svg = '<svg><defs id="defs-ac2a59"><clipPath id="clipac2a59xyplot"/></defs><g clip-path="url(#clipac2a59xyplot)"/></svg>';
    const a = stableSvgIds(svg, "fig2");
    expect(a).not.toContain("ac2a59");
    expect(stableSvgIds(svg.split("ac2a59").join("0f00ba"), "fig2")).toBe(a);
    expect(stableSvgIds(svg, "fig3")).not.toBe(a);
  });
  test("a uid made of digits is replaced in ids and references only, never in numbers or text", () => {
    const svg =
      '<svg><defs id="defs-123456"><clipPath id="clip123456xyplot"/><pattern id="g123456-cb"/></defs>' +
      '<g clip-path="url(#clip123456xyplot)" style="fill: url(\'#g123456-cb\')"><path d="M1234567,0L123456,5"/><text>123456 models</text></g></svg>';
    const stable = stableSvgIds(svg, "fig8");
    const uid = /id="defs-([0-9a-f]{6})"/.exec(stable)![1]!;
    expect(uid).not.toBe("123456");
    expect(stable).toContain(`<clipPath id="clip${uid}xyplot"/><pattern id="g${uid}-cb"/>`);
    expect(stable).toContain(`clip-path="url(#clip${uid}xyplot)" style="fill: url('#g${uid}-cb')"`);
    expect(stable).toContain('<path d="M1234567,0L123456,5"/><text>123456 models</text>');
  });
});
