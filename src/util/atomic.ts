import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, promises as fs, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import type { Writable } from "node:stream";

/** A sibling temp path, so the final rename stays on one file system and is atomic. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/**
 * A write that failed: the message is `cannot write <file>: <cause>` (one line, the file named, the
 * cause in words with its errno code), and `code` keeps the errno code (`ENOSPC`, `EROFS`, ...).
 */
export class WriteError extends Error {
  readonly code: string | undefined;
  /** The cause in words, without the file name. */
  readonly reason: string;
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const reason = describeFsError(cause);
    super(`cannot write ${path}: ${reason}`, { cause });
    this.name = "WriteError";
    this.reason = reason;
    this.code = (cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

const FS_CAUSES: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a parent path is not a directory",
  EISDIR: "it is a directory",
  EEXIST: "a file is in the way",
  ENOENT: "a parent directory is missing",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  EIO: "input/output error",
  EFBIG: "file too large",
  ENAMETOOLONG: "file name too long",
};

/** The cause of a file-system error in words, e.g. `no space left on device (ENOSPC)`. */
export function describeFsError(error: unknown): string {
  if (error instanceof WriteError) return error.reason;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && FS_CAUSES[code]) return `${FS_CAUSES[code]} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!;
}

/** Wrap `error` as a WriteError for `path`, unless it already is one (then it names its own file). */
function writeError(path: string, error: unknown): WriteError {
  return error instanceof WriteError ? error : new WriteError(path, error);
}

/**
 * `mkdir -p` whose error says what is really wrong. Node's recursive mkdir reports a read-only file
 * system (and some permission problems) as `ENOENT`; here the first missing directory is created on
 * its own, so the error is the real one (`EROFS`, `EACCES`, or a parent that is a regular file).
 */
export async function ensureDirectory(dir: string, forFile: string = dir): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new WriteError(forFile, mkdirCause(dir, error));
  }
}

export function ensureDirectorySync(dir: string, forFile: string = dir): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new WriteError(forFile, mkdirCause(dir, error));
  }
}

/** The real reason `dir` cannot be created (synchronous: only runs after a failure). */
function mkdirCause(dir: string, original: unknown): unknown {
  // Walk up to the nearest path that exists; it must be a directory, and its missing child is
  // created alone so the kernel's own error comes back.
  let child = dir;
  let parent = dirname(dir);
  while (parent !== child) {
    let isDirectory: boolean | null;
    try {
      isDirectory = statSync(parent).isDirectory();
    } catch {
      isDirectory = null;
    }
    if (isDirectory === false) return new Error(`${parent} is a file, not a directory`);
    if (isDirectory === true) {
      try {
        mkdirSync(child);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") return error;
        try {
          if (!statSync(child).isDirectory()) return new Error(`${child} is a file, not a directory`);
        } catch {
          // fall through to the original error
        }
      }
      break;
    }
    child = parent;
    parent = dirname(parent);
  }
  return original;
}

/** Write a whole file atomically: readers see the old file or the new one, never half of one. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await ensureDirectory(dirname(target), target);
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
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(target, error);
  }
}

/** Synchronous twin of {@link writeFileAtomic}, for small files written from synchronous code. */
export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  ensureDirectorySync(dirname(target), target);
  const tmp = tempPathFor(target);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (error) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the write error below is the one worth reporting
    }
    throw writeError(target, error);
  }
}

/**
 * Stream into a temp file and rename it over `target` only when `produce` finishes.
 * If `produce` throws, the temp file is removed and `target` is untouched. If the file cannot be
 * written (a full disk, a read-only one), the call fails with a {@link WriteError} as soon as the
 * stream does, even while `produce` is still waiting on it (a pipe stops feeding a failed stream,
 * so `produce` may never finish by itself).
 */
export async function streamToFileAtomic(target: string, produce: (out: Writable) => Promise<void>): Promise<void> {
  await ensureDirectory(dirname(target), target);
  const tmp = tempPathFor(target);
  const out = createWriteStream(tmp);
  let streamFailed: unknown = null;
  const closed = new Promise<void>((resolve, reject) => {
    out.once("close", resolve);
    out.once("error", (error) => {
      streamFailed = error;
      reject(error);
    });
  });
  // The stream may fail while `produce` is still running; `closed` is awaited only afterwards, so
  // mark it handled now or Node reports (and by default dies of) an unhandled rejection.
  closed.catch(() => undefined);
  const failed = new Promise<never>((_, reject) => out.once("error", reject));
  failed.catch(() => undefined);
  try {
    await Promise.race([produce(out), failed]);
    out.end();
    await closed;
    await fs.rename(tmp, target).catch((error: unknown) => {
      streamFailed = error;
      throw error;
    });
  } catch (error) {
    out.destroy();
    await closed.catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    // The producer's own errors stay as they are; the file's errors name the file.
    throw streamFailed !== null ? writeError(target, streamFailed) : error;
  }
}
