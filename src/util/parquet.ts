/**
 * Apache Parquet files: read row group by row group (hyparquet), write typed tables (hyparquet-writer).
 *
 * Both libraries are ES modules only, so they are loaded with `await import()` (this package is
 * CommonJS under Node 20) once per process. Why hyparquet and not parquet-wasm: it reads through a
 * byte-range interface, so a file on disk is read one row group at a time through a kept file handle
 * and memory stays bounded by one row group (parquet-wasm copies the whole file into WebAssembly
 * memory, which never shrinks); it has no native or wasm dependency for snappy, and with
 * hyparquet-compressors it also reads gzip, brotli, zstd and lz4. Measured with `bench/parquet-readers.ts` on a
 * 235 MB snappy file of 250,000 generated dump rows (697 MB of card text, 1,000-row groups; a shared 2-core
 * machine, load ~15): hyparquet row group by row group 3.6 s, peak RSS 128 MiB; parquet-wasm 0.8 over a
 * Blob (ParquetFile, per row group) 12.8 s, 197 MiB; readParquet per row group on the file's bytes 26.3 s,
 * 646 MiB; readParquet of the whole file 42.6 s, 3.0 GiB.
 *
 * Writing goes through an explicit schema made from the same `TableSpec` that writes the Arrow and
 * CSV copy of a table (strings UTF8, ints INT32, floats DOUBLE, bools BOOLEAN, string lists as the
 * standard three-level LIST), snappy-compressed, with a fixed `created_by`, so the same rows always give
 * the same bytes and DuckDB, pandas (pyarrow) and the Hub's viewer read the files without extensions.
 */
import { promises as fs } from "node:fs";
import type { AsyncBuffer, Compressors, FileMetaData } from "hyparquet" with { "resolution-mode": "import" };
import type { ColumnSource } from "hyparquet-writer" with { "resolution-mode": "import" };
import { writeFileAtomic } from "./atomic";
import { checkCell, type ColumnSpec, type TableSpec } from "./arrow-table";

type HyparquetModule = typeof import("hyparquet", { with: { "resolution-mode": "import" } });
type WriterModule = typeof import("hyparquet-writer", { with: { "resolution-mode": "import" } });

interface ParquetModules {
  reader: HyparquetModule;
  writer: WriterModule;
  compressors: Compressors;
}

let modules: Promise<ParquetModules> | null = null;

/** hyparquet, hyparquet-writer and the extra decompressors, loaded once. */
export function parquetModules(): Promise<ParquetModules> {
  modules ??= (async () => {
    const [reader, writer, extra] = await Promise.all([import("hyparquet"), import("hyparquet-writer"), import("hyparquet-compressors")]);
    return { reader, writer, compressors: extra.compressors as Compressors };
  })();
  return modules;
}

const MAGIC = Buffer.from("PAR1");

/** One row group's rows as plain objects (column name -> value), with its place in the file. */
export interface RowGroupRows {
  index: number;
  /** Row number (0-based, within the file) of the first row of this group. */
  firstRow: number;
  rows: Array<Record<string, unknown>>;
}

/** A Parquet file opened for reading: its footer is parsed, its bytes are read on demand. */
export interface ParquetFileReader {
  path: string;
  byteLength: number;
  metadata: FileMetaData;
  /** Total rows in the file. */
  rows: number;
  /** Rows per row group, in file order. */
  rowGroupRows: number[];
  /** Top-level column names, in schema order. */
  columns: string[];
  /**
   * Row groups one at a time (only the named columns that exist are decoded). A row group that cannot be
   * decoded is yielded with `error` set and no rows, and reading goes on with the next one.
   */
  rowGroups(columns?: readonly string[]): AsyncGenerator<RowGroupRows & { error?: string }>;
  close(): Promise<void>;
}

/**
 * Open a Parquet file through a kept file handle. Throws an error naming the file when it is not a
 * Parquet file, is truncated (no footer) or its footer cannot be parsed.
 */
