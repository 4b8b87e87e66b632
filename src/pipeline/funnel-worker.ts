/**
 * Worker thread of the funnel: reads the shards it is given, runs {@link processShard} on them and posts
 * the results back (table rows as transferable Arrow bytes). The main thread orders and writes them.
 */
import { parentPort, workerData } from "node:worker_threads";
import { readShard, type ShardEntry } from "../corpus/store";
import { createPreparer } from "../prepare/preparer";
import { compileTaxonomy } from "../search/phrases";
import { loadSeSignalData } from "../signals/data";
import { processShard, type ShardOutput } from "./shard";
import type { WorkerSetup } from "./funnel";
import { errorMessage } from "../util/text";

export interface ShardTask {
  index: number;
  shard: ShardEntry;
}

export type WorkerReply = { ok: true; output: ShardOutput } | { ok: false; index: number; error: string };

if (parentPort) {
  const port = parentPort;
  const setup = workerData as WorkerSetup;
  const preparer = createPreparer({ policy: setup.lemmaPolicy });
  const compiled = compileTaxonomy(setup.taxonomy, preparer, { includeAliases: setup.includeAliases });
  const context = {
    compiled,
    preparer,
    outlierTasks: setup.outlierTasks,
    until: setup.until,
    ...(setup.discover ? { discovery: { data: loadSeSignalData(), phrases: { compiled, preparer }, outlierTasks: setup.outlierTasks } } : {}),
  };
  port.on("message", (task: ShardTask) => {
    readShard(setup.corpusDir, task.shard)
      .then((records) => {
        const output = processShard(task.index, records, context);
        const reply: WorkerReply = { ok: true, output };
        const transfer = [output.occurrencesIpc.buffer as ArrayBuffer, output.documentationIpc.buffer as ArrayBuffer];
        if (output.discovery) transfer.push(output.discovery.evidenceIpc.buffer as ArrayBuffer);
        port.postMessage(reply, transfer);
      })
      .catch((error: unknown) => {
        const reply: WorkerReply = { ok: false, index: task.index, error: errorMessage(error) };
        port.postMessage(reply);
      });
  });
}
