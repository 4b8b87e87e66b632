/** Public API of the synthetic Hub generator (see generator.ts for the streaming contract). */
export { generateDemoHub, DEFAULT_DEMO_MODELS, DEFAULT_DEMO_SEED, DEMO_README_FILE, DEMO_SUMMARY_FILE, type DemoOptions, type DemoSummary } from "./generator";
export {
  GROUND_TRUTH_FILE,
  GROUND_TRUTH_SPEC,
  openGroundTruthWriter,
  parseEvidence,
  readGroundTruth,
  type GroundTruthRow,
  type PlantedEvidence,
} from "./ground-truth";
export { DEMO_PROFILES, PAPER, ROLES, roleCounts, type DemoProfile, type Role } from "./profiles";
export { OUTLIER_FAMILIES, REGEX_KEPT_KIND, TRAP_FAMILIES } from "./phrases";
