/**
 * The offline relevance judge: transparent rules built from the false-positive traps the paper
 * documents (RQ1.2) and from plain signs of software-engineering use. It needs no key and no network,
 * and every rationale lists the rules that fired, so a reader can check each decision.
 *
 * Decision, per candidate (model, activity):
 * 1. Each matched task occurrence is checked against the trap rules of its task, using the text
 *    around the match and the card's context (pipeline tag, tags, section headings).
 *    A task whose every occurrence is caught by a trap is discarded.
 * 2. A surviving task counts as SE evidence on its own when it is unambiguous (e.g. "program repair"),
 *    or when the author tagged it in the metadata. An ambiguous task (a word with common non-SE
 *    meanings, e.g. "verification") needs supporting evidence: code tags, code datasets or benchmarks,
 *    programming languages, or software words near the match.
 * 3. Relevant when at least one task survives with enough evidence.
 */
import type { ModelRecord } from "../corpus/record";
import type { ActivityCode } from "../taxonomy/taxonomy";
import { NO_USAGE, type Candidate, type Judgement, type RelevanceJudge, type TaskEvidence } from "./candidate";
import { sha256Hex } from "./card-text";

export const OFFLINE_JUDGE_LABEL = "offline-rules/v2";

/** A trap: a task whose words, in this context, do not mean software engineering. */
interface TrapRule {
  name: string;
  /** Task phrases (lowercase) the rule applies to. */
  tasks: readonly string[];
  /** True when this occurrence is the non-SE meaning. */
  fires(occurrence: Occurrence, card: CardContext): boolean;
}

interface Occurrence {
  evidence: TaskEvidence;
  /** Lowercased text around the match: before + raw + after. */
  window: string;
  /** Lowercased heading of the card section holding the match (when found in the body). */
  heading: string;
  /** Lowercased body text from 600 characters before to 300 after the match (when found). */
  wide: string;
  /** Lowercased body text 150 characters either side of the match (when found), else `window`. */
  near: string;
}

interface CardContext {
  record: ModelRecord;
  /** bodyLower with fenced code blanked out (same length, so offsets still line up). */
  proseLower: string;
  tags: Set<string>;
  pipelineTag: string;
  bodyLower: string;
  imageGeneration: boolean;
  codeSignals: string[];
}

const has = (text: string, pattern: RegExp) => pattern.test(text);

