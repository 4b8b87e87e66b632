#!/usr/bin/env node
// Hash every file a `replicate` run wrote, so a refactor can prove that its outputs did not change.
// Usage: node scripts/hash-outputs.mjs OUT_DIR > hashes.txt ; then diff two such listings.
// run.json's timings and replication.json's durations are the only volatile values: they are blanked
// before hashing, and every other byte counts.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = process.argv[2];
if (!root) {
  console.error("usage: node scripts/hash-outputs.mjs OUT_DIR");
  process.exit(2);
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Blank the keys whose values are wall-clock measurements, wherever they sit in a JSON document. */
function withoutTimings(value) {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (value && typeof value === "object") {
    const out = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = /^(timings|seconds|elapsed.*|duration.*|startedAt|finishedAt|generatedAt|writtenAt)$/i.test(key) ? "<volatile>" : withoutTimings(inner);
    }
    return out;
  }
  return value;
}

for (const path of walk(root)) {
  let bytes = readFileSync(path);
  if (path.endsWith(".json")) bytes = Buffer.from(JSON.stringify(withoutTimings(JSON.parse(bytes.toString("utf8")))));
  const digest = createHash("sha256").update(bytes).digest("hex");
  console.log(`${digest}  ${relative(root, path)}`);
}
