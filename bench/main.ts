/**
 * `npm run bench`: every benchmark in one run, printing figures (never asserting times).
 *
 *   node .cache/bench-dist/bench/main.js [--models N] [--only corpus-store|collect|search|near-duplicates|funnel|selection-page|card-dump] [--workers N]
 *                           [--cards N] [--dump-models N] [--reference]
 *
 * --models   size of the generated Hub for the full funnel (default 1,533,973, the paper's snapshot)
 * --cards    cards for the near-identical benchmark (default 113,558, the paper's matched models)
 * --dump-models rows of the generated Parquet card dump that `card-dump` ingests and runs the funnel on
 *            (default 1,100,000, the Hub dump's size; see ./card-dump.ts)
 * --reference also run the Python references (Debian python3): NLTK search + Table III over the search
 *            benchmark's corpus, scikit-learn near-identical cards over the synthetic cards and over the
 *            funnel's candidates; each says whether both sides give the same output
 */
import { loadavg } from "node:os";
import { formatFunnel } from "../src/run/funnel-table";
import { benchCardDumpIngest, CARD_DUMP_MODELS, formatCardDumpBench } from "./card-dump";
import { benchCollect } from "./collect";
import { benchCorpusStore, benchIngest } from "./corpus-store";
import { benchFunnel } from "./funnel";
import { benchSearchReference } from "./funnel-reference";
import { benchNearDuplicates } from "./near-duplicates";
import { PAPER_FUNNEL, PAPER_HUB_MODELS } from "../src/paper/reported";
import { benchSearch } from "./search";
import { benchSelectionPage } from "./selection-page";
import { errorMessage } from "../src/util/text";

const BENCHES = ["corpus-store", "collect", "search", "near-duplicates", "funnel", "selection-page", "card-dump"] as const;
type Bench = (typeof BENCHES)[number];

interface BenchArgs {
  only: Bench | null;
  models: number;
  cards: number;
  dumpModels: number;
  workers: number | undefined;
  reference: boolean;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    only: null,
    models: PAPER_HUB_MODELS,
    cards: PAPER_FUNNEL.matched,
    dumpModels: CARD_DUMP_MODELS,
    workers: undefined,
    reference: false,
  };
  const count = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer (got ${JSON.stringify(value)})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--only") {
      const value = argv[++i];
      if (!BENCHES.includes(value as Bench)) throw new Error(`--only must be one of ${BENCHES.join(", ")} (got ${JSON.stringify(value)})`);
      args.only = value as Bench;
    } else if (flag === "--models") args.models = count(flag, argv[++i]);
    else if (flag === "--cards") args.cards = count(flag, argv[++i]);
    else if (flag === "--dump-models") args.dumpModels = count(flag, argv[++i]);
    else if (flag === "--workers") args.workers = count(flag, argv[++i]);
    else if (flag === "--reference") args.reference = true;
    else throw new Error(`unknown option ${flag}`);
  }
  return args;
}

const peakRssMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
const line = (text: string) => process.stdout.write(`${text}\n`);

