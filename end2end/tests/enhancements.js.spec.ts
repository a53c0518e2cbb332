import { expect, test, type Page } from './fixtures';
import {
  checkA11y,
  DEMO_ADMIN,
  DEMO_PASSWORD,
  expectNoHorizontalScroll,
  fillReport,
  islandsReady,
  LONGQUAN_PLACE,
  RECEIPT_RE,
  shot,
  signIn,
  submit,
} from './helpers';

// The enhancements the WASM islands add, with JavaScript on (project phone-js only). Every one
// of them has a no-JavaScript twin tested in the other specs; here the islands must wake up
// (the bundle is built by scripts/build-wasm and served by the server under test), work, and
// leave no console error behind (the `test` of ./fixtures checks that for every JS-on test).

/** 龙泉村 (龙头山镇): demo village with an open 审核公示 and a standing list. */
const LONGQUAN = '/v/530621103201';

/** Counts document loads from now on (an enhancement must not reload the page). */
function countLoads(page: Page): () => number {
  let loads = 0;
  page.on('load', () => loads++);
  return () => loads;
}

test.describe('islands (JavaScript on)', () => {
  test('typing narrows the village list at once, with no request', async ({ page }) => {
    await page.goto(LONGQUAN);
    await islandsReady(page);
    const rows = page.locator('#entries tbody tr');
    const visible = page.locator('#entries tbody tr:visible');
    const total = await rows.count();
    expect(total).toBeGreaterThan(3);
    await expect(page.locator('.filter-count')).toHaveText(`显示户数: ${total} / ${total}`);

    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const loads = countLoads(page);

    // A surname fragment of the first row keeps that row and drops the others.
    const first = (await rows.first().locator('.name').innerText()).trim();
    const fragment = first.slice(0, 1);
    const names = await rows.locator('.name').allInnerTexts();
    const expected = names.filter((n) => n.includes(fragment)).length;
    expect(expected, 'some rows have another surname').toBeLessThan(total);
    await page.getByRole('searchbox', { name: '按姓名查找' }).fill(fragment);
    await expect(visible).toHaveCount(expected);
    const shown = expected;
    for (const name of await visible.locator('.name').allInnerTexts()) expect(name).toContain(fragment);
    await expect(page.locator('.filter-count')).toHaveText(`显示户数: ${shown} / ${total}`);

    // Change kind: only 新增 rows.
    await page.getByRole('searchbox', { name: '按姓名查找' }).fill('');
    await expect(visible).toHaveCount(total);
    const kinds = await rows.locator('td:nth-child(5)').allInnerTexts();
    const fresh = kinds.filter((k) => k.trim() === '新增').length;
    expect(fresh).toBeGreaterThanOrEqual(1);
    expect(fresh).toBeLessThan(total);
    await page.getByRole('combobox', { name: '变动' }).selectOption('new');
    await expect(visible).toHaveCount(fresh);
    for (const row of await visible.all()) await expect(row).toContainText('新增');

    // Nothing matches: the count says so; clearing brings every row back.
    await page.getByRole('combobox', { name: '变动' }).selectOption('');
    await page.getByRole('searchbox', { name: '按姓名查找' }).fill('没有这个人');
    await expect(visible).toHaveCount(0);
    await expect(page.locator('.filter-count')).toHaveText(`显示户数: 0 / ${total}`);
    await page.getByRole('searchbox', { name: '按姓名查找' }).fill('');
    await expect(visible).toHaveCount(total);

    expect(requests, 'filtering asked the server for nothing').toEqual([]);
    expect(loads()).toBe(0);
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
  });

  test('the village page reads and works while the bundle is still on its way', async ({ page }) => {
    // Hold every bundle request (a weak signal): the page must not wait for it.
    await page.route('**/pkg/sunshine-*', () => {});
    await page.goto(LONGQUAN, { waitUntil: 'domcontentloaded' });
    await expect(page.locator('h1')).toHaveText('龙泉村');
    await expect(page.locator('#entries tbody tr').first()).toBeVisible();
    await expect(page.locator('.countdown').first()).toHaveText(/^剩余 \d+ 天 \d{2}:\d{2}:\d{2}$/);
    expect(await page.evaluate(() => document.documentElement.dataset.islands ?? 'asleep')).toBe('asleep');
    // The filter is still a form the server answers.
    await page.getByRole('combobox', { name: '变动' }).selectOption('new');
    await Promise.all([
      page.waitForURL(/change=new$/, { waitUntil: 'domcontentloaded' }),
      page.getByRole('button', { name: '筛选', exact: true }).click(),
    ]);
    for (const row of await page.locator('#entries tbody tr:visible').all()) await expect(row).toContainText('新增');
    // The signal comes back: the islands wake on the next page.
    await page.unroute('**/pkg/sunshine-*');
    await page.reload();
    await islandsReady(page);
  });

  test('the publicity countdown ticks', async ({ page }) => {
    await page.goto(LONGQUAN);
    await islandsReady(page);
    const countdown = page.getByRole('region', { name: '正在公示', exact: true }).locator('.countdown').first();
    const before = await countdown.innerText();
    expect(before).toMatch(/^剩余 \d+ 天 \d{2}:\d{2}:\d{2}$/);
    await expect(countdown).not.toHaveText(before, { timeout: 5_000 });
    const after = await countdown.innerText();
    expect(after).toMatch(/^剩余 \d+ 天 \d{2}:\d{2}:\d{2}$/);
    // It counts down towards the end of the closing day (Beijing time), as the server does.
    const seconds = (t: string) => {
      const [, d, h, m, s] = t.match(/^剩余 (\d+) 天 (\d{2}):(\d{2}):(\d{2})$/) ?? [];
      return ((+d * 24 + +h) * 60 + +m) * 60 + +s;
    };
    expect(seconds(after)).toBeLessThan(seconds(before));
    expect(seconds(after)).toBeGreaterThanOrEqual(seconds(before) - 6);
    expect(seconds(after)).toBeLessThanOrEqual(8 * 86_400);
    await shot(page, 'village-js-360');
  });

  test('the report form lists its problems before sending, then sends when fixed', async ({ page }) => {
    await page.goto('/report');
    await islandsReady(page);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await page.getByRole('button', { name: '提交', exact: true }).click();
    const summary = page.locator('#report-check');
    await expect(summary).toBeVisible();
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('listitem')).toHaveText([
      '请选择问题类型。',
      '请选择涉及的村（社区）或乡镇。',
      '请至少写10个字，说清楚情况。',
    ]);
    await expect(page.locator('#body')).toHaveAttribute('aria-invalid', 'true');
    expect(posts).toEqual([]);
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'report-js-check-360');

    // A link in the summary takes the visitor to the field.
    await summary.getByRole('link', { name: '请至少写10个字，说清楚情况。' }).click();
    await expect(page).toHaveURL(/#body$/);

    await fillReport(page, {
      category: '关系保、人情保、优亲厚友',
      place: LONGQUAN_PLACE,
      body: '村里有一户条件很好的人家也在领低保，请核实。',
      anonymous: true,
    });
    const res = await submit(page, page.getByRole('button', { name: '提交', exact: true }));
    expect(res.status()).toBe(303);
    await expect(page).toHaveURL(/\/report\/receipt$/);
    expect((await page.locator('.receipt').innerText()).trim()).toMatch(RECEIPT_RE);
  });

  test('staff queue filters swap the rows without a reload, and the address keeps them', async ({ page }) => {
    expect((await signIn(page, DEMO_ADMIN, DEMO_PASSWORD)).status()).toBe(303);
    await page.goto('/staff/complaints');
    await islandsReady(page);
    const rows = page.locator('#queue tbody tr');
    const all = await rows.count();
    expect(all).toBeGreaterThan(2);
    await expect(page.locator('.filter-count')).toHaveText(`列出案件: ${all}`);
    const loads = countLoads(page);

    await page.getByRole('combobox', { name: '状态' }).selectOption('closed');
    await expect(page).toHaveURL(/\/staff\/complaints\?status=closed$/);
    await expect.poll(() => rows.count()).toBeLessThan(all);
    const closed = await rows.count();
    expect(closed).toBeGreaterThanOrEqual(1);
    for (const row of await rows.all()) await expect(row.locator('td').nth(1)).toHaveText('已办结');
    await expect(page.locator('.filter-count')).toHaveText(`列出案件: ${closed}`);
    expect(loads(), 'no page load').toBe(0);

    // Back to all: every case again.
    await page.getByRole('combobox', { name: '状态' }).selectOption('');
    await expect(page).toHaveURL(/\/staff\/complaints$/);
    await expect(rows).toHaveCount(all);
    expect(loads()).toBe(0);

    // A reload of the filtered address shows the same rows (the server applies it too).
    await page.getByRole('combobox', { name: '状态' }).selectOption('closed');
    await expect(page).toHaveURL(/status=closed$/);
    await page.reload();
    await expect(rows).toHaveCount(closed);
    await expect(page.getByRole('combobox', { name: '状态' })).toHaveValue('closed');
    await checkA11y(page);
  });
});
