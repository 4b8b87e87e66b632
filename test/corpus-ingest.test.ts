import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hubApiToRecord, ingestJsonl, recoverId, type IngestProblemLine, type IngestReport } from "../src/corpus/ingest";
import type { ModelRecord } from "../src/corpus/record";
import { readCorpus, readManifest } from "../src/corpus/store";

const DUMP = join(__dirname, "fixtures", "corpus", "hub-dump.jsonl");
const created: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "corpus-ingest-"));
  created.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

describe("ingestJsonl on the fixture dump", () => {
  const dir = tempDir();
  let report: IngestReport;
  let records: ModelRecord[];
  let byId: Map<string, ModelRecord>;
  let problemLines: IngestProblemLine[];
  beforeAll(async () => {
    report = await ingestJsonl(DUMP, dir, { shardSize: 5 });
    records = await readCorpus(dir);
    byId = new Map(records.map((r) => [r.id, r]));
    problemLines = readFileSync(join(dir, "ingest-problems.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as IngestProblemLine);
  });
  const codes = (r: ModelRecord) => r.problems.map((p) => p.code);

  test("every line is either a record or a reported problem", () => {
    const inputLines = readFileSync(DUMP, "utf8").split("\n").length;
    expect(report.lines).toBe(inputLines);
    expect(report.lines).toBe(18);
    expect(report.records + report.problemLines).toBe(report.lines);
    expect(records).toHaveLength(12);
    expect(problemLines.map((p) => p.line)).toEqual([9, 10, 11, 12, 13, 18]);
    expect(report.duplicates).toBe(1);
    expect(report.manifest.records).toBe(12);
    expect(report.manifest.shards.map((s) => s.records)).toEqual([5, 5, 2]);
    expect(report.manifest.ingest).toEqual({
      source: "hub-dump.jsonl",
      lines: 18,
      problemLines: 6,
      duplicates: 1,
      recordsWithProblems: report.recordsWithProblems,
      inputError: null,
      problemsFile: "ingest-problems.jsonl",
    });
    expect(report.recordsWithProblems).toBe(records.filter((r) => r.problems.length > 0).length);
  });

  test("bad lines are reported with line number, recovered id and reason", () => {
    expect(problemLines).toEqual([
      { line: 9, id: null, reason: "blank line" },
      { line: 10, id: "example-org/codesum-base", reason: "duplicate id example-org/codesum-base: the first occurrence was kept" },
      { line: 11, id: "broken/line-model", reason: expect.stringMatching(/^invalid JSON: /) },
      { line: 12, id: null, reason: "line 12: expected a JSON object, got a list" },
      { line: 13, id: null, reason: 'line 13: no model id (neither "id" nor "modelId" is a non-empty string)' },
      { line: 18, id: "cut/off-model", reason: expect.stringMatching(/^truncated last line \(no newline at end of file\): invalid JSON: /) },
    ]);
  });

  test("legacy id: no author, metadata from the README, present card", () => {
    const gpt2 = byId.get("gpt2")!;
    expect(gpt2).toMatchObject({
      author: null,
      downloads: 17123456,
      likes: 2450,
      libraryName: "transformers",
      pipelineTag: "text-generation",
      cardStatus: "present",
    });
    expect(gpt2.cardMeta).toMatchObject({ license: ["mit"], language: ["en"], tags: ["exbert"] });
    expect(gpt2.problems).toEqual([]);
    expect(gpt2.arxivIds).toEqual([]);
  });

  test("gated model without README in the dump: recorded as gated (not as no card), problem makes it visible, arXiv tag kept", () => {
    const gated = byId.get("example-labs/gated-coder-15b")!;
    expect(gated.cardStatus).toBe("gated");
    expect(gated.cardText).toBeNull();
    expect(gated.arxivIds).toEqual(["2305.06161"]);
    expect(gated.problems).toEqual([
      {
        stage: "ingest",
        code: "readme-not-in-dump",
        message: 'example-labs/gated-coder-15b: siblings list README.md but the dump has no "readme" field (gated: "manual"); recorded as gated',
      },
    ]);
  });

  test("a null readme while siblings list README.md is reported, and counts as no card unless gated", () => {
    const listed = { siblings: [{ rfilename: "README.md" }], readme: null };
    const open = hubApiToRecord({ id: "a/open", ...listed }, "line 1").record!;
    expect(open.cardStatus).toBe("none");
    expect(open.problems).toEqual([
      { stage: "ingest", code: "readme-not-in-dump", message: 'a/open: siblings list README.md but the dump has a null "readme"; recorded as no card' },
    ]);
    expect(hubApiToRecord({ id: "a/gated", gated: "auto", ...listed }, "line 2").record!.cardStatus).toBe("gated");
    expect(hubApiToRecord({ id: "a/none", readme: null, siblings: [{ rfilename: "config.json" }] }, "line 3").record!.problems).toEqual([]);
  });

  test("collector-reported gated and failed READMEs keep their status and reason", () => {
    const gated = byId.get("example-labs/gated-chat-7b")!;
    expect(gated.cardStatus).toBe("gated");
    expect(gated.problems).toEqual([
      {
        stage: "collect",
        code: "readme-gated",
        message: "example-labs/gated-chat-7b: HTTP 401 on README.md: access to this gated repository must be requested",
      },
    ]);
    const failed = byId.get("example-org/flaky-download")!;
    expect(failed.cardStatus).toBe("failed");
    expect(failed.problems.map((p) => p.message)).toEqual(["example-org/flaky-download: HTTP 503 after 5 attempts"]);
  });

  test("invalid YAML: yaml-invalid problem, body kept, cardData used as metadata fallback", () => {
    const r = byId.get("student42/bug-fixer-t5")!;
    expect(r.cardStatus).toBe("present");
    expect(r.cardBody).toContain("program repair");
    expect(codes(r)).toEqual(["yaml-invalid"]);
    expect(r.problems[0]!.message).toMatch(/^student42\/bug-fixer-t5: invalid YAML front matter at card line \d+/);
    expect(r.cardMeta).toMatchObject({ license: ["apache-2.0"], tags: ["program repair"] });
  });

  test("CRLF + BOM README: raw text kept, body normalised, model-index and arXiv ids parsed", () => {
    const r = byId.get("example-org/codesum-base")!;
    expect(r.cardText!.startsWith("\uFEFF---\r\n")).toBe(true);
    expect(r.cardBody).toBe(
      "# Code summarization\n\nWrites a one-line docstring for a Python function. Based on the method in\n[this paper](https://arxiv.org/abs/2109.00859v1); see also https://arxiv.org/pdf/2002.08155.pdf.\n",
    );
    expect(r.cardMeta!.baseModel).toEqual(["Salesforce/codet5-base"]);
    expect(r.cardMeta!.language).toEqual(["en", "code"]);
    expect(r.cardMeta!.modelIndex).toEqual([
      {
        model: "codesum-base",
        taskType: "summarization",
        datasetName: "CodeSearchNet (Python)",
        datasetType: "code_search_net",
        metricType: "bleu",
        metricName: "smoothed BLEU-4",
        value: "20.1",
      },
    ]);
    expect(r.arxivIds).toEqual(["2109.00859", "2002.08155"]);
    // the duplicate on line 10 did not overwrite the first record
    expect(r.downloads).toBe(5321);
    expect(r.problems).toEqual([]);
  });

  test("no README vs empty README", () => {
    expect(byId.get("someone/checkpoint-500")).toMatchObject({ cardStatus: "none", cardText: null, cardBody: null, cardMeta: null, problems: [] });
    const empty = byId.get("someone/empty-card-model")!;
    expect(empty).toMatchObject({ cardStatus: "empty", cardBody: "\n   \n", problems: [] });
    expect(empty.cardMeta!.license).toEqual(["mit"]);
  });

  test("wrong-typed fields give a record with field-type problems naming the field", () => {
    const r = byId.get("odd-types/model")!;
    expect(r).toMatchObject({ downloads: null, likes: null, lastModified: null, tags: [], author: "odd-types", cardStatus: "present" });
    expect(r.problems.map((p) => p.message)).toEqual([
      'odd-types/model: field "tags" should be a list of strings, got "code"; stored as null/empty',
      'odd-types/model: field "lastModified" should be a string, got 12345; stored as null/empty',
      'odd-types/model: field "downloads" should be a non-negative integer, got "1,234"; stored as null/empty',
      'odd-types/model: field "likes" should be a non-negative integer, got -1; stored as null/empty',
    ]);
    expect(codes(r)).toEqual(["field-type", "field-type", "field-type", "field-type"]);
  });

  test("README without front matter: cardData fills metadata (with its shape problems), tags and links give arXiv ids", () => {
    const r = byId.get("example-org/vuln-detector")!;
    expect(r.cardMeta).toMatchObject({ baseModel: ["microsoft/codebert-base"], tags: ["vulnerability detection"], license: ["mit"], datasets: ["devign"] });
    expect(codes(r)).toEqual(["metadata-field-shape"]);
    expect(r.problems[0]!.message).toContain('example-org/vuln-detector: metadata field "datasets"');
    expect(r.arxivIds).toEqual(["2002.08155", "cs/0112017"]);
  });

  test("unclosed front matter and non-mapping front matter are recorded, cards kept", () => {
    const unclosed = byId.get("example-org/unclosed-front-matter")!;
    expect(codes(unclosed)).toEqual(["front-matter-unclosed"]);
    expect(unclosed.cardBody).toContain("text-to-SQL");
    const list = byId.get("bert-base-uncased-codefix")!;
    expect(codes(list)).toEqual(["front-matter-not-mapping"]);
    expect(list.author).toBeNull();
    expect(list.downloads).toBe(2147483648123);
  });

  test("re-ingesting gives byte-identical corpus files", async () => {
    const again = tempDir();
    await ingestJsonl(DUMP, again, { shardSize: 5 });
    for (const file of ["manifest.json", "ingest-problems.jsonl", "models-00000.arrow", "models-00001.arrow", "models-00002.arrow"]) {
      expect(readFileSync(join(again, file)).equals(readFileSync(join(dir, file))), file).toBe(true);
    }
    expect((await readManifest(again)).createdBy).toBe("hf-se-atlas ingest hub-dump.jsonl");
  });
});

describe("hubApiToRecord", () => {
  test("non-objects and missing ids are problems, not records", () => {
    expect(hubApiToRecord(null, "line 3")).toEqual({ problem: "line 3: expected a JSON object, got null" });
    expect(hubApiToRecord({ id: "  " }, "x")).toEqual({ problem: 'x: no model id (neither "id" nor "modelId" is a non-empty string)' });
  });

  test("a minimal object gives a record with empty optional fields", () => {
    const { record } = hubApiToRecord({ id: "a/b" }, "line 1");
    expect(record).toEqual({
      id: "a/b",
      author: "a",
      createdAt: null,
      lastModified: null,
      downloads: null,
      likes: null,
      pipelineTag: null,
      libraryName: null,
      tags: [],
      cardStatus: "none",
      cardText: null,
      cardBody: null,
      cardMeta: null,
      arxivIds: [],
      papers: [],
      problems: [],
    });
  });

  test("README front matter wins over cardData", () => {
    const { record } = hubApiToRecord({ id: "a/b", cardData: { license: "apache-2.0" }, readme: "---\nlicense: mit\n---\nhi" }, "l");
    expect(record!.cardMeta!.license).toEqual(["mit"]);
  });

  test("a readme that is not a string is reported", () => {
    const { record } = hubApiToRecord({ id: "a/b", readme: 42 }, "l");
    expect(record!.cardStatus).toBe("none");
    expect(record!.problems[0]!.message).toBe('a/b: field "readme" should be a string or null, got 42; stored as null/empty');
  });
});

describe("input edge cases", () => {
  test("an unreadable input is an error; so is an empty file (it would replace a corpus with nothing)", async () => {
    const dir = tempDir();
    await expect(ingestJsonl(join(dir, "missing.jsonl"), join(dir, "out"))).rejects.toThrow(/cannot read dump .*missing\.jsonl/);
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    await expect(ingestJsonl(empty, join(dir, "out"))).rejects.toThrow(`cannot read dump ${empty}: the file is empty`);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  test("CRLF dump lines and an invalid line in the middle (not truncated) are handled", async () => {
    const dir = tempDir();
    const dump = join(dir, "crlf.jsonl");
    writeFileSync(dump, '{"id":"a/1"}\r\n{"id":\r\n{"id":"a/2"}\r\n');
    const report = await ingestJsonl(dump, join(dir, "out"));
    expect(report).toMatchObject({ lines: 3, records: 2, problemLines: 1 });
    const problems = readFileSync(report.problemsPath, "utf8");
    expect(problems).toMatch(/^\{"line":2,"id":null,"reason":"invalid JSON: /);
  });

  test("a gzipped dump gives the same corpus; a cut-off .gz is refused and writes nothing", async () => {
    const dir = tempDir();
    const gz = join(dir, "hub-dump.jsonl.gz");
    const compressed = gzipSync(readFileSync(DUMP));
    writeFileSync(gz, compressed);
    const plain = await ingestJsonl(DUMP, join(dir, "plain"), { shardSize: 5 });
    const zipped = await ingestJsonl(gz, join(dir, "zipped"), { shardSize: 5 });
    expect(zipped).toMatchObject({ lines: plain.lines, records: plain.records, problemLines: plain.problemLines, inputError: null });
    expect(await readCorpus(join(dir, "zipped"))).toEqual(await readCorpus(join(dir, "plain")));

    const big =
      Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `org/m-${i}`, readme: `# model ${i}\n${"words ".repeat(i % 50)}` })).join("\n") + "\n";
    const cut = join(dir, "cut.jsonl.gz");
    const bigGz = gzipSync(big);
    writeFileSync(cut, bigGz.subarray(0, Math.floor(bigGz.length / 2)));
    await expect(ingestJsonl(cut, join(dir, "cut"))).rejects.toThrow(
      new RegExp(
        `^cannot read dump ${cut.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the gzip stream is damaged or cut off after line \\d+ \\(unexpected end of file\\); a partial dump is not loaded$`,
      ),
    );
    expect(existsSync(join(dir, "cut"))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith("."))).toEqual([]);
  });

  test("recoverId reads an id from a cut-off line", () => {
    expect(recoverId('{"_id":"x","modelId":"a\\/b","tags":[')).toBe("a/b");
    expect(recoverId('{"downloads": 3')).toBeNull();
  });
});
