/**
 * Benchmark: near-identical cards at the paper's scale (113,558 matched cards).
 *
 * The cards are synthesised here, seeded, in the families that make Hub cards alike: auto-generated
 * Trainer cards (one template, different names and numbers), quantisation cards of the same upstream
 * model (near-copies), two large copy clusters (the paper's 715-copy SDXL and 290-copy Llama cards), exact
 * re-uploads, and free prose with shared boilerplate (license, citation). It measures speed only; the
 * exactness of the join is established by the tests against brute force.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findNearDuplicates, type CardText, type NearDuplicateResult } from "../src/filter/near-duplicates";
import { PAPER_FUNNEL } from "../src/paper/reported";
import { referenceScript } from "./reference-dir";
import { SeededRandom } from "../src/util/random";

const BASES = [
  "bert-base-uncased",
  "distilbert-base-uncased",
  "roberta-base",
  "gpt2",
  "t5-small",
  "facebook/bart-large",
  "microsoft/deberta-v3-base",
  "google/vit-base-patch16-224",
  "openai/whisper-small",
  "meta-llama/Llama-2-7b-hf",
  "mistralai/Mistral-7B-v0.1",
  "Qwen/Qwen2.5-7B-Instruct",
  "bigcode/starcoder",
  "Salesforce/codet5-base",
];
const DATASETS = [
  "imdb",
  "glue",
  "squad",
  "emotion",
  "common_voice",
  "cifar10",
  "wikitext",
  "xsum",
  "cnn_dailymail",
  "code_search_net",
  "mbpp",
  "humaneval",
  "conll2003",
  "tweet_eval",
  "None",
];
const METRICS = ["Loss", "Accuracy", "F1", "Precision", "Recall", "Rouge1", "Rouge2", "Bleu", "Wer", "Gen Len"];

function zipfSampler(random: SeededRandom, size: number): () => string {
  const words = Array.from({ length: size }, (_, i) => {
    const syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "qu", "pe", "dra", "fin", "gor", "hul"];
    let w = "";
    let x = i + 7;
    do {
      w += syllables[x % syllables.length];
      x = Math.floor(x / syllables.length);
    } while (x > 0);
    return w;
  });
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) cumulative[i] = sum += 1 / (i + 1);
  return () => {
    const r = random.next() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
}

/** Seeded cards shaped like the Hub's matched cards (see the file comment). */
export function synthesizeCards(count: number, seed = 20250324): CardText[] {
  const random = new SeededRandom(seed);
  // A long-tailed vocabulary (Zipf over a million words): like real cards, most words are rare.
  const word = zipfSampler(random.fork("words"), 1_000_000);
  const prose = (n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(i % 14 === 13 ? `${word()}.` : word());
    return out.join(" ");
  };
  const licenseText = prose(180);
  const citation = `@misc{${word()}2023, title={${prose(8)}}, author={${prose(4)}}, year={2023}, eprint={2305.${random.int(10000, 99999)}}}`;
  const sdxl = prose(1400);
  const llama = prose(2200);
  const upstream = Array.from({ length: 4000 }, (_, i) => ({ name: `${word()}-${word()}-${i}`, about: prose(random.int(40, 160)) }));
  const date = () => new Date(Date.UTC(2020, 0, 1) + random.int(0, 1900) * 86_400_000 + random.int(0, 86_399) * 1000).toISOString();
  const cards: CardText[] = [];
  for (let i = 0; cards.length < count; i++) {
    const id = `user${random.int(0, 30_000)}/model-${i}`;
    const kind = random.next();
    let text: string;
    if (i === 100 || i === 200) {
      // The two large copy clusters, planted once each, copies spread over the rest.
      text = i === 100 ? sdxl : llama;
    } else if (kind < 0.35) {
      const name = `${word()}-${word()}-finetuned-${random.int(0, 99_999)}`;
      const metrics = METRICS.slice(0, random.int(1, 5))
        .map((m) => `- ${m}: ${random.next().toFixed(4)}`)
        .join("\n");
      text = `<!-- This model card has been generated automatically according to the information the Trainer had access to. -->\n\n# ${name}\n\nThis model is a fine-tuned version of [${random.pick(BASES)}](https://huggingface.co/${random.pick(BASES)}) on the ${random.pick(DATASETS)} dataset.\nIt achieves the following results on the evaluation set:\n${metrics}\n\n## Model description\n\nMore information needed\n\n## Intended uses & limitations\n\nMore information needed\n\n## Training procedure\n\n### Training hyperparameters\n\n- learning_rate: ${random.pick(["2e-05", "5e-05", "0.0001", "3e-4"])}\n- train_batch_size: ${random.pick([8, 16, 32, 64])}\n- seed: ${random.pick([42, 0, 1234])}\n- optimizer: Adam with betas=(0.9,0.999) and epsilon=1e-08\n- num_epochs: ${random.int(1, 20)}\n\n### Framework versions\n\n- Transformers ${random.pick(["4.30.2", "4.35.0", "4.41.1", "4.44.2"])}\n- Pytorch ${random.pick(["2.0.1", "2.1.0", "2.3.1"])}\n${random.bool(0.3) ? prose(random.int(10, 80)) : ""}`;
    } else if (kind < 0.55) {
      const up = random.pick(upstream);
      const quant = ["Q2_K", "Q3_K_S", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"].map(
        (q) => `| [GGUF](https://huggingface.co/${id}/resolve/main/${up.name}.${q}.gguf) | ${q} | ${random.int(1, 9)}.${random.int(0, 9)} |`,
      );
      text = `## About\n\nstatic quants of https://huggingface.co/${up.name}\n\n${up.about}\n\n## Usage\n\nIf you are unsure how to use GGUF files, refer to one of TheBloke's READMEs for more details.\n\n## Provided Quants\n\n| Link | Type | Size/GB |\n|:-----|:-----|--------:|\n${quant.join("\n")}\n\n## Thanks\n\n${random.bool(0.5) ? "I thank my company for letting me use its servers." : "Thanks to the community."}`;
    } else if (kind < 0.58 && cards.length > 300) {
      text = random.pick(cards).text; // exact re-upload
    } else if (kind < 0.5889) {
      // Copies of the two large clusters with the name swapped in: 715 + 290 per 113,558 cards, as in the paper.
      const base = random.bool(715 / 1005) ? sdxl : llama;
      text = `# ${id}\n\n${base}`;
    } else {
      const parts = [prose(Math.round(Math.exp(random.next() * 5.5 + 2.5)))];
      if (random.bool(0.3)) parts.push(licenseText);
      if (random.bool(0.2)) parts.push(citation);
      text = parts.join("\n\n");
    }
    cards.push({ id, createdAt: date(), text });
  }
  // Ids must be unique: suffix any repeat (user numbers collide by design).
  const seen = new Set<string>();
  for (const card of cards) {
    while (seen.has(card.id)) card.id += "-x";
    seen.add(card.id);
  }
  return cards;
}

