// Prints the plain closing line "N passed, N failed, N skipped" from vitest's JSON report.
import { readFileSync } from "node:fs";

const path = process.argv[2] ?? "out/test-results.json";
try {
  const report = JSON.parse(readFileSync(path, "utf8"));
  const failed = report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
  const skipped = report.numPendingTests + (report.numTodoTests ?? 0);
  console.log(`vitest: ${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
} catch (error) {
  console.log(`no test report at ${path}: ${error.message}`);
  process.exitCode = 1;
}
