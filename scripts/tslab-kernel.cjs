#!/usr/bin/env node
/**
 * The tslab kernel, started the way Jupyter starts it (`tslab-kernel.cjs kernel --config-path FILE`), with
 * one protocol fix: before running a cell it broadcasts `execute_input` with the cell's execution count, as
 * the Jupyter messaging protocol asks of every kernel. tslab 1.0 sends the count only in its reply, which
 * `jupyter nbconvert --execute` does not read, so executed notebooks came out without execution counts.
 * scripts/setup-notebooks.sh registers this file as the tslab kernel. Nothing else of tslab is changed.
 */
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: it loads tslab's own modules by path, then starts it */
const { join } = require("node:path");

const tslab = join(__dirname, "..", "node_modules", "tslab", "dist");
const jupyter = require(join(tslab, "jupyter.js"));
const server = jupyter.ZmqServer && jupyter.ZmqServer.prototype;

if (server && typeof server.handleExecute === "function") {
  const handleExecute = server.handleExecute;
  server.handleExecute = async function (sock, msg) {
    try {
      const done = typeof this.handler.execCount === "number" ? this.handler.execCount : 0;
      const input = msg.createReply();
      input.header.msg_type = "execute_input";
      input.content = { code: msg.content.code, execution_count: done + 1 };
      input.signAndSend(this.connInfo.key, this.iopub);
    } catch (error) {
      process.stderr.write(`tslab-kernel: could not broadcast execute_input (${error && error.message})\n`);
    }
    return handleExecute.call(this, sock, msg);
  };
} else {
  process.stderr.write("tslab-kernel: this tslab has no ZmqServer.handleExecute; cells run without an execute_input broadcast\n");
}

require(join(tslab, "main.js")).main();
