import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "../src/collect/checkpoint";
import { collect, type CollectOptions } from "../src/collect/collector";
import { readCorpus, readManifest } from "../src/corpus/store";
import { FAKE_PAPERS, startFakeArxiv, type FakeArxiv } from "./support/fake-arxiv";
import { makeFakeModels, startFakeHub, type FakeHub, type FakeModel } from "./support/fake-hub";
import { compareText } from "../src/util/text";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "collect-crawl-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

let arxiv: FakeArxiv;
beforeAll(async () => {
  arxiv = await startFakeArxiv(FAKE_PAPERS);
});
afterAll(() => arxiv.close());

const hubs: FakeHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((hub) => hub.close()));
});
async function hubWith(models: FakeModel[]): Promise<FakeHub> {
  const hub = await startFakeHub(models, { pageSize: 7 });
  hubs.push(hub);
  return hub;
}

/** Fast settings: tiny delays, few retries, small batches so several checkpoints happen. */
const fast = (hub: FakeHub, outDir: string, extra: Partial<CollectOptions> = {}): CollectOptions => ({
  outDir,
  hubUrl: hub.url,
  arxivUrl: arxiv.url,
  batchSize: 10,
  concurrency: 4,
  maxRetries: 3,
  timeoutMs: 1000,
  baseDelayMs: 5,
  retryAfterCapMs: 30,
  arxivDelayMs: 0,
  progress: "silent",
  ...extra,
});

const newestFirst = (models: FakeModel[]) => models.slice().sort((a, b) => compareText(b.createdAt, a.createdAt));

