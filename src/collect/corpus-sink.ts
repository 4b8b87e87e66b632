/**
 * The collector's only contact with the corpus store: read which models are already there, and
 * append a batch of records (new shards, then the manifest; each write atomic).
 */
import type { ModelRecord } from "../corpus/record";
import { existingModels, openCorpusWriter } from "../corpus/store";

/** Id -> lastModified of every model already in the corpus (empty when there is none); reads two columns only. */
export const readExistingModels = existingModels;

/** Append records to the corpus as new shards; the manifest is rewritten last, so a crash leaves the old corpus readable. */
export async function appendToCorpus(dir: string, records: readonly ModelRecord[], shardSize = 2000): Promise<void> {
  const writer = await openCorpusWriter(dir, { shardSize, append: true, createdBy: "hf-se-atlas collect", synthetic: false });
  for (const record of records) await writer.add(record);
  await writer.close();
}
