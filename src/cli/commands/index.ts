import type { Command } from "commander";
import { register as taxonomy } from "./taxonomy";
import { register as collect } from "./collect";
import { register as ingest } from "./ingest";
import { register as abstracts } from "./abstracts";
import { register as corpus } from "./corpus";
import { register as explain } from "./explain";
import { register as funnel } from "./funnel";
import { register as judge } from "./judge";
import { register as pilot } from "./pilot";
import { register as agreement } from "./agreement";
import { register as demo } from "./demo";
import { register as replicate } from "./replicate";

/** Every subcommand, in the order `--help` lists them (the pipeline's order). */
const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  taxonomy,
  collect,
  ingest,
  abstracts,
  corpus,
  explain,
  funnel,
  judge,
  pilot,
  agreement,
  demo,
  replicate,
];

export function registerCommands(program: Command): void {
  for (const register of COMMANDS) register(program);
}
