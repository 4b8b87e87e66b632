/**
 * The house rules of docs/architecture.md, checked on every test run: data flows one way through the
 * layers of src/ (dependency-cruiser), the library ships no test doubles, and the paper's numbers have
 * one owner.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { REPLICATION_FILES, RUN_FILES } from "../src/run/layout";

const root = join(__dirname, "..");
const depcruise = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

function cruise(cwd: string, paths: string[]) {
  return spawnSync(process.execPath, [depcruise, ...paths, "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "err"], {
    cwd,
    encoding: "utf8",
  });
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (path.endsWith(".ts")) yield path;
  }
}

describe("layers", () => {
  const scratch = mkdtempSync(join(tmpdir(), "hf-se-atlas-layers-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("no module of src/, bench/ or test/ imports against the layer order, in a cycle, or from test doubles", () => {
    const result = cruise(root, ["src", "bench", "test"]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  test("the check fails on an upward import (a stage importing the orchestration layer)", () => {
    mkdirSync(join(scratch, "src", "util"), { recursive: true });
    mkdirSync(join(scratch, "src", "pipeline"), { recursive: true });
    copyFileSync(join(root, "tsconfig.json"), join(scratch, "tsconfig.json"));
    writeFileSync(join(scratch, "src", "pipeline", "run.ts"), "export const run = 1;\n");
    writeFileSync(join(scratch, "src", "util", "helper.ts"), 'import { run } from "../pipeline/run";\nexport const helper = run + 1;\n');
    const result = cruise(scratch, ["src"]);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/layer-util: src\/util\/helper\.ts → src\/pipeline\/run\.ts/);
  });
});

describe("owners", () => {
  const files = [...sourceFiles(join(root, "src"))].map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));

  test("no loopback server (test double) ships in the library", () => {
    const servers = files.filter((f) => /\bcreateServer\s*\(/.test(f.text)).map((f) => f.path);
    expect(servers).toEqual([]);
  });

  test("the paper's headline numbers are written only in src/paper", () => {
    // The funnel, the Table VI counts and the outlier share, in any digit grouping.
    const numbers = ["1533973", "113558", "14962", "7797", "2205", "478125", "938815", "112259", "0.8901"];
    const pattern = new RegExp(`(?<![\\d.])(${numbers.map((n) => n.replace(".", "\\.").split("").join("_?").replace("\\_?.", "\\.")).join("|")})(?![\\d])`);
    const offenders = files
      .filter((f) => !f.path.startsWith("src/paper/") && pattern.test(f.text.replace(/,(?=\d{3})/g, "")))
      .map((f) => `${f.path}: ${pattern.exec(f.text.replace(/,(?=\d{3})/g, ""))![0]}`);
    expect(offenders).toEqual([]);
  });

  test("run-file names are spelled only in src/run (as string literals anywhere else they would be a second owner)", () => {
    const names = [...Object.values(RUN_FILES), ...Object.values(REPLICATION_FILES)].map((name) => name.split("/").pop()!).filter((name) => name.includes("."));
    expect(names).toContain("run.json");
    expect(names).toContain("verdicts.arrow");
    const literal = new RegExp(`["'\`/](${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})["'\`]`);
    const offenders = files.filter((f) => !f.path.startsWith("src/run/") && literal.test(f.text)).map((f) => `${f.path}: ${literal.exec(f.text)![1]}`);
    expect(offenders).toEqual([]);
  });
});
