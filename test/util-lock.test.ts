/**
 * The output-directory lock (src/util/lock.ts) against real processes: a live holder refuses a second
 * writer with one line naming it, a dead holder's lock is taken over with a notice, a lock is released
 * when its process exits or is interrupted, and a process may take its own lock again.
 * A child process runs the lock module itself (transpiled to CommonJS, no build needed).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { acquireLock, LockHeldError, lockHolder, setLockCommand } from "../src/util/lock";
import { removeLeftovers } from "../src/util/leftovers";

const ROOT = join(__dirname, "..");
const scratch = mkdtempSync(join(tmpdir(), "util-lock-"));
const childLock = join(scratch, "lock.js");
const children: ChildProcess[] = [];

beforeAll(() => {
  // The lock module and what it imports (atomic writes), side by side as CommonJS.
  for (const name of ["lock", "atomic"]) {
    const source = readFileSync(join(ROOT, "src", "util", `${name}.ts`), "utf8");
    const output = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(join(scratch, `${name}.js`), output.outputText);
  }
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

/** A child that takes `lockPath` as `command`, prints "locked" and waits (for stdin to close, or a signal). */
function holder(lockPath: string, command: string): Promise<ChildProcess> {
  const script = `const lock = require(${JSON.stringify(childLock)});
lock.setLockCommand(${JSON.stringify(command)});
lock.acquireLock(${JSON.stringify(lockPath)}, { what: "run directory" });
process.stdout.write("locked\\n");
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });

describe("output-directory lock", () => {
  test("a second writer fails at once with one line naming the holder; the lock goes when the holder exits", async () => {
    const dir = join(scratch, "run-a");
    const lockPath = join(dir, ".writer.lock");
    const child = await holder(lockPath, "hf-se-atlas funnel --out run-a");
    const owner = lockHolder(lockPath);
    expect(owner).toMatchObject({ pid: child.pid, host: hostname(), command: "hf-se-atlas funnel --out run-a" });
    expect(Number.isNaN(Date.parse(owner!.startedAt))).toBe(false);

    let error: unknown;
    try {
      acquireLock(lockPath, { what: "run directory" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LockHeldError);
    const message = (error as Error).message;
    expect(message).toBe(
      `${dir} is locked: pid ${child.pid} on ${hostname()} is writing this run directory (hf-se-atlas funnel --out run-a, since ${owner!.startedAt}); wait for it to finish`,
    );
    expect(message).not.toContain("\n");
    // The refused writer changed nothing: the holder's lock is intact.
    expect(lockHolder(lockPath)?.pid).toBe(child.pid);

    child.stdin!.end();
    expect(await exited(child)).toEqual({ code: 0, signal: null });
    expect(existsSync(lockPath)).toBe(false);
    const mine = acquireLock(lockPath);
    expect(lockHolder(lockPath)?.pid).toBe(process.pid);
    mine.release();
    expect(existsSync(lockPath)).toBe(false);
  });

  test.skipIf(process.platform === "win32")("SIGTERM and SIGINT release the lock, and the holder still dies of the signal", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const lockPath = join(scratch, `run-${signal}`, ".writer.lock");
      const child = await holder(lockPath, `hf-se-atlas judge (${signal})`);
      expect(existsSync(lockPath)).toBe(true);
      child.kill(signal);
      expect(await exited(child)).toEqual({ code: null, signal });
      expect(existsSync(lockPath)).toBe(false);
    }
  });

  test("a lock whose process is dead is taken over with a notice naming it; kill -9 leaves nothing else", async () => {
    const dir = join(scratch, "run-stale");
    const lockPath = join(dir, ".writer.lock");
    const child = await holder(lockPath, "hf-se-atlas replicate --out run-stale");
    const before = lockHolder(lockPath)!;
    child.kill("SIGKILL");
    await exited(child);
    expect(lockHolder(lockPath)?.pid).toBe(child.pid); // a kill -9 cannot clean up

    const notices: string[] = [];
    setLockCommand("hf-se-atlas funnel --out run-stale");
    const lock = acquireLock(lockPath, { onNotice: (line) => notices.push(line) });
    expect(notices).toEqual([
      `${dir}: taking over the lock left by pid ${child.pid} on ${hostname()} (hf-se-atlas replicate --out run-stale, since ${before.startedAt}), which is no longer running`,
    ]);
    expect(lockHolder(lockPath)).toMatchObject({ pid: process.pid, command: "hf-se-atlas funnel --out run-stale" });
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  test("a lock held on another host cannot be checked: refused, with how to remove it", () => {
    const dir = join(scratch, "run-remote");
    mkdirSync(dir, { recursive: true });
    const lockPath = join(dir, ".writer.lock");
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
    const remote = {
      format: "hf-se-atlas-lock",
      pid: deadPid,
      host: "other-host.example",
      command: "hf-se-atlas collect --out x",
      startedAt: "2026-01-01T00:00:00.000Z",
      token: "abc",
    };
    writeFileSync(lockPath, JSON.stringify(remote));
    expect(() => acquireLock(lockPath)).toThrow(
      `${dir} is locked: pid ${deadPid} on other-host.example is writing this directory (hf-se-atlas collect --out x, since 2026-01-01T00:00:00.000Z); wait for it to finish, or remove ${lockPath} if that process is gone`,
    );
    writeFileSync(lockPath, "not a lock");
    expect(() => acquireLock(lockPath)).toThrow(
      `${dir} is locked by ${lockPath}, which is unreadable; remove it if no hf-se-atlas command is writing this directory`,
    );
  });

  test("a process takes its own lock again; only the last release removes it, and never someone else's lock", () => {
    const lockPath = join(scratch, "run-nested", ".writer.lock");
    const outer = acquireLock(lockPath);
    const inner = acquireLock(lockPath);
    inner.release();
    inner.release(); // idempotent
    expect(lockHolder(lockPath)?.pid).toBe(process.pid);
    // Someone replaced the file meanwhile: the release leaves theirs alone.
    const theirs = { format: "hf-se-atlas-lock", pid: process.pid, host: hostname(), command: "other", startedAt: "x", token: "someone-else" };
    writeFileSync(lockPath, JSON.stringify(theirs));
    outer.release();
    expect(lockHolder(lockPath)?.command).toBe("other");
    rmSync(lockPath);
  });

  test("a lock that cannot be written fails as a write naming it; a directory made only for the lock goes with it", () => {
    const blocker = join(scratch, "a-file");
    writeFileSync(blocker, "");
    expect(() => acquireLock(join(blocker, "run", ".writer.lock"))).toThrow(
      `cannot write ${join(blocker, "run", ".writer.lock")}: ${blocker} is a file, not a directory`,
    );
    const fresh = join(scratch, "fresh", "run");
    acquireLock(join(fresh, ".writer.lock")).release();
    expect(existsSync(fresh)).toBe(false);
    // A directory something else was written into stays.
    const used = join(scratch, "used");
    const lock = acquireLock(join(used, ".writer.lock"));
    writeFileSync(join(used, "run.json"), "{}");
    lock.release();
    expect(readdirSync(used)).toEqual(["run.json"]);
  });

  test("credentials in the command line never reach the lock file", () => {
    const lockPath = join(scratch, "run-secret", ".writer.lock");
    setLockCommand("hf-se-atlas judge --base-url https://user:s3cret-key@llm.example/v1?api_key=s3cret-key --run x");
    const lock = acquireLock(lockPath);
    const text = readFileSync(lockPath, "utf8");
    lock.release();
    expect(text).not.toContain("s3cret-key");
    expect(JSON.parse(text).command).toBe("hf-se-atlas judge --base-url https://llm.example/v1 --run x");
  });

  test("leftovers of dead writers go; a live process's temporary files stay", async () => {
    const dir = join(scratch, "leftovers");
    mkdirSync(join(dir, "filter"), { recursive: true });
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
    const child = await holder(join(scratch, "leftovers-holder", ".writer.lock"), "holder");
    const dead = [
      join(dir, `.run.json.tmp-${deadPid}-0123abcd`),
      join(dir, "filter", `.unique.arrow.tmp-${deadPid}-89abcdef`),
      join(dir, `.writer.lock.stale-${deadPid}-00ff00ff`),
    ];
    const live = join(dir, "filter", `.verdicts.arrow.tmp-${child.pid}-0123abcd`);
    for (const path of [...dead, live, join(dir, "filter", "unique.arrow")]) writeFileSync(path, "x");
    expect(removeLeftovers(dir).sort()).toEqual(dead.slice().sort());
    expect(readdirSync(join(dir, "filter")).sort()).toEqual([`.verdicts.arrow.tmp-${child.pid}-0123abcd`, "unique.arrow"]);
    child.stdin!.end();
    await exited(child);
  });
});
