/**
 * An Arrow IPC file written batch by batch (one record batch per corpus shard), so a Hub-sized stage
 * table never sits in memory whole. The file appears atomically when closed; the bytes depend only on
 * the rows and their order.
 */
import { RecordBatchFileWriter, Table, type RecordBatch } from "apache-arrow";
import { streamToFileAtomic } from "../util/atomic";
import { rowsToTable, schemaOf, type TableSpec } from "../util/arrow-table";

export interface ArrowStreamWriter<Row> {
  /** Append rows as one record batch (nothing is written for an empty list). */
  addRows(rows: readonly Row[]): void;
  /** Append record batches decoded elsewhere (a worker) with the same schema. */
  addBatches(batches: readonly RecordBatch[]): void;
  readonly rowsWritten: number;
  /** Write the footer and move the file into place. */
  close(): Promise<void>;
  /** Give up: the temporary file is removed and nothing appears at `path`. */
  abort(): Promise<void>;
}

export function openArrowStream<Row>(path: string, spec: TableSpec<Row>): ArrowStreamWriter<Row> {
  const writer = new RecordBatchFileWriter();
  const readable = writer.toNodeStream();
  let abandon: (reason: Error) => void = () => undefined;
  const abandoned = new Promise<never>((_, reject) => (abandon = reject));
  // Nobody awaits it when the file failed before the producer started (e.g. its folder could not be made).
  abandoned.catch(() => undefined);
  const done = streamToFileAtomic(path, async (out) => {
    readable.pipe(out, { end: false });
    const finished = new Promise<void>((resolve, reject) => {
      readable.once("end", resolve);
      readable.once("error", reject);
    });
    await Promise.race([finished, abandoned]);
  });
  // A write failure (full or read-only disk) is remembered: the next addRows/addBatches throws it, so
  // the caller stops early instead of searching the whole corpus into a file that cannot be written;
  // close() reports it too. Never an unhandled rejection in between.
  let failure: unknown = null;
  done.catch((error: unknown) => (failure ??= error));
  let rowsWritten = 0;
  const api: ArrowStreamWriter<Row> = {
    addRows(rows) {
      if (rows.length === 0) return;
      api.addBatches(rowsToTable(rows, spec).batches);
    },
    addBatches(batches) {
      if (failure !== null) throw failure;
      // Batch by batch: writing a whole Table would finish the file writer.
      for (const batch of batches) {
        if (batch.numRows === 0) continue;
        writer.write(batch);
        rowsWritten += batch.numRows;
      }
    },
    get rowsWritten() {
      return rowsWritten;
    },
    async close() {
      // An empty table still gets its schema, so readers see the columns.
      if (rowsWritten === 0) writer.write(new Table(schemaOf(spec)));
      writer.finish();
      await done;
    },
    async abort() {
      abandon(new Error(`writing ${path} was abandoned`));
      readable.unpipe();
      readable.destroy();
      await done.catch(() => undefined);
    },
  };
  return api;
}
