import { expect, test, type Request } from './fixtures';
import { checkA11y, expectNoHorizontalScroll, islandsReady, jsOn, shot } from './helpers';

// Foundation pages, as a cheap phone (360×740) sees them, with JavaScript off and on.
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

  test('a county has its own page and statistics, reached from the list of counties', async ({ page }) => {
    // A deployment may hold a whole province; the demo holds one county.
    await page.goto('/counties');
    await page.locator('a[href="/c/530621000000"]').click();
    await expect(page).toHaveURL(/\/c\/530621000000$/);
    await expect(page.locator('h1')).toContainText('鲁甸县');
    await expect(page.getByText('龙头山镇').first()).toBeVisible();
    expect(await page.locator('a[href^="/v/"]').count()).toBeGreaterThan(0);
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'county-360');

    const stats = await page.goto('/c/530621000000/stats');
    expect(stats?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('鲁甸县');
    await expect(page.getByText('龙头山镇').first()).toBeVisible();
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'county-stats-360');
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

  test('the only script is the islands bundle, and nothing needs it', async ({ page }) => {
    // A page names at most one script: the islands' boot module, same-origin, under /pkg/, and
    // only where there is an island (the home page has none). No inline script at all.
    const requests: string[] = [];
    page.on('request', (req: Request) => {
      if (['script', 'fetch', 'xhr'].includes(req.resourceType()) || req.url().endsWith('.wasm')) {
        requests.push(new URL(req.url()).pathname);
      }
    });
    const res = await page.goto('/', { waitUntil: 'load' });
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await expect(page.locator('script'), 'the home page has no island, so no script').toHaveCount(0);
    await page.locator('a[href^="/v/"]').first().click();
    await expect(page.locator('h1')).toBeVisible();
    await page.waitForLoadState('load');
    // The village page has islands: exactly one external module script.
    const villageScripts = await page.locator('script').evaluateAll((els) =>
      els.map((el) => `${el.getAttribute('type')} ${el.getAttribute('src')} ${(el.textContent ?? '').trim()}`),
    );
    expect(villageScripts).toHaveLength(1);
    expect(villageScripts[0]).toMatch(/^module \/pkg\/boot-[0-9a-f]{12}\.js $/);
    if (jsOn()) {
      // The boot module, the wasm-bindgen module and the .wasm: content-hashed, nothing else.
      await islandsReady(page);
      expect([...new Set(requests)].sort()).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^\/pkg\/boot-[0-9a-f]{12}\.js$/),
          expect.stringMatching(/^\/pkg\/sunshine-[0-9a-f]{12}\.js$/),
          expect.stringMatching(/^\/pkg\/sunshine-[0-9a-f]{12}\.wasm$/),
        ]),
      );
      expect(requests.every((u) => /^\/pkg\/(boot|sunshine)-[0-9a-f]{12}\.(js|wasm)$/.test(u)), requests.join('\n')).toBe(true);
      expect(csp).toContain("'wasm-unsafe-eval'");
    } else {
      // With JavaScript off Chromium fetches no script at all.
      expect(requests, `script-ish requests:\n${requests.join('\n')}`).toEqual([]);
    }
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
