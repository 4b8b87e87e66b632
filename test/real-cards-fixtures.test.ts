/**
 * The labelled real-card fixture set (test/fixtures/real-cards, README there) is well-formed:
 * index lines and card files match one to one, ids are unique, labels use valid activity codes,
 * the split rule holds, every card's YAML parses without problems and agrees with its Hub fields,
 * and the set ingests into a corpus with one record per card.
 *
 * Set REAL_CARDS_DUMP=/some/path.jsonl to keep the Hub-API dump this test writes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseCard } from "../src/corpus/card";
import type { ModelRecord } from "../src/corpus/record";
import { readCorpus } from "../src/corpus/store";
import { ACTIVITY_CODES } from "../src/taxonomy/taxonomy";
import { runCli } from "./support/cli";
import { checkRealCards, goldLabels, writeHubDump, type RealCardFixture } from "./support/real-cards";

const MIN_A_CARDS = 50;
const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

const check = checkRealCards();
const fixtures = check.fixtures;

describe("real-card fixture set", () => {
  test("index files and card files are well-formed and match one to one", () => {
    expect(check.problems).toEqual([]);
    expect(check.indexFiles).toContain("index-a.jsonl");
  });

  test(`at least ${MIN_A_CARDS} a- cards; b- and c- sets are optional`, () => {
    const byPrefix = new Map<string, number>();
    for (const f of fixtures) byPrefix.set(f.file[0]!, (byPrefix.get(f.file[0]!) ?? 0) + 1);
    expect(byPrefix.get("a") ?? 0).toBeGreaterThanOrEqual(MIN_A_CARDS);
    for (const index of check.indexFiles) expect(byPrefix.get(index.slice(6, 7)) ?? 0, `${index} holds no cards`).toBeGreaterThan(0);
  });

  test("each set has both splits and both relevant and non-relevant cards", () => {
    for (const index of check.indexFiles) {
      const mine = fixtures.filter((f) => f.indexFile === index);
      expect(new Set(mine.map((f) => f.split)), index).toEqual(new Set(["dev", "holdout"]));
      expect(
        mine.some((f) => f.se.length > 0),
        index,
      ).toBe(true);
      expect(
        mine.some((f) => f.se.length === 0),
        index,
      ).toBe(true);
    }
  });

  test.each(fixtures.map((f) => [f.file, f] as [string, RealCardFixture]))("%s: YAML parses cleanly and agrees with the Hub fields", (_file, f) => {
    const card = parseCard(f.id, f.readme, { tags: f.tags });
    expect(card.problems).toEqual([]);
    expect(["present", "empty"]).toContain(card.cardStatus); // a YAML-only README is "empty", as on the Hub
    const meta = card.cardMeta;
    if (meta === null) return; // a card without front matter (stubs exist on the Hub)
    // The Hub derives license:, base_model: and the pipeline tag from the card's metadata.
    for (const license of meta.license) expect(f.tags, `license ${license}`).toContain(`license:${license}`);
    for (const base of meta.baseModel.filter((b) => /^[\w.-]+\/[\w.-]+$/.test(b))) {
      expect(
        f.tags.some((t) => t.startsWith("base_model:") && t.endsWith(`:${base}`)),
        `a base_model: tag naming ${base}`,
      ).toBe(true);
    }
    if (meta.pipelineTag !== null) expect(f.pipeline_tag).toBe(meta.pipelineTag);
  });

  test("gold labels: five rows per card, positives exactly the se lists", () => {
    const gold = goldLabels(fixtures);
    expect(gold).toHaveLength(fixtures.length * ACTIVITY_CODES.length);
    expect(gold.filter((g) => g.relevant)).toHaveLength(fixtures.reduce((n, f) => n + f.se.length, 0));
    for (const g of gold) expect(g.reason.trim()).not.toBe("");
  });

  test("counts per structure, split and activity (printed)", () => {
    const rows = new Map<string, { dev: number; holdout: number; se: number }>();
    for (const f of fixtures) {
      const key = `${f.indexFile.slice(6, 7)} ${f.structure}`;
      const row = rows.get(key) ?? { dev: 0, holdout: 0, se: 0 };
      row[f.split]++;
      if (f.se.length > 0) row.se++;
      rows.set(key, row);
    }
    const lines = [...rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, r]) => `${key.padEnd(32)} dev ${String(r.dev).padStart(3)}  holdout ${String(r.holdout).padStart(3)}  with SE ${String(r.se).padStart(3)}`);
    const gold = goldLabels(fixtures);
    const perActivity = ACTIVITY_CODES.map((a) => {
      const relevant = gold.filter((g) => g.activity === a && g.relevant);
      const tempting = gold.filter((g) => g.activity === a && g.tempting).length;
      return `${a} ${relevant.length} (dev ${relevant.filter((g) => g.split === "dev").length}, holdout ${relevant.filter((g) => g.split === "holdout").length}; tempting negatives ${tempting})`;
    });
    console.log(`real-card fixtures: ${fixtures.length} cards\n${lines.join("\n")}\npositive pairs: ${perActivity.join("; ")}`);
    expect(lines.length).toBeGreaterThan(0);
  });
});

describe("checkRealCards catches a broken set", () => {
  test("wrong split, unknown activity, repeated id, wrong prefix, missing and orphan card files, bad names", () => {
    const dir = mkdtempSync(join(tmpdir(), "real-cards-bad-"));
    created.push(dir);
    mkdirSync(join(dir, "cards"));
    for (const file of ["b-001-one.md", "b-002-two.md", "b-004-orphan.md", "b-5-badname.md"])
      writeFileSync(join(dir, "cards", file), "---\nlicense: mit\n---\n# x\n");
    const base = {
      author: "o",
      createdAt: "2024-01-01T00:00:00.000Z",
      lastModified: "2024-01-02T00:00:00.000Z",
      downloads: 1,
      likes: 0,
      pipeline_tag: null,
      library_name: null,
      tags: [],
      gated: false,
      structure: "some-structure",
      reason: "r",
    };
    const lines = [
      { ...base, file: "b-001-one.md", id: "o/one", split: "holdout", se: ["SI"] },
      { ...base, file: "b-002-two.md", id: "o/one", split: "dev", se: ["XX"] },
      { ...base, file: "b-003-missing.md", id: "o/three", split: "holdout", se: [], not: { SI: "why" } },
      { ...base, file: "a-006-wrong-prefix.md", id: "o/six", split: "holdout", se: ["QA"], not: { QA: "both" } },
    ];
    writeFileSync(join(dir, "index-b.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const { problems, fixtures: found } = checkRealCards(dir);
    expect(problems).toEqual([
      'index-b.jsonl:1: b-001-one.md is numbered 1, so its split is "dev", not "holdout"',
      'index-b.jsonl:2: "se" should be a list of activity codes (RE, SD, SI, QA, SM), got ["XX"]',
      "index-b.jsonl:2: id o/one already used at index-b.jsonl:1",
      "index-b.jsonl:3: card file cards/b-003-missing.md does not exist",
      'index-b.jsonl:4: card file a-006-wrong-prefix.md does not carry this index\'s prefix "b-"',
      'index-b.jsonl:4: QA is both in "se" and in "not"',
      "index-b.jsonl:4: card file cards/a-006-wrong-prefix.md does not exist",
      "cards/b-004-orphan.md: no index line refers to it",
      "cards/b-5-badname.md: not a card file name (<letter>-<nnn>-<slug>.md)",
    ]);
    expect(found).toHaveLength(0);
  });

  test("a repeated id is reported", () => {
    const dir = mkdtempSync(join(tmpdir(), "real-cards-dup-"));
    created.push(dir);
    mkdirSync(join(dir, "cards"));
    const base = {
      author: "o",
      createdAt: "2024-01-01T00:00:00.000Z",
      lastModified: "2024-01-02T00:00:00.000Z",
      downloads: 1,
      likes: 0,
      pipeline_tag: null,
      library_name: null,
      tags: [],
      gated: false,
      structure: "s",
      reason: "r",
      se: [],
    };
    writeFileSync(join(dir, "cards", "c-001-a.md"), "# a\n");
    writeFileSync(join(dir, "cards", "c-002-b.md"), "# b\n");
    writeFileSync(
      join(dir, "index-c.jsonl"),
      [
        { ...base, file: "c-001-a.md", id: "o/same", split: "dev" },
        { ...base, file: "c-002-b.md", id: "O/Same", author: "O", split: "dev" },
      ]
        .map((l) => JSON.stringify(l))
        .join("\n") + "\n",
    );
    expect(checkRealCards(dir).problems).toEqual(["index-c.jsonl:2: id O/Same already used at index-c.jsonl:1"]);
  });
});

describe("the set as a Hub-API dump", () => {
  let records: ModelRecord[];
  let stdout: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "real-cards-"));
    created.push(dir);
    const dump = process.env.REAL_CARDS_DUMP ?? join(dir, "real-cards.jsonl");
    writeHubDump(fixtures, dump);
    const run = await runCli("ingest", dump, "--out", join(dir, "corpus"));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/warning|error/i); // stderr carries only the progress line
    stdout = run.stdout;
    records = await readCorpus(join(dir, "corpus"));
  });

  test("ingests with one record per card and no problem lines", () => {
    expect(stdout).toContain(`loaded ${fixtures.length} models`);
    expect(stdout).toContain("skipped 0 lines");
    expect(records.map((r) => r.id).sort()).toEqual(fixtures.map((f) => f.id).sort());
  });

  test("records keep the card text, metadata and Hub fields, with no problems", () => {
    const byId = new Map(fixtures.map((f) => [f.id, f]));
    for (const r of records) {
      const f = byId.get(r.id)!;
      expect(r.problems, r.id).toEqual([]);
      expect(r.cardStatus, r.id).toBe(
        f.readme
          .replace(/^\uFEFF/, "")
          .trim()
          .startsWith("---") && parseCard(f.id, f.readme).cardBody!.trim() === ""
          ? "empty"
          : "present",
      );
      expect(r.cardText).toBe(f.readme);
      expect(r).toMatchObject({
        author: f.author,
        downloads: f.downloads,
        likes: f.likes,
        pipelineTag: f.pipeline_tag,
        libraryName: f.library_name,
        tags: f.tags,
      });
    }
  });
});
