/**
 * One synthetic model from (seed, index, plan): its Hub record and its ground-truth row.
 *
 * Pure and deterministic: the random stream of model i depends only on the seed, the profile and
 * i, so a near-copy can regenerate its original instead of keeping it in memory.
 */
import { parseCard } from "../corpus/card";
import type { ArxivPaper, ModelRecord } from "../corpus/record";
import { authorOf } from "../corpus/record";
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import { SeededRandom, hashString } from "../util/random";
import { fill, MALFORMED_FRONT_MATTER, renderCard, type CardSpec, type FrontMatterSpec } from "./cards";
import type { GroundTruthRow } from "./ground-truth";
import {
  OUTLIER_FAMILIES,
  PLAIN_ABSTRACTS,
  REGEX_KEPT_KIND,
  SE_ABSTRACTS,
  SE_CONTEXT,
  SE_SENTENCES,
  CODE_CARD_TRAP_KINDS,
  IMPLIED_TASKS,
  SE_TASKS,
  TRAP_ABSTRACTS,
  TRAP_FAMILIES,
  surfaceOf,
  type OutlierTrapFamily,
  type Planted,
  type TrapFamily,
} from "./phrases";
import type { HubPlan } from "./plan";
import {
  ACTIVITY_SETS,
  BENCHMARK_SHARE,
  ENERGY_SHARE,
  LEGACY_CREATED_AT,
  PAPER,
  QUARTERS,
  ROLES,
  SIMILARITY_TARGETS,
  SI_QUARTER_WEIGHTS,
  STEADY_QUARTER_WEIGHTS,
  type DemoProfile,
  type Role,
} from "./profiles";
import { aimSimilarity, estimateIdf, type IdfEstimate } from "./similarity";
import {
  AUTHORS,
  BENCHMARKS,
  COPY_NOTES,
  COPY_SUFFIXES,
  FORK_CHANGES,
  DOMAINS,
  LICENSES,
  NAME_STEMS,
  NON_ENGLISH_CARDS,
  PLAIN_LICENSE_WEIGHTS,
  PLAIN_NO_LICENSE_WEIGHT,
  PROGRAMMING_LANGUAGES,
  PROGRAMMING_LANGUAGE_NAMES,
  PROGRAMMING_LANGUAGE_WEIGHTS,
  SE_BASE_MODELS,
  SE_DATASETS,
  SE_DATASET_SHARE,
  SE_LICENSE_WEIGHTS,
  SE_NAME_STEMS,
  SE_NO_LICENSE_WEIGHT,
  SIGNAL_EVIDENCE,
  LINEAGE_RELATIONS,
  REUPLOAD_SUFFIXES,
  SIZES,
  type Domain,
} from "./vocabulary";

export interface GenerationContext {
  seed: number;
  profile: DemoProfile;
  plan: HubPlan;
  /** Document frequencies of the candidate cards, for aiming copy and near-miss edits (estimateCardIdf). */
  idf: CardIdf;
}

/** Two estimates of one idf, each erring on its own safe side (see estimateCardIdf). */
export interface CardIdf {
  copies: IdfEstimate;
  nearMisses: IdfEstimate;
}

/**
 * The idf the funnel's near-identical check will see, estimated before generation: the bodies of every
 * card that will be a candidate (trap and SE cards, and the plain cards of abstract-only models), each
 * counted once for itself, once per near-copy and once per near miss made from it. Near misses and copies
 * are not drafted here (they need this estimate). The edit phrases' words err on each side's safe side:
 * for copies they count as unseen (rarest: a copy can only end up more similar than aimed); for near
 * misses each fork change counts as used by 8% of the near misses (commoner: a near miss can only end
 * up less similar than aimed).
 */
export function estimateCardIdf(seed: number, profile: DemoProfile, plan: HubPlan): CardIdf {
  const none = estimateIdf([]);
  const ctx: GenerationContext = { seed, profile, plan, idf: { copies: none, nearMisses: none } };
  const candidateRoles = new Set<Role>(["trap", "trap-abstract", "se", "se-abstract"]);
  const bodies: Array<readonly [string, number]> = [];
  let nearMisses = 0;
  for (let i = 0; i < plan.models; i++) {
    if (plan.nearMissOf[i]! >= 0) nearMisses++;
    if (!candidateRoles.has(ROLES[plan.roles[i]!]!) || plan.nearMissOf[i]! >= 0) continue;
    bodies.push([draftModel(ctx, i).card?.body ?? "", 1 + plan.copies[i]! + plan.nearMissSource[i]!]);
  }
  const forkEdits = FORK_CHANGES.map((c) => [c, nearMisses * EXPECTED_PIECE_USE] as const);
  return { copies: estimateIdf(bodies), nearMisses: estimateIdf(bodies, forkEdits) };
}

/** Share of the near misses assumed to use each fork change (for the df estimate of its words only). */
const EXPECTED_PIECE_USE = 0.08;

export interface GeneratedModel {
  record: ModelRecord;
  truth: GroundTruthRow;
}

/** Internal description of a model before rendering; copies are derived from their original's. */
interface Draft {
  id: string;
  role: Role;
  createdAt: string;
  card: CardSpec | null;
  hubTags: string[];
  pipelineTag: string | null;
  libraryName: string | null;
  papers: ArxivPaper[];
  planted: Planted[];
  traps: string[];
  isSe: boolean;
  seActivities: ActivityCode[];
  seTasks: string[];
  language: string;
  reportsBenchmarks: boolean;
  reportsEnergy: boolean;
  /** SE evidence that is not a task phrase, as planted ("tag code", "dataset x", "name coder", "base_model:quantized:x"). */
  plantedSignals: string[];
  /** The model of this Hub it was made from (roles se-lineage, lineage-trap). */
  lineageOf: string | null;
}

const SNAPSHOT_MS = Date.parse(`${PAPER.snapshot}T00:00:00.000Z`);
const DAY_MS = 86_400_000;
/** Originals of near-copies are made at least this long before the snapshot, so copies fit after them. */
const ORIGINAL_MARGIN_MS = 60 * DAY_MS;

/** Share of trap / se cards that also link an abstract with an SE task: the paper's 1,031 card-and-abstract matches over the 6,498 unique card matches plus their 7,165 copies (copies inherit the link). */
const ALSO_IN_ABSTRACT = 1031 / (6498 + 7165);
/** Share of true SE cards that also carry a trap for another activity (reconstruction; not in the paper). */
const INCIDENTAL_TRAP_SHARE = 0.2;

export function generateModel(ctx: GenerationContext, index: number): GeneratedModel {
  const draft = draftModel(ctx, index);
  const idOf = (other: number) => (other >= 0 ? draftModel(ctx, other).id : null);
  return finish(draft, index, idOf(ctx.plan.originalOf[index]!), idOf(ctx.plan.nearMissOf[index]!));
}

/** The model has near-copies or near-miss cards made from it, so it must leave room before the snapshot. */
function hasDerivedCards(ctx: GenerationContext, index: number): boolean {
  return ctx.plan.copies[index]! > 0 || ctx.plan.nearMissSource[index] === 1;
}