export interface NearDuplicateBenchResult {
  cards: number;
  textMegabytes: number;
  seconds: number;
  cardsPerSecond: number;
  result: NearDuplicateResult;
  reference?: { seconds: number; identical: boolean; detail: string };
}

/** Run the join over `cards` synthetic cards; with `reference`, also run scikit-learn on the same input. */
export function benchNearDuplicates(options: { cards?: number; reference?: boolean; workDir?: string; threshold?: number } = {}): NearDuplicateBenchResult {
  const count = options.cards ?? PAPER_FUNNEL.matched;
  const threshold = options.threshold ?? 0.99;
  const cards = synthesizeCards(count);
  const textMegabytes = cards.reduce((sum, c) => sum + Buffer.byteLength(c.text), 0) / 1e6;
  const started = process.hrtime.bigint();
  const result = findNearDuplicates(cards, { threshold });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bench: NearDuplicateBenchResult = { cards: count, textMegabytes, seconds, cardsPerSecond: count / seconds, result };
  if (options.reference) bench.reference = runReference(cards, result, threshold, options.workDir ?? ".cache/bench-near-duplicates");
  return bench;
}

/** scikit-learn's all-pairs run on the same cards (Debian python3), compared pair by pair. */
export function runReference(cards: CardText[], ours: Pick<NearDuplicateResult, "pairs" | "uniqueIds">, threshold: number, workDir: string) {
  mkdirSync(workDir, { recursive: true });
  const input = join(workDir, "cards.jsonl");
  const output = join(workDir, "sklearn.json");
  writeFileSync(input, cards.map((c) => JSON.stringify(c)).join("\n") + "\n");
  const script = referenceScript("near_duplicates.py");
  const started = process.hrtime.bigint();
  // Blocks of 500 rows keep each block's product (500 x all cards, mostly non-zero) near 1 GB at paper scale.
  execFileSync("/usr/bin/python3", [script, input, output, "--threshold", String(threshold), "--block", "500"], { stdio: ["ignore", "inherit", "inherit"] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const theirs = JSON.parse(readFileSync(output, "utf8")) as { pairs: Array<{ original: string; variant: string; similarity: number }>; uniqueIds: string[] };
  return { seconds, ...compareNearDuplicates(ours, theirs) };
}

/** Same variants with the same originals, same kept ids, similarities within 1e-9. */
export function compareNearDuplicates(
  ours: Pick<NearDuplicateResult, "pairs" | "uniqueIds">,
  theirs: Pick<NearDuplicateResult, "pairs" | "uniqueIds">,
): { identical: boolean; detail: string } {
  const key = (p: { original: string; variant: string }) => `${p.original} <- ${p.variant}`;
  const a = new Map(ours.pairs.map((p) => [key(p), p.similarity]));
  const b = new Map(theirs.pairs.map((p) => [key(p), p.similarity]));
  const onlyOurs = [...a.keys()].filter((k) => !b.has(k));
  const onlyTheirs = [...b.keys()].filter((k) => !a.has(k));
  const drift = [...a].reduce((max, [k, s]) => (b.has(k) ? Math.max(max, Math.abs(s - b.get(k)!)) : max), 0);
  const sameUnique = ours.uniqueIds.length === theirs.uniqueIds.length && ours.uniqueIds.every((id, i) => id === theirs.uniqueIds[i]);
  const identical = onlyOurs.length === 0 && onlyTheirs.length === 0 && sameUnique && drift < 1e-9;
  const detail = `pairs ${a.size} vs ${b.size}; only ours ${onlyOurs.length}, only scikit-learn ${onlyTheirs.length}; kept ids ${sameUnique ? "same" : "differ"}; max similarity difference ${drift.toExponential(1)}`;
  return { identical, detail };
}
