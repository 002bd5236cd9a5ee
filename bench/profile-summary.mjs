#!/usr/bin/env node
// Summarises a .cpuprofile (node --cpu-prof): self time by source file and by function, and the
// inclusive ("total") time of functions whose name matches --focus.
//   node bench/profile-summary.mjs <file.cpuprofile> [--top=25] [--focus=regex]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, focus: { type: 'string' } },
});
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample counts → time: the profile's samples are spaced by timeDeltas (µs).
const self = new Map();
for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const short = (url) =>
  url
    .replace(/^.*node_modules\//, '')
    .replace(/^file:\/\/.*\/work\/main\//, '')
    .replace(/^node:/, 'node:') || '(native/vm)';
const fnName = (n) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;

const byFile = new Map();
const byFn = new Map();
for (const [id, us] of self) {
  const n = byId.get(id);
  const file = short(n.callFrame.url).replace(/:\d+$/, '');
  byFile.set(file, (byFile.get(file) ?? 0) + us);
  const name = fnName(n);
  byFn.set(name, (byFn.get(name) ?? 0) + us);
}
const top = Number(values.top);
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
console.log('\nself time by file:');
for (const [k, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
console.log('\nself time by function:');
for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);

if (values.focus) {
  // Inclusive time: a sample counts for every distinct matching frame on its stack.
  const re = new RegExp(values.focus);
  const incl = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const name = fnName(byId.get(cur));
      if (re.test(name) && !seen.has(name)) {
        seen.add(name);
        incl.set(name, (incl.get(name) ?? 0) + us);
      }
    }
  }
  console.log(`\ninclusive time of functions matching ${re}:`);
  for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
}
