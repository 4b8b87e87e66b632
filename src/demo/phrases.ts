/**
 * Everything that plants an SE task phrase into synthetic text: true SE task mentions in natural
 * inflected forms, the false-positive trap families of the paper (RQ1.2), the Table III outlier
 * families (debug / log / coding false hits) and arXiv abstracts.
 *
 * Every planting returns the text AND a `Planted` note (task id, source, the exact surface form),
 * so the ground truth says precisely what the search stage should find.
 */
import type { ActivityCode } from "../taxonomy/taxonomy";
import type { SeededRandom } from "../util/random";

export type PlantSource = "card" | "metadata" | "abstract";

/** One occurrence of a task phrase planted into a model's text. */
export interface Planted {
  taskId: string;
  source: PlantSource;
  /** The exact characters planted (case kept), findable case-insensitively in that source. */
  surface: string;
  /** True when Table III removes this occurrence (a debug/log/coding false hit). */
  excluded: boolean;
  /** The trap or outlier family that produced it, or null for a true SE mention. */
  family: string | null;
}

export interface TaskChoice {
  id: string;
  name: string;
  weight: number;
}

/** True SE tasks per activity with how often SE models of that activity mention them (Fig. 3 shape). */
export const SE_TASKS: Record<ActivityCode, readonly TaskChoice[]> = {
  SI: [
    { id: "si.code-generation", name: "code generation", weight: 48 },
    { id: "si.coding", name: "coding", weight: 13 },
    { id: "si.code-completion", name: "code completion", weight: 9 },
    { id: "si.code-summarization", name: "code summarization", weight: 4 },
    { id: "si.program-synthesis", name: "program synthesis", weight: 3 },
    { id: "si.code-translation", name: "code translation", weight: 3 },
    { id: "si.code-understanding", name: "code understanding", weight: 3 },
    { id: "si.code-search", name: "code search", weight: 2 },
    { id: "si.code-editing", name: "code editing", weight: 2 },
    { id: "si.code-optimization", name: "code optimization", weight: 1 },
    { id: "si.code-comment-generation", name: "code comment generation", weight: 1 },
    { id: "si.api-recommendation", name: "api recommendation", weight: 1 },
    { id: "si.type-inference", name: "type inference", weight: 1 },
    { id: "si.method-name-generation", name: "method name generation", weight: 0.5 },
    { id: "si.low-code-development", name: "low-code development", weight: 0.5 },
  ],
  SM: [
    { id: "sm.program-repair", name: "program repair", weight: 10 },
    { id: "sm.code-review", name: "code review", weight: 8 },
    { id: "sm.debugging", name: "debugging", weight: 6 },
    { id: "sm.refactoring", name: "refactoring", weight: 5 },
    { id: "sm.decompilation", name: "decompilation", weight: 3 },
    { id: "sm.vulnerability-repair", name: "vulnerability repair", weight: 3 },
    { id: "sm.log-parsing", name: "log parsing", weight: 3 },
    { id: "sm.log-analysis", name: "log analysis", weight: 2 },
    { id: "sm.sentiment-analysis", name: "sentiment analysis", weight: 2 },
    { id: "sm.commit-classification", name: "commit classification", weight: 2 },
    { id: "sm.code-clone-detection", name: "code clone detection", weight: 2 },
    { id: "sm.program-comprehension", name: "program comprehension", weight: 2 },
    { id: "sm.reverse-engineering", name: "reverse engineering", weight: 2 },
    { id: "sm.bug-triage", name: "bug triage", weight: 1 },
  ],
  QA: [
    { id: "qa.vulnerability-detection", name: "vulnerability detection", weight: 10 },
    { id: "qa.test-generation", name: "test generation", weight: 8 },
    { id: "qa.bug-detection", name: "bug detection", weight: 6 },
    { id: "qa.unit-testing", name: "unit testing", weight: 5 },
    { id: "qa.defect-detection", name: "defect detection", weight: 4 },
    { id: "qa.static-analysis", name: "static analysis", weight: 3 },
    { id: "qa.cybersecurity", name: "cybersecurity", weight: 3 },
    { id: "qa.fuzz-testing", name: "fuzz testing", weight: 2 },
    { id: "qa.malicious-code-detection", name: "malicious code detection", weight: 2 },
    { id: "qa.formal-verification", name: "formal verification", weight: 2 },
    { id: "qa.fault-localization", name: "fault localization", weight: 2 },
    { id: "qa.penetration-testing", name: "penetration testing", weight: 1 },
  ],
  RE: [
    { id: "re.requirements-classification", name: "requirements classification", weight: 6 },
    { id: "re.user-story", name: "user story", weight: 5 },
    { id: "re.requirements-elicitation", name: "requirements elicitation", weight: 3 },
    { id: "re.functional-requirement", name: "functional requirement", weight: 3 },
    { id: "re.nonfunctional-requirement", name: "nonfunctional requirement", weight: 2 },
    { id: "re.requirements-specification", name: "requirements specification", weight: 2 },
    { id: "re.acceptance-criteria", name: "acceptance criteria", weight: 2 },
    { id: "re.traceability-automation", name: "traceability automation", weight: 1 },
    { id: "re.specification-generation", name: "specification generation", weight: 1 },
  ],
  SD: [
    { id: "sd.user-interface-design", name: "user interface design", weight: 5 },
    { id: "sd.software-design", name: "software design", weight: 4 },
    { id: "sd.system-design", name: "system design", weight: 4 },
    { id: "sd.software-architecture", name: "software architecture", weight: 4 },
    { id: "sd.design-pattern", name: "design pattern", weight: 3 },
    { id: "sd.object-oriented-design", name: "object-oriented design", weight: 1 },
    { id: "sd.detailed-design", name: "detailed design", weight: 1 },
    { id: "sd.design-rationale", name: "design rationale", weight: 1 },
  ],
};

