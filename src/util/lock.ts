/**
 * Ownership of an output directory while it is written: a lock file inside it naming the process that
 * writes (pid, host, command, start time). One writer at a time; a second fails at once naming the first.
 *
 * - Taken atomically: the lock's JSON is written whole into a temporary file, then hard-linked to the
 *   lock path, which fails with EEXIST when the lock exists (the same guarantee as O_EXCL, and a reader
 *   never sees a half-written lock). File systems without hard links fall back to `open(O_CREAT|O_EXCL)`.
 * - Released on exit, on SIGINT / SIGTERM / SIGHUP (then the signal is raised again, so the process still
 *   dies of it) and when the caller releases it. A release removes the file only if it is still ours.
 * - A stale lock (its process is dead and it ran on this host) is taken over with a notice. A lock from
 *   another host cannot be checked: it is refused, and the message says how to remove it.
 * - Per process and re-entrant: a process that already holds a lock takes it again without blocking
 *   itself (a command's stage calls a library function that locks the same directory).
 * - A directory the lock had to create is removed again on release if nothing else was written into
 *   it, so a writer that fails before its first file leaves nothing behind. A lock that cannot be
 *   written fails like any write: `cannot write <lock>: <cause>` (src/util/atomic.ts).
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { ensureDirectorySync, WriteError } from "./atomic";

export const LOCK_FORMAT = "hf-se-atlas-lock";

/** Who holds a lock, as its file says. */
export interface LockOwner {
  pid: number;
  host: string;
  /** The command line of the holder (credentials in URLs removed). */
  command: string;
  /** ISO time the lock was taken. */
  startedAt: string;
}

interface LockFile extends LockOwner {
  format: typeof LOCK_FORMAT;
  /** Tells this lock from another one of the same pid (a reused pid, a taken-over lock). */
  token: string;
}

/** A directory is being written by someone else; the message is one line naming the holder. */
export class LockHeldError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: LockOwner | null,
    message: string,
  ) {
    super(message);
    this.name = "LockHeldError";
  }
}

export interface HeldLock {
  readonly path: string;
  /** Give the lock up (the file is removed if it is still this process's). Idempotent. */
  release(): void;
}

export interface LockOptions {
  /** What the directory is, for messages ("run directory", "corpus"). */
  what?: string;
  /** Told when a stale lock is taken over (default: a line on stderr). */
  onNotice?: (line: string) => void;
}

let commandLabel: string | null = null;

/** The command this process runs, as locks name it (the CLI sets it; libraries default to argv). */
export function setLockCommand(command: string): void {
  commandLabel = withoutCredentials(command);
}

function currentCommand(): string {
  return commandLabel ?? withoutCredentials(process.argv.slice(1).join(" "));
}

/** `scheme://user:secret@host/path?query` -> `scheme://host/path`: a lock file is readable by anyone. */
function withoutCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1").replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?]*)\?\S*/gi, "$1");
}

interface Held {
  token: string;
  count: number;
  dir: string;
  /** The directory did not exist before the lock was taken. */
  createdDir: boolean;
}

/** Locks this process holds, by absolute lock path. */
const held = new Map<string, Held>();

/**
 * Take the lock file `lockPath` (inside the directory it guards, which is created if missing).
 * Throws {@link LockHeldError} when a live process holds it.
 */
export function acquireLock(lockPath: string, options: LockOptions = {}): HeldLock {
  const path = resolve(lockPath);
  const what = options.what ?? "directory";
  const dir = dirname(path);
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return handle(path, mine);
  }
  const createdDir = !existsSync(dir);
  ensureDirectorySync(dir, path);
  const owner: LockFile = {
    format: LOCK_FORMAT,
    pid: process.pid,
    host: hostname(),
    command: currentCommand(),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  const notice = options.onNotice ?? ((line: string) => process.stderr.write(`hf-se-atlas: notice: ${line}\n`));
  // Two rounds at most: a stale lock is moved aside once, then the lock is taken or found held.
  for (let round = 0; round < 3; round++) {
    if (create(path, owner)) {
      const entry = { token: owner.token, count: 1, dir, createdDir };
      held.set(path, entry);
      installHandlers();
      return handle(path, entry);
    }
    const found = readLock(path);
    if (found === "missing") continue; // released between our attempt and the read: try again
    if (found === "unreadable") {
      throw new LockHeldError(path, null, `${dir} is locked by ${path}, which is unreadable; remove it if no hf-se-atlas command is writing this ${what}`);
    }
    if (!isStale(found)) throw new LockHeldError(path, found, heldMessage(dir, path, what, found));
    if (takeOverStale(path, found)) {
      notice(`${dir}: taking over the lock left by pid ${found.pid} on ${found.host} (${found.command}, since ${found.startedAt}), which is no longer running`);
    }
  }
  throw new LockHeldError(path, null, `${dir}: could not take the lock ${path} (other processes keep taking it); try again`);
}

