/**
 * ModelRecord <-> Arrow record batch, column by column.
 *
 * Layout (one row per model; `?` = nullable):
 *   id Utf8, author Utf8?, createdAt Utf8?, lastModified Utf8?,
 *   downloads Float64?, likes Float64?      (Float64 holds every integer up to 2^53 exactly; Hub counts
 *                                           pass 2^31, and a JS number round-trips bit for bit),
 *   pipelineTag Utf8?, libraryName Utf8?, tags List<Utf8>, cardStatus Utf8,
 *   cardText Utf8?,
 *   cardBodyFrom Int32?, cardBody Utf8?     (the body is usually a suffix of cardText: then only its
 *                                           start index (UTF-16 units) is stored, halving card bytes;
 *                                           otherwise, e.g. CRLF cards, the body itself),
 *   hasCardMeta Bool                        (false <=> cardMeta null; the meta* columns are then null),
 *   metaLicense, metaDatasets, metaBaseModel, metaLanguage, metaTags List<Utf8>?,
 *   metaPipelineTag Utf8?, metaModelIndexJson Utf8? (JSON array, fixed key order), metaRawJson Utf8?,
 *   arxivIds List<Utf8>,
 *   paperIds List<Utf8>, paperTitles List<Utf8?>, paperAbstracts List<Utf8?>   (parallel lists),
 *   problemStages, problemCodes, problemMessages List<Utf8>                     (parallel lists).
 *
 * Buffers are built directly (offsets + UTF-8 bytes, exact sizes, zeroed), which is several times
 * faster than Arrow's generic builders and gives the same bytes for the same records. Decoding reads
 * the buffers directly too, instead of materialising Arrow vectors per cell.
 */
import {
  Bool,
  Field,
  Float64,
  Int32,
  List,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  makeData,
  type Data,
  type DataType,
} from "apache-arrow";
import { CARD_STATUSES, type ArxivPaper, type CardMetadata, type CardStatus, type ModelIndexResult, type ModelRecord, type Problem, type ProblemStage } from "./record";
import { errorMessage } from "../util/text";

type Kind = "utf8" | "float64" | "int32" | "bool" | "list" | "list?";

interface ColumnDef {
  name: string;
  kind: Kind;
  nullable: boolean;
}

const COLUMN_DEFS: readonly ColumnDef[] = [
  { name: "id", kind: "utf8", nullable: false },
  { name: "author", kind: "utf8", nullable: true },
  { name: "createdAt", kind: "utf8", nullable: true },
  { name: "lastModified", kind: "utf8", nullable: true },
  { name: "downloads", kind: "float64", nullable: true },
  { name: "likes", kind: "float64", nullable: true },
  { name: "pipelineTag", kind: "utf8", nullable: true },
  { name: "libraryName", kind: "utf8", nullable: true },
  { name: "tags", kind: "list", nullable: false },
  { name: "cardStatus", kind: "utf8", nullable: false },
  { name: "cardText", kind: "utf8", nullable: true },
  { name: "cardBodyFrom", kind: "int32", nullable: true },
  { name: "cardBody", kind: "utf8", nullable: true },
  { name: "hasCardMeta", kind: "bool", nullable: false },
  { name: "metaLicense", kind: "list", nullable: true },
  { name: "metaDatasets", kind: "list", nullable: true },
  { name: "metaBaseModel", kind: "list", nullable: true },
  { name: "metaLanguage", kind: "list", nullable: true },
  { name: "metaTags", kind: "list", nullable: true },
  { name: "metaPipelineTag", kind: "utf8", nullable: true },
  { name: "metaModelIndexJson", kind: "utf8", nullable: true },
  { name: "metaRawJson", kind: "utf8", nullable: true },
  { name: "arxivIds", kind: "list", nullable: false },
  { name: "paperIds", kind: "list", nullable: false },
  { name: "paperTitles", kind: "list?", nullable: false },
  { name: "paperAbstracts", kind: "list?", nullable: false },
  { name: "problemStages", kind: "list", nullable: false },
  { name: "problemCodes", kind: "list", nullable: false },
  { name: "problemMessages", kind: "list", nullable: false },
];

/** Column names in file order (for readers that open the shards with other Arrow tools). */
export const CORPUS_COLUMNS: readonly string[] = COLUMN_DEFS.map((c) => c.name);

function arrowType(kind: Kind): DataType {
  switch (kind) {
    case "utf8":
      return new Utf8();
    case "float64":
      return new Float64();
    case "int32":
      return new Int32();
    case "bool":
      return new Bool();
    case "list":
      return new List(new Field("item", new Utf8(), false));
    case "list?":
      return new List(new Field("item", new Utf8(), true));
  }
}