/**
 * Inflected forms that prepare to the same lemmas as the task name (WordNet noun-then-verb);
 * test/demo-generator.test.ts re-checks each with wink-lemmatizer.
 */
const INFLECTED: Record<string, readonly string[]> = {
  "functional requirement": ["functional requirements"],
  "nonfunctional requirement": ["nonfunctional requirements"],
  "user story": ["user stories"],
  "unit testing": ["unit tests"],
  debugging: ["debugged"],
  "program repair": ["program repairs"],
  "code review": ["code reviews"],
  "design pattern": ["design patterns"],
  "code completion": ["code completions"],
  "code translation": ["code translations"],
  "fuzz testing": ["fuzz tests"],
};

/**
 * Tasks whose name contains another task's words, so planting one also plants the other (a search
 * finds both): "log parsing" holds "log" (= logging after lemmatization), "formal verification"
 * holds "verification". Their hyphenated forms are not used: "log-parsing" would put the inner
 * "log" before a hyphen, which Table III excludes, and the ground truth would get harder to state.
 */
export const IMPLIED_TASKS: Readonly<Record<string, { taskId: string; word: string }>> = {
  "sm.log-parsing": { taskId: "sm.logging", word: "log" },
  "sm.log-analysis": { taskId: "sm.logging", word: "log" },
  "qa.formal-verification": { taskId: "qa.verification", word: "verification" },
};
const NO_HYPHEN = new Set(["log parsing", "log analysis", "formal verification"]);

const titleCase = (phrase: string): string => phrase.replace(/\b([a-z])/g, (c) => c.toUpperCase());

/** A surface form of a task name: as is, Title Case, hyphenated, or an inflected variant. */
export function surfaceOf(name: string, random: SeededRandom): string {
  const forms = [name, name, titleCase(name), ...(INFLECTED[name] ?? [])];
  if (name.includes(" ") && !NO_HYPHEN.has(name)) forms.push(name.replace(/ /g, "-"));
  return random.pick(forms);
}

/**
 * Sentences that mention a true SE task; {T} is the task, {N} the model name, {L} a language.
 * {T} is never glued to a character Table III looks at (`:` `(` `_` `-` `/` `"` ...), so a true
 * "debugging" / "logging" / "coding" mention is never removed by the outlier rules.
 */
