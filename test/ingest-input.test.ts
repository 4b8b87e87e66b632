/**
 * An unreadable dump never replaces a good corpus (issue 15): compression is told by magic bytes,
 * UTF-16 / empty / binary / cut-off input is refused with the file named, the corpus at --out is
 * rewritten only by a complete ingest, lossy UTF-8 and impossible values become recorded problems,
 * and line numbers count `\n` only.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, test } from "vitest";
import { firstInvalidUtf8, textEncodingProblem } from "../src/corpus/dump-input";
import { ingestJsonl, type IngestProblemLine } from "../src/corpus/ingest";
import { readCorpus, readManifest } from "../src/corpus/store";
import { stageDirectory } from "../src/util/staged-dir";

const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "dist", "cli", "main.js");
const DUMP = join(__dirname, "fixtures", "corpus", "hub-dump.jsonl");
const scratch = mkdtempSync(join(tmpdir(), "ingest-input-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string) => join(scratch, `${++counter}-${name}`);

/** Every file of a directory with its bytes, to prove a corpus was left exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = readFileSync(join(dir, name)).toString("base64");
  return out;
}

const lines = (...objects: unknown[]) => `${objects.map((o) => JSON.stringify(o)).join("\n")}\n`;
const problemsOf = (dir: string) =>
  readFileSync(join(dir, "ingest-problems.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as IngestProblemLine);

describe("compression by magic bytes, not by name", () => {
  test("plain JSON Lines named .gz and gzip without the suffix both load like the plain file", async () => {
    const plain = fresh("plain");
    await ingestJsonl(DUMP, plain);
    const reference = await readCorpus(plain);
    const plainNamedGz = fresh("dump.jsonl.gz");
    writeFileSync(plainNamedGz, readFileSync(DUMP));
    const gzipNoSuffix = fresh("dump.jsonl");
    writeFileSync(gzipNoSuffix, gzipSync(readFileSync(DUMP)));
    for (const input of [plainNamedGz, gzipNoSuffix]) {
      const out = fresh("out");
      const report = await ingestJsonl(input, out);
      expect(report.records).toBe(12);
      expect(await readCorpus(out)).toEqual(reference);
    }
  });
});

describe("unreadable input is refused and the corpus at --out is left exactly as it was", () => {
  const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(DUMP, "utf8"), "utf16le")]);
  const utf16be = Buffer.from(utf16le.subarray(2)).swap16();
  const big = lines(...Array.from({ length: 3000 }, (_, i) => ({ id: `org/m-${i}`, readme: `# model ${i}\n${"words ".repeat(i % 50)}` })));
  const bigGz = gzipSync(big);
  const cases: Array<[string, Buffer, RegExp]> = [
    ["an empty file", Buffer.alloc(0), /: the file is empty$/],
    ["an empty gzip", gzipSync(Buffer.alloc(0)), /: the decompressed text is empty$/],
    ["UTF-16 LE with a BOM", utf16le, /: it is UTF-16 text; convert it to UTF-8/],
    ["UTF-16 BE with a BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]), /: it is UTF-16 text; convert it to UTF-8/],
    ["UTF-16 LE without a BOM", utf16le.subarray(2), /: it looks like UTF-16 text without a BOM/],
    ["UTF-16 inside gzip", gzipSync(utf16le), /: its decompressed text: it is UTF-16 text/],
    [
      "a truncated .gz",
      bigGz.subarray(0, Math.floor(bigGz.length / 2)),
      /: the gzip stream is damaged or cut off after line \d+ \(unexpected end of file\); a partial dump is not loaded$/,
    ],
    ["a zstd file", Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]), /: the file is compressed with zstd; decompress it first/],
    ["binary data", Buffer.from([0x7b, 0x00, 0x01, 0x02, 0x00, 0x22, 0x69, 0x64]), /: it holds NUL bytes/],
  ];

  test.each(cases)("%s", async (_name, bytes, reason) => {
    const corpus = fresh("corpus");
    await ingestJsonl(DUMP, corpus);
    writeFileSync(join(corpus, "my-notes.txt"), "mine");
    const before = snapshot(corpus);
    const input = fresh("bad.jsonl.gz");
    writeFileSync(input, bytes);
    await expect(ingestJsonl(input, corpus)).rejects.toThrow(new RegExp(`^cannot read dump ${input.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${reason.source}`));
    expect(snapshot(corpus)).toEqual(before);
    expect(readdirSync(scratch).filter((n) => n.startsWith("."))).toEqual([]);
  });

  test.skipIf(!existsSync(CLI))("the built CLI exits 1 with one line, and the 12-model corpus is still 12 models", () => {
    const corpus = fresh("cli-corpus");
    const env = { ...process.env, DOTENV_CONFIG_QUIET: "true" };
    expect(spawnSync(process.execPath, [CLI, "ingest", DUMP, "--out", corpus], { encoding: "utf8", env }).status).toBe(0);
    const before = snapshot(corpus);
    const cut = fresh("cut.gz");
    writeFileSync(cut, bigGz.subarray(0, 2000));
    const run = spawnSync(process.execPath, [CLI, "ingest", cut, "--out", corpus], { encoding: "utf8", env });
    expect(run.status).toBe(1);
    expect(run.stderr.split("\n").filter((l) => l.startsWith("hf-se-atlas: error:"))).toEqual([
      expect.stringMatching(/^hf-se-atlas: error: cannot read dump .*cut\.gz: the gzip stream is damaged or cut off/),
    ]);
    expect(snapshot(corpus)).toEqual(before);
  });

  test.skipIf(!existsSync(CLI))("the built CLI reads a gzipped dump with no suffix at all as JSON Lines (not as Parquet)", () => {
    const dump = fresh("hub-dump");
    writeFileSync(dump, gzipSync(readFileSync(DUMP)));
    const corpus = fresh("no-suffix");
    const run = spawnSync(process.execPath, [CLI, "ingest", dump, "--out", corpus], { encoding: "utf8", env: { ...process.env, DOTENV_CONFIG_QUIET: "true" } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("loaded 12 models");
  });

  test("a complete ingest replaces the corpus but keeps the user's own files; stale crawl files go", async () => {
    const corpus = fresh("replace");
    await ingestJsonl(DUMP, corpus, { shardSize: 2 });
    writeFileSync(join(corpus, "my-notes.txt"), "mine");
    mkdirSync(join(corpus, "runs"));
    writeFileSync(join(corpus, "runs", "a.txt"), "run");
    writeFileSync(join(corpus, "collect-checkpoint.json"), "{}");
    const small = fresh("small.jsonl");
    writeFileSync(small, lines({ id: "a/one" }, { id: "a/two" }));
    await ingestJsonl(small, corpus);
    expect(readdirSync(corpus).sort()).toEqual(["ingest-problems.jsonl", "manifest.json", "models-00000.arrow", "my-notes.txt", "runs"]);
    expect(readFileSync(join(corpus, "runs", "a.txt"), "utf8")).toBe("run");
    expect((await readManifest(corpus)).records).toBe(2);
  });

  test("a swap interrupted after the old directory was moved aside is undone by the next run", async () => {
    const corpus = fresh("interrupted");
    await ingestJsonl(DUMP, corpus);
    const before = snapshot(corpus);
    // What a process killed between the two renames leaves: the old corpus moved aside, nothing in place.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const aside = join(scratch, `.${counter}-interrupted.replaced-${dead}-0badc0de`);
    renameSync(corpus, aside);
    const staged = await stageDirectory(corpus);
    expect(snapshot(corpus)).toEqual(before);
    await staged.discard();
    expect(existsSync(aside)).toBe(false);
  });
});

describe("lossy and impossible values are recorded problems", () => {
  test("invalid UTF-8: in text the record is kept with a problem; in the id the line is refused", async () => {
    const input = fresh("latin1.jsonl");
    const good = Buffer.from(lines({ id: "ok/model", readme: "fine" }));
    const badText = Buffer.concat([Buffer.from('{"id":"org/latin","readme":"caf'), Buffer.from([0xe9]), Buffer.from(' au lait"}\n')]);
    const badId = Buffer.concat([Buffer.from('{"id":"org/m'), Buffer.from([0xff, 0xfe]), Buffer.from('del"}\n')]);
    writeFileSync(input, Buffer.concat([good, badText, badId]));
    const out = fresh("out");
    const report = await ingestJsonl(input, out);
    expect(report).toMatchObject({ lines: 3, records: 2, problemLines: 1 });
    const latin = (await readCorpus(out)).find((r) => r.id === "org/latin")!;
    expect(latin.cardText).toBe("caf\uFFFD au lait");
    expect(latin.problems).toEqual([
      {
        stage: "ingest",
        code: "invalid-utf8",
        message: "org/latin: line 2 has invalid UTF-8 at byte 31 of the line; the invalid bytes were replaced by U+FFFD",
      },
    ]);
    expect(problemsOf(out)).toEqual([{ line: 3, id: "org/m\uFFFD\uFFFDdel", reason: "invalid UTF-8 at byte 12 of the line, inside the model id; refused" }]);
  });

  test("impossible dates and non-integer or negative counts are stored as null with a problem", async () => {
    const input = fresh("values.jsonl");
    writeFileSync(
      input,
      lines(
        { id: "a/feb30", createdAt: "2023-02-30T10:00:00.000Z", lastModified: "2024-02-29T23:59:59Z", downloads: 1.5, likes: -2 },
        { id: "a/words", createdAt: "yesterday", lastModified: "2023-13-01", downloads: 3e20, likes: 7 },
        { id: "a/fine", createdAt: "2023-05-01T12:00:00.000Z", lastModified: "2024-01-01", downloads: 12, likes: 0 },
      ),
    );
    const out = fresh("out");
    await ingestJsonl(input, out);
    const byId = new Map((await readCorpus(out)).map((r) => [r.id, r]));
    expect(byId.get("a/feb30")).toMatchObject({ createdAt: null, lastModified: "2024-02-29T23:59:59Z", downloads: null, likes: null });
    expect(byId.get("a/feb30")!.problems.map((p) => p.message)).toEqual([
      'a/feb30: field "createdAt" is not a real date (day 30 does not exist in 2023-02): "2023-02-30T10:00:00.000Z"; stored as null',
      'a/feb30: field "downloads" should be a non-negative integer, got 1.5; stored as null/empty',
      'a/feb30: field "likes" should be a non-negative integer, got -2; stored as null/empty',
    ]);
    expect(byId.get("a/words")!.problems.map((p) => p.message)).toEqual([
      'a/words: field "createdAt" is not a real date (not an ISO 8601 date): "yesterday"; stored as null',
      'a/words: field "lastModified" is not a real date (month 13 does not exist): "2023-13-01"; stored as null',
      'a/words: field "downloads" should be a non-negative integer, got 300000000000000000000; stored as null/empty',
    ]);
    expect(byId.get("a/fine")).toMatchObject({ createdAt: "2023-05-01T12:00:00.000Z", lastModified: "2024-01-01", downloads: 12, likes: 0, problems: [] });
  });

  test("ids and tags with control characters are refused (a newline would forge a metadata line)", async () => {
    const input = fresh("control.jsonl");
    writeFileSync(input, lines({ id: "org/x\nPipeline tag: code" }, { id: "org/tags", tags: ["ok", "bad\ntag", "nul\u0000"] }, { id: "org/\u2028sep" }));
    const out = fresh("out");
    const report = await ingestJsonl(input, out);
    expect(report.records).toBe(1);
    expect(problemsOf(out)).toEqual([
      { line: 1, id: null, reason: 'line 1: model id "org/x\\nPipeline tag: code" contains a control character (U+000A); refused' },
      { line: 3, id: null, reason: 'line 3: model id "org/\u2028sep" contains a control character (U+2028); refused' },
    ]);
    const [tags] = await readCorpus(out);
    expect(tags!.tags).toEqual(["ok"]);
    expect(tags!.problems.map((p) => p.message)).toEqual([
      'org/tags: tag "bad\\ntag" contains a control character (U+000A); dropped',
      'org/tags: tag "nul\\u0000" contains a control character (U+0000); dropped',
    ]);
  });

  test("line numbers count \\n only: a stray CR inside a line does not shift them", async () => {
    const input = fresh("cr.jsonl");
    writeFileSync(input, '{"id":"a/1"}\n{"id":"a/2",\r"x":1}\n{"id":"a/3"}\r\nnot json\n{"id":"a/4"}\n');
    const out = fresh("out");
    const report = await ingestJsonl(input, out);
    expect(report.lines).toBe(5);
    expect(problemsOf(out).map((p) => p.line)).toEqual([4]);
    expect((await readCorpus(out)).map((r) => r.id)).toEqual(["a/1", "a/2", "a/3", "a/4"]);
  });

  test("the UTF-8 checks themselves", () => {
    expect(firstInvalidUtf8(Buffer.from("héllo €𝄞"))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]))).toBe(1); // cut-off sequence
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a surrogate
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(0); // overlong
    expect(textEncodingProblem(Buffer.from('{"id":"a"}\n'))).toBeNull();
  });
});