export const CORPUS_SCHEMA = new Schema(COLUMN_DEFS.map((c) => new Field(c.name, arrowType(c.kind), c.nullable)));

const STATUS_SET = new Set<string>(CARD_STATUSES);

// ---------------------------------------------------------------------------------------------
// Encoding

/** Encode records as one Arrow record batch. Throws (naming the model) on a value of the wrong type. */
export function recordsToBatch(records: readonly ModelRecord[]): RecordBatch {
  const n = records.length;
  const cols = new Map<string, unknown[]>(COLUMN_DEFS.map((c) => [c.name, new Array<unknown>(n)]));
  const set = (name: string, i: number, value: unknown) => {
    cols.get(name)![i] = value;
  };
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    checkRecord(r);
    set("id", i, r.id);
    set("author", i, r.author);
    set("createdAt", i, r.createdAt);
    set("lastModified", i, r.lastModified);
    set("downloads", i, r.downloads);
    set("likes", i, r.likes);
    set("pipelineTag", i, r.pipelineTag);
    set("libraryName", i, r.libraryName);
    set("tags", i, r.tags);
    set("cardStatus", i, r.cardStatus);
    set("cardText", i, r.cardText);
    const bodyFrom = r.cardBody !== null && r.cardText !== null && r.cardText.endsWith(r.cardBody) ? r.cardText.length - r.cardBody.length : null;
    set("cardBodyFrom", i, bodyFrom);
    set("cardBody", i, bodyFrom === null ? r.cardBody : null);
    const meta = r.cardMeta;
    set("hasCardMeta", i, meta !== null);
    set("metaLicense", i, meta ? meta.license : null);
    set("metaDatasets", i, meta ? meta.datasets : null);
    set("metaBaseModel", i, meta ? meta.baseModel : null);
    set("metaLanguage", i, meta ? meta.language : null);
    set("metaTags", i, meta ? meta.tags : null);
    set("metaPipelineTag", i, meta ? meta.pipelineTag : null);
    set("metaModelIndexJson", i, meta ? modelIndexToJson(meta.modelIndex) : null);
    set("metaRawJson", i, meta ? meta.rawJson : null);
    set("arxivIds", i, r.arxivIds);
    set("paperIds", i, r.papers.map((p) => p.id));
    set("paperTitles", i, r.papers.map((p) => p.title));
    set("paperAbstracts", i, r.papers.map((p) => p.abstract));
    set("problemStages", i, r.problems.map((p) => p.stage));
    set("problemCodes", i, r.problems.map((p) => p.code));
    set("problemMessages", i, r.problems.map((p) => p.message));
  }
  const children = COLUMN_DEFS.map((def) => {
    try {
      return encodeColumn(def, cols.get(def.name)!);
    } catch (error) {
      const row = error instanceof CellError ? error.row : -1;
      const where = row >= 0 ? ` (model ${JSON.stringify(records[row]!.id)})` : "";
      throw new TypeError(`corpus column "${def.name}"${where}: ${errorMessage(error)}`, { cause: error });
    }
  });
  const struct = makeData({ type: new Struct(CORPUS_SCHEMA.fields), length: n, nullCount: 0, children });
  return new RecordBatch(CORPUS_SCHEMA, struct);
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

