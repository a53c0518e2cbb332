import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  checkA11y,
  DEMO_ADMIN,
  DEMO_PASSWORD,
  expectNoHorizontalScroll,
  fillReport,
  RECEIPT_RE,
  shot,
  signIn,
  signOut,
  submit,
} from './helpers';

// A deployment of several counties, as a cheap phone (360×740) sees it, with JavaScript off and
// on. run.sh starts a second server for this ("the province"): the demo county (鲁甸县, 昭通市)
// plus 巧家县 (昭通市) and 五华区 (昆明市), loaded with `sunshine regions import`.
const PROVINCE = process.env.PROVINCE_URL;
if (!PROVINCE) {
  throw new Error('PROVINCE_URL is not set: run the browser tests with `bash end2end/run.sh`, which starts the province server.');
}

/**
 * Signs in to the province as the deployment's administrator and creates an account limited
 * by one choice (`limit`: the select and the label to choose); `before` runs on the filled
 * form before it is sent.
 */
async function newAccount(
  page: Page,
  a: { username: string; password: string; name: string; role: string; limit: [string, string] },
  before?: () => Promise<void>,
): Promise<void> {
  await page.goto(`${PROVINCE}/staff/login`);
  expect((await signIn(page, DEMO_ADMIN, DEMO_PASSWORD)).status()).toBe(303);
  await page.goto(`${PROVINCE}/staff/accounts/new`);
  await page.locator('#username').fill(a.username);
  await page.locator('#display_name').fill(a.name);
  await page.locator('#role').selectOption(a.role);
  await page.locator(a.limit[0]).selectOption({ label: a.limit[1] });
  await page.locator('#password').fill(a.password);
  if (before) await before();
  expect((await submit(page, page.getByRole('button', { name: '创建', exact: true }))).status()).toBe(303);
}

test.describe('a province', () => {
  test('the list of counties is grouped by prefecture', async ({ page }) => {
    const res = await page.goto(`${PROVINCE}/counties`);
    expect(res?.status()).toBe(200);
    const headings = page.locator('h3');
    await expect(headings).toHaveText(['昆明市', '昭通市']);
    await expect(page.locator('a[href="/c/530102000000"]')).toBeVisible();
    await expect(page.locator('a[href="/c/530622000000"]')).toBeVisible();
    // A site of several counties names none in the header of a page of no county.
    await expect(page.locator('header .county')).toHaveText('');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'province-counties-360');
  });

  test('the report form asks for the county, then lists only its places', async ({ page }) => {
    await page.goto(`${PROVINCE}/report`);
    await expect(page.getByText('请先选择问题发生地所在的县')).toBeVisible();
    await expect(page.locator('#place')).toHaveCount(0);
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'province-report-county-360');

    await page.getByRole('link', { name: '巧家县', exact: true }).click();
    await expect(page).toHaveURL(/\/report\?county=530622000000$/);
    const place = page.locator('#place');
    await expect(place.locator('option[value="v:530622101201"]')).toHaveCount(1);
    await expect(place.locator('option[value="v:530621103201"]')).toHaveCount(0);
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    await fillReport(page, {
      category: '关系保、人情保、优亲厚友',
      place: 'v:530622101201',
      body: '村干部把低保名额给了自己的亲戚，他们家有小车。（浏览器测试）',
    });
    const sent = await submit(page, page.getByRole('button', { name: '提交', exact: true }));
    expect(sent.status()).toBe(303);
    await expect(page).toHaveURL(/\/report\/receipt$/);
    expect((await page.locator('.receipt').innerText()).trim()).toMatch(RECEIPT_RE);
  });

  test('statistics roll up by prefecture, then county', async ({ page }) => {
    await page.goto(`${PROVINCE}/stats`);
    await expect(page.locator('a[href="/m/530600000000/stats"]')).toBeVisible();
    await expect(page.locator('a[href="/m/530100000000/stats"]')).toBeVisible();
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'province-stats-360');

    await page.locator('a[href="/m/530600000000/stats"]').click();
    await expect(page).toHaveURL(/\/m\/530600000000\/stats$/);
    await expect(page.locator('h1')).toContainText('昭通市');
    await expect(page.locator('a[href="/c/530621000000/stats"]')).toBeVisible();
    await expect(page.locator('a[href="/c/530622000000/stats"]')).toBeVisible();
    await expect(page.locator('a[href="/c/530102000000/stats"]')).toHaveCount(0);
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'province-prefecture-stats-360');
  });

  test("a prefecture's auditor reads the counties of that prefecture only", async ({ page }, testInfo) => {
    // One account per browser project: the three projects share the province server.
    const username = `zt.${testInfo.project.name}`;
    const password = 'Zhaotong-audit-2026';
    await newAccount(page, { username, password, name: '昭通市 监督', role: 'auditor', limit: ['#prefecture', '昭通市'] }, async () => {
      await expectNoHorizontalScroll(page);
      await checkA11y(page);
      await shot(page, 'province-prefecture-account-360');
    });
    await expect(page.locator('#prefecture option:checked')).toHaveText('昭通市');
    await signOut(page);

    expect((await signIn(page, username, password)).status()).toBe(303);
    await expect(page.locator('.scope')).toHaveText('昭通市');
    // Its counties' villages (the demo county's and 巧家县's), none of 五华区 (昆明市).
    await expect(page.locator('a[href="/v/530622101201"]')).toHaveCount(1);
    await expect(page.locator('a[href="/v/530621103201"]')).toHaveCount(1);
    await expect(page.locator('a[href="/v/530102001001"]')).toHaveCount(0);
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'province-prefecture-dashboard-360');
    // Oversight reads and changes nothing: no account management.
    const denied = await page.goto(`${PROVINCE}/staff/accounts`);
    expect(denied?.status()).toBe(403);
  });

  test("a county's administrator publishes the county's own standard", async ({ page }, testInfo) => {
    const username = `qj.${testInfo.project.name}`;
    const password = 'Qiaojia-admin-2026';
    const slug = `qiaojia-standard-${testInfo.project.name}`;
    const title = `巧家县低保标准（${testInfo.project.name}）`;
    await newAccount(page, { username, password, name: '巧家县 管理员', role: 'admin', limit: ['#county', '巧家县'] });
    await signOut(page);

    expect((await signIn(page, username, password)).status()).toBe(303);
    await page.getByRole('link', { name: '公开内容', exact: true }).click();
    await expect(page).toHaveURL(/\/staff\/pages$/);
    await page.getByRole('link', { name: '新建页面', exact: true }).click();
    await page.locator('#kind').selectOption('policy');
    await page.locator('#slug').fill(slug);
    await page.locator('#title').fill(title);
    await page.locator('#body').fill('农村每人每月 **560** 元。');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    expect((await submit(page, page.getByRole('button', { name: '保存', exact: true }))).status()).toBe(303);
    expect((await submit(page, page.getByRole('button', { name: '发布', exact: true }))).status()).toBe(303);
    await shot(page, 'province-county-page-editor-360');

    // Its county's page lists it; the page speaks with the county's voice.
    await page.goto(`${PROVINCE}/c/530622000000`);
    await page.getByRole('link', { name: title, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/policy/${slug}$`));
    await expect(page.locator('article strong')).toHaveText('560');
    await expect(page.locator('header .county')).toHaveText('巧家县');
    await expect(page.locator('nav.crumbs a').first()).toHaveAttribute('href', '/c/530622000000');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'province-county-policy-360');
    // Not on another county's page.
    await page.goto(`${PROVINCE}/c/530102000000`);
    await expect(page.getByRole('link', { name: title, exact: true })).toHaveCount(0);
  });
});
