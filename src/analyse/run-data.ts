/**
 * Everything the analyses read, loaded once from a run directory and its corpus (the I/O edge of
 * src/analyse). Only SE models' facts are kept, read shard by shard, so a full-Hub corpus fits.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readCorpusBatches, readManifest, type CorpusManifest } from "../corpus/store";
import { GROUND_TRUTH_FILE, readGroundTruth, type GroundTruthRow } from "../demo/ground-truth";
import { hasRunTable, readEvidence, readRunTable, readRunTableIfPresent, scanDocumentationRows } from "../run/files";
import { RUN_FILES, runLayout } from "../run/layout";
import { hasRunInfo, readRunInfo, RunFileError, type RunInfo } from "../run/run-info";
import { verifyRun } from "../run/state";
import type { DocumentationSummaryRow, Verdict } from "../run/tables";
import { documentationLimitsOf, summariseDocumentation } from "../search/documentation";
import { activityCodeOf, type ActivityCode } from "../taxonomy/taxonomy";
import { factsOf, type ModelFacts, type SeModel } from "./facts";
import { consolidateLabels } from "../validate/annotations";
import { readAllLabels, readPlan } from "../validate/pilot-files";
import { errorMessage } from "../util/text";
import type { ReferenceLabel } from "./judge-agreement";
import { isRejection, type PairOccurrence } from "./misreadings";
import type { PilotLabels } from "./validation";

export interface RunData {
  runDir: string;
  corpusDir: string;
  manifest: CorpusManifest;
  /** Final SE models (the SE models table). */
  seModels: SeModel[];
  /** Models left after near-duplicate removal (the unique table), the pilot population. */
  unique: SeModel[];
  /** Facts of every SE model, by id. */
  facts: Map<string, ModelFacts>;
  /** Table VI counted from the documentation table (one row per model); null when the run has none. */
  documentation: DocumentationSummaryRow[] | null;
  /** Relevance verdicts; null when the run has none. */
  verdicts: Verdict[] | null;
  /** The demo corpus's ground truth, when the corpus ships one. */
  groundTruth: GroundTruthRow[] | null;
  /** The pilot's human labels (validate/), consolidated, with their sets and votes; null when the run has none. */
  pilot: PilotLabels | null;
  /** The same human labels as (model, activity, relevant), every set together (the judge-agreement table); null without. */
  humanLabels: ReferenceLabel[] | null;
  /** Kept task occurrences of every pair the judge rejected, by `id` + NUL + `activity` (RQ1.2's misreadings). */
  rejectedOccurrences: Map<string, PairOccurrence[]>;
  /** The run description (config, taxonomy, counts), or null when absent or unreadable (see problems). */
  runInfo: RunInfo | null;
  /** Rows that could not be used, each naming the model and the reason. */
  problems: string[];
}

/** The run description; a broken one is recorded as a problem rather than stopping the report. */
function runInfoOrProblem(runDir: string, problems: string[]): RunInfo | null {
  if (!hasRunInfo(runDir)) return null;
  try {
    return readRunInfo(runDir);
  } catch (error) {
    if (!(error instanceof RunFileError)) throw error;
    problems.push(error.message);
    return null;
  }
}

interface ModelListRow {
  id: string;
  activities: string[] | null;
  tasks: string[] | null;
}

/** Parse an activities/tasks table, recording (not dropping silently) rows with unknown activities. */
export function seModelsFromRows(rows: readonly ModelListRow[], file: string, problems: string[]): SeModel[] {
  const models: SeModel[] = [];
  for (const row of rows) {
    const activities: ActivityCode[] = [];
    for (const raw of row.activities ?? []) {
      const code = activityCodeOf(raw);
      if (code) activities.push(code);
      else problems.push(`${file}: model ${row.id}: unknown activity ${JSON.stringify(raw)} ignored`);
    }
    if (activities.length === 0) problems.push(`${file}: model ${row.id}: no known activity`);
    models.push({ id: row.id, activities: [...new Set(activities)], tasks: row.tasks ?? [] });
  }
  return models;
}

/**
 * The run's human labels: the pilot plan's labels consolidated with annotator "A" as the primary (the
 * CLI's default), or, without labels from "A", the first annotator by name. Null without any; labels
 * that cannot be consolidated are a problem, not a stop.
 */
