/**
 * One call sets a notebook up: `const nb = await openNotebookRun({ display: tslab.display })`.
 *
 * Which run: the one `HF_SE_ATLAS_RUN` names (a run directory, or a `replicate` output folder holding one),
 * read with its own corpus, taxonomy and settings (run.json) and never written to. Without that setting,
 * the notebooks' own run of the shipped demo corpus under `out/notebooks/`, created (offline judge) the
 * first time and reused after; a folder there that the notebooks did not create is refused, not overwritten.
 * Exercises that change a funnel setting run a separate funnel under `out/notebooks/variants/`.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { analyseRun, type RunAnalyses } from "../analyse/all";
import { loadRunData, type RunData } from "../analyse/run-data";
import type { AnyAnalysisTable } from "../analyse/table";
import { pickTraceExamples, traceModels, type ModelTrace } from "../analyse/trace";
import { judgeStatements } from "../analyse/judge-agreement";
import { frameHtml, plotlyLoaderOnce, rowsHtml, showFigure } from "../figures/notebook";
import { analysisTableHtml } from "../figures/report";
import type { FigureSpec } from "../figures/spec";
import type { LemmaPolicy } from "../prepare/lemmatize";
import { hasRunTable } from "../run/files";
import { replicationLayout } from "../run/layout";
import { hasRunInfo, readRunInfo, type RunInfo } from "../run/run-info";
import { checkRunMatches, runCorpusDir, runTaxonomy, RunSettingsMismatch } from "../run/run-settings";
import type { Taxonomy } from "../taxonomy/taxonomy";
import { parseUntil } from "../corpus/snapshot";
import { findRecord } from "../corpus/store";
import type { ModelRecord } from "../corpus/record";
import type { Candidate, Judgement } from "../judges/candidate";
import { buildCardDocument } from "../judges/card-text";
import { buildCallPrompt, loadPromptTemplates, prepareActivityPrompt, type CallPrompt } from "../judges/prompt";
import { readEvidence } from "../run/files";
import { activityCodeOf, type ActivityCode } from "../taxonomy/taxonomy";
import { runFunnel, type FunnelResult } from "./funnel";
import { chooseJudge, runRelevanceCheck } from "./relevance";
import { replicate } from "./replicate";

/** The one setting that points the notebooks at a run: a run directory or a replicate output folder. */
export const RUN_ENV = "HF_SE_ATLAS_RUN";
/** What `replicate` records in the output folders the notebooks create. */
export const NOTEBOOK_CREATOR = "notebook";

/** The package root (dist/pipeline and src/pipeline sit two levels below it). */
const ROOT = resolve(__dirname, "..", "..");

export interface NotebookDisplay {
  html(html: string): void;
}

export interface OpenNotebookOptions {
  /** tslab's `display` (passed in, so the library does not depend on tslab). */
  display: NotebookDisplay;
  /** A run directory or replicate output folder; default `process.env.HF_SE_ATLAS_RUN`, else the notebooks' own run. */
  run?: string;
  /** Where the notebooks keep their own runs (default `<package>/out/notebooks`). */
  home?: string;
  /** Progress lines of a run being created; default stderr. */
  log?: (line: string) => void;
}

/** Funnel settings an exercise may change. */
export interface VariantSettings {
  lemmaPolicy?: LemmaPolicy;
  similarityThreshold?: number;
  includeAliases?: boolean;
}