export const SE_SENTENCES: readonly string[] = [
  "{N} is fine-tuned for {T}.",
  "The main intended use is {T} in {L} projects.",
  "We release this checkpoint to support research on {T}.",
  "Primary task: {T}.",
  "It was evaluated on {T}, where it improves on its base model.",
  "Use it for {T}, especially with {L}.",
  "This model targets {T} ({L}).",
  "Supported tasks: {T}; trained on permissively licensed repositories.",
  "Good at {T}, as the examples below show.",
  "**{T}**. Give it a short instruction and a {L} context.",
];

/** What an SE model does, in words that match no task (so only planted phrases are found). */
export const SE_CONTEXT: Record<ActivityCode, readonly string[]> = {
  SI: [
    "Given a natural-language prompt, it writes {L} functions and classes.",
    "It generates code from docstrings and function signatures.",
    "It suggests the next lines while you type in the editor.",
    "The model was trained on public repositories with permissive licenses.",
  ],
  SM: [
    "It proposes patches for failing functions and explains the change.",
    "Given a diff, it writes comments a maintainer would leave.",
    "It rewrites legacy {L} into clearer, smaller functions.",
  ],
  QA: [
    "It flags risky patterns in {L} functions, such as unchecked buffers and injection.",
    "Given a function, it writes assertions that exercise its edge cases.",
    "It labels each function as safe or suspicious with a confidence score.",
  ],
  RE: [
    "It reads stakeholder statements and labels each one by quality attribute.",
    "It turns meeting notes into structured, numbered needs for a product backlog.",
  ],
  SD: ["It produces HTML and Tailwind layouts from a short description of a screen.", "It drafts component diagrams and explains the trade-offs between them."],
};

/** A trap: an SE task phrase used in a sense that has nothing to do with SE (paper RQ1.2). */
export interface TrapFamily {
  kind: string;
  activity: ActivityCode;
  taskId: string;
  /** Card domains where this wording is natural (keys of DOMAINS). */
  domains: readonly string[];
  /** Markdown placed in the card; {P} is replaced by the planted surface. */
  text: readonly string[];
  /** Surface forms of the task phrase used here. */
  surfaces: readonly string[];
  /**
   * Weight among trap models, tuned so a paper-profile Hub (the paper's full snapshot size) lands near Table IV
   * (unique candidates RE 255, SD 415, SI 2,993, QA 1,512, SM 3,255) once true SE models are added.
   */
  weight: number;
}

