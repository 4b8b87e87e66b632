/**
 * hf-se-atlas as a library: one namespace per pipeline stage, in the order data flows through them.
 * Notebooks and scripts can import a stage's module directly (e.g. `hf-se-atlas/dist/search/match`)
 * or take everything from here.
 */
export * as record from "./corpus/record";
export * as card from "./corpus/card";
export * as ingest from "./corpus/ingest";
export * as store from "./corpus/store";
export * as taxonomy from "./taxonomy/taxonomy";
export * as run from "./run";
export * as demo from "./demo";
export * as collect from "./collect/collector";
export * as prepare from "./prepare/preparer";
export * as search from "./search/match";
export * as documentation from "./search/documentation";
export * as markdown from "./search/markdown";
export * as provenance from "./search/provenance";
export * as signals from "./signals/signals";
export * as signalData from "./signals/data";
export * as lineage from "./signals/lineage";
export * as outliers from "./filter/outliers";
export * as nearDuplicates from "./filter/near-duplicates";
export * as offlineJudge from "./judges/offline-rules";
export * as outcome from "./judges/outcome";
export * as relevance from "./pipeline/relevance";
export * as judgePanel from "./pipeline/judge-panel";
export * as relevancePlan from "./pipeline/relevance-plan";
export * as pilots from "./validate/sample";
export * as agreement from "./validate/agreement";
export * as compare from "./validate/compare";
export * as funnel from "./pipeline/funnel";
export * as discover from "./pipeline/discover";
export * as replication from "./pipeline/replicate";
export * as evaluate from "./evaluate/score";
export * as pairScores from "./evaluate/pairs";
export * as judgeAgreement from "./analyse/judge-agreement";
export * as analyse from "./analyse/all";
export * as figures from "./figures/all";
