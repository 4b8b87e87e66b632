import type { Command } from "commander";
import { DEMO_PROFILES, type DemoProfile } from "../../demo/profiles";
import { DEFAULT_DEMO_MODELS, DEFAULT_DEMO_SEED, generateDemoHub } from "../../demo/generator";
import { createProgress } from "../../util/progress";
import { integerAtLeast, integerInRange } from "../options";

/** Largest synthetic Hub the CLI generates: ten times the paper's Hub, well within memory. */
export const MAX_DEMO_MODELS = 10_000_000;

export function register(program: Command): void {
  const demo = program.command("demo").description("the synthetic (labelled SYNTHETIC) Hugging Face Hub used for demos, tests and benchmarks");
  demo
    .command("generate")
    .description("generate a synthetic Hub corpus plus its ground truth (ground-truth.arrow) into a directory")
    .option("--seed <n>", "random seed", integerAtLeast("--seed", 0), DEFAULT_DEMO_SEED)
    .option(
      "--models <n>",
      `number of models (50 to ${MAX_DEMO_MODELS.toLocaleString("en-US")})`,
      integerInRange("--models", 50, MAX_DEMO_MODELS),
      DEFAULT_DEMO_MODELS,
    )
    .option("--profile <name>", "demo (enriched SE part) or paper (the paper's proportions)", "demo")
    .option("--out <dir>", "output directory", "data/demo")
    .option("--shard-size <n>", "records per corpus shard", integerAtLeast("--shard-size", 1), 5000)
    .action(async (options: { seed: number; models: number; profile: string; out: string; shardSize: number }) => {
      if (!DEMO_PROFILES.includes(options.profile as DemoProfile))
        throw new Error(`--profile must be one of ${DEMO_PROFILES.join(", ")} (got "${options.profile}")`);
      const progress = createProgress({ label: "demo generate", total: options.models, unit: "models" });
      let reported = 0;
      const started = Date.now();
      const summary = await generateDemoHub({
        seed: options.seed,
        models: options.models,
        profile: options.profile as DemoProfile,
        outDir: options.out,
        shardSize: options.shardSize,
        onProgress: (done) => {
          progress.tick(done - reported);
          reported = done;
        },
      });
      progress.stop();
      const f = summary.funnel;
      const d = summary.documentation;
      const pct = (n: number) => `${((100 * n) / summary.models).toFixed(2)}%`;
      process.stdout.write(
        [
          `SYNTHETIC Hub written to ${options.out} (seed ${summary.seed}, profile ${summary.profile}, ${summary.models} models, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
          `  Table VI: no card ${d["no-card"]} (${pct(d["no-card"])}), empty ${d["empty-card"]} (${pct(d["empty-card"])}), no SE task ${d["card-without-se-task"]} (${pct(d["card-without-se-task"])}), SE task ${d["card-with-se-task"]} (${pct(d["card-with-se-task"])}); abstract-only ${summary.abstractOnly}`,
          `  expected funnel: ${f.models} -> ${f.matched} -> ${f.afterOutliers} -> ${f.unique} -> ${f.final}`,
          `  unique per activity: ${Object.entries(summary.uniquePerActivity)
            .map(([a, n]) => `${a} ${n}`)
            .join(", ")}`,
          `  final per activity: ${Object.entries(summary.finalPerActivity)
            .map(([a, n]) => `${a} ${n}`)
            .join(", ")}`,
          "",
        ].join("\n"),
      );
    });
}
