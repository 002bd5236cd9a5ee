#!/usr/bin/env node
// The `99digital` executable (package.json `bin`). Not imported by the library entry (src/index.ts).
import { setFlagsFromString } from 'node:v8';
import { run } from './run.js';

// V8 grows the young generation (to 32 MB on 64-bit Node) when much of it survives a scavenge,
// which fetch's per-request objects do while a batch has requests in flight; the extra space is
// held for the rest of the run. Kept at its starting size, send-batch peaks ~30 MB lower (110 vs
// 140 MB on 20,000 lines, 118 vs 149 MB on 100,000) for ~3% more CPU (bench/results.md). The
// executable owns its process; the library sets no flags. Bun and Deno ignore it.
setFlagsFromString('--semi-space-growth-factor=1');

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
