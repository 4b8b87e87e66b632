/**
 * A write that fails is never a success (issue 15): `funnel` and `replicate` exit non-zero with one
 * line naming the file and the cause when their output directory is read-only, sits under a regular
 * file, or runs out of space; no temporary file is left behind.
 *
 * The command-line cases run the built CLI in a child process (exit codes as users see them; `npm
 * test` builds first). The full-disk and read-only-disk cases mount a small tmpfs, which needs root:
 * without it they are skipped with the reason.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, test } from "vitest";
import { VerdictCache } from "../src/judges/cache";
import { openArrowStream } from "../src/pipeline/arrow-stream";
import { PROBLEMS as PROBLEM_COLUMNS } from "../src/run/tables";
import { describeFsError, ensureDirectory, streamToFileAtomic, writeFileAtomic, writeFileAtomicSync, WriteError } from "../src/util/atomic";

const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const scratch = mkdtempSync(join(tmpdir(), "write-failures-"));
afterAll(() => {
  for (const mount of mounted.splice(0)) spawnSync("umount", [mount]);
  rmSync(scratch, { recursive: true, force: true });
});

/** Every file under `dir` (recursively), relative names. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (at: string, prefix: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else out.push(`${prefix}${name}`);
    }
  };
  walk(dir, "");
  return out;
}

const tempFiles = (dir: string) => filesUnder(dir).filter((f) => /\.tmp-\d+-[0-9a-f]{8}$/.test(f));

describe("atomic writes name the file and the cause", () => {
  test("a directory that cannot be made because a parent is a regular file", async () => {
    const blocker = join(scratch, "blocker");
    writeFileSync(blocker, "I am a file");
    const target = join(blocker, "run", "out.txt");
    await expect(writeFileAtomic(target, "x")).rejects.toThrow(`cannot write ${target}: ${blocker} is a file, not a directory`);
    expect(() => writeFileAtomicSync(target, "x")).toThrow(`cannot write ${target}: ${blocker} is a file, not a directory`);
    await expect(streamToFileAtomic(target, async () => undefined)).rejects.toBeInstanceOf(WriteError);
    await expect(ensureDirectory(join(blocker, "a", "b"))).rejects.toThrow(/is a file, not a directory$/);
  });

  test("the LLM verdict cache names its file when it cannot append", async () => {
    const blocker = join(scratch, "cache-blocker");
    const cache = VerdictCache.open(join(blocker, "llm"));
    writeFileSync(blocker, ""); // the folder's place is taken by a file after the cache was opened
    const verdict = {
      id: "a/b",
      activity: "SI" as const,
      relevant: true,
      rationale: "r",
      judge: "gemini:m",
      promptHash: "h",
      error: null,
      backend: "gemini",
      model: "m",
      temperature: null,
      seed: null,
    };
    await expect(cache.put("k", "c", verdict, { promptTokens: 0, outputTokens: 0, totalTokens: 0, calls: 1 })).rejects.toThrow(
      `cannot write ${join(blocker, "llm", "verdicts.jsonl")}: ${blocker} is a file, not a directory`,
    );
  });

  test("errno codes are put in words", () => {
    expect(describeFsError(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }))).toBe("no space left on device (ENOSPC)");
    expect(describeFsError(Object.assign(new Error("x"), { code: "EROFS" }))).toBe("read-only file system (EROFS)");
    expect(describeFsError(new Error("first line\nsecond"))).toBe("first line");
  });

  test("a stream that fails while the producer waits on a pipe rejects the call instead of hanging", async () => {
    // A pipe stops feeding a destination that errored, so a producer waiting for the source's end
    // waits forever: the call must still settle, with the file's error.
    const target = join(scratch, "piped.arrow");
    writeFileSync(target, "old");
    const source = new PassThrough();
    const call = streamToFileAtomic(target, async (out) => {
      source.pipe(out, { end: false });
      source.write("some bytes");
      out.destroy(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }));
      await new Promise((resolve) => source.once("end", resolve)); // never comes
    });
    await expect(call).rejects.toThrow(`cannot write ${target}: no space left on device (ENOSPC)`);
    expect(readFileSync(target, "utf8")).toBe("old");
    expect(tempFiles(scratch)).toEqual([]);
  });

  test("an Arrow stream whose file failed refuses more rows, and close() reports the failure", async () => {
    const blocker = join(scratch, "blocker2");
    writeFileSync(blocker, "");
    const path = join(blocker, "problems.arrow");
    const writer = openArrowStream(path, PROBLEM_COLUMNS);
    await expect(writer.close()).rejects.toThrow(`cannot write ${path}: ${blocker} is a file, not a directory`);
    const second = openArrowStream(path, PROBLEM_COLUMNS);
    // Let the failed mkdir land, then the next batch throws instead of piling up in memory.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(() => second.addRows([{ modelId: "m", stage: "s", code: "c", message: "x" }])).toThrow(`cannot write ${path}`);
    await second.abort();
  });
});

const cliBuilt = existsSync(CLI);
if (!cliBuilt) console.warn("write-failures: CLI cases skipped, no dist/cli/main.js (run npm run build)");

function runCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, DOTENV_CONFIG_QUIET: "true" },
    timeout: 600_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The one error line the CLI prints (progress lines on stderr are not errors). */
