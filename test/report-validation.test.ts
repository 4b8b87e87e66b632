/**
 * The report's relevance-check section on a generated (SYNTHETIC) corpus: Table V appears only from human
 * labels (pilot sheets, majority of three on the reliability subset) with the paper's values beside it,
 * and the held-out test with them; without labels the report says Table V is not measured and how to
 * produce it; agreement with the synthetic ground truth is shown only under that name. RQ1.2's
 * misreadings agree with what the generator planted.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { classifyRejection, isRejection } from "../src/analyse/misreadings";
import { loadRunData } from "../src/analyse/run-data";
import { generateDemoHub, readGroundTruth, GROUND_TRUTH_FILE, type GroundTruthRow } from "../src/demo";
import { PAPER_HELD_OUT_KAPPA, PAPER_KAPPA } from "../src/paper/reported";
import { replicate, reportOnRun, type ReportResult } from "../src/pipeline/replicate";
import { readVerdicts } from "../src/run/files";
import { runLayout } from "../src/run/layout";
import { ACTIVITY_CODES } from "../src/taxonomy/taxonomy";
import { rowsToCsv, type TableSpec } from "../src/util/arrow-table";
import { binaryScores } from "../src/validate/agreement";
import { parseCsv } from "../src/validate/csv";
import { readPlan } from "../src/validate/pilot-files";
import { runCli } from "./support/cli";

let root = "";
let corpus = "";
let first: ReportResult;
let truth: Map<string, GroundTruthRow>;
const run = () => join(root, "out", "run");

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "report-validation-"));
  corpus = join(root, "corpus");
  await generateDemoHub({ seed: 9, models: 900, profile: "demo", outDir: corpus });
  truth = new Map(readGroundTruth(join(corpus, GROUND_TRUTH_FILE)).map((g) => [g.id, g]));
  first = await replicate({ corpusDir: corpus, outDir: join(root, "out"), offline: true, noStatic: true, log: () => undefined });
}, 600_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const truthSays = (id: string, activity: string) => {
  const t = truth.get(id)!;
  return t.isSe && t.seActivities.includes(activity);
};

describe("without human labels", () => {
  test("there is no Table V: the report says it is not measured, shows the paper's values and how to label", () => {
    const v = first.analyses.validation;
    expect(v.tableV).toBeNull();
    expect(v.heldOut).toBeNull();
    expect(first.tables.some((t) => t.table.name.startsWith("table5-"))).toBe(false);
    const html = readFileSync(first.indexPath, "utf8");
    expect(html).toContain('id="table-v-not-measured"');
    expect(html).toContain("Table V: not measured in this run");
    expect(html).toContain(`pilot sample --run ${run()}`);
    expect(html).toContain("pilot import");
    for (const a of ACTIVITY_CODES)
      expect(html).toContain(`<td>${a}</td><td class="num">not measured</td><td class="num paper">${PAPER_KAPPA[a].toFixed(2)}</td>`);
  });

  test("the synthetic ground truth's agreement is there only under its own name", () => {
    const synthetic = first.analyses.validation.syntheticAgreement!;
    expect(synthetic.name).toBe("agreement-synthetic-ground-truth");
    expect(synthetic.title).toMatch(/^Agreement with the synthetic ground truth/);
    expect(synthetic.title).not.toMatch(/Table V/);
    expect(synthetic.spec.map((c) => c.name)).not.toContain("paperKappa");
    const html = readFileSync(first.indexPath, "utf8");
    expect(html).toContain("Agreement with the synthetic ground truth (not Table V)");
  });

  test("the report names the judge that decided, and how well it is known to agree, in one wording", () => {
    expect(first.analyses.validation.judges.map((j) => j.label)).toEqual(["offline-rules/v3"]);
    const html = readFileSync(first.indexPath, "utf8");
    const statement =
      /offline-rules\/v3 \([\d,]+ pairs: [\d,]+ relevant, [\d,]+ not relevant, [\d,]+ uncertain\); Cohen's kappa [\d.]+ \([a-z ]+\), precision [\d.]+, recall [\d.]+ against synthetic ground truth \(generated, not people\)/;
    expect(html).toMatch(new RegExp(`<th>relevance judge</th><td>${statement.source}`));
    // The validation section says the same, then shows the judge-agreement table before Tables IV and V.
    expect(html).toMatch(new RegExp(`<p id="relevance-judge"><strong>Relevance judge:</strong> ${statement.source}`));
    const section = html.slice(html.indexOf('id="relevance-check"'), html.indexOf('id="rq1-2-misreadings"'));
    expect(section.indexOf('id="table-judge-agreement"')).toBeGreaterThan(0);
    expect(section.indexOf('id="table-judge-agreement"')).toBeLessThan(section.indexOf('id="table-table4-pilot-sizes"'));
  });
});

describe("RQ1.2 misreadings on the generated corpus", () => {
  test("where the judge named a trap, the misreading counted is the one the generator planted", async () => {
    const kindOf: Record<string, string> = {
      "system-requirements": "re.prerequisites",
      "software-requirements": "re.prerequisites",
      "risk-use-case": "re.risk-use-case",
      "rapid-prototyping": "sd.prototyping",
      "architectural-design-building": "sd.buildings",
      "architectural-design-network": "sd.network-design",
      "software-designed-to": "sd.designed-to",
      "api-inference": "si.hosted-inference",
      "data-analysis": "si.data-analysis",
      "speaker-verification": "qa.identity-verification",
      "fact-verification": "qa.fact-verification",
      "self-verification": "qa.fact-verification",
      "cybersecurity-redteam": "qa.red-teaming",
      "code-revision-hash": "sm.revision-hash",
      "sentiment-general": "sm.sentiment-general",
      "debugging-prose": "sm.training-logs",
      "log-prose": "sm.training-logs",
    };
    const data = await loadRunData(run(), corpus);
    const agreeing = new Map<string, number>();
    const wrong: string[] = [];
    for (const v of data.verdicts!.filter(isRejection)) {
      const planted = truth
        .get(v.id)!
        .traps.map((k) => kindOf[k])
        .filter((id): id is string => id !== undefined && id.slice(0, 2).toUpperCase() === v.activity);
      if (planted.length !== 1) continue;
      const c = classifyRejection(v, data.rejectedOccurrences.get(`${v.id}\u0000${v.activity}`) ?? []);
      if (c.kind.activity === null) continue;
      if (c.kind.id === planted[0]) agreeing.set(v.activity, (agreeing.get(v.activity) ?? 0) + 1);
      else wrong.push(`${v.id} ${v.activity}: planted ${planted[0]}, counted ${c.kind.id}`);
    }
    expect(wrong).toEqual([]);
    for (const a of ACTIVITY_CODES) expect(agreeing.get(a) ?? 0, a).toBeGreaterThan(0);
    const table = first.analyses.misreadings.table;
    expect(table.rows.every((r) => r.exampleModel !== "" && r.examplePhrase.includes("[") && r.exampleReason !== "")).toBe(true);
    expect(table.notes.join(" ")).toMatch(/planted by the generator/);
    const html = readFileSync(first.indexPath, "utf8");
    expect(html.indexOf('id="rq1-2-misreadings"')).toBeGreaterThan(html.indexOf('id="relevance-check"'));
    expect(html).toContain('id="table-rq1-2-misreadings"');
  });
});

/** Fill an exported sheet as an annotator: the generator's truth, answered the other way on `flip` rows. */
function fill(csv: string, flip: ReadonlySet<string>): string {
  const [header, ...rows] = parseCsv(csv).map((r) => r.cells);
  const at = (name: string) => header!.indexOf(name);
  const filled = rows.map((cells) => {
    const key = `${cells[at("id")]}\u0000${cells[at("activity")]}`;
    const yes = truthSays(cells[at("id")]!, cells[at("activity")]!) !== flip.has(key);
    return Object.fromEntries(header!.map((h, i) => [h, h === "relevant" ? (yes ? "yes" : "no") : h === "rationale" ? "checked by hand" : cells[i]!]));
  });
  return rowsToCsv(filled, header!.map((name) => ({ name, type: "string" as const })) as TableSpec<Record<string, string>>);
}

