/**
 * Word pools for synthetic model cards: names, base models, datasets, licenses, benchmarks and
 * the prose of ordinary (non-SE) cards per ML domain.
 *
 * Rule for everything in this file: no text here may contain an SE task phrase of the taxonomy
 * (after lemmatization), because task phrases are planted only by phrases.ts, where the ground
 * truth records them. test/demo-generator.test.ts checks this on generated cards.
 */
import { PAPER_BENCHMARKS } from "../paper/reported";
import type { ActivityCode } from "../taxonomy/taxonomy";

const SYLLABLES = ["ka", "ro", "mi", "ta", "ve", "lo", "su", "ne", "ri", "da", "zo", "pe", "li", "ma", "to", "qu", "an", "el", "or", "is"];

/** Synthetic author handles, built from syllables so they name no real account on purpose. */
export const AUTHORS: readonly string[] = (() => {
  const out: string[] = [];
  for (let i = 0; i < SYLLABLES.length; i++) {
    for (let j = 0; j < SYLLABLES.length; j += 3) {
      const a = SYLLABLES[i]!;
      const b = SYLLABLES[j]!;
      const c = SYLLABLES[(i + j) % SYLLABLES.length]!;
      out.push(i % 4 === 0 ? `${a}${b}${c}-lab` : i % 4 === 1 ? `${a}${b}${c}` : i % 4 === 2 ? `${a}${b}${c}ai` : `${a}${c}${b}-nlp`);
    }
  }
  return out;
})();

export const NAME_STEMS = [
  "aurora",
  "nimbus",
  "falcon",
  "heron",
  "quartz",
  "cobalt",
  "maple",
  "zephyr",
  "orca",
  "lumen",
  "tundra",
  "vortex",
  "sable",
  "ember",
  "atlas",
  "juniper",
  "kestrel",
  "onyx",
  "pixel",
  "river",
];
export const SE_NAME_STEMS = [
  "coder",
  "codewright",
  "pycraft",
  "stackmate",
  "devpilot",
  "patchsmith",
  "specsmith",
  "uiforge",
  "scriptling",
  "compilo",
  "bytesage",
  "repo-whisper",
];
export const SIZES = ["125m", "350m", "1b", "1.3b", "3b", "7b", "8b", "13b", "14b", "33b"];
/**
 * Short notes a re-publisher adds to a copied card. Mostly words every card has (the usage snippet's
 * "transformers pipeline", "model", "the"), so one note moves the TF-IDF similarity by a fraction of a
 * percent: the generator adds a few to most near-copies, spreading them over [0.99, 1.0).
 */
export const COPY_NOTES: readonly string[] = [
  "Use this model with the transformers pipeline.",
  "This is the model.",
  "The model is on the Hub.",
  "Load it with transformers.",
  "Same model.",
  "See the usage below.",
  "It is the model for the pipeline.",
  "Quantized.",
  "From the original.",
  "Use it with the pipeline.",
  "Unofficial upload.",
  "For the model card, see below.",
];

/**
 * What a fork changes in a card it rewrote from another model's (near-miss cards): short clauses, so
 * the generator can stop just below the 0.99 threshold while most of the card stays the source's.
 */
export const FORK_CHANGES: readonly string[] = [
  "Trained for longer.",
  "Lower learning rate.",
  "Doubled warmup.",
  "Shorter answers.",
  "A stricter chat template.",
  "Smaller batch size.",
  "Longer context.",
  "Deduplicated training mix.",
  "Preference tuning after the supervised stage.",
  "Greedy decoding is most stable.",
  "Same licence as the parent.",
  "Questions go to the community tab.",
  "Scores of the parent do not carry over.",
  "Trained on eight rented accelerators.",
];

export const COPY_SUFFIXES = ["GGUF", "AWQ", "GPTQ", "4bit", "8bit", "mlx", "exl2", "i1-GGUF", "merged", "onnx"];

export const PROGRAMMING_LANGUAGES = ["python", "java", "javascript", "typescript", "c++", "go", "rust", "c#", "php", "sql"];
export const PROGRAMMING_LANGUAGE_WEIGHTS = [40, 12, 10, 7, 7, 5, 5, 4, 3, 7];
export const PROGRAMMING_LANGUAGE_NAMES: Record<string, string> = {
  python: "Python",
  java: "Java",
  javascript: "JavaScript",
  typescript: "TypeScript",
  "c++": "C++",
  go: "Go",
  rust: "Rust",
  "c#": "C#",
  php: "PHP",
  sql: "SQL",
};

