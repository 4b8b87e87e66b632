import { vi } from "vitest";
import { main } from "../../src/cli/main";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `hf-se-atlas <args>` in-process, capturing what it prints; the exit code is what `main` returns. */
export async function runCli(...args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await main(["node", "hf-se-atlas", ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** Like {@link runCli}, but returns stdout and throws the one-line error when the command fails. */
export async function cliOutput(...args: string[]): Promise<string> {
  const run = await runCli(...args);
  if (run.code !== 0) throw new Error(run.stderr.trim() || `exit code ${run.code}`);
  return run.stdout;
}
