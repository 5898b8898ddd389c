/** Process entry of the CLI: kept apart from cli.ts so tests can call main() in-process. */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
