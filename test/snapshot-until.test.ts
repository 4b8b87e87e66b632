/**
 * The snapshot cut-off (`--until`) and the paper's updatability as README documents it: collect the
 * snapshot, later collect only the models created since and merge them, fetch abstracts, and rerun the
 * pipeline, either on everything or on the snapshot again (`--until`), which then gives the snapshot's own
 * numbers. `replicate` records the cut-off in run.json, shows it in the report, and writes every table and
 * the SE-model catalogue as Parquet too.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseUntil, createdUpTo } from "../src/corpus/snapshot";
import { readCorpus } from "../src/corpus/store";
import { readRows } from "../src/util/arrow-table";
import { readParquetRows } from "../src/util/parquet";
import { runCli } from "./support/cli";
import { FAKE_PAPERS, startFakeArxiv, type FakeArxiv } from "./support/fake-arxiv";
import { makeFakeModels, startFakeHub, type FakeHub } from "./support/fake-hub";

let root: string;
let hub: FakeHub;
let arxiv: FakeArxiv;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "until-"));
  // 20 models, one an hour from 2024-01-01T00:00Z (model i at hour i).
  hub = await startFakeHub(makeFakeModels(20), { pageSize: 6 });
  arxiv = await startFakeArxiv(FAKE_PAPERS);
});
afterAll(async () => {
  await hub.close();
  await arxiv.close();
  rmSync(root, { recursive: true, force: true });
});

describe("parseUntil", () => {
  test("a bare date is the whole day (UTC); a timestamp is inclusive; anything else is refused", () => {
    const day = parseUntil("2025-03-24");
    expect(day.iso).toBe("2025-03-24");
    expect(createdUpTo("2025-03-24T23:59:59.999Z", day)).toBe(true);
    expect(createdUpTo("2025-03-25T00:00:00.000Z", day)).toBe(false);
    expect(createdUpTo(null, day)).toBeNull();
    expect(createdUpTo("not a date", day)).toBeNull();
    const at = parseUntil("2024-01-01T09:00:00Z");
    expect(at.iso).toBe("2024-01-01T09:00:00.000Z");
    expect(createdUpTo("2024-01-01T09:00:00.000Z", at)).toBe(true);
    expect(createdUpTo("2024-01-01T09:00:00.001Z", at)).toBe(false);
    expect(() => parseUntil("2025-02-30")).toThrow('--until: "2025-02-30" is not a date');
    expect(() => parseUntil("last week")).toThrow("is not a date");
  });
});

describe("collect the snapshot, update it later, rerun on everything or on the snapshot", () => {
  const CUT = "2024-01-01T09:30:00Z";
  const collect = (out: string, ...extra: string[]) =>
    runCli("collect", "--out", out, "--hub-url", hub.url, "--arxiv-url", arxiv.url, "--arxiv-delay", "0", "--progress", "silent", ...extra);

  test("the documented command sequence", async () => {
    const corpus = join(root, "hub");
    // 1. the snapshot: models created up to the cut-off (the listing is newest first; later ones are skipped)
    const first = await collect(corpus, "--until", CUT);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("10 created after --until skipped");
    expect((await readCorpus(corpus)).length).toBe(10);
    cpSync(corpus, join(root, "snapshot-only"), { recursive: true });

    // 2. later: only the models created since the cut-off, merged into the same corpus
    const second = await collect(corpus, "--since", CUT);
    expect(second.code).toBe(0);
    expect((await readCorpus(corpus)).map((r) => r.createdAt).sort()).toEqual(
      makeFakeModels(20)
        .map((m) => m.createdAt)
        .sort(),
    );

    // 3. abstracts for every arXiv id (collect already fetched them; nothing is left to ask)
    const abstracts = await runCli("abstracts", "--corpus", corpus, "--arxiv-url", arxiv.url, "--arxiv-delay", "0", "--progress", "silent");
    expect(abstracts.code).toBe(0);

    // 4. the pipeline on everything, and on the snapshot again from the merged corpus
    const everything = await runCli("funnel", "--corpus", corpus, "--out", join(root, "run-all"), "--workers", "1");
    const snapshot = await runCli("funnel", "--corpus", corpus, "--out", join(root, "run-snapshot"), "--until", CUT, "--workers", "1");
    const original = await runCli("funnel", "--corpus", join(root, "snapshot-only"), "--out", join(root, "run-original"), "--workers", "1");
    expect([everything.code, snapshot.code, original.code]).toEqual([0, 0, 0]);
    expect(snapshot.stdout).toContain(
      "Snapshot cut-off 2024-01-01T09:30:00.000Z: models created up to then (paper: 2025-03-24); 10 later models left out, 0 undated kept.",
    );
    const runOf = (name: string) => JSON.parse(readFileSync(join(root, name, "run.json"), "utf8"));
    expect(runOf("run-all").counts.models).toBe(20);
    expect(runOf("run-all").snapshot).toBeNull();
    expect(runOf("run-snapshot").snapshot).toEqual({ until: "2024-01-01T09:30:00.000Z", afterUntil: 10, undatedKept: 0 });
    expect(runOf("run-snapshot").counts).toEqual(runOf("run-original").counts);
    expect(runOf("run-snapshot").documentation).toEqual(runOf("run-original").documentation);
    expect(readRows(join(root, "run-snapshot", "filter", "unique.arrow"))).toEqual(readRows(join(root, "run-original", "filter", "unique.arrow")));
  });

  test("replicate --until: cut-off in run.json and the report; tables and the SE-model catalogue also as Parquet", async () => {
    const out = join(root, "replication");
    const run = await runCli("replicate", "--corpus", join(root, "hub"), "--out", out, "--until", CUT, "--offline", "--no-static");
    expect(run.code).toBe(0);
    const runJson = JSON.parse(readFileSync(join(out, "run", "run.json"), "utf8"));
    expect(runJson.snapshot).toEqual({ until: "2024-01-01T09:30:00.000Z", afterUntil: 10, undatedKept: 0 });
    expect(runJson.counts.models).toBe(10);
    const index = readFileSync(join(out, "index.html"), "utf8");
    expect(index).toContain("models created up to 2024-01-01T09:30:00.000Z (--until; the paper's snapshot is 2025-03-24): 10 later models left out");
    expect(index).toContain('href="tables/table6-documentation.parquet">Parquet</a>');

    const replication = JSON.parse(readFileSync(join(out, "replication.json"), "utf8"));
    expect(replication.tables.length).toBeGreaterThan(10);
    for (const t of replication.tables as Array<{ name: string; arrow: string; parquet: string }>) {
      expect(t.parquet).toBe(`tables/${t.name}.parquet`);
      const fromArrow = readRows<Record<string, unknown>>(join(out, t.arrow));
      const fromParquet = (await readParquetRows(join(out, t.parquet))).map((row) =>
        Object.fromEntries(Object.keys(fromArrow[0] ?? row).map((k) => [k, row[k] ?? null])),
      );
      expect(fromParquet).toEqual(fromArrow);
    }
    // The SE-model catalogue: every SE model of the run with the facts the selection page filters on.
    const seModels = readRows<{ id: string; activities: string[] }>(join(out, "run", "se-models.arrow"));
    expect(seModels.length).toBeGreaterThan(0);
    const catalogue = await readParquetRows(join(out, "tables", "se-models.parquet"));
    const byId = (rows: Array<Record<string, unknown>>) => rows.map((r) => [r.id, [...(r.activities as string[])].sort()]).sort();
    expect(byId(catalogue)).toEqual(byId(seModels));
    expect(Object.keys(catalogue[0]!)).toEqual(
      expect.arrayContaining(["rank", "tasks", "licenses", "licenceGroups", "programmingLanguages", "downloads", "benchmarks"]),
    );
    expect(catalogue.map((r) => r.rank).sort((a, b) => Number(a) - Number(b))).toEqual(catalogue.map((_, i) => i + 1));
    expect(readFileSync(join(out, "tables", "se-models.csv"), "utf8").split("\n")[0]).toBe(
      "id,rank,inCorpus,activities,tasks,taskIds,pipelineTag,languages,programmingLanguages,licenses,licenceGroups,baseModels,downloads,likes,reportsEnergy,benchmarks,scoresInMetadata",
    );
    expect(replication.catalogue).toEqual({ parquet: "tables/se-models.parquet", csv: "tables/se-models.csv", models: seModels.length });

    // same inputs, same bytes
    const again = join(root, "replication-2");
    expect((await runCli("replicate", "--corpus", join(root, "hub"), "--out", again, "--until", CUT, "--offline", "--no-static")).code).toBe(0);
    for (const name of ["table6-documentation.parquet", "se-models.parquet", "fig2-quarterly-growth.parquet"]) {
      expect(readFileSync(join(again, "tables", name)).equals(readFileSync(join(out, "tables", name)))).toBe(true);
    }
  });
});
