/**
 * README.md written beside every generated Hub, so the data explains itself: that it is
 * synthetic, how to regenerate it, and its make-up next to the paper's figures.
 */
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import type { DemoSummary } from "./generator";
import { PAPER_SI_OVER_NEXT, PAPER_SIMILARITY_THRESHOLD } from "../paper/reported";
import { BENCHMARK_SHARE, DISCOVERY_ROLE_SHARE, DISCOVERY_ROLES, ENERGY_SHARE, PAPER, ROLES, roleCounts, SIMILARITY_TARGETS } from "./profiles";

function scaleRows(s: DemoSummary): string[] {
  const paper = roleCounts("paper", PAPER.models);
  return ROLES.filter((role) => !(DISCOVERY_ROLES as readonly string[]).includes(role)).map((role) => {
    const here = s.roles[role] / s.models;
    const there = paper[role] / PAPER.models;
    return `| ${role} | ${(100 * here).toFixed(2)}% | ${(100 * there).toFixed(3)}% | x${(here / there).toFixed(2)} |`;
  });
}

const pct = (n: number, of: number): string => (of > 0 ? `${((100 * n) / of).toFixed(2)}%` : "-");
const int = (n: number): string => n.toLocaleString("en-US");
const pct100 = (x: number): string => `${Math.round(100 * x)}%`;

/** "29.1x SM" from the true SE models per activity. */
function leadText(s: DemoSummary): string {
  const ranked = ACTIVITY_CODES.map((a) => [a, s.finalPerActivity[a]] as const).sort((x, y) => y[1] - x[1]);
  const [first, second] = ranked;
  return first && second && second[1] > 0 ? `${(first[1] / second[1]).toFixed(1)}x ${second[0]}` : "(n/a)";
}

