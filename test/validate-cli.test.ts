import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { emptyRecord, type ModelRecord } from "../src/corpus/record";
import { openCorpusWriter } from "../src/corpus/store";
import { rowsToCsv, readRows, writeRows, type TableSpec } from "../src/util/arrow-table";
import { parseCsv } from "../src/validate/csv";
import { AGREEMENT } from "../src/validate/annotations";
import { PILOT_PLAN } from "../src/validate/sample";
import { GROUND_TRUTH_SPEC, type GroundTruthRow } from "../src/demo/ground-truth";
import { corpusDirOf } from "../src/cli/commands/judge";
import { runCli } from "./support/cli";

interface UniqueRow {
  id: string;
  activities: string[];
  tasks: string[];
}
const UNIQUE_SPEC: TableSpec<UniqueRow> = [
  { name: "id", type: "string" },
  { name: "activities", type: "string[]" },
  { name: "tasks", type: "string[]" },
];

let base = "";
let run = "";
let corpus = "";
const models: Array<{ record: ModelRecord; row: UniqueRow }> = [];

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "pilot-cli-"));
  corpus = join(base, "corpus");
  run = join(base, "run");
  // 40 QA candidates: half program verification, half speaker verification.
  for (let i = 0; i < 40; i++) {
    const software = i % 2 === 0;
    const body = software ? `Model ${i} generates unit tests and performs verification of Java programs.` : `Model ${i} does speaker verification on VoxCeleb.`;
    models.push({
      record: { ...emptyRecord(`lab/m${String(i).padStart(2, "0")}`), cardStatus: "present", cardBody: body, cardText: body },
      row: { id: `lab/m${String(i).padStart(2, "0")}`, activities: ["QA"], tasks: ["verification"] },
    });
  }
  const writer = await openCorpusWriter(corpus, { synthetic: true, createdBy: "pilot cli test" });
  for (const m of models) await writer.add(m.record);
  await writer.close();
  await writeRows(
    join(run, "filter", "unique.arrow"),
    models.map((m) => m.row),
    UNIQUE_SPEC,
  );
  // Ground truth beside the corpus: the judge command reports its agreement with it. One model is
  // planted as SE although its card says speaker verification, so the judge disagrees on exactly one (lab/m39).
  const truth: GroundTruthRow[] = models.map((m, index) => {
    const isSe = index % 2 === 0 || m.row.id === "lab/m39";
    return {
      id: m.row.id,
      index,
      createdAt: "2024-01-01T00:00:00Z",
      role: isSe ? "se" : "trap",
      documentation: "card-with-se",
      plantedTasks: ["qa.verification"],
      plantedSources: ["card"],
      plantedEvidence: [],
      abstractOnly: false,
      outlierOnly: false,
      keptTasks: ["qa.verification"],
      candidateActivities: ["QA"],
      traps: isSe ? [] : ["speaker-verification"],
      duplicateOf: null,
      isSe,
      seActivities: isSe ? ["QA"] : [],
      seTasks: isSe ? ["qa.verification"] : [],
      expectedFinal: isSe,
      language: "en",
      crlf: false,
      malformedYaml: false,
      reportsBenchmarks: false,
      reportsEnergy: false,
      plantedSignals: [],
      lineageOf: null,
    };
  });
  await writeRows(join(corpus, "ground-truth.arrow"), truth, GROUND_TRUTH_SPEC);
  writeFileSync(join(run, "run.json"), JSON.stringify({ corpus }));
});

let out = "";
async function cli(...args: string[]): Promise<number> {
  const run = await runCli(...args);
  out = run.stdout;
  return run.code;
}

/** Fill a sheet as an annotator would: software verification is relevant; `flip` rows are answered the other way. */
function fill(csv: string, flip: Set<string> = new Set()): string {
  const [header, ...rows] = parseCsv(csv).map((r) => r.cells);
  const iRel = header!.indexOf("relevant");
  const iEx = header!.indexOf("card_excerpt");
  const filled = rows.map((cells) => {
    const yes = cells[iEx]!.includes("Java programs") !== flip.has(cells[0]!);
    return Object.fromEntries(header!.map((h, i) => [h, i === iRel ? (yes ? "yes" : "no") : cells[i]!]));
  });
  return rowsToCsv(filled, header!.map((name) => ({ name, type: "string" as const })) as TableSpec<Record<string, string>>);
}

