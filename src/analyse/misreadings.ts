/**
 * RQ1.2 in full: which contextual misreadings the relevance check caught in this run, per activity.
 * A task phrase can match a card while meaning something else there: "system requirements" listing the
 * GPU a model needs, "use case" in a risk section, the "architectural design" of a building or of the
 * network itself, speaker or fact "verification", "sentiment analysis" of movie reviews, and so on.
 * The judges' reasons say which, and this module counts them.
 *
 * Each rejected (model, activity) pair is put under one kind, read from its judge's reasons:
 * - the offline rules v2 name the trap rule that fired (`neg:<rule>(<task>)`): exact;
 * - the offline rules v3 record machine-readable reason codes; the kind is read from the codes and the
 *   context of the phrase they set aside (its words and section): exact for the code, approximate for
 *   the finer kind;
 * - an LLM judge gives a free-text rationale, read through the keyword map below (`keywords`):
 *   approximate, and said so wherever the counts are shown.
 * A pair is counted once, under the first reason its judge gave. Pairs judged uncertain are not
 * rejections and are not counted. The map is data in this file: change it, rerun the report.
 */
import type { ActivityCode } from "../taxonomy/taxonomy";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { compareCodeUnits } from "../util/text";
import { CONTEXT_CHARS } from "../search/match";
import type { AnalysisTable } from "./table";

/** One kind of contextual misreading. `activity` null: it can happen under any activity. */
export interface MisreadingKind {
  id: string;
  activity: ActivityCode | null;
  /** Short name, used in tables. */
  label: string;
  /** What the phrase meant instead, in a sentence. */
  description: string;
  /** Task names (lowercase) it concerns; null: any task. */
  tasks: readonly string[] | null;
  /** Trap rules of the offline judge v2 that mean it. */
  offlineRules: readonly string[];
  /** Reason codes of the offline judge v3 that can mean it (the context then decides among kinds). */
  reasonCodes: readonly string[];
  /** Words around the matched phrase (and its section) that show this meaning; null: none needed. */
  context: RegExp | null;
  /** Words in an LLM judge's rationale that name this misreading (the keyword map; approximate). */
  keywords: RegExp | null;
}

const AMBIGUITY_CODES = ["ignored:ambiguous-task-without-software-context", "ambiguous-task", "no-software-evidence"];
const PLACE_CODES = ["ignored:section-not-about-the-model"];