/** Base models with a release date, so a derived model is never older than its base (Fig. 6). */
export interface BaseModel {
  id: string;
  released: string;
  weight: number;
}

export const SE_BASE_MODELS: Record<ActivityCode, readonly BaseModel[]> = {
  // SI weights reproduce the paper's Fig. 6 examples in order: Atlas-Flash, out since 2025-01-10, is the
  // base of most SI fine-tunes made after it (paper: 36 in its first quarter); Llama-2-7b-hf stays a rare
  // base of SE models over two years (paper: 9).
  SI: [
    { id: "Spestly/Atlas-Flash-7B-Preview", released: "2025-01-10", weight: 260 },
    { id: "meta-llama/Llama-2-7b-hf", released: "2023-07-18", weight: 1.2 },
    { id: "codellama/CodeLlama-7b-hf", released: "2023-08-24", weight: 14 },
    { id: "codellama/CodeLlama-13b-Instruct-hf", released: "2023-08-24", weight: 8 },
    { id: "deepseek-ai/deepseek-coder-6.7b-instruct", released: "2023-11-01", weight: 16 },
    { id: "deepseek-ai/deepseek-coder-1.3b-base", released: "2023-11-01", weight: 10 },
    { id: "Qwen/Qwen2.5-Coder-7B-Instruct", released: "2024-09-18", weight: 22 },
    { id: "Qwen/Qwen2.5-Coder-1.5B", released: "2024-09-18", weight: 9 },
    { id: "bigcode/starcoder2-3b", released: "2024-02-28", weight: 8 },
    { id: "bigcode/starcoderbase-1b", released: "2023-05-04", weight: 6 },
    { id: "Salesforce/codet5-base", released: "2021-09-03", weight: 7 },
    { id: "microsoft/codebert-base", released: "2020-06-01", weight: 5 },
    { id: "mistralai/Mistral-7B-v0.1", released: "2023-09-27", weight: 7 },
    { id: "meta-llama/Meta-Llama-3-8B-Instruct", released: "2024-04-18", weight: 8 },
    { id: "WizardLMTeam/WizardCoder-15B-V1.0", released: "2023-06-14", weight: 4 },
    { id: "Salesforce/codegen-350M-mono", released: "2022-04-11", weight: 4 },
  ],
  SD: [
    { id: "Qwen/Qwen2.5-Coder-7B-Instruct", released: "2024-09-18", weight: 5 },
    { id: "Tesslate/Tessa-T1-7B", released: "2025-02-20", weight: 4 },
    { id: "deepseek-ai/deepseek-coder-6.7b-instruct", released: "2023-11-01", weight: 3 },
  ],
  QA: [
    { id: "microsoft/codebert-base", released: "2020-06-01", weight: 8 },
    { id: "microsoft/graphcodebert-base", released: "2020-09-15", weight: 4 },
    { id: "Salesforce/codet5-base", released: "2021-09-03", weight: 5 },
    { id: "codellama/CodeLlama-7b-hf", released: "2023-08-24", weight: 3 },
    { id: "Qwen/Qwen2.5-Coder-7B-Instruct", released: "2024-09-18", weight: 3 },
  ],
  SM: [
    { id: "Salesforce/codet5-base", released: "2021-09-03", weight: 6 },
    { id: "microsoft/codebert-base", released: "2020-06-01", weight: 4 },
    { id: "deepseek-ai/deepseek-coder-6.7b-instruct", released: "2023-11-01", weight: 4 },
    { id: "bigcode/starcoder2-3b", released: "2024-02-28", weight: 3 },
  ],
  RE: [
    { id: "bert-base-uncased", released: "2019-01-01", weight: 6 },
    { id: "roberta-base", released: "2019-08-01", weight: 4 },
    { id: "meta-llama/Llama-2-7b-hf", released: "2023-07-18", weight: 2 },
  ],
};

/**
 * Training datasets per activity (Fig. 7): none for RE, as in the paper. `alone`: used only by
 * models of that single activity (the paper sees airoboros-2.2 only for SI, UIGEN only for SD).
 * A model draws from the pool of its rarest activity (its last activity other than SI, else SI), so
 * SI-QA models name QA datasets and the top 3 of each activity stay the activity's own.
 */