function rngFor(ctx: GenerationContext, index: number, label = "model"): SeededRandom {
  return new SeededRandom(`${ctx.seed}:${ctx.profile}:${label}:${index}`);
}

function draftModel(ctx: GenerationContext, index: number): Draft {
  const role = ROLES[ctx.plan.roles[index]!]!;
  const random = rngFor(ctx, index);
  switch (role) {
    case "no-card":
      return noCardDraft(ctx, index, random);
    case "empty-card":
      return emptyCardDraft(ctx, index, random);
    case "plain":
      return plainDraft(ctx, index, random, "plain");
    case "outlier-only":
      return outlierDraft(ctx, index, random);
    case "trap":
    case "trap-abstract":
      return ctx.plan.nearMissOf[index]! >= 0 ? nearMissDraft(ctx, index, random, role) : trapDraft(ctx, index, random, role);
    case "se":
    case "se-abstract":
      return ctx.plan.nearMissOf[index]! >= 0 ? nearMissDraft(ctx, index, random, role) : seDraft(ctx, index, random, role);
    case "copy":
      return copyDraft(ctx, index, random);
    case "se-signals":
      return signalsDraft(ctx, index, random);
    case "se-lineage":
    case "lineage-trap":
      return lineageDraft(ctx, index, random, role);
    case "signal-trap":
      return signalTrapDraft(ctx, index, random);
  }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

function modelId(index: number, random: SeededRandom, se: boolean): string {
  const author = random.pick(AUTHORS);
  const stem = random.pick(se ? SE_NAME_STEMS : NAME_STEMS);
  return `${author}/${stem}-${random.pick(SIZES)}-${index}`;
}

function isoAt(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

function quarterStart(q: number): number {
  const label = QUARTERS[q]!;
  const year = Number(label.slice(0, 4));
  const quarter = Number(label.slice(6));
  return Date.UTC(year, (quarter - 1) * 3, 1);
}

/** A creation time drawn by quarter weights; originals of near-copies stay clear of the snapshot. */
function drawCreatedAt(random: SeededRandom, weights: readonly number[], hasCopies: boolean, legacyShare: number): string {
  if (!hasCopies && random.bool(legacyShare)) return LEGACY_CREATED_AT;
  const q = random.weighted(
    QUARTERS.map((_, i) => i),
    weights,
  );
  const start = quarterStart(q);
  const end = Math.min(q + 1 < QUARTERS.length ? quarterStart(q + 1) : SNAPSHOT_MS, SNAPSHOT_MS);
  let ms = start + random.next() * (end - start);
  if (hasCopies && ms > SNAPSHOT_MS - ORIGINAL_MARGIN_MS) ms = SNAPSHOT_MS - ORIGINAL_MARGIN_MS - random.next() * 30 * DAY_MS;
  return isoAt(ms);
}

function pickDomain(random: SeededRandom, among?: readonly string[]): Domain {
  const pool = among ? DOMAINS.filter((d) => among.includes(d.key)) : DOMAINS;
  return random.weighted(
    pool,
    pool.map((d) => d.weight),
  );
}

function pickLicense(random: SeededRandom, se: boolean): string | null {
  const options: (string | null)[] = [...LICENSES, null];
  const weights = se ? [...SE_LICENSE_WEIGHTS, SE_NO_LICENSE_WEIGHT] : [...PLAIN_LICENSE_WEIGHTS, PLAIN_NO_LICENSE_WEIGHT];
  return random.weighted(options, weights);
}

/** A new-style arXiv id unique to the model index (month from 2020-01 on, number = index mod 100000). */
function arxivIdFor(index: number): string {
  const months = 2020 * 12 + Math.floor(index / 100_000);
  const yymm = `${String(Math.floor(months / 12) % 100).padStart(2, "0")}${String((months % 12) + 1).padStart(2, "0")}`;
  return `${yymm}.${String(index % 100_000).padStart(5, "0")}`;
}

function numberSlots(random: SeededRandom): Record<string, string> {
  return {
    n: String(random.int(2, 9)),
    m: String(random.int(10, 98)),
    h: hashString(String(random.next())).toString(16).padStart(8, "0"),
  };
}

/** Numbers plus a base model and a dataset of the domain, for filling its sentence templates. */
function domainSlots(domain: Domain, random: SeededRandom): Record<string, string> {
  return {
    ...numberSlots(random),
    base: random.pick(domain.bases.length > 0 ? domain.bases : ["scratch"]),
    dataset: random.pick(domain.datasets.length > 0 ? domain.datasets : ["custom data"]),
  };
}

function emptyFrontMatter(): FrontMatterSpec {
  return { license: null, language: [], libraryName: null, pipelineTag: null, baseModel: [], datasets: [], tags: [], modelIndex: null, co2: null };
}

function baseDraft(id: string, role: Role, createdAt: string): Draft {
  return {
    id,
    role,
    createdAt,
    card: null,
    hubTags: [],
    pipelineTag: null,
    libraryName: null,
    papers: [],
    planted: [],
    traps: [],
    isSe: false,
    seActivities: [],
    seTasks: [],
    language: "en",
    reportsBenchmarks: false,
    reportsEnergy: false,
    plantedSignals: [],
    lineageOf: null,
  };
}

function hyperparameters(random: SeededRandom): string {
  const lr = random.pick(["1e-05", "2e-05", "3e-05", "5e-05", "0.0001", "0.0002"]);
  return [
    "### Training hyperparameters",
    "",
    `- learning_rate: ${lr}`,
    `- train_batch_size: ${random.pick([4, 8, 16, 32, 64])}`,
    `- eval_batch_size: ${random.pick([8, 16, 32])}`,
    `- seed: ${random.pick([0, 1, 42, 1234])}`,
    `- gradient_accumulation_steps: ${random.pick([1, 2, 4, 8])}`,
    "- optimizer: Adam with betas=(0.9,0.999) and epsilon=1e-08",
    `- lr_scheduler_type: ${random.pick(["linear", "cosine", "constant_with_warmup"])}`,
    `- num_epochs: ${random.int(1, 10)}`,
  ].join("\n");
}

function resultsTable(random: SeededRandom): string {
  const rows = random.int(2, 4);
  const lines = ["| Training Loss | Epoch | Step | Validation Loss |", "|:-------------:|:-----:|:----:|:---------------:|"];
  let loss = 0.9 + random.next();
  const stepsPerEpoch = random.int(40, 400);
  for (let r = 1; r <= rows; r++) {
    loss *= 0.6 + random.next() * 0.3;
    lines.push(`| ${loss.toFixed(4)} | ${r}.0 | ${r * stepsPerEpoch} | ${(loss * 1.1).toFixed(4)} |`);
  }
  return lines.join("\n");
}

function usageSnippet(id: string, pipelineTag: string | null): string {
  const task = pipelineTag ?? "feature-extraction";
  return ["```python", "from transformers import pipeline", "", `pipe = pipeline("${task}", model="${id}")`, "```"].join("\n");
}

/** The body of an ordinary card of `domain`, with optional extra paragraphs (traps) spliced in. */
function plainBody(id: string, domain: Domain, random: SeededRandom, extras: string[], slots: Record<string, string>): string {
  const name = id.slice(id.indexOf("/") + 1);
  const s = { ...slots, name, base: slots.base ?? domain.bases[0] ?? "scratch", dataset: slots.dataset ?? domain.datasets[0] ?? "custom data" };
  const intro = fill(random.pick(domain.intro), s);
  const details = random
    .shuffle(domain.details)
    .slice(0, random.int(1, domain.details.length))
    .map((t) => fill(t, s));
  const sections: string[] = [`# ${name}`, "", intro, ""];
  const trainer = domain.tags.includes("generated_from_trainer") && random.bool(0.6);
  if (trainer) {
    sections.push("## Model description", "", details.join(" "), "", "## Intended uses & limitations", "", "More information needed", "");
    for (const e of extras) sections.push(e, "");
    sections.push(
      "## Training procedure",
      "",
      hyperparameters(random),
      "",
      "### Training results",
      "",
      resultsTable(random),
      "",
      "### Framework versions",
      "",
      `- Transformers 4.${random.int(20, 48)}.0`,
      `- Pytorch 2.${random.int(0, 5)}.0`,
      "",
    );
  } else {
    sections.push(details.join(" "), "");
    const mid = random.int(0, extras.length);
    for (const e of extras.slice(0, mid)) sections.push(e, "");
    sections.push("## Usage", "", usageSnippet(id, domain.pipelineTag), "");
    for (const e of extras.slice(mid)) sections.push(e, "");
  }
  return sections.join("\n");
}

/** A planted task plus the shorter task its words contain (IMPLIED_TASKS), found by the same search. */
function withImplied(p: Planted): Planted[] {
  const implied = IMPLIED_TASKS[p.taskId];
  if (!implied) return [p];
  const start = p.surface.toLowerCase().indexOf(implied.word);
  return [p, { ...p, taskId: implied.taskId, surface: p.surface.slice(start, start + implied.word.length) }];
}

function plantedIn(text: string, family: string | null, taskId: string, surface: string, source: Planted["source"], excluded: boolean): Planted {
  if (!text.toLowerCase().includes(surface.toLowerCase())) throw new Error(`internal: planted "${surface}" (${taskId}) missing from its text`);
  return { taskId, source, surface, excluded, family };
}

// ---------------------------------------------------------------------------------------------
// Roles without SE evidence

function noCardDraft(ctx: GenerationContext, index: number, random: SeededRandom): Draft {
  const d = baseDraft(modelId(index, random, false), "no-card", drawCreatedAt(random, STEADY_QUARTER_WEIGHTS, false, 0.08));
  const domain = pickDomain(random);
  d.libraryName = random.bool(0.7) ? domain.library : null;
  d.pipelineTag = random.bool(0.6) ? domain.pipelineTag : null;
  d.hubTags = [d.libraryName, d.pipelineTag].filter((t): t is string => t !== null);
  return d;
}

function emptyCardDraft(ctx: GenerationContext, index: number, random: SeededRandom): Draft {
  const d = baseDraft(modelId(index, random, false), "empty-card", drawCreatedAt(random, STEADY_QUARTER_WEIGHTS, false, 0.05));
  const domain = pickDomain(random);
  const variant = random.int(0, 3);
  const fm = emptyFrontMatter();
  if (variant <= 1) {
    fm.license = pickLicense(random, false);
    fm.libraryName = domain.library;
  }
  d.card = { frontMatter: variant <= 2 ? fm : null, body: variant === 1 ? "\n\n" : "", lineEnding: random.bool(0.1) ? "\r\n" : "\n", malformed: null };
  d.libraryName = domain.library;
  d.hubTags = [domain.library];
  return d;
}

/** A plain card: ordinary ML prose, sometimes non-English, CRLF, malformed YAML or linking a plain paper. */
function plainDraft(ctx: GenerationContext, index: number, random: SeededRandom, role: Role): Draft {
  const d = baseDraft(modelId(index, random, false), role, drawCreatedAt(random, STEADY_QUARTER_WEIGHTS, false, 0.06));
  const domain = pickDomain(random);
  const slots = domainSlots(domain, random);
  fillPlainCard(d, domain, random, slots, role === "plain");
  if (role === "plain" && random.bool(0.1)) linkPaper(d, index, random, random.pick(PLAIN_ABSTRACTS), null);
  return d;
}

function fillPlainCard(d: Draft, domain: Domain, random: SeededRandom, slots: Record<string, string>, allowOdd: boolean, extras: string[] = []): void {
  const fm = emptyFrontMatter();
  fm.license = pickLicense(random, false);
  fm.libraryName = domain.library;
  fm.pipelineTag = random.bool(0.8) ? domain.pipelineTag : null;
  if (domain.bases.length > 0 && random.bool(0.6)) fm.baseModel = [slots.base!];
  if (domain.datasets.length > 0 && random.bool(0.6)) fm.datasets = [slots.dataset!];
  fm.tags = random.shuffle(domain.tags).slice(0, random.int(1, domain.tags.length));
  fm.language = domain.key === "reinforcement-learning" || domain.key === "image-generation" ? [] : ["en"];
  let body = plainBody(d.id, domain, random, extras, slots);
  let malformed: number | null = null;
  if (allowOdd && random.bool(0.03)) {
    const foreign = random.pick(NON_ENGLISH_CARDS);
    body = fill(foreign.body, { ...slots, name: d.id.slice(d.id.indexOf("/") + 1) });
    fm.language = [foreign.language];
    d.language = foreign.language;
  }
  if (allowOdd && random.bool(0.015)) malformed = random.int(0, MALFORMED_FRONT_MATTER.length - 1);
  const withFrontMatter = !allowOdd || !random.bool(0.08);
  d.card = { frontMatter: withFrontMatter ? fm : null, body, lineEnding: random.bool(0.05) ? "\r\n" : "\n", malformed: withFrontMatter ? malformed : null };
  d.libraryName = domain.library;
  d.pipelineTag = fm.pipelineTag;
}

interface AbstractPlant {
  taskId: string;
  surface: string;
  family: string | null;
}

function linkPaper(d: Draft, index: number, random: SeededRandom, abstractTemplate: string, plant: AbstractPlant | AbstractPlant[] | null): void {
  const id = arxivIdFor(index);
  const plants = plant === null ? [] : Array.isArray(plant) ? plant : [plant];
  const joined = plants.map((p) => p.surface).join(" and ");
  const abstract = fill(abstractTemplate, plants.length > 0 ? { T: joined, P: joined } : {});
  d.papers = [{ id, title: `[synthetic] A study of ${random.pick(["compact", "open", "efficient", "robust"])} models`, abstract }];
  for (const p of plants) d.planted.push(...withImplied(plantedIn(abstract, p.family, p.taskId, p.surface, "abstract", false)));
  if (d.card) d.card.body += `\n## Citation\n\nSee the paper: https://arxiv.org/abs/${id}\n`;
  d.hubTags.push(`arxiv:${id}`);
}

// ---------------------------------------------------------------------------------------------
// Outlier-only: every SE-looking occurrence is a Table III false hit

function outlierFamiliesFor(ctx: GenerationContext, index: number, random: SeededRandom): OutlierTrapFamily[] {
  const forced = ctx.plan.forced[index]!;
  const chosen: OutlierTrapFamily[] = forced > 0 ? [OUTLIER_FAMILIES[forced - 1]!] : [];
  const count = random.weighted([1, 2, 3], [60, 30, 10]);
  while (chosen.length < count) {
    const f = random.pick(OUTLIER_FAMILIES);
    if (!chosen.includes(f)) chosen.push(f);
  }
  if (!chosen.some((f) => f.definite)) chosen.push(random.pick(OUTLIER_FAMILIES.filter((f) => f.definite)));
  return chosen;
}

function outlierText(family: OutlierTrapFamily, random: SeededRandom, slots: Record<string, string>): { text: string; planted: Planted } {
  const text = fill(random.pick(family.text), slots);
  return { text, planted: plantedIn(text, family.kind, family.taskId, family.surface, "card", true) };
}

function outlierDraft(ctx: GenerationContext, index: number, random: SeededRandom): Draft {
  const d = baseDraft(modelId(index, random, false), "outlier-only", drawCreatedAt(random, STEADY_QUARTER_WEIGHTS, false, 0.04));
  const domain = pickDomain(random);
  const slots = domainSlots(domain, random);
  const extras: string[] = [];
  for (const family of outlierFamiliesFor(ctx, index, random)) {
    const { text, planted } = outlierText(family, random, slots);
    extras.push(text);
    d.planted.push(planted);
    d.traps.push(family.kind);
  }
  fillPlainCard(d, domain, random, slots, false, extras);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Traps: phrases that survive Table III but do not mean SE

function trapFamiliesFor(ctx: GenerationContext, index: number, random: SeededRandom): TrapFamily[] {
  const forced = ctx.plan.forced[index]!;
  const first =
    forced > 0
      ? TRAP_FAMILIES[forced - 1]!
      : random.weighted(
          TRAP_FAMILIES,
          TRAP_FAMILIES.map((f) => f.weight),
        );
  const out = [first];
  // Few trap cards carry two traps: Table IV counts (model, activity) pairs and is nearly one per model.
  if (random.bool(0.03)) {
    const second = random.weighted(
      TRAP_FAMILIES,
      TRAP_FAMILIES.map((f) => f.weight),
    );
    if (second.kind !== first.kind && second.domains.some((k) => first.domains.includes(k))) out.push(second);
  }
  return out;
}

function trapDraft(ctx: GenerationContext, index: number, random: SeededRandom, role: Role): Draft {
  const hasCopies = hasDerivedCards(ctx, index);
  const d = baseDraft(modelId(index, random, false), role, drawCreatedAt(random, STEADY_QUARTER_WEIGHTS, hasCopies, 0.02));
  if (role === "trap-abstract") {
    const trap = random.pick(TRAP_ABSTRACTS);
    const domain = pickDomain(random);
    const slots = domainSlots(domain, random);
    fillPlainCard(d, domain, random, slots, false);
    linkPaper(d, index, random, trap.text, { taskId: trap.taskId, surface: trap.surface, family: trap.kind });
    d.traps.push(trap.kind);
    return d;
  }
  const families = trapFamiliesFor(ctx, index, random);
  const sharedDomains = families.length > 1 ? families[0]!.domains.filter((k) => families[1]!.domains.includes(k)) : families[0]!.domains;
  const domain = pickDomain(random, sharedDomains);
  const name = d.id.slice(d.id.indexOf("/") + 1);
  const slots = { ...domainSlots(domain, random), N: name };
  const extras: string[] = [];
  for (const family of families) {
    const surface = random.pick(family.surfaces);
    const text = fill(random.pick(family.text), { ...slots, P: surface });
    extras.push(text);
    d.planted.push(plantedIn(text, family.kind, family.taskId, surface, "card", false));
    d.traps.push(family.kind);
  }
  if (random.bool(0.15)) addIncidentalOutlier(d, random, slots, extras);
  fillPlainCard(d, domain, random, slots, false, extras);
  // A card with requirements wording names no training dataset: were the check to take it for RE, the
  // paper's "no RE model names a dataset" (Fig. 7) would not hold for reasons of the judge, not the data.
  if (families.some((f) => f.activity === "RE") && d.card?.frontMatter) d.card.frontMatter.datasets = [];
  if (random.bool(ALSO_IN_ABSTRACT)) {
    const trap = random.pick(TRAP_ABSTRACTS);
    linkPaper(d, index, random, trap.text, { taskId: trap.taskId, surface: trap.surface, family: trap.kind });
    if (!d.traps.includes(trap.kind)) d.traps.push(trap.kind);
  }
  return d;
}

function addIncidentalOutlier(d: Draft, random: SeededRandom, slots: Record<string, string>, extras: string[]): void {
  const family = random.pick(OUTLIER_FAMILIES.filter((f) => f.definite && f.kind !== "coding-no-code-tag"));
  const { text, planted } = outlierText(family, random, slots);
  extras.push(text);
  d.planted.push(planted);
  d.traps.push(family.kind);
}

// ---------------------------------------------------------------------------------------------
// True SE models

function seDraft(ctx: GenerationContext, index: number, random: SeededRandom, role: Role): Draft {
  const regex = role === "se" && ctx.plan.forced[index] === 1;
  const activities = regex ? (["SI"] as ActivityCode[]) : [...ACTIVITY_SETS[ctx.profile][ctx.plan.activitySet[index]!]!.set];
  const primary = activities[0]!;
  const hasCopies = hasDerivedCards(ctx, index);
  const createdAt = drawCreatedAt(random, primary === "SI" ? SI_QUARTER_WEIGHTS : STEADY_QUARTER_WEIGHTS, hasCopies, 0);
  const d = baseDraft(modelId(index, random, true), role, createdAt);
  d.isSe = true;
  d.seActivities = [...activities].sort(byActivity);
  const name = d.id.slice(d.id.indexOf("/") + 1);

  // Tasks: 1-3 per activity, by the Fig. 3 weights.
  const tasks: { id: string; name: string; activity: ActivityCode }[] = [];
  if (regex) tasks.push({ id: "si.code-generation", name: "code generation", activity: "SI" });
  else {
    for (const activity of activities) {
      const n = random.weighted([1, 2, 3], [60, 30, 10]);
      const pool = SE_TASKS[activity];
      for (let k = 0; k < n; k++) {
        const t = random.weighted(
          pool,
          pool.map((p) => p.weight),
        );
        if (!tasks.some((x) => x.id === t.id)) tasks.push({ id: t.id, name: t.name, activity });
      }
    }
  }
  d.seTasks = tasks.map((t) => t.id);
  const needsCodeTag = tasks.some((t) => t.id === "si.coding") || (activities.includes("SI") && random.bool(0.5));

  const languages = random.bool(0.6) ? pickProgrammingLanguages(random) : [];
  const langName = languages.length > 0 ? PROGRAMMING_LANGUAGE_NAMES[languages[0]!]! : random.pick(["Python", "Java", "JavaScript"]);
  const slots = { ...numberSlots(random), N: name, L: langName };
  const createdMs = Date.parse(createdAt);
  const bases = SE_BASE_MODELS[primary].filter((b) => Date.parse(`${b.released}T00:00:00Z`) < createdMs);
  const base =
    bases.length > 0 && random.bool(0.75)
      ? random.weighted(
          bases,
          bases.map((b) => b.weight),
        )
      : null;
  // Datasets from the pool of the model's rarest activity (its last one other than SI, else SI).
  const datasetActivity = [...activities].reverse().find((a) => a !== "SI") ?? "SI";
  const datasetPool = SE_DATASETS[datasetActivity].filter((x) => !x.alone || activities.length === 1);
  const datasets =
    datasetPool.length > 0 && random.bool(SE_DATASET_SHARE[datasetActivity])
      ? uniq([
          random.weighted(
            datasetPool,
            datasetPool.map((x) => x.weight),
          ).id,
          ...(random.bool(0.3)
            ? [
                random.weighted(
                  datasetPool,
                  datasetPool.map((x) => x.weight),
                ).id,
              ]
            : []),
        ])
      : [];
  const pipelineTag = pipelineTagFor(activities, random);

  const fm = emptyFrontMatter();
  fm.license = pickLicense(random, true);
  fm.language = random.bool(0.3) ? ["en", "code"] : ["en"];
  fm.libraryName = random.pick(["transformers", "transformers", "transformers", "peft", "gguf"]);
  fm.pipelineTag = pipelineTag;
  fm.baseModel = base ? [base.id] : [];
  fm.datasets = datasets;
  fm.tags = uniq([
    ...(needsCodeTag ? ["code"] : []),
    ...languages,
    ...random.shuffle(["text-generation-inference", "trl", "sft", "lora", "instruct"]).slice(0, random.int(0, 3)),
  ]);

  const paragraphs: string[] = [];
  const cardEvidence = role === "se";
  if (regex) {
    fm.tags.push("code generation");
    d.planted.push({ taskId: "si.code-generation", source: "metadata", surface: "code generation", excluded: false, family: REGEX_KEPT_KIND });
    d.traps.push(REGEX_KEPT_KIND);
    paragraphs.push(`${name} writes regular expressions from plain-English descriptions, for example "match a date like 2024-05-01".`);
  } else if (cardEvidence) {
    for (const t of tasks) {
      const surface = surfaceOf(t.name, random);
      const sentence = fill(random.pick(SE_SENTENCES), { ...slots, T: surface });
      paragraphs.push(sentence);
      d.planted.push(...withImplied(plantedIn(sentence, null, t.id, surface, "card", false)));
      if (random.bool(0.12)) {
        const tag = t.name.includes(" ") && !IMPLIED_TASKS[t.id] && random.bool(0.5) ? t.name.replace(/ /g, "-") : t.name;
        fm.tags.push(tag);
        d.planted.push(...withImplied({ taskId: t.id, source: "metadata", surface: tag, excluded: false, family: null }));
      }
    }
  }
  const context = random
    .shuffle(activities.flatMap((a) => SE_CONTEXT[a]))
    .slice(0, random.int(1, 3))
    .map((s) => fill(s, slots));

  const sections: string[] = [`# ${name}`, "", [paragraphs[0] ?? "", ...context.slice(0, 1)].filter(Boolean).join(" "), ""];
  sections.push(
    "## Model description",
    "",
    [
      base ? `Fine-tuned from [${base.id}](https://huggingface.co/${base.id}).` : `Trained from scratch with ${random.int(1, 15)}00M parameters.`,
      `The context window is ${random.pick([2, 4, 8, 16, 32])}k tokens.`,
      ...context.slice(1),
    ].join(" "),
    "",
  );
  if (paragraphs.length > 1) sections.push("## Intended uses & limitations", "", paragraphs.slice(1).join(" "), "");
  sections.push(
    random.pick([
      "Generated output can be wrong or insecure; read it before you use it.",
      "Outputs are suggestions: run your own checks before merging them.",
      "The model may invent functions that do not exist in your libraries.",
    ]),
    "",
  );
  // Only on cards naming no dataset: were the check to accept the trap's activity, the card's datasets
  // would enter that activity's Fig. 7 row for reasons of the judge, not of the data.
  if (cardEvidence && !regex && datasets.length === 0 && random.bool(INCIDENTAL_TRAP_SHARE)) {
    const options = TRAP_FAMILIES.filter((f) => CODE_CARD_TRAP_KINDS.has(f.kind) && !activities.includes(f.activity));
    const family = random.pick(options);
    const surface = random.pick(family.surfaces);
    const text = fill(random.pick(family.text), { ...slots, P: surface });
    sections.push(text, "");
    d.planted.push(plantedIn(text, family.kind, family.taskId, surface, "card", false));
    d.traps.push(family.kind);
  }
  sections.push("## How to use", "", usageSnippet(d.id, pipelineTag), "");
  if (datasets.length > 0)
    sections.push("## Training data", "", `Trained on ${datasets.map((x) => `[${x}](https://huggingface.co/datasets/${x})`).join(" and ")}.`, "");
  const extras: string[] = [];
  // Abstract-only models must keep a card with no SE-looking match at all (Table VI: card without SE).
  if (cardEvidence && random.bool(0.2)) addIncidentalOutlier(d, random, slots, extras);
  sections.push("## Training procedure", "", hyperparameters(random), "", ...extras.flatMap((e) => [e, ""]));

  if (activities.includes("SI") && random.bool(BENCHMARK_SHARE[ctx.profile])) {
    d.reportsBenchmarks = true;
    const picked = pickBenchmarks(random);
    sections.push(
      "## Evaluation",
      "",
      "| Benchmark | Metric | Score |",
      "|---|---|---|",
      ...picked.map((b) => `| ${b.name} | ${b.metric} | ${b.value.toFixed(1)} |`),
      "",
    );
    if (random.bool(0.3))
      fm.modelIndex = {
        name,
        results: picked.slice(0, 2).map((b) => ({ benchmark: b.name, datasetType: b.name.toLowerCase(), metric: b.metric, value: Number(b.value.toFixed(1)) })),
      };
  }
  if (random.bool(ENERGY_SHARE[ctx.profile])) {
    d.reportsEnergy = true;
    const kg = Number((random.next() * 40 + 0.5).toFixed(2));
    if (random.bool(0.5)) fm.co2 = { emissions: kg, source: "CodeCarbon", hardware: `${random.int(1, 8)} x A100` };
    else
      sections.push(
        "## Environmental impact",
        "",
        `- Hardware type: ${random.int(1, 8)} x A100 40GB`,
        `- Hours used: ${random.int(2, 90)}`,
        `- Carbon emitted: ${kg} kg CO2eq`,
        "",
      );
  }
  d.card = { frontMatter: fm, body: sections.join("\n"), lineEnding: random.bool(0.05) ? "\r\n" : "\n", malformed: null };
  d.pipelineTag = pipelineTag;
  d.libraryName = fm.libraryName;

  if (role === "se-abstract") {
    // One task per activity, so every true activity has evidence somewhere.
    const perActivity = activities.map((a) => tasks.find((t) => t.activity === a)!);
    d.seTasks = perActivity.map((t) => t.id);
    linkPaper(
      d,
      index,
      random,
      random.pick(SE_ABSTRACTS),
      perActivity.map((t) => ({ taskId: t.id, surface: surfaceOf(t.name, random), family: null })),
    );
  } else if (random.bool(ALSO_IN_ABSTRACT)) {
    const t = random.pick(tasks);
    linkPaper(d, index, random, random.pick(SE_ABSTRACTS), { taskId: t.id, surface: surfaceOf(t.name, random), family: null });
  }
  return d;
}

function pipelineTagFor(activities: readonly ActivityCode[], random: SeededRandom): string | null {
  // Fig. 4: SD links only to text-generation; text-generation dominates everywhere.
  if (activities.includes("SD")) return "text-generation";
  const table: Record<ActivityCode, [string | null, number][]> = {
    SI: [
      ["text-generation", 76],
      ["text2text-generation", 12],
      ["fill-mask", 3],
      ["feature-extraction", 2],
      [null, 7],
    ],
    QA: [
      ["text-generation", 45],
      ["text-classification", 35],
      ["text2text-generation", 10],
      ["token-classification", 5],
      [null, 5],
    ],
    SM: [
      ["text-generation", 50],
      ["text2text-generation", 25],
      ["text-classification", 15],
      [null, 10],
    ],
    RE: [
      ["text-classification", 50],
      ["text-generation", 30],
      ["zero-shot-classification", 10],
      [null, 10],
    ],
    SD: [["text-generation", 1]],
  };
  const options = table[activities[0]!];
  return random.weighted(
    options.map((o) => o[0]),
    options.map((o) => o[1]),
  );
}

function pickProgrammingLanguages(random: SeededRandom): string[] {
  const first = random.weighted(PROGRAMMING_LANGUAGES, PROGRAMMING_LANGUAGE_WEIGHTS);
  const second = random.bool(0.3) ? random.weighted(PROGRAMMING_LANGUAGES, PROGRAMMING_LANGUAGE_WEIGHTS) : first;
  return uniq([first, second]);
}

/** Each benchmark independently with its share; a table lists at least two (the most common first). */
function pickBenchmarks(random: SeededRandom): { name: string; metric: string; value: number }[] {
  const picked = BENCHMARKS.filter((b) => random.bool(b.share));
  for (const b of BENCHMARKS) if (picked.length < 2 && !picked.includes(b)) picked.push(b);
  return picked.map((b) => ({ name: b.name, metric: b.metric, value: 20 + random.next() * 60 }));
}

function uniq<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

// ---------------------------------------------------------------------------------------------
// Near-copies: the original's card, re-published later under another id

/** A time after `originalMs` and before the snapshot (up to 300 days later). */
function laterThan(originalMs: number, random: SeededRandom): string {
  const room = SNAPSHOT_MS - originalMs;
  return isoAt(originalMs + 3_600_000 + random.next() * Math.min(room - 7_200_000, 300 * DAY_MS));
}

function copyDraft(ctx: GenerationContext, index: number, random: SeededRandom): Draft {
  const originalIndex = ctx.plan.originalOf[index]!;
  const original = draftModel(ctx, originalIndex);
  const createdAt = laterThan(Date.parse(original.createdAt), random);
  const suffix = random.pick(COPY_SUFFIXES);
  const originalName = original.id.slice(original.id.indexOf("/") + 1);
  const id = `${random.pick(AUTHORS)}/${originalName}-${suffix}-${index}`;
  const d: Draft = {
    ...original,
    id,
    role: "copy",
    createdAt,
    planted: original.planted.map((p) => ({ ...p })),
    traps: [...original.traps],
    papers: original.papers.map((p) => ({ ...p })),
  };
  const card = original.card!;
  const fm: FrontMatterSpec | null = card.frontMatter
    ? { ...card.frontMatter, baseModel: [original.id], tags: [...card.frontMatter.tags, suffix.toLowerCase()] }
    : null;
  d.card = { ...card, frontMatter: fm, body: perturbBody(card.body, random, ctx.idf.copies), lineEnding: random.bool(0.15) ? "\r\n" : card.lineEnding };
  d.hubTags = original.hubTags.filter((t) => t.startsWith("arxiv:"));
  return d;
}

/**
 * Re-publication noise. Some copies change only what the TF-IDF vector ignores (case, emphasis,
 * whitespace: similarity 1.0); the others also get a short note under the title, aimed at a similarity
 * drawn from SIMILARITY_TARGETS.edited, so the near-copies spread over [0.99, 1.0].
 */
function perturbBody(body: string, random: SeededRandom, idf: IdfEstimate): string {
  let out: string;
  switch (random.int(0, 4)) {
    case 0:
      out = body;
      break;
    case 1:
      out = body.replace(/^# (.*)$/m, (_, title: string) => `# ${title.toUpperCase()}`);
      break;
    case 2:
      out = `${body.trimEnd()}\n\n\n`;
      break;
    case 3:
      out = body.replace(/^# (.*)$/m, (_, title: string) => `# **${title}**`);
      break;
    default:
      out = body.replace(/\n\n/g, "\n\n\n");
  }
  if (random.bool(SIMILARITY_TARGETS.unchangedCopyShare)) return out;
  const [low, high] = SIMILARITY_TARGETS.edited;
  const target = low + random.next() * (high - low);
  const withNote = (pieces: readonly string[]) =>
    pieces.length === 0 ? out : out.replace(/^(# .*)$/m, (title: string) => `${title}\n\n> ${pieces.join(" ")}`);
  return withNote(aimSimilarity(body, withNote, COPY_NOTES, { target, floor: low }, idf, random).pieces);
}

// ---------------------------------------------------------------------------------------------
// Near misses: a later card rewritten from an earlier one, similar but below the threshold

/**
 * A trap or SE model whose card forks an earlier card of the same role: fine-tuned from its source (its
 * base_model), the source's card kept with a closing paragraph of its own changes aimed at a similarity drawn from
 * SIMILARITY_TARGETS.nearMiss (below 0.99). It keeps the source's evidence and what the model is for,
 * so it counts where its source counts; only step 5.2 could wrongly drop it.
 */
function nearMissDraft(ctx: GenerationContext, index: number, random: SeededRandom, role: Role): Draft {
  const source = draftModel(ctx, ctx.plan.nearMissOf[index]!);
  const createdAt = laterThan(Date.parse(source.createdAt), random);
  const id = modelId(index, random, source.isSe);
  const d: Draft = {
    ...source,
    id,
    role,
    createdAt,
    planted: source.planted.map((p) => ({ ...p })),
    traps: [...source.traps],
    papers: source.papers.map((p) => ({ ...p })),
  };
  const card = source.card!;
  const fm: FrontMatterSpec | null = card.frontMatter ? { ...card.frontMatter, baseModel: [source.id], tags: [...card.frontMatter.tags] } : null;
  const [low, high] = SIMILARITY_TARGETS.nearMiss;
  const target = low + random.next() * (high - low);
  const withChanges = (pieces: readonly string[]) => (pieces.length === 0 ? card.body : `${card.body.trimEnd()}\n\n${pieces.join(" ")}\n`);
  const { pieces } = aimSimilarity(card.body, withChanges, FORK_CHANGES, { target, floor: low - 0.01, ceiling: high }, ctx.idf.nearMisses, random);
  d.card = { ...card, frontMatter: fm, body: withChanges(pieces) };
  d.hubTags = source.hubTags.filter((t) => t.startsWith("arxiv:"));
  return d;
}

// ---------------------------------------------------------------------------------------------
// Beyond the paper's search: SE models whose cards name no SE task (discovery, `funnel --discover`)

/** A time after `baseMs` and before the snapshot (up to 200 days later), whatever the room. */
function after(baseMs: number, random: SeededRandom): string {
  const room = Math.max(2000, SNAPSHOT_MS - baseMs - 1000);
  return isoAt(baseMs + 1000 + random.next() * Math.min(room, 200 * DAY_MS));
}

/** A card with no SE task: a title, one line on what it is, a usage snippet, training settings. */
function quietCard(d: Draft, line: string, random: SeededRandom, pipelineTag: string | null, training = true): string {
  const name = d.id.slice(d.id.indexOf("/") + 1);
  return [
    `# ${name}`,
    "",
    line,
    "",
    "## How to use",
    "",
    usageSnippet(d.id, pipelineTag),
    "",
    ...(training ? ["## Training procedure", "", hyperparameters(random), ""] : []),
  ].join("\n");
}

/** Truly SE, with its evidence only in tags, datasets, its name and its base model (profiles.ts `se-signals`). */
function signalsDraft(ctx: GenerationContext, index: number, random: SeededRandom): Draft {
  const activities = Object.keys(SIGNAL_EVIDENCE) as ActivityCode[];
  const activity = random.weighted(
    activities,
    activities.map((a) => SIGNAL_EVIDENCE[a].weight),
  );
  const evidence = SIGNAL_EVIDENCE[activity];
  const named = random.bool(0.5);
  const author = random.pick(AUTHORS);
  const stem = named ? `${random.pick(NAME_STEMS)}-${random.pick(evidence.nameWords)}` : random.pick(NAME_STEMS);
  const d = baseDraft(
    `${author}/${stem}-${random.pick(SIZES)}-${index}`,
    "se-signals",
    drawCreatedAt(random, activity === "SI" ? SI_QUARTER_WEIGHTS : STEADY_QUARTER_WEIGHTS, true, 0),
  );
  d.isSe = true;
  d.seActivities = [activity];
  const fm = emptyFrontMatter();
  fm.license = pickLicense(random, true);
  fm.libraryName = "transformers";
  fm.pipelineTag = activity === "SI" || activity === "SD" ? "text-generation" : activity === "SM" ? "text2text-generation" : "text-classification";
  const tags = [...random.pick(evidence.tags)];
  // Half the models of other activities carry the `code` tag too: code they work on, not code they write.
  if (activity !== "SI" && random.bool(0.5)) tags.push("code");
  fm.tags = uniq(tags);
  if (evidence.datasets.length > 0 && (random.bool(0.6) || fm.tags.length === 0)) fm.datasets = [random.pick(evidence.datasets)];
  const bases = SE_BASE_MODELS[activity].filter((b) => Date.parse(`${b.released}T00:00:00Z`) < Date.parse(d.createdAt));
  if (bases.length > 0 && random.bool(0.6))
    fm.baseModel = [
      random.weighted(
        bases,
        bases.map((b) => b.weight),
      ).id,
    ];
  d.plantedSignals = [
    ...fm.tags.map((t) => `tag ${t}`),
    ...fm.datasets.map((x) => `dataset ${x}`),
    ...(named ? [`name ${stem.slice(stem.indexOf("-") + 1)}`] : []),
    ...fm.baseModel.map((b) => `base_model ${b}`),
  ];
  const base = fm.baseModel[0];
  const line = `${d.id.slice(d.id.indexOf("/") + 1)} is a ${random.pick(["compact", "small", "mid-sized"])} model${base ? ` fine-tuned from [${base}](https://huggingface.co/${base})` : ""}. The metadata lists what it was trained on.`;
  d.card = { frontMatter: fm, body: quietCard(d, line, random, fm.pipelineTag), lineEnding: "\n", malformed: null };
  d.pipelineTag = fm.pipelineTag;
  d.libraryName = fm.libraryName;
  return d;
}

/**
 * A re-upload, adapter or fine-tune of a model of this Hub with a thin card (profiles.ts `se-lineage`:
 * of an SE model, SE for its activities; `lineage-trap`: a re-upload of a trap model, not SE).
 */
function lineageDraft(ctx: GenerationContext, index: number, random: SeededRandom, role: Role): Draft {
  const base = draftModel(ctx, ctx.plan.lineageOf[index]!);
  const relation =
    role === "lineage-trap"
      ? "quantized"
      : random.weighted(
          LINEAGE_RELATIONS,
          LINEAGE_RELATIONS.map((r) => r.weight),
        ).relation;
  const baseName = base.id.slice(base.id.indexOf("/") + 1);
  const author = random.pick(AUTHORS);
  const id =
    relation === "quantized"
      ? random.bool(0.6)
        ? `${author}/${baseName}-${random.pick(REUPLOAD_SUFFIXES)}-${index}`
        : `${author}/${random.pick(NAME_STEMS)}-q4-${index}`
      : relation === "adapter"
        ? `${author}/${baseName}-lora-${index}`
        : `${author}/${random.pick(NAME_STEMS)}-${random.pick(SIZES)}-${index}`;
  const d = baseDraft(id, role, after(Date.parse(base.createdAt), random));
  d.isSe = base.isSe;
  d.seActivities = base.isSe ? [...base.seActivities] : [];
  d.lineageOf = base.id;
  const fm = emptyFrontMatter();
  fm.license = base.card?.frontMatter?.license ?? null;
  fm.libraryName = relation === "quantized" ? "gguf" : relation === "adapter" ? "peft" : "transformers";
  fm.pipelineTag = base.pipelineTag;
  fm.baseModel = [base.id];
  fm.tags = relation === "quantized" ? ["gguf"] : relation === "adapter" ? ["lora"] : [];
  d.hubTags = [`base_model:${relation}:${base.id}`];
  d.plantedSignals = [`base_model:${relation}:${base.id}`];
  const link = `[${base.id}](https://huggingface.co/${base.id})`;
  const line =
    relation === "quantized"
      ? `Quantised files of ${link} for local inference: ${random.pick(["4-bit and 8-bit files", "a 4-bit file", "files at several bit widths"])}.`
      : relation === "adapter"
        ? `A LoRA adapter for ${link}: load the base model and apply the adapter with peft.`
        : `Further trained from ${link} on more of the same data, for ${random.int(1, 3)} more epochs.`;
  d.card = { frontMatter: fm, body: quietCard(d, line, random, fm.pipelineTag, relation !== "quantized"), lineEnding: "\n", malformed: null };
  d.pipelineTag = fm.pipelineTag;
  d.libraryName = fm.libraryName;
  return d;
}

/** Not SE, with a misleading weak signal (profiles.ts `signal-trap`). */
function signalTrapDraft(ctx: GenerationContext, index: number, random: SeededRandom): Draft {
  const medical = random.bool(0.5);
  const author = random.pick(AUTHORS);
  const id = medical ? `${author}/icd-coder-${random.pick(SIZES)}-${index}` : `${author}/${random.pick(NAME_STEMS)}-chat-${random.pick(SIZES)}-${index}`;
  const d = baseDraft(id, "signal-trap", drawCreatedAt(random, STEADY_QUARTER_WEIGHTS, false, 0));
  const fm = emptyFrontMatter();
  fm.license = pickLicense(random, false);
  fm.libraryName = "transformers";
  if (medical) {
    fm.pipelineTag = "text-classification";
    fm.tags = ["medical", "clinical"];
    fm.baseModel = ["emilyalsentzer/Bio_ClinicalBERT"];
    d.plantedSignals = ["name coder (medical billing codes)"];
    d.card = {
      frontMatter: fm,
      body: quietCard(d, "Assigns ICD-10 diagnosis codes to discharge summaries; trained on de-identified clinical notes.", random, fm.pipelineTag),
      lineEnding: "\n",
      malformed: null,
    };
  } else {
    fm.pipelineTag = "text-generation";
    fm.tags = ["chat", "conversational"];
    fm.modelIndex = {
      name: id.slice(id.indexOf("/") + 1),
      results: [
        { benchmark: "HellaSwag", datasetType: "hellaswag", metric: "acc_norm", value: Number((50 + random.next() * 30).toFixed(1)) },
        { benchmark: "HumanEval", datasetType: "openai_humaneval", metric: "pass@1", value: Number((5 + random.next() * 15).toFixed(1)) },
      ],
    };
    d.plantedSignals = ["benchmark HumanEval (leaderboard results)"];
    d.card = {
      frontMatter: fm,
      body: quietCard(d, "A friendly general chat model for everyday questions and small talk.", random, fm.pipelineTag),
      lineEnding: "\n",
      malformed: null,
    };
  }
  d.pipelineTag = fm.pipelineTag;
  d.libraryName = fm.libraryName;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Rendering into a ModelRecord plus its ground truth

function finish(d: Draft, index: number, duplicateOf: string | null, nearMissOf: string | null): GeneratedModel {
  const random = new SeededRandom(`finish:${d.id}`);
  const cardText = d.card ? renderCard(d.card) : null;
  const fm = d.card?.malformed === null ? d.card.frontMatter : null;
  const hubTags = uniq([
    ...(d.libraryName ? [d.libraryName] : []),
    ...(d.pipelineTag ? [d.pipelineTag] : []),
    ...(fm?.tags ?? []),
    ...(fm?.language ?? []),
    ...(fm?.baseModel ?? []).map((b) => `base_model:${b}`),
    ...(fm?.datasets ?? []).map((x) => `dataset:${x}`),
    ...d.hubTags,
    ...(fm?.license ? [`license:${fm.license}`] : []),
    "synthetic",
    "region:us",
  ]);
  const parsed = parseCard(d.id, cardText, { tags: hubTags });
  const createdMs = Date.parse(d.createdAt);
  const lastModified = isoAt(Math.min(SNAPSHOT_MS - 1000, createdMs + random.next() * 200 * DAY_MS));
  const downloads = Math.floor(Math.exp(random.next() * random.next() * 14)) - 1;
  const record: ModelRecord = {
    id: d.id,
    author: authorOf(d.id),
    createdAt: d.createdAt,
    lastModified: lastModified < d.createdAt ? d.createdAt : lastModified,
    downloads,
    likes: Math.floor(downloads * random.next() * 0.02),
    pipelineTag: d.pipelineTag,
    libraryName: d.libraryName,
    tags: hubTags,
    cardStatus: parsed.cardStatus,
    cardText: parsed.cardText,
    cardBody: parsed.cardBody,
    cardMeta: parsed.cardMeta,
    arxivIds: parsed.arxivIds,
    papers: d.papers.filter((p) => parsed.arxivIds.includes(p.id)),
    problems: parsed.problems,
  };
  return { record, truth: truthRow(d, index, record, duplicateOf, nearMissOf) };
}

function truthRow(d: Draft, index: number, record: ModelRecord, duplicateOf: string | null, nearMissOf: string | null): GroundTruthRow {
  const plantedTasks = uniq(d.planted.map((p) => p.taskId)).sort();
  const keptTasks = uniq(d.planted.filter((p) => !p.excluded).map((p) => p.taskId)).sort();
  const cardSe = d.planted.some((p) => p.source !== "abstract");
  return {
    id: d.id,
    index,
    createdAt: d.createdAt,
    role: d.role,
    documentation:
      record.cardStatus === "none" ? "no-card" : record.cardStatus === "empty" ? "empty-card" : cardSe ? "card-with-se-task" : "card-without-se-task",
    plantedTasks,
    plantedSources: uniq(d.planted.map((p) => p.source)).sort(),
    plantedEvidence: d.planted.map((p) => `${p.taskId}|${p.source}|${p.excluded ? "excluded" : "kept"}|${p.family ?? ""}|${p.surface}`),
    abstractOnly: d.planted.length > 0 && !cardSe,
    outlierOnly: d.planted.length > 0 && keptTasks.length === 0,
    keptTasks,
    candidateActivities: uniq(keptTasks.map(activityOfTask)).sort(byActivity),
    traps: uniq(d.traps),
    duplicateOf,
    nearMissOf,
    isSe: d.isSe,
    seActivities: d.seActivities,
    seTasks: d.seTasks,
    expectedFinal: d.isSe && duplicateOf === null,
    language: d.language,
    crlf: d.card?.lineEnding === "\r\n",
    malformedYaml: d.card?.malformed !== null && d.card?.malformed !== undefined,
    reportsBenchmarks: d.reportsBenchmarks,
    reportsEnergy: d.reportsEnergy,
    plantedSignals: d.plantedSignals,
    lineageOf: d.lineageOf,
  };
}

function activityOfTask(taskId: string): string {
  return taskId.slice(0, 2).toUpperCase();
}

function byActivity(a: string, b: string): number {
  return ACTIVITY_CODES.indexOf(a as ActivityCode) - ACTIVITY_CODES.indexOf(b as ActivityCode);
}
