#!/usr/bin/env node
import { runCli } from './program.js';

const status = await runCli(process.argv.slice(2));
// serve keeps the event loop alive on its own; every other command ends here.
if (status !== 0) process.exitCode = status;
