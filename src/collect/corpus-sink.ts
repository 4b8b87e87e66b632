/**
 * The collector's only contact with the corpus store: read which models are already there, and
 * append a batch of records (new shards, then the manifest; each write atomic).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ModelRecord } from "../corpus/record";
import { existingModels, lockCorpus, MANIFEST_FILE, openCorpusWriter, updateManifest } from "../corpus/store";

/** Own the corpus directory for the whole crawl (a second writer fails at once, naming this one). */
export const lockCorpusForCrawl = lockCorpus;

/** Where a crawl stands, as the manifest records it while the crawl is unfinished. */
export interface CrawlCursor {
  nextPageUrl: string | null;
  listed: number;
  written: number;
}

/**
 * Mark the corpus as being crawled (`complete: false` with the cursor), or as whole again once the crawl
 * ended (`complete: true`, cursor dropped). A crawl killed at any point leaves `complete: false`, so no
 * reader takes a partial crawl for a finished one. Creates an empty corpus when there is none yet.
 */
export async function markCrawl(dir: string, cursor: CrawlCursor | null): Promise<void> {
  const fields = cursor === null ? { complete: true, cursor: undefined } : { complete: false, cursor };
  if (existsSync(join(dir, MANIFEST_FILE))) {
    await updateManifest(dir, fields);
    return;
  }
  const writer = await openCorpusWriter(dir, { append: true, createdBy: "hf-se-atlas collect", synthetic: false });
  await writer.close(cursor === null ? { complete: true } : { complete: false, cursor });
}

/** Id -> lastModified of every model already in the corpus (empty when there is none); reads two columns only. */
export const readExistingModels = existingModels;

/** Append records to the corpus as new shards; the manifest is rewritten last, so a crash leaves the old corpus readable. */
export async function appendToCorpus(dir: string, records: readonly ModelRecord[], shardSize = 2000): Promise<void> {
  const writer = await openCorpusWriter(dir, { shardSize, append: true, createdBy: "hf-se-atlas collect", synthetic: false });
  for (const record of records) await writer.add(record);
  await writer.close();
}
