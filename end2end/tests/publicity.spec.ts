import { expect, test, type Page, type TestInfo } from './fixtures';
import {
  checkA11y,
  DEMO_PASSWORD,
  expectNoHorizontalScroll,
  noteTableOverflow,
  shot,
  signIn,
  confirmAndSubmit,
  submit,
  visitorContext,
} from './helpers';

// Publicity lists ("公示"), as a cheap phone (360×740) with JavaScript off sees
// them: villagers read privacy-filtered lists, staff build them from Excel/CSV.
// The server runs with `--demo`: 龙泉村 has an open 审核公示 batch and a
// standing list; demo.longtoushan is the 龙头山镇 township officer.

const LONGQUAN = '/v/530621103201'; // 龙泉村, 龙头山镇
const GUANGMING = '/v/530621103203'; // 光明村, 龙头山镇
const OFFICER = 'demo.longtoushan';

/** Any CJK ideograph: a public reference must never carry a name. */
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Signed in as the township officer: opens 公示管理 → 新建公示, creates a draft
 * 审核公示 for the first village whose label contains `village` (today's date
 * kept) and returns the batch id, with the page on the staff batch page.
 */
/** A hand-made list is a standing list: 审核/审批 lists come only from case files (#15). */
async function createStandingBatch(page: Page, village: string): Promise<number> {
  await page.getByRole('link', { name: '公示管理', exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/publicity$/);
  await expect(page.locator('h1')).toHaveText('公示管理');

  await page.getByRole('link', { name: '新建公示', exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/publicity\/new$/);
  await expect(page.locator('h1')).toHaveText('新建公示');
  const option = page.locator('#village option').filter({ hasText: village }).first();
  const value = await option.getAttribute('value');
  expect(value, `a village option containing ${village}`).toBeTruthy();
  await page.locator('#village').selectOption(value!);
  await page.locator('#kind').selectOption('standing');
  await expect(page.locator('#opens_on')).not.toHaveValue('');

  const created = await submit(page, page.getByRole('button', { name: '创建', exact: true }));
  expect(created.status()).toBe(303);
  await expect(page).toHaveURL(/\/staff\/publicity\/\d+$/);
  await expect(page.locator('h1')).toContainText(`${village} 长期公示`);
  await expect(page.locator('h1 + p')).toContainText('草稿');
  return Number(new URL(page.url()).pathname.split('/').pop());
}

test.describe('publicity lists', () => {
  test('the list filter is a plain form: the server hides what does not match', async ({ page }) => {
    await page.goto('/v/530621103201');
    const rows = page.locator('#entries tbody tr');
    const visible = page.locator('#entries tbody tr:visible');
    const total = await rows.count();
    await page.getByRole('combobox', { name: '变动' }).selectOption('new');
    await Promise.all([
      page.waitForURL(/\/v\/530621103201\?q=&change=new$/),
      page.getByRole('button', { name: '筛选', exact: true }).click(),
    ]);
    await expect(page.getByRole('combobox', { name: '变动' })).toHaveValue('new');
    const shown = await visible.count();
    expect(shown).toBeGreaterThanOrEqual(1);
    expect(shown).toBeLessThan(total);
    for (const row of await visible.all()) await expect(row).toContainText('新增');
    await expect(page.locator('.filter-count')).toHaveText(`显示户数: ${shown} / ${total}`);
    // Hostile text in the address is only ever text.
    await page.goto('/v/530621103201?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&change=%27%20OR%201%3D1');
    await expect(page.getByRole('searchbox', { name: '按姓名查找' })).toHaveValue('<script>alert(1)</sc');
    await expect(page.getByRole('combobox', { name: '变动' })).toHaveValue('');
    await expect(visible).toHaveCount(0);
    await expect(page.locator('main script')).toHaveCount(0);
  });

  test('village page shows open lists and the masked standing list', async ({ page }, testInfo) => {
    const response = await page.goto(LONGQUAN);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toHaveText('龙泉村');

    const open = page.getByRole('region', { name: '正在公示', exact: true });
    await expect(open.getByRole('link', { name: '审核公示', exact: true })).toBeVisible();
    // Time left until the window closes (a live countdown once the islands load).
    await expect(open.locator('.countdown')).toHaveText(/^剩余 \d+ 天 \d{2}:\d{2}:\d{2}$/);

    const standing = page.getByRole('region', { name: '长期公示名单', exact: true });
    for (const label of ['户数', '人数', '月保障金合计']) {
      await expect(standing.locator('dl.totals dt').filter({ hasText: label })).toBeVisible();
    }
    const names = await standing.locator('td.name').allTextContents();
    expect(names.length, 'the standing list has rows').toBeGreaterThan(0);
    const unmasked = names.filter((n) => !n.includes('*'));
    expect(unmasked, `names shown without masking: ${unmasked.join(', ')}`).toEqual([]);

    await noteTableOverflow(page, testInfo, LONGQUAN);
    await shot(page, 'village-lists-360');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
  });

  test('batch page lists masked entries with anonymous objection links', async ({ page }, testInfo) => {
    await page.goto(LONGQUAN);
    const open = page.getByRole('region', { name: '正在公示', exact: true });
    await open.getByRole('link', { name: '审核公示', exact: true }).click();
    await expect(page).toHaveURL(/\/p\/\d+$/);
    await expect(page.locator('h1')).toContainText('龙泉村 审核公示');

    const names = await page.locator('td.name').allTextContents();
    expect(names.length, 'the batch has rows').toBeGreaterThan(0);
    expect(names.filter((n) => !n.includes('*'))).toEqual([]);

    const object = page.getByRole('link', { name: '提出异议', exact: true }).first();
    const href = await object.getAttribute('href');
    expect(href).toMatch(/^\/report\?entry=E[A-Z0-9]{10}$/);
    expect(decodeURIComponent(href!), 'the objection link carries no name').not.toMatch(HAN);

    await noteTableOverflow(page, testInfo, 'batch page');
    await shot(page, 'batch-360');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    // The report form knows the entry (by its reference, shown with the masked name only).
    const entry = href!.split('=')[1];
    const report = await page.goto(href!);
    expect(report?.status()).toBe(200);
    await expect(page.locator('input[name="entry"]')).toHaveValue(entry);
    await expect(page.locator('main')).toContainText('您要反映的公示名单条目');
    await expect(page.locator('main')).toContainText('*');
    await expect(page.locator('#place')).toHaveValue(/^v:\d{12}$/);
  });

  test('staff import a CSV, preview, confirm and publish; villagers see masked names', async ({
    page,
    browser,
    baseURL,
  }, testInfo) => {
    const login = await signIn(page, OFFICER, DEMO_PASSWORD);
    expect(login.status()).toBe(303);
    await expect(page.locator('h1')).toHaveText('工作台');

    const id = await createStandingBatch(page, '光明村');
    await expect(page.locator('main table tbody tr')).toHaveCount(0);
    await expectNoHorizontalScroll(page);
    // axe on the staff batch page itself: see 'staff batch page passes axe' below.

    await page.setInputFiles('#file', {
      name: 'list.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        '户主姓名,保障人数,月保障金额,保障类别,变动情况\n' +
          '赵大山,2,750,兜底保障一类,新增\n' +
          '钱小红,1,375.5,一般保障三类,新增\n',
      ),
    });
    const preview = await submit(page, page.getByRole('button', { name: '预览', exact: true }));
    expect(preview.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('list.csv');
    await expect(page.getByRole('status')).toContainText('全部行均有效');
    const previewRows = page.locator('main table tbody tr');
    await expect(previewRows).toHaveCount(2);
    await expect(previewRows.filter({ hasText: '赵大山' })).toHaveCount(1);
    await expect(previewRows.filter({ hasText: '钱小红' })).toHaveCount(1);
    await noteTableOverflow(page, testInfo, 'import preview');
    await shot(page, 'import-preview-360');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    const confirmed = await submit(page, page.getByRole('button', { name: '确认导入', exact: true }));
    expect(confirmed.status()).toBe(303);
    await expect(page).toHaveURL(new RegExp(`/staff/publicity/${id}(?:\\?done=1)?$`));
    const rows = page.locator('main table tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: '赵大山' })).toHaveCount(1);
    await expect(rows.filter({ hasText: '钱小红' })).toHaveCount(1);
    await expectNoHorizontalScroll(page);

    const published = await confirmAndSubmit(page, '发布');
    expect(published.status()).toBe(303);
    await expect(page).toHaveURL(new RegExp(`/staff/publicity/${id}(?:\\?done=1)?$`));
    await expect(page.locator('h1 + p')).toContainText('公示中');
    // Published: no more editing.
    await expect(page.getByRole('button', { name: '预览', exact: true })).toHaveCount(0);
    await expectNoHorizontalScroll(page);

    // A villager (no staff cookie) finds the new list on the village page.
    const ctx = await visitorContext(browser, baseURL);
    try {
      const visitor = await ctx.newPage();
      const village = await visitor.goto(GUANGMING);
      expect(village?.status()).toBe(200);
      await expect(visitor.locator('h1')).toHaveText('光明村');
      // The new standing list replaced the demo's: the village page links it.
      await expect(visitor.locator(`a[href="/p/${id}"]`).first()).toBeVisible();
      await visitor.goto(`/p/${id}`);
      await expect(visitor.locator('h1')).toContainText('光明村 长期公示');
      const names = visitor.locator('td.name');
      await expect(names).toHaveText(['赵*山', '钱*红'], { useInnerText: true });
      const main = visitor.locator('main');
      await expect(main).not.toContainText('赵大山');
      await expect(main).not.toContainText('钱小红');
      // Staff-only columns stay on the staff page.
      await expect(main).not.toContainText('户主姓名');
      await expectNoHorizontalScroll(visitor);
      await checkA11y(visitor);
    } finally {
      await ctx.close();
    }
  });

  test('a CSV with a bad row is refused with 422 and imports nothing', async ({ page }) => {
    const login = await signIn(page, OFFICER, DEMO_PASSWORD);
    expect(login.status()).toBe(303);
    const id = await createStandingBatch(page, '八宝村');

    // Line 1 is the header, so the second household is 第3行.
    await page.setInputFiles('#file', {
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        '户主姓名,保障人数,月保障金额,保障类别,变动情况\n' +
          '孙大海,2,750,兜底保障一类,新增\n' +
          '李小兰,30,375,一般保障三类,新增\n',
      ),
    });
    const res = await submit(page, page.getByRole('button', { name: '预览', exact: true }));
    expect(res.status()).toBe(422);
    const alert = page.getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('未导入任何数据');
    await expect(alert.locator('li').filter({ hasText: '第3行' })).toHaveCount(1);
    await expect(alert).not.toContainText('第2行');
    await expect(page.getByRole('button', { name: '确认导入', exact: true })).toHaveCount(0);
    await shot(page, 'import-errors-360');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    const back = await page.goto(`/staff/publicity/${id}`);
    expect(back?.status()).toBe(200);
    await expect(page.locator('h1 + p')).toContainText('草稿');
    await expect(page.locator('main table tbody tr')).toHaveCount(0);
    // Nothing to publish either.
    await expect(page.getByRole('button', { name: '发布', exact: true })).toHaveCount(0);
  });

  test('staff batch page passes axe, empty and published', async ({ page }, testInfo) => {
    // Both states have nothing focusable in the entries table (a draft with
    // rows has 删除 buttons there), which is what matters when the table is
    // wider than the phone and scrolls inside its wrapper.
    await signIn(page, OFFICER, DEMO_PASSWORD);
    const failures: string[] = [];
    const audit = async (label: string) => {
      await noteTableOverflow(page, testInfo, label);
      await expectNoHorizontalScroll(page);
      try {
        await checkA11y(page);
      } catch (e) {
        failures.push(`${label}: ${(e as Error).message.split(/\n+expect\(received\)/)[0].trim()}`);
      }
    };

    await createStandingBatch(page, '骡马口村');
    await expect(page.locator('main table tbody tr')).toHaveCount(0);
    await audit('empty draft');

    // A batch the demo already published (龙泉村's open 审核公示).
    await page.getByRole('link', { name: '公示管理', exact: true }).click();
    const row = page
      .locator('main tbody tr')
      .filter({ hasText: '龙泉村' })
      .filter({ hasText: '审核公示' })
      .filter({ hasText: '公示中' })
      .first();
    await row.getByRole('link', { name: '龙泉村', exact: true }).click();
    await expect(page).toHaveURL(/\/staff\/publicity\/\d+$/);
    await expect(page.locator('h1 + p')).toContainText('公示中');
    expect(await page.locator('main table tbody tr').count()).toBeGreaterThan(0);
    await audit('published');

    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  test('village page in English', async ({ page }) => {
    await page.goto(LONGQUAN);
    const english = page.locator('a[hreflang="en"]');
    await expect(english).toHaveText(/English/);
    await english.click();

    await expect(page).toHaveURL(new RegExp(`${LONGQUAN}$`));
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 2, name: 'Standing list', exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'Open for comment', exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Review publicity', exact: true })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
  });
});
