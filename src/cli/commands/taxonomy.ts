import type { Command } from "commander";
import { ACTIVITY_CODES, loadTaxonomy, tasksOf } from "../../taxonomy/taxonomy";

export function register(program: Command): void {
  const taxonomy = program.command("taxonomy").description("inspect and validate an SE-task taxonomy file");
  taxonomy
    .command("validate")
    .description("load a taxonomy, report every problem, and print task counts per activity")
    .argument("[file]", "taxonomy JSON (default: the shipped taxonomy/se-tasks.json)")
    .option("--json", "print the loaded taxonomy as JSON")
    .action((file: string | undefined, options: { json?: boolean }) => {
      const loaded = loadTaxonomy(file);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(loaded, null, 1)}\n`);
        return;
      }
      process.stdout.write(`${loaded.name} (${loaded.version})\n${loaded.origin}\n`);
      for (const code of ACTIVITY_CODES) {
        const activity = loaded.activities.find((a) => a.code === code)!;
        process.stdout.write(`  ${code}  ${activity.name.padEnd(28)} ${String(tasksOf(loaded, code).length).padStart(4)} tasks\n`);
      }
      process.stdout.write(`  total ${loaded.tasks.length} tasks, ${loaded.tasks.reduce((n, t) => n + t.aliases.length, 0)} aliases\n`);
    });
}
