/**
 * Notebook figures in headless Chromium: the one loader fetches the pinned plotly.js (served here from the
 * installed copy in place of the CDN), checks its sha384, runs it even on a page with an AMD loader (classic
 * Jupyter), and every figure of the notebook draws; bytes other than the pinned ones are refused and the
 * figures say so instead of drawing. Without Chromium this skips locally with the reason, and fails under CI.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { growthFigure, tasksFigure } from "../src/figures/builders";
import { plotlyBundlePath } from "../src/figures/html";
import { notebookFigureHtml, pinnedPlotly, plotlyLoaderHtml } from "../src/figures/notebook";
import { CHROMIUM_ARGS, chromiumPath, chromiumUnavailable } from "../src/figures/static";

const executable = chromiumPath();
const missing = chromiumUnavailable(executable);
if (missing && process.env.CI) throw new Error(`CI must have Chromium for the figure checks: ${missing}`);
if (missing) console.warn(`notebook-figures-browser: skipped, ${missing}`);

const BROWSER_TIMEOUT = 600_000;
const MARKS = ".main-svg .point, .main-svg .js-line";

/** A notebook's outputs as one page: an AMD `define` like classic Jupyter's, the set-up cell's loader, two figures. */
function notebookPage(): string {
  const growth = growthFigure([
    { quarter: "2024-Q1", activity: "SI", models: 3, paper: null },
    { quarter: "2024-Q2", activity: "SI", models: 5, paper: null },
  ]);
  const tasks = tasksFigure([{ taskId: "si.code-generation", task: "code generation", activity: "SI", models: 4 }]);
  return [
    "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>",
    "<script>window.define=function(){window.__amdCalls=(window.__amdCalls||0)+1};window.define.amd={};</script>",
    plotlyLoaderHtml("cdn"),
    notebookFigureHtml(growth),
    notebookFigureHtml(tasks),
    "</body></html>",
  ].join("\n");
}

describe.skipIf(missing !== null)("notebook figures in headless Chromium", () => {
  let browser: import("playwright-core").Browser;

  beforeAll(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
  }, BROWSER_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(body: Buffer) {
    const page = await browser.newPage();
    const requests: string[] = [];
    await page.route("**/*", async (route) => {
      requests.push(route.request().url());
      if (route.request().url() === pinnedPlotly().url)
        await route.fulfill({ status: 200, body, headers: { "content-type": "application/javascript", "access-control-allow-origin": "*" } });
      else await route.abort();
    });
    await page.setContent(notebookPage());
    return { page, requests };
  }

  test(
    "plotly.js is fetched once, checked, run beside an AMD loader, and both figures draw",
    async () => {
      const { page, requests } = await open(readFileSync(plotlyBundlePath()));
      await page.waitForFunction(() => document.querySelectorAll(".js-plotly-plot").length === 2, undefined, { timeout: 120_000 });
      expect(requests).toEqual([pinnedPlotly().url]);
      expect(await page.locator(MARKS).count()).toBeGreaterThan(0);
      // The page's AMD loader was hidden from plotly (it registered nothing) and is still there.
      expect(
        await page.evaluate(() => [typeof (window as unknown as { define?: unknown }).define, (window as unknown as { __amdCalls?: number }).__amdCalls ?? 0]),
      ).toEqual(["function", 0]);
      await page.close();
    },
    BROWSER_TIMEOUT,
  );

  test(
    "bytes other than the pinned ones are refused, and the figures say why instead of drawing",
    async () => {
      const { page } = await open(Buffer.from("window.Plotly = { newPlot: function () { throw new Error('not plotly'); } };"));
      await page.waitForFunction(() => document.body.textContent?.includes("could not be loaded from the CDN"), undefined, { timeout: 120_000 });
      expect(await page.locator(".js-plotly-plot").count()).toBe(0);
      expect(await page.evaluate(() => typeof (window as unknown as { Plotly?: unknown }).Plotly)).toBe("undefined");
      await page.close();
    },
    BROWSER_TIMEOUT,
  );
});