export const SE_DATASETS: Record<ActivityCode, ReadonlyArray<{ id: string; weight: number; alone?: boolean }>> = {
  SI: [
    { id: "jondurbin/airoboros-2.2", weight: 29, alone: true },
    { id: "codeparrot/github-code-clean", weight: 24 },
    { id: "sahil2801/CodeAlpaca-20k", weight: 18 },
    { id: "ise-uiuc/Magicoder-OSS-Instruct-75K", weight: 14 },
    { id: "nickrosh/Evol-Instruct-Code-80k-v1", weight: 12 },
    { id: "bigcode/the-stack-smol", weight: 8 },
    { id: "m-a-p/CodeFeedback-Filtered-Instruction", weight: 8 },
  ],
  SD: [{ id: "Tesslate/UIGEN-T1.5-Dataset", weight: 3, alone: true }],
  QA: [
    { id: "codeparrot/github-code-clean", weight: 8 },
    { id: "DetectVul/devign", weight: 5 },
    { id: "CyberNative/Code_Vulnerability_Security_DPO", weight: 3 },
  ],
  SM: [
    { id: "bigcode/commitpackft", weight: 6 },
    { id: "mhhmm/typescript-instruct-20k", weight: 3 },
    { id: "google/code_x_glue_cc_code_refinement", weight: 2 },
  ],
  RE: [],
};

/** Share of SE models naming a training dataset, by the activity whose pool they draw from (SD: every SD-only model). */
export const SE_DATASET_SHARE: Record<ActivityCode, number> = { RE: 0, SD: 1, SI: 0.35, QA: 0.5, SM: 0.5 };

export const LICENSES = [
  "apache-2.0",
  "mit",
  "llama2",
  "other",
  "cc-by-nc-4.0",
  "llama3",
  "bigcode-openrail-m",
  "openrail",
  "agpl-3.0",
  "gpl-3.0",
  "cc-by-4.0",
  "bsd-3-clause",
  "bsd-2-clause",
  "cc-by-sa-4.0",
];
/** SI weights follow Fig. 8 (apache-2.0 857, mit 278); a license is absent for the rest. */
export const SE_LICENSE_WEIGHTS = [857, 278, 60, 55, 45, 35, 30, 20, 18, 14, 20, 10, 5, 8];
export const SE_NO_LICENSE_WEIGHT = 180;
export const PLAIN_LICENSE_WEIGHTS = [400, 200, 20, 80, 60, 20, 0, 60, 5, 10, 50, 10, 5, 20];
export const PLAIN_NO_LICENSE_WEIGHT = 350;

/** Share of benchmark tables in SI cards that list the paper's most reported benchmark (HumanEval). */
export const TOP_BENCHMARK_SHARE = 0.9;

/** The paper's Fig. 9 benchmarks share the top share in proportion to the counts it reports (38 : 31 : 31). */
function paperShare(name: keyof typeof PAPER_BENCHMARKS): number {
  const top = Math.max(...Object.values(PAPER_BENCHMARKS));
  return (TOP_BENCHMARK_SHARE * PAPER_BENCHMARKS[name]!) / top;
}

/**
 * Benchmarks seen in tables of SI cards (Fig. 9), each with the share of benchmark tables that list
 * it: the paper's three first and in its proportions, the rest (our reconstruction) clearly below.
 */
export const BENCHMARKS: ReadonlyArray<{ name: string; share: number; metric: string }> = [
  { name: "HumanEval", share: paperShare("HumanEval"), metric: "pass@1" },
  { name: "MMLU", share: paperShare("MMLU"), metric: "acc" },
  { name: "HellaSwag", share: paperShare("HellaSwag"), metric: "acc_norm" },
  { name: "ARC-Challenge", share: 0.5, metric: "acc_norm" },
  { name: "TruthfulQA", share: 0.45, metric: "mc2" },
  { name: "Winogrande", share: 0.4, metric: "acc" },
  { name: "GSM8K", share: 0.4, metric: "acc" },
  { name: "MBPP", share: 0.38, metric: "pass@1" },
  { name: "HumanEval+", share: 0.2, metric: "pass@1" },
  { name: "MBPP+", share: 0.17, metric: "pass@1" },
  { name: "MultiPL-E", share: 0.15, metric: "pass@1" },
  { name: "MATH", share: 0.12, metric: "acc" },
  { name: "BBH", share: 0.12, metric: "acc" },
  { name: "BigCodeBench", share: 0.1, metric: "pass@1" },
  { name: "IFEval", share: 0.1, metric: "acc" },
  { name: "LiveCodeBench", share: 0.08, metric: "pass@1" },
  { name: "DS-1000", share: 0.08, metric: "pass@1" },
  { name: "GPQA", share: 0.08, metric: "acc" },
  { name: "MuSR", share: 0.06, metric: "acc" },
  { name: "APPS", share: 0.06, metric: "pass@1" },
  { name: "CRUXEval", share: 0.05, metric: "pass@1" },
];