export const TRAP_FAMILIES: readonly TrapFamily[] = [
  {
    kind: "system-requirements",
    activity: "RE",
    taskId: "re.system-requirement",
    domains: ["chat", "image-generation", "asr"],
    text: [
      "## {P}\n\nRunning the model needs a GPU with at least 16 GB of memory and Python 3.10 or later.",
      "Minimum {P}: 8 GB of RAM, 4 CPU cores and 10 GB of free disk space.",
      "Check the {P} in the table further down before pulling the 40 GB checkpoint.",
    ],
    surfaces: ["System requirements", "system requirements", "System Requirements"],
    weight: 1.5,
  },
  {
    kind: "software-requirements",
    activity: "RE",
    taskId: "re.software-requirement",
    domains: ["chat", "embeddings", "text-classification"],
    text: ["{P}: transformers >= 4.40 and torch 2.2 with CUDA 12.", "### {P}\n\n- Python 3.10\n- accelerate\n- sentencepiece"],
    surfaces: ["Software requirements", "software requirements", "Software Requirements"],
    weight: 0.95,
  },
  {
    kind: "risk-use-case",
    activity: "RE",
    taskId: "re.use-case-generation",
    domains: ["chat"],
    text: [
      "### Risks identified and mitigations\n\n* Perpetuation of biases: continuous monitoring and de-biasing during training are encouraged.\n* Misuse for malicious purposes: developer and end-user education can help mitigate harmful {P} and other prohibited applications.\n* Privacy violations: training data was filtered to remove personal information.",
    ],
    surfaces: ["use case generation", "use-case generation"],
    weight: 0.95,
  },
  {
    kind: "rapid-prototyping",
    activity: "SD",
    taskId: "sd.rapid-prototyping",
    domains: ["chat", "image-generation", "embeddings"],
    text: ["It is small enough for {P} of chat and search demos on a laptop.", "Ideal for {P}: swap it in before committing to a larger model."],
    surfaces: ["rapid prototyping", "Rapid prototyping"],
    weight: 1.64,
  },
  {
    kind: "architectural-design-building",
    activity: "SD",
    taskId: "sd.architectural-design",
    domains: ["image-generation", "image-classification"],
    text: [
      "Trained on photographs of {P} projects: facades, floor plans and interiors of modern houses.",
      "Prompts about {P} of museums and bridges work best.",
    ],
    surfaces: ["architectural design", "Architectural design"],
    weight: 1.09,
  },
  {
    kind: "architectural-design-network",
    activity: "SD",
    taskId: "sd.architectural-design",
    domains: ["image-classification", "text-classification", "asr", "chat"],
    text: [
      "The {P} of the network follows a residual encoder with twelve attention blocks.",
      "## {P}\n\nWe widen the feed-forward layers and share the embeddings between encoder and decoder.",
    ],
    surfaces: ["architectural design", "Architectural Design"],
    weight: 1.64,
  },
  {
    kind: "software-designed-to",
    activity: "SD",
    taskId: "sd.software-design",
    domains: ["asr", "embeddings", "chat", "tabular"],
    text: ["{N} is open-source {P} to make speech and text tools easier to reach.", "This is research {P} to be run offline on commodity hardware."],
    surfaces: ["software designed"],
    weight: 2.14,
  },
  {
    kind: "api-inference",
    activity: "SI",
    taskId: "si.api-inference",
    domains: ["image-generation"],
    text: [
      "You can try it through {P}, without downloading the weights.",
      "## {P}\n\nSend a JSON payload with your prompt to the hosted endpoint to receive a PNG.",
      "Images can also be requested via {P} from the hosted widget.",
    ],
    surfaces: ["API inference", "api inference", "Api Inference"],
    weight: 6.0,
  },
  {
    kind: "data-analysis",
    activity: "SI",
    taskId: "si.data-analysis",
    domains: ["image-generation", "image-classification", "tabular"],
    text: [
      "A {P} of the captions showed that most images were portraits, so we rebalanced the set.",
      "## {P}\n\nWe counted image sizes and aspect ratios before filtering the training pictures.",
      "An exploratory {P} of the prompts is in the notebook folder.",
    ],
    surfaces: ["data analysis", "Data Analysis"],
    weight: 5.62,
  },
  {
    kind: "speaker-verification",
    activity: "QA",
    taskId: "qa.verification",
    domains: ["asr"],
    text: [
      "Embeddings from this model are used for speaker {P} with cosine scoring.",
      "It reaches an equal error rate of 1.{m}% on speaker {P} trials.",
      "Trained with an additive margin loss for speaker {P} and identification.",
    ],
    surfaces: ["verification"],
    weight: 6.37,
  },
  {
    kind: "fact-verification",
    activity: "QA",
    taskId: "qa.verification",
    domains: ["text-classification"],
    text: ["Fine-tuned on FEVER claims for fact {P}: each claim is labelled supported, refuted or not enough info."],
    surfaces: ["verification"],
    weight: 4.54,
  },
  {
    kind: "self-verification",
    activity: "QA",
    taskId: "qa.verification",
    domains: ["chat"],
    text: ["The model uses self-{P} to re-check its chain-of-thought before giving a final answer."],
    surfaces: ["verification"],
    weight: 3.67,
  },
  {
    kind: "cybersecurity-redteam",
    activity: "QA",
    taskId: "qa.cybersecurity",
    domains: ["chat"],
    text: [
      "We ran red-teaming exercises on {P}, chemical and biological risks to measure how often the model complies with harmful requests.",
      "### {P}\n\nExternal experts tried to make the model produce malware instructions; refusals were reinforced in the final tuning round.",
    ],
    surfaces: ["cybersecurity", "Cybersecurity", "CyberSecurity"],
    weight: 6.37,
  },
  {
    kind: "code-revision-hash",
    activity: "SM",
    taskId: "sm.code-revision",
    domains: ["text-classification", "summarization", "chat", "asr"],
    text: [
      "Training data snapshot: {P} `{h}` of the dataset repository.",
      "The evaluation script pins {P} {h} so the numbers can be reproduced.",
      "Pinned {P} `{h}` reproduces the tokenizer files.",
    ],
    surfaces: ["code revision", "Code revision"],
    weight: 8.89,
  },
  {
    kind: "sentiment-general",
    activity: "SM",
    taskId: "sm.sentiment-analysis",
    domains: ["text-classification"],
    text: [
      "{N} is tuned for {P} of movie reviews and tweets.",
      "Use it for {P} of product reviews: it returns positive, neutral or negative.",
      "Classifies the sentiment of customer feedback; {P} accuracy is 0.{m} on the test split.",
    ],
    surfaces: ["sentiment analysis", "Sentiment Analysis", "sentiment-analysis"],
    weight: 24.34,
  },
  {
    kind: "debugging-prose",
    activity: "SM",
    taskId: "sm.debugging",
    domains: ["chat", "text-classification", "image-generation", "embeddings", "asr"],
    text: [
      "Set `verbose=True` when {P} your preprocessing pipeline.",
      "The small variant is handy for {P} training scripts before a full run.",
      "Turn on anomaly detection in torch when {P} NaN losses.",
    ],
    surfaces: ["debugging"],
    weight: 13.23,
  },
  {
    kind: "log-prose",
    activity: "SM",
    taskId: "sm.logging",
    domains: ["chat", "image-generation", "text-classification", "reinforcement-learning"],
    text: [
      "{P} in with your access token before downloading the gated weights.",
      "Rewards are plotted on a {P} scale in the figure below.",
      "Learning rates were swept on a {P} grid from 1e-5 to 1e-3.",
    ],
    surfaces: ["Log", "log"],
    weight: 11.06,
  },
];

