// Prints one plain closing line, `tests: N passed, N failed`, that CI can read whatever the runner.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  }
}
module.exports = SummaryReporter;
