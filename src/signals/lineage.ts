/**
 * Model lineage: which models a model was made from (fine-tune, adapter, quantisation, merge), read from
 * the card's `base_model` values and the Hub's `base_model:<relation>:<id>` tags, and the walk up those
 * links to the nearest models that stand for an activity on their own evidence.
 *
 * The graph is compact (one entry per model that names a base model: its id and its links), so a whole
 * Hub's lineage fits in memory while the records themselves are read shard by shard. The walk is
 * breadth-first (the shortest chain wins; among chains of one length, the card's order of base models),
 * never visits a model twice (a cycle such as A -> B -> A, or a model naming itself, ends there), goes
 * at most `maxDepth` links up and looks at no more than `maxVisits` models. A base model that is not in
 * the graph (not in the corpus, or in it without a base of its own) ends its branch; when it stands for
 * an activity it is still reached.
 */
import type { ModelRecord } from "../corpus/record";
import { baseModelsOf } from "./signals";

/** How a model was made from its base: the Hub's relation names, `unknown` where only the card names the base. */
export const LINEAGE_RELATIONS = ["quantized", "adapter", "finetune", "merge", "unknown"] as const;
export type LineageRelation = (typeof LINEAGE_RELATIONS)[number];

/** One link from a model to a base model, with where it was read. */
export interface BaseLink {
  /** The base model's id as written. */
  id: string;
  relation: LineageRelation;
  /** The field it was read from: `meta.base_model[0]`, `tags[7]`. */
  field: string;
}

/** Default bound on the links walked up from a model (real chains seldom pass 4: base, fine-tune, merge, quantisation). */
export const DEFAULT_LINEAGE_DEPTH = 6;
/** Default bound on the models one walk looks at (merges of merges fan out). */
export const DEFAULT_LINEAGE_VISITS = 256;

/** Ids compare case-insensitively on the Hub. */
export function lineageKey(id: string): string {
  return id.trim().toLowerCase();
}

function relationOf(value: string): LineageRelation {
  const v = value.toLowerCase();
  return (LINEAGE_RELATIONS as readonly string[]).includes(v) ? (v as LineageRelation) : "unknown";
}

/**
 * The base models of a record, each once (first place it is named), with the relation the Hub's
 * `base_model:<relation>:<id>` tags give it; a model naming itself is left out.
 */
export function baseLinksOf(record: ModelRecord): BaseLink[] {
  const relations = new Map<string, LineageRelation>();
  for (const tag of record.tags) {
    const m = /^base_model:([a-z_]+):(.+)$/i.exec(tag);
    if (!m) continue;
    const key = lineageKey(m[2]!);
    const relation = relationOf(m[1]!);
    // The first specific relation a tag gives stays (a model tagged both finetune and merge of one base keeps the first).
    if (relation !== "unknown" && !relations.has(key)) relations.set(key, relation);
  }
  const self = lineageKey(record.id);
  return baseModelsOf(record)
    .filter((b) => lineageKey(b.id) !== self)
    .map((b) => ({ id: b.id, relation: relations.get(lineageKey(b.id)) ?? "unknown", field: b.field }));
}

/** One step of a chain: from a model to one of its bases. */
export interface LineageStep {
  from: string;
  to: string;
  relation: LineageRelation;
  field: string;
}

/** The chain from a model up to the nearest model that stands for an activity. */
export interface LineageChain {
  /** The model reached (as its id is written in the last link). */
  seed: string;
  steps: LineageStep[];
}

/** The compact lineage of a corpus: for each model that names a base, its links. */
export class LineageGraph {
  private readonly links = new Map<string, { id: string; bases: BaseLink[] }>();

  /** Record a model's links (a model given twice keeps its first entry; no links, nothing recorded). */
  add(id: string, bases: readonly BaseLink[]): void {
    if (bases.length === 0) return;
    const key = lineageKey(id);
    if (!this.links.has(key)) this.links.set(key, { id, bases: [...bases] });
  }

  /** The links of a model, or [] when it names no base (or is not in the graph). */
  basesOf(id: string): readonly BaseLink[] {
    return this.links.get(lineageKey(id))?.bases ?? [];
  }

  /** Models that name at least one base. */
  get size(): number {
    return this.links.size;
  }

  /** Every model of the graph, in the order added. */
  ids(): string[] {
    return [...this.links.values()].map((e) => e.id);
  }

  /**
   * Walk up from `id` to the nearest model standing for each activity: `standsFor(key)` gives the
   * activities a model stands for on its own evidence (by {@link lineageKey}). The model itself is not
   * its own seed. Returns activity -> chain, activities in first-found order.
   */
  nearestSeeds<A extends string>(
    id: string,
    standsFor: (key: string) => readonly A[] | undefined,
    options: { maxDepth?: number; maxVisits?: number } = {},
  ): Map<A, LineageChain> {
    const maxDepth = options.maxDepth ?? DEFAULT_LINEAGE_DEPTH;
    const maxVisits = options.maxVisits ?? DEFAULT_LINEAGE_VISITS;
    const found = new Map<A, LineageChain>();
    const start = lineageKey(id);
    const visited = new Set<string>([start]);
    let frontier: Array<{ key: string; id: string; steps: LineageStep[] }> = [{ key: start, id, steps: [] }];
    for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
      const next: typeof frontier = [];
      for (const node of frontier) {
        for (const link of this.basesOf(node.key)) {
          const key = lineageKey(link.id);
          if (visited.has(key)) continue;
          if (visited.size >= maxVisits) return found;
          visited.add(key);
          const steps = [...node.steps, { from: node.id, to: link.id, relation: link.relation, field: link.field }];
          for (const activity of standsFor(key) ?? []) if (!found.has(activity)) found.set(activity, { seed: link.id, steps });
          next.push({ key, id: link.id, steps });
        }
      }
      frontier = next;
    }
    return found;
  }
}

/** The ids of a chain, from the model to its seed. */
export function chainIds(chain: LineageChain): string[] {
  return chain.steps.length === 0 ? [] : [chain.steps[0]!.from, ...chain.steps.map((s) => s.to)];
}

/** A chain that only re-packages its seed (every link a quantisation): the same model in another format. */
export function isReupload(chain: LineageChain): boolean {
  return chain.steps.length > 0 && chain.steps.every((s) => s.relation === "quantized");
}
