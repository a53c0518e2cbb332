import { expect, test, type Page, type TestInfo } from './fixtures';
import {
  checkA11y,
  DEMO_PASSWORD,
  expectNoHorizontalScroll,
  noteTableOverflow,
  shot,
  signIn,
  signOut,
  submit,
  visitorContext,
} from './helpers';

// Public accountability ("Public accountability" issue), as a cheap phone
// (360×740) with JavaScript off sees it: statistics with server-rendered SVG
// charts, policy pages, answers, notices, the A4 poster, and the staff
// Markdown editor that publishes answers. The server runs with `--demo`:
// five policy pages, the answer `car-owners` and the notice `2026-case-1`;
// demo.county (county officer) may edit public pages.

const COUNTY_OFFICER = 'demo.county';

/** Rendered size of an element; fails when it is not laid out at all. */
async function box(page: Page, selector: string, nth = 0) {
  const b = await page.locator(selector).nth(nth).boundingBox();
  expect(b, `${selector} [${nth}] has a layout box`).not.toBeNull();
  return b!;
}

test.describe('public accountability', () => {
  test('statistics page shows totals, two SVG charts and fits 360 px', async ({ page }, testInfo) => {
    const response = await page.goto('/stats');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toHaveText('统计公开');

    // County totals of the standing lists: 户数 with a plain number.
    const totals = page.locator('dl.totals').first();
    const households = totals.locator('div').filter({ has: page.locator('dt', { hasText: /^户数$/ }) });
    await expect(households.locator('dt')).toBeVisible();
    await expect(households.locator('dd')).toBeVisible();
    await expect(households.locator('dd')).toHaveText(/^\d+$/);
    expect(Number(await households.locator('dd').innerText()), 'county households').toBeGreaterThan(0);

    // Two inline SVG bar charts, really drawn (not collapsed to zero height).
    const charts = page.locator('figure.chart svg');
    await expect(charts).toHaveCount(2);
    for (let i = 0; i < 2; i++) {
      await expect(charts.nth(i)).toBeVisible();
      const b = await box(page, 'figure.chart svg', i);
      expect(b.height, `chart ${i} rendered height`).toBeGreaterThan(0);
      expect(b.width, `chart ${i} rendered width`).toBeGreaterThan(0);
      expect(b.x + b.width, `chart ${i} stays inside the 360 px viewport`).toBeLessThanOrEqual(360);
      testInfo.annotations.push({
        type: 'chart-size',
        description: `chart ${i}: ${b.width.toFixed(1)}×${b.height.toFixed(1)} px at x=${b.x.toFixed(1)}`,
      });
    }
    await expect(page.locator('figure.chart figcaption').first()).toContainText('各乡镇低保户数');
    await expect(page.locator('figure.chart figcaption').nth(1)).toContainText('各乡镇举报：收到与已答复');

    // Tables sit in focusable, labelled scroll regions.
    await expect(page.getByRole('region', { name: '低保名单（长期公示）', exact: true })).toHaveAttribute(
      'tabindex',
      '0',
    );
    await expect(page.getByRole('region', { name: '举报办理', exact: true })).toHaveAttribute('tabindex', '0');

    await noteTableOverflow(page, testInfo, '/stats');
    await shot(page, 'stats-360');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
  });

  test('a policy page reads as an article with a list', async ({ page }) => {
    await page.goto('/policy');
    await expect(page.locator('h1')).toHaveText('政策说明');
    await page.getByRole('link', { name: '谁可以享受低保', exact: true }).click();
    await expect(page).toHaveURL(/\/policy\/who-qualifies$/);

    await expect(page.locator('h1')).toHaveText('谁可以享受低保');
    await expect(page.locator('h1')).toBeVisible();
    const article = page.locator('article.prose');
    await expect(article).toBeVisible();
    await expect(article.locator('ul, ol').first()).toBeVisible();
    expect(await article.locator('li').count(), 'the article lists the conditions').toBeGreaterThan(0);
    await expect(article.locator('strong').first()).toBeVisible();

    await expectNoHorizontalScroll(page);
    await shot(page, 'policy-360');
    await checkA11y(page);
  });

  test('an answer opens from the answers list', async ({ page }) => {
    await page.goto('/answers');
    await expect(page.locator('h1')).toHaveText('回应关切');
    const link = page.locator('ul.page-list a[href="/answers/car-owners"]');
    await expect(link).toHaveText('家里有车还能享受低保吗？');
    await link.click();
    await expect(page).toHaveURL(/\/answers\/car-owners$/);

    await expect(page.locator('h1')).toHaveText('家里有车还能享受低保吗？');
    await expect(page.locator('h1')).toBeVisible();
    await expect(page.locator('article.prose')).toBeVisible();
    await expect(page.locator('article.prose')).toContainText('非营运机动车');

    await expectNoHorizontalScroll(page);
    await shot(page, 'answer-360');
    await checkA11y(page);
  });

  test('poster shows the QR code image', async ({ page }, testInfo) => {
    const response = await page.goto('/poster');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('低保政策明白纸');

    const qr = page.locator('img[src^="data:image/svg+xml"]');
    await expect(qr).toHaveCount(1);
    await expect(qr).toBeVisible();
    const b = await box(page, 'img[src^="data:image/svg+xml"]');
    expect(b.width, 'QR rendered width').toBeGreaterThan(0);
    expect(b.height, 'QR rendered height').toBeGreaterThan(0);
    // The page runs no script, but evaluate goes through the DevTools protocol.
    const natural = await qr.evaluate((img: HTMLImageElement) => ({
      complete: img.complete,
      w: img.naturalWidth,
      h: img.naturalHeight,
    }));
    expect(natural.complete, 'QR image finished loading').toBe(true);
    expect(natural.w, 'QR natural width').toBeGreaterThan(0);
    expect(natural.h, 'QR natural height').toBeGreaterThan(0);

    await expectNoHorizontalScroll(page);
    // For the report only (test-results/, not committed).
    await page.screenshot({ path: testInfo.outputPath('poster-360.png'), fullPage: true });
  });

  test('staff write, preview, publish and unpublish an answer', async ({ page, browser, baseURL }) => {
    const slug = `e2e-${Date.now()}`;
    const title = `端到端测试答复 ${slug}`;
    const body =
      '这是一段**粗体**说明。\n\n' +
      '<script>alert(1)</script>\n\n' +
      '- 第一条\n- 第二条\n';

    const login = await signIn(page, COUNTY_OFFICER, DEMO_PASSWORD);
    expect(login.status()).toBe(303);
    await expect(page.locator('h1')).toHaveText('工作台');

    await page.getByRole('link', { name: '公开内容', exact: true }).click();
    await expect(page).toHaveURL(/\/staff\/pages$/);
    await expect(page.locator('h1')).toHaveText('公开内容');

    await page.getByRole('link', { name: '新建页面', exact: true }).click();
    await expect(page).toHaveURL(/\/staff\/pages\/new$/);
    await expect(page.locator('h1')).toHaveText('新建页面');
    await page.locator('#kind').selectOption('answer');
    await expect(page.locator('#kind option:checked')).toHaveText('回应关切');
    await page.locator('#slug').fill(slug);
    await page.locator('#title').fill(title);
    await page.locator('#body').fill(body);

    // Preview: rendered and sanitised, nothing saved yet.
    const previewed = await submit(page, page.getByRole('button', { name: '预览', exact: true }));
    expect(previewed.status()).toBe(200);
    const preview = page.locator('article.prose.preview');
    await expect(preview).toBeVisible();
    await expect(preview.locator('strong')).toHaveText('粗体');
    expect(await preview.innerHTML()).toContain('<strong>粗体</strong>');
    await expect(preview.locator('script')).toHaveCount(0);
    await expect(page.locator('main script')).toHaveCount(0);
    // The form keeps what was typed.
    await expect(page.locator('#slug')).toHaveValue(slug);
    await expect(page.locator('#title')).toHaveValue(title);
    await expect(page.locator('#body')).toHaveValue(body);

    // Save → the page's own editor with "已保存。".
    const saved = await submit(page, page.getByRole('button', { name: '保存', exact: true }));
    expect(saved.status()).toBe(303);
    await expect(page).toHaveURL(/\/staff\/pages\/\d+\?saved=1$/);
    await expect(page.locator('main .notice[role="status"]')).toHaveText('已保存。');
    await expect(page.locator('h1')).toHaveText(title);

    // Publish.
    const published = await submit(page, page.getByRole('button', { name: '发布', exact: true }));
    expect(published.status()).toBe(303);
    await expect(page.getByRole('button', { name: '撤下', exact: true })).toBeVisible();
    await expect(page.locator(`main a[href="/answers/${slug}"]`)).toBeVisible();
    const editorUrl = page.url();

    // A signed-out visitor reads it.
    const visitor = await visitorContext(browser, baseURL);
    try {
      const v = await visitor.newPage();
      const res = await v.goto(`/answers/${slug}`);
      expect(res?.status()).toBe(200);
      await expect(v.locator('h1')).toHaveText(title);
      await expect(v.locator('article.prose strong')).toHaveText('粗体');
      await expect(v.locator('main script')).toHaveCount(0);
      expect(await v.locator('article.prose').innerHTML()).not.toMatch(/<script/i);

      await v.goto('/answers');
      await expect(v.locator(`ul.page-list a[href="/answers/${slug}"]`)).toHaveText(title);

      // Unpublish: the public page is gone.
      await page.goto(editorUrl);
      const unpublished = await submit(page, page.getByRole('button', { name: '撤下', exact: true }));
      expect(unpublished.status()).toBe(303);
      await expect(page.getByRole('button', { name: '发布', exact: true })).toBeVisible();

      const gone = await v.goto(`/answers/${slug}`);
      expect(gone?.status()).toBe(404);
      await expect(v.getByText('页面不存在').first()).toBeVisible();
      await v.goto('/answers');
      await expect(v.locator(`a[href="/answers/${slug}"]`)).toHaveCount(0);
    } finally {
      await visitor.close();
    }

    await signOut(page);
  });

  test('statistics in English via the language link', async ({ page }, testInfo) => {
    await page.goto('/stats');
    const english = page.locator('a[hreflang="en"]');
    await expect(english).toHaveText('English');
    await english.click();

    await expect(page).toHaveURL(/\/stats$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('h1')).toHaveText('Statistics');
    await expect(page.locator('figure.chart svg')).toHaveCount(2);
    await noteTableOverflow(page, testInfo, '/stats (en)');
    // For the report only (test-results/, not committed).
    await page.screenshot({ path: testInfo.outputPath('stats-en-360.png'), fullPage: true });
  });
});
