/**
 * Downloading the card dump from the Hub through @huggingface/hub's listFiles / downloadFile and the
 * project's retrying fetch, against a loopback dataset server (test/support/fake-dataset-hub.ts) that
 * pages its listing with a Link header and serves byte ranges: files pinned by hash into the manifest,
 * 429 with Retry-After and 5xx retried, resumed partial downloads, reused finished ones, and a file whose
 * bytes do not match its hash reported and never ingested.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { CARD_DUMP_DATASET, writeCardDump } from "../src/corpus/card-dump";
import { readCorpus, readManifest } from "../src/corpus/store";
import { downloadCardDump } from "../src/collect/card-dump-hub";
import { createHttpClient, type RetryEvent } from "../src/collect/http";
import { dumpModel } from "./support/card-dump";
import { cliOutput, runCli } from "./support/cli";
import { gitBlobId, sha256, startFakeDatasetHub, type FakeDatasetFile, type FakeDatasetHub } from "./support/fake-dataset-hub";

let root: string;
let files: FakeDatasetFile[];
let hub: FakeDatasetHub | null = null;

const card = (i: number) => `---\nlicense: mit\n---\n# Model ${i}\n\nA model for code generation. ${"Padding text for size. ".repeat(40)}\n`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "card-dump-download-"));
  const make = async (name: string, from: number, count: number) => {
    const path = join(root, "src", name);
    await writeCardDump(
      path,
      Array.from({ length: count }, (_, i) => dumpModel(`org/m${from + i}`, card(from + i))),
      { rowGroupSize: 20 },
    );
    return new Uint8Array(readFileSync(path));
  };
  files = [
    { path: "data/train-00000-of-00002.parquet", bytes: await make("a.parquet", 0, 60) },
    { path: "data/train-00001-of-00002.parquet", bytes: await make("b.parquet", 60, 40) },
    { path: "data/README.txt", bytes: new TextEncoder().encode("not a parquet file\n") },
  ];
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  await hub?.close();
  hub = null;
});

function client(retries: RetryEvent[], maxRetries = 4) {
  return createHttpClient({ maxRetries, baseDelayMs: 1, retryAfterCapMs: 5, sleep: () => Promise.resolve(), onRetry: (e) => retries.push(e), concurrency: 2 });
}

describe("download of the card dump", () => {
  test("lists every page, downloads each Parquet file in ranges, retries 429 (Retry-After) and 5xx, pins each file by hash", async () => {
    hub = await startFakeDatasetHub(files, { dataset: CARD_DUMP_DATASET, pageSize: 2 });
    hub.fail("tree:0", { status: 429, headers: { "retry-after": "1" } });
    hub.fail("resolve:data/train-00001-of-00002.parquet", { pass: true }, { status: 503 }, { pass: true }, { status: 502 });
    const retries: RetryEvent[] = [];
    const dir = join(root, "dl-1");
    const result = await downloadCardDump({ http: client(retries), hubUrl: hub.url, downloadDir: dir, chunkBytes: 4096, progress: "silent" });

    expect(result.failed).toEqual([]);
    expect(result.files.map((f) => [f.path, f.sha256, f.size, f.reused])).toEqual(
      files.slice(0, 2).map((f) => [f.path, sha256(f.bytes), f.bytes.byteLength, false]),
    );
    for (const [i, f] of result.files.entries()) expect(readFileSync(f.file).equals(Buffer.from(files[i]!.bytes))).toBe(true);
    // the listing was paged (Link header) and asked for the data folder recursively
    const trees = hub.requests.filter((r) => r.key.startsWith("tree:"));
    expect(trees.map((r) => r.key)).toEqual(["tree:0", "tree:0", "tree:2"]);
    expect(trees[0]!.url).toContain(`/api/datasets/${CARD_DUMP_DATASET}/tree/main/data?recursive=true`);
    // retried: one 429 (told to wait, capped) and two 5xx
    expect(retries.map((r) => r.reason)).toEqual(["HTTP 429 Too Many Requests", "HTTP 503", "HTTP 502"]);
    expect(retries[0]!.delayMs).toBe(5);
    // downloaded in byte ranges after downloadFile's probe
    const ranges = hub.requests.filter((r) => r.key === "resolve:data/train-00000-of-00002.parquet").map((r) => r.range);
    expect(ranges[0]).toBe("bytes=0-0");
    const size = files[0]!.bytes.byteLength;
    expect(size).toBeGreaterThan(4096);
    expect(ranges.slice(1)).toEqual(Array.from({ length: Math.ceil(size / 4096) }, (_, i) => `bytes=${i * 4096}-${Math.min((i + 1) * 4096, size) - 1}`));
  });

  test("a second run reuses finished files; an interrupted file resumes from its partial bytes", async () => {
    hub = await startFakeDatasetHub(files, { dataset: CARD_DUMP_DATASET });
    const dir = join(root, "dl-2");
    const b = "resolve:data/train-00001-of-00002.parquet";
    // File b: probe and the first two ranges pass, then the third range fails every attempt.
    hub.fail(b, { pass: true }, { pass: true }, { pass: true }, { status: 500 }, { status: 500 }, { status: 500 });
    const first = await downloadCardDump({ http: client([], 3), hubUrl: hub.url, downloadDir: dir, chunkBytes: 2048, progress: "silent" });
    expect(first.files.map((f) => f.path)).toEqual(["data/train-00000-of-00002.parquet"]);
    expect(first.failed).toEqual([{ path: "data/train-00001-of-00002.parquet", reason: expect.stringContaining("HTTP 500 (after 3 attempts)") }]);
    expect(existsSync(join(dir, "data", "train-00001-of-00002.parquet.part"))).toBe(true);

    hub.requests.length = 0;
    const second = await downloadCardDump({ http: client([]), hubUrl: hub.url, downloadDir: dir, chunkBytes: 2048, progress: "silent" });
    expect(second.failed).toEqual([]);
    expect(second.files.map((f) => f.reused)).toEqual([true, false]);
    expect(hub.requests.some((r) => r.key === "resolve:data/train-00000-of-00002.parquet")).toBe(false);
    const ranges = hub.requests.filter((r) => r.key === b).map((r) => r.range);
    expect(ranges).toEqual([
      "bytes=0-0",
      ...Array.from(
        { length: Math.ceil(files[1]!.bytes.byteLength / 2048) - 2 },
        (_, i) => `bytes=${(i + 2) * 2048}-${Math.min((i + 3) * 2048, files[1]!.bytes.byteLength) - 1}`,
      ),
    ]);
    expect(readFileSync(second.files[1]!.file).equals(Buffer.from(files[1]!.bytes))).toBe(true);
    expect(second.bytesDownloaded).toBe(files[1]!.bytes.byteLength - 2 * 2048);
  });

  test("ingest --from-hub: the manifest pins each file; a file that fails its hash check is reported and not ingested", async () => {
    const corrupted = Uint8Array.from(files[1]!.bytes);
    corrupted[100] = corrupted[100]! ^ 0xff;
    hub = await startFakeDatasetHub([files[0]!, { ...files[1]!, served: corrupted }, files[2]!], { dataset: CARD_DUMP_DATASET });
    hub.fail("resolve:data/train-00000-of-00002.parquet", { status: 429, headers: { "retry-after": "0" } });
    const out = join(root, "from-hub");
    const run = await runCli("ingest", "--from-hub", "--hub-url", hub.url, "--out", out, "--retry-after-cap", "10");
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /warning: data\/train-00001-of-00002\.parquet not downloaded: downloaded bytes do not match the pinned hash \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)/,
    );
    expect(run.stdout).toContain("loaded 60 models");
    const manifest = await readManifest(out);
    const source = manifest.source as { dataset: string; revision: string; files: Array<Record<string, unknown>>; notDownloaded: Array<{ path: string }> };
    expect(source.dataset).toBe(CARD_DUMP_DATASET);
    expect(source.revision).toBe("main");
    expect(source.files).toEqual([
      expect.objectContaining({
        path: "data/train-00000-of-00002.parquet",
        sha256: sha256(files[0]!.bytes),
        oid: expect.stringMatching(/^[0-9a-f]{40}$/),
        rows: 60,
        records: 60,
      }),
    ]);
    expect(source.notDownloaded.map((f) => f.path)).toEqual(["data/train-00001-of-00002.parquet"]);
    expect(existsSync(join(`${out}.download`, "data", "train-00001-of-00002.parquet"))).toBe(false);
    expect((await readCorpus(out)).length).toBe(60);
  });

  test("a non-LFS file is checked against its git blob id", async () => {
    const { hashMismatch } = await import("../src/collect/card-dump-hub");
    const path = join(root, "src", "a.parquet");
    const bytes = readFileSync(path);
    expect(await hashMismatch(path, { oid: gitBlobId(bytes), sha256: null, size: bytes.length })).toBeNull();
    expect(await hashMismatch(path, { oid: "0".repeat(40), sha256: null, size: bytes.length })).toMatch(/^git blob id [0-9a-f]{40}, expected 0{40}$/);
    expect(await cliOutput("ingest", path, "--out", join(root, "local"))).toContain("loaded 60 models");
  });
});
