/**
 * Every notebook in notebooks/ executes headless (jupyter nbconvert + the tslab kernel) without a
 * cell error, against a fresh offline replication of the shipped demo corpus given through
 * HF_SE_ATLAS_RUN (no static images, so only Jupyter is needed), and never writes into that run.
 * Executed copies carry execution counts, load plotly.js once (never inlined) and stay under 1 MB.
 * Notebooks are committed without outputs, set up with one library call, and end with an exercise.
 * Without jupyter, the tslab kernel or a built dist/, this skips locally with the reason and fails
 * under CI (CI installs them: see scripts/setup-notebooks.sh and .ci/run).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { replicate } from "../src/pipeline/replicate";

const ROOT = resolve(__dirname, "..");
const NOTEBOOK_DIR = join(ROOT, "notebooks");
const NOTEBOOKS = readdirSync(NOTEBOOK_DIR)
  .filter((f) => f.endsWith(".ipynb"))
  .sort();
const EXPECTED = [
  "00-method",
  "rq1-1-documentation",
  "rq1-2-funnel",
  "rq1-3-growth",
  "rq2-1-tasks",
  "rq2-2-ml-tasks",
  "rq2-3-cooccurrence",
  "rq2-4-base-models",
  "rq2-5-datasets-licenses-benchmarks",
  "model-selection",
];

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Array<{ output_type: string; ename?: string; evalue?: string; data?: Record<string, unknown>; text?: string | string[] }>;
  execution_count?: number | null;
}
interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name?: string; language?: string } };
}
const readNotebook = (path: string): Notebook => JSON.parse(readFileSync(path, "utf8")) as Notebook;
const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : (v ?? ""));
const MAX_EXECUTED_BYTES = 1_000_000;

/** Every file under `dir` with its size and modification time. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const s = statSync(path);
      if (s.isDirectory()) walk(path);
      else out.push(`${relative(dir, path)} ${s.size} ${s.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

function whyCannotRun(): string | null {
  const jupyter = spawnSync("jupyter", ["kernelspec", "list", "--json"], { encoding: "utf8" });
  if (jupyter.error || jupyter.status !== 0)
    return `jupyter is not available (${jupyter.error?.message ?? jupyter.stderr.trim().split("\n").pop()}); apt-get install jupyter-nbconvert jupyter-client python3-ipykernel`;
  const kernels = (JSON.parse(jupyter.stdout) as { kernelspecs: Record<string, unknown> }).kernelspecs;
  if (!("tslab" in kernels)) return "the tslab kernel is not registered; run bash scripts/setup-notebooks.sh";
  if (!existsSync(join(ROOT, "dist", "analyse", "all.js")) || !existsSync(join(ROOT, "dist", "pipeline", "replicate.js")))
    return "dist/ is not built; run npm run build";
  return null;
}

const reason = whyCannotRun();
if (reason && process.env.CI) throw new Error(`CI must execute the notebooks: ${reason}`);
if (reason) console.warn(`notebooks: skipped, ${reason}`);

describe("committed notebooks", () => {
  test("all ten are there, use the tslab kernel and carry no outputs", () => {
    expect(NOTEBOOKS.map((n) => n.replace(/\.ipynb$/, "")).sort()).toEqual([...EXPECTED].sort());
    for (const name of NOTEBOOKS) {
      const nb = readNotebook(join(NOTEBOOK_DIR, name));
      expect(nb.metadata.kernelspec?.name, name).toBe("tslab");
      for (const cell of nb.cells.filter((c) => c.cell_type === "code")) {
        expect(cell.outputs ?? [], name).toEqual([]);
        expect(cell.execution_count ?? null, name).toBeNull();
      }
      const all = nb.cells.map((c) => text(c.source)).join("\n");
      // Notebooks import the built library, never ../src (tslab compiles with rootDir = notebooks/).
      expect(all, name).not.toMatch(/from "\.\.\/src\//);
      expect(
        nb.cells.some((c) => c.cell_type === "markdown" && /synthetic/i.test(text(c.source))),
        `${name} says the demo data is synthetic`,
      ).toBe(true);
      // One library call sets a notebook up; the run's own taxonomy is used, never a hard-coded one.
      const setup = text(nb.cells.find((c) => c.cell_type === "code")!.source);
      expect(setup, name).toMatch(/const nb = await openNotebookRun\(\{ display: tslab\.display \}\);/);
      expect(setup.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("//")).length, name).toBeLessThanOrEqual(3);
      expect(all, name).not.toMatch(/se-tasks\.json|ensureReplication|HF_SE_ATLAS_REPLICATION/);
      // It teaches: prose between the code, and an exercise at the end (a knob to change, a prediction, a rerun).
      expect(nb.cells.filter((c) => c.cell_type === "markdown").length, `${name}: prose cells`).toBeGreaterThanOrEqual(5);
      const exercise = nb.cells.findIndex((c) => c.cell_type === "markdown" && /^## Exercise/m.test(text(c.source)));
      expect(exercise, `${name} ends with an exercise`).toBe(nb.cells.length - 2);
      expect(text(nb.cells[exercise]!.source), name).toMatch(/\*\*Knob:\*\*[\s\S]*\*\*Predict first:\*\*[\s\S]*\*\*Then\*\*/);
      // The paper's numbers come from src/paper/reported.ts, not from the notebook's prose.
      expect(all, name).not.toMatch(/1,533,973|113,558|14,962|7,797|2,205|89\.01|31\.17|7\.32/);
    }
  });

  test("the method notebook walks the LLM check and its validation", () => {
    const all = readNotebook(join(NOTEBOOK_DIR, "00-method.ipynb"))
      .cells.map((c) => text(c.source))
      .join("\n");
    for (const topic of [
      /PRIMES/,
      /delimiter/,
      /promptSections/,
      /nb\.prompt\(/,
      /judgeOffline/,
      /Cochran/,
      /planPilots/,
      /sheetRows/,
      /majority/,
      /consolidateLabels/,
      /cohenKappa/,
      /Table V/,
    ])
      expect(all).toMatch(topic);
  });
});

