// test:package on Deno: the client, the testing helper and the CLI.
import { join } from 'node:path';
import { runtimeCache, cell, cleanEnv, run, why, reasonLine, appDir } from './harness.mjs';
import { cliCell, prismOutlivesKilledParent, orphanNote, ran } from './runs.mjs';

export async function runDeno(deno, mockUrl) {
  const version = deno.version;
  const row = `Deno ${version}`;
  const label = `deno ${version}`;
  const env = cleanEnv({ DENO_DIR: join(runtimeCache, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1' });
  // The scratch project's package.json + node_modules (npm installed the tarball there): Deno
  // cannot take a local tarball through an npm: specifier, and the package is not on the registry.
  const base = ['run', '--no-lock', '--node-modules-dir=manual'];

  // The least a Deno user grants: the mock's address, and the two variables createClient reads.
  const perms = [`--allow-net=${new URL(mockUrl).host}`, '--allow-env=DIGITAL99_API_ACCESS_TOKEN,DIGITAL99_BASE_URL'];
  const permsShown = perms.join(' ').replace(/:\d+/, ':<port>');
  const client = await run(deno.bin, [...base, ...perms, 'client.mjs'], { cwd: appDir, env: { ...env, DIGITAL99_BASE_URL: mockUrl } });
  cell(
    row,
    'client',
    ran(client, `${label}: client:`) ? 'pass' : 'fail',
    true,
    ran(client, `${label}: client:`) ? `deno run ${permsShown} client.mjs` : why(client),
  );

  const example = await run(deno.bin, [...base, '--allow-all', 'example.mjs'], { cwd: appDir, env });
  cell(
    row,
    'testing',
    ran(example, `${label}: testing helper`) ? 'pass' : 'fail',
    false,
    ran(example, label) ? 'deno run -A example.mjs' : reasonLine(example),
  );
  const orphan = await prismOutlivesKilledParent(deno.bin, [...base, '--allow-all', 'mock-and-wait.mjs'], env);
  orphanNote(row, orphan);

  const binPath = join('node_modules', '.bin', '99digital');
  await cliCell(
    row,
    (args) => run(deno.bin, [...base, '--allow-all', binPath, ...args], { cwd: appDir, env }),
    'deno run -A node_modules/.bin/99digital',
  );
}
