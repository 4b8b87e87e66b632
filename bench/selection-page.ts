/**
 * Benchmark: the selection page (selection.html) with 10,000 SE models, several times the paper's final count.
 *
 * The catalogue is generated here, seeded, with the shape a run gives (activities weighted as the
 * paper's, tasks from the taxonomy, licences, languages, benchmark scores, evidence with contexts,
 * verdicts and variants). It prints the page's size, the page engine's index build and query times in
 * Node, and, in headless Chromium when there is one, the load time and what each interaction costs: the
 * query alone, and the whole handler (query, funnel, filter counts, first rows, layout). Figures only;
 * nothing is asserted.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BENCHMARK_DICTIONARY } from "../src/analyse/benchmarks";
import { LICENCE_GROUPS, licenceGroupOf, PAPER_WALKTHROUGH, PROGRAMMING_LANGUAGES, type Catalogue, type CatalogueModel } from "../src/analyse/catalogue";
import { licenseFamily } from "../src/analyse/licenses";
import { PAPER_SELECTED_MODEL } from "../src/paper/reported";
import { selectionClientPath, selectionPageHtml } from "../src/figures/selection-page";
import { replicationLayout } from "../src/run/layout";
import { CHROMIUM_ARGS, chromiumPath, chromiumUnavailable } from "../src/figures/static";
import { ACTIVITY_CODES, ACTIVITY_NAMES, loadTaxonomy, type ActivityCode } from "../src/taxonomy/taxonomy";
import { SeededRandom } from "../src/util/random";

export const SELECTION_BENCH_MODELS = 10_000;

const LICENSES = ["apache-2.0", "mit", "other", "cc-by-4.0", "cc-by-nc-4.0", "gpl-3.0", "openrail", "llama3", "bsd-3-clause", "afl-3.0"];
const LICENSE_WEIGHTS = [40, 25, 10, 6, 5, 3, 4, 3, 2, 1];
const PIPELINES = ["text-generation", "text2text-generation", "fill-mask", "text-classification", "feature-extraction", "token-classification", null];
const BASES = [
  "Qwen/Qwen2.5-Coder-7B-Instruct",
  "bigcode/starcoder",
  "Salesforce/codet5-base",
  "microsoft/codebert-base",
  "deepseek-ai/deepseek-coder-6.7b-instruct",
  "meta-llama/Llama-2-7b-hf",
];
const WORDS = "the model was fine tuned to write review and repair code for teams who ship software with tests in python java and rust".split(" ");

/** A seeded catalogue of `count` models, shaped like a run's. */
export function syntheticCatalogue(count: number, seed = 16): Catalogue {
  const random = new SeededRandom(seed);
  const taxonomy = loadTaxonomy();
  const tasksOf = new Map(ACTIVITY_CODES.map((a) => [a, taxonomy.tasks.filter((t) => t.activity === a)]));
  const words = (n: number) => Array.from({ length: n }, () => random.pick(WORDS)).join(" ");
  const benchmarks = BENCHMARK_DICTIONARY.map((b) => b.name);
  const models: CatalogueModel[] = [];
  for (let i = 0; i < count; i++) {
    const id = `org-${random.int(1, count / 4)}/model-${i.toString(36)}`;
    const activities = ACTIVITY_CODES.filter((a, k) => (k === 2 ? random.bool(0.85) : random.bool(0.12)));
    if (activities.length === 0) activities.push("SI");
    const tasks = activities.flatMap((a) => random.shuffle(tasksOf.get(a)!).slice(0, random.int(1, 2)));
    const licenses = random.bool(0.2) ? [] : [random.weighted(LICENSES, LICENSE_WEIGHTS)];
    const groups = new Set(licenses.map((l) => licenceGroupOf(licenseFamily(l))));
    if (licenses.length === 0) groups.add("none");
    const reported = random.bool(0.3) ? random.shuffle(benchmarks).slice(0, random.int(1, 6)) : [];
    models.push({
      id,
      inCorpus: true,
      activities,
      tasks: tasks.map((t) => t.id),
      pipelineTag: random.pick(PIPELINES),
      languages: random.bool(0.7) ? ["en"] : [],
      programmingLanguages: PROGRAMMING_LANGUAGES.filter((_, k) => random.bool(k === 0 ? 0.4 : 0.05)).map((l) => l.id),
      licenses: licenses.map((l) => ({ id: l, family: licenseFamily(l) })),
      licenceGroups: LICENCE_GROUPS.filter((g) => groups.has(g)),
      baseModels: random.bool(0.6) ? [random.pick(BASES)] : [],
      downloads: random.bool(0.05) ? null : Math.floor(10 ** (random.next() * 6)),
      likes: random.bool(0.05) ? null : Math.floor(10 ** (random.next() * 3)) - 1,
      reportsEnergy: random.bool(0.08),
      benchmarks: reported.map((benchmark) => {
        const value = random.bool(0.9) ? Math.round(random.next() * 1000) / 10 : null;
        return { benchmark, value, text: value === null ? "" : value.toFixed(1), metric: random.pick(["pass@1", "acc", null]) };
      }),
      scoresInMetadata: random.bool(0.1) ? random.int(1, 8) : 0,
      rank: 0,
      evidence: {
        matches: tasks.flatMap((t) =>
          Array.from({ length: random.int(1, 2) }, () => ({
            taskId: t.id,
            task: t.name,
            activity: t.activity,
            source: "card",
            field: random.pick(["body", "tags[2]", "meta.tags[0]"]),
            provenance: null,
            before: `${words(7)} `,
            raw: t.name,
            after: ` ${words(7)}`,
          })),
        ),
        moreMatches: random.bool(0.2) ? random.int(1, 9) : 0,
        excluded: random.bool(0.3) ? [{ rule: "debug.followed-by-quote", occurrences: random.int(1, 3) }] : [],
        verdicts: activities.map((a) => ({
          activity: a,
          relevant: true,
          judge: "offline-rules/v2",
          rationale: `offline-rules/v2: relevant (pos:code-tags(code|python), pos:task-in-metadata(${tasks[0]!.name}))`,
          error: null,
        })),
        variants: Array.from({ length: random.bool(0.2) ? random.int(1, 3) : 0 }, (_, k) => ({ id: `${id}-GGUF-${k}`, similarity: 0.95 + random.next() / 20 })),
        moreVariants: 0,
      },
    });
  }
  // The paper's ranking, as rankCandidates orders: benchmarks, metadata scores, likes, downloads, id.
  const order = [...models].sort(
    (a, b) =>
      b.benchmarks.length - a.benchmarks.length ||
      b.scoresInMetadata - a.scoresInMetadata ||
      (b.likes ?? -1) - (a.likes ?? -1) ||
      (b.downloads ?? -1) - (a.downloads ?? -1) ||
      (a.id < b.id ? -1 : 1),
  );
  order.forEach((m, k) => (m.rank = k + 1));
  const usedTasks = new Set(models.flatMap((m) => m.tasks));
  return {
    synthetic: true,
    corpus: { records: count * 20, createdBy: "hf-se-atlas bench (generated catalogue)" },
    activities: ACTIVITY_CODES.map((code) => ({ code, name: ACTIVITY_NAMES[code as ActivityCode] })),
    tasks: taxonomy.tasks.filter((t) => usedTasks.has(t.id)).map((t) => ({ key: t.id, name: t.name, activity: t.activity })),
    programmingLanguages: PROGRAMMING_LANGUAGES.map(({ id, name }) => ({ id, name })),
    licenceGroups: [...LICENCE_GROUPS],
    benchmarks,
    walkthrough: { steps: PAPER_WALKTHROUGH.map((s) => ({ ...s })), paperEndsAt: PAPER_SELECTED_MODEL },
    matchWhere: "field",
    models,
  };
}

