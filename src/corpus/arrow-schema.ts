/**
 * ModelRecord <-> Arrow record batch, column by column.
 *
 * One row per model; the columns are declared once, in CORPUS_TABLE below. Why the layout is so:
 * - downloads and likes are Float64: it holds every integer up to 2^53 exactly (Hub counts pass 2^31),
 *   and a JS number round-trips bit for bit;
 * - the card body is usually a suffix of cardText: then only its start index (cardBodyFrom, UTF-16 units)
 *   is stored, halving card bytes; otherwise (e.g. CRLF cards) cardBody holds the body itself;
 * - hasCardMeta is false exactly when cardMeta is null, and the meta* columns are then null;
 *   metaModelIndexJson is a JSON array with a fixed key order;
 * - paperIds/paperTitles/paperAbstracts and problemStages/problemCodes/problemMessages are parallel lists.
 *
 * Buffers are built directly (offsets + UTF-8 bytes, exact sizes, zeroed), which is several times
 * faster than Arrow's generic builders and gives the same bytes for the same records. Decoding reads
 * the buffers directly too, instead of materialising Arrow vectors per cell.
 */
import { Bool, Float64, Int32, List, RecordBatch, Struct, Utf8, makeData, type Data } from "apache-arrow";
import { col, defineTable, schemaOf, type ColumnSpec, type RowOf } from "../util/arrow-table";
import {
  CARD_STATUSES,
  type ArxivPaper,
  type CardMetadata,
  type CardStatus,
  type ModelIndexResult,
  type ModelRecord,
  type Problem,
  type ProblemStage,
} from "./record";
import { errorMessage } from "../util/text";

/**
 * The shard layout, declared once: column order, Arrow types and nullability (the bytes of every shard
 * follow from it), and the TypeScript type of each column's values.
 */
const CORPUS_TABLE = defineTable({
  id: col.string(),
  author: col.string({ nullable: true }),
  createdAt: col.string({ nullable: true }),
  lastModified: col.string({ nullable: true }),
  downloads: col.float({ nullable: true }),
  likes: col.float({ nullable: true }),
  pipelineTag: col.string({ nullable: true }),
  libraryName: col.string({ nullable: true }),
  tags: col.strings(),
  cardStatus: col.string<CardStatus>(),
  cardText: col.string({ nullable: true }),
  /** Where the body starts in cardText (UTF-16 units) when it is a suffix of it; then cardBody is null. */
  cardBodyFrom: col.int({ nullable: true }),
  cardBody: col.string({ nullable: true }),
  hasCardMeta: col.bool(),
  metaLicense: col.strings({ nullable: true }),
  metaDatasets: col.strings({ nullable: true }),
  metaBaseModel: col.strings({ nullable: true }),
  metaLanguage: col.strings({ nullable: true }),
  metaTags: col.strings({ nullable: true }),
  metaPipelineTag: col.string({ nullable: true }),
  metaModelIndexJson: col.string({ nullable: true }),
  metaRawJson: col.string({ nullable: true }),
  arxivIds: col.strings(),
  paperIds: col.strings(),
  paperTitles: col.strings({ nullableItems: true }),
  paperAbstracts: col.strings({ nullableItems: true }),
  problemStages: col.strings<ProblemStage>(),
  problemCodes: col.strings(),
  problemMessages: col.strings(),
});

/** One shard row as stored (card metadata spread over meta* columns, the body as an offset when possible). */
type StoredRow = RowOf<typeof CORPUS_TABLE>;
type CorpusColumn = ColumnSpec<StoredRow>;

/** Column names in file order (for readers that open the shards with other Arrow tools). */
export const CORPUS_COLUMNS: readonly string[] = CORPUS_TABLE.map((c) => c.name);

export const CORPUS_SCHEMA = schemaOf(CORPUS_TABLE);

const STATUS_SET = new Set<string>(CARD_STATUSES);

// ---------------------------------------------------------------------------------------------
// Encoding

/** Encode records as one Arrow record batch. Throws (naming the model) on a value of the wrong type. */
export function recordsToBatch(records: readonly ModelRecord[]): RecordBatch {
  const rows = records.map((r) => {
    checkRecord(r);
    return storedRowOf(r);
  });
  const children = CORPUS_TABLE.map((column) => {
    try {
      return encodeColumn(
        column,
        rows.map((row) => row[column.name]),
      );
    } catch (error) {
      const row = error instanceof CellError ? error.row : -1;
      const where = row >= 0 ? ` (model ${JSON.stringify(records[row]!.id)})` : "";
      throw new TypeError(`corpus column "${column.name}"${where}: ${errorMessage(error)}`, { cause: error });
    }
  });
  const struct = makeData({ type: new Struct(CORPUS_SCHEMA.fields), length: records.length, nullCount: 0, children });
  return new RecordBatch(CORPUS_SCHEMA, struct);
}

