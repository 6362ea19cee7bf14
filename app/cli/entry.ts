// Process entry of the bundled `corral` CLI (dist/corral.cjs).
import { runCli } from './run-cli.ts';

runCli(process.argv.slice(2));
