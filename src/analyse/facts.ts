/**
 * The few facts each analysis needs about one model, lifted from its corpus record once.
 *
 * Keeping the projection small lets a run hold facts for every SE model without holding the whole
 * corpus, and keeps the analyses pure functions over plain rows.
 */
import type { ModelRecord } from "../corpus/record";
import type { ActivityCode } from "../taxonomy/taxonomy";
import { errorMessage } from "../util/text";

/** A final SE model as the run's SE models table stores it, activities read as codes. */
export interface SeModel {
  id: string;
  activities: ActivityCode[];
  /** Task ids (or names) the model matched and kept. */
  tasks: string[];
}

export interface ModelFacts {
  id: string;
  createdAt: string | null;
  downloads: number | null;
  likes: number | null;
  pipelineTag: string | null;
  /** Lower-cased licence ids from the card metadata, else from `license:` tags. */
  licenses: string[];
  /** Dataset ids from the card metadata, else from `dataset:` tags. */
  datasets: string[];
  /** `base_model` from the card metadata (the field the paper counts). */
  baseModels: string[];
  /** Natural or programming languages the model declares (metadata `language` and tags), lower-cased. */
  languages: string[];
  tags: string[];
  /** Card text after the front matter, or null when there is no readable card. */
  cardBody: string | null;
  /** Whether the metadata carries `co2_eq_emissions` (the Hub's energy-reporting field). */
  hasCo2Metadata: boolean;
  /** Number of `model-index` result rows (scores reported in metadata). */
  modelIndexResults: number;
  /** Why a fact could not be read (e.g. unparseable metadata JSON); kept, never dropped. */
  issues: string[];
}

export function factsOf(record: ModelRecord): ModelFacts {
  const issues: string[] = [];
  const meta = record.cardMeta;
  let raw: Record<string, unknown> = {};
  if (meta) {
    try {
      const parsed: unknown = JSON.parse(meta.rawJson);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
    } catch (error) {
      issues.push(`card metadata JSON unreadable: ${errorMessage(error)}`);
    }
  }
  const licenses = meta && meta.license.length > 0 ? meta.license : tagValues(record.tags, "license:");
  const datasets = meta && meta.datasets.length > 0 ? meta.datasets : tagValues(record.tags, "dataset:");
  return {
    id: record.id,
    createdAt: record.createdAt,
    downloads: record.downloads,
    likes: record.likes,
    pipelineTag: record.pipelineTag ?? meta?.pipelineTag ?? null,
    licenses: unique(licenses.map((l) => l.trim().toLowerCase()).filter(Boolean)),
    datasets: unique(datasets.map((d) => d.trim()).filter(Boolean)),
    baseModels: unique((meta?.baseModel ?? []).map((b) => b.trim()).filter(Boolean)),
    languages: unique([...(meta?.language ?? []), ...record.tags].map((l) => l.trim().toLowerCase()).filter(Boolean)),
    tags: record.tags,
    cardBody: record.cardBody,
    hasCo2Metadata: raw.co2_eq_emissions !== undefined && raw.co2_eq_emissions !== null,
    modelIndexResults: meta?.modelIndex.length ?? 0,
    issues,
  };
}

function tagValues(tags: readonly string[], prefix: string): string[] {
  return tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
