/**
 * The plan of a synthetic Hub: which role each model index plays, which trap or outlier family
 * is forced on it (so every family appears at least once), and which original each near-copy
 * copies. Typed arrays only: a 1.53M-model plan takes a few megabytes.
 */
import { SeededRandom } from "../util/random";
import { OUTLIER_FAMILIES, TRAP_FAMILIES } from "./phrases";
import { ACTIVITY_SETS, apportion, DISCOVERY_ROLE_SHARE, DISCOVERY_ROLES, NEAR_MISS_SHARE, ROLES, roleCounts, type DemoProfile, type Role } from "./profiles";

export interface HubPlan {
  models: number;
  roleCounts: Record<Role, number>;
  /** ROLES index per model. */
  roles: Uint8Array;
  /**
   * Forced family per model, 0 = none. For `trap`: 1 + TRAP_FAMILIES index; for `outlier-only`:
   * 1 + OUTLIER_FAMILIES index; for `se`: 1 = the borderline RegEx model.
   */
  forced: Uint8Array;
  /** For copies: the index of the original; -1 otherwise. */
  originalOf: Int32Array;
  /** Number of near-copies of each model (0 for most). */
  copies: Int32Array;
  /**
   * For `se` / `se-abstract` models: the index into ACTIVITY_SETS[profile] of the activities it serves
   * (apportioned exactly over those models); NO_SET for every other role. Near misses take their source's.
   */
  activitySet: Uint8Array;
  /** For near-miss cards (a `trap` or `se` card rewritten from an earlier one): the source index; -1 otherwise. */
  nearMissOf: Int32Array;
  /** 1 when some near-miss card was rewritten from this model. */
  nearMissSource: Uint8Array;
  /** For `se-lineage` and `lineage-trap` models: the index of the model it was made from (its base); -1 otherwise. */
  lineageOf: Int32Array;
}

export const NO_SET = 255;

/** Fraction of all copies in the two giant clusters (paper: one SDXL card x715, one Llama card x290, of 7,165). */
export const GIANT_CLUSTERS: ReadonlyArray<{ share: number; trapKind: string }> = [
  { share: 715 / 7165, trapKind: "api-inference" },
  { share: 290 / 7165, trapKind: "cybersecurity-redteam" },
];

export const roleIndex = (role: Role): number => ROLES.indexOf(role);

export function buildPlan(seed: number, profile: DemoProfile, models: number): HubPlan {
  if (!Number.isInteger(models) || models < 50) throw new Error(`models must be an integer >= 50 (got ${models})`);
  const random = new SeededRandom(`${seed}:plan:${profile}:${models}`);
  const counts = roleCounts(profile, models);
  const roles = new Uint8Array(models);
  let at = 0;
  for (const [r, role] of ROLES.entries()) {
    roles.fill(r, at, at + counts[role]);
    at += counts[role];
  }
  // In-place Fisher-Yates: the roles end up spread uniformly over the index range.
  for (let i = models - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const t = roles[i]!;
    roles[i] = roles[j]!;
    roles[j] = t;
  }

  const forced = new Uint8Array(models);
  const originalOf = new Int32Array(models).fill(-1);
  const copies = new Int32Array(models);
  const indicesOf = (role: Role): number[] => {
    const code = roleIndex(role);
    const out: number[] = [];
    for (let i = 0; i < models; i++) if (roles[i] === code) out.push(i);
    return out;
  };

  // Every family at least once: the first indices of each role take the families in order.
  const traps = indicesOf("trap");
  TRAP_FAMILIES.forEach((_, k) => {
    if (k < traps.length) forced[traps[k]!] = k + 1;
  });
  const outliers = indicesOf("outlier-only");
  OUTLIER_FAMILIES.forEach((_, k) => {
    if (k < outliers.length) forced[outliers[k]!] = k + 1;
  });
  const ses = indicesOf("se");
  if (ses.length > 0) forced[ses[0]!] = 1;

  // Activity sets: exact shares over the SE models, in a seeded order; the RegEx model serves SI only.
  const activitySet = new Uint8Array(models).fill(NO_SET);
  const sets = ACTIVITY_SETS[profile];
  const seModels = random.shuffle([...ses, ...indicesOf("se-abstract")]);
  const perSet = apportion(Object.fromEntries(sets.map((s, k) => [String(k), s.weight])), seModels.length);
  let filled = 0;
  sets.forEach((_, k) => {
    for (let c = 0; c < perSet[String(k)]!; c++) activitySet[seModels[filled++]!] = k;
  });
  const siOnly = sets.findIndex((s) => s.set.length === 1 && s.set[0] === "SI");
  if (ses.length > 0 && activitySet[ses[0]!] !== siOnly) {
    // Swap sets with an SI-only model so the apportioned counts stay exact.
    const other = seModels.find((i) => i !== ses[0] && activitySet[i] === siOnly);
    if (other !== undefined) activitySet[other] = activitySet[ses[0]!]!;
    activitySet[ses[0]!] = siOnly;
  }

  // Near misses: later trap / SE cards rewritten from an earlier card of the same role (SE: an SI-only
  // source, so the activity shares move little). They are never copied themselves.
  const nearMissOf = new Int32Array(models).fill(-1);
  const nearMissSource = new Uint8Array(models);
  const freeTraps = traps.slice(TRAP_FAMILIES.length);
  const planNearMisses = (pool: number[], share: number) => {
    const wanted = Math.round(share * pool.length);
    const shuffled = random.shuffle(pool);
    // The first half of the shuffled pool are sources, the second half near misses, so no card is both.
    const sources = shuffled.slice(0, Math.ceil(shuffled.length / 2));
    const misses = shuffled.slice(Math.ceil(shuffled.length / 2)).slice(0, Math.min(wanted, sources.length));
    misses.forEach((miss, k) => {
      const source = sources[k]!;
      nearMissOf[miss] = source;
      nearMissSource[source] = 1;
      activitySet[miss] = activitySet[source]!;
    });
  };
  const seSources = ses.slice(1).filter((i) => activitySet[i] === siOnly);
  planNearMisses(seSources, (NEAR_MISS_SHARE[profile] * ses.length) / Math.max(1, seSources.length));
  planNearMisses(freeTraps.slice(GIANT_CLUSTERS.length), (NEAR_MISS_SHARE[profile] * traps.length) / Math.max(1, freeTraps.length - GIANT_CLUSTERS.length));

  // Near-copies: two giant clusters on trap cards, then small clusters (1-6 copies) on random originals.
  const copyIndices = random.shuffle(indicesOf("copy"));
  if (copyIndices.length > 0) {
    let pool = random.shuffle([...ses.slice(1), ...freeTraps.slice(GIANT_CLUSTERS.length)].filter((i) => nearMissOf[i]! < 0));
    // Small Hubs: any trap or SE card may be copied (every family stays forced on its first model);
    // with none at all, the first copy slot becomes the trap card the others copy (roles are counted
    // from the ground truth, so the summary still says what was made).
    if (pool.length === 0) pool = [...ses, ...traps];
    if (pool.length === 0) {
      const original = copyIndices.shift()!;
      roles[original] = roleIndex("trap");
      counts.copy--;
      counts.trap++;
      pool = [original];
    }
    let next = 0;
    const assign = (original: number, size: number) => {
      for (let c = 0; c < size && next < copyIndices.length; c++) {
        originalOf[copyIndices[next++]!] = original;
        copies[original]!++;
      }
    };
    GIANT_CLUSTERS.forEach((giant, g) => {
      const original = freeTraps[g];
      if (original === undefined) return;
      forced[original] = TRAP_FAMILIES.findIndex((f) => f.kind === giant.trapKind) + 1;
      assign(original, Math.max(1, Math.round(giant.share * copyIndices.length)));
    });
    let p = 0;
    while (next < copyIndices.length) {
      const original = pool[p++ % pool.length]!;
      assign(original, 1 + Math.min(5, Math.floor(-Math.log(1 - random.next()) * 1.2)));
    }
  }
  const lineageOf = planDiscoveryRoles(seed, profile, models, roles, counts, nearMissOf);
  return { models, roleCounts: counts, roles, forced, originalOf, copies, activitySet, nearMissOf, nearMissSource, lineageOf };
}