/**
 * Traps that also turn up in true SE (code) model cards: the model stays SE for its own
 * activities, while the trap's activity must be judged not relevant.
 */
export const CODE_CARD_TRAP_KINDS: ReadonlySet<string> = new Set([
  "system-requirements",
  "software-requirements",
  "rapid-prototyping",
  "architectural-design-network",
  "cybersecurity-redteam",
  "self-verification",
  "code-revision-hash",
  "debugging-prose",
  "log-prose",
]);

/** The borderline model the paper kept: RegEx generation, tagged `code generation` (truly SI). */
export const REGEX_KEPT_KIND = "regex-code-generation";

/**
 * Table III outlier families: occurrences the raw-text rules remove. `definite` families produce
 * a token the search surely matches (so an outlier-only model is surely a search hit); the
 * underscore-glued ones may not even be matched, depending on the tokenizer.
 */
export interface OutlierTrapFamily {
  kind: string;
  taskId: string;
  text: readonly string[];
  /** Surface planted (case-insensitive substring of the text above, after {P} substitution). */
  surface: string;
  definite: boolean;
}

export const OUTLIER_FAMILIES: readonly OutlierTrapFamily[] = [
  {
    kind: "debug-none",
    taskId: "sm.debugging",
    surface: "debug",
    definite: true,
    text: ["```yaml\nseed: 42\ndebug: None\nfp16: true\n```", "Training arguments: `output_dir: out`, `debug: None`, `save_steps: 500`."],
  },
  {
    kind: "debug-json-false",
    taskId: "sm.debugging",
    surface: "debug",
    definite: true,
    text: ['```json\n{\n  "num_train_epochs": 3,\n  "debug": false,\n  "seed": 42\n}\n```'],
  },
  {
    kind: "debug-identifier",
    taskId: "sm.debugging",
    surface: "debug",
    definite: true,
    text: ["Run `python train.py --debug` for a ten-step smoke run.", "Inside the config, `args.debug` switches off mixed precision."],
  },
  { kind: "debug-underscore", taskId: "sm.debugging", surface: "debug", definite: false, text: ["Pass `debug_mode=True` to keep intermediate tensors."] },
  {
    kind: "import-logging",
    taskId: "sm.logging",
    surface: "logging",
    definite: true,
    text: ["```python\nimport logging\nfrom transformers import pipeline\n```"],
  },
  {
    kind: "no-log",
    taskId: "sm.logging",
    surface: "log",
    definite: true,
    text: [
      "| Training Loss | Epoch | Step | Validation Loss |\n|:-------------:|:-----:|:----:|:---------------:|\n| No log        | 1.0   | 63   | 0.{m}          |\n| 0.4{m}        | 2.0   | 126  | 0.3{m}         |",
    ],
  },
  {
    kind: "training-log",
    taskId: "sm.logging",
    surface: "log",
    definite: true,
    text: ["The full training log is attached to the repository.", "## Training log\n\nLoss fell steadily for the first two epochs."],
  },
  { kind: "train-log", taskId: "sm.logging", surface: "log", definite: true, text: ["See the train log for per-step learning rates."] },
  {
    kind: "testing-log",
    taskId: "sm.logging",
    surface: "log",
    definite: true,
    text: ["The testing log lists every prompt and output of the final evaluation."],
  },
  { kind: "test-log", taskId: "sm.logging", surface: "log", definite: true, text: ["A test log of the held-out run is included."] },
  { kind: "log-period", taskId: "sm.logging", surface: "log", definite: true, text: ["Metrics were written to `train.log` every 50 steps."] },
  {
    kind: "log-underscore",
    taskId: "sm.logging",
    surface: "log",
    definite: false,
    text: ["Per-step values are in `eval_log` and `log_history` of the trainer state."],
  },
  { kind: "log-colon", taskId: "sm.logging", surface: "log", definite: true, text: ["Change log: v1.1 fixed the padding side of the tokenizer."] },
  {
    kind: "coding-no-code-tag",
    taskId: "si.coding",
    surface: "coding",
    definite: true,
    text: [
      "Labels use one-hot coding before the softmax layer.",
      "The audio front end applies speech coding at 16 kbit/s.",
      "Colour coding in the confusion matrix marks the hardest classes.",
    ],
  },
];

