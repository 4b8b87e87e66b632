/**
 * Bad option values get a clear error naming the option before any work starts (issue 15): URL
 * options, an absurd demo size, a worker count above the core count (capped with a note); a taxonomy
 * file saved with a UTF-8 BOM loads.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { generateDemoHub } from "../src/demo/generator";
import { loadTaxonomy } from "../src/taxonomy/taxonomy";
import { runCli } from "./support/cli";

const scratch = mkdtempSync(join(tmpdir(), "cli-validation-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("option values are checked and the option is named", () => {
  test("--hub-url and --arxiv-url must be http(s) URLs", async () => {
    const bad = await runCli("collect", "--out", join(scratch, "c"), "--hub-url", "notaurl");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--hub-url must be an http(s) URL");
    const ftp = await runCli("collect", "--out", join(scratch, "c"), "--arxiv-url", "ftp://export.arxiv.org/api/query");
    expect(ftp.code).toBe(1);
    expect(ftp.stderr).toContain("--arxiv-url must be an http(s) URL, not ftp:");
  });

  test("demo generate --models has a sane upper bound", async () => {
    for (const models of ["1e12", "10000001", "49", "12.5"]) {
      const run = await runCli("demo", "generate", "--models", models, "--out", join(scratch, "demo"));
      expect(run.code, models).toBe(1);
      expect(run.stderr, models).toContain("--models must be an integer from 50 to 10,000,000");
    }
  });

  test("funnel --workers above the core count is capped with a note; nonsense is refused", async () => {
    const corpus = join(scratch, "corpus");
    await generateDemoHub({ seed: 1, models: 60, profile: "demo", outDir: corpus });
    const run = await runCli("funnel", "--corpus", corpus, "--out", join(scratch, "run"), "--workers", "64");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`funnel: --workers 64 capped at ${availableParallelism()}, the number of cores`);
    expect(JSON.parse(readFileSync(join(scratch, "run", "run.json"), "utf8")).workers).toBeLessThanOrEqual(availableParallelism());
    for (const workers of ["0", "two", "1.5"]) {
      const bad = await runCli("funnel", "--corpus", corpus, "--out", join(scratch, "run"), "--workers", workers);
      expect(bad.code, workers).toBe(1);
      expect(bad.stderr, workers).toContain("--workers must be a positive integer");
    }
  });
});

test("a taxonomy file with a UTF-8 BOM loads like the same file without one", () => {
  const shipped = join(__dirname, "..", "taxonomy", "se-tasks.json");
  const withBom = join(scratch, "se-tasks-bom.json");
  writeFileSync(withBom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(shipped)]));
  const a = loadTaxonomy(shipped);
  const b = loadTaxonomy(withBom);
  expect(b.tasks).toEqual(a.tasks);
  expect(b.tasks).toHaveLength(147);
});
