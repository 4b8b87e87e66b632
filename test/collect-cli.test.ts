import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCorpus } from "../src/corpus/store";
import { FAKE_PAPERS, startFakeArxiv, type FakeArxiv } from "./support/fake-arxiv";
import { makeFakeModels, startFakeHub, type FakeHub } from "./support/fake-hub";
import { runCli } from "./support/cli";

const scratch = mkdtempSync(join(tmpdir(), "collect-cli-"));
let hub: FakeHub;
let arxiv: FakeArxiv;
beforeAll(async () => {
  hub = await startFakeHub(makeFakeModels(20), { pageSize: 6 });
  arxiv = await startFakeArxiv(FAKE_PAPERS);
});
afterAll(async () => {
  await hub.close();
  await arxiv.close();
  rmSync(scratch, { recursive: true, force: true });
});

const run = (...args: string[]) => runCli("collect", ...args);

describe("hf-se-atlas collect", () => {
  it("documents its options in --help", async () => {
    const { code, stdout } = await run("--help");
    expect(code).toBe(0);
    for (const flag of ["--out", "--hub-url", "--arxiv-url", "--since", "--limit", "--concurrency", "--max-retries", "--resume", "HF_TOKEN"]) {
      expect(stdout).toContain(flag);
    }
  });

  it("fails quickly with one line and a non-zero exit when there is no network", async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await run("--out", join(scratch, "offline"), "--hub-url", "http://hub.invalid", "--progress", "lines");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^hf-se-atlas: error: model listing at http:\/\/hub\.invalid failed: cannot reach hub\.invalid: .*\n$/);
    expect(stderr.split("\n")).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("rejects bad option values with a clear message", async () => {
    expect((await run("--out", join(scratch, "x"), "--limit", "0")).stderr).toMatch(/--limit must be a positive integer/);
    expect((await run("--out", join(scratch, "x"), "--since", "yesterday-ish", "--hub-url", hub.url)).stderr).toMatch(/--since: "yesterday-ish" is not a date/);
  });

  it("crawls with HF_TOKEN set without printing or writing the token", async () => {
    const token = "hf_cliSECRETvalue987";
    process.env.HF_TOKEN = token;
    try {
      const dir = join(scratch, "tokened");
      const { code, stdout, stderr } = await run(
        "--out",
        dir,
        "--hub-url",
        hub.url,
        "--arxiv-url",
        arxiv.url,
        "--arxiv-delay",
        "0",
        "--limit",
        "9",
        "--progress",
        "lines",
        "--verbose",
      );
      expect(code).toBe(0);
      expect(stdout).toMatch(/listing ended by limit/);
      expect(stdout).toMatch(/listed 9, written 9/);
      expect(stdout + stderr).not.toContain(token);
      for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name)).includes(token)).toBe(false);
      expect((await readCorpus(dir)).length).toBe(9);
      expect(hub.requests.at(-1)!.authorization).toBe(`Bearer ${token}`);
    } finally {
      delete process.env.HF_TOKEN;
    }
  });
});
