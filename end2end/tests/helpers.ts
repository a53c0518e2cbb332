import * as fs from 'node:fs';
import * as path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import {
  expect,
  test,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  type Response,
  type TestInfo,
} from '@playwright/test';

import { watchPage } from './fixtures';

/** Committed folder so reviewers can look at the pages: end2end/screenshots/. */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'screenshots');

/**
 * axe-core runs inside the page and needs working timers, which never fire in a
 * context created with `javaScriptEnabled: false` (analyze() just hangs). So for
 * a no-JS page the audit runs on a copy: the DOM the no-JS visitor got is served
 * at the same URL in a fresh JS-enabled context with the same viewport, locale
 * and cookies; stylesheets and images still come from the real server. The copy
 * is served with `Content-Security-Policy: script-src 'none'`, so no script of
 * the page's own can run there (axe is injected over the DevTools protocol,
 * which CSP does not block). One known gap: `<noscript>` content is parsed as
 * text in the copy, so axe does not see it.
 */
async function auditPage(page: Page): Promise<Page> {
  const jsOff = test.info().project.use.javaScriptEnabled === false;
  if (!jsOff) return page;
  const browser = page.context().browser();
  if (!browser) throw new Error('checkA11y: page has no browser (persistent context?)');
  const url = page.url();
  const html = await page.content();
  const ctx = await browser.newContext({
    viewport: page.viewportSize(),
    locale: test.info().project.use.locale,
    storageState: await page.context().storageState(),
    javaScriptEnabled: true,
  });
  const copy = await ctx.newPage();
  await copy.route(
    (u) => u.href === url,
    (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        headers: { 'Content-Security-Policy': "script-src 'none'" },
        body: html,
      }),
    { times: 1 },
  );
  await copy.goto(url, { waitUntil: 'load' });
  return copy;
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the current page and fails
 * the test with a readable list of every violation and the offending nodes.
 */
