/**
 * The SE-model catalogue (src/analyse/catalogue.ts, the data behind the selection page) as one flat table:
 * one row per SE model with the facts a reader filters on. `replicate` writes it as Parquet and CSV beside
 * the analysis tables (`REPLICATION_FILES.catalogueParquet`), so DuckDB, pandas or the Hub's viewer can
 * query the catalogue without opening the page. Evidence stays in the page and the run directory.
 */
import type { TableSpec } from "../util/arrow-table";
import type { Catalogue } from "./catalogue";

export interface CatalogueRow {
  id: string;
  /** Position in the paper's ranking of all SE models (1 is first). */
  rank: number;
  /** False when the model is missing from the corpus (its facts are unknown). */
  inCorpus: boolean;
  activities: string[];
  /** Task names (taxonomy names; the raw key when the taxonomy lacks it). */
  tasks: string[];
  taskIds: string[];
  pipelineTag: string | null;
  languages: string[];
  programmingLanguages: string[];
  licenses: string[];
  licenceGroups: string[];
  baseModels: string[];
  /** Hub counters; floats because downloads can pass 2^31. */
  downloads: number | null;
  likes: number | null;
  reportsEnergy: boolean;
  /** Benchmarks the card's tables report. */
  benchmarks: string[];
  /** `model-index` score rows in the card metadata. */
  scoresInMetadata: number;
}

export const CATALOGUE_COLUMNS: TableSpec<CatalogueRow> = [
  { name: "id", type: "string" },
  { name: "rank", type: "int" },
  { name: "inCorpus", type: "bool" },
  { name: "activities", type: "string[]" },
  { name: "tasks", type: "string[]" },
  { name: "taskIds", type: "string[]" },
  { name: "pipelineTag", type: "string", nullable: true },
  { name: "languages", type: "string[]" },
  { name: "programmingLanguages", type: "string[]" },
  { name: "licenses", type: "string[]" },
  { name: "licenceGroups", type: "string[]" },
  { name: "baseModels", type: "string[]" },
  { name: "downloads", type: "float", nullable: true },
  { name: "likes", type: "float", nullable: true },
  { name: "reportsEnergy", type: "bool" },
  { name: "benchmarks", type: "string[]" },
  { name: "scoresInMetadata", type: "int" },
];

/** The catalogue's models as rows, in the catalogue's (deterministic) order. */
export function catalogueRows(catalogue: Catalogue): CatalogueRow[] {
  const taskNames = new Map(catalogue.tasks.map((t) => [t.key, t.name]));
  return catalogue.models.map((m) => ({
    id: m.id,
    rank: m.rank,
    inCorpus: m.inCorpus,
    activities: [...m.activities],
    tasks: m.tasks.map((key) => taskNames.get(key) ?? key),
    taskIds: [...m.tasks],
    pipelineTag: m.pipelineTag,
    languages: [...m.languages],
    programmingLanguages: [...m.programmingLanguages],
    licenses: m.licenses.map((l) => l.id),
    licenceGroups: [...m.licenceGroups],
    baseModels: [...m.baseModels],
    downloads: m.downloads,
    likes: m.likes,
    reportsEnergy: m.reportsEnergy,
    benchmarks: [...new Set(m.benchmarks.map((b) => b.benchmark))],
    scoresInMetadata: m.scoresInMetadata,
  }));
}