function storedRowOf(r: ModelRecord): StoredRow {
  const bodyFrom = r.cardBody !== null && r.cardText !== null && r.cardText.endsWith(r.cardBody) ? r.cardText.length - r.cardBody.length : null;
  const meta = r.cardMeta;
  return {
    id: r.id,
    author: r.author,
    createdAt: r.createdAt,
    lastModified: r.lastModified,
    downloads: r.downloads,
    likes: r.likes,
    pipelineTag: r.pipelineTag,
    libraryName: r.libraryName,
    tags: r.tags,
    cardStatus: r.cardStatus,
    cardText: r.cardText,
    cardBodyFrom: bodyFrom,
    cardBody: bodyFrom === null ? r.cardBody : null,
    hasCardMeta: meta !== null,
    metaLicense: meta ? meta.license : null,
    metaDatasets: meta ? meta.datasets : null,
    metaBaseModel: meta ? meta.baseModel : null,
    metaLanguage: meta ? meta.language : null,
    metaTags: meta ? meta.tags : null,
    metaPipelineTag: meta ? meta.pipelineTag : null,
    metaModelIndexJson: meta ? modelIndexToJson(meta.modelIndex) : null,
    metaRawJson: meta ? meta.rawJson : null,
    arxivIds: r.arxivIds,
    paperIds: r.papers.map((p) => p.id),
    paperTitles: r.papers.map((p) => p.title),
    paperAbstracts: r.papers.map((p) => p.abstract),
    problemStages: r.problems.map((p) => p.stage),
    problemCodes: r.problems.map((p) => p.code),
    problemMessages: r.problems.map((p) => p.message),
  };
}

class CellError extends Error {
  constructor(
    readonly row: number,
    message: string,
  ) {
    super(message);
  }
}

function checkRecord(r: ModelRecord): void {
  if (typeof r.id !== "string" || r.id === "") throw new TypeError(`corpus record without an id: ${JSON.stringify(r).slice(0, 120)}`);
  if (!STATUS_SET.has(r.cardStatus)) throw new TypeError(`model ${JSON.stringify(r.id)}: unknown cardStatus ${JSON.stringify(r.cardStatus)}`);
  for (const key of ["tags", "arxivIds", "papers", "problems"] as const) {
    if (!Array.isArray(r[key])) throw new TypeError(`model ${JSON.stringify(r.id)}: "${key}" must be a list`);
  }
}

function modelIndexToJson(rows: readonly ModelIndexResult[]): string {
  return JSON.stringify(
    rows.map((m) => ({
      model: m.model,
      taskType: m.taskType,
      datasetName: m.datasetName,
      datasetType: m.datasetType,
      metricType: m.metricType,
      metricName: m.metricName,
      value: m.value,
    })),
  );
}

function encodeColumn(column: CorpusColumn, values: unknown[]): Data {
  const type = CORPUS_SCHEMA.fields.find((f) => f.name === column.name)!.type;
  const nullable = column.nullable ?? false;
  switch (column.type) {
    case "string":
      return encodeUtf8(values, nullable, type as Utf8);
    case "float":
      return encodeFloat64(values, type as Float64);
    case "int":
      return encodeInt32(values, type as Int32);
    case "bool":
      return encodeBool(values, type as Bool);
    case "string[]":
      return encodeList(values, nullable, column.nullableItems ?? false, type as List<Utf8>);
  }
}

interface Validity {
  bitmap: Uint8Array | undefined;
  nullCount: number;
}

/** Null bitmap (bit set = valid); undefined when nothing is null, as Arrow allows. */
function validityOf(values: readonly unknown[], nullable: boolean): Validity {
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) {
      if (!nullable) throw new CellError(i, "null in a non-nullable column");
      nullCount++;
    }
  }
  if (nullCount === 0) return { bitmap: undefined, nullCount };
  const bitmap = new Uint8Array(((values.length + 63) >> 6) << 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== null && values[i] !== undefined) bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap, nullCount };
}

/** UTF-8 bytes + Int32 offsets for a list of strings (nulls become empty slots). */
function packStrings(values: readonly unknown[], rowOf: (i: number) => number): { offsets: Int32Array; bytes: Uint8Array } {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) {
      if (typeof v !== "string") throw new CellError(rowOf(i), `expected a string, got ${JSON.stringify(v)}`);
      total += Buffer.byteLength(v, "utf8");
      if (total > 0x7fffffff) throw new CellError(rowOf(i), "more than 2 GiB of text in one shard; use a smaller shard size");
    }
    offsets[i + 1] = total;
  }
  const bytes = Buffer.alloc(total);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "string" && v.length > 0) bytes.write(v, offsets[i]!, "utf8");
  }
  return { offsets, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

function encodeUtf8(values: unknown[], nullable: boolean, type: Utf8): Data {
  const { bitmap, nullCount } = validityOf(values, nullable);
  const { offsets, bytes } = packStrings(values, (i) => i);
  return makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, valueOffsets: offsets, data: bytes });
}

