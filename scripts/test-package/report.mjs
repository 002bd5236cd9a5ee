// test:package's report: the compatibility matrix as Markdown (test-package/compatibility.md).
import { checks, matrix, columns, columnTitles } from './harness.mjs';

// ---------------------------------------------------------------------------------------------
// The report

/** One line of at most 400 characters: the console has the whole text. */
export function short(text) {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}

export function matrixMarkdown(packInfo, notes, orphanNotes) {
  const mark = (c) => {
    if (c === undefined) return 'not run';
    if (c.status === 'pass') return 'yes';
    if (c.status === 'skip') return 'not run';
    if (c.status === 'na') return '–';
    return c.required ? '**FAIL**' : 'no';
  };
  const lines = [
    '| runtime | ' + columns.map((c) => columnTitles[c]).join(' | ') + ' |',
    '| --- | ' + columns.map(() => '---').join(' | ') + ' |',
  ];
  for (const [row, cells] of matrix) lines.push(`| ${row} | ${columns.map((c) => mark(cells[c])).join(' | ')} |`);
  const why = [];
  for (const [row, cells] of matrix) {
    for (const c of columns) {
      const x = cells[c];
      if (x?.note)
        why.push(
          `- ${row}, ${columnTitles[c]}: ${x.status === 'pass' ? 'ran as' : x.required ? 'FAILED:' : 'does not work:'} ${short(x.note)}`,
        );
    }
  }
  const packageLines = checks.map(
    (c) => `- ${c.ok ? 'ok' : c.required ? '**FAIL**' : 'warning'}: ${c.name}${c.detail ? ` (${short(c.detail)})` : ''}`,
  );
  return [
    '# Compatibility of the installed package',
    '',
    'Written by `npm run test:package` (scripts/test-package.mjs) from its last full run; do not edit by hand.',
    'Each runtime ran the package installed from its packed tarball in a scratch project outside the',
    'repo. Must work: the client on every runtime (Workers included) and from CommonJS on every Node;',
    'the testing helper (`99digital-client/testing`, which spawns Prism) and the CLI on every Node; on',
    'Workers the testing helper must fail with a ConfigurationError that says why.',
    '',
    ...lines,
    '',
    '## How each cell ran, and why a cell says no',
    '',
    '- Node rows: `node client.mjs`, `node example.mjs`, `npx 99digital --help` and',
    '  `npx 99digital send --mock --account 1 --conversation 42 "Hello"`, with that Node first on PATH.',
    "- CommonJS rows: `node require.cjs`, no flags: `require('99digital-client')` sends to the mock, then",
    "  `require('99digital-client/testing')` starts its own; the CLI is not a CommonJS matter (–).",
    '- Cloudflare Workers row: two Workers bundled from the installed package with esbuild (as wrangler',
    '  does) and served by `workerd serve`; the client Worker sends to a node:http server of the harness',
    '  on loopback, which checks the path, the api_access_token header and the JSON body, and the',
    '  Worker checks the message (`.withResponse()`) and a 404 (NotFoundError with its request id).',
    ...why,
    '- The client runs talk to a Prism mock started by the harness on Node; the testing-helper runs',
    '  start their own through `startMockServer()` under the runtime in the row.',
    ...notes.map((n) => `- ${n}`),
    '',
    "## Does the mock's Prism stop when the test process is killed (SIGKILL)?",
    '',
    ...orphanNotes.map((n) => `- ${n}`),
    '',
    '## The package',
    '',
    `- \`${packInfo.filename}\`: ${packInfo.entryCount} files, ${(packInfo.size / 1024).toFixed(1)} kB packed, ${(packInfo.unpackedSize / 1024).toFixed(1)} kB unpacked`,
    ...packageLines,
    '',
  ].join('\n');
}
