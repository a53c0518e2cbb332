import { expect, test as base, type ConsoleMessage, type Page } from '@playwright/test';

export * from '@playwright/test';

/**
 * Whether a console message is the browser noting that the page's own document answered with an
 * error status (a test that opens a 404 page on purpose): that is the server's answer, not a
 * script failing. Any other error — a script exception, a subresource that failed, an island
 * that did not wake — is a defect.
 */
function isDocumentStatus(page: Page, m: ConsoleMessage): boolean {
  return (
    m.text().startsWith('Failed to load resource: the server responded with a status of 4') &&
    m.location().url === page.url()
  );
}

/** The running test's error list (set by the fixture below), for pages of other contexts. */
let current: { errors: string[]; jsOn: boolean } | null = null;

/** Collects console errors and uncaught exceptions of `page` into `errors`. */
function collect(page: Page, errors: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' && !isDocumentStatus(page, m)) {
      errors.push(`console: ${m.text()} (${m.location().url})`);
    }
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
}

/** Watches a page the test opened in a context of its own, like the test's own `page`. */
export function watchPage(page: Page): void {
  if (current?.jsOn) collect(page, current.errors);
}

/**
 * `test` with one automatic check: with JavaScript on, the test's page must end with no console
 * error and no uncaught exception. (With JavaScript off nothing can run, so there is nothing to
 * collect.) Pages a test opens in contexts of its own are watched too when they come from
 * `visitorContext` (helpers.ts), or when the test passes them to `watchPage`.
 */
export const test = base.extend<{ noConsoleErrors: void }>({
  noConsoleErrors: [
    async ({ page }, use, testInfo) => {
      const errors: string[] = [];
      const jsOn = testInfo.project.use.javaScriptEnabled !== false;
      current = { errors, jsOn };
      if (jsOn) collect(page, errors);
      await use();
      current = null;
      if (testInfo.project.use.javaScriptEnabled !== false && !page.isClosed()) {
        // Let the islands of the last page wake (or fail) before judging it.
        if ((await page.locator('leptos-island').count().catch(() => 0)) > 0) {
          const state = await page
            .waitForFunction(() => document.documentElement.dataset.islands, null, { timeout: 15_000 })
            .then((h) => h.jsonValue())
            .catch(() => 'never woke');
          if (state !== 'ready') errors.push(`islands ${state} on ${page.url()}`);
        }
      }
      expect(errors, `console errors on ${page.url()}:\n${errors.join('\n')}`).toEqual([]);
    },
    { auto: true },
  ],
});
