/**
 * The notebooks' one set-up call: it reads the run it is given with that run's own configuration and
 * never writes into it; without one it makes (once) and reuses its own demo run, and refuses a folder
 * it did not create. Figures load plotly.js once per notebook, pinned by hash, not inlined.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { generateDemoHub } from "../src/demo";
import { notebookFigureHtml, pinnedPlotly, plotlyLoaderHtml } from "../src/figures/notebook";
import { plotlyBundlePath } from "../src/figures/html";
import { growthFigure } from "../src/figures/builders";
import { NOTEBOOK_CREATOR, openNotebookRun, RUN_ENV } from "../src/pipeline/notebook";
import { replicate } from "../src/pipeline/replicate";
import { replicationLayout, runLayout } from "../src/run/layout";

let root = "";
let corpus = "";
let userOut = "";

/** Every file under `dir` with its size and modification time: what "not written to" is checked against. */
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

const quiet = { display: { html: () => undefined }, log: () => undefined };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "notebook-run-"));
  corpus = join(root, "corpus");
  await generateDemoHub({ seed: 3, models: 500, profile: "demo", outDir: corpus });
  userOut = join(root, "user");
  await replicate({ corpusDir: corpus, outDir: userOut, offline: true, noStatic: true, settings: { similarityThreshold: 0.97 }, log: () => undefined });
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
}, 600_000);
afterAll(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

describe("a run that is given", () => {
  test("is read with its own corpus, taxonomy and settings, and nothing in it is written", async () => {
    const before = snapshot(userOut);
    const html: string[] = [];
    const nb = await openNotebookRun({ run: userOut, display: { html: (h) => html.push(h) }, home: join(root, "home"), log: () => undefined });
    expect(nb.runDir).toBe(replicationLayout(userOut).run);
    expect(nb.outDir).toBe(userOut);
    expect(nb.ownRun).toBe(false);
    expect(nb.corpusDir).toBe(corpus);
    expect(nb.info.config.similarityThreshold).toBe(0.97);
    expect(nb.describe()).toMatch(/SYNTHETIC demo corpus .*\n.*\(read only\)\n.*near-identical from cosine 0\.97/);
    // A bare run directory works the same; the environment variable is the default.
    vi.stubEnv(RUN_ENV, nb.runDir);
    try {
      expect((await openNotebookRun({ ...quiet, home: join(root, "home") })).runDir).toBe(nb.runDir);
    } finally {
      vi.unstubAllEnvs();
    }
    // The exercises' variants go to the notebooks' own folder, never into the given run.
    expect((await nb.variant({ similarityThreshold: 0.97 })).fresh).toBe(false);
    const variant = await nb.variant({ similarityThreshold: 0.9 });
    expect(variant.fresh).toBe(true);
    expect(variant.runDir.startsWith(join(root, "home", "variants"))).toBe(true);
    expect(variant.nearDuplicates.pairs).toBeGreaterThanOrEqual(nb.info.nearDuplicates.pairs);
    expect(snapshot(userOut)).toEqual(before);
    // The set-up output carries the plotly loader, once.
    expect(html.filter((h) => h.includes("__hfSeAtlasPlotly="))).toHaveLength(1);
  }, 120_000);

  test("is refused, without writing, when it is not a finished run", async () => {
    await expect(openNotebookRun({ ...quiet, run: join(root, "nothing-here") })).rejects.toThrow(
      /is neither a run directory \(with run\.json\) nor a replicate output folder/,
    );
    const unjudged = join(root, "unjudged");
    await replicate({ corpusDir: corpus, outDir: unjudged, offline: true, noStatic: true, log: () => undefined });
    rmSync(runLayout(replicationLayout(unjudged).run).seModels);
    const before = snapshot(unjudged);
    await expect(openNotebookRun({ ...quiet, run: unjudged })).rejects.toThrow(
      /has no SE models yet: run `hf-se-atlas judge --run .*` first \(notebooks only read the runs they are given\)/,
    );
    expect(snapshot(unjudged)).toEqual(before);
  }, 120_000);
});

describe("without a run", () => {
  test("the notebooks make their own demo run once, then reuse it; a folder they did not make is refused", async () => {
    const home = join(root, "own");
    const made = await openNotebookRun({ ...quiet, home });
    expect(made.ownRun).toBe(true);
    expect(made.synthetic).toBe(true);
    const manifest = JSON.parse(readFileSync(replicationLayout(join(home, "demo")).manifest, "utf8")) as { createdBy: string };
    expect(manifest.createdBy).toBe(NOTEBOOK_CREATOR);
    const before = snapshot(join(home, "demo"));
    await openNotebookRun({ ...quiet, home });
    expect(snapshot(join(home, "demo"))).toEqual(before);

    const foreign = join(root, "foreign");
    await replicate({ corpusDir: corpus, outDir: join(foreign, "demo"), offline: true, noStatic: true, log: () => undefined });
    const untouched = snapshot(foreign);
    await expect(openNotebookRun({ ...quiet, home: foreign })).rejects.toThrow(/holds files the notebooks did not create; they will not write there/);
    expect(snapshot(foreign)).toEqual(untouched);
  }, 300_000);
});

describe("plotly.js in notebooks", () => {
  test("is loaded once, from the pinned copy of the installed version (checked by sha384), unless asked inline", () => {
    const pinned = pinnedPlotly();
    expect(pinned.integrity).toBe(`sha384-${createHash("sha384").update(readFileSync(plotlyBundlePath())).digest("base64")}`);
    expect(pinned.url).toMatch(/^https:\/\/cdn\.jsdelivr\.net\/npm\/plotly\.js-dist-min@\d+\.\d+\.\d+\/plotly\.min\.js$/);
    const loader = plotlyLoaderHtml("cdn");
    expect(loader).toContain(JSON.stringify(pinned.integrity));
    expect(loader.length).toBeLessThan(3_000);
    expect(plotlyLoaderHtml("inline").length).toBeGreaterThan(1_000_000);
    // Figures wait for the loader and never carry the bundle; only the first output of a kernel carries the loader.
    const spec = growthFigure([{ quarter: "2024-Q1", activity: "SI", models: 3, paper: null }]);
    notebookFigureHtml(spec);
    const second = notebookFigureHtml(spec);
    expect(second).not.toContain("__hfSeAtlasPlotly=");
    expect(second).not.toContain("var define, module, exports;");
    expect(second).toContain("window.__hfSeAtlasPlotly||Promise.reject");
    expect(second.length).toBeLessThan(20_000);
  });
});
