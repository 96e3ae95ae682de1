import type { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { startTestAppAtPublicUrl, type TestApp } from './test-app';

export interface AppWithBrowser {
  readonly t: TestApp;
  readonly browser: Browser;
}

/**
 * The app at its public URL and a Chromium for the person's side of an OAuth authorization, started
 * in beforeAll and closed in afterAll of the calling describe block. Read them inside hooks and tests.
 */
export function useAppWithBrowser(): AppWithBrowser {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    t = await startTestAppAtPublicUrl({ LOG_LEVEL: 'error' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (!value) throw new Error('the app is not running: use it inside a hook or a test');
    return value;
  };
  return {
    get t() {
      return started(t);
    },
    get browser() {
      return started(browser);
    },
  };
}
