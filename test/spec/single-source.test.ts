// openapi.yaml is the single source: in a scratch copy of the repo, one edit of the spec (a new
// request field, a new enum value, a lower limit, the body closed to unknown fields) and
// `npm run generate` change what the types
// accept, what messages.create accepts and refuses at run time, what Prism accepts and what the
// docs show, while no file under src/ changes. Each verdict is also taken on the real repo, so
// the test shows a change rather than a constant.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseDocument } from 'yaml';
import { createClient as createRealClient } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/testing/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The edits: a field, an enum value, a limit. */
const newField = 'ticket_ref';
const newMessageType = 'note';
const newContentLimit = 20;

let scratch = '';
let srcBefore = '';
let generatedBefore = '';
let mock: MockServer | undefined;

function hashTree(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        hash
          .update(`${relative(dir, path)}\0`)
          .update(readFileSync(path))
          .update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'single-source-'));
  for (const name of ['openapi.yaml', 'redocly.yaml', 'package.json', 'tsconfig.json', 'scripts', 'src', 'generated']) {
    cpSync(join(root, name), join(scratch, name), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  srcBefore = hashTree(join(scratch, 'src'));
  generatedBefore = hashTree(join(scratch, 'generated'));

  const specPath = join(scratch, 'openapi.yaml');
  const spec = parseDocument(readFileSync(specPath, 'utf8'));
  spec.setIn(
    ['components', 'schemas', 'MessageFields', 'properties', newField],
    spec.createNode({
      type: 'integer',
      minimum: 1,
      description: 'The ticket this message answers, in your help desk.',
    }),
  );
  const messageTypes = spec.getIn(['components', 'schemas', 'RequestMessageType', 'enum']) as { add(value: unknown): void };
  messageTypes.add(newMessageType);
  spec.setIn(['components', 'schemas', 'Content', 'maxLength'], newContentLimit);
  // And the body closed to fields it does not name (the real spec leaves it open).
  spec.setIn(['components', 'schemas', 'CreateMessageRequest', 'unevaluatedProperties'], false);
  writeFileSync(specPath, String(spec));

  execFileSync(process.execPath, ['scripts/generate.mjs'], { cwd: scratch, stdio: 'pipe' });
}, 60_000);

