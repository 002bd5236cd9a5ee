// createClient in a browser page: a user token there is a credential anyone can read, and the
// server's CORS refuses it anyway, so it throws a ConfigurationError unless dangerouslyAllowBrowser.
// Checked with injected globals (window + document), and in a real headless Chromium.
import { build } from 'esbuild';
import { chromiumTool, launchChromium } from '../setup/system-tools.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, createClient } from '../../src/index.js';

afterEach(() => vi.unstubAllGlobals());

describe('createClient in a browser-like global', () => {
  it('throws a ConfigurationError that says why and what to do, without the token', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    let error: unknown;
    try {
      createClient({ apiAccessToken: 'tokBrowserSECRET0001abcdefgh', baseUrl: 'https://online.99digital.co.il' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /in a browser would show the API token to anyone using the page: call the API from your server.*dangerouslyAllowBrowser: true/s,
    );
    expect((error as Error).message).not.toContain('tokBrowserSECRET0001abcdefgh');
  });

  it('dangerouslyAllowBrowser: true lets it through', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    expect(() => createClient({ apiAccessToken: 'tokBrowserTest0001abcdefgh', dangerouslyAllowBrowser: true })).not.toThrow();
  });

  it('window alone (Deno 1) or document alone is not a browser', () => {
    vi.stubGlobal('window', {});
    expect(() => createClient({ apiAccessToken: 'tokBrowserTest0001abcdefgh' })).not.toThrow();
    vi.unstubAllGlobals();
    vi.stubGlobal('document', {});
    expect(() => createClient({ apiAccessToken: 'tokBrowserTest0001abcdefgh' })).not.toThrow();
  });
});

describe.skipIf(chromiumTool.skipReason !== undefined)('createClient in headless Chromium', () => {
  it('throws the ConfigurationError in a page, and works with dangerouslyAllowBrowser', async () => {
    const bundle = await build({
      stdin: { contents: "export { createClient } from './src/index.ts';", resolveDir: process.cwd(), loader: 'ts' },
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'Digital99',
      platform: 'browser',
      logLevel: 'silent',
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><title>app</title>');
      await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
      const result = await page.evaluate(() => {
        const { createClient } = (
          globalThis as unknown as { Digital99: { createClient: typeof import('../../src/index.js').createClient } }
        ).Digital99;
        let refused: [string, string] | undefined;
        try {
          createClient({ apiAccessToken: 'tokPageTest0001abcdefghijk', baseUrl: 'https://online.99digital.co.il' });
        } catch (error) {
          refused = [(error as Error).name, (error as Error).message];
        }
        const allowed = typeof createClient({ apiAccessToken: 'tokPageTest0001abcdefghijk', dangerouslyAllowBrowser: true }).messages
          .create;
        return { refused, allowed };
      });
      expect(result.refused?.[0]).toBe('ConfigurationError');
      expect(result.refused?.[1]).toMatch(/in a browser would show the API token/);
      expect(result.allowed).toBe('function');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