/**
 * The roles beyond the paper's search (profiles.ts DISCOVERY_ROLES): `plain` models turned into them
 * from a random stream of their own, after everything else is planned, so every other model keeps its
 * role and card. Lineage models get a base: an SE model made with a task phrase or with signals only,
 * or an earlier lineage model (chains); a lineage trap re-uploads a trap model. Returns `lineageOf`.
 */
function planDiscoveryRoles(
  seed: number,
  profile: DemoProfile,
  models: number,
  roles: Uint8Array,
  counts: Record<Role, number>,
  nearMissOf: Int32Array,
): Int32Array {
  const random = new SeededRandom(`${seed}:plan-discovery:${profile}:${models}`);
  const lineageOf = new Int32Array(models).fill(-1);
  const plain = roleIndex("plain");
  const pool = random.shuffle(Array.from({ length: models }, (_, i) => i).filter((i) => roles[i] === plain));
  let taken = 0;
  for (const role of DISCOVERY_ROLES) {
    const wanted = Math.min(Math.round((DISCOVERY_ROLE_SHARE[profile][role] * models) / 10_000), pool.length - taken);
    for (let k = 0; k < wanted; k++) roles[pool[taken++]!] = roleIndex(role);
    counts[role] += wanted;
    counts.plain -= wanted;
  }
  const of = (role: Role) => {
    const code = roleIndex(role);
    const out: number[] = [];
    for (let i = 0; i < models; i++) if (roles[i] === code) out.push(i);
    return out;
  };
  const revert = (i: number, role: Role) => {
    roles[i] = plain;
    counts[role]--;
    counts.plain++;
  };
  const seModels = of("se").filter((i) => nearMissOf[i]! < 0);
  const signalModels = of("se-signals");
  const traps = of("trap").filter((i) => nearMissOf[i]! < 0);
  const done: number[] = [];
  for (const i of random.shuffle(of("se-lineage"))) {
    // A quarter continue an earlier lineage model (a re-upload of a fine-tune, ...); the rest start at an SE model.
    const base =
      done.length > 0 && random.bool(0.25)
        ? random.pick(done)
        : signalModels.length > 0 && (seModels.length === 0 || random.bool(0.3))
          ? random.pick(signalModels)
          : seModels.length > 0
            ? random.pick(seModels)
            : -1;
    if (base < 0) {
      // A Hub too small to hold an SE model: the model stays plain.
      revert(i, "se-lineage");
      continue;
    }
    lineageOf[i] = base;
    done.push(i);
  }
  for (const i of of("lineage-trap")) {
    if (traps.length > 0) lineageOf[i] = random.pick(traps);
    else revert(i, "lineage-trap");
  }
  return lineageOf;
}
