/**
 * The crawl checkpoint: where the listing stands and what has been written, saved atomically after
 * every flushed batch of pages. It holds no secrets (listing URLs carry no token).
 *
 * Invariant: every model listed on pages before `nextPageUrl` is in the corpus. A crash between a
 * corpus flush and the checkpoint save only means the last batch is listed again; its models are
 * then found in the corpus and skipped, so a resumed crawl has neither gaps nor duplicates.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic";
import { errorMessage } from "../util/text";

export const CHECKPOINT_FILE = "collect-checkpoint.json";

export interface CollectCheckpoint {
  format: "hf-se-atlas-collect-checkpoint";
  version: 1;
  /** The settings that decide which models belong to this crawl; a resume must match them. */
  hubUrl: string;
  since: string | null;
  limit: number | null;
  /** Snapshot cut-off (`--until`); absent in checkpoints written before it existed (= none). */
  until?: string | null;
  /** First listing page not yet fully written; null before the first page or when finished. */
  nextPageUrl: string | null;
  /** Models taken from the listing so far (counts toward `limit`). */
  listed: number;
  /** Models written to the corpus by this crawl so far. */
  written: number;
  finished: boolean;
}

export function checkpointPath(outDir: string): string {
  return join(outDir, CHECKPOINT_FILE);
}

export function readCheckpoint(outDir: string): CollectCheckpoint | null {
  const path = checkpointPath(outDir);
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: unreadable checkpoint: ${errorMessage(error)}`, { cause: error });
  }
  const checkpoint = value as Partial<CollectCheckpoint>;
  if (checkpoint.format !== "hf-se-atlas-collect-checkpoint" || checkpoint.version !== 1) {
    throw new Error(`${path}: not a version-1 collect checkpoint`);
  }
  return checkpoint as CollectCheckpoint;
}

export async function writeCheckpoint(outDir: string, checkpoint: CollectCheckpoint): Promise<void> {
  await writeFileAtomic(checkpointPath(outDir), `${JSON.stringify(checkpoint, null, 2)}\n`);
}

/** Why a checkpoint cannot be resumed with these settings, or null when it can. */
export function resumeMismatch(checkpoint: CollectCheckpoint, settings: Pick<CollectCheckpoint, "hubUrl" | "since" | "limit" | "until">): string | null {
  for (const key of ["hubUrl", "since", "limit", "until"] as const) {
    if ((checkpoint[key] ?? null) !== (settings[key] ?? null)) {
      return `the checkpoint was made with ${key}=${JSON.stringify(checkpoint[key] ?? null)}, this run has ${key}=${JSON.stringify(settings[key] ?? null)}`;
    }
  }
  return null;
}
