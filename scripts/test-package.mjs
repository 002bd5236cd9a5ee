#!/usr/bin/env node
// npm run test:package — the package as users install it. Packs the repo into a tarball, installs
// it into scratch projects outside the repo (with and without the optional peer Prism), checks the
// tarball's contents and run-time imports, runs publint and attw on it, type-checks a user's
// TypeScript (NodeNext and bundler), then runs the client, the testing helper and the `99digital`
// command on Node 20, 22 and 24, Bun and Deno; loads it with require() from CommonJS on each Node
// and type-checks a CommonJS project; runs two Cloudflare Workers in workerd. Prints a compatibility matrix, writes it to
// test-package/compatibility.md, and exits 1 if anything that must work does not.
//
// Only Node + npm + the npm registry are needed: other runtimes come from their npm packages
// (`node`, `bun`, `deno`, `workerd`) and are cached in $TMPDIR/99digital-client-runtimes (override with
// TEST_PACKAGE_RUNTIMES_DIR). `--keep` keeps the scratch folder for a look afterwards.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  repo,
  manifest,
  keep,
  runtimeVersions,
  workerdBuildDate,
  runtimeCache,
  devVersion,
  TOTAL_BUDGET_MS,
  startedAt,
  seconds,
  checks,
  matrix,
  columns,
  columnTitles,
  check,
  cell,
  step,
  live,
  killGroup,
  run,
  why,
  removeStalePartials,
  ensureRuntime,
  nodeBinary,
  workDir,
  appDir,
  bareAppDir,
  notes,
  orphanNotes,
} from './test-package/harness.mjs';
import { packTarball, checkFileList, checkBin, checkRuntimeImports, installApp, startSharedMock } from './test-package/tarball.mjs';
import { runNode } from './test-package/node.mjs';
import { npxLocalOnly } from './test-package/runs.mjs';
import { runWorkers } from './test-package/workers.mjs';
import { runBun } from './test-package/bun.mjs';
import { runDeno } from './test-package/deno.mjs';
import { matrixMarkdown } from './test-package/report.mjs';

// ---------------------------------------------------------------------------------------------
// Main

const budget = setTimeout(() => {
  console.error(`\ntest:package: over its ${seconds(TOTAL_BUDGET_MS)} budget; stopping everything.`);
  cleanup();
  process.exit(1);
}, TOTAL_BUDGET_MS);
budget.unref();

let sharedMock;
function cleanup() {
  sharedMock?.close();
  for (const child of live) killGroup(child);
  if (!keep) rmSync(workDir, { recursive: true, force: true });
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    cleanup();
    process.exit(code);
  });
}

