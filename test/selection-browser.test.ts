/**
 * selection.html from a replicate of the demo corpus, driven in headless Chromium: the counts the page
 * shows are the analysis tables' counts, the paper's walk-through ends where the ranking table says,
 * a shared URL restores the same selection, the CSV export holds what is listed, the page works from
 * the keyboard, card text cannot inject markup, and no request leaves the file.
 * Without Chromium this skips locally with the reason, and fails under CI (CI installs it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Catalogue } from "../src/analyse/catalogue";
import { PAPER_SELECTED_MODEL } from "../src/paper/reported";
import { selectionPageHtml } from "../src/figures/selection-page";
import { CHROMIUM_ARGS, chromiumPath, chromiumUnavailable } from "../src/figures/static";
import { replicate } from "../src/pipeline/replicate";
import { readRows } from "../src/util/arrow-table";

const executable = chromiumPath();
const missing = chromiumUnavailable(executable);
if (missing && process.env.CI) throw new Error(`CI must have Chromium for the selection page checks: ${missing}`);
if (missing) console.warn(`selection-browser: skipped, ${missing}`);

const DEMO = resolve(__dirname, "..", "data", "demo");
// Browser work is slow on a loaded 2-core machine; these budgets are generous on purpose.
const BROWSER_TIMEOUT = 600_000;

type Page = import("playwright-core").Page;

describe.skipIf(missing !== null)("selection.html in headless Chromium", () => {
  let out: string;
  let pageUrl: string;
  let browser: import("playwright-core").Browser;
  let context: import("playwright-core").BrowserContext;
  /** Every request any page of the context made, and every browser error. */
  const requests: string[] = [];
  const errors: string[] = [];
  const table = <T>(name: string) => readRows<T>(join(out, "tables", `${name}.arrow`));

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __selection?: { stats: { ready: boolean } } }).__selection?.stats.ready === true, undefined, {
      timeout: 60_000,
    });
    return page;
  }
  const funnelCounts = (page: Page) => page.$$eval("#funnel li", (items) => items.map((li) => Number(li.getAttribute("data-remaining"))));
  const listedIds = (page: Page) => page.$$eval("#rows tr.model", (rows) => rows.map((r) => r.getAttribute("data-id")));
  const statusCount = async (page: Page) => Number((await page.textContent("#status"))!.split(" of ")[0]!.replace(/,/g, ""));
  const checkbox = (page: Page, facet: string, value: string) => page.locator(`input[data-facet="${facet}"][data-value="${value}"]`);

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "selection-browser-"));
    await replicate({ corpusDir: DEMO, outDir: out, offline: true, noStatic: true, log: () => undefined });
    pageUrl = pathToFileURL(join(out, "selection.html")).href;
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    context.on("request", (r) => void requests.push(r.url()));
  }, BROWSER_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test(
    "opens with every SE model, the synthetic banner, and the activity totals beside each activity",
    async () => {
      const page = await open(pageUrl);
      expect(await page.isVisible("#synthetic-banner")).toBe(true);
      const seModels = readRows(join(out, "run", "se-models.arrow")).length;
      expect(await funnelCounts(page)).toEqual([seModels]);
      expect(await statusCount(page)).toBe(seModels);
      expect(await listedIds(page)).toHaveLength(50);
      for (const row of table<{ activity: string; models: number }>("activity-totals")) {
        const count = await page.locator(`#facet-activity input[data-value="${row.activity}"] + label .count`).textContent();
        expect(Number(count!.replace(/,/g, "")), row.activity).toBe(row.models);
      }
      await page.close();
    },
    BROWSER_TIMEOUT,
  );

  test(
    "the paper's walk-through gives the selection-step table's counts and opens the ranking's first model with its evidence",
    async () => {
      const page = await open(pageUrl);
      await page.click("#walkthrough");
      const steps = table<{ remaining: number }>("fig10-selection-steps");
      expect(await funnelCounts(page)).toEqual(steps.map((s) => s.remaining));
      const ranked = table<{ id: string }>("fig10-selection-ranking");
      expect(await listedIds(page)).toEqual(ranked.map((r) => r.id).slice(0, 50));
      const message = (await page.textContent("#walkthrough-message"))!;
      expect(message).toContain(PAPER_SELECTED_MODEL);
      expect(message).toContain(`the first is ${ranked[0]!.id}`);
      // the first model is open: why it is here (task, field, context), who kept it, and its Hub link
      const detail = page.locator("tr.detail-row");
      expect(await detail.count()).toBe(1);
      const text = (await detail.textContent())!;
      expect(text).toContain("Why is this model here?");
      // where it matched: the match table's provenance (card.prose, meta.tags, ...) now that the search records it
      expect(text).toMatch(/\b(card|meta)\.[a-z-]+\b/);
      expect(text).toContain("offline-rules/v3");
      expect(await detail.locator("mark").count()).toBeGreaterThan(0);
      expect(await detail.locator("a").first().getAttribute("href")).toBe(`https://huggingface.co/${ranked[0]!.id}`);
      expect(await page.getAttribute(`button[aria-controls]`, "aria-expanded")).toBe("true");
      await page.close();
    },
    BROWSER_TIMEOUT,
  );

  test(
    "clicked filters match the per-activity tables, and the shared URL restores the same selection",
    async () => {
      const page = await open(pageUrl);
      const share = table<{ activity: string; models: number; reportingBenchmarks: number }>("fig9-benchmark-share");
      await checkbox(page, "activity", "SM").check();
      expect(await statusCount(page)).toBe(share.find((r) => r.activity === "SM")!.models);
      await checkbox(page, "benchmarks", "yes").check();
      expect(await funnelCounts(page)).toEqual([
        share[0]!.models,
        share.find((r) => r.activity === "SM")!.models,
        share.find((r) => r.activity === "SM")!.reportingBenchmarks,
      ]);
      // a second activity widens its step (values of one facet are alternatives)
      await checkbox(page, "activity", "QA").check();
      const widened = await funnelCounts(page);
      expect(widened[1]).toBeGreaterThan(share.find((r) => r.activity === "SM")!.models);
      await page.fill("#search", "-");
      await page.selectOption("#sort", "likes");
      await page.locator("#rows button.open").nth(1).click();
      const url = page.url();
      // a facet keeps its place in the chain when it gains a value
      expect(url).toContain("#activity=SM&activity=QA&benchmarks=yes&q=-&sort=likes&open=");
      const before = { funnel: await funnelCounts(page), ids: await listedIds(page), status: await page.textContent("#status") };

      const shared = await open(url);
      expect(await funnelCounts(shared)).toEqual(before.funnel);
      expect(await listedIds(shared)).toEqual(before.ids);
      expect(await shared.textContent("#status")).toBe(before.status);
      expect(await shared.inputValue("#search")).toBe("-");
      expect(await shared.inputValue("#sort")).toBe("likes");
      expect(await checkbox(shared, "activity", "QA").isChecked()).toBe(true);
      expect(await checkbox(shared, "activity", "RE").isChecked()).toBe(false);
      expect(await shared.locator("tr.detail-row").count()).toBe(1);
      // the funnel's remove button drops a step, and the count goes back
      await shared.click('#funnel button[aria-label^="Remove step: Benchmarks"]');
      expect((await funnelCounts(shared)).length).toBe(before.funnel.length - 1);
      expect(shared.url()).not.toContain("benchmarks=");
      await page.close();
      await shared.close();
    },
    BROWSER_TIMEOUT,
  );

  test(
    "the CSV export holds the listed models in order",
    async () => {
      const page = await open(`${pageUrl}#activity=RE&sort=downloads`);
      const total = await statusCount(page);
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
      expect(download.suggestedFilename()).toBe("hf-se-atlas-selection.csv");
      const csv = readFileSync((await download.path())!, "utf8");
      const lines = csv.trimEnd().split("\n");
      expect(lines[0]).toBe(
        "position,id,hub_url,paper_rank,activities,tasks,pipeline_tag,languages,programming_languages,licenses,licence_groups,base_models,downloads,likes,reports_energy,benchmarks,scores_in_metadata",
      );
      expect(lines).toHaveLength(total + 1);
      const ids = lines.slice(1).map((l) => l.split(",")[1]);
      expect(ids.slice(0, 50)).toEqual(await listedIds(page));
      await page.close();
    },
    BROWSER_TIMEOUT,
  );

  test(
    "keyboard only: Tab reaches the walk-through, Enter runs it, Space ticks a filter, and focus is visible",
    async () => {
      const page = await open(pageUrl);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("walkthrough");
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
      expect(outline).not.toBe("none");
      await page.keyboard.press("Enter");
      expect((await funnelCounts(page)).length).toBe(5);
      await page.focus('input[data-facet="benchmarks"][data-value="yes"]');
      await page.keyboard.press("Space");
      expect(await checkbox(page, "benchmarks", "yes").isChecked()).toBe(true);
      expect((await funnelCounts(page)).length).toBe(6);
      // every control is labelled
      const unlabelled = await page.$$eval("input, select", (inputs) => inputs.filter((i) => !(i as HTMLInputElement).labels?.length).map((i) => i.id));
      expect(unlabelled).toEqual([]);
      await page.close();
    },
    BROWSER_TIMEOUT,
  );

  test(
    "card text is shown as text: markup creates no element and runs nothing, formulas reach the CSV defused",
    async () => {
      const html = readFileSync(join(out, "selection.html"), "utf8");
      const data = JSON.parse(/<script type="application\/json" id="selection-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as Catalogue;
      const evil = '<img src="https://example.invalid/x.png" onerror="window.__xss=1"><script>window.__xss=2</script>';
      const model = data.models[0]!;
      model.id = `evil/${evil}`;
      model.pipelineTag = evil;
      model.evidence.matches[0]!.before = evil;
      model.evidence.verdicts[0]!.rationale = evil;
      const formula = data.models[1]!;
      formula.id = "@evil/sum";
      formula.baseModels = ['=HYPERLINK("https://example.invalid","x")'];
      const path = join(out, "evil.html");
      writeFileSync(path, selectionPageHtml(data));
      const page = await open(`${pathToFileURL(path).href}#q=evil&open=${encodeURIComponent(model.id)}`);
      expect(await statusCount(page)).toBe(2);
      expect(await page.locator("tr.detail-row").count()).toBe(1);
      expect(await page.locator("img").count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator("tr.detail-row").textContent()).toContain(evil);
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
      const csv = readFileSync((await download.path())!, "utf8");
      expect(csv).toContain(`,'@evil/sum,https://huggingface.co/%40evil/sum,`);
      expect(csv).toContain(`,"'=HYPERLINK(""https://example.invalid"",""x"")",`);
      expect(csv).not.toMatch(/(^|,)"?[=+@]/m);
      await page.close();
      expect(requests.filter((r) => r.includes("example.invalid"))).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );

  test("no request left the machine: every page loaded only its own file, and the browser reported no error", () => {
    expect(requests.length).toBeGreaterThan(5);
    const own = new Set([pageUrl, pathToFileURL(join(out, "evil.html")).href]);
    const other = requests.filter((r) => !own.has(r.replace(/#.*$/, "")));
    expect(other).toEqual([]);
    expect(errors).toEqual([]);
  });
});