async function main(argv: readonly string[]): Promise<void> {
  const args = parseBenchArgs(argv);
  const wanted = (bench: Bench) => args.only === null || args.only === bench;
  line(
    `hf-se-atlas bench: node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );

  if (wanted("corpus-store")) {
    const figures = await benchCorpusStore();
    line(`\n[corpus store] ${JSON.stringify(figures)}`);
    line(`[ingest] ${JSON.stringify(await benchIngest())}`);
  }
  if (wanted("collect")) {
    line("\n[collect]");
    await benchCollect();
  }
  if (wanted("search")) {
    const f = await benchSearch();
    line(
      `\n[search] ${f.records} records of ${f.corpus}, ${f.megabytes.toFixed(1)} MB: ${f.cardsPerSecond.toFixed(0)} cards/s, ${f.megabytesPerSecond.toFixed(2)} MB/s (best of ${f.passes}; first pass ${f.firstPassSeconds.toFixed(2)} s)`,
    );
    if (args.reference) {
      const r = await benchSearchReference(f.corpus, ".cache/bench-search-reference");
      line(
        `  NLTK reference over the same ${r.models} models: ours ${r.oursSeconds.toFixed(1)} s, NLTK ${r.referenceSeconds.toFixed(1)} s; ${r.identical ? "IDENTICAL" : "DIFFERENT"}: ${r.detail}`,
      );
    }
  }
  if (wanted("near-duplicates")) {
    const b = benchNearDuplicates({ cards: args.cards, reference: args.reference });
    const s = b.result.stats;
    line(
      `\n[near-duplicates] ${b.cards} synthetic cards, ${b.textMegabytes.toFixed(0)} MB of text: ${b.seconds.toFixed(1)} s, ${b.cardsPerSecond.toFixed(0)} cards/s, ${(b.textMegabytes / b.seconds).toFixed(1)} MB/s`,
    );
    line(
      `  ${s.vocabulary} terms, ${s.distinctVectors} distinct vectors, ${s.candidates} candidate pairs, ${s.verified} verified, ${s.similarVectorPairs} similar; ${b.result.pairs.length} variants; peak RSS ${peakRssMiB()} MiB`,
    );
    if (b.reference)
      line(`  scikit-learn reference: ${b.reference.seconds.toFixed(1)} s; ${b.reference.identical ? "IDENTICAL" : "DIFFERENT"}: ${b.reference.detail}`);
  }
  if (wanted("funnel")) {
    const f = await benchFunnel(args.models, args.workers, ".cache", args.reference);
    const t = f.result.timings;
    line(
      `\n[funnel] ${f.models} generated models (${f.hubDir}${f.generatedSeconds === null ? ", reused" : `, generated in ${f.generatedSeconds.toFixed(0)} s`}), workers ${f.result.workers}:`,
    );
    line(
      `  total ${f.seconds.toFixed(1)} s = ${f.modelsPerSecond.toFixed(0)} models/s; search + outliers ${t.searchSeconds} s, near-identical cards ${t.nearDuplicatesSeconds} s, tables ${t.writeSeconds} s; peak RSS ${peakRssMiB()} MiB`,
    );
    line(formatFunnel(f.result.rows).replace(/^/gm, "  "));
    if (f.reference)
      line(
        `  scikit-learn reference on the ${f.reference.cards} candidates: ${f.reference.seconds.toFixed(1)} s; ${f.reference.identical ? "IDENTICAL" : "DIFFERENT"}: ${f.reference.detail}`,
      );
  }
  if (wanted("selection-page")) {
    const b = await benchSelectionPage();
    line(`\n[selection page] ${b.models} generated SE models: ${b.path}, ${(b.pageBytes / 1e6).toFixed(1)} MB`);
    line(
      `  engine in node: indexes ${b.node.indexMs.toFixed(0)} ms; query median ${b.node.queryMedianMs.toFixed(2)} ms, max ${b.node.queryMaxMs.toFixed(2)} ms over ${b.node.queries} queries`,
    );
    if (!b.browser) line(`  browser: skipped, ${b.browserSkipped}`);
    else {
      line(
        `  chromium: ready ${b.browser.readyMs.toFixed(0)} ms after navigation; per action over ${b.browser.rounds} rounds, median query / median (max) of the whole handler incl. redraw and layout:`,
      );
      for (const a of b.browser.actions) {
        line(
          `    ${a.action.padEnd(36)} ${a.queryMedianMs.toFixed(1).padStart(6)} ms / ${a.handlerMedianMs.toFixed(1).padStart(6)} ms (${a.handlerMaxMs.toFixed(0)} ms)  ${a.matching} models`,
        );
      }
    }
  }
  if (wanted("card-dump")) {
    // Peak RSS is per process, so this figure is the card dump's own peak only when run alone (--only card-dump).
    const f = await benchCardDumpIngest(args.dumpModels, args.workers, ".cache");
    line("");
    for (const text of formatCardDumpBench(f)) line(text);
    if (args.only !== "card-dump") line("  (peak RSS includes the benchmarks before it; run with --only card-dump for its own figure)");
  }
  line(`\npeak RSS of the whole bench process: ${peakRssMiB()} MiB`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench: ${errorMessage(error)}\n`);
    process.exit(1);
  });
}
