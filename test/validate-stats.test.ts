import { describe, expect, test } from "vitest";
import { binaryScores, cohenKappa, kappaBand, kappaOf } from "../src/validate/agreement";
import { cochranSampleSize } from "../src/validate/cochran";
import { drawStratifiedSample, planPilots, reliabilitySubset, type PopulationUnit } from "../src/validate/sample";
import { SeededRandom } from "../src/util/random";

describe("Cochran's sample size with finite population correction", () => {
  test("reproduces Table IV of the paper for all five activities", () => {
    const tableIV: Array<[number, number]> = [
      [255, 154],
      [415, 200],
      [2993, 341],
      [1512, 307],
      [3255, 344],
    ];
    for (const [population, sample] of tableIV) expect(cochranSampleSize(population)).toBe(sample);
  });

  test("edge cases: tiny and huge populations, invalid input", () => {
    expect(cochranSampleSize(0)).toBe(0);
    expect(cochranSampleSize(1)).toBe(1);
    expect(cochranSampleSize(10)).toBe(10);
    // The infinite-population limit is ceil(384.16) = 385.
    expect(cochranSampleSize(100_000_000)).toBe(385);
    expect(cochranSampleSize(1000, { margin: 0.03 })).toBe(517);
    expect(() => cochranSampleSize(-1)).toThrow(RangeError);
    expect(() => cochranSampleSize(10, { margin: 0 })).toThrow(/margin/);
  });
});

describe("Cohen's kappa against textbook worked examples", () => {
  test("Wikipedia 'Cohen's kappa', worked example: 20/5/10/15 of 50 gives p_o 0.7, p_e 0.5, kappa 0.4", () => {
    const k = kappaOf({ yesYes: 20, yesNo: 5, noYes: 10, noNo: 15 });
    expect(k.observed).toBeCloseTo(0.7, 12);
    expect(k.expected).toBeCloseTo(0.5, 12);
    expect(k.kappa).toBeCloseTo(0.4, 12);
  });

  test("Wikipedia 'same percentages, different numbers': equal p_o = 0.60 but kappa 0.1304 vs 0.2593", () => {
    expect(kappaOf({ yesYes: 45, yesNo: 15, noYes: 25, noNo: 15 }).kappa).toBeCloseTo(0.1304, 4);
    expect(kappaOf({ yesYes: 25, yesNo: 35, noYes: 5, noNo: 35 }).kappa).toBeCloseTo(0.2593, 4);
  });

  test("paired lists give the same kappa as their contingency table; agreement is symmetric", () => {
    const a = [true, true, false, false, true, false, true, true, false, false];
    const b = [true, false, false, false, true, true, true, true, false, true];
    // 4 yes/yes, 1 yes/no, 2 no/yes, 3 no/no: p_o 0.7, p_e 0.5*0.6+0.5*0.4 = 0.5, kappa 0.4.
    expect(cohenKappa(a, b).kappa).toBeCloseTo(0.4, 12);
    expect(cohenKappa(b, a).kappa).toBeCloseTo(0.4, 12);
  });

  test("perfect agreement is 1; identical constant labels leave kappa undefined; chance-level is 0", () => {
    expect(cohenKappa([true, false, true], [true, false, true]).kappa).toBe(1);
    expect(cohenKappa([true, true], [true, true]).kappa).toBeNull();
    expect(kappaOf({ yesYes: 25, yesNo: 25, noYes: 25, noNo: 25 }).kappa).toBeCloseTo(0, 12);
    expect(() => cohenKappa([true], [])).toThrow(/differ in length/);
  });

  test("precision and recall of a judge against a reference", () => {
    const s = binaryScores([true, true, true, false, false], [true, false, true, true, false]);
    expect(s.precision).toBeCloseTo(2 / 3, 12);
    expect(s.recall).toBeCloseTo(2 / 3, 12);
    expect(binaryScores([false], [true]).precision).toBeNull();
  });

  test("Landis & Koch bands", () => {
    expect([1, 0.85, 0.7, 0.5, 0.3, 0.1, -0.1, null].map(kappaBand)).toEqual([
      "almost perfect",
      "almost perfect",
      "substantial",
      "moderate",
      "fair",
      "slight",
      "poor",
      "undefined",
    ]);
  });
});

describe("stratified, seeded pilot samples", () => {
  const population: PopulationUnit[] = Array.from({ length: 400 }, (_, i) => ({
    id: `m/${String(i).padStart(3, "0")}`,
    // Task "rare-k" occurs in exactly one model each; "common" in all.
    tasks: i % 50 === 0 ? ["common", `rare-${i / 50}`] : ["common"],
  }));

  test("every task in the population appears; size follows Cochran; same seed, same sample", () => {
    const a = drawStratifiedSample(population, cochranSampleSize(population.length), new SeededRandom(7));
    const b = drawStratifiedSample([...population].reverse(), cochranSampleSize(population.length), new SeededRandom(7));
    expect(a.ids).toHaveLength(197);
    expect(a).toEqual(b);
    for (let k = 0; k < 8; k++) expect(a.ids).toContain(`m/${String(k * 50).padStart(3, "0")}`);
    expect(drawStratifiedSample(population, 197, new SeededRandom(8)).ids).not.toEqual(a.ids);
  });

  test("when the sample is smaller than the number of tasks the uncovered tasks are reported", () => {
    const s = drawStratifiedSample(population, 3, new SeededRandom(1));
    expect(s.ids).toHaveLength(3);
    expect(s.uncoveredTasks.length).toBeGreaterThan(0);
  });

  test("the plan holds a pilot, a disjoint held-out set and a 10% reliability subset per activity", () => {
    const populations = new Map([
      ["RE" as const, population.slice(0, 255)],
      ["SD" as const, population.slice(0, 10)],
    ]);
    const { rows, summary } = planPilots(populations, { seed: 42, holdoutSize: 20 });
    const re = rows.filter((r) => r.activity === "RE");
    const pilot = re.filter((r) => r.set === "pilot");
    const holdout = re.filter((r) => r.set === "holdout");
    expect(pilot).toHaveLength(154);
    expect(holdout).toHaveLength(20);
    expect(pilot.some((p) => holdout.some((h) => h.id === p.id))).toBe(false);
    expect(pilot.filter((r) => r.reliability)).toHaveLength(16);
    expect(summary.find((s) => s.activity === "SD")).toMatchObject({ population: 10, pilot: 10, holdout: 0 });
    expect(planPilots(populations, { seed: 42, holdoutSize: 20 }).rows).toEqual(rows);
    expect(reliabilitySubset(["a", "b", "c"], 0.1, new SeededRandom(1))).toHaveLength(1);
  });
});
