// The compiler's own words for common mistakes in messages.create: with create generic over
// content_type, each error names the variant the caller chose (text when content_type is left
// out), never another one such as the form field type. Runs the TypeScript compiler on small
// snippets, all in one program.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const prelude = `
import { createClient } from '${resolve(root, 'src/index.js')}';
const client = createClient({ apiAccessToken: 'tok' });
const ids = { account_id: 1, conversation_id: 42 };
`;

/** Snippets: `valid*` must compile; each other one is a common mistake. */
const snippets = {
  validCards: `void client.messages.create({ ...ids, content: 'x', content_type: 'cards', content_attributes: { items: [{ title: 'A', actions: [{ type: 'postback', text: 'Go', payload: 'GO' }] }] } });`,
  validText: `void client.messages.create({ ...ids, content: 'x', content_attributes: { in_reply_to: 7 } });`,
  cardWithoutActions: `client.messages.create({ ...ids, content: 'x', content_type: 'cards', content_attributes: { items: [{ title: 'A', description: 'd' }] } });`,
  validWithoutContent: `void client.messages.create({ ...ids, content_type: 'cards', content_attributes: { items: [{ actions: [{ type: 'link', text: 'Go', uri: 'tel:+972501234567' }] }] } });`,
  choiceWithoutValue: `client.messages.create({ ...ids, content: 'x', content_type: 'input_select', content_attributes: { items: [{ title: 'Small' }] } });`,
  wrongActionType: `client.messages.create({ ...ids, content: 'x', content_type: 'cards', content_attributes: { items: [{ title: 'A', actions: [{ type: 'call', text: 'Go', payload: 'GO' }] }] } });`,
  formItemsOnSelect: `client.messages.create({ ...ids, content: 'x', content_type: 'input_select', content_attributes: { items: [{ name: 'email', label: 'Email', type: 'email' }] } });`,
  itemsOnText: `client.messages.create({ ...ids, content: 'x', content_attributes: { items: [{ title: 'Small', value: 's' }] } });`,
  cardItemsOnForm: `client.messages.create({ ...ids, content: 'x', content_type: 'form', content_attributes: { items: [{ title: 'A', actions: [] }] } });`,
};
type Name = keyof typeof snippets;

const diagnostics = new Map<Name, string>();

beforeAll(() => {
  const files = new Map(
    Object.entries(snippets).map(([name, code]) => [resolve(root, `test/types/__snippet_${name}.ts`), prelude + code + '\n']),
  );
  const parsed = ts.getParsedCommandLineOfConfigFile(
    resolve(root, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )!;
  const options = { ...parsed.options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => files.get(resolve(name)) ?? readFile(name);
  host.fileExists = (name) => files.has(resolve(name)) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  for (const [path] of files) {
    const name = /__snippet_(\w+)\.ts$/.exec(path)![1] as Name;
    const found = ts.getPreEmitDiagnostics(program, program.getSourceFile(path));
    diagnostics.set(name, found.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n---\n'));
  }
}, 120_000);

/** What the compiler said about a snippet; each mistake gets exactly one error. */
function said(name: Name): string {
  const text = diagnostics.get(name) ?? '';
  expect(text.split('\n---\n')).toHaveLength(1);
  return text;
}

/** The form field type, which the plain union made the compiler name for every mistake. */
const formFieldType = /name: string; label\??: string/;

describe('compiler messages name the variant the caller chose', () => {
  it('compiles the valid snippets (the harness does not fail everything)', () => {
    expect(diagnostics.get('validCards')).toBe('');
    expect(diagnostics.get('validText')).toBe('');
    // Cards with no content and a card with no title, as the server's own tests send them.
    expect(diagnostics.get('validWithoutContent')).toBe('');
  });

  it('a card without actions: the card type, not the form field', () => {
    const text = said('cardWithoutActions');
    expect(text).toMatch(
      /^Property 'actions' is missing in type '\{ title: string; description: string; \}' but required in type '\{ title\?: string/,
    );
    expect(text).not.toMatch(formFieldType);
  });

  it('an input_select item without value: the option type', () => {
    expect(said('choiceWithoutValue')).toBe(
      "Property 'value' is missing in type '{ title: string; }' but required in type '{ title: string; value: string | number; }'.",
    );
  });

  it('a card action of an unknown type: the action types', () => {
    const text = said('wrongActionType');
    expect(text).toBe(`Type '"call"' is not assignable to type '"link" | "postback"'.`);
  });

  it('form fields under content_type input_select: the option type', () => {
    const text = said('formItemsOnSelect');
    expect(text).toBe(
      "Object literal may only specify known properties, and 'name' does not exist in type '{ title: string; value: string | number; }'.",
    );
  });

  it('items with no content_type: the text message attributes', () => {
    const text = said('itemsOnText');
    expect(text).toMatch(
      /^Object literal may only specify known properties, and 'items' does not exist in type '\{ in_reply_to\?: number \| undefined;/,
    );
    expect(text).not.toMatch(formFieldType);
  });

  it('card items under content_type form: the form field, because form was chosen', () => {
    expect(said('cardItemsOnForm')).toMatch(/'(title|actions)' does not exist in type '.*name: string; label\?: string/);
  });
});
