/**
 * What a killed writer leaves behind: the temporary files of atomic writes (`.<name>.tmp-<pid>-<hex>`,
 * see `tempPathFor` in ./atomic.ts) and locks moved aside during a takeover (`.<name>.stale-<pid>-<hex>`).
 * Their names never look like outputs, but they pile up; a writer that owns a directory removes those of
 * processes that are no longer running before it writes.
 */
import { readdirSync, rmSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { processAlive } from "./lock";

const LEFTOVER = /^\..+\.(?:tmp|stale)-(\d+)-[0-9a-f]{8}$/;

/** True for a name that only an interrupted atomic write or lock takeover leaves. */
export function isLeftoverName(name: string): boolean {
  return LEFTOVER.test(name);
}

/**
 * Remove the leftovers of dead processes in `dir` and, down to `depth` levels, its subfolders.
 * Returns the paths removed. A missing directory is nothing to clean.
 */
export function removeLeftovers(dir: string, depth = 3): string[] {
  const removed: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return removed;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const match = LEFTOVER.exec(entry.name);
    if (match && !processAlive(Number(match[1]))) {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } else if (entry.isDirectory() && depth > 0) {
      removed.push(...removeLeftovers(path, depth - 1));
    }
  }
  return removed;
}