/** Abstracts of linked papers. {T} a task surface (SE abstracts) or none (plain abstracts). */
export const SE_ABSTRACTS: readonly string[] = [
  "We present a family of open language models for {T}. Trained on permissively licensed repositories, the models match larger closed systems on public benchmarks while running on a single GPU. We release weights and evaluation scripts.",
  "Large language models are increasingly used for {T}, yet their behaviour on real projects is poorly understood. We collect a new benchmark from open-source repositories and show that instruction tuning with execution feedback improves accuracy by a wide margin.",
  "This paper studies {T} with pre-trained transformers. We propose a lightweight fine-tuning recipe and report consistent gains across five programming languages.",
];

export const PLAIN_ABSTRACTS: readonly string[] = [
  "We introduce a simple method for training compact transformers with knowledge distillation. Experiments on classification and question answering show that the student keeps most of the teacher's accuracy at a fraction of the cost.",
  "Diffusion models produce high-quality images but are slow to sample. We propose a distilled sampler that needs only four steps and keeps image quality close to the original model.",
  "We describe a multilingual speech recognition model trained on hundreds of thousands of hours of weakly labelled audio, and show that it transfers to new languages without fine-tuning.",
  "Sentence embeddings trained with contrastive objectives transfer well to retrieval. We study the effect of hard negatives and batch size on a broad suite of retrieval and clustering datasets.",
];

/** Trap abstracts: the phrase appears, but in its non-SE sense. */
export const TRAP_ABSTRACTS: ReadonlyArray<{ kind: string; taskId: string; surface: string; text: string }> = [
  {
    kind: "sentiment-general",
    taskId: "sm.sentiment-analysis",
    surface: "sentiment analysis",
    text: "We study {P} of social media posts across twelve languages and release a multilingual classifier that outperforms prior baselines on product and movie reviews.",
  },
  {
    kind: "speaker-verification",
    taskId: "qa.verification",
    surface: "verification",
    text: "We propose a compact speaker embedding network and evaluate it on speaker {P} benchmarks, where it lowers the equal error rate by a quarter.",
  },
  {
    kind: "data-analysis",
    taskId: "si.data-analysis",
    surface: "data analysis",
    text: "We train a latent diffusion model on a curated image collection; a {P} of the captions guides the filtering of low-quality pairs.",
  },
];