export interface NotebookRun {
  runDir: string;
  /** The replicate output folder around the run (report, figures), or null for a bare run directory. */
  outDir: string | null;
  corpusDir: string;
  /** The taxonomy the run searched (its own file, checked by sha256). */
  taxonomy: Taxonomy;
  info: RunInfo;
  /** True when the notebooks created this run (only then may a notebook write beside it). */
  ownRun: boolean;
  synthetic: boolean;
  data: RunData;
  analyses: RunAnalyses;
  /** One analysis table as HTML. */
  table(table: AnyAnalysisTable, rows?: number): void;
  /** A danfo DataFrame (or anything with columns and values) as HTML. */
  frame(frame: { columns: readonly string[]; values: ReadonlyArray<unknown> }, rows?: number): void;
  /** Plain objects as an HTML table. */
  rows(rows: ReadonlyArray<Record<string, unknown>>, max?: number): void;
  figure(spec: FigureSpec): void;
  /** Follow models through every stage of the run, with the evidence each stage kept. */
  trace(ids: readonly string[]): ModelTrace[];
  /** A few instructive models of the run (kept, outlier-only, near-copy, rejected). */
  examples(): Array<{ why: string; id: string }>;
  /**
   * The funnel counts with other settings (an exercise): this run's own when the settings are its own,
   * else a separate funnel on the same corpus and taxonomy under the notebooks' variants folder.
   */
  variant(settings: VariantSettings): Promise<{ runDir: string; counts: RunInfo["counts"]; nearDuplicates: RunInfo["nearDuplicates"]; fresh: boolean }>;
  /**
   * A run with discovery beside the search (`--discover`), judged by the offline rules: this run when it
   * was made with discovery, else one made (once) on the same corpus and taxonomy under the notebooks' variants folder.
   */
  discovery(): Promise<{ runDir: string; fresh: boolean }>;
  /** What the run is, in a few lines. */
  describe(): string;
  /** One model's corpus record (card, metadata, abstracts). */
  record(id: string): Promise<ModelRecord>;
  /** What a judge is given for one (model, activity): the record and the kept occurrences of that activity's tasks. */
  candidate(id: string, activity: ActivityCode): Promise<Candidate>;
  /**
   * The two messages an LLM judge receives for one pair (system: the activity's prompt; user: the card
   * between delimiter lines), with a fixed boundary token so the output reads the same on every run
   * (a real call draws a random one).
   */
  prompt(id: string, activity: ActivityCode): Promise<CallPrompt & { matchedTasks: string[] }>;
  /** The offline rules' verdict on one pair, decided now (no network, no key). */
  judgeOffline(id: string, activity: ActivityCode): Promise<Judgement>;
}

/** The boundary token shown in notebooks (fixed, so outputs do not change between runs). */
export const EXAMPLE_BOUNDARY = "0123456789abcdef01234567";

function resolveFromCwdOrRoot(path: string): string {
  if (isAbsolute(path)) return path;
  const fromCwd = resolve(path);
  return existsSync(fromCwd) ? fromCwd : resolve(ROOT, path);
}

/** A run directory and the replicate folder around it, from a path that names either. */
function locateRun(path: string): { runDir: string; outDir: string | null } | null {
  if (hasRunInfo(path)) {
    const parent = resolve(path, "..");
    return { runDir: path, outDir: replicationLayout(parent).run === resolve(path) && existsSync(replicationLayout(parent).index) ? parent : null };
  }
  const inner = replicationLayout(path).run;
  return hasRunInfo(inner) ? { runDir: inner, outDir: path } : null;
}

/** Who created a replicate output folder (its manifest's `createdBy`), or null when it has no readable manifest. */
function creatorOf(outDir: string): string | null {
  try {
    const manifest = JSON.parse(readFileSync(replicationLayout(outDir).manifest, "utf8")) as { createdBy?: unknown };
    return typeof manifest.createdBy === "string" ? manifest.createdBy : null;
  } catch {
    return null;
  }
}

/** The notebooks' own run of the demo corpus: reused when complete and current, made (or remade) when it is theirs. */
async function ownDemoRun(home: string, log: (line: string) => void): Promise<{ runDir: string; outDir: string }> {
  const outDir = join(home, "demo");
  const runDir = replicationLayout(outDir).run;
  const corpusDir = join(ROOT, "data", "demo");
  if (existsSync(outDir)) {
    if (creatorOf(outDir) !== NOTEBOOK_CREATOR) {
      throw new Error(`${outDir} holds files the notebooks did not create; they will not write there: move it away, or set ${RUN_ENV} to a run to read`);
    }
    if (hasRunInfo(runDir) && hasRunTable(runDir, "seModels")) {
      try {
        checkRunMatches(runDir, readRunInfo(runDir), { corpusDir, taxonomyPath: join(ROOT, "taxonomy", "se-tasks.json") });
        return { runDir, outDir };
      } catch (error) {
        if (!(error instanceof RunSettingsMismatch)) throw error;
        log(`notebook: remaking the notebooks' own run (${error.detail})`);
      }
    }
  }
  log(`notebook: no run given (${RUN_ENV}); making the notebooks' own run of the SYNTHETIC demo corpus in ${outDir} (offline judge)`);
  await replicate({ corpusDir, outDir, offline: true, noStatic: true, createdBy: NOTEBOOK_CREATOR, log: (line) => log(`notebook: ${line}`) });
  return { runDir, outDir };
}