export async function checkA11y(page: Page): Promise<void> {
  const target = await auditPage(page);
  let results: Awaited<ReturnType<AxeBuilder['analyze']>>;
  try {
    results = await new AxeBuilder({ page: target }).withTags(['wcag2a', 'wcag2aa']).analyze();
  } finally {
    if (target !== page) await target.context().close();
  }
  const report = results.violations.map((v) => {
    const nodes = v.nodes
      .slice(0, 5)
      .map((n) => `    - ${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
      .join('\n');
    const more = v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more node(s)` : '';
    return `[${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
  });
  expect(
    results.violations.length,
    `axe-core found ${results.violations.length} WCAG A/AA violation(s) on ${page.url()}:\n\n${report.join('\n\n')}\n`,
  ).toBe(0);
}

/** Whether this project runs with JavaScript (and so with the WASM islands). */
export function jsOn(): boolean {
  return test.info().project.use.javaScriptEnabled !== false;
}

/**
 * Saves a full-page PNG to end2end/screenshots/<name>.png. With JavaScript on, only the
 * enhancement specs (*.js.spec.ts) save theirs: the rest would repeat the no-JS pictures.
 */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // A "-360" shot taken by the desktop project is named for its own width, so that the phone
  // picture is not overwritten by the office PC's.
  const width = page.viewportSize()?.width ?? 360;
  const named = width === 360 ? name : name.replace(/-360$/, `-${width}`);
  const file = path.join(SCREENSHOT_DIR, `${named}.png`);
  if (jsOn() && !test.info().file.endsWith('.js.spec.ts')) return file;
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/**
 * Width the document can be scrolled to. Playwright's evaluate goes through the
 * DevTools protocol, so it works even when the page itself has JavaScript off.
 */
export async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/**
 * Records (without asserting) how far each `.table-wrap` scrolls sideways
 * inside itself, so a report can tell whether a table really fits at 360 px
 * or only the page does (the wrapper has `overflow-x: auto`).
 */
export async function noteTableOverflow(page: Page, testInfo: TestInfo, label: string): Promise<void> {
  const widths = await page
    .locator('.table-wrap')
    .evaluateAll((els) => els.map((el) => ({ scroll: el.scrollWidth, client: el.clientWidth })));
  widths.forEach((w, i) => {
    testInfo.annotations.push({
      type: 'table-width',
      description: `${label} .table-wrap[${i}]: scrollWidth ${w.scroll}px, clientWidth ${w.client}px${
        w.scroll > w.client ? ' (scrolls inside its wrapper)' : ''
      }`,
    });
  });
}

/** Waits until the boot script has woken every island on the page. */
export async function islandsReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.islands === 'ready', null, {
    timeout: 20_000,
  });
}

/** Asserts the page does not scroll sideways at the current viewport width. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error('page has no fixed viewport');
  const width = await scrollWidth(page);
  expect(width, `page scrolls sideways: scrollWidth ${width}px > viewport ${viewport.width}px`).toBeLessThanOrEqual(
    viewport.width,
  );
}

/** Demo staff accounts created by `sunshine serve --demo` (all share one password). */
export const DEMO_PASSWORD = 'sunshine-demo-2026';
export const DEMO_ADMIN = 'demo.admin';

/**
 * Signs in through the real login form (works with JavaScript off) and returns
 * the response to the POST /staff/login: 303 on success, 401 on failure.
 */
export async function signIn(page: Page, username: string, password: string): Promise<Response> {
  if (!new URL(page.url(), 'http://x').pathname.startsWith('/staff/login')) {
    await page.goto('/staff/login');
  }
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  return submit(page, page.getByRole('button', { name: '登录', exact: true }));
}

/** Clicks the nav's sign-out button and waits for the login page. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录', exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/login$/);
}

/**
 * Clicks a form's submit button and returns the response to the form's own
 * request (not the page a redirect leads to), so its status can be checked.
 */
export async function submit(page: Page, button: Locator): Promise<Response> {
  // The `load` event belongs to the document the browser ends up on (after any
  // redirect), so once it fired the new page is the one on screen.
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    page.waitForEvent('load'),
    button.click(),
  ]);
  return response;
}

/**
 * A step asked twice (approve, escalate, publish, withdraw): the button opens the confirm page
 * with a plain GET, which says what will happen; its button of the same name POSTs.
 */
export async function confirmAndSubmit(page: Page, name: string): Promise<Response> {
  await Promise.all([
    page.waitForURL(/\/confirm\?step=/),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  await expect(page.locator('main h1')).toContainText('请确认');
  await expect(page.getByRole('link', { name: '返回，不操作' })).toBeVisible();
  return submit(page, page.getByRole('button', { name, exact: true }));
}

// --- Complaints (举报投诉) --------------------------------------------------

/** `#place` value of 龙泉村 (龙头山镇) on the report form. */
export const LONGQUAN_PLACE = 'v:530621103201';

/** What a reporter puts into the /report form. */
export interface ReportInput {
  /** Radio label, e.g. '关系保、人情保、优亲厚友'. */
  category: string;
  /** `#place` option value, e.g. LONGQUAN_PLACE. */
  place: string;
  body: string;
  accused?: string;
  anonymous?: boolean;
  name?: string;
  contact?: string;
}

/** Fills the report form the page is on (it must already show /report). */
export async function fillReport(page: Page, input: ReportInput): Promise<void> {
  await page.getByRole('radio', { name: input.category, exact: true }).check();
  await page.locator('#place').selectOption(input.place);
  await page.locator('#body').fill(input.body);
  if (input.accused !== undefined) await page.locator('#accused').fill(input.accused);
  if (input.anonymous) await page.locator('#anonymous').check();
  if (input.name !== undefined) await page.locator('#name').fill(input.name);
  if (input.contact !== undefined) await page.locator('#contact').fill(input.contact);
}

/** A grouped receipt code as the receipt page shows it: 1234-5678-9012-3456. */
export const RECEIPT_RE = /^\d{4}-\d{4}-\d{4}-\d{4}$/;

/**
 * Opens /report, fills and sends it, and returns the receipt code shown
 * (grouped, 1234-5678-9012-3456), with the page left on /report/receipt.
 */
export async function submitReport(page: Page, input: ReportInput): Promise<string> {
  await page.goto('/report');
  await fillReport(page, input);
  const res = await submit(page, page.getByRole('button', { name: '提交', exact: true }));
  expect(res.status(), 'POST /report answers with a redirect').toBe(303);
  await expect(page).toHaveURL(/\/report\/receipt$/);
  const receipt = (await page.locator('.receipt').innerText()).trim();
  expect(receipt).toMatch(RECEIPT_RE);
  return receipt;
}

/**
 * Looks a receipt up on /track (typed as given) and returns the response to
 * the POST /track: 303 to /track/case when found, 404 when not.
 */
export async function trackReceipt(page: Page, receipt: string): Promise<Response> {
  await page.goto('/track');
  await page.locator('#receipt').fill(receipt);
  return submit(page, page.getByRole('button', { name: '查询', exact: true }));
}

/**
 * Records every URL this page requests and every redirect `Location` it gets,
 * so a test can assert that a secret (a receipt code) never travelled in one.
 */
export function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (req) => urls.push(`request ${req.url()}`));
  page.on('response', async (res) => {
    const location = await res.headerValue('location').catch(() => null);
    if (location) urls.push(`location ${location}`);
  });
  return urls;
}

/**
 * The tab's back/forward list (Chromium DevTools protocol; works with
 * JavaScript off), i.e. every URL the visitor's history holds.
 */
export async function navigationHistory(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { entries } = await cdp.send('Page.getNavigationHistory');
    return entries.map((e) => e.url);
  } finally {
    await cdp.detach();
  }
}

/** Asserts none of `urls` carries the 16 digits of `receipt`, grouped or not. */
export function expectNoReceiptIn(urls: string[], receipt: string): void {
  const digits = receipt.replace(/\D/g, '');
  expect(digits).toHaveLength(16);
  const leaks = urls.filter((u) => {
    let decoded = u;
    try {
      decoded = decodeURIComponent(u);
    } catch {
      /* keep raw */
    }
    return decoded.replace(/\D/g, '').includes(digits);
  });
  expect(leaks, `URLs carrying the receipt code ${receipt}:\n${leaks.join('\n')}`).toEqual([]);
}

/**
 * A signed-out visitor in a context of its own, with the current project's
 * viewport, locale and JavaScript setting.
 */
export async function visitorContext(browser: Browser, baseURL: string | undefined): Promise<BrowserContext> {
  const use = test.info().project.use;
  const ctx = await browser.newContext({
    baseURL,
    viewport: use.viewport ?? { width: 360, height: 740 },
    locale: use.locale,
    timezoneId: use.timezoneId,
    javaScriptEnabled: use.javaScriptEnabled,
  });
  ctx.on('page', watchPage);
  return ctx;
}

/**
 * Runs checkA11y and, instead of stopping the test, adds a short report to
 * `failures` (assert `failures` empty at the end), so one page's violations
 * do not hide what the rest of a long flow would find.
 */
export async function collectA11y(page: Page, failures: string[], label: string): Promise<void> {
  try {
    await checkA11y(page);
  } catch (e) {
    failures.push(`${label}: ${(e as Error).message.split(/\n+expect\(received\)/)[0].trim()}`);
  }
}