describe.skipIf(reason !== null)("notebooks execute headless", () => {
  let root: string;
  let env: NodeJS.ProcessEnv;

  let replication: string;
  let untouched: string[];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "notebooks-"));
    replication = join(root, "replication");
    await replicate({ corpusDir: join(ROOT, "data", "demo"), outDir: replication, offline: true, noStatic: true, log: () => undefined });
    untouched = snapshot(replication);
    env = {
      ...process.env,
      HF_SE_ATLAS_RUN: replication,
      DOTENV_CONFIG_QUIET: "true",
      PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    };
  }, 600_000);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test.each(EXPECTED)(
    "%s runs without a cell error",
    (name) => {
      const out = join(root, "executed");
      const run = spawnSync(
        "jupyter",
        [
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          `${name}.ipynb`,
          "--output-dir",
          out,
          "--output",
          `${name}.ipynb`,
          "--ExecutePreprocessor.timeout=600",
          "--ExecutePreprocessor.kernel_name=tslab",
        ],
        { cwd: NOTEBOOK_DIR, env, encoding: "utf8", timeout: 900_000 },
      );
      const log = `${run.stderr ?? ""}`
        .split("\n")
        .filter((l) => !/frozen modules|Debugger|PYDEVD|^0\.00s/.test(l))
        .slice(-40)
        .join("\n");
      expect(run.status, `${name}: nbconvert exited with ${run.status} (signal ${run.signal}, ${run.error?.message ?? "no spawn error"})\n${log}`).toBe(0);
      const executed = readNotebook(join(out, `${name}.ipynb`));
      const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
      const errors = outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`);
      expect(errors).toEqual([]);
      const streamed = outputs.map((o) => text(o.text)).join("");
      expect(streamed).toContain("SYNTHETIC demo corpus");
      expect(streamed).not.toMatch(/injected env|dotenv/i);
      const html = outputs.map((o) => text(o.data?.["text/html"] as string | string[] | undefined)).join("\n");
      const figures = (html.match(/Plotly\.newPlot\(/g) ?? []).length;
      // plotly.js is loaded once per notebook by the set-up cell's output, never inlined; every figure waits for it.
      expect((html.match(/var define, module, exports;/g) ?? []).length).toBe(0);
      expect((html.match(/window\.__hfSeAtlasPlotly=/g) ?? []).length).toBe(1);
      expect((html.match(/window\.__hfSeAtlasPlotly\|\|Promise\.reject/g) ?? []).length).toBe(figures);
      if (name !== "00-method") expect(figures + (html.match(/<table>/g) ?? []).length, `${name} shows results`).toBeGreaterThan(0);
      // Every code cell carries its execution count, in order (scripts/tslab-kernel.cjs broadcasts them).
      const counts = executed.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count ?? null);
      expect(counts).toEqual(counts.map((_, i) => i + 1));
      const bytes = statSync(join(out, `${name}.ipynb`)).size;
      expect(bytes, `${name}: ${bytes} bytes`).toBeLessThan(MAX_EXECUTED_BYTES);
      // The run it was given is only read.
      expect(snapshot(replication)).toEqual(untouched);
    },
    900_000,
  );
});
