import { defineConfig } from "vitest/config";

/**
 * Two projects: "unit" (module tests, the quick loop: `npm run test:unit`) and "integration" (whole
 * pipelines, spawned CLI processes, notebooks executed headless, pages in Chromium). `npm test` runs both.
 * A test file is integration when it runs the funnel, `replicate` or the CLI end to end, or takes seconds
 * of work on its own; everything else is unit.
 */
const INTEGRATION = [
  "test/notebooks.test.ts",
  "test/*browser*.test.ts",
  "test/llm-judge-cli.test.ts",
  "test/funnel.test.ts",
  "test/run-consistency.test.ts",
  "test/run-processes.test.ts",
  "test/corpus-card-dump.test.ts",
  "test/demo-generator.test.ts",
  "test/write-failures.test.ts",
  "test/selection-page.test.ts",
  "test/discover-demo.test.ts",
  "test/analyse-demo.test.ts",
  "test/ingest-nesting.test.ts",
  "test/collect-resume.test.ts",
  "test/demo-pipeline.test.ts",
  "test/llm-offline-demo.test.ts",
  "test/snapshot-until.test.ts",
  "test/search-demo.test.ts",
  "test/real-cards-judge.test.ts",
  "test/real-cards-discover.test.ts",
  "test/reanalysis.test.ts",
  "test/report-validation.test.ts",
  "test/notebook-run.test.ts",
  // not end to end, but slow: brute-force equivalence over thousands of cards, and dependency-cruiser
  // over the whole tree (also run by `npm run lint`)
  "test/near-duplicates.test.ts",
  "test/architecture.test.ts",
];

const shared = {
  testTimeout: 120_000,
  hookTimeout: 300_000,
  pool: "forks" as const,
  env: { DOTENV_CONFIG_QUIET: "true" },
};

export default defineConfig({
  test: {
    // The JSON report lets CI print a plain "N passed, N failed" line.
    reporters: ["default", "json"],
    outputFile: { json: "out/test-results.json" },
    projects: [
      { test: { ...shared, name: "unit", include: ["test/**/*.test.ts"], exclude: INTEGRATION } },
      { test: { ...shared, name: "integration", include: INTEGRATION } },
    ],
  },
});
