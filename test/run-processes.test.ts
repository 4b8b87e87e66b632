/**
 * Writers as separate processes (the built CLI, `npm test` builds first): two writers on one directory
 * (the second fails at once naming the first), and a funnel killed with SIGKILL in the middle of writing
 * its tables (the old run stays whole, the rerun takes over the dead lock, cleans up and ends consistent).
 * A writer is held at a known point without timing: a corpus file is a named pipe it blocks on.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  closeSync,
  constants,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readManifest } from "../src/corpus/store";
import { generateDemoHub } from "../src/demo/generator";
import { runLayout } from "../src/run/layout";
import { verifyRun } from "../src/run/state";
import { lockHolder } from "../src/util/lock";

const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const built = existsSync(CLI);
const fifos = process.platform !== "win32";
const root = mkdtempSync(join(tmpdir(), "run-processes-"));
const corpus = join(root, "corpus");
const children: ChildProcess[] = [];
const env = { ...process.env, DOTENV_CONFIG_QUIET: "true", GEMINI_API_KEY: "" };

beforeAll(async () => {
  await generateDemoHub({ seed: 21, models: 300, profile: "demo", outDir: corpus, shardSize: 100 });
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env, cwd: root });

function start(...args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { env, cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait (no deadline but the test's) until `check` holds, or fail if the child died first. */
async function until(check: () => boolean, child: ChildProcess): Promise<void> {
  while (!check()) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the writer exited (${child.exitCode ?? child.signalCode}) before the point the test waits for`);
    await pause(10);
  }
}

/** A copy of the corpus in which `file` is a named pipe: a reader of it blocks until the test writes. */
function corpusWithPipe(file: string): { dir: string; pipe: string; content: Buffer } {
  const dir = mkdtempSync(join(root, "piped-"));
  cpSync(corpus, dir, { recursive: true });
  const pipe = join(dir, file);
  const content = readFileSync(pipe);
  rmSync(pipe);
  expect(spawnSync("mkfifo", [pipe]).status).toBe(0);
  return { dir, pipe, content };
}

/** Open the pipe's writing end once the blocked process has opened its reading end. */
async function openWriter(pipe: string, child: ChildProcess): Promise<number> {
  for (;;) {
    try {
      return openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENXIO") throw error;
    }
    if (child.exitCode !== null || child.signalCode !== null) throw new Error("the writer exited before opening the pipe");
    await pause(10);
  }
}

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
    .sort();

describe.skipIf(!(built || process.env.CI) || !fifos)("separate writer processes (built CLI)", () => {
  test("two funnels on one run directory: the second fails at once naming the first, which finishes untouched", async () => {
    const { dir, pipe, content } = corpusWithPipe("manifest.json");
    const run = join(root, "run-two-writers");
    const lockPath = runLayout(run).lock;
    const a = start("funnel", "--corpus", dir, "--out", run);
    // A holds the run directory and is blocked reading the corpus manifest.
    await until(() => existsSync(lockPath), a.child);
    const holder = lockHolder(lockPath)!;
    expect(holder).toMatchObject({ pid: a.child.pid, host: hostname(), command: `hf-se-atlas funnel --corpus ${dir} --out ${run}` });

    const b = cli("funnel", "--corpus", corpus, "--out", run);
    expect(b.status).toBe(1);
    expect(b.stderr).toBe(
      `hf-se-atlas: error: ${run} is locked: pid ${a.child.pid} on ${hostname()} is writing this run directory (hf-se-atlas funnel --corpus ${dir} --out ${run}, since ${holder.startedAt}); wait for it to finish\n`,
    );
    expect(b.stdout).toBe("");
    // B wrote nothing: the directory holds only A's lock (its tables are still temporary files).
    expect(files(run).filter((f) => !f.includes(".tmp-"))).toEqual([basename(lockPath)]);

    // Let A read the manifest; the real file replaces the pipe before A sees its end.
    const fd = await openWriter(pipe, a.child);
    writeFileSync(`${pipe}.real`, content);
    writeSync(fd, content);
    renameSync(`${pipe}.real`, pipe);
    closeSync(fd);
    const finished = await a.done;
    expect(finished.code).toBe(0);
    expect(finished.stderr).not.toContain("error");
    expect(existsSync(lockPath)).toBe(false);
    expect(verifyRun(run, "funnel", { corpusDir: dir }).unchecked).toBeNull();
  });

  test("a crawl and an ingest on one corpus directory: the ingest fails naming the crawl; the funnel refuses the crawl in progress", async () => {
    const out = join(root, "corpus-two-writers");
    let arrived: () => void = () => undefined;
    const listing = new Promise<void>((resolve) => (arrived = resolve));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hub: Server = createServer((request, response) => {
      if (!request.url?.startsWith("/api/models")) return response.writeHead(404).end();
      arrived();
      void released.then(() => response.writeHead(200, { "content-type": "application/json" }).end("[]"));
    });
    await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
    const hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    try {
      const crawl = start("collect", "--out", out, "--hub-url", hubUrl, "--progress", "silent");
      await listing; // the crawler owns the corpus and waits for its first listing page
      const dump = join(root, "dump.jsonl");
      writeFileSync(dump, `${JSON.stringify({ id: "org/model", readme: "# A model" })}\n`);
      const ingest = cli("ingest", dump, "--out", out);
      expect(ingest.status).toBe(1);
      expect(ingest.stderr).toMatch(
        new RegExp(
          `^hf-se-atlas: error: ${out} is locked: pid ${crawl.child.pid} on ${hostname()} is writing this corpus \\(hf-se-atlas collect --out ${out} --hub-url ${hubUrl} --progress silent, since [^)]+\\); wait for it to finish\\n$`,
        ),
      );
      // Meanwhile the corpus says it is being crawled, and the funnel will not read it as whole.
      expect(await readManifest(out)).toMatchObject({ records: 0, complete: false });
      const funnel = cli("funnel", "--corpus", out, "--out", join(root, "run-of-partial"));
      expect(funnel.status).toBe(1);
      expect(funnel.stderr).toMatch(
        /^hf-se-atlas: error: corpus .* is incomplete: its crawl stopped before the end \(0 models written, 0 models listed\); finish it \(collect --resume\) or pass --allow-incomplete\n$/,
      );

      release();
      expect((await crawl.done).code).toBe(0);
      expect((await readManifest(out)).complete).toBe(true);
      expect(cli("ingest", dump, "--out", out).status).toBe(0);
      expect((await readManifest(out)).records).toBe(1);
    } finally {
      release();
      await new Promise((resolve) => hub.close(resolve));
    }
  });

  test("kill -9 while the funnel writes its tables: the old run stays whole; the rerun takes over the lock, cleans up and is consistent", async () => {
    const run = join(root, "run-killed");
    const reference = join(root, "run-reference");
    for (const dir of [run, reference]) {
      expect(cli("funnel", "--corpus", corpus, "--out", dir).status).toBe(0);
      expect(cli("judge", "--run", dir, "--offline").status).toBe(0);
    }
    const before = new Map(files(run).map((f) => [f, readFileSync(join(run, f))]));

    // The rerun reads shard 0, writes its rows into the tables' temporary files, then blocks on shard 1.
    const { dir, pipe } = corpusWithPipe("models-00001.arrow");
    const killed = start("funnel", "--corpus", dir, "--out", run);
    const fd = await openWriter(pipe, killed.child);
    expect(files(run).filter((f) => f.includes(".tmp-")).length).toBeGreaterThan(0);
    killed.child.kill("SIGKILL");
    expect((await killed.done).signal).toBe("SIGKILL");
    closeSync(fd);

    // Nothing was replaced yet: the old run (verdicts included) is whole and still reads.
    const left = files(run);
    expect(left.filter((f) => !f.includes(".tmp-") && f !== basename(runLayout(run).lock))).toEqual([...before.keys()]);
    for (const [f, bytes] of before) expect(readFileSync(join(run, f)).equals(bytes), f).toBe(true);
    expect(lockHolder(runLayout(run).lock)?.pid).toBe(killed.child.pid);
    expect(verifyRun(run, "relevance", { corpusDir: corpus }).unchecked).toBeNull();
    const out = join(root, "report-after-kill");
    expect(cli("replicate", "--run", run, "--corpus", corpus, "--out", out, "--no-static").status).toBe(0);

    // The rerun: one notice about the dead writer's lock, no leftovers, the same bytes as a run never killed.
    const rerun = cli("funnel", "--corpus", corpus, "--out", run);
    expect(rerun.status).toBe(0);
    expect(rerun.stderr).toMatch(
      new RegExp(
        `^hf-se-atlas: notice: ${run}: taking over the lock left by pid ${killed.child.pid} on ${hostname()} \\(hf-se-atlas funnel --corpus ${dir} --out ${run}, since [^)]+\\), which is no longer running\\n`,
      ),
    );
    expect(files(run).filter((f) => f.includes(".tmp-") || f.includes("lock"))).toEqual([]);
    expect(cli("judge", "--run", run, "--offline").status).toBe(0);
    expect(files(run)).toEqual(files(reference));
    for (const f of files(reference).filter((f) => f.endsWith(".arrow")))
      expect(readFileSync(join(run, f)).equals(readFileSync(join(reference, f))), f).toBe(true);
    expect(verifyRun(run, "relevance", { corpusDir: corpus }).unchecked).toBeNull();
  });
});