const TRAPS: readonly TrapRule[] = [
  {
    name: "re-runtime-prerequisites",
    tasks: ["system requirement", "software requirement", "requirements specification"],
    fires: (o) =>
      has(o.window + " " + o.heading, /\b(gpu|vram|ram|memory|disk|cpu|cuda|hardware|install|pip|python\s*(>=|==|\d)|dependenc|operating system|windows|linux|macos|gb\b|minimum|recommended|torch|transformers\s*[>=]|accelerate|sentencepiece)/) ||
      has(o.heading, /^(((system|software|hardware) )?requirements?|installation|(environment )?setup|hardware|prerequisites|getting started|how to (use|run)|quick ?start)$/),
  },
  {
    name: "re-gemma-risks-section",
    tasks: ["use case generation", "use case"],
    fires: (o) => has(o.heading, /risk|limitation|ethic|mitigation|intended us/) || has(o.wide, /risks identified and mitigations/),
  },
  {
    name: "sd-rapid-prototyping",
    tasks: ["rapid prototyping"],
    fires: () => true,
  },
  {
    name: "sd-architecture-not-software",
    tasks: ["architectural design", "software architecture", "architectural style", "architectural pattern", "reference architecture", "system design", "software design", "detailed design"],
    fires: (o, c) =>
      c.imageGeneration ||
      // Buildings anywhere near; neural-network words only right next to the match ("the architectural design of the network").
      has(o.near, /\b(interiors?|buildings?|houses?|homes?|villas?|rooms?|floor ?plans?|landscapes?|exteriors?|facades?|museums?|bridges?|skyscrapers?|cathedrals?|churches|towers?|urban|residential|real estate|architectural (render|photo|visuali)\w*)\b/) ||
      has(o.window, /\b(neural|network|model architecture|layers?|attention (heads?|blocks?)|encoder|decoder|backbone|residual|transformer|mixture[- ]of[- ]experts|moe|experts|parameters)\b/) ||
      // A section about the model's own architecture ("## Architectural design" of a Mixture-of-Experts).
      has(o.heading + " " + o.near, /\bmodel (architecture|design)\b|\bmixture[- ]of[- ]experts\b|\b(hidden|embedding) (size|dimension)\b|\bnumber of (layers|heads|experts)\b/),
  },
  {
    name: "sd-designed-to-phrase",
    tasks: ["system design", "software design"],
    fires: (o) => /designed$/i.test(o.evidence.raw.trim()) || has(o.window, /\b(system|software) designed (to|for)\b/),
  },
  {
    name: "si-image-or-generic-ml-card",
    tasks: ["api inference", "data analysis"],
    fires: (o, c) =>
      c.imageGeneration ||
      (c.codeSignals.length === 0 && !softwareContext(o.near)) ||
      has(o.window, /inference api|hosted inference|serverless|inference endpoint/) ||
      // Analysing the model's own training data is data preparation, not programming.
      (o.evidence.task === "data analysis" && has(o.near, /\b(training|train) (data|set|pictures|images|corpus|examples)\b|\bcaptions?\b|\bthe dataset\b/)),
  },
  {
    name: "si-coding-not-programming",
    tasks: ["coding"],
    fires: (o) => has(o.window, /\b(en|de)?coding (scheme|of (audio|video|speech))|\b(audio|video|speech|medical|icd|survey|qualitative) coding\b|\bcolou?r coding\b/),
  },
  {
    name: "qa-non-software-verification",
    tasks: ["verification", "formal verification"],
    fires: (o) =>
      has(o.window, /\b(speaker|face|facial|identity|signature|voice|fact|claim|self|answer|age|document|kyc|person|biometric|step|process|solution|math|reasoning)[ -]?(level )?verification\b|\bverification of (facts|claims|answers|identity|(math(ematical)? )?solutions|reasoning|steps)\b|\bverif(y|ies|ied) (its|their) own\b|\b(process|outcome) reward model\b/),
  },
  {
    name: "qa-red-teaming",
    tasks: ["cybersecurity", "security testing", "penetration testing", "threat modeling"],
    fires: (o) =>
      has(o.window + " " + o.wide, /red[- ]?team|safety (evaluat|eval\b|benchmark|suite)|cyberseceval|cyber ?attacks?|harmful (requests|content)|misuse|jailbreak|cbrn|dangerous capabilit|uplift|refusals?\b/) ||
      has(o.near, /\b(make|get|trick|push) the model (to )?(produce|write|generate|output|reveal)/),
  },
  {
    name: "sm-revision-is-a-hash",
    tasks: ["code revision"],
    fires: (o) => has(o.window, /\b[0-9a-f]{7,40}\b|\bhash\b|\bsha\b|revision\s*[=:]|\bdataset\b|\bcommit id\b/),
  },
  {
    name: "sm-sentiment-of-general-text",
    tasks: ["sentiment analysis"],
    fires: (o, c) =>
      has(o.near, /\b(movie|product|customer|restaurant|hotel|amazon|yelp|imdb|film) reviews?\b|\btweets?\b|social media|\bnews\b|financial (news|text)/) ||
      (c.codeSignals.length === 0 && !softwareContext(o.near)),
  },
  {
    name: "sm-training-log-or-debug",
    tasks: ["logging", "debugging", "log analysis"],
    fires: (o) =>
      has(o.window, /\b(training|train|eval|evaluation|wandb|tensorboard|experiment) (log|logs|logging)\b|\blog(ging)? (steps|interval|loss|metrics)\b|\bdebug(ging)? (mode|level|flag)\b|\blogging_steps\b/) ||
      // "log in", "log scale", debugging one's own training or preprocessing run: not maintenance of software.
      has(o.window, /\blog[ -]?in (with|to|using)\b|\blogin\b|\blog (into|out of)\b|\blog[ -](scale|grid|space|uniform(ly)?|probs?|probabilit\w*|likelihoods?|odds|softmax|perplexity|transform\w*)\b|\blogarithm|\bverbose\b|\bdebugging (your |the |a |our )?(own )?(training|preprocessing|pipeline|scripts?|setup|config|data|run)/) ||
      // Tiny random-weight checkpoints exist to debug other libraries' code paths, not to do SE work.
      has(o.near, /\b(tiny|small|dummy) (random|randomly initiali[sz]ed)\b|\brandom weights\b|\b(intended|meant|only) for (testing and )?debugging\b|\bfor debugging purposes\b/),
  },
  {
    name: "evaluation-not-software-testing",
    tasks: ["unit testing", "system testing", "acceptance testing", "regression testing", "integration testing", "test automation"],
    fires: (o, c) => c.codeSignals.length === 0 && has(o.window, /\btest (set|split|data|accuracy|loss)\b/) && !has(o.window, /\b(code|software|program|function|unit test)/),
  },
];

