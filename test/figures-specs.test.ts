/** Figure specs, HTML pages and notebook output without a browser: fast checks of what the exporters get. */
import { describe, expect, test } from "vitest";
import { cooccurrenceNetwork, growthFigure, licensesHeatmap, mlTaskSankey, selectionFunnel, tasksFigure } from "../src/figures/builders";
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
    expect(trace.node.label).toEqual(["Software Design (SD)", "Software Implementation (SI)", "text-generation", "fill-mask"]);
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
    expect(trace.z).toEqual([[0, 0, 2, 0, 4], [0, 0, 5, 0, 0]]);
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
  test("notebooks embed the plotly bundle once, with the first figure", () => {
    const spec = selectionFunnel([], null);
    const first = notebookFigureHtml(spec);
    const second = notebookFigureHtml(spec);
    expect(first).toContain("var define, module, exports;");
    expect(first.length).toBeGreaterThan(1_000_000);
    expect(second).not.toContain("var define, module, exports;");
    expect(second).toContain("Plotly.newPlot(");
    expect(second).not.toEqual(first.slice(first.length - second.length));
  });
  test("notebook captions are escaped like every other text (runs after the bundle test: module state)", () => {
    const html = notebookFigureHtml({ ...selectionFunnel([], null), caption: 'R&D <b>"x"</b> > y' });
    expect(html).toContain("<em>R&amp;D &lt;b&gt;&quot;x&quot;&lt;/b&gt; &gt; y</em>");
  });
  test("frameHtml shows full cell text of a data frame", () => {
    const html = frameHtml({ columns: ["rule", "n"], values: [["log.import-logging-long-name", 1234], ["a<b", 1.5]] });
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
