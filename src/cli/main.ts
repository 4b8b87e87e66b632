#!/usr/bin/env node
/**
 * `hf-se-atlas` command line. Each subcommand lives in `commands/<name>.ts` and registers itself
 * on the program; this file only wires them and turns any failure into one line and a non-zero exit.
 */
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands";
import { errorMessage } from "../util/text";
import { setLockCommand } from "../util/lock";

export function buildProgram(): Command {
  const program = new Command("hf-se-atlas")
    .description("Which Hugging Face models serve software engineering, and for which lifecycle activity.")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  process.env.DOTENV_CONFIG_QUIET ??= "true";
  // Lock files name the command that holds them.
  setLockCommand(["hf-se-atlas", ...argv.slice(2)].join(" "));
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are "errors" to commander; they already printed what they had to.
      return error.exitCode;
    }
    const message = errorMessage(error);
    process.stderr.write(`hf-se-atlas: error: ${message.split("\n")[0]}\n`);
    if (process.env.HF_SE_ATLAS_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  let settled = false;
  // Node exits with 0 when nothing is left to wait for, even if the command's promise never settled
  // (a stream that stopped feeding a failed write, a worker that vanished): that is never a success.
  process.once("beforeExit", () => {
    if (settled) return;
    process.stderr.write(
      "hf-se-atlas: error: the command stopped before finishing (an operation it was waiting for never completed); its outputs are incomplete\n",
    );
    process.exit(1);
  });
  main().then((code) => {
    settled = true;
    process.exit(code);
  });
}