export async function openParquetFile(path: string): Promise<ParquetFileReader> {
  const { reader, compressors } = await parquetModules();
  const handle = await fs.open(path, "r").catch((error: Error) => {
    throw new Error(`cannot read Parquet file ${path}: ${error.message}`, { cause: error });
  });
  try {
    const { size } = await handle.stat();
    const file: AsyncBuffer = {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = Math.min(end ?? size, size);
        const length = Math.max(0, stop - start);
        const bytes = new Uint8Array(new ArrayBuffer(length));
        let done = 0;
        while (done < length) {
          const { bytesRead } = await handle.read(bytes, done, length - done, start + done);
          if (bytesRead === 0) throw new Error(`${path}: unexpected end of file at byte ${start + done}`);
          done += bytesRead;
        }
        return bytes.buffer;
      },
    };
    if (size < 12) throw new Error(`${path} is not a Parquet file (${size} bytes)`);
    const head = Buffer.from(await file.slice(0, 4));
    if (!head.equals(MAGIC)) throw new Error(`${path} is not a Parquet file (no PAR1 magic at the start)`);
    const tail = Buffer.from(await file.slice(size - 4, size));
    if (!tail.equals(MAGIC)) throw new Error(`${path} is truncated: no Parquet footer (PAR1) at the end of its ${size} bytes`);
    let metadata: FileMetaData;
    try {
      metadata = await reader.parquetMetadataAsync(file);
    } catch (error) {
      throw new Error(`${path} has an unreadable Parquet footer: ${(error as Error).message}`, { cause: error });
    }
    const rowGroupRows = metadata.row_groups.map((group) => Number(group.num_rows));
    const columns = reader.parquetSchema(metadata).children.map((child) => child.element.name);
    return {
      path,
      byteLength: size,
      metadata,
      rows: rowGroupRows.reduce((a, b) => a + b, 0),
      rowGroupRows,
      columns,
      async *rowGroups(wanted?: readonly string[]) {
        const selected = wanted ? wanted.filter((name) => columns.includes(name)) : undefined;
        let firstRow = 0;
        for (const [index, count] of rowGroupRows.entries()) {
          const rowStart = firstRow;
          firstRow += count;
          let rows: Array<Record<string, unknown>>;
          try {
            rows = await reader.parquetReadObjects({ file, metadata, columns: selected, rowStart, rowEnd: rowStart + count, compressors });
          } catch (error) {
            yield {
              index,
              firstRow: rowStart,
              rows: [],
              error: `row group ${index} (rows ${rowStart}-${rowStart + count - 1}) cannot be decoded: ${(error as Error).message}`,
            };
            continue;
          }
          yield { index, firstRow: rowStart, rows };
        }
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Every row of a (small) Parquet file, e.g. to check a written table; throws if any row group is unreadable. */
export async function readParquetRows(path: string): Promise<Array<Record<string, unknown>>> {
  const file = await openParquetFile(path);
  try {
    const rows: Array<Record<string, unknown>> = [];
    for await (const group of file.rowGroups()) {
      if (group.error) throw new Error(`${path}: ${group.error}`);
      for (const row of group.rows) rows.push(row);
    }
    return rows;
  } finally {
    await file.close();
  }
}

/** The Parquet value written in files' `created_by` (no version or date, so bytes do not drift). */
export const PARQUET_CREATED_BY = "hf-se-atlas";

/** A Parquet schema element (the subset written here). */
export interface ParquetSchemaElement {
  name: string;
  type?: "BOOLEAN" | "INT32" | "INT64" | "DOUBLE" | "BYTE_ARRAY";
  converted_type?: "UTF8" | "LIST" | "TIMESTAMP_MILLIS" | "TIMESTAMP_MICROS";
  repetition_type?: "REQUIRED" | "OPTIONAL" | "REPEATED";
  num_children?: number;
}

/** Schema elements of one table column: a leaf, or for `string[]` the LIST group, its `list` and `element`. */
export function parquetColumnSchema<Row>(column: ColumnSpec<Row>): ParquetSchemaElement[] {
  const repetition = column.nullable ? "OPTIONAL" : "REQUIRED";
  switch (column.type) {
    case "string":
      return [{ name: column.name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: repetition }];
    case "int":
      return [{ name: column.name, type: "INT32", repetition_type: repetition }];
    case "float":
      return [{ name: column.name, type: "DOUBLE", repetition_type: repetition }];
    case "bool":
      return [{ name: column.name, type: "BOOLEAN", repetition_type: repetition }];
    case "string[]":
      return [
        { name: column.name, converted_type: "LIST", repetition_type: repetition, num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
      ];
  }
}

/** The whole Parquet schema (root first) of a table spec. */
export function parquetSchemaOf<Row>(spec: TableSpec<Row>): ParquetSchemaElement[] {
  return [{ name: "root", num_children: spec.length }, ...spec.flatMap((column) => parquetColumnSchema(column))];
}

/**
 * Rows to Parquet bytes with the spec's schema. Values are checked like the Arrow writer checks them:
 * a null in a non-nullable column or a value of the wrong type throws, naming the column and row.
 */
export async function rowsToParquet<Row>(rows: readonly Row[], spec: TableSpec<Row>, options: { rowGroupSize?: number } = {}): Promise<Uint8Array> {
  const { writer } = await parquetModules();
  const columnData: ColumnSource[] = spec.map((column) => ({
    name: column.name,
    // The Parquet lists written here hold strings only, so a null item is refused even where the Arrow column allows one.
    data: rows.map((row, r) => checkCell(row[column.name], { ...column, nullableItems: false }, r)) as ColumnSource["data"],
    nullable: column.nullable ?? false,
  }));
  const buffer = writer.parquetWriteBuffer({
    columnData,
    schema: parquetSchemaOf(spec) as never,
    codec: "SNAPPY",
    rowGroupSize: options.rowGroupSize ?? 100_000,
    createdBy: PARQUET_CREATED_BY,
  });
  return new Uint8Array(buffer);
}

/** Rows + spec straight to an atomic `.parquet` file. */
export async function writeParquetRows<Row>(path: string, rows: readonly Row[], spec: TableSpec<Row>): Promise<void> {
  await writeFileAtomic(path, await rowsToParquet(rows, spec));
}
