/**
 * Typed rows <-> Apache Arrow tables, and atomic Arrow IPC files.
 *
 * Every pipeline stage writes its output through here, so each table has an explicit schema
 * (no type guessing from the first row) and the same rows always give the same bytes.
 */
import { readFileSync } from "node:fs";
import {
  Bool,
  DataType,
  Field,
  Float64,
  Int32,
  List,
  Schema,
  Table,
  Utf8,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from "apache-arrow";
import { writeFileAtomic, writeFileAtomicSync } from "./atomic";

export type ColumnType = "string" | "int" | "float" | "bool" | "string[]";

export interface ColumnSpec<Row> {
  name: Extract<keyof Row, string>;
  type: ColumnType;
  /** Nullable columns accept `null`; others reject it with an error naming the column and row. */
  nullable?: boolean;
}

export type TableSpec<Row> = readonly ColumnSpec<Row>[];

function arrowTypeOf(type: ColumnType): DataType {
  switch (type) {
    case "string":
      return new Utf8();
    case "int":
      return new Int32();
    case "float":
      return new Float64();
    case "bool":
      return new Bool();
    case "string[]":
      return new List(new Field("item", new Utf8(), false));
  }
}

export function schemaOf<Row>(spec: TableSpec<Row>): Schema {
  return new Schema(spec.map((c) => new Field(c.name, arrowTypeOf(c.type), c.nullable ?? false)));
}

/** Build an Arrow table from rows, column by column, checking nulls and types against the spec. */
export function rowsToTable<Row>(rows: readonly Row[], spec: TableSpec<Row>): Table {
  const schema = schemaOf(spec);
  if (rows.length === 0) return new Table(schema);
  const columns: Record<string, Vector> = {};
  for (const [i, column] of spec.entries()) {
    const values = rows.map((row, r) => checkCell(row[column.name], column, r));
    columns[column.name] = vectorFromArray(values as never[], schema.fields[i]!.type);
  }
  return new Table(schema, columns as never);
}

function checkCell<Row>(value: unknown, column: ColumnSpec<Row>, rowIndex: number): unknown {
  if (value === null || value === undefined) {
    if (column.nullable) return null;
    throw new TypeError(`column "${column.name}" row ${rowIndex}: null in a non-nullable column`);
  }
  const ok =
    column.type === "string"
      ? typeof value === "string"
      : column.type === "int"
        ? Number.isInteger(value) && Math.abs(value as number) <= 2 ** 31 - 1
        : column.type === "float"
          ? typeof value === "number"
          : column.type === "bool"
            ? typeof value === "boolean"
            : Array.isArray(value) && value.every((v) => typeof v === "string");
  if (!ok) throw new TypeError(`column "${column.name}" row ${rowIndex}: expected ${column.type}, got ${JSON.stringify(value)}`);
  return value;
}

/** Read an Arrow table back into plain rows (lists become string arrays, nulls stay null). */
export function tableToRows<Row>(table: Table, spec?: TableSpec<Row>): Row[] {
  const names = spec ? spec.map((c) => c.name as string) : table.schema.fields.map((f) => f.name);
  const vectors = names.map((name) => {
    const vector = table.getChild(name);
    if (!vector) throw new Error(`Arrow table has no column "${name}"`);
    return vector;
  });
  const rows: Row[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = plain(vectors[c]!.get(r));
    rows[r] = row as Row;
  }
  return rows;
}

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "object" && value !== null && "toArray" in value) {
    return Array.from((value as { toArray(): ArrayLike<unknown> }).toArray(), plain);
  }
  return value;
}

/** Serialise a table as an Arrow IPC file (random-access format, `.arrow`). */
export function tableToBytes(table: Table): Uint8Array {
  return tableToIPC(table, "file");
}

export async function writeArrowFile(path: string, table: Table): Promise<void> {
  await writeFileAtomic(path, tableToBytes(table));
}

export function writeArrowFileSync(path: string, table: Table): void {
  writeFileAtomicSync(path, tableToBytes(table));
}

/** Convenience: rows + spec straight to an atomic `.arrow` file. */
export async function writeRows<Row>(path: string, rows: readonly Row[], spec: TableSpec<Row>): Promise<void> {
  await writeArrowFile(path, rowsToTable(rows, spec));
}

export function readArrowFile(path: string): Table {
  return tableFromIPC(readFileSync(path));
}

export function readRows<Row>(path: string, spec?: TableSpec<Row>): Row[] {
  return tableToRows(readArrowFile(path), spec);
}

/** Plain CSV of rows (RFC 4180 quoting; lists joined with `|`), for people who open tables in a spreadsheet. */
export function rowsToCsv<Row>(rows: readonly Row[], spec: TableSpec<Row>): string {
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return "";
    const text = Array.isArray(value) ? value.join("|") : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [spec.map((c) => cell(c.name)).join(",")];
  for (const row of rows) lines.push(spec.map((c) => cell(row[c.name])).join(","));
  return lines.join("\n") + "\n";
}