afterAll(async () => {
  await mock?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('after editing the spec and running npm run generate', () => {
  it('changed generated/ and nothing under src/', () => {
    expect(hashTree(join(scratch, 'generated'))).not.toBe(generatedBefore);
    expect(hashTree(join(scratch, 'src'))).toBe(srcBefore);
  });

  it('the types accept the new field and enum value (and type the field as the spec says)', () => {
    const call = (from: string, fields: string) =>
      `import { createClient } from '${from}';\n` +
      `void createClient({ apiAccessToken: 't' }).messages.create({ account_id: 1, conversation_id: 2, content: 'x', ${fields} });\n`;
    const files = new Map([
      [join(scratch, 'snippet-valid.ts'), call(join(scratch, 'src/index.js'), `message_type: '${newMessageType}', ${newField}: 7`)],
      [join(scratch, 'snippet-wrong-type.ts'), call(join(scratch, 'src/index.js'), `${newField}: 'T-7'`)],
      [join(scratch, 'snippet-real-repo.ts'), call(join(root, 'src/index.js'), `message_type: '${newMessageType}', ${newField}: 7`)],
    ]);
    const parsed = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    )!;
    const host = ts.createCompilerHost(parsed.options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.readFile = (name) => files.get(resolve(name)) ?? readFile(name);
    host.fileExists = (name) => files.has(resolve(name)) || fileExists(name);
    const program = ts.createProgram([...files.keys()], { ...parsed.options, noEmit: true }, host);
    const said = (path: string) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(path)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
    const [valid = [], wrongType = [], realRepo = []] = [...files.keys()].map(said);
    expect(valid).toEqual([]);
    expect(wrongType.join('\n')).toMatch(/Type 'string' is not assignable to type 'number'/);
    // The same call against the real repo's types does not compile.
    expect(realRepo.length).toBeGreaterThan(0);
  }, 120_000);

  it('messages.create accepts the new field and enum value, and refuses past the new limit', async () => {
    // The scratch client, bundled from the scratch src/ and generated/ and loaded fresh.
    const bundled = join(scratch, 'client.mjs');
    await build({
      entryPoints: [join(scratch, 'src/index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: bundled,
      logLevel: 'silent',
    });
    const scratchModule = (await import(pathToFileURL(bundled).href)) as { createClient: typeof createRealClient };
    const bodies: unknown[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      bodies.push(JSON.parse(await request.text()));
      return new Response(
        JSON.stringify({
          id: 1,
          content: 'x',
          inbox_id: 1,
          conversation_id: 2,
          message_type: 1,
          created_at: 1,
          private: false,
          source_id: null,
          content_type: 'text',
          status: 'sent',
          account_id: 1,
        }),
        {
          status: 200,
          headers: { 'content-type': 'application/json' },
        },
      );
    };
    const options = { apiAccessToken: 'singleSourceTestToken1234', baseUrl: 'https://chat.example.com', retry: false as const, fetch };
    const scratchClient = scratchModule.createClient(options);
    const realClient = createRealClient(options);
    const ids = { account_id: 1, conversation_id: 2 };
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: { name: string; field: string; message: string }) => error,
      );

    await scratchClient.messages.create({ ...ids, content: 'x', message_type: newMessageType, [newField]: 7 } as never);
    expect(bodies).toEqual([{ content: 'x', message_type: newMessageType, [newField]: 7 }]);

    const tooLong = 'a'.repeat(newContentLimit + 1);
    const long = await refusal(scratchClient.messages.create({ ...ids, content: tooLong }));
    expect(long).toMatchObject({
      name: 'InvalidInputError',
      field: 'content',
      message: `content: must be at most ${newContentLimit} characters, got ${newContentLimit + 1}.`,
    });
    const wrongType = await refusal(scratchClient.messages.create({ ...ids, content: 'x', [newField]: 'T-7' } as never));
    expect(wrongType).toMatchObject({
      name: 'InvalidInputError',
      field: newField,
      message: `${newField}: must be a whole number, got "T-7" (a string).`,
    });

    const unknown = await refusal(scratchClient.messages.create({ ...ids, content: 'x', colour: 'red' } as never));
    expect(unknown).toMatchObject({ name: 'InvalidInputError', field: 'colour', message: 'colour: is not a field of Create a Message.' });

    // The real client, from the real spec: the other way round.
    const realType = await refusal(realClient.messages.create({ ...ids, content: 'x', message_type: newMessageType } as never));
    expect(realType).toMatchObject({ name: 'InvalidInputError', field: 'message_type' });
    bodies.length = 0;
    await realClient.messages.create({ ...ids, content: tooLong });
    await realClient.messages.create({ ...ids, content: 'x', colour: 'red' } as never);
    expect(bodies).toEqual([{ content: tooLong }, { content: 'x', colour: 'red' }]);
  }, 60_000);

  it('Prism on the scratch spec accepts and refuses likewise', async () => {
    mock = await startMockServer({ specPath: join(scratch, 'openapi.yaml') });
    const post = async (url: string, body: unknown) => {
      const response = await fetch(`${url}/api/v1/accounts/1/conversations/2/messages`, {
        method: 'POST',
        headers: { api_access_token: 't', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      return response.status;
    };
    expect(await post(mock.url, { content: 'x', message_type: newMessageType, [newField]: 7 })).toBe(200);
    expect(await post(mock.url, { content: 'a'.repeat(newContentLimit + 1) })).toBe(422);
    expect(await post(mock.url, { content: 'x', [newField]: 'T-7' })).toBe(422);
    // Prism 5.14.2 does not apply unevaluatedProperties (it answers 200): with a spec that closes
    // the body this way, the client refuses what the mock lets through. Pinned, so that a Prism
    // that starts to apply it shows up here.
    expect(await post(mock.url, { content: 'x', colour: 'red' })).toBe(200);
    // The shared Prism, on the real spec: the other way round.
    const real = inject('prismUrl');
    expect(await post(real, { content: 'x', message_type: newMessageType })).toBe(422);
    expect(await post(real, { content: 'a'.repeat(newContentLimit + 1) })).toBe(200);
    await mock.close();
  }, 60_000);

  it('the docs built from the scratch spec show the new field, enum value and limit', () => {
    execFileSync(process.execPath, ['scripts/docs.mjs'], { cwd: scratch, stdio: 'pipe' });
    const html = readFileSync(join(scratch, 'docs', 'index.html'), 'utf8');
    expect(html).toContain(newField);
    expect(html).toContain('The ticket this message answers, in your help desk.');
    expect(html).toContain(`"${newMessageType}"`);
    expect(html).toMatch(new RegExp(`"maxLength":${newContentLimit}\\b`));
    expect(readFileSync(join(root, 'openapi.yaml'), 'utf8')).not.toContain(newField);
  }, 60_000);
});
