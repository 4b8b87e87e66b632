/**
 * The report writer end to end on a small hand-built corpus and run directory: tables (CSV + Arrow),
 * figure pages, index.html with the paper's numbers and the SYNTHETIC banner, byte-identical reruns.
 * Static images are turned off here (test/figures-browser.test.ts covers Chromium).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeReport, type ReportResult } from "../src/pipeline/replicate";
import { readRows } from "../src/util/arrow-table";
import { buildFixture } from "./fixtures/analyse/run-fixture";

let root: string;
let first: ReportResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "analyse-report-"));
  const { corpus, run } = await buildFixture(root);
  const lines: string[] = [];
  first = await writeReport({ runDir: run, corpusDir: corpus, outDir: join(root, "out1"), noStatic: true, log: (l) => lines.push(l) });
  await writeReport({ runDir: run, corpusDir: corpus, outDir: join(root, "out2"), noStatic: true, log: () => undefined });
  expect(lines.some((l) => l.startsWith("wrote") && l.includes("tables"))).toBe(true);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("writeReport", () => {
  test("writes each table as CSV and Arrow that read back to the same rows", () => {
    const names = readdirSync(join(root, "out1", "tables"));
    for (const t of first.tables) {
      expect(names).toContain(`${t.table.name}.csv`);
      const back = readRows(join(root, "out1", t.arrow), t.table.spec);
      expect(back).toEqual(JSON.parse(JSON.stringify(t.table.rows)));
    }
    const csv = readFileSync(join(root, "out1", "tables", "fig7-top-datasets.csv"), "utf8");
    expect(csv.split("\n")[0]).toBe("activity,rank,dataset,models,alsoUsedBy,paper");
    // ties rank by name (code-point order), and reuse across activities is marked
    expect(csv).toContain("SD,1,Tesslate/UIGEN-T1.5-Dataset,1,SI,3\nSI,1,Tesslate/UIGEN-T1.5-Dataset,1,SD,\nSI,2,codeparrot/github-code-clean,1,,24\n");
  });
  test("analyses reflect the fixture, paper numbers beside them", () => {
    const a = first.analyses;
    expect(a.seModels).toBe(4);
    expect(a.documentation!.rows.find((r) => r.key === "abstract-only")!.models).toBe(1);
    expect(a.benchmarks.top.rows.map((r) => r.benchmark)).toEqual(["HumanEval", "MBPP"]);
    expect(a.selection.ranked.rows.map((r) => r.id)).toEqual(["org/coder"]);
    expect(a.cooccurrence.rows.find((r) => r.a === "SD" && r.b === "SI")!.shareOfA).toBe(1);
    expect(a.pilots.rows.find((r) => r.activity === "QA")!.uniqueModels).toBe(1);
    expect(a.funnel!.rows.filter((r) => r.activity === null).map((r) => [r.stage, r.models, r.paper])).toEqual([
      ["models", 4, 1_533_973],
      ["matched", 3, 113_558],
      ["unique", 3, 7_797],
      // appended from se-models.arrow, since the funnel stage writes funnel.arrow before the judge runs
      ["relevant", 4, 2_205],
    ]);
    expect(a.funnel!.rows.find((r) => r.stage === "relevant" && r.activity === "SI")!.models).toBe(3);
  });
  test("records unusable rows with the model id instead of dropping them", () => {
    expect(first.analyses.problems).toContain('se-models.arrow: model org/ghost: unknown activity "XX" ignored');
    expect(first.analyses.problems.some((p) => p.includes("org/ghost") && p.includes("not in the corpus"))).toBe(true);
    expect(readFileSync(join(root, "out1", "problems.txt"), "utf8")).toContain("org/ghost");
  });
  test("index.html links every table and figure, shows the banner and says why images are missing", () => {
    const html = readFileSync(first.indexPath, "utf8");
    expect(html).toContain('id="synthetic-banner"');
    expect(html).toContain("SYNTHETIC DATA");
    for (const t of first.tables) expect(html).toContain(`href="${t.csv}"`);
    for (const f of first.figures) expect(html).toContain(`href="${f.html}"`);
    expect(html).toContain("Static PNG/SVG images were skipped: turned off with --no-static");
    expect(html).not.toMatch(/<script/i);
    // paper column of Table IV beside this run's
    expect(html).toMatch(/<td class="num paper">2,993<\/td>/);
  });
  test("without Chromium the report is still written and says why the images are missing", async () => {
    const { corpus, run } = await buildFixture(join(root, "again"));
    const result = await writeReport({
      runDir: run,
      corpusDir: corpus,
      outDir: join(root, "out3"),
      chromium: { executablePath: join(root, "no-chromium") },
      log: () => undefined,
    });
    expect(result.staticSkipped).toContain(`no Chromium at ${join(root, "no-chromium")}`);
    expect(result.figures.every((f) => f.png === null && f.svg === null)).toBe(true);
    expect(readFileSync(result.indexPath, "utf8")).toContain("Static PNG/SVG images were skipped: no Chromium at");
  });
  test("figure pages load plotly from beside them, never from a CDN", () => {
    const dir = join(root, "out1", "figures");
    expect(readdirSync(dir)).toContain("plotly.min.js");
    const page = readFileSync(join(dir, "fig4-activity-ml-task.html"), "utf8");
    expect(page).toContain('<script src="plotly.min.js"></script>');
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).toContain('"type":"sankey"');
  });
  test("the same inputs give byte-identical outputs", () => {
    const files = ["index.html", "replication.json", "problems.txt", ...first.tables.flatMap((t) => [t.csv, t.arrow]), ...first.figures.map((f) => f.html)];
    for (const file of files) {
      const a = readFileSync(join(root, "out1", file));
      const b = readFileSync(join(root, "out2", file));
      expect(a.equals(b), file).toBe(true);
    }
  });
});