export const MISREADING_KINDS: readonly MisreadingKind[] = [
  {
    id: "re.prerequisites",
    activity: "RE",
    label: "requirements meaning what running the model needs",
    description:
      '"system/software requirements" list hardware, memory, Python or library versions needed to run the model, not requirements of software being built',
    tasks: ["system requirement", "software requirement", "requirements specification"],
    offlineRules: ["re-runtime-prerequisites"],
    reasonCodes: [...PLACE_CODES, ...AMBIGUITY_CODES],
    context: /\b(gpu|vram|ram|memory|disk|cpu|cuda|hardware|install\w*|pip|python|dependenc\w*|torch|transformers|accelerate|sentencepiece|\d+\s?gb)\b/i,
    keywords: /prerequisite|hardware|\bgpu\b|vram|memory|install|dependenc|to run the model|running the model|library version|python version/i,
  },
  {
    id: "re.risk-use-case",
    activity: "RE",
    label: '"use case" in a section on risks, limitations or intended uses',
    description: '"use case" names what the model may or may not be used for (often risk and mitigation boilerplate), not use cases written for software',
    tasks: ["use case generation", "use case"],
    offlineRules: ["re-gemma-risks-section"],
    reasonCodes: [...PLACE_CODES, ...AMBIGUITY_CODES],
    context: /risk|limitation|misuse|mitigation|ethic|prohibited|harm|intended use/i,
    keywords: /risk|limitation|mitigation|misuse|ethic|prohibited|intended use/i,
  },
  {
    id: "sd.buildings",
    activity: "SD",
    label: "architecture of buildings, interiors or landscapes",
    description: '"architectural design" is about buildings, rooms or landscapes, usually in image-generation cards',
    tasks: [
      "architectural design",
      "software architecture",
      "architectural style",
      "architectural pattern",
      "reference architecture",
      "system design",
      "software design",
      "detailed design",
    ],
    offlineRules: ["sd-architecture-not-software"],
    reasonCodes: ["non-software-modality", ...AMBIGUITY_CODES],
    context:
      /\b(interiors?|buildings?|houses?|homes?|villas?|facades?|floor ?plans?|landscapes?|museums?|bridges?|rooms?|urban|real estate|exteriors?|skyscrapers?)\b/i,
    keywords: /building|interior|house|real estate|landscape|floor plan|facade|civil|architectural (photo|render|visuali)/i,
  },
  {
    id: "sd.network-design",
    activity: "SD",
    label: "design of the neural network itself",
    description: '"architectural design" describes the model\'s own layers, attention blocks or parameters, not the design of software',
    tasks: ["architectural design", "software architecture", "system design", "software design", "detailed design"],
    offlineRules: ["sd-architecture-not-software"],
    reasonCodes: [...PLACE_CODES, ...AMBIGUITY_CODES],
    context: /\b(network|layers?|encoder|decoder|attention|transformer|residual|backbone|parameters|mixture[- ]of[- ]experts|feed-forward|embeddings?)\b/i,
    keywords: /neural|network architecture|model('s)? (own )?architecture|layers|attention|transformer architecture/i,
  },
  {
    id: "sd.prototyping",
    activity: "SD",
    label: '"rapid prototyping" of demos',
    description: '"rapid prototyping" says the model is handy for trying ideas quickly, not that it designs software',
    tasks: ["rapid prototyping"],
    offlineRules: ["sd-rapid-prototyping"],
    reasonCodes: [...PLACE_CODES, ...AMBIGUITY_CODES],
    context: /prototyp/i,
    keywords: /prototyp|demos?\b|quickly try/i,
  },
  {
    id: "sd.designed-to",
    activity: "SD",
    label: '"a system designed to ..." describing the model',
    description: '"system design" or "software design" came from a phrase like "software designed to ..." about the model\'s purpose',
    tasks: ["system design", "software design"],
    offlineRules: ["sd-designed-to-phrase"],
    reasonCodes: AMBIGUITY_CODES,
    context: /\bdesigned\b/i,
    keywords: /designed to|designed for/i,
  },
  {
    id: "si.hosted-inference",
    activity: "SI",
    label: "an inference API that runs the model",
    description: '"API inference" means calling a hosted endpoint to run the model, not building or using APIs in software',
    tasks: ["api inference"],
    offlineRules: ["si-image-or-generic-ml-card"],
    reasonCodes: ["non-software-modality", ...PLACE_CODES, ...AMBIGUITY_CODES],
    context: /inference api|api inference|hosted|endpoint|widget|serverless/i,
    keywords: /inference api|hosted|endpoint|serverless|call(ing)? the model|run the model/i,
  },
  {
    id: "si.data-analysis",
    activity: "SI",
    label: "analysis of data in general or of the training data",
    description: '"data analysis" is an analysis of the model\'s own training data or of data in general, not programming',
    tasks: ["data analysis"],
    offlineRules: ["si-image-or-generic-ml-card"],
    reasonCodes: ["non-software-modality", ...PLACE_CODES, ...AMBIGUITY_CODES],
    context: /captions?|training (data|set|pictures|images)|dataset|images|pictures|prompts/i,
    keywords: /training data|dataset|captions?|images|data in general|general data/i,
  },
  {
    id: "si.coding-encoding",
    activity: "SI",
    label: '"coding" as encoding',
    description: '"coding" means one-hot, speech, colour or medical coding, not programming',
    tasks: ["coding"],
    offlineRules: ["si-coding-not-programming"],
    reasonCodes: AMBIGUITY_CODES,
    context: /one-hot|speech coding|colou?r coding|audio|video|medical coding|encod/i,
    keywords: /encod|one-hot|speech coding|colou?r coding|medical coding/i,
  },
  {
    id: "qa.identity-verification",
    activity: "QA",
    label: "verification of speakers, faces or identities",
    description: '"verification" is speaker, face, signature or identity verification, not verification of software',
    tasks: ["verification", "formal verification"],
    offlineRules: ["qa-non-software-verification"],
    reasonCodes: ["non-software-modality", ...AMBIGUITY_CODES],
    context: /\b(speaker|voice|face|facial|identity|biometric|signature|kyc|person)\b/i,
    keywords: /speaker|voice|face|facial|biometric|identity|signature/i,
  },
  {
    id: "qa.fact-verification",
    activity: "QA",
    label: "verification of facts, claims or the model's own answers",
    description: '"verification" is fact-checking of claims, or a model re-checking its own reasoning, not verification of software',
    tasks: ["verification", "formal verification"],
    offlineRules: ["qa-non-software-verification"],
    reasonCodes: AMBIGUITY_CODES,
    context: /\b(fact|facts|claims?|fever|answers?|reasoning|chain-of-thought|solutions?|math)\b|self-?verif/i,
    keywords: /fact|claim|self-verif|own answer|reasoning|chain-of-thought|misinformation/i,
  },
  {
    id: "qa.red-teaming",
    activity: "QA",
    label: "security as red-teaming or safety evaluation of the model",
    description: '"cybersecurity" or "security testing" describes probing the model for harmful output, not testing software for weaknesses',
    tasks: ["cybersecurity", "security testing", "penetration testing", "threat modeling"],
    offlineRules: ["qa-red-teaming"],
    reasonCodes: [...PLACE_CODES, ...AMBIGUITY_CODES],
    context: /red[- ]?team|harmful|misuse|jailbreak|refus|malware|chemical|biological|safety/i,
    keywords: /red[- ]?team|safety|harmful|jailbreak|misuse|refus/i,
  },
  {
    id: "qa.test-split",
    activity: "QA",
    label: "testing as evaluating the model on a test split",
    description: '"testing" is the evaluation of the model on held-out data, not testing software',
    tasks: ["unit testing", "system testing", "acceptance testing", "regression testing", "integration testing", "test automation"],
    offlineRules: ["evaluation-not-software-testing"],
    reasonCodes: AMBIGUITY_CODES,
    context: /test (set|split|data|accuracy|loss)/i,
    keywords: /test (set|split)|held-out|evaluat(ing|ion) (of )?the model/i,
  },
  {
    id: "sm.revision-hash",
    activity: "SM",
    label: "a revision that pins files (a hash or version)",
    description: '"code revision" is a commit hash or dataset version pinned for reproducibility, not revising code',
    tasks: ["code revision"],
    offlineRules: ["sm-revision-is-a-hash"],
    reasonCodes: [...PLACE_CODES, ...AMBIGUITY_CODES],
    context: /\b[0-9a-f]{7,40}\b|hash|\bsha\b|commit|revision\s*[=:]|\bpin/i,
    keywords: /hash|commit|\bpin|version|revision=|snapshot/i,
  },
  {
    id: "sm.sentiment-general",
    activity: "SM",
    label: "sentiment of general text (reviews, tweets, news)",
    description: '"sentiment analysis" of product or movie reviews, tweets or news, not of software engineering text',
    tasks: ["sentiment analysis"],
    offlineRules: ["sm-sentiment-of-general-text"],
    reasonCodes: AMBIGUITY_CODES,
    context: /reviews?|tweets?|social media|news|customer|feedback|movie|product|film/i,
    keywords: /review|tweet|social media|news|customer|general text|movie|product/i,
  },
  {
    id: "sm.training-logs",
    activity: "SM",
    label: "logs and debugging of the model's own training",
    description: '"logging" or "debugging" is about training runs, scripts or metrics (or "log in", a "log scale"), not maintaining software',
    tasks: ["logging", "debugging", "log analysis"],
    offlineRules: ["sm-training-log-or-debug"],
    reasonCodes: [...PLACE_CODES, ...AMBIGUITY_CODES],
    context: /training|\btrain\b|log[ -]?in\b|log (scale|grid|space)|logarithm|verbose|\bnan\b|preprocessing|script|wandb|tensorboard/i,
    keywords: /training (log|run|script|setup)|log in|log scale|logarithm|experiment tracking|debugging (the )?(model|training)/i,
  },
  {
    id: "any.no-software-context",
    activity: null,
    label: "a word with a common non-software meaning, nothing about software around it",
    description: "the task's words have an everyday or other-domain meaning, and nothing near them speaks of software",
    tasks: null,
    offlineRules: ["ambiguous-task-without-software-context"],
    reasonCodes: AMBIGUITY_CODES,
    context: null,
    keywords:
      /no (mention|indication|evidence|sign) of (software|code|programming)|not (related to|about) software|nothing (about|to do with) software|unrelated to software|general[- ]purpose/i,
  },
  {
    id: "any.not-about-the-model",
    activity: null,
    label: "the phrase stands where the card does not describe the model",
    description: "the match comes from boilerplate, a template, a citation, a code block, a licence or another part of the card not about what the model does",
    tasks: null,
    offlineRules: [],
    reasonCodes: ["ignored:"],
    context: null,
    keywords: /boilerplate|template|code snippet|citation|reference list|licen[cs]e text/i,
  },
  {
    id: "any.non-software-modality",
    activity: null,
    label: "a model of images, audio, video or tables",
    description: "the model works on another modality, so the software meaning of the task does not apply",
    tasks: null,
    offlineRules: [],
    reasonCodes: ["non-software-modality"],
    context: null,
    keywords: /image generation|text-to-image|diffusion model|image model|audio model|speech model|video model/i,
  },
  {
    id: "any.negated",
    activity: null,
    label: "the card says the model is not for it",
    description: 'the task is named in a negated sentence ("not intended for ...")',
    tasks: null,
    offlineRules: [],
    reasonCodes: ["ignored:negated"],
    context: null,
    keywords: /not (intended|designed|meant) for/i,
  },
];

/** Pairs whose judge gave no reason this module can read under a kind. */
export const OTHER_KIND: MisreadingKind = {
  id: "other",
  activity: null,
  label: "another reason (see the judge's rationale)",
  description: "the judge's reason names none of the kinds above (for example: no evidence for the activity at all)",
  tasks: null,
  offlineRules: [],
  reasonCodes: [],
  context: null,
  keywords: null,
};

/** A verdict as this module reads it: the v3 judge adds `outcome` and `reasons`; older verdicts have neither. */
export interface JudgedPair {
  id: string;
  activity: string;
  relevant: boolean | null;
  rationale: string;
  judge: string;
  outcome?: string | null;
  reasons?: readonly string[] | null;
}

/** One occurrence of a task of the pair's activity, with the words around it (and its card section when recorded). */
export interface PairOccurrence {
  task: string;
  raw: string;
  before: string;
  after: string;
  section?: string;
  /** Offsets of the phrase in the card body (card occurrences only). */
  at?: readonly [number, number];
  /** A few sentences of the card around the phrase, when the card was read: the kind's context is looked for there. */
  wide?: string;
}

export type ReadFrom = "offline rule" | "reason codes and context" | "keyword map (approximate)" | "none";

export interface Classified {
  kind: MisreadingKind;
  readFrom: ReadFrom;
  /** The occurrence the kind was read from, or the pair's first. */
  occurrence: PairOccurrence | null;
}

const keyOf = (id: string, activity: string) => `${id}\u0000${activity}`;
const contextOf = (o: PairOccurrence) => `${o.section ?? ""} ${o.wide ?? `${o.before}${o.raw}${o.after}`}`.replace(/\s+/g, " ");
const kindsFor = (activity: string) => MISREADING_KINDS.filter((k) => k.activity === activity);
const GENERIC = MISREADING_KINDS.filter((k) => k.activity === null);

/** True when the pair's verdict rejects it (uncertain and errors are not rejections). */
export function isRejection(v: JudgedPair): boolean {
  if (v.outcome !== undefined && v.outcome !== null) return v.outcome === "not-relevant";
  return v.relevant === false;
}

/** The kind whose task and context fit one of the occurrences, among `kinds`. */
function byContext(kinds: readonly MisreadingKind[], occurrences: readonly PairOccurrence[]): { kind: MisreadingKind; occurrence: PairOccurrence } | null {
  for (const kind of kinds) {
    for (const o of occurrences) {
      if (kind.tasks && !kind.tasks.includes(o.task.toLowerCase())) continue;
      if (kind.context && kind.context.test(contextOf(o))) return { kind, occurrence: o };
    }
  }
  return null;
}

/** Put one rejected pair under a kind, from its judge's reasons (see the module comment). */
export function classifyRejection(v: JudgedPair, occurrences: readonly PairOccurrence[]): Classified {
  const first = occurrences[0] ?? null;
  const specific = kindsFor(v.activity);
  // Offline rules v2: the trap rules that fired, `neg:<rule>(<task>)`, in the order the judge gave them.
  const fired = [...v.rationale.matchAll(/neg:([\w-]+)\(([^)]*)\)/g)].map((m) => ({ rule: m[1]!, task: m[2]!.toLowerCase() }));
  if (fired.length > 0) {
    const { rule, task } = fired[0]!;
    const candidates = [...specific, ...GENERIC].filter((k) => k.offlineRules.includes(rule));
    const own = occurrences.filter((o) => o.task.toLowerCase() === task);
    const fitting = byContext(candidates, own.length > 0 ? own : occurrences);
    if (fitting) return { kind: fitting.kind, readFrom: "offline rule", occurrence: fitting.occurrence };
    const kind = candidates.find((k) => !k.tasks || k.tasks.includes(task)) ?? candidates[0];
    if (kind) return { kind, readFrom: "offline rule", occurrence: own[0] ?? first };
    return { kind: OTHER_KIND, readFrom: "offline rule", occurrence: own[0] ?? first };
  }
  // Offline rules v3 (and any judge that records reason codes): the codes, refined by the phrase's context.
  const codes = v.reasons ?? [];
  if (codes.length > 0) {
    const coded = (k: MisreadingKind) => k.reasonCodes.some((rc) => codes.some((c) => (rc.endsWith(":") ? c.startsWith(rc) : c === rc)));
    const fitting = byContext(specific.filter(coded), occurrences);
    if (fitting) return { kind: fitting.kind, readFrom: "reason codes and context", occurrence: fitting.occurrence };
    // The generic kinds in the order a reader would name them: negated, modality, place, ambiguity.
    const order = ["any.negated", "any.non-software-modality", "any.not-about-the-model", "any.no-software-context"];
    const kind = order.map((id) => GENERIC.find((k) => k.id === id)!).find(coded);
    return { kind: kind ?? OTHER_KIND, readFrom: "reason codes and context", occurrence: first };
  }
  // An LLM's rationale: the keyword map. A specific kind also needs one of its tasks among the pair's.
  const text = v.rationale;
  const tasks = new Set(occurrences.map((o) => o.task.toLowerCase()));
  const keyed =
    specific.find((k) => k.keywords?.test(text) && (!k.tasks || tasks.size === 0 || k.tasks.some((t) => tasks.has(t)))) ??
    GENERIC.find((k) => k.keywords?.test(text));
  if (keyed) {
    const own = occurrences.find((o) => !keyed.tasks || keyed.tasks.includes(o.task.toLowerCase()));
    return { kind: keyed, readFrom: "keyword map (approximate)", occurrence: own ?? first };
  }
  return { kind: OTHER_KIND, readFrom: "none", occurrence: first };
}

