/**
 * Helpers for tests that write card dumps in the Hub dump's Parquet layout (src/corpus/card-dump.ts):
 * models made from corpus records, and broken files (cut off, foreign bytes).
 */
import { promises as fs } from "node:fs";
import type { CardDumpModel } from "../../src/corpus/card-dump";
import type { ModelRecord } from "../../src/corpus/record";

/** A dump row for a record, as the dump would carry it (the README text as the card). */
export function dumpModelOf(record: ModelRecord): CardDumpModel {
  return {
    modelId: record.id,
    author: record.author,
    lastModified: record.lastModified === null ? null : new Date(record.lastModified),
    downloads: record.downloads,
    likes: record.likes,
    libraryName: record.libraryName,
    tags: record.tags,
    pipelineTag: record.pipelineTag,
    createdAt: record.createdAt === null ? null : new Date(record.createdAt),
    card: record.cardText,
  };
}

/** The Hub API JSON line `ingest` reads for the same record (README included). */
export function apiLineOf(record: ModelRecord): string {
  return JSON.stringify({
    id: record.id,
    author: record.author,
    createdAt: record.createdAt === null ? null : new Date(record.createdAt).toISOString(),
    lastModified: record.lastModified === null ? null : new Date(record.lastModified).toISOString(),
    downloads: record.downloads,
    likes: record.likes,
    pipeline_tag: record.pipelineTag,
    library_name: record.libraryName,
    tags: record.tags,
    readme: record.cardText,
  });
}

/** A simple dump row. */
export function dumpModel(id: string, card: string | null, extra: Partial<CardDumpModel> = {}): CardDumpModel {
  return {
    modelId: id,
    author: id.includes("/") ? id.split("/")[0]! : null,
    lastModified: new Date("2025-01-02T03:04:05.000Z"),
    downloads: 10,
    likes: 1,
    libraryName: "transformers",
    tags: ["transformers"],
    pipelineTag: "text-generation",
    createdAt: new Date("2024-06-01T00:00:00.000Z"),
    card,
    ...extra,
  };
}

/** Cut a file to `keep` bytes (a download that stopped half-way). */
export async function truncateFile(path: string, keep: number): Promise<void> {
  await fs.truncate(path, keep);
}
