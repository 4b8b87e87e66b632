import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { summariseCorpus } from "../src/cli/commands/corpus";
import { cliOutput } from "./support/cli";

const ROOT = join(__dirname, "..");
const DUMP = join(__dirname, "fixtures", "corpus", "hub-dump.jsonl");
const created: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "corpus-cli-"));
  created.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

const run = cliOutput;

describe("ingest and corpus commands", () => {
  test("ingest prints loaded and skipped counts; inspect and show read the corpus back", async () => {
    const dir = join(tempDir(), "corpus");
    const ingestOut = await run("ingest", DUMP, "--out", dir, "--shard-size", "4");
    expect(ingestOut).toContain(`loaded 12 models into ${dir} (3 shards)`);
    expect(ingestOut).toContain(`skipped 6 lines (1 duplicate ids), listed in ${join(dir, "ingest-problems.jsonl")}`);

    const summary = await summariseCorpus(dir);
    expect(summary).toMatchObject({ records: 12, shards: 3, synthetic: false, ingestProblemLines: 6, withCardMeta: 5, withArxivIds: 3 });
    expect(summary.cardStatus).toEqual({ none: 1, empty: 1, present: 7, gated: 2, failed: 1 });
    expect(summary.problems[0]).toEqual({ stage: "ingest", code: "field-type", count: 4 });
    expect(summary.problems.map((p) => p.code)).toContain("yaml-invalid");

    const inspect = await run("corpus", "inspect", dir);
    expect(inspect).toMatch(/ {2}present +7 +58\.33%/);
    expect(inspect).toMatch(/card\/yaml-invalid +1/);
    expect(inspect).toContain("ingest: 6 input lines not loaded");
    expect(inspect).not.toContain("SYNTHETIC");
    expect(JSON.parse(await run("corpus", "inspect", dir, "--json"))).toEqual(JSON.parse(JSON.stringify(summary)));

    const shown = JSON.parse(await run("corpus", "show", dir, "example-org/codesum-base"));
    expect(shown).toMatchObject({ id: "example-org/codesum-base", downloads: 5321, arxivIds: ["2109.00859", "2002.08155"] });
    await expect(run("corpus", "show", dir, "no/such-model")).rejects.toThrow(`model no/such-model is not in the corpus at ${dir}`);
  });

  test("--synthetic is flagged by inspect; a bad shard size and a missing dump are errors", async () => {
    const dir = join(tempDir(), "corpus");
    await run("ingest", DUMP, "--out", dir, "--synthetic");
    expect(await run("corpus", "inspect", dir)).toContain("[SYNTHETIC: generated data, not the real Hub]");
    await expect(run("ingest", DUMP, "--out", dir, "--shard-size", "0")).rejects.toThrow("--shard-size must be a positive integer");
    await expect(run("ingest", join(dir, "missing.jsonl"), "--out", dir)).rejects.toThrow(/cannot read dump/);
  });

  // The built CLI (`npm test` builds first): exit codes as users see them.
  test.skipIf(!existsSync(join(ROOT, "dist", "cli", "main.js")))("built CLI: exit 0 with bad lines, non-zero when the dump cannot be read", () => {
    const dir = join(tempDir(), "corpus");
    const env = { ...process.env, DOTENV_CONFIG_QUIET: "true" };
    const ok = spawnSync(process.execPath, [join(ROOT, "dist", "cli", "main.js"), "ingest", DUMP, "--out", dir], { encoding: "utf8", env });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("loaded 12 models");
    const bad = spawnSync(process.execPath, [join(ROOT, "dist", "cli", "main.js"), "ingest", join(dir, "nope.jsonl"), "--out", dir], { encoding: "utf8", env });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("hf-se-atlas: error: cannot read dump");
  });
});
