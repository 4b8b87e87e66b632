/**
 * Shard checkpoints for a resumable funnel (`resume: true`): each searched shard's output is kept in
 * the run's shards folder (`runLayout(run).shards`) under a key that covers the shard file and every
 * setting that shapes the output, so a rerun after an interruption skips the shards already done and
 * still writes byte-identical tables.
 * The folder is removed when the run completes.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ShardEntry } from "../corpus/store";
import { runLayout } from "../run/layout";
import { writeFileAtomicSync } from "../util/atomic";
import type { ShardOutput } from "./shard";
import { errorMessage } from "../util/text";

export interface ShardCheckpoints {
  has(index: number): boolean;
  load(index: number): ShardOutput;
  save(output: ShardOutput): void;
  /** Remove the folder (after a complete run). */
  clear(): void;
}

/**
 * `settings` is everything besides the shard that decides its output (taxonomy digest, lemma policy,
 * aliases, outlier tasks); the shard is identified by its file name, record count, size and mtime.
 */
export function openShardCheckpoints(runDir: string, corpusDir: string, shards: readonly ShardEntry[], settings: unknown): ShardCheckpoints {
  const dir = runLayout(runDir).shards;
  const settingsDigest = JSON.stringify(settings);
  const keyOf = shards.map((shard) => {
    const stat = statSync(join(corpusDir, shard.file));
    return createHash("sha256")
      .update(JSON.stringify([settingsDigest, shard.file, shard.records, stat.size, stat.mtimeMs]))
      .digest("hex")
      .slice(0, 24);
  });
  const pathOf = (index: number) => join(dir, `shard-${String(index).padStart(5, "0")}-${keyOf[index]}.bin`);
  return {
    has: (index) => existsSync(pathOf(index)),
    load(index) {
      const path = pathOf(index);
      try {
        return decode(readFileSync(path));
      } catch (error) {
        throw new Error(`shard checkpoint ${path} is unreadable (${errorMessage(error)}); delete ${dir} and run again`, { cause: error });
      }
    },
    save(output) {
      writeFileAtomicSync(pathOf(output.index), encode(output));
    },
    clear() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** [json length][json][occurrences IPC][documentation IPC][discovery evidence IPC, with discovery]; lengths as 32-bit little-endian. */
function encode(output: ShardOutput): Uint8Array {
  const { occurrencesIpc, documentationIpc, discovery, ...rest } = output;
  const { evidenceIpc, ...discoveryRest } = discovery ?? { evidenceIpc: new Uint8Array(0) };
  const json = Buffer.from(
    JSON.stringify({
      ...rest,
      occurrencesBytes: occurrencesIpc.byteLength,
      documentationBytes: documentationIpc.byteLength,
      ...(discovery ? { discovery: discoveryRest, discoveryBytes: evidenceIpc.byteLength } : {}),
    }),
  );
  const header = Buffer.alloc(4);
  header.writeUInt32LE(json.length);
  return Buffer.concat([header, json, occurrencesIpc, documentationIpc, evidenceIpc]);
}

function decode(bytes: Buffer): ShardOutput {
  const jsonLength = bytes.readUInt32LE(0);
  const meta = JSON.parse(bytes.subarray(4, 4 + jsonLength).toString("utf8")) as Omit<ShardOutput, "occurrencesIpc" | "documentationIpc" | "discovery"> & {
    occurrencesBytes: number;
    documentationBytes: number;
    discovery?: Omit<NonNullable<ShardOutput["discovery"]>, "evidenceIpc">;
    discoveryBytes?: number;
  };
  const { occurrencesBytes, documentationBytes, discovery, discoveryBytes, ...rest } = meta;
  const at = 4 + jsonLength;
  const documentationAt = at + occurrencesBytes;
  const discoveryAt = documentationAt + documentationBytes;
  if (bytes.length !== discoveryAt + (discoveryBytes ?? 0)) throw new Error("truncated");
  return {
    ...rest,
    occurrencesIpc: new Uint8Array(bytes.subarray(at, documentationAt)),
    documentationIpc: new Uint8Array(bytes.subarray(documentationAt, discoveryAt)),
    ...(discovery ? { discovery: { ...discovery, evidenceIpc: new Uint8Array(bytes.subarray(discoveryAt)) } } : {}),
  };
}