describe("collect against the fake hub and arXiv", () => {
  it("collects every model with its card status, metadata and papers, through faults", async () => {
    const models = makeFakeModels(40);
    const hub = await hubWith(models);
    const kind = (k: number) => models.filter((_, i) => i % 9 === k);
    hub.fail(`readme:${kind(0)[0]!.id}`, { status: 429, headers: { "retry-after": "1" } }, { status: 500 });
    hub.fail(`readme:${kind(0)[1]!.id}`, { reset: true }, { truncate: true });
    hub.fail(`readme:${kind(1)[0]!.id}`, { delayMs: 1500 });
    hub.fail(`readme:${kind(2)[0]!.id}`, { status: 500 }, { status: 502 }, { status: 503 }); // exhausts 3 attempts
    hub.fail("list:2", { status: 429, headers: { "retry-after": "1" } }, { badJson: true });
    const out = tempDir();
    const logs: string[] = [];
    const summary = await collect(fast(hub, out, { log: (line) => logs.push(line) }));

    const records = await readCorpus(out);
    expect(records.map((r) => r.id)).toEqual(newestFirst(models).map((m) => m.id));
    expect(summary).toMatchObject({ listed: 40, written: 40, skippedExisting: 0, stoppedBy: "end" });
    const byId = new Map(records.map((r) => [r.id, r]));

    for (const model of kind(3)) expect(byId.get(model.id)!.cardStatus).toBe("none");
    for (const model of [...kind(4), ...kind(6)]) {
      const record = byId.get(model.id)!;
      expect(record.cardStatus).toBe("gated");
      expect(record.problems.map((p) => p.code)).toContain("readme-gated");
      expect(record.cardMeta?.license).toEqual(["other"]); // from the listing's cardData
    }
    for (const model of kind(7)) expect(byId.get(model.id)!.cardStatus).toBe("empty");
    const bom = byId.get(kind(8)[0]!.id)!;
    expect(bom.cardText).toBe(kind(8)[0]!.readme);
    expect(bom.cardMeta?.tags).toEqual(["code"]);

    const failed = byId.get(kind(2)[0]!.id)!;
    expect(failed.cardStatus).toBe("failed");
    expect(failed.problems).toContainEqual(
      expect.objectContaining({ stage: "collect", code: "readme-failed", message: expect.stringMatching(/HTTP 503 \(after 3 attempts\)/) }),
    );
    for (const model of [kind(0)[0]!, kind(0)[1]!, kind(1)[0]!]) expect(byId.get(model.id)!.cardStatus).toBe("present");

    // Papers: every arXiv id linked from a card or tag is resolved to its abstract.
    const linked = records.filter((r) => r.arxivIds.length > 0);
    expect(linked.length).toBeGreaterThan(10);
    for (const record of linked) {
      expect(record.papers.map((p) => p.id)).toEqual(record.arxivIds);
      for (const paper of record.papers) expect(paper.abstract).toBe(FAKE_PAPERS.find((p) => p.id === paper.id)!.abstract);
    }
    expect(summary.arxiv.resolved).toBe(3);
    expect(summary.cardStatus).toEqual({
      present: expect.any(Number),
      none: kind(3).length,
      gated: kind(4).length + kind(6).length,
      empty: kind(7).length,
      failed: 1,
    });
    expect(logs.some((line) => line.includes("HTTP 429"))).toBe(true);
    expect(readCheckpoint(out)).toMatchObject({ finished: true, nextPageUrl: null, listed: 40, written: 40 });
    expect((await readManifest(out)).records).toBe(40);
  });

  it("gives byte-identical corpora for the same inputs", async () => {
    const hub = await hubWith(makeFakeModels(25));
    const a = tempDir();
    const b = tempDir();
    await collect(fast(hub, a));
    await collect(fast(hub, b));
    const shards = readdirSync(a)
      .filter((name) => name.endsWith(".arrow"))
      .sort();
    expect(shards.length).toBeGreaterThan(1);
    for (const name of [...shards, "manifest.json", "collect-report.json", "collect-checkpoint.json"])
      expect(readFileSync(join(b, name))).toEqual(readFileSync(join(a, name)));
  });

  it("--limit takes the N newest models", async () => {
    const models = makeFakeModels(30);
    const hub = await hubWith(models);
    const out = tempDir();
    const summary = await collect(fast(hub, out, { limit: 9 }));
    expect(summary).toMatchObject({ listed: 9, written: 9, stoppedBy: "limit" });
    expect((await readCorpus(out)).map((r) => r.id)).toEqual(
      newestFirst(models)
        .slice(0, 9)
        .map((m) => m.id),
    );
    expect(hub.requests.filter((r) => r.key.startsWith("list:")).length).toBe(2); // pages of 7: no third page fetched
  });

  it("--since merges only newer models into an existing corpus and reports updated ones", async () => {
    const all = makeFakeModels(40); // createdAt grows with the index
    const out = tempDir();
    const before = await hubWith(all.slice(0, 30));
    await collect(fast(before, out));
    const changed = { ...all[29]!, lastModified: "2025-01-01T00:00:00.000Z" };
    const after = await hubWith([...all.slice(0, 29), changed, ...all.slice(30)]);
    const summary = await collect(fast(after, out, { since: all[27]!.createdAt }));
    // Listed newest first down to the cut-off: models 39..28; 28 and 29 were already there.
    expect(summary).toMatchObject({ listed: 12, written: 10, skippedExisting: 2, updated: [changed.id], stoppedBy: "since" });
    const ids = (await readCorpus(out)).map((r) => r.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(ids.slice(30)).toEqual(newestFirst(all.slice(30)).map((m) => m.id));
    expect(JSON.parse(readFileSync(join(out, "collect-report.json"), "utf8"))).toMatchObject({ updated: [changed.id], written: 10, stoppedBy: "since" });
    // The listing stopped at the cut-off page instead of walking the whole Hub.
    expect(after.requests.filter((r) => r.key.startsWith("list:")).length).toBe(2);
  });

  it("refuses to start over an unfinished crawl without --resume, and checks resume settings", async () => {
    const hub = await hubWith(makeFakeModels(20));
    const out = tempDir();
    hub.fail("list:2", { status: 500 }, { status: 500 }, { status: 500 });
    await expect(collect(fast(hub, out))).rejects.toThrow(/model listing at .* failed: HTTP 500 \(after 3 attempts\)/);
    expect(readCheckpoint(out)).toMatchObject({ finished: false, written: 14 });
    await expect(collect(fast(hub, out))).rejects.toThrow(/unfinished crawl; rerun with --resume/);
    await expect(collect(fast(hub, out, { resume: true, limit: 5 }))).rejects.toThrow(/checkpoint was made with limit=null/);
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    const stale = `.models-00001.arrow.tmp-${deadPid}-deadbeef`;
    writeFileSync(join(out, stale), "left by a killed run");
    const summary = await collect(fast(hub, out, { resume: true }));
    expect(summary).toMatchObject({ resumed: true, written: 20 });
    expect(existsSync(join(out, stale))).toBe(false);
    expect((await readCorpus(out)).map((r) => r.id)).toEqual(newestFirst(makeFakeModels(20)).map((m) => m.id));
  });

  it("adds no duplicates when a kill lands between a corpus append and its checkpoint", async () => {
    const models = makeFakeModels(20);
    const hub = await hubWith(models);
    const out = tempDir();
    hub.fail("list:2", { status: 500 }, { status: 500 }, { status: 500 });
    await expect(collect(fast(hub, out))).rejects.toThrow(/failed/);
    expect((await readCorpus(out)).length).toBe(14);
    // The corpus holds the first batch, but the checkpoint that would say so was never saved.
    rmSync(join(out, "collect-checkpoint.json"));
    const summary = await collect(fast(hub, out, { resume: true }));
    expect(summary).toMatchObject({ skippedExisting: 14, written: 6 });
    const reference = tempDir();
    await collect(fast(hub, reference));
    const sorted = (records: Awaited<ReturnType<typeof readCorpus>>) => records.slice().sort((a, b) => compareText(a.id, b.id));
    expect(sorted(await readCorpus(out))).toEqual(sorted(await readCorpus(reference)));
  });

  it("keeps HF_TOKEN out of every file and log line while sending it to the hub", async () => {
    const token = "hf_SECRETtokenDoNotLeak42";
    const hub = await hubWith(makeFakeModels(15));
    hub.fail("list:0", { status: 500 });
    hub.fail(`readme:${makeFakeModels(15)[2]!.id}`, { status: 500 }, { status: 500 }, { status: 500 });
    const out = tempDir();
    const logs: string[] = [];
    const summary = await collect(fast(hub, out, { token, log: (line) => logs.push(line) }));
    expect(hub.requests.every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join("\n")).not.toContain(token);
    expect(JSON.stringify(summary)).not.toContain(token);
    for (const name of readdirSync(out)) expect(readFileSync(join(out, name)).includes(token)).toBe(false);
  });

  it("fails at once with a one-line reason when the hub cannot be reached", async () => {
    const started = Date.now();
    const out = tempDir();
    await expect(collect({ outDir: out, hubUrl: "http://hub.invalid", progress: "silent" })).rejects.toThrow(
      /^model listing at http:\/\/hub.invalid failed: cannot reach hub.invalid: .*no network\?$/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