/** An ordinary ML domain: what its cards look like when no SE task is involved. */
export interface Domain {
  key: string;
  pipelineTag: string | null;
  library: string;
  tags: readonly string[];
  datasets: readonly string[];
  bases: readonly string[];
  /** Sentences with slots {name} {base} {dataset} {n} {m}. */
  intro: readonly string[];
  details: readonly string[];
  weight: number;
}

export const DOMAINS: readonly Domain[] = [
  {
    key: "text-classification",
    pipelineTag: "text-classification",
    library: "transformers",
    tags: ["generated_from_trainer", "bert"],
    datasets: ["imdb", "ag_news", "tweet_eval", "emotion", "yelp_review_full"],
    bases: ["bert-base-uncased", "distilbert-base-uncased", "roberta-base", "microsoft/deberta-v3-base"],
    intro: [
      "This model is a fine-tuned version of [{base}](https://huggingface.co/{base}) on the {dataset} dataset.",
      "{name} sorts short English texts into {n} topic labels.",
      "A compact classifier trained on {dataset} for emotion and topic labels.",
    ],
    details: [
      "It achieves an accuracy of 0.{m} on the held-out split.",
      "Inputs longer than 512 tokens are truncated from the right.",
      "The label set follows the original {dataset} release.",
      "Scores are calibrated with temperature scaling on the validation split.",
    ],
    weight: 16,
  },
  {
    key: "token-classification",
    pipelineTag: "token-classification",
    library: "transformers",
    tags: ["generated_from_trainer", "ner"],
    datasets: ["conll2003", "wnut_17", "wikiann"],
    bases: ["bert-base-cased", "xlm-roberta-base", "dslim/bert-base-NER"],
    intro: [
      "This model is a fine-tuned version of [{base}](https://huggingface.co/{base}) on the {dataset} dataset for named entity recognition.",
      "{name} tags persons, organisations and places in news text.",
    ],
    details: [
      "It reaches an F1 of 0.{m} on the {dataset} test split.",
      "Entity spans use the BIO scheme.",
      "Accuracy drops on social media text with unusual casing.",
    ],
    weight: 7,
  },
  {
    key: "translation",
    pipelineTag: "translation",
    library: "transformers",
    tags: ["marian", "seq2seq"],
    datasets: ["opus_books", "wmt16", "opus100"],
    bases: ["Helsinki-NLP/opus-mt-en-de", "t5-small", "facebook/mbart-large-50"],
    intro: ["{name} translates English sentences into German and French.", "A sequence-to-sequence model fine-tuned from {base} on {dataset}."],
    details: [
      "BLEU on the newstest split is {n}.{m}.",
      "Sentences are split with a rule-based splitter before translation.",
      "The vocabulary is shared between source and target languages.",
    ],
    weight: 6,
  },
  {
    key: "summarization",
    pipelineTag: "summarization",
    library: "transformers",
    tags: ["generated_from_trainer", "t5"],
    datasets: ["cnn_dailymail", "xsum", "samsum"],
    bases: ["t5-small", "facebook/bart-large-cnn", "google/pegasus-xsum"],
    intro: [
      "This model is a fine-tuned version of [{base}](https://huggingface.co/{base}) on the {dataset} dataset.",
      "{name} writes short abstractive summaries of news articles and dialogues.",
    ],
    details: ["ROUGE-L on the test split is {n}.{m}.", "Summaries are limited to 128 tokens.", "Beam search with four beams gives the reported scores."],
    weight: 5,
  },
  {
    key: "asr",
    pipelineTag: "automatic-speech-recognition",
    library: "transformers",
    tags: ["whisper", "audio"],
    datasets: ["mozilla-foundation/common_voice_11_0", "librispeech_asr", "google/fleurs"],
    bases: ["openai/whisper-small", "facebook/wav2vec2-base-960h", "openai/whisper-tiny"],
    intro: ["{name} transcribes speech recorded at 16 kHz.", "This model is a fine-tuned version of [{base}](https://huggingface.co/{base}) on {dataset}."],
    details: [
      "Word error rate on the test split is {n}.{m}%.",
      "Audio longer than thirty seconds is processed in chunks.",
      "Background noise and overlapping voices lower the accuracy.",
    ],
    weight: 6,
  },
  {
    key: "image-classification",
    pipelineTag: "image-classification",
    library: "transformers",
    tags: ["vision", "vit"],
    datasets: ["cifar10", "imagenet-1k", "beans", "food101"],
    bases: ["google/vit-base-patch16-224", "microsoft/resnet-50", "facebook/convnext-tiny-224"],
    intro: [
      "{name} labels photographs into {n} classes.",
      "This model is a fine-tuned version of [{base}](https://huggingface.co/{base}) on the {dataset} dataset.",
    ],
    details: [
      "Top-1 accuracy on the validation split is 0.{m}.",
      "Images are resized to 224 by 224 pixels and normalised.",
      "Random crops and flips were used as augmentation.",
    ],
    weight: 7,
  },
  {
    key: "image-generation",
    pipelineTag: "text-to-image",
    library: "diffusers",
    tags: ["stable-diffusion", "lora", "text-to-image"],
    datasets: ["laion/laion2B-en", "lambdalabs/pokemon-blip-captions"],
    bases: ["stabilityai/stable-diffusion-xl-base-1.0", "runwayml/stable-diffusion-v1-5", "black-forest-labs/FLUX.1-dev"],
    intro: ["{name} is a LoRA adapter for {base} that paints scenes in a soft watercolour style.", "Text-to-image weights trained on top of {base}."],
    details: [
      "Use the trigger word `wtrclr` in your prompt.",
      "Guidance scale between 5 and 7 gives the best images.",
      "The adapter was trained for {n}00 steps at 1024 pixels.",
      "Outputs may reproduce stereotypes present in web images.",
    ],
    weight: 12,
  },
  {
    key: "chat",
    pipelineTag: "text-generation",
    library: "transformers",
    tags: ["conversational", "llama", "text-generation-inference"],
    datasets: ["HuggingFaceH4/ultrachat_200k", "Open-Orca/OpenOrca", "teknium/OpenHermes-2.5"],
    bases: ["meta-llama/Llama-2-7b-hf", "mistralai/Mistral-7B-v0.1", "meta-llama/Meta-Llama-3-8B-Instruct", "google/gemma-2b"],
    intro: ["{name} is a chat assistant fine-tuned from {base} on {dataset}.", "An instruction-tuned language model for general conversation."],
    details: [
      "The context window is {n}096 tokens.",
      "It follows the chat template of its base model.",
      "Answers can be wrong or out of date; check facts before relying on them.",
      "The model was trained with direct preference optimisation after supervised tuning.",
    ],
    weight: 14,
  },
  {
    key: "embeddings",
    pipelineTag: "sentence-similarity",
    library: "sentence-transformers",
    tags: ["sentence-transformers", "feature-extraction"],
    datasets: ["sentence-transformers/all-nli", "ms_marco"],
    bases: ["sentence-transformers/all-MiniLM-L6-v2", "BAAI/bge-small-en-v1.5", "intfloat/e5-base-v2"],
    intro: [
      "This is a [sentence-transformers](https://www.SBERT.net) model: it maps sentences and paragraphs to a {n}68 dimensional dense vector space.",
      "{name} embeds short passages for semantic search and clustering.",
    ],
    details: [
      "Vectors are normalised, so cosine similarity equals the dot product.",
      "It was trained with a multiple negatives ranking loss.",
      "Passages longer than 256 word pieces are truncated.",
    ],
    weight: 7,
  },
  {
    key: "reinforcement-learning",
    pipelineTag: "reinforcement-learning",
    library: "stable-baselines3",
    tags: ["LunarLander-v2", "deep-reinforcement-learning", "reinforcement-learning"],
    datasets: [],
    bases: [],
    intro: [
      "This is a trained model of a **PPO** agent playing **LunarLander-v2** using the stable-baselines3 library.",
      "A DQN agent that plays **SpaceInvadersNoFrameskip-v4**.",
    ],
    details: ["Mean reward over ten episodes is {n}{m}.", "Hyperparameters come from the RL Zoo defaults."],
    weight: 8,
  },
  {
    key: "tabular",
    pipelineTag: "tabular-classification",
    library: "sklearn",
    tags: ["tabular-classification", "skops"],
    datasets: ["scikit-learn/iris", "scikit-learn/adult-census-income"],
    bases: [],
    intro: ["A gradient boosted tree classifier for census income prediction.", "{name} predicts the species of iris flowers from four measurements."],
    details: ["Cross-validated accuracy is 0.{m}.", "Features are standardised before fitting."],
    weight: 3,
  },
];

