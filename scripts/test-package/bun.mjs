// test:package on Bun: the client, the testing helper and the CLI.
import { join } from 'node:path';
import { cell, cleanEnv, run, why, reasonLine, appDir } from './harness.mjs';
import { cliCell, prismOutlivesKilledParent, orphanNote, ran } from './runs.mjs';

export async function runBun(bun, mockUrl) {
  const version = bun.version;
  const row = `Bun ${version}`;
  const label = `bun ${version}`;
  const env = cleanEnv({ DO_NOT_TRACK: '1' });

  const client = await run(bun.bin, ['client.mjs'], { cwd: appDir, env: { ...env, DIGITAL99_BASE_URL: mockUrl } });
  cell(
    row,
    'client',
    ran(client, `${label}: client:`) ? 'pass' : 'fail',
    true,
    ran(client, `${label}: client:`) ? 'bun client.mjs' : why(client),
  );

  const example = await run(bun.bin, ['example.mjs'], { cwd: appDir, env });
  cell(
    row,
    'testing',
    ran(example, `${label}: testing helper`) ? 'pass' : 'fail',
    false,
    ran(example, label) ? 'bun example.mjs' : reasonLine(example),
  );
  const orphan = await prismOutlivesKilledParent(bun.bin, ['mock-and-wait.mjs'], env);
  orphanNote(row, orphan);

  const binPath = join('node_modules', '.bin', '99digital');
  await cliCell(row, (args) => run(bun.bin, [binPath, ...args], { cwd: appDir, env }), 'bun node_modules/.bin/99digital');
}