function encodeColumn(def: ColumnDef, values: unknown[]): Data {
  const type = CORPUS_SCHEMA.fields.find((f) => f.name === def.name)!.type;
  switch (def.kind) {
    case "utf8":
      return encodeUtf8(values, def.nullable, type as Utf8);
    case "float64":
      return encodeFloat64(values, type as Float64);
    case "int32":
      return encodeInt32(values, type as Int32);
    case "bool":
      return encodeBool(values, type as Bool);
    case "list":
    case "list?":
      return encodeList(values, def.nullable, def.kind === "list?", type as List<Utf8>);
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
  const col = (name: string): Data => columnData(batch, name, where);
  const id = readUtf8(col("id"));
  const author = readUtf8(col("author"));
  const createdAt = readUtf8(col("createdAt"));
  const lastModified = readUtf8(col("lastModified"));
  const downloads = readFloat64(col("downloads"));
  const likes = readFloat64(col("likes"));
  const pipelineTag = readUtf8(col("pipelineTag"));
  const libraryName = readUtf8(col("libraryName"));
  const tags = readList(col("tags"));
  const cardStatus = readUtf8(col("cardStatus"));
  const cardText = readUtf8(col("cardText"));
  const cardBodyFrom = readInt32(col("cardBodyFrom"));
  const cardBody = readUtf8(col("cardBody"));
  const hasCardMeta = readBool(col("hasCardMeta"));
  const metaLicense = readList(col("metaLicense"));
  const metaDatasets = readList(col("metaDatasets"));
  const metaBaseModel = readList(col("metaBaseModel"));
  const metaLanguage = readList(col("metaLanguage"));
  const metaTags = readList(col("metaTags"));
  const metaPipelineTag = readUtf8(col("metaPipelineTag"));
  const metaModelIndexJson = readUtf8(col("metaModelIndexJson"));
  const metaRawJson = readUtf8(col("metaRawJson"));
  const arxivIds = readList(col("arxivIds"));
  const paperIds = readList(col("paperIds"));
  const paperTitles = readList(col("paperTitles"));
  const paperAbstracts = readList(col("paperAbstracts"));
  const problemStages = readList(col("problemStages"));
  const problemCodes = readList(col("problemCodes"));
  const problemMessages = readList(col("problemMessages"));

  const records: ModelRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const modelId = id[i]!;
    const status = cardStatus[i]!;
    if (!STATUS_SET.has(status)) throw new Error(`${where}: model ${JSON.stringify(modelId)} has unknown cardStatus ${JSON.stringify(status)}`);
    const text = cardText[i]!;
    const from = cardBodyFrom[i]!;
    let cardMeta: CardMetadata | null = null;
    if (hasCardMeta[i]) {
      cardMeta = {
        license: metaLicense[i] as string[],
        datasets: metaDatasets[i] as string[],
        baseModel: metaBaseModel[i] as string[],
        language: metaLanguage[i] as string[],
        tags: metaTags[i] as string[],
        pipelineTag: metaPipelineTag[i]!,
        modelIndex: JSON.parse(metaModelIndexJson[i] ?? "[]") as ModelIndexResult[],
        rawJson: metaRawJson[i] ?? "{}",
      };
    }
    const ids = paperIds[i]!;
    const papers: ArxivPaper[] = ids.map((paperId, k) => ({ id: paperId!, title: paperTitles[i]![k] ?? null, abstract: paperAbstracts[i]![k] ?? null }));
    const stages = problemStages[i]!;
    const problems: Problem[] = stages.map((stage, k) => ({ stage: stage as ProblemStage, code: problemCodes[i]![k]!, message: problemMessages[i]![k]! }));
    records[i] = {
      id: modelId,
      author: author[i]!,
      createdAt: createdAt[i]!,
      lastModified: lastModified[i]!,
      downloads: downloads[i]!,
      likes: likes[i]!,
      pipelineTag: pipelineTag[i]!,
      libraryName: libraryName[i]!,
      tags: tags[i] as string[],
      cardStatus: status as CardStatus,
      cardText: text,
      cardBody: from !== null && text !== null ? text.slice(from) : cardBody[i]!,
      cardMeta,
      arxivIds: arxivIds[i] as string[],
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
export interface CorpusColumnValues {
  id: string;
  author: string | null;
  createdAt: string | null;
  lastModified: string | null;
  downloads: number | null;
  likes: number | null;
  pipelineTag: string | null;
  libraryName: string | null;
  tags: string[];
  cardStatus: CardStatus;
  cardText: string | null;
  cardBody: string | null;
  hasCardMeta: boolean;
  metaLicense: string[] | null;
  metaDatasets: string[] | null;
  metaBaseModel: string[] | null;
  metaLanguage: string[] | null;
  metaTags: string[] | null;
  metaPipelineTag: string | null;
  metaModelIndexJson: string | null;
  metaRawJson: string | null;
  arxivIds: string[];
  paperIds: string[];
  paperTitles: (string | null)[];
  paperAbstracts: (string | null)[];
  problemStages: ProblemStage[];
  problemCodes: string[];
  problemMessages: string[];
}

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
    const def = COLUMN_DEFS.find((c) => c.name === name);
    if (!def || name === ("cardBodyFrom" as string)) throw new Error(`${where}: no corpus column "${name}"`);
    const data = columnData(batch, name, where);
    out[name] = def.kind === "utf8" ? readUtf8(data) : def.kind === "float64" ? readFloat64(data) : def.kind === "int32" ? readInt32(data) : def.kind === "bool" ? readBool(data) : readList(data);
  }
  return out as CorpusColumns<K>;
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
