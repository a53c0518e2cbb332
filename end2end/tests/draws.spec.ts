import { expect, test } from './fixtures';
import { collectA11y, DEMO_PASSWORD, expectNoHorizontalScroll, islandsReady, jsOn, shot, signIn, signOut, submit } from './helpers';

// Public draws at 360 px, JavaScript off and on: the list, a drawn review panel with its frozen
// pool (masked names), its result and the file to re-run it; with JavaScript on, the page re-runs
// the draw itself and says so. Staff: a township officer announces a panel for 光明村 and sees
// it cannot be drawn for 24 hours; the county announces the spot-check of a 审核 list.

const OFFICER = 'demo.longtoushan';
// Public randomness produced tomorrow (China time): the site takes no source of a day gone by.
const tomorrow = new Date(Date.now() + (8 + 24) * 3600 * 1000);
const SOURCE = `${tomorrow.getUTCFullYear()}年${tomorrow.getUTCMonth() + 1}月${tomorrow.getUTCDate()}日福彩3D和排列5开奖号码`;
const COUNTY = 'demo.county';

test.describe('public draws', () => {
  test('anyone reads a drawn panel and can re-run it', async ({ page }) => {
    const a11y: string[] = [];
    await page.goto('/draws');
    await expect(page.locator('h1')).toHaveText('公开抽取');
    await collectA11y(page, a11y, 'draw list');
    await expectNoHorizontalScroll(page);
    const panel = page.locator('ul.cards a.card-link').filter({ hasText: '民主评议小组' }).filter({ hasText: '已抽取' }).first();
    await panel.click();
    await expect(page.locator('h1')).toContainText('民主评议小组');
    await expect(page.locator('main')).toContainText('参与抽取的评议库');
    await expect(page.locator('main')).toContainText('抽取结果');
    await expect(page.locator('main')).toContainText('本组组长席位');
    // Masked names only: every name in the pool table has a '*'.
    const names = await page.locator('main table.list tbody tr td:nth-child(2)').allTextContents();
    expect(names.length).toBeGreaterThanOrEqual(30);
    for (const n of names) expect(n).toContain('*');
    await collectA11y(page, a11y, 'draw page');
    await expectNoHorizontalScroll(page);
    await shot(page, 'draw-panel-360');
    // The file to re-run it: the link works with or without JavaScript.
    const href = await page.getByRole('link', { name: '下载抽取文件（JSON）' }).getAttribute('href');
    expect(href).toMatch(/^\/draws\/\d+\.json$/);
    const file = await (await page.request.get(href!)).json();
    expect(file.algorithm).toBe('sunshine-draw/1');
    expect(file.selected.length).toBe(file.panel.panel_size);
    await expect(page.locator('main')).toContainText(file.seed);
    // The independent way to re-run it is published by the site too: the Python reference
    // (saved as a file) and the method it was written from.
    const reference = page.getByRole('link', { name: '下载 Python 参考程序' });
    expect(await reference.getAttribute('href')).toBe('/draws/draws_reference.py');
    const script = await page.request.get('/draws/draws_reference.py');
    expect(script.headers()['content-disposition']).toContain('draws_reference.py');
    expect(await script.text()).toContain('def main');
    const method = page.getByRole('link', { name: '算法说明（全文）' });
    expect(await method.getAttribute('href')).toBe('/draws/method.md');
    expect(await (await page.request.get('/draws/method.md')).text()).toContain('sunshine-draw/1');
    const verify = page.getByRole('button', { name: '在本浏览器中重算' });
    if (jsOn()) {
      await islandsReady(page);
      await verify.click();
      await expect(page.locator('.draw-verify [role=status]')).toContainText('✓ 已重算');
    } else {
      // Without JavaScript the button would do nothing, so it is not shown; the text says how.
      await expect(verify).toBeHidden();
      await expect(page.locator('main')).toContainText('sunshine draw verify');
    }
    expect(a11y, a11y.join('\n\n')).toEqual([]);
  });

  test('the list goes back a page at a time; a wrong page number says why', async ({ page }) => {
    // The demo county has more draws than one page holds (50): plain links, newest first.
    await page.goto('/draws');
    const pager = page.getByRole('navigation', { name: '翻页' });
    await expect(pager.getByRole('link', { name: '← 较新的' })).toHaveCount(0);
    const first = await page.locator('ul.cards a.card-link').allTextContents();
    expect(first.length).toBe(50);
    await pager.getByRole('link', { name: '更早的 →' }).click();
    await expect(page).toHaveURL(/\/draws\?page=2$/);
    const second = await page.locator('ul.cards a.card-link').allTextContents();
    expect(second.length).toBeGreaterThan(0);
    expect(second.length).toBeLessThanOrEqual(50);
    await expectNoHorizontalScroll(page);
    await shot(page, 'draws-page-2-360');
    // Back to the first page, the bare address every other link uses.
    await pager.getByRole('link', { name: '← 较新的' }).click();
    await expect(page).toHaveURL(/\/draws$/);
    // Following "older" to the end: the last page has no "older" link, the one after it is 404.
    let n = 1;
    while ((await pager.getByRole('link', { name: '更早的 →' }).count()) > 0) {
      await pager.getByRole('link', { name: '更早的 →' }).click();
      n += 1;
      await expect(page).toHaveURL(new RegExp(`/draws\\?page=${n}$`));
      expect(n).toBeLessThan(100);
    }
    expect((await page.goto(`/draws?page=${n + 1}`))!.status()).toBe(404);
    // A page that is no number is refused, in plain words.
    expect((await page.goto('/draws?page=abc'))!.status()).toBe(422);
    await expect(page.locator('main')).toContainText('页码应为1到10000之间的整数');
    await expectNoHorizontalScroll(page);
    await shot(page, 'draws-bad-page-360');
  });

  test('a township announces a panel; the county announces a spot-check', async ({ page }) => {
    await signIn(page, OFFICER, DEMO_PASSWORD);
    await page.goto('/staff/draws');
    await page.locator('#village').selectOption({ label: '光明村' });
    await Promise.all([page.waitForURL(/village=\d+/), page.getByRole('button', { name: '筛选', exact: true }).click()]);
    await expect(page.locator('main h2').first()).toContainText('评议库');
    await expectNoHorizontalScroll(page);
    await page.locator('#panel-source').fill(SOURCE);
    await page.locator('#panel-format').selectOption('digits:8');
    // Taken only when this month's panel of the village stands (the other browser project's
    // run announced one): then the new one replaces it, and says why in public.
    await page.locator('#f-reason').fill('测试重复运行：替换前一次公告的抽取');
    await shot(page, 'draws-staff-360');
    const res = await submit(page, page.getByRole('button', { name: '公告本月评议小组抽取', exact: true }));
    // One announcement per minute and village: a rerun within the same minute is refused as a
    // duplicate, which is the same page with the reason.
    if (res.status() === 422) {
      await expect(page.locator('[role=alert]')).toContainText('已经公告过');
    } else {
      expect(res.status()).toBe(303);
      await expect(page.locator('main')).toContainText('最早抽取时间');
      await expect(page.locator('main')).not.toContainText('抽取结果');
    }
    // Not drawable yet: the staff list offers no randomness field for it.
    await page.goto('/staff/draws');
    await expect(page.locator('main')).toContainText('已公告，最早抽取时间');
    await signOut(page);

    await signIn(page, COUNTY, DEMO_PASSWORD);
    await page.goto('/staff/draws');
    const lists = page.locator('#f-batch option');
    expect(await lists.count()).toBeGreaterThan(0);
    await page.locator('#f-rate').fill('30');
    await page.locator('#spot-source').fill(SOURCE);
    // Taken only when the chosen list's spot-check is announced and not drawn (a rerun).
    await page.locator('#spot-reason').fill('测试重复运行：替换前一次公告的抽查');
    const spot = await submit(page, page.getByRole('button', { name: '公告县级抽查', exact: true }));
    expect(spot.status()).toBe(303);
    await expect(page.locator('h1')).toContainText('县级抽查');
    await expect(page.locator('main')).toContainText('参与抽查的对象');
    await expectNoHorizontalScroll(page);
  });
});
