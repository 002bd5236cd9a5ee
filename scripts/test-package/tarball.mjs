// test:package: the tarball (packed from a copy of the working tree), what is in it and what its
// dist/ imports at run time, and the scratch projects it is installed into.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join, relative } from 'node:path';
import {
  repo,
  manifest,
  INSTALL_TIMEOUT_MS,
  check,
  live,
  killGroup,
  cleanEnv,
  run,
  why,
  freePort,
  stageDir,
  packDir,
  appDir,
} from './harness.mjs';

// The build (which rebuilds dist/ from scratch) and the pack run on a copy of the working tree, so
// that this test never pulls dist/ from under anyone working in the repo. (The package has no
// `prepare`: consumers of a tarball were shown it, so the build is run here, as a publish would.)
export const notCopied = new Set(['node_modules', '.git', 'dist', 'docs', 'coverage', '.tmp', 'test-results']);

export async function packTarball() {
  cpSync(repo, stageDir, {
    recursive: true,
    filter: (source) => {
      const top = relative(repo, source).split(/[\\/]/)[0];
      return !notCopied.has(top) && !top.endsWith('.tgz');
    },
  });
  symlinkSync(join(repo, 'node_modules'), join(stageDir, 'node_modules'), 'dir');
  mkdirSync(packDir);
  const build = await run(process.execPath, [join(stageDir, 'scripts', 'build.mjs')], { cwd: stageDir, timeoutMs: 300_000 });
  if (build.code !== 0) throw new Error(`the build failed: ${why(build, 4000)}`);
  const pack = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: stageDir, timeoutMs: 300_000 });
  if (pack.code !== 0) throw new Error(`npm pack failed: ${why(pack, 4000)}`);
  const [info] = JSON.parse(pack.stdout);
  return { ...info, tarball: join(packDir, info.filename) };
}