function encodeFloat64(values: unknown[], type: Float64): Data {
  const { bitmap, nullCount } = validityOf(values, true);
  const data = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v !== "number") throw new CellError(i, `expected a number, got ${JSON.stringify(v)}`);
    data[i] = v;
  }
  return makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, data });
}

function encodeInt32(values: unknown[], type: Int32): Data {
  const { bitmap, nullCount } = validityOf(values, true);
  const data = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number") data[i] = v;
  }
  return makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, data });
}

function encodeBool(values: unknown[], type: Bool): Data {
  const data = new Uint8Array(((values.length + 63) >> 6) << 3);
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== "boolean") throw new CellError(i, `expected a boolean, got ${JSON.stringify(values[i])}`);
    if (values[i]) data[i >> 3]! |= 1 << (i & 7);
  }
  return makeData({ type, length: values.length, nullCount: 0, data });
}

function encodeList(values: unknown[], nullable: boolean, itemsNullable: boolean, type: List<Utf8>): Data {
  const { bitmap, nullCount } = validityOf(values, nullable);
  const offsets = new Int32Array(values.length + 1);
  const items: unknown[] = [];
  const itemRow: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const list = values[i];
    if (list !== null && list !== undefined) {
      if (!Array.isArray(list)) throw new CellError(i, `expected a list of strings, got ${JSON.stringify(list)}`);
      for (const item of list) {
        items.push(item);
        itemRow.push(i);
      }
    }
    offsets[i + 1] = items.length;
  }
  const child = itemsNullable ? validityOf(items, true) : { bitmap: undefined, nullCount: 0 };
  if (!itemsNullable) {
    const nullAt = items.findIndex((v) => v === null || v === undefined);
    if (nullAt >= 0) throw new CellError(itemRow[nullAt]!, "null inside a list of strings");
  }
  const packed = packStrings(items, (k) => itemRow[k]!);
  const childData = makeData({
    type: type.children[0]!.type,
    length: items.length,
    nullCount: child.nullCount,
    nullBitmap: child.bitmap,
    valueOffsets: packed.offsets,
    data: packed.bytes,
  });
  return makeData({ type, length: values.length, nullCount, nullBitmap: bitmap, valueOffsets: offsets, child: childData });
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Decode one record batch (as written by {@link recordsToBatch}) back into records. */
export function batchToRecords(batch: RecordBatch, where: string): ModelRecord[] {
  const n = batch.numRows;
  const c = {} as { [K in keyof StoredRow]: StoredRow[K][] };
  for (const column of CORPUS_TABLE) (c as Record<string, unknown[]>)[column.name] = decodeColumn(columnData(batch, column.name, where), column);

  const records: ModelRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const modelId = c.id[i]!;
    const status = c.cardStatus[i]!;
    if (!STATUS_SET.has(status)) throw new Error(`${where}: model ${JSON.stringify(modelId)} has unknown cardStatus ${JSON.stringify(status)}`);
    const text = c.cardText[i]!;
    const from = c.cardBodyFrom[i]!;
    let cardMeta: CardMetadata | null = null;
    if (c.hasCardMeta[i]) {
      cardMeta = {
        license: c.metaLicense[i]!,
        datasets: c.metaDatasets[i]!,
        baseModel: c.metaBaseModel[i]!,
        language: c.metaLanguage[i]!,
        tags: c.metaTags[i]!,
        pipelineTag: c.metaPipelineTag[i]!,
        modelIndex: JSON.parse(c.metaModelIndexJson[i] ?? "[]") as ModelIndexResult[],
        rawJson: c.metaRawJson[i] ?? "{}",
      };
    }
    const ids = c.paperIds[i]!;
    const papers: ArxivPaper[] = ids.map((paperId, k) => ({ id: paperId, title: c.paperTitles[i]![k] ?? null, abstract: c.paperAbstracts[i]![k] ?? null }));
    const stages = c.problemStages[i]!;
    const problems: Problem[] = stages.map((stage, k) => ({ stage, code: c.problemCodes[i]![k]!, message: c.problemMessages[i]![k]! }));
    records[i] = {
      id: modelId,
      author: c.author[i]!,
      createdAt: c.createdAt[i]!,
      lastModified: c.lastModified[i]!,
      downloads: c.downloads[i]!,
      likes: c.likes[i]!,
      pipelineTag: c.pipelineTag[i]!,
      libraryName: c.libraryName[i]!,
      tags: c.tags[i]!,
      cardStatus: status,
      cardText: text,
      cardBody: from !== null && text !== null ? text.slice(from) : c.cardBody[i]!,
      cardMeta,
      arxivIds: c.arxivIds[i]!,
      papers,
      problems,
    };
  }
  return records;
}