export async function openNotebookRun(options: OpenNotebookOptions): Promise<NotebookRun> {
  process.env.DOTENV_CONFIG_QUIET ??= "true";
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const home = options.home ?? join(ROOT, "out", "notebooks");
  const asked = options.run ?? process.env[RUN_ENV]?.trim() ?? "";
  let located: { runDir: string; outDir: string | null };
  let ownRun: boolean;
  if (asked !== "") {
    const path = resolveFromCwdOrRoot(asked);
    const found = locateRun(path);
    if (!found) throw new Error(`${RUN_ENV}=${asked}: ${path} is neither a run directory (with run.json) nor a replicate output folder holding one`);
    if (!hasRunTable(found.runDir, "seModels")) {
      throw new Error(
        `${found.runDir} has no SE models yet: run \`hf-se-atlas judge --run ${found.runDir}\` first (notebooks only read the runs they are given)`,
      );
    }
    located = found;
    ownRun = found.outDir !== null && creatorOf(found.outDir) === NOTEBOOK_CREATOR;
  } else {
    located = await ownDemoRun(home, log);
    ownRun = true;
  }
  const { runDir, outDir } = located;
  const info = readRunInfo(runDir);
  checkRunMatches(runDir, info, {});
  const taxonomy = runTaxonomy(runDir, info);
  const corpusDir = runCorpusDir(runDir, info);
  const data = await loadRunData(runDir, corpusDir);
  const analyses = analyseRun(data, taxonomy);
  const display = options.display;
  const variantsHome = join(home, "variants");

  const nb: NotebookRun = {
    runDir,
    outDir,
    corpusDir,
    taxonomy,
    info,
    ownRun,
    synthetic: data.manifest.synthetic,
    data,
    analyses,
    table: (table, rows = 25) => display.html(analysisTableHtml(table, rows)),
    frame: (frame, rows = 30) => display.html(frameHtml(frame as Parameters<typeof frameHtml>[0], rows)),
    rows: (rows, max = 30) => display.html(rowsHtml(rows, max)),
    figure: (spec) => showFigure(display, spec),
    trace: (ids) => traceModels(runDir, ids),
    examples: () => pickTraceExamples(runDir),
    variant: (settings) => runVariant(nb, settings, variantsHome),
    discovery: () => discoveryRun(nb, variantsHome),
    describe: () => describeRun(nb),
    record: async (id) => {
      const record = await findRecord(corpusDir, id);
      if (!record) throw new Error(`${id} is not in the corpus ${corpusDir}`);
      return record;
    },
    candidate: async (id, activity) => {
      const code = activityCodeOf(activity);
      if (!code) throw new Error(`unknown activity ${JSON.stringify(activity)}`);
      const evidence = (readEvidence(runDir, new Set([id])).get(id) ?? []).filter((e) => e.activity === code).map((e) => e.evidence);
      if (evidence.length === 0) throw new Error(`${id} has no kept occurrence of a ${code} task in ${runDir}`);
      return { record: await nb.record(id), activity: code, evidence };
    },
    prompt: async (id, activity) => {
      const candidate = await nb.candidate(id, activity);
      const template = loadPromptTemplates().get(candidate.activity)!;
      const matchedTasks = [...new Set(candidate.evidence.map((e) => e.task))];
      const call = buildCallPrompt(
        prepareActivityPrompt(template, taxonomy),
        buildCardDocument(candidate.record, candidate.evidence),
        matchedTasks,
        () => EXAMPLE_BOUNDARY,
      );
      return { ...call, matchedTasks };
    },
    judgeOffline: async (id, activity) => chooseJudge({ judge: "offline", taxonomy }).judge(await nb.candidate(id, activity)),
  };
  // plotly.js is loaded once per notebook, by the set-up cell's output; every figure after waits for it.
  const loader = plotlyLoaderOnce();
  if (loader !== "") display.html(loader);
  process.stdout.write(`${nb.describe()}\n`);
  return nb;
}

