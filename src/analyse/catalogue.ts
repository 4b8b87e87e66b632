/**
 * The run's SE models as a catalogue to choose from (the data behind the selection page, Fig. 10 made
 * interactive). Every fact comes from the logic the analyses already use, so the page's counts are the
 * tables' counts: licence families (licenses.ts), the selection steps' language and energy tests and
 * the paper's ranking (selection.ts), benchmarks named in card tables (benchmarks.ts). Plain data,
 * JSON-ready, in a deterministic order.
 */
import { ACTIVITY_CODES, ACTIVITY_NAMES, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";
import type { RunAnalyses } from "./all";
import { benchmarkOfCell, benchmarksInCard, BENCHMARK_DICTIONARY, parseMarkdownTables } from "./benchmarks";
import { emptyEvidence, type ModelEvidence, type RunEvidence } from "./evidence";
import type { ModelFacts } from "./facts";
import { licenseFamily, type LicenseFamily } from "./licenses";
import { PAPER_SELECTED_MODEL } from "../paper/reported";
import type { RunData } from "./run-data";
import { languageStep, rankCandidates, reportsEnergyUse, type SelectionCandidate } from "./selection";
import { compareText } from "../util/text";

/** The licence groups a team choosing a model asks about; a model is in every group one of its licences is in. */
export type LicenceGroup = "permissive" | "copyleft" | "non-commercial" | "other" | "none";
export const LICENCE_GROUPS: readonly LicenceGroup[] = ["permissive", "copyleft", "non-commercial", "other", "none"];

export function licenceGroupOf(family: LicenseFamily): LicenceGroup {
  if (family === "permissive" || family === "copyleft" || family === "non-commercial" || family === "none") return family;
  return "other"; // creative-commons (neither NC nor SA), model-specific (OpenRAIL, Llama, ...), other
}

export interface ProgrammingLanguage {
  /** As declared in metadata or tags, lower case (the selection step's spelling). */
  id: string;
  name: string;
  /** Other declared spellings. */
  aliases: readonly string[];
  /**
   * Whether naming it in the card prose counts, as the paper's walk-through counts "Python". Off for
   * names that are ordinary words or letters (Go, C, R, Swift): those count only when declared.
   */
  prose: boolean;
}

export const PROGRAMMING_LANGUAGES: readonly ProgrammingLanguage[] = [
  { id: "python", name: "Python", aliases: [], prose: true },
  { id: "java", name: "Java", aliases: [], prose: true },
  { id: "javascript", name: "JavaScript", aliases: ["js"], prose: true },
  { id: "typescript", name: "TypeScript", aliases: ["ts"], prose: true },
  { id: "c++", name: "C++", aliases: ["cpp"], prose: true },
  { id: "c#", name: "C#", aliases: ["csharp"], prose: true },
  { id: "c", name: "C", aliases: [], prose: false },
  { id: "go", name: "Go", aliases: ["golang"], prose: false },
  { id: "rust", name: "Rust", aliases: [], prose: true },
  { id: "php", name: "PHP", aliases: [], prose: true },
  { id: "ruby", name: "Ruby", aliases: [], prose: true },
  { id: "kotlin", name: "Kotlin", aliases: [], prose: true },
  { id: "scala", name: "Scala", aliases: [], prose: true },
  { id: "swift", name: "Swift", aliases: [], prose: false },
  { id: "r", name: "R", aliases: [], prose: false },
  { id: "julia", name: "Julia", aliases: [], prose: true },
  { id: "haskell", name: "Haskell", aliases: [], prose: true },
  { id: "lua", name: "Lua", aliases: [], prose: true },
  { id: "perl", name: "Perl", aliases: [], prose: true },
  { id: "sql", name: "SQL", aliases: [], prose: true },
  { id: "bash", name: "Shell", aliases: ["shell"], prose: true },
  { id: "solidity", name: "Solidity", aliases: [], prose: true },
  { id: "verilog", name: "Verilog", aliases: ["vhdl"], prose: true },
];

const languageTests = PROGRAMMING_LANGUAGES.map((language) => {
  const step = language.prose ? languageStep(language.id) : null;
  const declared = [language.id, ...language.aliases];
  return { id: language.id, keep: (c: SelectionCandidate) => declared.some((d) => c.facts.languages.includes(d)) || (step?.keep(c) ?? false) };
});

/** Programming languages a model serves, by the walk-through's language test (declared, or named in the prose outside code). */
export function programmingLanguagesOf(candidate: SelectionCandidate): string[] {
  return languageTests.filter((t) => t.keep(candidate)).map((t) => t.id);
}

/** ISO 639-1 codes: the Hub spells natural languages this way in `language` metadata and in tags. */
const ISO_639_1 = new Set(
  (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv " +
    "ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my " +
    "na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty " +
    "ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"
  ).split(" "),
);

/** Natural languages among a model's declared languages and tags (ISO 639-1 codes, and `multilingual`). */
export function naturalLanguagesOf(facts: ModelFacts): string[] {
  return facts.languages.filter((l) => ISO_639_1.has(l) || l === "multilingual");
}

export interface BenchmarkScore {
  benchmark: string;
  /** The score as a number, when a cell for it holds one. */
  value: number | null;
  /** The cell as printed in the card ("53.1", "40.2%"), empty when no cell holds a number. */
  text: string;
  /** The metric named beside it (a `Metric` column, or the column header), when the table says. */
  metric: string | null;
}

const NUMBER_CELL = /^[~≈]?\s*([-+]?\d+(?:\.\d+)?)\s*%?\s*(?:(?:±|\+\/-|\+-|\().*)?$/;

function numberIn(cell: string | undefined): number | null {
  const match = NUMBER_CELL.exec((cell ?? "").trim());
  return match ? Number(match[1]) : null;
}

/**
 * The score a card's tables give each benchmark it reports (same tables and names as benchmarksInCard).
 * A benchmark in the first column takes the first number in its row; a benchmark in the header takes
 * the first number below it. Scores are as printed: a 0-1 fraction and a percentage are not reconciled.
 */
export function benchmarkScoresInCard(cardBody: string | null): BenchmarkScore[] {
  const names = benchmarksInCard(cardBody);
  if (names.length === 0) return [];
  const found = new Map<string, BenchmarkScore>();
  for (const table of parseMarkdownTables(cardBody!)) {
    const metricColumn = table.header.findIndex((h) => /^metrics?$/i.test(h.trim()));
    for (const row of table.rows) {
      const benchmark = benchmarkOfCell(row[0] ?? "");
      if (!benchmark || found.get(benchmark)?.value != null) continue;
      const column = row.findIndex((cell, j) => j > 0 && j !== metricColumn && numberIn(cell) !== null);
      const metric = metricColumn > 0 ? row[metricColumn] || null : column > 0 ? table.header[column] || null : null;
      found.set(benchmark, { benchmark, value: column > 0 ? numberIn(row[column]) : null, text: column > 0 ? row[column]! : "", metric });
    }
    table.header.forEach((cell, j) => {
      const benchmark = benchmarkOfCell(cell);
      if (!benchmark || found.get(benchmark)?.value != null) return;
      const row = table.rows.find((r) => numberIn(r[j]) !== null);
      found.set(benchmark, { benchmark, value: row ? numberIn(row[j]) : null, text: row ? row[j]! : "", metric: null });
    });
  }
  return names.map((benchmark) => found.get(benchmark) ?? { benchmark, value: null, text: "", metric: null });
}

export type CatalogueFacet = "activity" | "task" | "language" | "licence" | "energy" | "benchmarks";

export interface CatalogueModel {
  id: string;
  /** False when the model is missing from the corpus: its facts are unknown (the run's problems say so). */
  inCorpus: boolean;
  activities: ActivityCode[];
  /** Keys into `Catalogue.tasks`. */
  tasks: string[];
  pipelineTag: string | null;
  languages: string[];
  /** Ids from `Catalogue.programmingLanguages`. */
  programmingLanguages: string[];
  licenses: Array<{ id: string; family: LicenseFamily }>;
  licenceGroups: LicenceGroup[];
  baseModels: string[];
  downloads: number | null;
  likes: number | null;
  reportsEnergy: boolean;
  benchmarks: BenchmarkScore[];
  /** `model-index` score rows in the card metadata. */
  scoresInMetadata: number;
  /** Position in the paper's ranking (rankCandidates) of all SE models; 1 is first. */
  rank: number;
  evidence: ModelEvidence;
}

export interface Catalogue {
  synthetic: boolean;
  corpus: { records: number; createdBy: string };
  activities: Array<{ code: ActivityCode; name: string }>;
  /** Every task some model kept, by key (taxonomy id; the raw key when the taxonomy lacks it). */
  tasks: Array<{ key: string; name: string; activity: ActivityCode | null }>;
  programmingLanguages: Array<{ id: string; name: string }>;
  licenceGroups: LicenceGroup[];
  /** Benchmarks some model reports, in dictionary order. */
  benchmarks: string[];
  /** The paper's chain (paperSelectionSteps) as facet values, and where the paper ended. */
  walkthrough: { steps: Array<{ facet: CatalogueFacet; value: string }>; paperEndsAt: string };
  /** What "where it matched" shows: the match table's provenance column when it has one, else the field. */
  matchWhere: "provenance" | "field";
  models: CatalogueModel[];
}

/** The paper's walk-through (selection.ts, paperSelectionSteps) as facet values of the catalogue. */
export const PAPER_WALKTHROUGH: Catalogue["walkthrough"]["steps"] = [
  { facet: "activity", value: "SI" },
  { facet: "language", value: "python" },
  { facet: "energy", value: "yes" },
  { facet: "licence", value: "permissive" },
];

export function buildCatalogue(data: RunData, analyses: RunAnalyses, taxonomy: Taxonomy, evidence: RunEvidence): Catalogue {
  const byId = new Map(taxonomy.tasks.map((t) => [t.id, t]));
  const byName = new Map(taxonomy.tasks.map((t) => [t.name, t]));
  const tasks = new Map<string, { key: string; name: string; activity: ActivityCode | null }>();
  const taskKey = (key: string) => {
    const task = byId.get(key) ?? byName.get(key);
    const entry = task ? { key: task.id, name: task.name, activity: task.activity } : { key, name: key, activity: null };
    if (!tasks.has(entry.key)) tasks.set(entry.key, entry);
    return entry.key;
  };

  const candidates: SelectionCandidate[] = [];
  for (const model of data.seModels) {
    const facts = data.facts.get(model.id);
    if (facts) candidates.push({ model, facts, benchmarks: analyses.benchmarks.perModel.get(model.id) ?? [] });
  }
  const rank = new Map(rankCandidates(candidates).map((r) => [r.id, r.rank]));
  const candidateOf = new Map(candidates.map((c) => [c.model.id, c]));

  const models: CatalogueModel[] = [...data.seModels]
    .sort((a, b) => compareText(a.id, b.id))
    .map((model) => {
      const c = candidateOf.get(model.id);
      const f = c?.facts;
      const licenses = (f?.licenses ?? []).map((id) => ({ id, family: licenseFamily(id) }));
      const groups = new Set(licenses.map((l) => licenceGroupOf(l.family)));
      if (licenses.length === 0) groups.add("none");
      const scores = new Map(benchmarkScoresInCard(f?.cardBody ?? null).map((s) => [s.benchmark, s]));
      return {
        id: model.id,
        inCorpus: f !== undefined,
        activities: ACTIVITY_CODES.filter((a) => model.activities.includes(a)),
        tasks: [...new Set(model.tasks.map(taskKey))],
        pipelineTag: f?.pipelineTag ?? null,
        languages: f ? naturalLanguagesOf(f) : [],
        programmingLanguages: c ? programmingLanguagesOf(c) : [],
        licenses,
        licenceGroups: LICENCE_GROUPS.filter((g) => groups.has(g)),
        baseModels: f?.baseModels ?? [],
        downloads: f?.downloads ?? null,
        likes: f?.likes ?? null,
        reportsEnergy: f ? reportsEnergyUse(f) : false,
        // The benchmark list is the analyses' (Fig. 9); the scores only add the numbers printed beside them.
        benchmarks: (c?.benchmarks ?? []).map((b) => scores.get(b) ?? { benchmark: b, value: null, text: "", metric: null }),
        scoresInMetadata: f?.modelIndexResults ?? 0,
        rank: rank.get(model.id) ?? 0,
        evidence: evidence.byModel.get(model.id) ?? emptyEvidence(),
      };
    });
  // Models without facts are ranked after every model with them, by id.
  let next = candidates.length;
  for (const m of models) if (m.rank === 0) m.rank = ++next;

  const present = new Set(models.flatMap((m) => m.benchmarks.map((b) => b.benchmark)));
  const activityOrder = (a: ActivityCode | null) => (a === null ? ACTIVITY_CODES.length : ACTIVITY_CODES.indexOf(a));
  return {
    synthetic: data.manifest.synthetic,
    corpus: { records: data.manifest.records, createdBy: data.manifest.createdBy },
    activities: ACTIVITY_CODES.map((code) => ({ code, name: ACTIVITY_NAMES[code] })),
    tasks: [...tasks.values()].sort((a, b) => activityOrder(a.activity) - activityOrder(b.activity) || compareText(a.name, b.name)),
    programmingLanguages: PROGRAMMING_LANGUAGES.map(({ id, name }) => ({ id, name })),
    licenceGroups: [...LICENCE_GROUPS],
    benchmarks: BENCHMARK_DICTIONARY.map((b) => b.name).filter((name) => present.has(name)),
    walkthrough: { steps: PAPER_WALKTHROUGH.map((s) => ({ ...s })), paperEndsAt: PAPER_SELECTED_MODEL },
    matchWhere: evidence.hasProvenance ? "provenance" : "field",
    models,
  };
}
