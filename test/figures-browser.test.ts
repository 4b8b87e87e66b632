/**
 * Every figure the report writes, opened in headless Chromium: it must draw marks (bars, lines,
 * sankey nodes, heat-map cells) without console errors, and its PNG must not be blank.
 * Without Chromium this skips locally with the reason, and fails under CI (CI installs it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeReport, type ReportResult } from "../src/pipeline/replicate";
import { CHROMIUM_ARGS, chromiumPath, chromiumUnavailable, exportStaticImages } from "../src/figures/static";
import { buildFixture } from "./fixtures/analyse/run-fixture";

const executable = chromiumPath();
const missing = chromiumUnavailable(executable);
if (missing && process.env.CI) throw new Error(`CI must have Chromium for the figure checks: ${missing}`);
if (missing) console.warn(`figures-browser: skipped, ${missing}`);

/** Plotly marks per figure type: at least one must be present in the drawn plot. */
const MARKS = ".main-svg .point, .main-svg .js-line, .main-svg .sankey-node, .main-svg .hm image, .main-svg .heatmaplayer image, .main-svg .textpoint";

// Browser work is slow on a loaded 2-core machine; these budgets are generous on purpose.
const BROWSER_TIMEOUT = 600_000;

describe.skipIf(missing !== null)("figures in headless Chromium", () => {
  let root: string;
  let report: ReportResult;
  let browser: import("playwright-core").Browser;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "figures-browser-"));
    const { corpus, run } = await buildFixture(root);
    report = await writeReport({ runDir: run, corpusDir: corpus, outDir: join(root, "out"), log: () => undefined });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
  }, BROWSER_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test("the report made PNG and SVG for every figure, with no browser errors", () => {
    expect(report.staticSkipped).toBeNull();
    expect(report.figures.length).toBeGreaterThanOrEqual(12);
    for (const f of report.figures) {
      expect(f.errors, f.spec.id).toEqual([]);
      expect(f.png, f.spec.id).not.toBeNull();
      expect(readFileSync(join(root, "out", f.svg!), "utf8").slice(0, 200)).toContain("<svg");
    }
    const html = readFileSync(report.indexPath, "utf8");
    expect(html).toContain(`<img src="figures/fig4-activity-ml-task.png"`);
  });

  test(
    "exporting the same page again gives byte-identical SVG and PNG",
    async () => {
      const page = join(root, "out", report.figures[0]!.html);
      const before = [readFileSync(page.replace(/\.html$/, ".svg")), readFileSync(page.replace(/\.html$/, ".png"))];
      const again = await exportStaticImages([page]);
      expect(again.results[0]!.errors).toEqual([]);
      expect(readFileSync(again.results[0]!.svg!).equals(before[0]!)).toBe(true);
      expect(readFileSync(again.results[0]!.png!).equals(before[1]!)).toBe(true);
    },
    BROWSER_TIMEOUT,
  );

  test(
    "each saved figure page draws marks without console errors",
    async () => {
      for (const f of report.figures) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(pathToFileURL(join(root, "out", f.html)).href);
        await page.waitForFunction(() => (window as unknown as { __figureReady?: boolean }).__figureReady === true, undefined, { timeout: 30_000 });
        const marks = await page.locator(MARKS).count();
        expect(marks, `${f.spec.id} drew no marks`).toBeGreaterThan(0);
        if (f.spec.id === "fig4-activity-ml-task") expect(await page.locator(".sankey-node").count()).toBeGreaterThanOrEqual(4);
        expect(errors, f.spec.id).toEqual([]);
        await page.close();
      }
    },
    BROWSER_TIMEOUT,
  );

  /** Open a saved figure page and wait until it has drawn (and run its after-draw step). */
  async function open(id: string): Promise<import("playwright-core").Page> {
    const f = report.figures.find((x) => x.spec.id === id)!;
    expect(f, id).toBeDefined();
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(root, "out", f.html)).href);
    await page.waitForFunction(() => (window as unknown as { __figureReady?: boolean }).__figureReady === true, undefined, { timeout: 30_000 });
    return page;
  }

  test(
    "Fig. 2: the right axis's title does not overlap its tick labels",
    async () => {
      const page = await open("fig2-quarterly-growth");
      const boxes = await page.evaluate(() => {
        const box = (e: Element) => {
          const r = e.getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        };
        return { title: [...document.querySelectorAll(".g-y2title text")].map(box), ticks: [...document.querySelectorAll(".y2tick text")].map(box) };
      });
      await page.close();
      expect(boxes.title).toHaveLength(1);
      expect(boxes.ticks.length).toBeGreaterThan(1);
      const t = boxes.title[0]!;
      const overlapping = boxes.ticks.filter((k) => k.left < t.right && t.left < k.right && k.top < t.bottom && t.top < k.bottom);
      expect(overlapping).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );

  test(
    "Fig. 3: one bar per task, all of them",
    async () => {
      const page = await open("fig3-models-per-task");
      const bars = await page.locator(".main-svg .bars .point").count();
      await page.close();
      expect(bars).toBe(report.analyses.tasks.rows.length);
    },
    BROWSER_TIMEOUT,
  );

  test("Fig. 4: the static SVG labels every flow with its count", () => {
    const f = report.figures.find((x) => x.spec.id === "fig4-activity-ml-task")!;
    const svg = readFileSync(join(root, "out", f.svg!), "utf8");
    const texts = [...svg.matchAll(/class="annotation-text"[^>]*>([^<]*)</g)].map((m) => m[1]!);
    const flows = report.analyses.mlTasks.rows.map((r) => `${r.pipelineTag}: ${r.models.toLocaleString("en-US")}`);
    expect(flows.length).toBeGreaterThan(2);
    expect([...texts].sort()).toEqual([...flows].sort());
  });

  test(
    "Fig. 6: one panel per base model, no two lines in one panel",
    async () => {
      const page = await open("fig6-top-base-models");
      const perPanel = await page.evaluate(() => [...document.querySelectorAll(".cartesianlayer .subplot")].map((p) => p.querySelectorAll(".js-line").length));
      await page.close();
      const bases = new Set(report.analyses.baseModels.overTime.rows.map((r) => r.baseModel)).size;
      expect(bases).toBeGreaterThan(0);
      expect(perPanel.filter((n) => n > 0)).toEqual(Array.from({ length: bases }, () => 1));
    },
    BROWSER_TIMEOUT,
  );

  test(
    "Fig. 1: one box per funnel stage, drawn",
    async () => {
      const page = await open("fig1-pipeline");
      const boxes = await page.locator(".main-svg .shapelayer path").count();
      await page.close();
      expect(boxes).toBe(report.analyses.funnel!.rows.filter((r) => r.activity === null).length);
    },
    BROWSER_TIMEOUT,
  );

  test(
    "PNGs are not blank: many distinct colours and a non-white share of pixels",
    async () => {
      const page = await browser.newPage();
      for (const f of report.figures) {
        const base64 = readFileSync(join(root, "out", f.png!)).toString("base64");
        const stats = await page.evaluate(async (data: string) => {
          const img = new Image();
          img.src = `data:image/png;base64,${data}`;
          await img.decode();
          const canvas = document.createElement("canvas");
          canvas.width = img.width;
          canvas.height = img.height;
          const ctx = canvas.getContext("2d")!;
          ctx.drawImage(img, 0, 0);
          const pixels = ctx.getImageData(0, 0, img.width, img.height).data;
          const colours = new Set<number>();
          let inked = 0;
          for (let i = 0; i < pixels.length; i += 4) {
            const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
            colours.add((r << 16) | (g << 8) | b);
            if (r < 235 || g < 235 || b < 235) inked++;
          }
          return { width: img.width, colours: colours.size, inked: inked / (pixels.length / 4) };
        }, base64);
        expect(stats.width, f.spec.id).toBeGreaterThan(500);
        expect(stats.colours, f.spec.id).toBeGreaterThan(20);
        expect(stats.inked, f.spec.id).toBeGreaterThan(0.005);
      }
      await page.close();
    },
    BROWSER_TIMEOUT,
  );
});

describe("static export without a browser", () => {
  test("a missing Chromium skips the images with the reason, and does not throw", async () => {
    const result = await exportStaticImages(["/nonexistent/figure.html"], { executablePath: "/nonexistent/chromium" });
    expect(result.skipped).toContain("no Chromium at /nonexistent/chromium");
    expect(result.results).toEqual([{ html: "/nonexistent/figure.html", png: null, svg: null, errors: [] }]);
    expect(existsSync("/nonexistent/figure.png")).toBe(false);
  });
});
