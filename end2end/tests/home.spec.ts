import { expect, test, type Request } from '@playwright/test';
import { checkA11y, expectNoHorizontalScroll, shot } from './helpers';

// Foundation pages, as a cheap phone (360×740) with JavaScript off sees them.
// The server runs with `--demo`: fictional data for 鲁甸县 (Ludian county).

test.describe('foundation pages', () => {
  test('home lists townships and villages', async ({ page }) => {
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);

    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.locator('h1')).toContainText('鲁甸县');
    await expect(page.getByText('龙头山镇').first()).toBeVisible();
    await expect(page.getByText('水磨镇').first()).toBeVisible();

    const villages = page.locator('a[href^="/v/"]');
    expect(await villages.count(), 'home page links to villages').toBeGreaterThan(0);
    await expect(villages.first()).toBeVisible();

    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'home-360');
  });

  test('first village link opens its village page', async ({ page }) => {
    await page.goto('/');
    const first = page.locator('a[href^="/v/"]').first();
    const href = await first.getAttribute('href');
    expect(href).toMatch(/^\/v\/\d+/);

    await first.click();
    await expect(page).toHaveURL(/\/v\/\d+(?:[?#].*)?$/);
    expect(new URL(page.url()).pathname).toBe(href!.split(/[?#]/)[0]);
    await expect(page.locator('h1')).toBeVisible();

    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'village-360');
  });

  test('pages request no script', async ({ page, browser, baseURL }, testInfo) => {
    // With JavaScript off Chromium never even fetches <script src>, so the
    // request check runs in a JS-enabled context: that is what would catch a
    // hydration bundle (or its .wasm) sneaking onto the page.
    const ctx = await browser.newContext({
      baseURL,
      viewport: testInfo.project.use.viewport ?? { width: 360, height: 740 },
      locale: testInfo.project.use.locale,
      javaScriptEnabled: true,
    });
    try {
      const jsPage = await ctx.newPage();
      const scripts: string[] = [];
      jsPage.on('request', (req: Request) => {
        if (['script', 'fetch', 'xhr'].includes(req.resourceType()) || req.url().endsWith('.wasm')) {
          scripts.push(`${req.resourceType()} ${req.url()}`);
        }
      });
      await jsPage.goto('/', { waitUntil: 'load' });
      await jsPage.locator('a[href^="/v/"]').first().click();
      await expect(jsPage.locator('h1')).toBeVisible();
      await jsPage.waitForLoadState('load');
      expect(scripts, `script-ish requests:\n${scripts.join('\n')}`).toEqual([]);
    } finally {
      await ctx.close();
    }

    // And the no-JS page itself carries no executable <script> element
    // (data blocks such as application/ld+json are fine).
    const requested: string[] = [];
    page.on('request', (req: Request) => {
      if (req.resourceType() === 'script') requested.push(req.url());
    });
    await page.goto('/');
    const executable = await page.locator('script').evaluateAll((els) =>
      els
        .filter((el) => {
          const type = (el.getAttribute('type') ?? '').trim().toLowerCase();
          return type === '' || type === 'module' || type.includes('javascript') || type.includes('ecmascript');
        })
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(executable, `executable <script> elements on /:\n${executable.join('\n')}`).toEqual([]);
    expect(requested).toEqual([]);
  });

  test('language switch to English and back', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

    const english = page.locator('a[hreflang="en"]');
    await expect(english).toHaveCount(1);
    await expect(english).toHaveText(/English/);
    await english.click();

    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('h1')).toContainText('Ludian');
    await checkA11y(page);
    await shot(page, 'home-en-360');

    const chinese = page.locator('a[hreflang="zh-CN"]');
    await expect(chinese).toHaveCount(1);
    await chinese.click();

    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.locator('h1')).toContainText('鲁甸县');
  });

  test('unknown village is a 404 page', async ({ page }) => {
    const response = await page.goto('/v/000000000000');
    expect(response?.status()).toBe(404);
    await expect(page.getByText('页面不存在').first()).toBeVisible();
    await checkA11y(page);
    await shot(page, 'notfound-360');
  });
});