const MISREADINGS = defineTable({
  activity: col.string<ActivityCode>(),
  misreading: col.string(),
  kind: col.string(),
  /** Rejected pairs of the activity under this kind. */
  pairs: col.int(),
  /** pairs / all rejected pairs of the activity. */
  share: col.float(),
  /** How the kind was read from the judges' reasons (offline rule, reason codes and context, keyword map). */
  readFrom: col.string(),
  exampleModel: col.string(),
  /** The matched phrase in brackets, with the words around it. */
  examplePhrase: col.string(),
  /** Why the judge rejected it (its rationale, shortened). */
  exampleReason: col.string(),
});
export type MisreadingRow = RowOf<typeof MISREADINGS>;

export interface MisreadingAnalysis {
  table: AnalysisTable<MisreadingRow>;
  /** Rejected pairs per activity (the denominators of `share`). */
  rejected: Record<ActivityCode, number>;
  /** Whether any count came from the keyword map (approximate). */
  approximate: boolean;
}

/** The phrase in context, `...before [raw] after...`, on one line and bounded. */
export function phraseInContext(o: PairOccurrence | null, chars = 70): string {
  if (!o) return "";
  const flat = (s: string) => s.replace(/\s+/g, " ");
  const fullBefore = flat(o.before);
  const fullAfter = flat(o.after);
  let before = fullBefore.slice(-chars);
  let after = fullAfter.slice(0, chars);
  // Start and end on whole words: a context cut here, or by the search (it keeps CONTEXT_CHARS either side), may split one.
  const cutBefore = before.length < fullBefore.length || o.before.length >= CONTEXT_CHARS;
  const cutAfter = after.length < fullAfter.length || o.after.length >= CONTEXT_CHARS;
  const splitsWordBefore = before.length < fullBefore.length ? /\S/.test(fullBefore[fullBefore.length - before.length - 1]!) : cutBefore;
  const splitsWordAfter = after.length < fullAfter.length ? /\S/.test(fullAfter[after.length]!) : cutAfter;
  if (splitsWordBefore && /^\S/.test(before) && before.includes(" ")) before = before.slice(before.indexOf(" ") + 1);
  if (splitsWordAfter && /\S$/.test(after) && after.includes(" ")) after = after.slice(0, after.lastIndexOf(" "));
  return `${cutBefore ? "..." : ""}${before}[${flat(o.raw)}]${after}${cutAfter ? "..." : ""}`.trim();
}