describe("with human labels", () => {
  test("Table V and the held-out test come from the labels, majority of three on the reliability subset, the paper's values beside", async () => {
    const r = run();
    expect((await runCli("pilot", "sample", "--run", r, "--holdout", "10")).code).toBe(0);
    const plan = readPlan(r);
    // B and C both disagree with A on one reliability pair of the pilot: the majority overrules A there.
    const overruled = plan.find((p) => p.reliability && p.set === "pilot")!;
    const flip = new Set([`${overruled.id}\u0000${overruled.activity}`]);
    for (const [annotator, flips, extra] of [
      ["A", new Set<string>(), []],
      ["B", flip, ["--reliability-only"]],
      ["C", flip, ["--reliability-only"]],
    ] as const) {
      expect((await runCli("pilot", "export", "--run", r, "--annotator", annotator, ...extra)).code).toBe(0);
      const sheet = runLayout(r).validate.sheet(annotator);
      const filled = join(root, `${annotator}-filled.csv`);
      writeFileSync(filled, fill(readFileSync(sheet, "utf8"), flips));
      const imported = await runCli("pilot", "import", filled, "--run", r, "--annotator", annotator);
      expect(imported.code, imported.stderr).toBe(0);
    }
    const report = await reportOnRun({ runDir: r, outDir: join(root, "labelled"), noStatic: true, log: () => undefined });
    const v = report.analyses.validation;
    expect(v.missing).toBeNull();
    expect(v.labelSummary).toMatch(/decided by the majority of three/);

    // Expected: the truth on every pilot pair, overruled on the flipped one (the majority's answer).
    const verdicts = new Map(readVerdicts(runLayout(r).verdicts).map((x) => [`${x.id}\u0000${x.activity}`, x.relevant]));
    for (const a of ACTIVITY_CODES) {
      const rows = plan.filter((p) => p.set === "pilot" && p.activity === a);
      if (rows.length === 0) continue;
      const human = rows.map((p) => truthSays(p.id, a) !== flip.has(`${p.id}\u0000${a}`));
      const judge = rows.map((p) => verdicts.get(`${p.id}\u0000${a}`)!);
      const row = v.tableV!.rows.find((x) => x.scope === a)!;
      expect(row).toMatchObject({ set: "pilot", pairs: rows.length, paperKappa: PAPER_KAPPA[a] });
      expect(row.kappa).toBeCloseTo(binaryScores(judge, human).kappa ?? Number.NaN, 12);
    }
    expect(v.heldOut!.rows.find((x) => x.scope === "all")).toMatchObject({ set: "holdout", paperKappa: PAPER_HELD_OUT_KAPPA });
    const html = readFileSync(report.indexPath, "utf8");
    expect(html).toContain('id="table-table5-kappa-humans"');
    expect(html).toContain('id="table-table5-held-out"');
    expect(html).not.toContain('id="table-v-not-measured"');
    expect(readFileSync(join(root, "labelled", "tables", "table5-kappa-humans.csv"), "utf8").split("\n")[0]).toBe(
      "scope,set,pairs,kappa,band,precision,recall,judgeErrors,paperKappa",
    );

    // The labels go: the same report folder then holds no Table V, not even a stale file of the earlier report.
    rmSync(runLayout(r).validate.labelsDir, { recursive: true });
    const unlabelled = await reportOnRun({ runDir: r, outDir: join(root, "labelled"), noStatic: true, log: () => undefined });
    expect(unlabelled.analyses.validation.tableV).toBeNull();
    expect(existsSync(join(root, "labelled", "tables", "table5-kappa-humans.csv"))).toBe(false);
    expect(existsSync(join(root, "labelled", "tables", "table5-held-out.arrow"))).toBe(false);
    expect(existsSync(join(root, "labelled", "tables", "fig3-models-per-task.csv"))).toBe(true);
    expect(readFileSync(unlabelled.indexPath, "utf8")).toContain('id="table-v-not-measured"');
  }, 300_000);
});
