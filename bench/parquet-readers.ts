/**
 * Measurement behind the choice of Parquet reader (src/util/parquet.ts): read every row group of one
 * large generated card-dump file (the dump's layout, snappy) with hyparquet and, when it is installed,
 * with parquet-wasm, and print seconds and memory for each. Each reader runs in its own child process so
 * peak RSS is its own. parquet-wasm is not a dependency: install it to compare
 * (`npm install --no-save parquet-wasm@0.8.0`).
 *
 *   node .cache/bench-dist/bench/parquet-readers.js [rows]   (after npm run bench has compiled bench/; default 250,000 rows, about 235 MB)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, openAsBlob, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeCardDump } from "../src/corpus/card-dump";
import { openParquetFile } from "../src/util/parquet";
import { SeededRandom } from "../src/util/random";
import { generatedDumpModel } from "./card-dump";

interface ReaderFigures {
  reader: string;
  seconds: number;
  rows: number;
  cardMegabytes: number;
  peakRssMiB: number;
}

async function writeFile(rows: number, path: string): Promise<void> {
  if (existsSync(path)) return;
  mkdirSync(join(path, ".."), { recursive: true });
  const random = new SeededRandom("parquet-readers");
  function* models() {
    for (let i = 0; i < rows; i++) yield generatedDumpModel(random, i);
  }
  await writeCardDump(path, models(), { rowGroupSize: 1000 });
}

/** hyparquet through a kept file handle, row group by row group (what ingest does). */
async function readWithHyparquet(path: string): Promise<ReaderFigures> {
  const started = process.hrtime.bigint();
  const file = await openParquetFile(path);
  let rows = 0;
  let chars = 0;
  for await (const group of file.rowGroups()) {
    if (group.error) throw new Error(group.error);
    for (const row of group.rows) {
      rows++;
      chars += typeof row.card === "string" ? row.card.length : 0;
    }
  }
  await file.close();
  return {
    reader: "hyparquet 1.31.5 (row groups via a file handle)",
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    rows,
    cardMegabytes: chars / 1e6,
    peakRssMiB: 0,
  };
}

interface ParquetWasm {
  readParquet(bytes: Uint8Array, options?: { rowGroups?: number[] }): { intoIPCStream(): Uint8Array };
  ParquetFile: { fromFile(blob: Blob): Promise<{ read(options?: { rowGroups?: number[] }): Promise<{ intoIPCStream(): Uint8Array }>; free(): void }> };
}

/**
 * parquet-wasm three ways: `whole` (the file's bytes into wasm memory once, decoded as one Arrow table),
 * `bytes` (readParquet per row group on the in-memory bytes: the bytes are copied into wasm per call) and
 * `file` (ParquetFile over a Blob of the file, read row group by row group).
 */
async function readWithParquetWasm(path: string, mode: string): Promise<ReaderFigures> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require("parquet-wasm") as ParquetWasm;
  const { tableFromIPC } = await import("apache-arrow");
  const started = process.hrtime.bigint();
  let rows = 0;
  let chars = 0;
  const count = (ipc: Uint8Array) => {
    const table = tableFromIPC(ipc);
    const cards = table.getChild("card")!;
    for (let i = 0; i < table.numRows; i++) {
      rows++;
      const card = cards.get(i) as string | null;
      chars += card ? card.length : 0;
    }
  };
  const opened = await openParquetFile(path);
  const groups = opened.rowGroupRows.length;
  await opened.close();
  if (mode === "whole") {
    count(wasm.readParquet(readFileSync(path)).intoIPCStream());
  } else if (mode === "bytes") {
    const bytes = readFileSync(path);
    for (let g = 0; g < groups; g++) count(wasm.readParquet(bytes, { rowGroups: [g] }).intoIPCStream());
  } else {
    const file = await wasm.ParquetFile.fromFile(await openAsBlob(path));
    for (let g = 0; g < groups; g++) count((await file.read({ rowGroups: [g] })).intoIPCStream());
    file.free();
  }
  return { reader: `parquet-wasm 0.8.0 (${mode})`, seconds: Number(process.hrtime.bigint() - started) / 1e9, rows, cardMegabytes: chars / 1e6, peakRssMiB: 0 };
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === "--child") {
    const figures = argv[1] === "hyparquet" ? await readWithHyparquet(argv[2]!) : await readWithParquetWasm(argv[2]!, argv[1]!.replace("parquet-wasm-", ""));
    figures.peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stdout.write(JSON.stringify(figures));
    return;
  }
  const rows = Number(argv[0] ?? 250_000);
  const path = join(".cache", `bench-parquet-readers-${rows}.parquet`);
  await writeFile(rows, path);
  process.stdout.write(`[parquet readers] ${path}: ${rows} rows, ${(statSync(path).size / 1e6).toFixed(0)} MB snappy\n`);
  let wasmInstalled = true;
  try {
    require.resolve("parquet-wasm");
  } catch {
    wasmInstalled = false;
  }
  for (const reader of ["hyparquet", ...(wasmInstalled ? ["parquet-wasm-whole", "parquet-wasm-file", "parquet-wasm-bytes"] : [])]) {
    const out = execFileSync(process.execPath, [__filename, "--child", reader, path], { encoding: "utf8", maxBuffer: 1 << 20 });
    const f = JSON.parse(out) as ReaderFigures;
    process.stdout.write(
      `  ${f.reader}: ${f.seconds.toFixed(1)} s, ${f.rows} rows, ${f.cardMegabytes.toFixed(0)} MB of card text, peak RSS ${f.peakRssMiB} MiB\n`,
    );
  }
  if (!wasmInstalled) process.stdout.write("  parquet-wasm not installed (npm install --no-save parquet-wasm@0.8.0 to compare)\n");
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench parquet-readers: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