function shorten(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 3)}...`;
}

/**
 * The misreadings of a run: each rejected pair under one kind, counted per activity, with one example
 * each (the first pair by model id). `occurrences` holds the kept task occurrences per pair
 * (`id` + NUL + `activity`).
 */
export function misreadingAnalysis(
  verdicts: readonly JudgedPair[],
  occurrences: ReadonlyMap<string, readonly PairOccurrence[]>,
  options: { synthetic: boolean },
): MisreadingAnalysis {
  const rejected = Object.fromEntries(ACTIVITY_CODES.map((a) => [a, 0])) as Record<ActivityCode, number>;
  const groups = new Map<string, { activity: ActivityCode; kind: MisreadingKind; readFrom: Set<ReadFrom>; pairs: Array<{ v: JudgedPair; c: Classified }> }>();
  let approximate = false;
  for (const v of verdicts) {
    const activity = ACTIVITY_CODES.find((a) => a === v.activity);
    if (!activity || !isRejection(v)) continue;
    rejected[activity]++;
    const c = classifyRejection(v, occurrences.get(keyOf(v.id, v.activity)) ?? []);
    if (c.readFrom === "keyword map (approximate)") approximate = true;
    const key = `${activity}\u0000${c.kind.id}`;
    const group = groups.get(key) ?? { activity, kind: c.kind, readFrom: new Set<ReadFrom>(), pairs: [] };
    group.readFrom.add(c.readFrom);
    group.pairs.push({ v, c });
    groups.set(key, group);
  }
  const order = new Map(MISREADING_KINDS.map((k, i) => [k.id, i]));
  const rows: MisreadingRow[] = [...groups.values()]
    .sort(
      (a, b) =>
        ACTIVITY_CODES.indexOf(a.activity) - ACTIVITY_CODES.indexOf(b.activity) ||
        Number(a.kind === OTHER_KIND) - Number(b.kind === OTHER_KIND) ||
        b.pairs.length - a.pairs.length ||
        (order.get(a.kind.id) ?? 999) - (order.get(b.kind.id) ?? 999),
    )
    .map((g) => {
      const example = g.pairs.slice().sort((x, y) => compareCodeUnits(x.v.id, y.v.id))[0]!;
      return {
        activity: g.activity,
        misreading: g.kind.label,
        kind: g.kind.id,
        pairs: g.pairs.length,
        share: g.pairs.length / rejected[g.activity],
        readFrom: [...g.readFrom].sort().join("; "),
        exampleModel: example.v.id,
        examplePhrase: phraseInContext(example.c.occurrence),
        exampleReason: shorten(example.v.rationale),
      };
    });
  const totals = ACTIVITY_CODES.filter((a) => rejected[a] > 0).map((a) => `${a} ${rejected[a]}`);
  const notes = [
    `Rejected (model, activity) pairs per activity: ${totals.join(", ") || "none"}. Each is counted once, under the first reason its judge gave; uncertain pairs and judge errors are not rejections.`,
    "readFrom says how the kind was read: the offline rules' trap names (exact), reason codes with the phrase's context (the code is exact, the finer kind is read from the words around the phrase), or the keyword map over an LLM's rationale (approximate; the map is MISREADING_KINDS in src/analyse/misreadings.ts).",
    "The paper describes these misreadings per activity in prose and gives no counts, so this table has no paper column.",
  ];
  if (approximate)
    notes.push(
      'Some counts come from the keyword map over free-text rationales: they are approximate, and a rationale that names no known misreading falls under "another reason".',
    );
  if (options.synthetic)
    notes.push(
      "On the synthetic demo corpus these misreadings were planted by the generator: the counts show the judge finding them, not how often they occur on the Hub.",
    );
  return {
    table: {
      name: "rq1-2-misreadings",
      title: "RQ1.2: contextual misreadings the relevance check rejected, per activity, with an example each",
      rows,
      spec: MISREADINGS,
      notes,
    },
    rejected,
    approximate,
  };
}