/** Tasks whose words often mean something else: they need supporting evidence. */
const AMBIGUOUS_TASKS = new Set([
  "system requirement", "software requirement", "use case generation", "requirements specification", "specification generation",
  "coreference detection", "traceability automation",
  "rapid prototyping", "system design", "architectural design", "software design", "design review", "design rationale", "user interface design",
  "api inference", "data analysis", "instruction generation", "coding", "exception handling", "performance tuning", "code representation", "type inference",
  "software integration", "code understanding",
  "verification", "formal verification", "cybersecurity", "static analysis", "test prediction", "unit testing", "system testing",
  "acceptance testing", "regression testing", "integration testing", "security testing", "threat modeling", "test automation",
  "sentiment analysis", "code revision", "logging", "debugging", "tag recommendation", "reverse engineering", "impact analysis",
  "software migration", "reengineering", "log analysis", "program comprehension", "outage understanding",
]);

const CODE_TAGS = new Set(["code", "code-generation", "coding", "programming", "text-to-sql", "sql", "python", "java", "javascript", "typescript", "c++", "cpp", "rust", "go", "php", "ruby", "code-llm", "codegen", "starcoder", "code-llama", "codellama", "text2sql", "program-synthesis", "code-review", "software-engineering", "bug-fixing", "program-repair", "vulnerability-detection"]);
const CODE_DATASETS = /\b(bigcode\/|the-stack|codeparrot\/|code_search_net|codesearchnet|code_x_glue|codexglue|openai_humaneval|humaneval|mbpp|apps\b|conala|spider|wikisql|defects4j|devign|bigvul|megavul|swe-bench|commitpack|evol-codealpaca|code_alpaca|codealpaca|magicoder|glaive-code|uigen|leetcode|github-code)/;
const CODE_BENCHMARKS = /\b(humaneval\+?|mbpp\+?|multipl-e|ds-1000|cruxeval|livecodebench|swe-bench|codexglue|apps|bigcodebench|evalplus|defects4j|spider)\b/;
const PROGRAMMING_LANGUAGES = /(?<![a-z0-9])(python|java|javascript|typescript|c\+\+|c#|rust|golang|kotlin|php|ruby|scala|solidity|verilog|bash|sql)(?![a-z0-9+#])/;
const SOFTWARE_WORDS = /\b(source code|code\b|programs?\b|programming|software|developers?\b|repos\b|repositor|functions?\b|bugs?\b|patch(es)?\b|commits?\b|code review|pull requests?|issue (tracker|comments?)|stack ?overflow|github|jira|app reviews?|compilers?|unit tests?|api calls?|ide\b)/;
const IMAGE_PIPELINES = new Set(["text-to-image", "image-to-image", "unconditional-image-generation", "text-to-video", "image-to-video"]);
// Not "lora": LoRA adapters are as common for code models as for image models.
const IMAGE_TAGS = /^(diffusers|stable-diffusion|stable-diffusion-xl|sdxl|text-to-image|comfyui|controlnet|image-generation)$/;

/** Words of software or a programming language in a piece of text. */
function softwareContext(text: string): boolean {
  return SOFTWARE_WORDS.test(text) || PROGRAMMING_LANGUAGES.test(text);
}

export interface OfflineDecision {
  relevant: boolean;
  /** Rule names that fired, with the task they fired on: `neg:<rule>(<task>)`, `pos:<rule>`. */
  fired: string[];
  rationale: string;
}

/**
 * The rule set's identity in the verdicts' promptHash column. Built from data only (not from function
 * source text, which differs between compilers), so it is the same under tsc and vitest; bump
 * OFFLINE_JUDGE_LABEL's version when a rule's logic changes.
 */
export const OFFLINE_RULES_HASH = sha256Hex(
  JSON.stringify([
    OFFLINE_JUDGE_LABEL,
    TRAPS.map((t) => [t.name, t.tasks]),
    [...AMBIGUOUS_TASKS],
    [...CODE_TAGS],
    [CODE_DATASETS, CODE_BENCHMARKS, PROGRAMMING_LANGUAGES, SOFTWARE_WORDS, IMAGE_TAGS].map((r) => r.source),
    [...IMAGE_PIPELINES],
  ]),
).slice(0, 16);

export function decideOffline(candidate: Candidate): OfflineDecision {
  const card = contextOf(candidate.record);
  const fired: string[] = [];
  for (const signal of card.codeSignals) fired.push(`pos:${signal}`);

  const byTask = new Map<string, TaskEvidence[]>();
  for (const e of candidate.evidence) (byTask.get(e.task.toLowerCase()) ?? byTask.set(e.task.toLowerCase(), []).get(e.task.toLowerCase())!).push(e);

  const supported: string[] = [];
  for (const [task, occurrences] of byTask) {
    const traps = TRAPS.filter((t) => t.tasks.includes(task));
    const trapped = new Set<string>();
    let survivors = 0;
    let nearSoftware = false;
    let inMetadata = false;
    for (const evidence of occurrences) {
      const occurrence = occurrenceOf(evidence, card);
      const caught = traps.filter((t) => t.fires(occurrence, card));
      for (const t of caught) trapped.add(t.name);
      if (caught.length > 0) continue;
      survivors++;
      if (evidence.source === "metadata" || /^(tags?|pipeline_tag|pipelineTag)$/.test(evidence.field)) inMetadata = true;
      if (softwareContext(occurrence.near)) nearSoftware = true;
    }
    if (survivors === 0) {
      for (const name of [...trapped].sort()) fired.push(`neg:${name}(${task})`);
      continue;
    }
    if (inMetadata) {
      fired.push(`pos:task-in-metadata(${task})`);
      supported.push(task);
    } else if (!AMBIGUOUS_TASKS.has(task)) {
      fired.push(`pos:specific-se-task(${task})`);
      supported.push(task);
    } else if (card.codeSignals.length > 0 || nearSoftware) {
      fired.push(`pos:ambiguous-task-with-software-context(${task})`);
      supported.push(task);
    } else {
      fired.push(`neg:ambiguous-task-without-software-context(${task})`);
    }
  }
  const relevant = supported.length > 0;
  const rationale = `${OFFLINE_JUDGE_LABEL}: ${relevant ? "relevant" : "not relevant"} (${fired.length > 0 ? fired.join(", ") : "no rule fired"})`;
  return { relevant, fired, rationale };
}

export class OfflineRulesJudge implements RelevanceJudge {
  readonly label = OFFLINE_JUDGE_LABEL;

  promptHash(_activity: ActivityCode): string {
    return OFFLINE_RULES_HASH;
  }

  async judge(candidate: Candidate): Promise<Judgement> {
    const decision = decideOffline(candidate);
    return {
      verdict: {
        id: candidate.record.id,
        activity: candidate.activity,
        relevant: decision.relevant,
        rationale: decision.rationale,
        judge: this.label,
        promptHash: OFFLINE_RULES_HASH,
        error: null,
      },
      usage: NO_USAGE,
    };
  }
}

function contextOf(record: ModelRecord): CardContext {
  const tags = new Set([...record.tags, ...(record.cardMeta?.tags ?? [])].map((t) => t.toLowerCase()));
  const pipelineTag = (record.pipelineTag ?? record.cardMeta?.pipelineTag ?? "").toLowerCase();
  const bodyLower = (record.cardBody ?? "").toLowerCase();
  const imageGeneration = IMAGE_PIPELINES.has(pipelineTag) || [...tags].some((t) => IMAGE_TAGS.test(t)) || (record.libraryName ?? "").toLowerCase() === "diffusers";

  const signals: string[] = [];
  const codeTags = [...tags].filter((t) => CODE_TAGS.has(t)).sort();
  if (codeTags.length > 0) signals.push(`code-tags(${codeTags.join("|")})`);
  const datasets = [...(record.cardMeta?.datasets ?? []), ...[...tags].filter((t) => t.startsWith("dataset:")).map((t) => t.slice(8))].map((d) => d.toLowerCase());
  const codeData = [...new Set(datasets.filter((d) => CODE_DATASETS.test(d)))].sort();
  if (codeData.length > 0) signals.push(`code-datasets(${codeData.join("|")})`);
  const proseLower = bodyLower.replace(/```[\s\S]*?```/g, (block) => " ".repeat(block.length));
  const benchmarkText = [proseLower, ...(record.cardMeta?.modelIndex ?? []).map((r) => `${r.datasetName ?? ""} ${r.datasetType ?? ""}`.toLowerCase())].join(" ");
  const benchmark = CODE_BENCHMARKS.exec(benchmarkText);
  if (benchmark) signals.push(`code-benchmark(${benchmark[1]})`);
  const languages = (record.cardMeta?.language ?? []).map((l) => l.toLowerCase());
  if (languages.includes("code")) signals.push("language-code");
  // Programming languages in prose only: nearly every card has a Python usage snippet.
  const prose = proseLower.replace(/`[^`\n]*`/g, " ");
  const named = prose.match(new RegExp(PROGRAMMING_LANGUAGES.source, "g"));
  if (named && new Set(named).size >= 2) signals.push(`programming-languages(${[...new Set(named)].sort().slice(0, 4).join("|")})`);
  return { record, tags, pipelineTag, bodyLower, proseLower, imageGeneration, codeSignals: signals };
}

function occurrenceOf(evidence: TaskEvidence, card: CardContext): Occurrence {
  let window = `${evidence.before}${evidence.raw}${evidence.after}`.toLowerCase().replace(/\s+/g, " ");
  let heading = "";
  let wide = window;
  let near = window;
  const raw = evidence.raw.toLowerCase();
  // Card matches (and evidence of unknown origin) are located in the body to read their section and surroundings.
  if (raw && evidence.source !== "metadata" && evidence.source !== "abstract") {
    const probe = `${evidence.before}${evidence.raw}`.toLowerCase();
    let at = probe.trim() ? card.bodyLower.indexOf(probe.trim()) : -1;
    if (at >= 0) at += probe.trim().length - raw.length;
    else at = card.bodyLower.indexOf(raw);
    if (at >= 0) {
      wide = card.bodyLower.slice(Math.max(0, at - 600), at + raw.length + 300);
      // Usage snippets mention "pipeline" and "function" in every card: read the prose only.
      near = card.proseLower.slice(Math.max(0, at - 150), at + raw.length + 150);
      // Evidence without context (e.g. only a task name from the unique table): read it from the body.
      if (evidence.before === "" && evidence.after === "") window = card.bodyLower.slice(Math.max(0, at - 40), at + raw.length + 40).replace(/\s+/g, " ");
      // The section heading, counting the match's own line when the match is a heading; read from the
      // prose so a `# comment` inside a code block is not taken for one.
      const lineEnd = card.proseLower.indexOf("\n", at);
      const headings = [...card.proseLower.slice(0, lineEnd < 0 ? card.proseLower.length : lineEnd).matchAll(/^#{1,6}\s+(.+)$/gm)];
      heading = headings.length > 0 ? headings[headings.length - 1]![1]!.trim() : "";
    }
  }
  if (evidence.source === "abstract" && raw) {
    for (const paper of card.record.papers) {
      const text = (paper.abstract ?? "").toLowerCase();
      const at = text.indexOf(raw);
      if (at < 0) continue;
      near = text.slice(Math.max(0, at - 150), at + raw.length + 150);
      wide = text;
      break;
    }
  }
  return { evidence, window, heading, wide, near };
}
