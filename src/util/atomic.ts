import { randomBytes } from "node:crypto";
import { createWriteStream, promises as fs, renameSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import type { Writable } from "node:stream";

/** A sibling temp path, so the final rename stays on one file system and is atomic. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/** Write a whole file atomically: readers see the old file or the new one, never half of one. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    const handle = await fs.open(tmp, "w");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/** Synchronous twin of {@link writeFileAtomic}, for small files written from synchronous code. */
export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * Stream into a temp file and rename it over `target` only when `produce` finishes.
 * If `produce` throws, the temp file is removed and `target` is untouched.
 */
export async function streamToFileAtomic(
  target: string,
  produce: (out: Writable) => Promise<void>,
): Promise<void> {
  await fs.mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  const out = createWriteStream(tmp);
  const closed = new Promise<void>((resolve, reject) => {
    out.once("close", resolve);
    out.once("error", reject);
  });
  // The stream may fail while `produce` is still running; `closed` is awaited only afterwards, so
  // mark it handled now or Node reports (and by default dies of) an unhandled rejection.
  closed.catch(() => undefined);
  try {
    await produce(out);
    out.end();
    await closed;
    await fs.rename(tmp, target);
  } catch (error) {
    out.destroy();
    await closed.catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw error;
  }
}
