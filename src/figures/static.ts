/**
 * Static PNG and SVG of saved figure pages, drawn by headless Chromium through playwright-core and
 * exported with Plotly.toImage, for viewers that run no JavaScript. When no browser can start, the
 * caller gets the reason instead of an exception, so the HTML report is still written.
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { hashString } from "../util/random";
import { WriteError, writeFileAtomic } from "../util/atomic";
import { firstLineOf } from "../util/text";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

export interface StaticExportResult {
  html: string;
  png: string | null;
  svg: string | null;
  /** Console errors or a drawing failure on this page; empty when it drew cleanly. */
  errors: string[];
}

export interface StaticExportReport {
  /** Null when the images were made; otherwise why they were skipped. */
  skipped: string | null;
  results: StaticExportResult[];
}

export interface StaticExportOptions {
  executablePath?: string;
  /** Device pixel ratio of the PNG (2 = sharp on high-density screens). */
  scale?: number;
  timeoutMs?: number;
}

export function chromiumPath(options: StaticExportOptions = {}): string {
  return options.executablePath ?? process.env.HF_SE_ATLAS_CHROMIUM ?? DEFAULT_CHROMIUM;
}

/** Why Chromium cannot be used here, or null when it can be tried. */
export function chromiumUnavailable(path: string): string | null {
  return existsSync(path) ? null : `no Chromium at ${path} (install Debian's chromium, or set HF_SE_ATLAS_CHROMIUM)`;
}

/** Render `<page>.png` and `<page>.svg` beside each figure page (paths ending in `.html`). */
export async function exportStaticImages(pages: readonly string[], options: StaticExportOptions = {}): Promise<StaticExportReport> {
  const executablePath = chromiumPath(options);
  const missing = chromiumUnavailable(executablePath);
  if (missing) return { skipped: missing, results: pages.map((html) => ({ html, png: null, svg: null, errors: [] })) };
  let browser: import("playwright-core").Browser;
  try {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: options.timeoutMs ?? 60_000 });
  } catch (error) {
    return { skipped: `Chromium did not start: ${firstLineOf(error)}`, results: pages.map((html) => ({ html, png: null, svg: null, errors: [] })) };
  }
  const results: StaticExportResult[] = [];
  try {
    for (const html of pages) results.push(await exportOne(browser, html, options));
  } finally {
    await browser.close();
  }
  return { skipped: null, results };
}

async function exportOne(browser: import("playwright-core").Browser, html: string, options: StaticExportOptions): Promise<StaticExportResult> {
  const errors: string[] = [];
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  try {
    await page.goto(pathToFileURL(html).href);
    await page.waitForFunction(
      () => (window as unknown as Record<string, unknown>).__figureReady === true || (window as unknown as Record<string, unknown>).__figureError !== undefined,
      undefined,
      {
        timeout: options.timeoutMs ?? 60_000,
      },
    );
    const images = await page.evaluate(async (scale: number) => {
      const w = window as unknown as { __figureError?: string; Plotly: { toImage(gd: Element, o: Record<string, unknown>): Promise<string> } };
      if (w.__figureError) return { error: w.__figureError };
      const gd = document.querySelector(".js-plotly-plot");
      if (!gd) return { error: "no plot element on the page" };
      const png = await w.Plotly.toImage(gd, { format: "png", scale });
      const svg = await w.Plotly.toImage(gd, { format: "svg" });
      return { png, svg };
    }, options.scale ?? 2);
    if ("error" in images) {
      errors.push(String(images.error));
      return { html, png: null, svg: null, errors };
    }
    const stem = html.replace(/\.html$/, "");
    await writeFileAtomic(`${stem}.png`, Buffer.from(images.png.slice(images.png.indexOf(",") + 1), "base64"));
    const svg = stableSvgIds(decodeURIComponent(images.svg.slice(images.svg.indexOf(",") + 1)), basename(stem));
    await writeFileAtomic(`${stem}.svg`, svg);
    return { html, png: `${stem}.png`, svg: `${stem}.svg`, errors };
  } catch (error) {
    // A file that cannot be written stops the run (it is not a figure problem to list and move past).
    if (error instanceof WriteError) throw error;
    errors.push(firstLineOf(error));
    return { html, png: null, svg: null, errors };
  } finally {
    await page.close();
  }
}

/**
 * Plotly names clip paths and defs after a random per-plot uid; replacing it with one derived from
 * the figure name makes the same figure give the same SVG bytes (and keeps ids unique per figure).
 * Only ids and their references change: a uid of six digits may also occur in numbers or text.
 */
export function stableSvgIds(svg: string, name: string): string {
  const uid = /id="defs-([0-9a-f]{6})"/.exec(svg)?.[1];
  if (!uid) return svg;
  const stable = hashString(name).toString(16).padStart(8, "0").slice(0, 6);
  const idOrReference = new RegExp(`(id="|url\\(['"]?#)([A-Za-z-]*)${uid}`, "g");
  return svg.replace(idOrReference, `$1$2${stable}`);
}