/**
 * One value of each corpus column as {@link batchColumns} returns it. `cardBody` is the real body
 * (resolved from cardText when stored as an offset); the internal `cardBodyFrom` is not exposed.
 */
export type CorpusColumnValues = Omit<StoredRow, "cardBodyFrom">;

export type CorpusColumnName = keyof CorpusColumnValues;
export type CorpusColumns<K extends CorpusColumnName> = { [P in K]: CorpusColumnValues[P][] };

/** Decode only the named columns of a batch (much cheaper than whole records when cards are not needed). */
export function batchColumns<K extends CorpusColumnName>(batch: RecordBatch, names: readonly K[], where: string): CorpusColumns<K> {
  const out = {} as Record<string, unknown[]>;
  for (const name of names) {
    if (name === "cardBody") {
      const text = readUtf8(columnData(batch, "cardText", where));
      const from = readInt32(columnData(batch, "cardBodyFrom", where));
      const body = readUtf8(columnData(batch, "cardBody", where));
      out[name] = body.map((b, i) => (from[i] !== null && text[i] !== null ? text[i]!.slice(from[i]!) : b));
      continue;
    }
    const column = CORPUS_TABLE.find((c) => c.name === name);
    if (!column || name === ("cardBodyFrom" as string)) throw new Error(`${where}: no corpus column "${name}"`);
    out[name] = decodeColumn(columnData(batch, name, where), column);
  }
  return out as CorpusColumns<K>;
}

/** The values of one column, by its declared type (the buffers are read directly, see columnData). */
function decodeColumn(data: Data, column: CorpusColumn): unknown[] {
  switch (column.type) {
    case "string":
      return readUtf8(data);
    case "float":
      return readFloat64(data);
    case "int":
      return readInt32(data);
    case "bool":
      return readBool(data);
    case "string[]":
      return readList(data);
  }
}

const EXPECTED_TYPES = new Map(CORPUS_SCHEMA.fields.map((f) => [f.name, String(f.type)]));

/** The column's data, checked against the corpus schema so the direct buffer reads below are safe. */
function columnData(batch: RecordBatch, name: string, where: string): Data {
  const index = batch.schema.fields.findIndex((f) => f.name === name);
  if (index < 0) throw new Error(`${where}: corpus shard has no column "${name}"`);
  const actual = String(batch.schema.fields[index]!.type);
  if (actual !== EXPECTED_TYPES.get(name)) throw new Error(`${where}: column "${name}" is ${actual}, expected ${EXPECTED_TYPES.get(name)}`);
  return batch.data.children[index]!;
}

function isValid(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return true;
  const bit = data.offset + i;
  return ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

function readUtf8(data: Data): (string | null)[] {
  const out: (string | null)[] = new Array(data.length);
  const offsets = data.valueOffsets as Int32Array;
  const values = data.values as Uint8Array;
  const buffer = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) {
      out[i] = null;
      continue;
    }
    const start = offsets[data.offset + i]!;
    const end = offsets[data.offset + i + 1]!;
    out[i] = start === end ? "" : buffer.toString("utf8", start, end);
  }
  return out;
}

function readFloat64(data: Data): (number | null)[] {
  const values = data.values as Float64Array;
  const out: (number | null)[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = isValid(data, i) ? values[data.offset + i]! : null;
  return out;
}

function readInt32(data: Data): (number | null)[] {
  const values = data.values as Int32Array;
  const out: (number | null)[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = isValid(data, i) ? values[data.offset + i]! : null;
  return out;
}

function readBool(data: Data): boolean[] {
  const values = data.values as Uint8Array;
  const out: boolean[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const bit = data.offset + i;
    out[i] = ((values[bit >> 3]! >> (bit & 7)) & 1) === 1;
  }
  return out;
}

function readList(data: Data): ((string | null)[] | null)[] {
  const offsets = data.valueOffsets as Int32Array;
  const items = readUtf8(data.children[0]!);
  const out: ((string | null)[] | null)[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    out[i] = isValid(data, i) ? items.slice(offsets[data.offset + i]!, offsets[data.offset + i + 1]!) : null;
  }
  return out;
}
