/**
 * The analyses on the shipped demo corpus (SYNTHETIC): the card detectors agree with what the
 * generator planted, and `replicate` runs the whole pipeline into a consistent report.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { main } from "../src/cli/main";
import { benchmarksInCard } from "../src/analyse/benchmarks";
import { factsOf } from "../src/analyse/facts";
import { reportsEnergyUse } from "../src/analyse/selection";
import { readCorpus } from "../src/corpus/store";
import { readGroundTruth } from "../src/demo/ground-truth";
import { replicate, type ReportResult } from "../src/pipeline/replicate";
import { readRows } from "../src/util/arrow-table";

const DEMO = resolve(__dirname, "..", "data", "demo");

describe("card detectors against the demo's planted ground truth", () => {
  test("benchmark tables and energy reports are found exactly where they were planted", async () => {
    const truth = new Map(readGroundTruth(join(DEMO, "ground-truth.arrow")).map((g) => [g.id, g]));
    const records = await readCorpus(DEMO);
    const wrong: string[] = [];
    let planted = 0;
    for (const record of records) {
      const facts = factsOf(record);
      const expected = truth.get(record.id)!;
      planted += Number(expected.reportsBenchmarks) + Number(expected.reportsEnergy);
      if (benchmarksInCard(facts.cardBody).length > 0 !== expected.reportsBenchmarks) wrong.push(`${record.id}: benchmarks`);
      if (reportsEnergyUse(facts) !== expected.reportsEnergy) wrong.push(`${record.id}: energy`);
    }
    expect(planted).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });
});

describe("replicate on the demo corpus", () => {
  let out: string;
  let result: ReportResult;
  const lines: string[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "replicate-demo-"));
    result = await replicate({ corpusDir: DEMO, outDir: out, offline: true, noStatic: true, log: (l) => lines.push(l) });
  }, 600_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("runs every stage with progress lines and writes the run directory", () => {
    expect(lines.filter((l) => /^\[\d\/3\]/.test(l))).toHaveLength(3);
    for (const file of ["search/matches.arrow", "filter/unique.arrow", "filter/verdicts.arrow", "se-models.arrow", "funnel.arrow"]) {
      expect(existsSync(join(out, "run", file)), file).toBe(true);
    }
  });

  test("the tables agree with each other and with the run directory", () => {
    const a = result.analyses;
    const seModels = readRows<{ id: string }>(join(out, "run", "se-models.arrow"));
    expect(a.seModels).toBe(seModels.length);
    expect(a.seModels).toBeGreaterThan(100);
    const relevant = a.funnel!.rows.find((r) => r.stage === "relevant" && r.activity === null)!;
    expect(relevant.models).toBe(seModels.length);
    expect(relevant.paper).toBe(2_205);
    // The relevance stage is written into the run's own funnel.arrow, per activity too.
    const written = readRows<{ stage: string; activity: string; models: number }>(join(out, "run", "funnel.arrow")).filter((r) => r.stage === "relevant");
    expect(written.find((r) => r.activity === "all")?.models).toBe(seModels.length);
    expect(written.find((r) => r.activity === "SI")?.models).toBe(a.activityTotals.rows.find((r) => r.activity === "SI")!.models);
    // Table IV population = unique candidates per activity in the funnel
    for (const row of a.pilots.rows) {
      expect(row.uniqueModels).toBe(a.funnel!.rows.find((r) => r.stage === "unique" && r.activity === row.activity)!.models);
    }
    // every SE model of an activity appears in the activity totals; tasks never exceed them
    for (const t of a.tasks.rows) expect(t.models).toBeLessThanOrEqual(a.activityTotals.rows.find((r) => r.activity === t.activity)!.models);
    const flows = a.mlTasks.rows.filter((r) => r.activity === "SI").reduce((n, r) => n + r.models, 0);
    expect(flows).toBe(a.activityTotals.rows.find((r) => r.activity === "SI")!.models);
    const steps = a.selection.steps.rows.map((r) => r.remaining);
    expect(steps[0]).toBe(a.seModels);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeLessThanOrEqual(steps[i - 1]!);
    expect(a.selection.ranked.rows).toHaveLength(steps[steps.length - 1]!);
    // No human labels on the demo: no Table V, only the agreement with the synthetic ground truth.
    expect(a.validation.tableV).toBeNull();
    expect(a.validation.syntheticAgreement!.rows.every((r) => r.pairs > 0)).toBe(true);
  });

  test("the headline table puts each of the paper's findings beside the run's", () => {
    const rows = result.analyses.headline.rows;
    expect(rows.length).toBeGreaterThanOrEqual(19);
    // The demo is made to follow the paper: every finding with a pattern to compare shows it.
    expect(rows.filter((r) => r.samePattern === false).map((r) => `${r.finding}: run ${r.run}, paper ${r.paper}`)).toEqual([]);
    expect(rows.filter((r) => r.samePattern === true).length).toBeGreaterThanOrEqual(17);
    // No share of benchmark-reporting models is presented as the paper's (the paper gives none).
    expect(rows.some((r) => /reporting benchmarks/.test(r.finding))).toBe(false);
    const row = (finding: string) => rows.find((r) => r.finding === finding)!;
    expect(row("SE models after every stage")).toMatchObject({ run: String(result.analyses.seModels), paper: "2205", samePattern: null });
    expect(row("SE models among all models").paper).toBe("0.14%");
    // the demo plants code generation as the leading task, as in the paper
    expect(row("most frequent SE task").samePattern).toBe(true);
    expect(row("most frequent SE task").run).toMatch(/^code generation \(\d+\)$/);
    const html = readFileSync(result.indexPath, "utf8");
    expect(html.indexOf('id="table-headline-findings"')).toBeLessThan(html.indexOf("<h2>Figures</h2>"));
  });

  test("the report is labelled synthetic and links every table and figure", () => {
    const html = readFileSync(result.indexPath, "utf8");
    expect(html).toContain('id="synthetic-banner"');
    expect(result.figures).toHaveLength(13);
    expect(result.figures.map((f) => f.spec.id)).toContain("fig1-pipeline");
    for (const t of result.tables) expect(existsSync(join(out, t.csv)) && existsSync(join(out, t.arrow)), t.table.name).toBe(true);
    for (const f of result.figures) expect(html).toContain(`href="${f.html}"`);
    const figurePage = readFileSync(join(out, result.figures[0]!.html), "utf8");
    expect(figurePage).toContain("SYNTHETIC DATA");
  });

  test("the CLI reports on an existing run with --run, printing the report path and the synthetic warning", async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const again = join(out, "again");
    let code: number;
    try {
      code = await main(["node", "hf-se-atlas", "replicate", "--corpus", DEMO, "--run", join(out, "run"), "--out", again, "--no-static"]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    expect(printed.join("")).toContain(join(again, "index.html"));
    expect(printed.join("")).toContain("static images skipped: turned off with --no-static");
    expect(printed.join("")).toContain("SYNTHETIC DATA");
    expect(readFileSync(join(again, "tables", "funnel.csv"), "utf8")).toBe(readFileSync(join(out, "tables", "funnel.csv"), "utf8"));
  });
});
