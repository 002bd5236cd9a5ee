#!/usr/bin/env node
// The `99digital` executable (package.json `bin`). Not imported by the library entry (src/index.ts).
import { run } from './run.js';

const interrupt = new AbortController();
const onSigint = (): void => {
  if (interrupt.signal.aborted) process.exit(130); // a second Ctrl-C: stop waiting for clean-up
  interrupt.abort(new Error('interrupted (Ctrl-C)'));
};
process.on('SIGINT', onSigint);

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  signal: interrupt.signal,
  stderrIsTTY: process.stderr.isTTY === true,
});
process.off('SIGINT', onSigint);