export function renderDemoReadme(s: DemoSummary): string {
  const d = s.documentation;
  const f = s.funnel;
  const nonSe = d["no-card"] + d["empty-card"] + d["card-without-se-task"] - s.abstractOnly;
  const command = `hf-se-atlas demo generate --seed ${s.seed} --models ${s.models} --profile ${s.profile} --out <dir>${s.shardSize !== 5000 ? ` --shard-size ${s.shardSize}` : ""}`;
  const row = (label: string, here: number, paper: number, of = s.models, paperOf = PAPER.models) =>
    `| ${label} | ${int(here)} | ${pct(here, of)} | ${int(paper)} | ${pct(paper, paperOf)} |`;
  const lines = [
    "# SYNTHETIC demo Hub: not real Hugging Face data",
    "",
    "Every model, card, paper and number in this folder was made up by the seeded generator in",
    "`src/demo/` of hf-se-atlas. Nothing here describes a real model or a real author; the",
    '`synthetic` tag is on every record and `manifest.json` says `"synthetic": true`. It exists so',
    "the whole pipeline (search, outlier rules, near-identical cards, the relevance check and every",
    "research-question figure) can run offline and be scored against a known answer.",
    "",
    "## Regenerate",
    "",
    "```sh",
    `npm run build && node dist/cli/main.js ${command.replace("hf-se-atlas ", "")}`,
    "```",
    "",
    "The copy shipped in the repository (`data/demo`) is exactly this command with `--out data/demo`.",
    `Same seed, model count, profile and shard size give byte-identical files (the test suite checks this`,
    `folder against a fresh generation). A different model count re-plans the whole Hub: a smaller Hub is`,
    "not a prefix of a larger one.",
    "",
    "## Files",
    "",
    "- `manifest.json`, `models-*.arrow`: the corpus (one `ModelRecord` per model, as ingest and collect write it).",
    "- `ground-truth.arrow`: one row per model: what was planted where and what each stage should decide",
    "  (columns documented in `src/demo/ground-truth.ts`).",
    "- `demo.json`: the generation parameters and the counts below, machine-readable.",
    "",
    `## Make-up (profile \`${s.profile}\`, seed ${s.seed}, ${int(s.models)} models)`,
    "",
    "Table VI categories as planted, beside the paper's (2025-03-24 snapshot):",
    "",
    "| category | here | share | paper | paper share |",
    "|---|---:|---:|---:|---:|",
    row("card not available", d["no-card"], PAPER.noCard),
    row("card available but empty", d["empty-card"], PAPER.emptyCard),
    row("card without SE task", d["card-without-se-task"], PAPER.cardWithoutSe),
    row("card with SE tasks", d["card-with-se-task"], PAPER.cardWithSe),
    row("arXiv abstract with SE tasks", s.abstractWithSe, PAPER.abstractWithSe),
    row("found only through abstracts", s.abstractOnly, PAPER.abstractOnly),
    "",
    "Expected funnel (what a perfect pipeline keeps at each stage):",
    "",
    "| stage | here | paper |",
    "|---|---:|---:|",
    `| all models | ${int(f.models)} | ${int(PAPER.models)} |`,
    `| match an SE task | ${int(f.matched)} | ${int(PAPER.matched)} |`,
    `| after the outlier rules (Table III) | ${int(f.afterOutliers)} | ${int(PAPER.afterOutliers)} |`,
    `| after near-identical cards | ${int(f.unique)} | ${int(PAPER.unique)} |`,
    `| truly SE (after the relevance check) | ${int(f.final)} | ${int(PAPER.final)} |`,
    "",
    "Unique candidates per activity (the paper's Table IV population) and true SE models per activity:",
    "",
    "| activity | unique candidates | paper Table IV | true SE here |",
    "|---|---:|---:|---:|",
    ...ACTIVITY_CODES.map((a) => `| ${a} | ${int(s.uniquePerActivity[a])} | ${int(PAPER.tableIV[a])} | ${int(s.finalPerActivity[a])} |`),
    "",
    `Roles: ${Object.entries(s.roles)
      .map(([r, n]) => `${r} ${int(n)}`)
      .join(", ")}.`,
    `Near-identical cards: ${int(s.roles.copy)} copies, about ${pct100(1 - SIMILARITY_TARGETS.unchangedCopyShare)} of them lightly edited so their similarity to the`,
    `original spreads over [${PAPER_SIMILARITY_THRESHOLD}, 1.0]; ${int(s.nearMisses)} near-miss cards rewritten from an earlier card fall just below ${PAPER_SIMILARITY_THRESHOLD}`,
    "and must be kept (`nearMissOf` in the ground truth).",
    `Odd cards: ${int(s.malformedYaml)} with malformed YAML front matter (the parser reports them), ${int(s.crlf)} with CRLF line ends, ${int(s.nonEnglish)} not in English.`,
    "",
    "Beyond the paper's search (what `funnel --discover` should find; their cards name no SE task, so the",
    `paper's search cannot see them). Turned from cards without SE task, ${Object.entries(DISCOVERY_ROLE_SHARE[s.profile])
      .map(([r, n]) => `${r} ${n}`)
      .join(", ")} per 10,000 models (our choice; the paper gives no count):`,
    "",
    `- ${int(s.discovery.signals)} SE models whose evidence is only in tags, programming languages, training datasets, their`,
    "  name and base model (`se-signals`);",
    `- ${int(s.discovery.lineage)} re-uploads, adapters and fine-tunes of an SE model of this Hub, some through another such`,
    "  model, with thin cards (`se-lineage`, `lineageOf` in the ground truth);",
    `- ${int(s.discovery.lineageTraps)} re-uploads of trap models (\`lineage-trap\`) and ${int(s.discovery.signalTraps)} models with a misleading weak signal`,
    "  (`signal-trap`), none of them SE.",
    "",
    `True SE models only discovery can reach: ${int(s.discovery.final)} (${int(s.discovery.pairs)} model-activity pairs; ${ACTIVITY_CODES.map((a) => `${a} ${int(s.discovery.finalPerActivity[a])}`).join(", ")}).`,
    "They are not in the expected funnel above, which is the paper's search.",
    "",
    "Trap and outlier families planted (models carrying each):",
    "",
    Object.entries(s.traps)
      .map(([k, n]) => `\`${k}\` ${int(n)}`)
      .join(", ") + ".",
    "",
    "## What is scaled",
    "",
    s.profile === "paper"
      ? "Nothing: the `paper` profile uses the paper's counts as proportions (Table VI, the funnel, abstract-only matches)."
      : [
          "The `demo` profile keeps the paper's ratio between no card, empty card and card without SE task for the",
          `${pct(nonSe, s.models)} of models that match nothing, and enriches the ${pct(s.models - nonSe, s.models)} that match, so that every figure has data.`,
          "Scale factor = share of all models here / share in the paper:",
          "",
          "| role | here | paper | factor |",
          "|---|---:|---:|---:|",
          ...scaleRows(s),
          "",
          `Among true SE models SI leads the next activity ${leadText(s)} (the paper: more than ${PAPER_SI_OVER_NEXT}x SM), which leaves`,
          "room for the relevance check's mistakes; RE and SD are the least covered, SI-SM the strongest pair.",
          `Benchmark tables appear in ${pct100(BENCHMARK_SHARE.demo)} of SI models (our choice: the paper gives no share), energy`,
          `reports in ${pct100(ENERGY_SHARE.demo)}. The \`paper\` profile (\`--profile paper\`) keeps every share the paper publishes.`,
        ].join("\n"),
    "",
    "Where the paper gives no number (final per-activity counts, quarters other than 2023 Q1/Q2 and 2024 Q2,",
    "license and dataset shares beyond the top ones) the generator uses a documented reconstruction",
    "(`src/demo/profiles.ts`, `src/demo/vocabulary.ts`).",
    "",
  ];
  return lines.join("\n");
}