function readPilotLabels(runDir: string, problems: string[]): PilotLabels | null {
  try {
    const labels = readAllLabels(runDir);
    if (labels.length === 0 || !existsSync(runLayout(runDir).validate.plan)) return null;
    const annotators = [...new Set(labels.map((l) => l.annotator))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const primary = annotators.includes("A") ? "A" : annotators[0]!;
    return { primary, annotators, consolidation: consolidateLabels(readPlan(runDir), labels, primary) };
  } catch (error) {
    problems.push(`${runLayout(runDir).validate.labelsDir}: the human labels could not be read or consolidated (${errorMessage(error)})`);
    return null;
  }
}

/** The kept occurrences of each rejected pair, read only for the models with a rejection. */
function rejectedOccurrencesOf(runDir: string, verdicts: readonly Verdict[] | null): Map<string, PairOccurrence[]> {
  const out = new Map<string, PairOccurrence[]>();
  const rejected = (verdicts ?? []).filter((v) => isRejection(v));
  if (rejected.length === 0) return out;
  const wanted = new Set(rejected.map((v) => `${v.id}\u0000${v.activity}`));
  for (const [id, list] of readEvidence(runDir, new Set(rejected.map((v) => v.id)))) {
    for (const { activity, evidence } of list) {
      const key = `${id}\u0000${activity}`;
      if (!wanted.has(key)) continue;
      const occurrence: PairOccurrence = { task: evidence.task, raw: evidence.raw, before: evidence.before, after: evidence.after };
      if (evidence.section) occurrence.section = evidence.section;
      if (evidence.source === "card" && typeof evidence.charStart === "number" && typeof evidence.charEnd === "number")
        occurrence.at = [evidence.charStart, evidence.charEnd];
      (out.get(key) ?? out.set(key, []).get(key)!).push(occurrence);
    }
  }
  return out;
}

/** Characters of the card kept either side of a rejected phrase (a few sentences). */
const WIDE_CHARS = 200;

function widerContext(body: string, [start, end]: readonly [number, number]): string {
  return body.slice(Math.max(0, start - WIDE_CHARS), Math.min(body.length, end + WIDE_CHARS));
}

/**
 * Load a run for the analyses. A run the funnel described is checked first (src/run/state.ts): refused
 * when a stage did not finish rewriting it, when its files are not the ones run.json records, when its
 * verdicts were given on other candidates, or when `corpusDir` is not the corpus it was made from.
 */
export async function loadRunData(runDir: string, corpusDir: string): Promise<RunData> {
  const problems: string[] = [];
  const check = verifyRun(runDir, "relevance", { corpusDir });
  if (check.info && check.unchecked) problems.push(check.unchecked);
  const manifest = await readManifest(corpusDir);
  const seModels = seModelsFromRows(readRunTable(runDir, "seModels"), RUN_FILES.seModels, problems);
  const unique = seModelsFromRows(readRunTable(runDir, "unique", ["id", "activities", "tasks"]), RUN_FILES.unique, problems);
  const wanted = new Set(seModels.map((m) => m.id));
  const facts = new Map<string, ModelFacts>();
  const verdicts = readRunTableIfPresent(runDir, "verdicts");
  const rejectedOccurrences = rejectedOccurrencesOf(runDir, verdicts);
  const rejectedById = new Map<string, PairOccurrence[]>();
  for (const [key, list] of rejectedOccurrences) {
    const id = key.slice(0, key.indexOf("\u0000"));
    rejectedById.set(id, [...(rejectedById.get(id) ?? []), ...list]);
  }
  for await (const batch of readCorpusBatches(corpusDir)) {
    for (const record of batch) {
      if (wanted.has(record.id)) facts.set(record.id, factsOf(record));
      // A rejected phrase's wider surroundings in the card, for reading which misreading it was.
      for (const o of rejectedById.get(record.id) ?? []) if (o.at && record.cardBody) o.wide = widerContext(record.cardBody, o.at);
    }
  }
  for (const id of wanted) if (!facts.has(id)) problems.push(`${RUN_FILES.seModels}: model ${id} is not in the corpus ${corpusDir}; its facts are unknown`);
  for (const f of facts.values()) for (const issue of f.issues) problems.push(`corpus: model ${f.id}: ${issue}`);
  const truthPath = join(corpusDir, GROUND_TRUTH_FILE);
  const pilot = readPilotLabels(runDir, problems);
  return {
    runDir,
    corpusDir,
    manifest,
    seModels,
    unique,
    facts,
    documentation: hasRunTable(runDir, "documentation") ? summariseDocumentation(scanDocumentationRows(runDir), documentationLimitsOf(manifest)) : null,
    verdicts,
    groundTruth: existsSync(truthPath) ? readGroundTruth(truthPath) : null,
    pilot,
    humanLabels: pilot ? pilot.consolidation.labels.map((l) => ({ id: l.id, activity: l.activity, relevant: l.relevant })) : null,
    rejectedOccurrences,
    runInfo: runInfoOrProblem(runDir, problems),
    problems,
  };
}
