// Runs the Node SDK's own suites (sdk/node/test) under `npm test`, which only looks in test/:
// importing them registers their tests in this process.
import '../../../sdk/node/test/client.test.ts';
import '../../../sdk/node/test/process.test.ts';