function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith("hf-se-atlas: error:"));
}

describe.skipIf(!cliBuilt)("the CLI exits non-zero with the file and the cause", () => {
  test("funnel and replicate into a path under a regular file", () => {
    const blocker = join(scratch, "not-a-dir");
    writeFileSync(blocker, "");
    for (const [command, out] of [
      ["funnel", join(blocker, "run")],
      ["replicate", join(blocker, "rep")],
    ] as const) {
      const run = runCli(command, "--out", out, ...(command === "replicate" ? ["--no-static", "--offline"] : []));
      expect(run.status, `${command}: ${run.stderr}`).toBe(1);
      const errors = errorLines(run.stderr);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`^hf-se-atlas: error: cannot write ${escape(out)}/\\S+: ${escape(blocker)} is a file, not a directory$`));
    }
  });
});

// ---- tmpfs: a full disk and a read-only disk (root only) ----

const mounted: string[] = [];
function mountTmpfs(dir: string, options: string): string | null {
  mkdirSync(dir, { recursive: true });
  const result = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], { encoding: "utf8" });
  if (result.error || result.status !== 0) return (result.error?.message ?? result.stderr.trim()) || `mount exited ${result.status}`;
  mounted.push(dir);
  return null;
}
const probe = join(scratch, "probe");
const mountProblem = mountTmpfs(probe, "size=64k");
if (mountProblem === null) spawnSync("umount", [mounted.pop()!]);
const tmpfsSkip = !cliBuilt ? "no dist/cli/main.js" : mountProblem === null ? null : `cannot mount a tmpfs here (${mountProblem})`;
if (tmpfsSkip) console.warn(`write-failures: full-disk and read-only-disk cases skipped: ${tmpfsSkip}`);

describe.skipIf(tmpfsSkip !== null)("on a 1 MB tmpfs and a read-only tmpfs", () => {
  test("funnel on a full disk: exit 1, the file and ENOSPC named, no temp files", () => {
    const disk = join(scratch, "full-funnel");
    expect(mountTmpfs(disk, "size=1m")).toBeNull();
    for (const workers of ["1", "2"]) {
      const out = join(disk, `run-${workers}`);
      const run = runCli("funnel", "--out", out, "--workers", workers);
      expect(run.status, run.stderr).toBe(1);
      const errors = errorLines(run.stderr);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`^hf-se-atlas: error: cannot write ${escape(out)}/\\S+\\.arrow: no space left on device \\(ENOSPC\\)$`));
      expect(run.stdout).toBe("");
      expect(tempFiles(out)).toEqual([]);
      expect(existsSync(join(out, "run.json"))).toBe(false);
      rmSync(out, { recursive: true, force: true });
    }
  });

  test("replicate on a full disk: exit 1 with the file named, no report", () => {
    const disk = join(scratch, "full-replicate");
    expect(mountTmpfs(disk, "size=1m")).toBeNull();
    const out = join(disk, "rep");
    const run = runCli("replicate", "--out", out, "--no-static", "--offline");
    expect(run.status, run.stderr).toBe(1);
    const errors = errorLines(run.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^hf-se-atlas: error: cannot write ${escape(out)}/\\S+: no space left on device \\(ENOSPC\\)$`));
    expect(existsSync(join(out, "index.html"))).toBe(false);
    expect(tempFiles(out)).toEqual([]);
  });

  test("a read-only disk is reported as read-only (not ENOENT), naming the file", () => {
    const disk = join(scratch, "read-only");
    expect(mountTmpfs(disk, "size=64k,ro")).toBeNull();
    for (const command of ["funnel", "replicate"]) {
      const out = join(disk, command);
      const run = runCli(command, "--out", out, ...(command === "replicate" ? ["--no-static", "--offline"] : []));
      expect(run.status, run.stderr).toBe(1);
      const errors = errorLines(run.stderr);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(new RegExp(`^hf-se-atlas: error: cannot write ${escape(out)}/\\S+: read-only file system \\(EROFS\\)$`));
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
