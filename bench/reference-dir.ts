import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The folder of the Python reference scripts (bench/reference). Benchmarks run both from their
 * TypeScript sources (vitest) and from the compiled copy under .cache/bench-dist, so the folder is
 * found by walking up from this module rather than by a fixed number of "..".
 */
export function referenceScript(name: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, "bench", "reference", name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`bench/reference/${name} not found above ${__dirname}`);
  }
}
