/**
 * Kill -9 the collector (a child process running the real `collect` command) at several points,
 * resume it each time, and check the final corpus equals an uninterrupted run's: same records,
 * no duplicates, no gaps.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "../src/collect/checkpoint";
import { collect } from "../src/collect/collector";
import type { ModelRecord } from "../src/corpus/record";
import { readCorpus, readManifest } from "../src/corpus/store";
import { runFunnel } from "../src/pipeline/funnel";
import { FAKE_PAPERS, startFakeArxiv, type FakeArxiv } from "./support/fake-arxiv";
import { makeFakeModels, startFakeHub, type FakeHub } from "./support/fake-hub";

const ROOT = join(__dirname, "..");
const scratch = mkdtempSync(join(tmpdir(), "collect-resume-"));
const childRoot = join(scratch, "js");

/** Transpile the modules the collect command needs to CommonJS, so a plain `node` child can run them. */
function transpileSources(): void {
  const folders = ["src/collect", "src/corpus", "src/util"];
  const files = [
    ...folders.flatMap((folder) =>
      readdirSync(join(ROOT, folder))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => join(folder, f)),
    ),
    "src/cli/options.ts",
    "src/cli/commands/collect.ts",
  ];
  for (const file of files) {
    const output = ts.transpileModule(readFileSync(join(ROOT, file), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    const target = join(childRoot, relative("src", file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  // The child registers only the collect command, so other commands' state cannot affect it.
  writeFileSync(
    join(childRoot, "collect-child.js"),
    `const { Command } = require("commander");
const program = new Command("hf-se-atlas").exitOverride();
require("./cli/commands/collect").register(program);
program.parseAsync(process.argv).catch((error) => { process.stderr.write(String(error.message) + "\\n"); process.exit(1); });
`,
  );
}

let hub: FakeHub;
let arxiv: FakeArxiv;
const models = makeFakeModels(70);

beforeAll(async () => {
  transpileSources();
  hub = await startFakeHub(models, { pageSize: 6, latencyMs: 4 });
  arxiv = await startFakeArxiv(FAKE_PAPERS);
});
afterAll(async () => {
  await hub.close();
  await arxiv.close();
  rmSync(scratch, { recursive: true, force: true });
});

function runChild(outDir: string, killAfterRequests: number | null): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const args = [
    join(childRoot, "collect-child.js"),
    "collect",
    "--out",
    outDir,
    "--hub-url",
    hub.url,
    "--arxiv-url",
    arxiv.url,
    "--resume",
    "--batch-size",
    "8",
    "--concurrency",
    "3",
    "--arxiv-delay",
    "0",
    "--progress",
    "silent",
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, NODE_PATH: join(ROOT, "node_modules"), DOTENV_CONFIG_QUIET: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const start = hub.requests.length;
  const watch =
    killAfterRequests === null
      ? null
      : setInterval(() => {
          if (hub.requests.length - start >= killAfterRequests) child.kill("SIGKILL");
        }, 1);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      if (watch) clearInterval(watch);
      resolve({ code, signal, stderr });
    });
  });
}

const byId = (records: ModelRecord[]) => records.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

describe("kill -9 and resume", () => {
  it("ends with exactly the corpus of an uninterrupted run", async () => {
    const reference = join(scratch, "reference");
    await collect({ outDir: reference, hubUrl: hub.url, arxivUrl: arxiv.url, batchSize: 8, concurrency: 3, arxivDelayMs: 0, progress: "silent" });
    const expected = byId(await readCorpus(reference));
    expect(expected).toHaveLength(models.length);

    const out = join(scratch, "killed");
    // Kill points spread over the crawl: during the first listing page, between batches, mid-batch.
    const kills = [1, 9, 17, 26, 31];
    const signals: Array<NodeJS.Signals | null> = [];
    const writtenAtKill: number[] = [];
    for (const after of kills) {
      const run = await runChild(out, after);
      signals.push(run.signal);
      writtenAtKill.push(readCheckpoint(out)?.written ?? 0);
      if (run.code === 0) break; // finished before the kill point
    }
    expect(signals.filter((s) => s === "SIGKILL").length).toBeGreaterThanOrEqual(3);
    // Each resumed run kept what the killed ones had checkpointed, and the crawl was not finished.
    expect(writtenAtKill).toEqual(writtenAtKill.slice().sort((a, b) => a - b));
    expect(writtenAtKill.at(-1)).toBeGreaterThan(0);
    expect(readCheckpoint(out)?.finished).toBe(false);
    // The killed crawl's manifest says so, with where it stopped; the funnel will not take it for a whole corpus.
    const partial = await readManifest(out);
    expect(partial).toMatchObject({ complete: false, cursor: { written: writtenAtKill.at(-1) } });
    await expect(runFunnel({ corpusDir: out, outDir: join(scratch, "run-partial"), workers: 1, progress: "silent" })).rejects.toThrow(
      new RegExp(
        `^corpus ${out} is incomplete: its crawl stopped before the end \\(${partial.records} models written, .*\\); finish it \\(collect --resume\\) or pass --allow-incomplete$`,
      ),
    );
    const allowed = await runFunnel({ corpusDir: out, outDir: join(scratch, "run-partial"), workers: 1, progress: "silent", allowIncomplete: true });
    expect(allowed.incompleteCorpus).toMatch(/is incomplete/);
    expect(JSON.parse(readFileSync(join(scratch, "run-partial", "run.json"), "utf8")).corpus).toMatchObject({ complete: false, cursor: partial.cursor });

    // The last kill left its lock behind: the next run takes it over with a notice, and says nothing else.
    const last = await runChild(out, null);
    expect(last.stderr).toMatch(new RegExp(`^hf-se-atlas: notice: ${out}: taking over the lock left by pid \\d+ on .*, which is no longer running\n$`));
    expect(last.code).toBe(0);

    const actual = await readCorpus(out);
    const ids = actual.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length); // no duplicates
    expect(byId(actual)).toEqual(expected); // no gaps, same content
    expect((await readManifest(out)).records).toBe(models.length);
    expect(readCheckpoint(out)).toMatchObject({ finished: true, written: models.length });

    expect(readdirSync(out).filter((name) => name.includes(".tmp-"))).toEqual([]);
    expect((await readManifest(out)).complete).toBe(true);
    expect((await readManifest(out)).cursor).toBeUndefined();
    expect(readdirSync(out).filter((name) => name.includes("lock"))).toEqual([]);
    // A further --resume finds nothing to do and changes nothing.
    const again = await runChild(out, null);
    expect(again.code).toBe(0);
    expect((await readCorpus(out)).length).toBe(models.length);
  });
});
