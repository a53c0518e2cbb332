import type { Page, TestInfo } from '@playwright/test';

import { expect, test } from './fixtures';
import { DEMO_PASSWORD, expectNoHorizontalScroll, shot, signIn, submit } from './helpers';

// Written notices and re-checks, as a township officer on a phone (and at the office PC): a
// refused application gets a numbered notice that prints on one A4 page, and its delivery is
// recorded; the officer works the overdue re-check list and records a re-check.

const OFFICER = 'demo.longtoushan';
const GUANGMING = '530621103202';

/** A name nobody else uses in this run (names hold no digits). */
function uniqueName(testInfo: TestInfo): string {
  const pool = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';
  const n = Date.now() + testInfo.project.name.length * 13;
  const pick = (k: number) => pool[Math.floor(n / 10 ** k) % pool.length];
  return `诸葛${pick(0)}${pick(1)}${pick(2)}`;
}

async function registerAndReject(page: Page, name: string): Promise<void> {
  await page.goto('/staff/cases/new');
  await page.locator('#f-village').selectOption({ value: await villageOption(page) });
  await page.locator('#f-group').fill('一组');
  await page.locator('#f-m0_name').fill(name);
  const res = await submit(page, page.getByRole('button', { name: '保存', exact: true }));
  expect(res.status()).toBe(303);
  await expect(page.locator('h1')).toContainText('低保申请案卷');
  // 不予受理 is one of the folded "other steps" on a new application.
  const reject = page.locator('form[action$="/reject"]');
  const details = page.locator('details').filter({ has: reject });
  if ((await details.count()) > 0) await details.locator('summary').click();
  await reject.locator('textarea[name="reason"]').fill('户籍不在本村，应向户籍所在地乡镇申请');
  expect((await submit(page, reject.getByRole('button'))).status()).toBe(303);
}

/** The value of 光明村 in the village select (its region id). */
async function villageOption(page: Page): Promise<string> {
  const options = page.locator('#f-village option');
  const n = await options.count();
  for (let i = 0; i < n; i++) {
    const text = (await options.nth(i).textContent()) ?? '';
    if (text.includes('光明村')) return (await options.nth(i).getAttribute('value')) ?? '';
  }
  throw new Error(`光明村 (${GUANGMING}) not offered`);
}

function pdfPages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
}

test.describe('written notices', () => {
  test('a refusal gets a notice that prints on one A4 page, and its delivery is recorded', async ({ page, browserName }, testInfo) => {
    await signIn(page, OFFICER, DEMO_PASSWORD);
    const name = uniqueName(testInfo);
    await registerAndReject(page, name);
    // The case file links its notice.
    const link = page.locator('section.case-notices a').first();
    await expect(link).toContainText(/鲁民低告〔\d{4}〕\d+号/);
    await link.click();
    const doc = page.locator('article.written-notice');
    await expect(doc).toContainText('最低生活保障决定告知书');
    await expect(doc).toContainText('龙头山镇人民政府');
    await expect(doc).toContainText('不予受理');
    await expect(doc).toContainText('户籍不在本村');
    await expect(doc).toContainText('行政复议');
    await expect(doc).toContainText('行政诉讼');
    await expect(doc).toContainText('（盖章）');
    await expect(doc).toContainText('送达回执');
    await expectNoHorizontalScroll(page);
    await shot(page, `notice-${testInfo.project.name}`);
    // Printed: one A4 page, without the staff navigation.
    if (browserName === 'chromium') {
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('nav.staff-nav')).toBeHidden();
      // (page.pdf prints with print styles unless the page emulates another medium.)
      await page.emulateMedia({ media: null });
      const pdf = await page.pdf({ format: 'A4', printBackground: false });
      await testInfo.attach('notice.pdf', { body: pdf, contentType: 'application/pdf' });
      expect(pdfPages(pdf), 'the notice fits one A4 page').toBe(1);
    }
    // Delivery: a date in the future is refused, then recorded.
    const form = page.locator('form[action$="/delivery"]');
    await form.locator('#f-delivered_on').fill('2099-01-01');
    await form.locator('#f-delivered_by').fill('村委会 王会计');
    await form.getByLabel('村（居）委会转交').check();
    expect((await submit(page, form.getByRole('button', { name: '记录送达' }))).status()).toBe(422);
    await expect(page.locator('p.error')).toBeVisible();
    const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    await page.locator('#f-delivered_on').fill(today);
    await page.locator('#f-delivered_by').fill('村委会 王会计');
    expect((await submit(page, page.getByRole('button', { name: '记录送达' }))).status()).toBe(303);
    await expect(page.locator('main')).toContainText('已送达');
    await expect(page.locator('main')).toContainText('村委会 王会计');
    await expect(page.locator('form[action$="/delivery"]')).toHaveCount(0);
  });

  test('overdue notices are counted on the dashboard and listed', async ({ page }) => {
    await signIn(page, 'demo.county', DEMO_PASSWORD);
    await page.goto('/staff');
    const count = page.locator('#process-work a[href="/staff/notices?overdue=1"]');
    await expect(count).toBeVisible();
    await count.click();
    await expect(page.locator('h1')).toHaveText('告知书');
    await expectNoHorizontalScroll(page);
    // The demo has refusals whose notices were never delivered: each says since when.
    const cards = page.locator('#notices a.card-link');
    expect(await cards.count()).toBeGreaterThan(0);
    for (const text of await cards.allTextContents()) expect(text).toContain('逾期未送达');
  });
});

