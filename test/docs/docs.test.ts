// The API reference page (`npm run docs`) as a reader sees it: built by the real script, served from
// a loopback server, opened in headless Chromium. Checks that the page renders what a newcomer needs
// (the operation, its body, examples, code samples, auth, errors) and that it fetches nothing from
// any other host, so it works offline and tells no one it was opened.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTool, launchChromium } from '../setup/system-tools.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const docsPath = resolve(root, 'docs', 'index.html');
const screenshotPath = resolve(root, 'test-results', 'docs.png');

const { skipReason } = chromiumTool;

const operationPath = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';
// Redoc batches its usage events and sends them every 5 s; staying this long after the page loads
// gives any such request (or other late fetch) the time to show up in the request log.
const dwellMs = 8_000;

/** Waits for the first match to be visible; the timeout error names the locator. */
async function visible(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible' });
}

/** Opens a Redoc dropdown in `scope` by its button, picks an item, and waits for a button to show it. */
async function choose(scope: Locator, button: string, item: string): Promise<void> {
  await scope.getByRole('button', { name: button, exact: true }).click();
  await scope.page().getByRole('menuitem', { name: item, exact: true }).click();
  const exactly = new RegExp(`^${item.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await visible(scope.getByRole('button').filter({ hasText: exactly }));
}

function isLoopback(url: string): boolean {
  const { protocol, hostname, pathname } = new URL(url);
  if (protocol === 'data:' || protocol === 'about:') return true;
  if (protocol === 'blob:') return isLoopback(pathname); // blob:http://127.0.0.1:port/uuid
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

describe.skipIf(skipReason !== undefined)(
  `docs/index.html in headless Chromium${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let server: Server | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let loadedAt = 0;
    const requests: { method: string; url: string }[] = [];
    const problems: string[] = [];

    beforeAll(async () => {
      // The real build, so the test also proves `npm run docs` works (it takes a second or two), while
      // Chromium starts. Each launch gets a fresh temporary profile from Playwright, removed on close.
      const launched = launchChromium();
      const built = promisify(execFile)(process.execPath, [resolve(root, 'scripts', 'docs.mjs')], { cwd: root });
      // Both are awaited together, so that a failed build still leaves the browser to close.
      const [launch, build] = await Promise.allSettled([launched, built]);
      if (launch.status === 'rejected') throw launch.reason;
      const chromium = launch.value;
      browser = chromium;
      if (build.status === 'rejected') throw build.reason;
      const html = readFileSync(docsPath);

      server = createServer((req, res) => {
        if (req.url === '/' || req.url === '/index.html') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        } else {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
      const { port } = server.address() as AddressInfo;

      const context = await chromium.newContext({ viewport: { width: 1440, height: 1000 } });
      context.on('request', (request) => requests.push({ method: request.method(), url: request.url() }));
      page = await context.newPage();
      // Fail a step in seconds, naming what it waited for, rather than at the test's timeout.
      page.setDefaultTimeout(5_000);
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
      });
      // Redoc routes on the hash: this is the operation's own page, as the sidebar links to it.
      await page.goto(`http://127.0.0.1:${port}/#/messages/createmessage`, { waitUntil: 'load' });
      loadedAt = Date.now();
    });

    afterAll(async () => {
      try {
        if (browser !== undefined && page !== undefined) {
          // Taken here, so it exists when a test failed too; it shows the state the tests left.
          mkdirSync(dirname(screenshotPath), { recursive: true });
          const title = page.locator('h2', { hasText: /^Create a message$/ }).first();
          await title
            .evaluate((element) => {
              element.scrollIntoView({ block: 'start' });
              window.scrollBy(0, -24);
            })
            .catch(() => {});
          await page.screenshot({ path: screenshotPath, animations: 'disabled' }).catch(() => {});
        }
      } finally {
        await browser?.close();
        await new Promise<void>((done) => (server?.listening ? server.close(() => done()) : done()));
      }
    });

    // Scoped to Create a message: the page also documents the two GETs, with panels of their own.
    const requestSamples = (): Locator => page.locator('[id="messages/createmessage"] .panel-request-samples');
    const responseSamples = (): Locator => page.locator('[id="messages/createmessage"] .panel-response-samples');
    // Redoc's headings read "link to Request Request" to a screen reader (an anchor link comes
    // first), so they are found by their text.
    const heading = (level: 'h2' | 'h4', text: string): Locator => page.locator(level, { hasText: new RegExp(`^${text}$`) });
    // The middle column's request part: the block under "Request", without "Responses" or the samples.
    const requestSection = (): Locator =>
      page
        .locator('div')
        .filter({ has: heading('h4', 'Request') })
        .filter({ hasNot: heading('h4', 'Responses') })
        .filter({ hasNot: requestSamples() })
        .first();
    const responsesSection = (): Locator =>
      page
        .locator('div')
        .filter({ has: heading('h4', 'Responses') })
        .filter({ hasNot: heading('h4', 'Request') })
        .filter({ hasNot: responseSamples() })
        .first();

    it('renders the operation: its title, method and path', async () => {
      await visible(heading('h2', 'Create a message'));
      await visible(page.locator('[data-component-name="Menu/MenuItem"]').filter({ hasText: 'Create a message' }));
      await visible(requestSamples().getByText('POST', { exact: true }));
      await visible(requestSamples().getByText(operationPath, { exact: true }));
    });

    it('shows the request body fields and the enum values', async () => {
      const section = requestSection();
      for (const field of ['content', 'message_type', 'private', 'content_type', 'content_attributes']) {
        await visible(section.locator('.schema-name').getByText(field, { exact: true }));
      }
      for (const type of ['incoming', 'outgoing', 'activity', 'template']) {
        await visible(section.getByText(`"${type}"`, { exact: true }));
      }
      // content_type picks the body's shape (oneOf); each shape shows its content_type value.
      const shapes = [
        ['Input select message', 'input_select'],
        ['Cards message', 'cards'],
        ['Form message', 'form'],
        ['Article message', 'article'],
        ['Email prompt', 'input_email'],
        ['Text message', 'text'],
      ] as const;
      let current = 'Text message';
      for (const [shape, contentType] of shapes) {
        await choose(section, current, shape);
        current = shape;
        await visible(section.getByText(`"${contentType}"`, { exact: true }));
      }
    });

    it('explains the api_access_token header', async () => {
      await visible(page.getByText('apiAccessToken', { exact: true }));
      await page.getByText('View security details').click();
      // The scheme's card in the dialog: the innermost element holding its label and its text.
      const scheme = page
        .locator('div', { has: page.getByText('Header parameter name:') })
        .filter({ hasText: "The user API key from the user's profile page." })
        .last();
      await visible(scheme.getByText('api_access_token', { exact: true }));
      await visible(scheme.getByText(/also accepts the header Api-Access-Token/));
      await page.keyboard.press('Escape');
      await page.getByText('Header parameter name:').waitFor({ state: 'hidden' });
      // The longer account in the API description, linked from the sidebar.
      await visible(page.getByRole('link', { name: 'Authentication', exact: true }));
    });

    it('shows the 400, 401, 404, 422 and 429 responses and switches response examples', async () => {
      const panel = responseSamples();
      const expected = [
        ['400', 'The body is not valid JSON.', '"Bad Request"'],
        [
          '401',
          'The API key is missing, wrong, or lacks access to this account or conversation.',
          '"You need to sign in or sign up before continuing."',
        ],
        ['404', 'The account has no conversation with this display id', '"Resource could not be found"'],
        ['422', 'The server refused the message', 'Content is too long'],
        ['429', 'Rate limited: too many requests from this IP address', 'Retry later'],
      ] as const;
      for (const [status, description, example] of expected) {
        await responsesSection().getByRole('tab', { name: status, exact: true }).click();
        await visible(responsesSection().getByText(description));
        await panel.getByRole('button', { name: status, exact: true }).click();
        await visible(panel.getByText(example));
      }
      await panel.getByRole('button', { name: '200', exact: true }).click();
      await visible(panel.getByText('"Hello from the API"'));
      await choose(panel, 'Example', 'Cards message');
      await visible(panel.getByText('"PLAN_BASIC"'));
      await visible(panel.getByText('"Our plans"'));
      await choose(panel, 'Example', 'Activity message (message_type 2), sent by the contact');
      await visible(panel.getByText('"created_at_exact"'));
      await choose(panel, 'Example', 'Cards message');
    });

    it('shows the code samples: the TypeScript client and curl', async () => {
      const panel = requestSamples();
      // The TypeScript client is listed first, so it is what a reader sees first.
      await visible(panel.getByText("import { createClient } from '99digital-client';"));
      await visible(panel.getByText(/client\.messages\.create\(\{/));
      await choose(panel, '99digital-client', 'curl');
      await visible(panel.getByText('-H "api_access_token: $DIGITAL99_API_ACCESS_TOKEN"'));
      await choose(panel, 'curl', 'curl (attachment)');
      await visible(panel.getByText('-F "attachments[]=@invoice.pdf"'));
      await choose(panel, 'curl (attachment)', 'Payload');
    });

    it('switches request examples and shows each as JSON', async () => {
      const panel = requestSamples();
      // Payload is the request example itself (the code sample test ends on it). Redoc keeps request
      // and response examples with the same key in step, so start from a known one.
      await visible(panel.getByRole('button', { name: 'Payload', exact: true }));
      await choose(panel, 'Example', 'Text message');
      await visible(panel.getByText('"Hello from the API"'));
      await choose(panel, 'Example', 'Cards with buttons');
      for (const text of ['"content_type"', '"cards"', '"postback"', '"PLAN_BASIC"', '"https://online.99digital.co.il/pricing"']) {
        await visible(panel.getByText(text, { exact: true }));
      }
      await choose(panel, 'Example', 'Form');
      await visible(panel.getByText('"text_area"', { exact: true }));
      await choose(panel, 'Example', 'Cards with buttons');
    });

    it('finds the operation and its examples with the built-in search', async () => {
      await page.getByText('Search', { exact: false }).first().click();
      await page.keyboard.type('cards');
      await visible(page.getByText('request examples → Cards with buttons'));
      await page.keyboard.press('Escape');
      await page.getByText('request examples → Cards with buttons').waitFor({ state: 'hidden' });
    });

    it('fetches nothing from any host but the loopback server, and logs no errors', { timeout: 30_000 }, async () => {
      const html = readFileSync(docsPath, 'utf8');
      expect(html, 'built with telemetry off').toContain('"disableTelemetry":true');
      await page.waitForTimeout(Math.max(0, loadedAt + dwellMs - Date.now()));
      expect(requests.length, 'the request log is empty: the listener is broken').toBeGreaterThan(0);
      const offHost = requests.filter(({ url }) => !isLoopback(url)).map(({ method, url }) => `${method} ${url}`);
      expect(offHost).toEqual([]);
      expect(problems).toEqual([]);
    });
  },
);
