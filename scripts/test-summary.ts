// Prints one closing line over every suite `npm test` ran (vitest's JSON reports), in the plain
// "N passed, N failed" form CI reads.
import { existsSync, readFileSync } from 'node:fs';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const suite of ['unit', 'e2e', 'e2e-firefox']) {
  const file = `test-results/${suite}.json`;
  if (!existsSync(file)) {
    console.error(`missing ${file}: did the ${suite} tests run?`);
    process.exit(1);
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