function describeRun(nb: NotebookRun): string {
  const { info, data, analyses } = nb;
  const corpus = `${data.manifest.synthetic ? "SYNTHETIC demo corpus" : "corpus"} ${info.corpus.dir}: ${data.manifest.records.toLocaleString("en-US")} models, ${analyses.seModels.toLocaleString("en-US")} SE models`;
  const config = info.config;
  const settings = `taxonomy ${info.taxonomy.name} ${info.taxonomy.version} (${info.taxonomy.tasks} tasks), lemma policy ${config.lemmaPolicy}, near-identical from cosine ${config.similarityThreshold}${config.includeAliases ? ", aliases searched" : ""}${info.snapshot ? `, models created up to ${info.snapshot.until}` : ""}`;
  const judges = analyses.judgeAgreement ? judgeStatements(analyses.judgeAgreement).join("; ") : "no relevance judge yet";
  return [corpus, `run ${nb.runDir} (${nb.ownRun ? "made by the notebooks" : "read only"})`, settings, `relevance judge: ${judges}`].join("\n");
}

async function runVariant(
  nb: NotebookRun,
  settings: VariantSettings,
  home: string,
): Promise<{ runDir: string; counts: RunInfo["counts"]; nearDuplicates: RunInfo["nearDuplicates"]; fresh: boolean }> {
  const config = nb.info.config;
  const wanted = {
    lemmaPolicy: settings.lemmaPolicy ?? (config.lemmaPolicy as LemmaPolicy),
    similarityThreshold: settings.similarityThreshold ?? config.similarityThreshold,
    includeAliases: settings.includeAliases ?? config.includeAliases,
  };
  if (
    wanted.lemmaPolicy === config.lemmaPolicy &&
    wanted.similarityThreshold === config.similarityThreshold &&
    wanted.includeAliases === config.includeAliases
  ) {
    return { runDir: nb.runDir, counts: nb.info.counts, nearDuplicates: nb.info.nearDuplicates, fresh: false };
  }
  const slug = `${wanted.lemmaPolicy}-t${wanted.similarityThreshold}${wanted.includeAliases ? "-aliases" : ""}-${nb.info.taxonomy.sha256.slice(0, 8)}`;
  const runDir = join(home, slug);
  const result: FunnelResult = await runFunnel({
    corpusDir: nb.corpusDir,
    outDir: runDir,
    taxonomy: nb.taxonomy,
    ...wanted,
    until: nb.info.snapshot ? parseUntil(nb.info.snapshot.until) : null,
    progress: "lines",
  });
  return { runDir, counts: result.counts, nearDuplicates: result.nearDuplicates, fresh: true };
}

async function discoveryRun(nb: NotebookRun, home: string): Promise<{ runDir: string; fresh: boolean }> {
  if (nb.info.config.discover) return { runDir: nb.runDir, fresh: false };
  const config = nb.info.config;
  const runDir = join(home, `discover-${config.lemmaPolicy}-t${config.similarityThreshold}-${nb.info.taxonomy.sha256.slice(0, 8)}`);
  if (hasRunInfo(runDir) && hasRunTable(runDir, "verdicts")) return { runDir, fresh: false };
  await runFunnel({
    corpusDir: nb.corpusDir,
    outDir: runDir,
    taxonomy: nb.taxonomy,
    lemmaPolicy: config.lemmaPolicy as LemmaPolicy,
    similarityThreshold: config.similarityThreshold,
    includeAliases: config.includeAliases,
    until: nb.info.snapshot ? parseUntil(nb.info.snapshot.until) : null,
    discover: true,
    progress: "silent",
  });
  await runRelevanceCheck({ runDir, corpusDir: nb.corpusDir, taxonomy: nb.taxonomy, judge: "offline", progress: "silent" });
  return { runDir, fresh: true };
}