/** Short cards in other languages (no SE wording: the generator keeps these for plain models). */
export const NON_ENGLISH_CARDS: ReadonlyArray<{ language: string; body: string }> = [
  {
    language: "de",
    body: "# {name}\n\nDieses Modell fasst deutsche Nachrichtentexte zusammen.\n\n## Trainingsdaten\n\nDas Modell wurde auf {n}0.000 Artikeln trainiert.\n",
  },
  { language: "fr", body: "# {name}\n\nCe modèle classe des avis de clients en trois catégories.\n\n## Données\n\nEntraîné sur {n}0 000 exemples annotés.\n" },
  {
    language: "es",
    body: "# {name}\n\nEste modelo reconoce entidades en textos periodísticos en español.\n\n## Resultados\n\nF1 de 0.{m} en el conjunto de prueba.\n",
  },
  { language: "zh", body: "# {name}\n\n这是一个中文文本分类模型，可以识别新闻的主题。\n\n## 训练数据\n\n使用了{n}万条新闻标题。\n" },
  { language: "ja", body: "# {name}\n\nこのモデルは日本語の文を英語に翻訳します。\n\n## 評価\n\nBLEU スコアは {n}.{m} です。\n" },
];

/**
 * Evidence of SE models beyond the paper's search (role `se-signals`): tags, training datasets and words
 * for their names, per activity. None is a task phrase of the taxonomy (the search must not see these
 * models); each tag is one of taxonomy/se-signals.json's code or task tags and each dataset one of
 * taxonomy/se-datasets.json, so discovery can.
 */
