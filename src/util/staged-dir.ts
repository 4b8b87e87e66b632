/**
 * Replace a whole directory only when its new contents are complete: write them into a temporary
 * sibling (same file system, so the swap is two renames), then swap. Until `commit()` the old
 * directory is untouched; a failed run calls `discard()` and leaves it exactly as it was.
 *
 *   <parent>/.<name>.staging-<pid>-<hex>    the new contents while they are written
 *   <parent>/.<name>.replaced-<pid>-<hex>   the old directory for the moment of the swap
 *
 * Entries of the old directory that the new one does not have and `carryOver(name)` accepts (a
 * user's own files) are moved into the new one, so replacing a corpus never deletes them.
 * If a process dies between the two renames, the next `stageDirectory` for the same target puts the
 * old directory back (or, after the swap, finishes moving the carried-over entries); other leftovers
 * of dead processes are removed.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ensureDirectory, WriteError } from "./atomic";

export interface StagedDirectory {
  /** Where to write the new contents. */
  readonly dir: string;
  /** Swap the new contents into place (the old directory goes, except carried-over entries). */
  commit(): Promise<void>;
  /** Drop the new contents; the target is left as it was. */
  discard(): Promise<void>;
}

export async function stageDirectory(target: string, carryOver: (name: string) => boolean = () => false): Promise<StagedDirectory> {
  const parent = dirname(target);
  const name = basename(target);
  await ensureDirectory(parent, target);
  const existing = await fs.stat(target).catch(() => null);
  if (existing && !existing.isDirectory()) throw new WriteError(target, new Error(`${target} is a file, not a directory`));
  await recoverLeftovers(parent, name, existing !== null, carryOver);
  const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const staging = join(parent, `.${name}.staging-${suffix}`);
  try {
    await fs.mkdir(staging);
  } catch (error) {
    throw new WriteError(target, error);
  }
  let done = false;
  return {
    dir: staging,
    async commit() {
      if (done) throw new Error(`staged directory for ${target} already committed or discarded`);
      done = true;
      const old = (await fs.stat(target).catch(() => null)) ? join(parent, `.${name}.replaced-${suffix}`) : null;
      try {
        if (old) await fs.rename(target, old);
        try {
          await fs.rename(staging, target);
        } catch (error) {
          if (old) await fs.rename(old, target);
          throw error;
        }
      } catch (error) {
        await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
        throw new WriteError(target, error);
      }
      if (!old) return;
      const fresh = new Set(await fs.readdir(target));
      for (const entry of await fs.readdir(old)) {
        if (fresh.has(entry) || !carryOver(entry)) continue;
        await fs.rename(join(old, entry), join(target, entry)).catch(() => undefined);
      }
      await fs.rm(old, { recursive: true, force: true });
    },
    async discard() {
      if (done) return;
      done = true;
      await fs.rm(staging, { recursive: true, force: true });
    },
  };
}

/** Put back an old directory a dead process had moved aside, and remove dead processes' staging dirs. */
async function recoverLeftovers(parent: string, name: string, targetExists: boolean, carryOver: (name: string) => boolean): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeRegExp(name)}\\.(staging|replaced)-(\\d+)-[0-9a-f]{8}$`);
  let restored = targetExists;
  for (const entry of (await fs.readdir(parent)).sort()) {
    const match = pattern.exec(entry);
    if (!match || processAlive(Number(match[2]))) continue;
    const path = join(parent, entry);
    if (match[1] === "replaced" && !restored) {
      await fs.rename(path, join(parent, name));
      restored = true;
    } else if (match[1] === "replaced") {
      // The swap happened but the carry-over may not have finished: finish it before removing.
      const fresh = new Set(await fs.readdir(join(parent, name)));
      for (const entry of await fs.readdir(path)) {
        if (!fresh.has(entry) && carryOver(entry)) await fs.rename(join(path, entry), join(parent, name, entry)).catch(() => undefined);
      }
      await fs.rm(path, { recursive: true, force: true });
    } else {
      await fs.rm(path, { recursive: true, force: true });
    }
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
