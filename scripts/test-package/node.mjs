// test:package on Node (20, 22, 24): the client, the testing helper, the CLI and require() from CommonJS.
import { delimiter, dirname } from 'node:path';
import { cell, cleanEnv, run, why, appDir } from './harness.mjs';
import { npxLocalOnly, prismOutlivesKilledParent, orphanNote, ran } from './runs.mjs';

export async function runNode(node, mockUrl) {
  const row = `Node ${node.version}`;
  const label = `node ${node.version}`;
  // First on PATH: `npx` and the bin's `#!/usr/bin/env node` then run on this Node.
  const env = cleanEnv({ PATH: `${dirname(node.bin)}${delimiter}${process.env.PATH}` });

  const client = await run(node.bin, ['client.mjs'], { cwd: appDir, env: { ...env, DIGITAL99_BASE_URL: mockUrl } });
  cell(row, 'client', ran(client, `${label}: client:`) ? 'pass' : 'fail', true, ran(client, label) ? '' : why(client));

  const example = await run(node.bin, ['example.mjs'], { cwd: appDir, env });
  cell(row, 'testing', ran(example, `${label}: testing helper + client:`) ? 'pass' : 'fail', true, ran(example, label) ? '' : why(example));
  const orphan = await prismOutlivesKilledParent(node.bin, ['mock-and-wait.mjs'], env);
  orphanNote(row, orphan);

  const help = await run('npx', [...npxLocalOnly, '99digital', '--help'], { cwd: appDir, env });
  const send =
    help.code === 0
      ? await run('npx', [...npxLocalOnly, '99digital', 'send', '--mock', '--account', '1', '--conversation', '42', 'Hello'], {
          cwd: appDir,
          env,
        })
      : undefined;
  const helpOk = help.code === 0 && help.stdout.includes('Usage: 99digital');
  const sendOk = send?.code === 0 && send.stdout.trim() !== '';
  cell(row, 'cli', helpOk && sendOk ? 'pass' : 'fail', true, !helpOk ? `--help: ${why(help)}` : !sendOk ? `send --mock: ${why(send)}` : '');

  // CommonJS: require() of the package (an ES module) through Node's require(esm), no flags.
  const cjsRow = `${row}, CommonJS \`require()\``;
  const cjs = await run(node.bin, ['require.cjs'], { cwd: appDir, env: { ...env, DIGITAL99_BASE_URL: mockUrl } });
  // Node prints an ExperimentalWarning for require(esm) on some versions: say so, it is what users see.
  const warned = /ExperimentalWarning[^\n]*/.exec(cjs.stderr)?.[0];
  cell(
    cjsRow,
    'client',
    ran(cjs, `${label}: require client:`) ? 'pass' : 'fail',
    true,
    ran(cjs, `${label}: require client:`) ? (warned ? `node require.cjs, which prints "${warned.trim()}"` : '') : why(cjs),
  );
  cell(
    cjsRow,
    'testing',
    ran(cjs, `${label}: require testing helper:`) ? 'pass' : 'fail',
    true,
    ran(cjs, `${label}: require client:`) ? '' : 'not reached',
  );
  cell(cjsRow, 'cli', 'na', false);
  return { help, send };
}