export const SIGNAL_EVIDENCE: Record<
  ActivityCode,
  { weight: number; tags: readonly (readonly string[])[]; datasets: readonly string[]; nameWords: readonly string[] }
> = {
  SI: {
    weight: 70,
    tags: [["code", "python"], ["code"], ["code", "java", "javascript"], ["text2sql", "sql"], ["code", "rust"]],
    datasets: ["bigcode/the-stack-smol", "sahil2801/CodeAlpaca-20k", "ise-uiuc/Magicoder-OSS-Instruct-75K", "b-mc2/sql-create-context"],
    nameWords: ["coder", "sql", "python"],
  },
  QA: { weight: 10, tags: [["cwe"], ["vulnerability"]], datasets: ["DetectVul/devign", "bstee615/bigvul"], nameWords: ["vuln", "fuzz"] },
  SM: {
    weight: 10,
    tags: [["commit-messages"], ["bug-fixing"]],
    datasets: ["JetBrains-Research/commit-chronicle", "ASSERT-KTH/megadiff"],
    nameWords: ["commit", "bugfix"],
  },
  SD: { weight: 5, tags: [["uml", "plantuml"], ["mermaid"]], datasets: [], nameWords: ["uml", "diagram"] },
  RE: { weight: 5, tags: [["nfr"]], datasets: ["promise-nfr"], nameWords: ["req"] },
};

/** How a model of role `se-lineage` was made from its base: the Hub's relation names and their shares. */
export const LINEAGE_RELATIONS: ReadonlyArray<{ relation: "quantized" | "adapter" | "finetune"; weight: number }> = [
  { relation: "quantized", weight: 55 },
  { relation: "adapter", weight: 20 },
  { relation: "finetune", weight: 25 },
];
export const REUPLOAD_SUFFIXES = ["GGUF", "AWQ", "GPTQ", "4bit", "mlx", "exl2"];