describe("judge and pilot commands, end to end on a tiny corpus", () => {
  test("judge --offline, pilot sample/export/import/kappa", async () => {
    expect(await cli("judge", "--run", run, "--offline")).toBe(0);
    expect(out).toContain("judge offline-rules/v3: 40 pairs, 20 relevant, 20 not, 0 uncertain, 0 errors");
    expect(out).toContain("offline-rules/v3 vs the synthetic ground truth");
    const truthRows = readRows(join(run, "validate", "agreement-ground-truth.arrow"), AGREEMENT);
    // 20 yes/yes, 0 yes/no, 1 no/yes, 19 no/no.
    expect(truthRows.find((r) => r.scope === "QA")).toMatchObject({ pairs: 40, precision: 1, recall: 20 / 21 });
    expect(truthRows.find((r) => r.scope === "QA")!.kappa).toBeCloseTo(0.95, 2);

    expect(await cli("pilot", "sample", "--run", run, "--seed", "7", "--holdout", "4")).toBe(0);
    const plan = readRows(join(run, "validate", "pilot-plan.arrow"), PILOT_PLAN);
    // Cochran for N = 40 is 37; the held-out set takes the remaining 3.
    expect(plan.filter((r) => r.set === "pilot")).toHaveLength(37);
    expect(plan.filter((r) => r.set === "holdout")).toHaveLength(3);
    expect(out).toMatch(/QA\s+40\s+37\s+3/);

    expect(await cli("pilot", "export", "--run", run, "--annotator", "A")).toBe(0);
    expect(await cli("pilot", "export", "--run", run, "--annotator", "B", "--reliability-only")).toBe(0);
    expect(await cli("pilot", "export", "--run", run, "--annotator", "C", "--reliability-only")).toBe(0);
    const sheetA = readFileSync(join(run, "validate", "sheets", "A.csv"), "utf8");
    expect(sheetA.split("\n")[0]).toBe("id,activity,set,hub_url,matched_tasks,evidence,card_excerpt,relevant,rationale");
    expect(sheetA).toContain("https://huggingface.co/lab/m00");
    const reliable = plan.filter((r) => r.reliability).map((r) => r.id);
    expect(parseCsv(readFileSync(join(run, "validate", "sheets", "B.csv"), "utf8"))).toHaveLength(reliable.length + 1);

    // A mislabels one reliability row; B and C outvote A there.
    const wrong = reliable[0]!;
    for (const [who, flip] of [
      ["A", new Set([wrong])],
      ["B", new Set<string>()],
      ["C", new Set<string>()],
    ] as const) {
      const file = join(base, `${who}-filled.csv`);
      writeFileSync(file, fill(readFileSync(join(run, "validate", "sheets", `${who}.csv`), "utf8"), flip));
      expect(await cli("pilot", "import", file, "--run", run, "--annotator", who)).toBe(0);
    }
    const bad = join(base, "bad.csv");
    writeFileSync(bad, "id,activity,relevant\nlab/m00,QA,perhaps\n");
    expect(await cli("pilot", "import", bad, "--run", run, "--annotator", "D")).toBe(1);

    expect(await cli("pilot", "kappa", "--run", run)).toBe(0);
    const agreement = readRows(join(run, "validate", "agreement.arrow"), AGREEMENT);
    const qa = agreement.find((r) => r.scope === "QA" && r.set === "pilot")!;
    expect(qa).toMatchObject({ pairs: 37, kappa: 1, paperKappa: 0.81 });
    expect(agreement.find((r) => r.scope === "all" && r.set === "holdout")).toMatchObject({ pairs: 3, paperKappa: 0.88 });
    expect(out).toContain("A vs B");
    expect(out).toMatch(/by majority of three/);
  });
});

describe("which corpus a run came from", () => {
  test("a broken or null run.json is a clear error naming the file, not a crash", () => {
    const dir = mkdtempSync(join(tmpdir(), "run-json-"));
    writeFileSync(join(dir, "run.json"), "{ not json");
    expect(() => corpusDirOf(dir)).toThrow(/run\.json is not valid JSON .*pass --corpus/);
    writeFileSync(join(dir, "run.json"), "null");
    expect(() => corpusDirOf(dir)).toThrow(/no corpus in run\.json/);
    writeFileSync(join(dir, "run.json"), JSON.stringify({ config: { corpus: { dir: corpus } } }));
    expect(corpusDirOf(dir)).toBe(corpus);
    expect(corpusDirOf(dir, "elsewhere")).toBe(join(process.cwd(), "elsewhere"));
  });
});
