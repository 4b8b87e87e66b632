/**
 * Discovery on the shipped demo corpus (SYNTHETIC): `replicate --discover` with the offline judge, scored
 * against the generator's ground truth (src/evaluate/score.ts: the SE pairs the paper's search cannot
 * see), and the report's section on what it found.
 *
 * Measured (demo generator v3, offline-rules/v3): 131 hidden SE pairs; discovery offers 201 pairs beyond
 * the search that reach the judge (precision 0.652, recall 1.000); after the judge 139 relevant (precision
 * 0.942, recall 1.000). The 8 wrong ones are SI on SE models of other activities that carry code tags and
 * code datasets (the demo's own, planted before discovery). Floors sit a little under.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readGroundTruth } from "../src/demo/ground-truth";
import { formatScores, scoreRun, type ScoreRow } from "../src/evaluate/score";
import { replicate, type ReportResult } from "../src/pipeline/replicate";
import { readRunTable } from "../src/run/files";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";

const DEMO = resolve(__dirname, "..", "data", "demo");

describe("replicate --discover on the demo corpus", () => {
  let out: string;
  let result: ReportResult;
  let scores: ScoreRow[];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "discover-demo-"));
    result = await replicate({ corpusDir: DEMO, outDir: out, offline: true, noStatic: true, discover: true, log: () => undefined });
    scores = scoreRun(join(out, "run"), DEMO, loadTaxonomy())!.rows;
    process.stdout.write(`${formatScores(scores.filter((r) => r.stage.startsWith("discovered") || r.stage === "final"))}\n`);
  }, 600_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const row = (stage: string, activity = "all") => scores.find((r) => r.stage === stage && r.activity === activity)!;

  test("the discovery stage's precision and recall against the planted SE models the search cannot see", () => {
    expect(row("discovered").falseNegatives + row("discovered").truePositives).toBeGreaterThan(100);
    expect(row("discovered").recall!).toBeGreaterThanOrEqual(0.98);
    expect(row("discovered").precision!).toBeGreaterThanOrEqual(0.6);
    expect(row("discovered-relevant").recall!).toBeGreaterThanOrEqual(0.97);
    expect(row("discovered-relevant").precision!).toBeGreaterThanOrEqual(0.92);
    // The judge removes what discovery wrongly offers: precision rises, recall stays.
    expect(row("discovered-relevant").precision!).toBeGreaterThan(row("discovered").precision! + 0.2);
    for (const activity of ["RE", "SD", "QA", "SM"]) expect(row("discovered-relevant", activity).recall, activity).toBe(1);
  });

  test("the traps planted for discovery are offered and rejected: re-uploads of trap models, misleading weak signals", () => {
    const truth = readGroundTruth(join(DEMO, "ground-truth.arrow"));
    const run = join(out, "run");
    const discovered = new Set(readRunTable(run, "discovered").map((d) => d.id));
    const se = new Set(readRunTable(run, "seModels").map((m) => m.id));
    const traps = truth.filter((t) => t.role === "lineage-trap" || t.role === "signal-trap");
    expect(traps.length).toBeGreaterThan(20);
    for (const t of traps) expect([t.id, se.has(t.id)]).toEqual([t.id, false]);
    expect(truth.filter((t) => t.role === "lineage-trap").every((t) => discovered.has(t.id))).toBe(true);
    // Every re-upload of an SE model of the Hub is found through its chain.
    const evidence = readRunTable(run, "discoveryEvidence").filter((e) => e.kind === "lineage");
    for (const t of truth.filter((x) => x.role === "se-lineage")) {
      expect(
        evidence.some((e) => e.modelId === t.id && e.chain[1] === t.lineageOf),
        t.id,
      ).toBe(true);
    }
  });

  test("the report has a section on what was found beyond the keyword search, and the funnel a discovered row", () => {
    const html = readFileSync(result.indexPath, "utf8");
    expect(html).toContain(`<h2 id="discovered">Found beyond the paper's keyword search</h2>`);
    expect(html.indexOf('id="table-discovered"')).toBeLessThan(html.indexOf("<h2>Figures</h2>"));
    const counts = result.analyses.discovery!.counts.rows;
    expect(counts.map((r) => r.activity)).toEqual(["all", "RE", "SD", "SI", "QA", "SM"]);
    const all = counts[0]!;
    expect(all.relevant + all.uncertain + all.notRelevant).toBe(all.pairs);
    expect(result.analyses.discovery!.examples.rows.length).toBe(25);
    expect(result.analyses.discovery!.examples.rows.every((r) => r.evidence !== "")).toBe(true);
    const funnel = result.analyses.funnel!.rows;
    expect(funnel.find((r) => r.stage === "discovered" && r.activity === null)!.models).toBe(all.pairs);
    expect(result.figures.find((f) => f.spec.id === "funnel")!.spec.caption).toContain("Discovery beside the keyword search");
  });
});