/** Run `work` holding the lock; released whatever happens. */
export async function withLock<T>(lockPath: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const lock = acquireLock(lockPath, options);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

/** The holder of `lockPath` as its file says, or null when there is no readable lock. */
export function lockHolder(lockPath: string): LockOwner | null {
  const found = readLock(resolve(lockPath));
  return typeof found === "string" ? null : found;
}

/** True while a process with this pid runs (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function heldMessage(dir: string, path: string, what: string, owner: LockOwner): string {
  const elsewhere = owner.host !== hostname();
  return `${dir} is locked: pid ${owner.pid} on ${owner.host} is writing this ${what} (${owner.command}, since ${owner.startedAt}); wait for it to finish${elsewhere ? `, or remove ${path} if that process is gone` : ""}`;
}

/** Write the lock whole, then link it into place: false when a lock is already there. */
function create(path: string, owner: LockFile): boolean {
  const text = `${JSON.stringify(owner, null, 2)}\n`;
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    writeFileSync(tmp, text, { flag: "wx" });
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new WriteError(path, error);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EOPNOTSUPP") throw new WriteError(path, error);
    return createExclusive(path, text);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Without hard links: O_CREAT|O_EXCL, then the content (a reader may briefly see it empty). */
function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new WriteError(path, error);
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw new WriteError(path, error);
  }
  closeSync(fd);
  return true;
}

function readLock(path: string): LockFile | "missing" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "unreadable";
  }
  try {
    const value = JSON.parse(text) as Partial<LockFile> | null;
    if (value?.format !== LOCK_FORMAT || typeof value.pid !== "number" || typeof value.host !== "string" || typeof value.token !== "string")
      return "unreadable";
    return {
      format: LOCK_FORMAT,
      pid: value.pid,
      host: value.host,
      command: String(value.command ?? "?"),
      startedAt: String(value.startedAt ?? "?"),
      token: value.token,
    };
  } catch {
    return "unreadable";
  }
}

/** A lock of this host whose process is gone (or is this process, which does not hold it). */
function isStale(owner: LockFile): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return true;
  return !processAlive(owner.pid);
}

/**
 * Remove the stale lock `found`, making sure it is still the same lock: it is moved aside first and
 * checked there, so a lock another process took meanwhile is put back rather than deleted.
 * True when the stale lock was removed by this call.
 */
function takeOverStale(path: string, found: LockFile): boolean {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  const moved = readLock(aside);
  if (typeof moved !== "string" && moved.token !== found.token) {
    // Someone took the lock between our read and the move: give it back.
    try {
      linkSync(aside, path);
    } catch {
      // a third process took the path meanwhile: its lock stands
    }
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

function handle(path: string, entry: Held): HeldLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      entry.count--;
      if (entry.count > 0) return;
      held.delete(path);
      removeIfOurs(path, entry.token);
      if (entry.createdDir) removeIfEmpty(entry.dir);
      if (held.size === 0) removeHandlers();
    },
  };
}

function removeIfOurs(path: string, token: string): void {
  const found = readLock(path);
  if (typeof found !== "string" && found.token === token) rmSync(path, { force: true });
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // gone already, or someone wrote into it meanwhile: leave it
  }
}

function releaseAll(): void {
  for (const [path, entry] of held) removeIfOurs(path, entry.token);
  held.clear();
}

const SIGNALS: NodeJS.Signals[] = process.platform === "win32" ? ["SIGINT", "SIGTERM"] : ["SIGINT", "SIGTERM", "SIGHUP"];
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  removeHandlers();
  // Die of the signal as if no handler had been installed (exit status 128 + n).
  process.kill(process.pid, signal);
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("exit", releaseAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeHandlers(): void {
  if (!installed) return;
  installed = false;
  process.off("exit", releaseAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
