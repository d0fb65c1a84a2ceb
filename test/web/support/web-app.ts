import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Grant } from '@shinchoku/access';
import { startApi, type TestApi } from '../../support/api';
import { issueToken } from '../../support/access';
import { launchBrowser, seriousViolations, signIn, type Browser } from './browser';

export interface WebApp {
  readonly api: TestApi;
  readonly page: Page;
  /** axe-core finds nothing serious or critical on the page (the main one unless given). */
  expectAccessible(page?: Page): Promise<void>;
  /** Another tab in the same browser, e.g. for a second person. */
  newPage(): Promise<Page>;
  /** Another tab, signed in with a token of its own issued with these grants (close it when done). */
  pageAs(grants: Grant[], name?: string): Promise<Page>;
}

export interface WebAppOptions {
  /** Settings for the server, asked for when it starts (after the test file's own beforeAll, e.g. a fake IdP). */
  env?: () => Record<string, string>;
}

/**
 * The built web app in a real Chromium against a real server, for one test file: `prepare` runs
 * before the page opens. A script error in the page fails the test it happened in, whatever the
 * page still shows.
 */
export function useWebApp(prepare: (api: TestApi) => Promise<void> = async () => undefined, options: WebAppOptions = {}): WebApp {
  let api: TestApi | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    if (!existsSync(join(__dirname, '../../../dist/web/index.html')))
      throw new Error('dist/web is missing: npm run build:web (npm test builds it)');
    [api, browser] = await Promise.all([startApi(options.env?.()), launchBrowser()]);
    await prepare(api);
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the web app is not open yet: use it inside a test');
    return value;
  };
  return {
    get api() {
      return opened(api);
    },
    get page() {
      return opened(page);
    },
    expectAccessible: async (other) => expect(await seriousViolations(other ?? opened(page))).toEqual([]),
    newPage: () => opened(browser).context.newPage(),
    async pageAs(grants, name = 'テスト 花子') {
      const { token } = await issueToken(opened(api), grants, { name });
      const page = await opened(browser).context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await signIn(page, opened(api).url, token);
      return page;
    },
  };
}
