import type { Command } from "commander";
import { register as taxonomy } from "./taxonomy";

/** Every subcommand, in the order `--help` lists them (the pipeline's order). */
const COMMANDS: ReadonlyArray<(program: Command) => void> = [taxonomy];

export function registerCommands(program: Command): void {
  for (const register of COMMANDS) register(program);
}