let packInfo;
try {
  console.log(`test:package: scratch folder ${workDir}${keep ? ' (kept)' : ''}; runtimes cached in ${runtimeCache}`);

  // The runtimes download while the package is packed and installed.
  removeStalePartials();
  const runtimesReady = Promise.allSettled([
    nodeBinary(runtimeVersions.node20),
    nodeBinary(runtimeVersions.node22),
    nodeBinary(runtimeVersions.node24),
    ensureRuntime('bun', runtimeVersions.bun, 'bun').then((bin) => ({ bin, version: runtimeVersions.bun })),
    ensureRuntime('deno', runtimeVersions.deno, 'deno').then((bin) => ({ bin, version: runtimeVersions.deno })),
    ensureRuntime('workerd', runtimeVersions.workerd, 'workerd', workerdBuildDate(runtimeVersions.workerd)).then((bin) => ({
      bin,
      version: runtimeVersions.workerd,
    })),
  ]);
  runtimesReady.catch(() => {}); // settled below

  packInfo = await step('build and npm pack (on a copy of the working tree)', packTarball);
  console.log(
    `  ${packInfo.filename}: ${packInfo.entryCount} files, ${packInfo.size} bytes packed, ${packInfo.unpackedSize} bytes unpacked`,
  );

  await step('tarball contents', () => checkFileList(packInfo));

  await step('install the tarball into scratch projects (with Prism + TypeScript, and without Prism)', async () => {
    const peer = `@stoplight/prism-cli@${manifest.peerDependencies?.['@stoplight/prism-cli'] ?? devVersion('@stoplight/prism-cli')}`;
    await Promise.all([
      installApp(appDir, packInfo.tarball, [peer, `typescript@${devVersion('typescript')}`, `@types/node@${devVersion('@types/node')}`]),
      installApp(bareAppDir, packInfo.tarball, []),
    ]);
  });
  const installedPackage = join(appDir, 'node_modules', manifest.name);

  await step("the published package.json: no script a consumer's install would run or list", () => {
    const { scripts = {} } = JSON.parse(readFileSync(join(installedPackage, 'package.json'), 'utf8'));
    const installTime = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare'].filter((name) => name in scripts);
    check('no install-time scripts in the published package.json', installTime.length === 0, installTime.join(', '));
  });

  await step('run-time imports of the installed dist/', async () => {
    checkBin(installedPackage);
    notes.push(...(await checkRuntimeImports(installedPackage)).map((line) => `imports of ${line}`));
  });

  await step('publint and attw on the tarball (lint:package)', async () => {
    const publint = await run(join(repo, 'node_modules', '.bin', 'publint'), ['run', packInfo.tarball, '--strict'], { cwd: workDir });
    check(
      'publint --strict',
      publint.code === 0 && !/\b(error|warning)\b/i.test(publint.stdout + publint.stderr),
      publint.code === 0 ? (publint.stdout.trim().split('\n').at(-1) ?? '') : why(publint, 3000),
    );
    // An ES module that CommonJS loads with require() on Node >= 20.19 (require(esm); engines says
    // so, and the CommonJS runs below prove it). attw does not know require(esm) and calls that
    // "dynamic import only" (cjs-resolves-to-esm): that one rule is ignored, every other check of
    // the node16 resolutions (from CommonJS and from ESM) and bundlers stands. node10 (left out by
    // the node16 profile) ignores "exports": it finds the main entry's types, not ./testing's.
    // openapi.yaml is exported as a file to read, not a module to import: attw has nothing to check.
    const attwArgs = ['--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--exclude-entrypoints', './openapi.yaml'];
    const attw = await run(
      join(repo, 'node_modules', '.bin', 'attw'),
      [packInfo.tarball, ...attwArgs, '--no-color', '--no-emoji', '--format', 'table'],
      { cwd: workDir },
    );
    check(
      `attw ${attwArgs.join(' ')}`,
      attw.code === 0,
      attw.code === 0 ? 'no problems for node16 (from CommonJS and ESM) and bundler' : why(attw, 3000),
    );
  });

  await step("type-check a user's TypeScript (strict; NodeNext, and bundler without @types/node)", async () => {
    const tsc = join(appDir, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
      const result = await run(process.execPath, [tsc, '-p', join('types', config)], { cwd: appDir });
      check(`tsc -p types/${config} (with @ts-expect-error lines)`, result.code === 0, result.code === 0 ? '' : why(result, 3000));
    }
    // A CommonJS project (cjs/package.json: "type": "commonjs").
    for (const config of ['tsconfig.nodenext.json', 'tsconfig.commonjs.json']) {
      const result = await run(process.execPath, [tsc, '-p', join('cjs', config)], { cwd: appDir });
      check(
        `CommonJS project: tsc -p cjs/${config}`,
        result.code === 0,
        result.code === 0
          ? config.includes('commonjs')
            ? 'main entry (node10 resolution ignores exports)'
            : 'main and ./testing'
          : why(result, 3000),
      );
    }
    // "module": "node16" refuses to type a require() of an ES module (TS1479) whatever Node allows:
    // checked, so that the README's advice (use nodenext) stays true.
    const node16 = await run(process.execPath, [tsc, '-p', join('cjs', 'tsconfig.node16.json')], { cwd: appDir });
    check(
      'CommonJS project: "module": "node16" fails with TS1479, as the README says (use nodenext)',
      node16.code !== 0 && /TS1479/.test(node16.stdout),
      node16.code === 0 ? 'it now passes: update the README' : '',
      false,
    );
  });

  await step('without the optional peer Prism', async () => {
    const prismThere = existsSync(join(bareAppDir, 'node_modules', '@stoplight', 'prism-cli'));
    const result = await run(process.execPath, ['no-peer.mjs'], { cwd: bareAppDir });
    check(
      'testing helper without Prism says what to install',
      !prismThere && result.code === 0,
      prismThere
        ? 'npm installed Prism anyway: nothing tested'
        : result.code === 0
          ? result.stdout.trim().replace(/^node [\d.]+: /, '')
          : why(result),
    );
    const help = await run('npx', [...npxLocalOnly, '99digital', '--help'], { cwd: bareAppDir });
    check('99digital --help without Prism', help.code === 0 && help.stdout.includes('Usage: 99digital'), help.code === 0 ? '' : why(help));
    const send = await run('npx', [...npxLocalOnly, '99digital', 'send', '--mock', '--account', '1', '--conversation', '42', 'Hello'], {
      cwd: bareAppDir,
    });
    const saysWhat = send.code !== 0 && send.stderr.includes('npm install -D @stoplight/prism-cli@');
    check('99digital send --mock without Prism fails saying what to install', saysWhat, saysWhat ? `exit ${send.code}` : why(send));
  });

  // Everything after this point needs the runtimes.
  const settled = await step('runtimes (npm packages node, bun, deno; cached)', async () => {
    const all = await runtimesReady;
    const names = ['Node', 'Node', 'Node', 'Bun', 'Deno', 'workerd'];
    all.forEach((r, i) => {
      console.log(`  ${r.status === 'fulfilled' ? `${names[i]}: ${r.value.bin}` : `${names[i]}: ${r.reason.message}`}`);
      if (r.status === 'fulfilled')
        notes.push(`${names[i]} ${r.value.version}: ${r.value.source ?? `npm package ${names[i].toLowerCase()}@${r.value.version}`}`);
    });
    return all;
  });

  sharedMock = await step('a Prism mock (started by this Node) for the client runs', startSharedMock);
  console.log(`  ${sharedMock.url}`);

  const [n20, n22, n24, bun, deno, workerd] = settled;
  for (const [i, r] of [n20, n22, n24].entries()) {
    const wanted = Object.values(runtimeVersions)[i];
    if (r.status === 'rejected') {
      for (const c of columns) cell(`Node ${wanted}`, c, 'fail', true, r.reason.message);
      continue;
    }
    await step(`Node ${r.value.version} (${r.value.source})`, () => runNode(r.value, sharedMock.url));
  }
  if (bun.status === 'fulfilled') await step(`Bun ${bun.value.version}`, () => runBun(bun.value, sharedMock.url));
  else cell(`Bun ${runtimeVersions.bun}`, 'client', 'fail', true, bun.reason.message);
  if (deno.status === 'fulfilled') await step(`Deno ${deno.value.version}`, () => runDeno(deno.value, sharedMock.url));
  else cell(`Deno ${runtimeVersions.deno}`, 'client', 'fail', true, deno.reason.message);
  if (workerd.status === 'fulfilled') await step(`Cloudflare Workers (workerd ${workerd.value.version})`, () => runWorkers(workerd.value));
  else cell(`Cloudflare Workers (workerd ${runtimeVersions.workerd})`, 'client', 'fail', true, workerd.reason.message);
} catch (error) {
  check('test:package ran to the end', false, error instanceof Error ? error.message : String(error));
} finally {
  sharedMock?.close();
}

const failed = [
  ...checks.filter((c) => c.required && !c.ok).map((c) => c.name),
  ...[...matrix].flatMap(([row, cells]) =>
    columns.filter((c) => cells[c]?.required && cells[c].status === 'fail').map((c) => `${row} × ${columnTitles[c]}`),
  ),
];

if (packInfo !== undefined && matrix.size > 0) {
  const markdown = matrixMarkdown(packInfo, notes, orphanNotes);
  writeFileSync(join(repo, 'test-package', 'compatibility.md'), markdown);
  console.log(`\n${markdown}`);
  console.log('(written to test-package/compatibility.md)');
}
console.log(`\ntest:package: ${seconds(Date.now() - startedAt)} in all.`);
cleanup();
clearTimeout(budget);
if (failed.length > 0) {
  console.error(`test:package: FAILED: ${failed.join('; ')}`);
  process.exit(1);
}
console.log('test:package: everything that must work works.');