export interface SelectionPageBench {
  models: number;
  pageBytes: number;
  path: string;
  node: { indexMs: number; queryMedianMs: number; queryMaxMs: number; queries: number };
  /** Null when no Chromium could start (with the reason in `browserSkipped`). */
  browser: {
    readyMs: number;
    rounds: number;
    actions: Array<{ action: string; handlerMedianMs: number; handlerMaxMs: number; queryMedianMs: number; matching: number }>;
  } | null;
  browserSkipped: string | null;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** States the Node measurement cycles through: empty, the walk-through, mixed facets, text, sorts. */
function benchStates(data: Catalogue) {
  const step = (facet: string, ...values: string[]) => ({ facet, values });
  return [
    { chain: [], sort: "paper", open: [] },
    { chain: data.walkthrough.steps.map((s) => step(s.facet, s.value)), sort: "paper", open: [] },
    { chain: [step("activity", "SI", "QA"), step("benchmarks", "yes")], sort: "downloads", open: [] },
    { chain: [step("licence", "permissive", "copyleft"), step("q", "model-1")], sort: `benchmark:${data.benchmarks[1]}`, open: [] },
    { chain: [step("task", ...data.tasks.slice(0, 5).map((t) => t.key)), step("language", "python", "java")], sort: "likes", open: [] },
  ];
}

export async function benchSelectionPage(options: { models?: number; dir?: string } = {}): Promise<SelectionPageBench> {
  const count = options.models ?? SELECTION_BENCH_MODELS;
  const dir = options.dir ?? join(".cache", "bench-selection");
  const data = syntheticCatalogue(count);
  const html = selectionPageHtml(data, { reportHref: null, corpusLabel: "generated for the benchmark" });
  mkdirSync(dir, { recursive: true });
  const path = replicationLayout(dir).selection;
  writeFileSync(path, html);

  // The page's own engine, in Node.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const client = require(selectionClientPath()) as { createEngine(data: unknown): { query(state: unknown): { rows: number[] } } };
  const copy = JSON.parse(JSON.stringify(data)) as Catalogue;
  let started = performance.now();
  const engine = client.createEngine(copy);
  const indexMs = performance.now() - started;
  const times: number[] = [];
  const states = benchStates(copy);
  for (let round = 0; round < 20; round++) {
    for (const state of states) {
      started = performance.now();
      engine.query(state);
      times.push(performance.now() - started);
    }
  }
  const node = { indexMs, queryMedianMs: median(times), queryMaxMs: Math.max(...times), queries: times.length };

  const executable = chromiumPath();
  const missing = chromiumUnavailable(executable);
  if (missing) return { models: count, pageBytes: Buffer.byteLength(html), path, node, browser: null, browserSkipped: missing };
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(pathToFileURL(resolve(path)).href);
    await page.waitForFunction(() => (window as unknown as { __selection?: { stats: { ready: boolean } } }).__selection?.stats.ready === true, undefined, {
      timeout: 120_000,
    });
    const readyMs = await page.evaluate(() => performance.now());
    // Each action runs through the page's own event handlers; the time includes a forced layout.
    type Action = { action: string; click?: string; input?: { id: string; value: string; event: string } };
    const act = (a: Action) =>
      page.evaluate((a: Action) => {
        const w = window as unknown as { __selection: { stats: { lastQueryMs: number } } };
        const t = performance.now();
        if (a.click) (document.querySelector(a.click) as HTMLElement).click();
        if (a.input) {
          const e = document.getElementById(a.input.id) as HTMLInputElement;
          e.value = a.input.value;
          e.dispatchEvent(new Event(a.input.event));
        }
        void document.body.offsetHeight;
        const handlerMs = performance.now() - t;
        const matching = Number((document.getElementById("status")!.textContent || "0").split(" of ")[0]!.replace(/,/g, ""));
        return { action: a.action, handlerMs, queryMs: w.__selection.stats.lastQueryMs, matching };
      }, a);
    const tick = (action: string, facet: string, value: string): Action => ({ action, click: `input[data-facet="${facet}"][data-value="${value}"]` });
    const input = (action: string, id: string, value: string, event: string): Action => ({ action, input: { id, value, event } });
    const script: Action[] = [
      { action: "paper's walk-through", click: "#walkthrough" },
      { action: "clear all", click: "#clear" },
      tick("activity SI", "activity", "SI"),
      tick("+ language Python", "language", "python"),
      tick("+ licence permissive", "licence", "permissive"),
      tick("+ benchmarks reported", "benchmarks", "yes"),
      input("+ search text", "search", "coder", "input"),
      input(`sort by ${data.benchmarks[0]}`, "sort", `benchmark:${data.benchmarks[0]}`, "change"),
      input("sort by downloads", "sort", "downloads", "change"),
      input("- search text", "search", "", "input"),
      tick("+ a task", "task", data.tasks[0]!.key),
      tick("- activity SI (start of the chain)", "activity", "SI"),
      { action: "clear all", click: "#clear" },
    ];
    // The script runs several times (it starts and ends with an empty chain); medians resist a busy machine.
    const rounds = 5;
    const runs: Array<Awaited<ReturnType<typeof act>>[]> = [];
    for (let round = 0; round < rounds; round++) {
      const results = [];
      for (const a of script) results.push(await act(a));
      runs.push(results);
    }
    const actions = script.map((a, k) => ({
      action: a.action,
      handlerMedianMs: median(runs.map((r) => r[k]!.handlerMs)),
      handlerMaxMs: Math.max(...runs.map((r) => r[k]!.handlerMs)),
      queryMedianMs: median(runs.map((r) => r[k]!.queryMs)),
      matching: runs[0]![k]!.matching,
    }));
    return { models: count, pageBytes: Buffer.byteLength(html), path, node, browser: { readyMs, rounds, actions }, browserSkipped: null };
  } finally {
    await browser.close();
  }
}
