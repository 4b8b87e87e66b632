/**
 * Everything the analyses read, loaded once from a run directory and its corpus (the I/O edge of
 * src/analyse). Only SE models' facts are kept, read shard by shard, so a full-Hub corpus fits.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readCorpusBatches, readManifest, type CorpusManifest } from "../corpus/store";
import { GROUND_TRUTH_FILE, readGroundTruth, type GroundTruthRow } from "../demo/ground-truth";
import type { Verdict } from "../judges/candidate";
import { summariseDocumentation, type DocumentationRow, type DocumentationSummaryRow } from "../search/documentation";
import { activityCodeOf, type ActivityCode } from "../taxonomy/taxonomy";
import { readArrowFile, readRows } from "../util/arrow-table";
import { factsOf, type ModelFacts, type SeModel } from "./facts";
import { errorMessage } from "../util/text";
import { consolidateLabels } from "../validate/annotations";
import { planPath, readAllLabels, readPlan } from "../validate/pilot-files";
import type { ReferenceLabel } from "./judge-agreement";

export interface RunData {
  runDir: string;
  corpusDir: string;
  manifest: CorpusManifest;
  /** Final SE models (`se-models.arrow`). */
  seModels: SeModel[];
  /** Models left after near-duplicate removal (`filter/unique.arrow`), the pilot population. */
  unique: SeModel[];
  /** Facts of every SE model, by id. */
  facts: Map<string, ModelFacts>;
  /** Table VI counted from `search/documentation.arrow` (one row per model); null when the run has none. */
  documentation: DocumentationSummaryRow[] | null;
  /** Relevance verdicts (`filter/verdicts.arrow`); null when the run has none. */
  verdicts: Verdict[] | null;
  /** The demo corpus's ground truth, when the corpus ships one. */
  groundTruth: GroundTruthRow[] | null;
  /** Human labels imported for the run's pilots (validate/labels), consolidated; null when there are none. */
  humanLabels: ReferenceLabel[] | null;
  /** The run's `run.json` (config, taxonomy, counts), or null when absent or unreadable (see problems). */
  runInfo: Record<string, unknown> | null;
  /** Rows that could not be used, each naming the model and the reason. */
  problems: string[];
}

/** Parse `run.json`; a broken file is recorded as a problem rather than stopping the report. */
export function readRunInfo(runDir: string, problems: string[]): Record<string, unknown> | null {
  const path = join(runDir, "run.json");
  if (!existsSync(path)) return null;
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`${path}: not a JSON object`);
  } catch (error) {
    problems.push(`${path}: unreadable (${errorMessage(error)})`);
  }
  return null;
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

function requireFile(path: string, hint: string): string {
  if (!existsSync(path)) throw new Error(`missing ${path}: ${hint}`);
  return path;
}

export async function loadRunData(runDir: string, corpusDir: string): Promise<RunData> {
  const problems: string[] = [];
  const manifest = await readManifest(corpusDir);
  const seModels = seModelsFromRows(
    readRows<ModelListRow>(requireFile(join(runDir, "se-models.arrow"), "run the relevance check first")),
    "se-models.arrow",
    problems,
  );
  const unique = seModelsFromRows(
    readRows<ModelListRow>(requireFile(join(runDir, "filter", "unique.arrow"), "run the funnel first")),
    "filter/unique.arrow",
    problems,
  );
  const wanted = new Set(seModels.map((m) => m.id));
  const facts = new Map<string, ModelFacts>();
  for await (const batch of readCorpusBatches(corpusDir)) {
    for (const record of batch) if (wanted.has(record.id)) facts.set(record.id, factsOf(record));
  }
  for (const id of wanted) if (!facts.has(id)) problems.push(`se-models.arrow: model ${id} is not in the corpus ${corpusDir}; its facts are unknown`);
  for (const f of facts.values()) for (const issue of f.issues) problems.push(`corpus: model ${f.id}: ${issue}`);
  const documentationPath = join(runDir, "search", "documentation.arrow");
  const verdictsPath = join(runDir, "filter", "verdicts.arrow");
  const truthPath = join(corpusDir, GROUND_TRUTH_FILE);
  return {
    runDir,
    corpusDir,
    manifest,
    seModels,
    unique,
    facts,
    documentation: existsSync(documentationPath) ? summariseDocumentation(documentationRowsOf(documentationPath)) : null,
    verdicts: existsSync(verdictsPath) ? readRows<Verdict>(verdictsPath) : null,
    groundTruth: existsSync(truthPath) ? readGroundTruth(truthPath) : null,
    humanLabels: readHumanLabels(runDir, problems),
    runInfo: readRunInfo(runDir, problems),
    problems,
  };
}

/**
 * The run's human labels: the pilot plan's labels consolidated with annotator "A" as the primary (the
 * CLI's default), or, without labels from "A", those of the first annotator by name. Null without any.
 */
function readHumanLabels(runDir: string, problems: string[]): ReferenceLabel[] | null {
  const labels = readAllLabels(runDir);
  if (labels.length === 0 || !existsSync(planPath(runDir))) return null;
  const plan = readPlan(runDir);
  const primary = labels.some((l) => l.annotator === "A") ? "A" : [...new Set(labels.map((l) => l.annotator))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0]!;
  try {
    return consolidateLabels(plan, labels, primary).labels.map((l) => ({ id: l.id, activity: l.activity, relevant: l.relevant }));
  } catch (error) {
    problems.push(`validate/labels: the human labels could not be consolidated (${errorMessage(error)})`);
    return null;
  }
}

/** Rows of documentation.arrow one at a time (a full-Hub run has one row per model: 1.5M). */
function* documentationRowsOf(path: string): Generator<DocumentationRow> {
  const table = readArrowFile(path);
  const column = (name: keyof DocumentationRow) => {
    const vector = table.getChild(name);
    if (!vector) throw new Error(`${path} has no column "${name}"`);
    return vector;
  };
  const [modelId, category, card, metadata, abstract, hasAbstract] = (
    ["modelId", "category", "matchedInCard", "matchedInMetadata", "matchedInAbstract", "hasAbstract"] as const
  ).map(column);
  for (let i = 0; i < table.numRows; i++) {
    yield {
      modelId: modelId!.get(i) as string,
      category: category!.get(i) as DocumentationRow["category"],
      matchedInCard: card!.get(i) as boolean,
      matchedInMetadata: metadata!.get(i) as boolean,
      matchedInAbstract: abstract!.get(i) as boolean,
      hasAbstract: hasAbstract!.get(i) as boolean,
    };
  }
}
