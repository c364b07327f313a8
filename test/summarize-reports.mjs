// Adds up vitest JSON reports into the one closing line CI reads: "N passed, N failed".
// A suite that produced no report (it crashed before reporting) counts as one failure.
// Failed tests are listed just above that line, because CI keeps only the tail of the output.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

const dir = process.argv[2];
let passed = 0;
let failed = 0;
const failures = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
  const suite = basename(file, ".json");
  try {
    const report = JSON.parse(readFileSync(join(dir, file), "utf8"));
    passed += report.numPassedTests ?? 0;
    const failedTests = report.numFailedTests ?? 0;
    // A test file that failed to load fails no test but must still fail the run.
    const brokenFiles = failedTests === 0 ? (report.numFailedTestSuites ?? 0) : 0;
    failed += failedTests + brokenFiles;
    failures.push(...describeFailures(suite, report));
  } catch {
    failed += 1;
    failures.push(`${suite}: no report (the suite crashed before writing it)`);
  }
}
for (const line of failures) console.log(`FAILED ${line}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

function describeFailures(suite, report) {
  const lines = [];
  for (const fileResult of report.testResults ?? []) {
    const file = basename(fileResult.name ?? "?");
    const failedAssertions = (fileResult.assertionResults ?? []).filter((a) => a.status === "failed");
    for (const assertion of failedAssertions) {
      lines.push(`${suite}/${file} > ${assertion.fullName}: ${firstLine(assertion.failureMessages?.[0])}`);
    }
    if (failedAssertions.length === 0 && fileResult.status === "failed") {
      lines.push(`${suite}/${file}: ${firstLine(fileResult.message)}`);
    }
  }
  return lines;
}

function firstLine(text) {
  return String(text ?? "").split("\n")[0].slice(0, 300);
}
