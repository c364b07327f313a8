// Adds up vitest JSON reports into the one closing line CI reads: "N passed, N failed".
// A suite that produced no report (it crashed before reporting) counts as one failure.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
let passed = 0;
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
  try {
    const report = JSON.parse(readFileSync(join(dir, file), "utf8"));
    passed += report.numPassedTests ?? 0;
    const failedTests = report.numFailedTests ?? 0;
    // A test file that failed to load fails no test but must still fail the run.
    const brokenFiles = failedTests === 0 ? (report.numFailedTestSuites ?? 0) : 0;
    failed += failedTests + brokenFiles;
  } catch {
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
