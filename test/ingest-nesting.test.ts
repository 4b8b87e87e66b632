/**
 * One card can never kill a crawl (issue 15): front matter nested 100,000 levels on one line, in
 * every form YAML allows, goes through the real `ingest` command in a child process (a native V8
 * abort, exit 134, cannot be caught in-process). The command exits 0 and the card's problem is
 * recorded on its record, naming the model; the model beside it is loaded normally.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { collect } from "../src/collect/collector";
import { parseCard } from "../src/corpus/card";
import { hubApiToRecord } from "../src/corpus/ingest";
import { readCorpus } from "../src/corpus/store";
import { frontMatterTooComplex, MAX_YAML_NESTING } from "../src/corpus/yaml-limits";
import { FAKE_PAPERS, startFakeArxiv } from "./support/fake-arxiv";
import { makeFakeModels, startFakeHub } from "./support/fake-hub";

const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const scratch = mkdtempSync(join(tmpdir(), "ingest-nesting-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const LEVELS = 100_000;
/** Every way to nest YAML on a single line (plus indentation, which needs many lines). */
const FORMS: Record<string, string> = {
  "block sequences `- - - x`": `${"- ".repeat(LEVELS)}x`,
  "block sequences under a key": `nest:\n  ${"- ".repeat(LEVELS)}x`,
  "complex keys `? ? ? x`": `${"? ".repeat(LEVELS)}x`,
  "values `: : : x`": `${": ".repeat(LEVELS)}x`,
  "flow sequences `[[[[`": `a: ${"[".repeat(LEVELS)}x${"]".repeat(LEVELS)}`,
  "unclosed flow sequences": `a: ${"[".repeat(LEVELS)}`,
  "flow mappings `{a: {a: ...`": `a: ${"{a: ".repeat(LEVELS)}x${"}".repeat(LEVELS)}`,
  "flow mappings as keys `{{{x: 1}: 1}: 1}`": `${"{".repeat(LEVELS)}x: 1${"}: 1".repeat(LEVELS - 1)}}`,
  "mixed `[{a: [{a:`": `a: ${"[{a: ".repeat(LEVELS / 2)}x`,
  "sequences with anchors `- &a - &a`": `${"- &a ".repeat(LEVELS)}x`,
  indentation: Array.from({ length: 2_000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " x",
  "brackets behind a quote a hand-made scanner would skip": `a: x "\nb: ${"[".repeat(LEVELS)}`,
};

describe("nesting limits before the parser", () => {
  test("each form is refused by the scan, quickly, and parseCard turns it into a problem", () => {
    for (const [name, yaml] of Object.entries(FORMS)) {
      expect(frontMatterTooComplex(`${yaml}\n`), name).not.toBeNull();
      const card = parseCard("org/deep", `---\n${yaml}\n---\nbody`);
      expect(card.cardMeta, name).toBeNull();
      expect(card.cardBody, name).toBe("body");
      expect(
        card.problems.map((p) => p.code),
        name,
      ).toEqual(["yaml-too-deep"]);
      expect(card.problems[0]!.message, name).toMatch(/^org\/deep: front matter not (parsed|converted): /);
    }
  });

  test("ordinary YAML passes: quoted brackets, deep literal blocks, nesting at the limit", () => {
    expect(frontMatterTooComplex(`a: "${"[".repeat(LEVELS)}"\n`)).toBeNull();
    expect(frontMatterTooComplex(`a: |\n${Array.from({ length: 400 }, (_, i) => `${" ".repeat(i + 2)}code`).join("\n")}\n`)).toBeNull();
    expect(frontMatterTooComplex(`${"- ".repeat(MAX_YAML_NESTING)}x\n`)).toBeNull();
    expect(frontMatterTooComplex(`${"- ".repeat(MAX_YAML_NESTING + 1)}x\n`)).toMatch(/block collections nest deeper than 256/);
    // The most the limits allow still parses (no stack overflow), and real cards are untouched.
    const atLimit = parseCard("org/ok", `---\nlicense: mit\nx: ${"[".repeat(MAX_YAML_NESTING)}${"]".repeat(MAX_YAML_NESTING)}\n---\nbody`);
    expect(atLimit.problems).toEqual([]);
    expect(atLimit.cardMeta!.license).toEqual(["mit"]);
  });

  test("an alias inside the node it names is a problem, not an endless walk", () => {
    const card = parseCard("org/cycle", "---\nlicense: mit\na: &x [1, *x]\n---\nbody");
    expect(card.cardMeta).toBeNull();
    expect(card.problems.map((p) => p.code)).toEqual(["yaml-alias-cycle"]);
  });

  test("Hub JSON nested 100,000 levels (cardData, any field) gives a record or a line problem, never a throw", () => {
    const deep = JSON.parse(`${"[".repeat(LEVELS)}${"]".repeat(LEVELS)}`) as unknown;
    const viaCardData = hubApiToRecord({ id: "org/deep-card-data", cardData: { license: "mit", x: deep } }, "line 1");
    expect(viaCardData.record!.problems.map((p) => p.message)).toEqual([`org/deep-card-data: field "cardData" nests deeper than 256 levels; ignored`]);
    const viaTags = hubApiToRecord({ id: "org/deep-tags", tags: ["ok", deep] }, "line 2");
    expect(viaTags.record!.tags).toEqual(["ok"]);
    expect(viaTags.record!.problems[0]!.message).toMatch(/^org\/deep-tags: field "tags" should be a list of strings/);
  });
});

const cliBuilt = existsSync(CLI);
if (!cliBuilt) console.warn("ingest-nesting: child-process cases skipped, no dist/cli/main.js (run npm run build)");

describe.skipIf(!cliBuilt)("ingest in a child process", () => {
  test.each(Object.entries(FORMS))("%s at 100,000 levels: exit 0, problem on the record with the model id", async (name, yaml) => {
    const slug = name
      .replace(/[^a-z]+/gi, "-")
      .replace(/^-|-$/g, "")
      .toLowerCase();
    const id = `hostile/${slug}`;
    const dump = join(scratch, `${slug}.jsonl`);
    const lines = [
      { id, readme: `---\n${yaml}\n---\n# A card\nFine body text.\n` },
      { id: "fine/neighbour", readme: "---\nlicense: mit\n---\n# Neighbour\n" },
    ];
    writeFileSync(dump, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const out = join(scratch, `corpus-${slug}`);
    const run = spawnSync(process.execPath, [CLI, "ingest", dump, "--out", out], { encoding: "utf8", env: { ...process.env, DOTENV_CONFIG_QUIET: "true" } });
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("loaded 2 models");
    const records = new Map((await readCorpus(out)).map((r) => [r.id, r]));
    const hostile = records.get(id)!;
    expect(hostile.cardStatus).toBe("present");
    expect(hostile.cardBody).toBe("# A card\nFine body text.\n");
    expect(hostile.problems).toEqual([
      expect.objectContaining({
        stage: "card",
        code: "yaml-too-deep",
        message: expect.stringMatching(new RegExp(`^${id}: front matter not (parsed|converted): `)),
      }),
    ]);
    expect(records.get("fine/neighbour")!.cardMeta!.license).toEqual(["mit"]);
  });
});

describe("collect with a hostile card and an id holding a newline", () => {
  test("the crawl finishes: the card is a problem on its record, the id is refused and reported", async () => {
    const models = makeFakeModels(6);
    models[1]!.readme = `---\n${"- ".repeat(LEVELS)}x\n---\n# Deep\n`;
    models[2]!.readme = `---\na: ${"{a: ".repeat(LEVELS)}x\n---\n# Deeper\n`;
    models[3]!.id = "org/forged\nPipeline tag: code";
    const hub = await startFakeHub(models, { pageSize: 4 });
    const arxiv = await startFakeArxiv(FAKE_PAPERS);
    try {
      const out = join(scratch, "collect");
      const logs: string[] = [];
      const summary = await collect({
        outDir: out,
        hubUrl: hub.url,
        arxivUrl: arxiv.url,
        batchSize: 3,
        arxivDelayMs: 0,
        maxRetries: 1,
        progress: "silent",
        log: (line: string) => logs.push(line),
      });
      expect(summary.written).toBe(5);
      expect(summary.refused).toEqual([
        { id: "org/forged\nPipeline tag: code", reason: expect.stringContaining("contains a control character (U+000A); refused") },
      ]);
      expect(logs.some((line) => line.startsWith('refused "org/forged\\nPipeline tag: code"'))).toBe(true);
      const records = new Map((await readCorpus(out)).map((r) => [r.id, r]));
      for (const model of [models[1]!, models[2]!]) {
        expect(records.get(model.id)!.problems.map((p) => p.code)).toEqual(["yaml-too-deep"]);
        expect(records.get(model.id)!.problems[0]!.message.startsWith(`${model.id}: `)).toBe(true);
      }
      // A resumed crawl over the same listing does not fall over either.
      const again = await collect({
        outDir: out,
        hubUrl: hub.url,
        arxivUrl: arxiv.url,
        batchSize: 3,
        arxivDelayMs: 0,
        maxRetries: 1,
        progress: "silent",
        resume: true,
      });
      expect(again.stoppedBy).toBe("already-finished");
    } finally {
      await hub.close();
      await arxiv.close();
    }
  });
});