/** Every file the manifest points at (exports, bin, types) must be in the tarball. */
export function manifestTargets() {
  const targets = new Set(['package.json', 'README.md']);
  const walk = (value) => {
    if (typeof value === 'string') targets.add(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  walk(manifest.types);
  return [...targets];
}

// What a user never needs: sources, tests, scripts, fixtures, configs, source maps.
export const unwanted = [
  [/^(src|generated|test|tests|scripts|test-package|bench|docs|coverage|\.ci|\.github)\//, 'repo-only folder'],
  [/\.map$/, 'source map'],
  [/(?<!\.d)\.ts$/, 'TypeScript source'],
  [/\.(test|spec|bench)\.[cm]?[jt]s$/, 'test file'],
  [/(^|\/)(tsconfig[^/]*\.json|vitest\.config\.[cm]?[jt]s|redocly\.yaml|package-lock\.json|\.npmrc|\.env[^/]*)$/, 'config'],
  [/\.tsbuildinfo$/, 'build cache'],
  [/\.tgz$/, 'tarball'],
];

export function checkFileList(info) {
  const files = info.files.map((f) => f.path);
  const missing = manifestTargets().filter((f) => !files.includes(f));
  check(
    'every exports/bin/types target and README.md is in the tarball',
    missing.length === 0,
    missing.length ? `missing: ${missing.join(', ')}` : '',
  );
  const extra = files.flatMap((f) => unwanted.filter(([re]) => re.test(f)).map(([, what]) => `${f} (${what})`));
  check('nothing repo-only is in the tarball', extra.length === 0, extra.length ? extra.join(', ') : `${files.length} files`);
  const license = files.some((f) => /^(license|licence)(\.|$)/i.test(f));
  check(`a LICENSE file ships with the "${manifest.license}" licence`, license, license ? '' : 'no LICENSE file in the repo root', false);
  return files;
}

/** The bin file must start with a shebang, or `npx 99digital` cannot run it. */
export function checkBin(installedPackageDir) {
  for (const [name, target] of Object.entries(manifest.bin ?? {})) {
    const file = join(installedPackageDir, target);
    const firstLine = existsSync(file) ? readFileSync(file, 'utf8').split('\n')[0] : undefined;
    check(
      `bin ${name} (${target}) starts with #!/usr/bin/env node`,
      firstLine === '#!/usr/bin/env node',
      firstLine === undefined ? 'file missing' : firstLine,
    );
  }
}

/**
 * The bare imports of each entry point, found by esbuild following the relative imports of the
 * installed dist/ (dynamic `import('x')` with a literal included). Each must be a node: builtin, a
 * dependency, or (outside the main entry) an optional peer dependency: never only a devDependency.
 */
export async function checkRuntimeImports(installedPackageDir) {
  const { build } = await import('esbuild');
  const entries = {};
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const file = typeof target === 'string' ? target : (target.default ?? target.import);
    if (typeof file === 'string' && /\.[cm]?js$/.test(file)) entries[subpath] = file;
  }
  for (const [name, target] of Object.entries(manifest.bin ?? {})) entries[`bin ${name}`] = target;

  const deps = manifest.dependencies ?? {};
  const peers = manifest.peerDependencies ?? {};
  const optionalPeer = (name) => peers[name] !== undefined && manifest.peerDependenciesMeta?.[name]?.optional === true;
  const used = new Set();
  const summary = [];
  for (const [entry, file] of Object.entries(entries)) {
    const path = join(installedPackageDir, file);
    if (!existsSync(path)) {
      check(`run-time imports of ${entry}`, false, `${file} is not in the package`);
      continue;
    }
    const result = await build({
      entryPoints: [path],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const bare = new Set();
    for (const input of Object.values(result.metafile.inputs)) {
      for (const imp of input.imports) if (imp.external) bare.add(imp.path);
    }
    const problems = [];
    const builtins = [];
    for (const specifier of [...bare].sort()) {
      if (specifier.startsWith('node:')) {
        builtins.push(specifier);
        continue;
      }
      if (builtinModules.includes(specifier)) {
        problems.push(`"${specifier}" is a Node builtin without the node: prefix (Deno and bundlers want node:${specifier})`);
        continue;
      }
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      used.add(name);
      if (deps[name] !== undefined) continue;
      if (optionalPeer(name) && entry !== '.') continue;
      if (optionalPeer(name)) problems.push(`${name} is an optional peer, but the main entry imports it`);
      else if (manifest.devDependencies?.[name] !== undefined)
        problems.push(`${name} is needed at run time but only a devDependency: move it to dependencies`);
      else problems.push(`${name} is imported but not declared in dependencies`);
    }
    const packages = [...bare].filter((s) => !s.startsWith('node:'));
    summary.push(
      `${entry}: ${[...packages, ...(builtins.length ? [`${builtins.length} node: builtins`] : [])].join(', ') || 'no imports'}`,
    );
    check(
      `run-time imports of ${entry} are all declared`,
      problems.length === 0,
      problems.join('; ') || `${packages.join(', ') || 'no packages'}${builtins.length ? ` + ${builtins.join(', ')}` : ''}`,
    );
  }
  const unused = Object.keys(deps).filter((name) => !used.has(name));
  check('every dependency is imported by some entry', unused.length === 0, unused.length ? `unused: ${unused.join(', ')}` : '', false);
  return summary;
}

// ---------------------------------------------------------------------------------------------
// Scratch projects

export async function installApp(dir, tarball, extra) {
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }, null, 2)}\n`);
  // The example files the runs use (not the compatibility report).
  cpSync(join(repo, 'test-package'), dir, { recursive: true, filter: (source) => basename(source) !== 'compatibility.md' });
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn', tarball, ...extra], {
    cwd: dir,
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  if (install.code !== 0) throw new Error(`npm install in ${dir} failed: ${why(install, 4000)}`);
  // npm 11 lists every installed package with a script it would run at install (a `prepare` of a
  // tarball among them): ours must not be one.
  const ours = `${install.stdout}${install.stderr}`
    .split('\n')
    .filter((line) => line.includes(manifest.name) && /install-scripts|prepare/.test(line));
  check(`installing the tarball (${basename(dir)}) shows no install script of ${manifest.name}`, ours.length === 0, ours.join(' | '));
}

/** A Prism mock of the packaged openapi.yaml, started by this Node, for the Bun and Deno runs. */
export async function startSharedMock() {
  const prismDir = join(appDir, 'node_modules', '@stoplight', 'prism-cli');
  const prismManifest = JSON.parse(readFileSync(join(prismDir, 'package.json'), 'utf8'));
  const prismBin = join(prismDir, typeof prismManifest.bin === 'string' ? prismManifest.bin : prismManifest.bin.prism);
  const spec = join(appDir, 'node_modules', '99digital-client', 'openapi.yaml');
  const port = await freePort();
  const child = spawn(process.execPath, [prismBin, 'mock', spec, '-h', '127.0.0.1', '-p', String(port), '--errors', '--no-multiprocess'], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Prism is listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup(child);
      throw new Error(`Prism did not start: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      killGroup(child);
      live.delete(child);
    },
  };
}
