/**
 * Typed rows <-> Apache Arrow tables, and atomic Arrow IPC files.
 *
 * Every pipeline stage writes its output through here, so each table has an explicit schema
 * (no type guessing from the first row) and the same rows always give the same bytes.
 *
 * A table is declared once, with {@link defineTable}: the column list (names, order, Arrow types,
 * nullability) is the declaration, and the row type is inferred from it with {@link RowOf}, so
 * adding a column is a one-line change:
 *
 *   const VERDICTS = defineTable({ id: col.string(), relevant: col.bool({ nullable: true }) });
 *   type VerdictRow = RowOf<typeof VERDICTS>;   // { id: string; relevant: boolean | null }
 */
import { readFileSync } from "node:fs";
import { Bool, DataType, Field, Float64, Int32, List, Schema, Table, Utf8, tableFromIPC, tableToIPC, vectorFromArray, type Vector } from "apache-arrow";
import { writeFileAtomic, writeFileAtomicSync } from "./atomic";

/** Arrow types: Utf8, Int32, Float64, Bool, List<Utf8>. */
export type ColumnType = "string" | "int" | "float" | "bool" | "string[]";

export interface ColumnSpec<Row> {
  name: Extract<keyof Row, string>;
  type: ColumnType;
  /** Nullable columns accept `null`; others reject it with an error naming the column and row. */
  nullable?: boolean;
  /** `string[]` only: the list items may be null (Arrow's list item field is then nullable). */
  nullableItems?: boolean;
}

export type TableSpec<Row> = readonly ColumnSpec<Row>[];

// ---------------------------------------------------------------------------------------------
// One declaration per table

/** Type-level keys only (no runtime value): they carry a column's cell type and a table's row type. */
export declare const CELL: unique symbol;
export declare const ROW: unique symbol;

/** One column of a table declaration; `Value` (the TypeScript type of its cells) exists for the type checker only. */
export interface Column<Value> {
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly nullableItems: boolean;
  readonly [CELL]?: Value;
}

/** A column spec that also carries its row type (see {@link defineTable}); usable wherever a TableSpec is. */
export type TableDef<Row> = TableSpec<Row> & { readonly [ROW]?: Row };

/** The row type of a table declared with {@link defineTable}. */
export type RowOf<Table> = Table extends { readonly [ROW]?: infer Row } ? Row : never;

type RowOfColumns<Columns> = { -readonly [K in keyof Columns]: Columns[K] extends Column<infer Value> ? Value : never };

function column<Value>(type: ColumnType, options: { nullable?: boolean; nullableItems?: boolean } = {}): Column<Value> {
  return Object.freeze({ type, nullable: options.nullable ?? false, nullableItems: options.nullableItems ?? false });
}

function stringColumn<T extends string = string>(): Column<T>;
function stringColumn<T extends string = string>(options: { nullable: true }): Column<T | null>;
function stringColumn(options?: { nullable?: boolean }): Column<string | null> {
  return column("string", options);
}

function intColumn(): Column<number>;
function intColumn(options: { nullable: true }): Column<number | null>;
function intColumn(options?: { nullable?: boolean }): Column<number | null> {
  return column("int", options);
}

function floatColumn(): Column<number>;
function floatColumn(options: { nullable: true }): Column<number | null>;
function floatColumn(options?: { nullable?: boolean }): Column<number | null> {
  return column("float", options);
}

function boolColumn(): Column<boolean>;
function boolColumn(options: { nullable: true }): Column<boolean | null>;
function boolColumn(options?: { nullable?: boolean }): Column<boolean | null> {
  return column("bool", options);
}

function stringsColumn<T extends string = string>(): Column<T[]>;
function stringsColumn<T extends string = string>(options: { nullable: true }): Column<T[] | null>;
function stringsColumn<T extends string = string>(options: { nullableItems: true }): Column<(T | null)[]>;
function stringsColumn(options?: { nullable?: boolean; nullableItems?: boolean }): Column<(string | null)[] | null> {
  return column("string[]", options);
}

/**
 * Column builders for {@link defineTable}: `string` (Utf8; a type argument narrows the values, e.g.
 * `col.string<ActivityCode>()`), `int` (Int32), `float` (Float64), `bool`, `strings` (List<Utf8>).
 * `{nullable: true}` admits null cells; `strings({nullableItems: true})` admits null list items.
 */
export const col = { string: stringColumn, int: intColumn, float: floatColumn, bool: boolColumn, strings: stringsColumn } as const;

/** Declare a table: columns in file order, each with its Arrow type; the row type is `RowOf<typeof TABLE>`. */
export function defineTable<Columns extends Record<string, Column<unknown>>>(columns: Columns): TableDef<RowOfColumns<Columns>> {
  return Object.freeze(Object.entries(columns).map(([name, c]) => specOf(name, c))) as TableDef<RowOfColumns<Columns>>;
}

/** A table with more columns after those of `base` (e.g. the occurrences: the matches plus `excludedBy`). */
export function extendTable<Base, Columns extends Record<string, Column<unknown>>>(
  base: TableDef<Base>,
  columns: Columns,
): TableDef<{ [K in keyof (Base & RowOfColumns<Columns>)]: (Base & RowOfColumns<Columns>)[K] }> {
  const added = Object.entries(columns).map(([name, c]) => specOf(name, c));
  return Object.freeze([...base, ...added]) as never;
}

function specOf(name: string, c: Column<unknown>): ColumnSpec<Record<string, unknown>> {
  const spec: ColumnSpec<Record<string, unknown>> = { name, type: c.type };
  if (c.nullable) spec.nullable = true;
  if (c.nullableItems) spec.nullableItems = true;
  return Object.freeze(spec);
}

/** Column names in file order. */
export function columnNames<Row>(spec: TableSpec<Row>): Array<Extract<keyof Row, string>> {
  return spec.map((c) => c.name);
}

// ---------------------------------------------------------------------------------------------
// Rows <-> Arrow

function arrowTypeOf(type: ColumnType, nullableItems = false): DataType {
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
      return new List(new Field("item", new Utf8(), nullableItems));
  }
}

export function schemaOf<Row>(spec: TableSpec<Row>): Schema {
  return new Schema(spec.map((c) => new Field(c.name, arrowTypeOf(c.type, c.nullableItems), c.nullable ?? false)));
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

/** A cell checked against its column: null only where nullable, and of the column's type (errors name column and row). */
export function checkCell<Row>(value: unknown, column: ColumnSpec<Row>, rowIndex: number): unknown {
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
            : Array.isArray(value) && value.every((v) => typeof v === "string" || (column.nullableItems === true && v === null));
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

/**
 * The rows of an Arrow file one at a time, batch by batch, with only the named columns (values as
 * {@link tableToRows} gives them): for tables too big to hold as row objects (one row per Hub model).
 */
export function* scanRows<Row, K extends Extract<keyof Row, string>>(path: string, columns: readonly K[]): Generator<Pick<Row, K>> {
  for (const batch of readArrowFile(path).batches) {
    const vectors = columns.map((name) => {
      const vector = batch.getChild(name);
      if (!vector) throw new Error(`${path} has no column "${name}"`);
      return vector;
    });
    for (let i = 0; i < batch.numRows; i++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < columns.length; c++) row[columns[c]!] = plain(vectors[c]!.get(i));
      yield row as Pick<Row, K>;
    }
  }
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