test.describe('re-checks', () => {
  test('a township officer works the overdue re-check list', async ({ page }) => {
    await signIn(page, OFFICER, DEMO_PASSWORD);
    await page.goto('/staff/rechecks');
    await expect(page.locator('h1')).toHaveText('动态管理复核');
    await expectNoHorizontalScroll(page);
    await shot(page, 'rechecks-360');
    const overdue = page.locator('#rechecks a.card-link').filter({ hasText: '复核已逾期' });
    const before = await overdue.count();
    expect(before).toBeGreaterThan(0);
    await overdue.first().click();
    await expect(page.locator('h2').filter({ hasText: '记录复核' })).toBeVisible();
    await page.getByLabel('入户核查').check();
    await page.getByLabel('继续保障').check();
    await page.locator('#f-findings').fill('入户核实：家庭成员、收入无变化，继续保障。');
    expect((await submit(page, page.getByRole('button', { name: '保存', exact: true }))).status()).toBe(303);
    await expect(page.locator('main')).toContainText('入户核查');
    await expect(page.locator('main')).toContainText('继续保障');
    await expect(page.locator('dd.overdue')).toHaveCount(0);
    await page.goto('/staff/rechecks');
    await expect(page.locator('#rechecks a.card-link').filter({ hasText: '复核已逾期' })).toHaveCount(before - 1);
  });

  test('a refused re-check comes back with why and what was typed, and records nothing', async ({ page }) => {
    await signIn(page, OFFICER, DEMO_PASSWORD);
    await page.goto('/staff/rechecks');
    await page.locator('#rechecks a.card-link').last().click();
    await expect(page.locator('h2').filter({ hasText: '记录复核' })).toBeVisible();
    const history = await page.locator('ol.timeline').innerText();
    // 调整保障金额 without the new amount.
    const findings = '家中新添一辆三轮车，经营收入有增加。';
    await page.getByLabel('调整保障金额', { exact: true }).check();
    await page.locator('#f-findings').fill(findings);
    const res = await submit(page, page.getByRole('button', { name: '保存', exact: true }));
    expect(res.status()).toBe(422);
    await expect(page.locator('p.error[role="alert"]')).toContainText('调整保障金额时，请填写与现在不同的新金额');
    await expect(page.locator('#f-findings')).toHaveValue(findings);
    await expect(page.getByLabel('调整保障金额', { exact: true })).toBeChecked();
    await expect(page.locator('ol.timeline')).toHaveText(history);
    await expectNoHorizontalScroll(page);
    await shot(page, 'recheck-refused-360');
  });
});
