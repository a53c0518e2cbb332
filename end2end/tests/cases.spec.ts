import { expect, test, type Page, type TestInfo } from './fixtures';
import {
  collectA11y,
  DEMO_PASSWORD,
  expectNoHorizontalScroll,
  shot,
  signIn,
  signOut,
  confirmAndSubmit,
  submit,
} from './helpers';

// The case file (审核审批), with JavaScript off on a phone (phone-nojs, 360×740) and an office PC
// (desktop-nojs), and again with JavaScript on: a township officer takes two applications
// through registration, the household visit (two signers, the signed form uploaded), the
// village review, the township's review meeting and the 审核公示; the village page shows the
// list with masked names only; a county officer records the in-person check of a case whose
// 审核公示 has ended and approves it.

const OFFICER = 'demo.longtoushan'; // 龙头山镇, "龙头山 王芳"
const SECOND = '龙头山镇 民政助理员甲'; // demo.t103a
const COUNTY = 'demo.county';
const GUANGMING = '530621103203'; // 光明村, 龙头山镇

/** A 1×1 PNG: the photo of the signed survey form. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f000500' +
    '01ff89993d1d0000000049454e44ae426082',
  'hex',
);

/** Two names nobody else uses in this run (names hold no digits). */
function names(testInfo: TestInfo): [string, string] {
  const pool = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';
  const n = Date.now() + testInfo.project.name.length * 7;
  const pick = (k: number) => pool[Math.floor(n / 10 ** k) % pool.length];
  const tag = `${pick(0)}${pick(1)}${pick(2)}`;
  return [`欧阳${tag}华`, `欧阳${tag}明`];
}

async function register(page: Page, name: string): Promise<number> {
  await page.goto('/staff/cases/new');
  await page.locator('#f-village').selectOption(GUANGMING);
  await page.locator('#f-group').fill('三组');
  await page.locator('#f-m0_name').fill(name);
  await page.locator('#f-m1_name').fill(`${name.slice(0, 2)}配偶`);
  await page.locator('#f-m1_relation').selectOption('spouse');
  const res = await submit(page, page.getByRole('button', { name: '保存', exact: true }));
  expect(res.status()).toBe(303);
  await expect(page.locator('h1')).toContainText('低保申请案卷');
  return Number(new URL(page.url()).pathname.split('/').pop());
}

async function step(page: Page, button: string): Promise<void> {
  const res = await submit(page, page.locator('section.next-step').getByRole('button', { name: button, exact: true }));
  expect(res.status(), `${button} answers with a redirect`).toBe(303);
}

async function visitAndReview(page: Page, id: number): Promise<void> {
  await page.goto(`/staff/cases/${id}`);
  await step(page, '受理');
  // The visit is refused without the signed form: upload it first.
  await page.locator('#file').setInputFiles({ name: '入户调查表.png', mimeType: 'image/png', buffer: PNG });
  expect((await submit(page, page.getByRole('button', { name: '上传', exact: true }))).status()).toBe(303);
  await expect(page.locator('main')).toContainText('入户调查表.png');
  const next = page.locator('section.next-step');
  await next.getByLabel('龙头山 王芳').check();
  await next.getByLabel(SECOND).check();
  await next.locator('#f-income').fill('无固定收入，靠零工维持');
  await next.getByLabel('符合条件', { exact: true }).check();
  await step(page, '保存');
  await expect(page.locator('dl.facts')).toContainText('已入户调查，待民主评议');
  // The review is held by this month's panel, drawn in public (the newest is offered first).
  await expect(page.locator('#f-panel option').first()).toContainText('民主评议小组');
  await page.locator('#f-for').fill('9');
  await page.locator('#f-against').fill('0');
  await step(page, '保存');
  await expect(page.locator('dl.facts')).toContainText('已民主评议，待乡镇审核');
}

test.describe('the case file', () => {
  test('a township officer takes two applications to the 审核公示', async ({ page, browser }, testInfo) => {
    const a11y: string[] = [];
    await signIn(page, OFFICER, DEMO_PASSWORD);
    const [first, second] = names(testInfo);
    const ids = [await register(page, first), await register(page, second)];
    await collectA11y(page, a11y, 'case page (registered)');
    for (const id of ids) await visitAndReview(page, id);
    await shot(page, 'case-page-360');
    await expectNoHorizontalScroll(page);
    // The review meeting decides both on one page.
    await page.goto('/staff/cases');
    await page.getByRole('link', { name: '乡镇审核研判会', exact: true }).click();
    await page.locator('#f-attendees').fill('王芳、分管副镇长、光明村支书');
    const meetingCase = (id: number) => page.locator('fieldset.meeting-case').filter({ has: page.locator(`a[href="/staff/cases/${id}"]`) });
    // Granted without an amount: refused, with why beside the case, and nothing typed is lost.
    await meetingCase(ids[0]).getByLabel('拟同意', { exact: true }).check();
    const refused = await submit(page, page.getByRole('button', { name: '保存研判会决定', exact: true }));
    expect(refused.status()).toBe(422);
    await expect(meetingCase(ids[0]).locator('.field-error')).toHaveText('拟同意须填写保障类别和月保障金额。');
    await expect(page.locator('#f-attendees')).toHaveValue('王芳、分管副镇长、光明村支书');
    await expect(meetingCase(ids[0]).getByLabel('拟同意', { exact: true })).toBeChecked();
    for (const id of ids) {
      const set = meetingCase(id);
      await set.getByLabel('拟同意', { exact: true }).check();
      await set.locator(`#f-c${id}_amount`).fill('650');
    }
    await collectA11y(page, a11y, 'review meeting');
    await shot(page, 'case-meeting-360');
    expect((await submit(page, page.getByRole('button', { name: '保存研判会决定', exact: true }))).status()).toBe(303);
    // The 审核 list is made from the decided cases and published by the township.
    await page.goto(`/staff/cases?village=${await villageId(page)}`);
    const made = await submit(page, page.getByRole('button', { name: '用拟同意的案卷生成审核公示名单', exact: true }));
    expect(made.status()).toBe(303);
    await expect(page.locator('main table.list')).toContainText(first);
    await expect(page.locator('main')).toContainText('审核公示、审批公示名单由低保申请案卷生成');
    expect((await confirmAndSubmit(page, '发布')).status()).toBe(303);
    const batch = Number(new URL(page.url()).pathname.split('/').pop());
    for (const id of ids) {
      await page.goto(`/staff/cases/${id}`);
      await expect(page.locator('dl.facts')).toContainText('审核公示中');
      await expect(page.locator('ol.timeline')).toContainText('签名');
    }
    await signOut(page);
    // The village page shows the list: masked names, never the full ones.
    const villager = await browser.newContext({ javaScriptEnabled: testInfo.project.use.javaScriptEnabled, viewport: page.viewportSize() });
    const v = await villager.newPage();
    await v.goto(`/v/${GUANGMING}`);
    await expect(v.locator(`a[href="/p/${batch}"]`).first()).toBeVisible();
    await v.goto(`/p/${batch}`);
    await expect(v.locator('table.entries')).toContainText('欧阳');
    const html = await v.content();
    expect(html).not.toContain(first);
    expect(html).not.toContain(second);
    await expect(v.locator('main')).toContainText('提出异议');
    await villager.close();
    expect(a11y, a11y.join('\n\n')).toEqual([]);
  });

  test('a county officer checks a case in person and approves it', async ({ page }, testInfo) => {
    await signIn(page, COUNTY, DEMO_PASSWORD);
    // A demo case whose 审核公示 has ended and that must be checked first.
    await page.goto('/staff/cases?stage=in_review_publicity');
    const cards = page.locator('ul.cards li a.card-link').filter({ hasText: '还差：县级审批' });
    const hrefs = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
    expect(hrefs.length).toBeGreaterThan(0);
    // The county checks the cases its spot-check drew (and every near-relative case); a list
    // is decided only once all of them are checked, so it goes on until one can be approved.
    let done = false;
    for (const href of hrefs) {
      await page.goto(href);
      const check = page.locator('section.next-step').getByRole('button', { name: '记录入户核查', exact: true });
      if ((await check.count()) === 0) continue;
      // (Each project's run records its own check: the same check of the same day and text
      // twice is refused as a double submit.)
      await page
        .locator('section.next-step #f-findings')
        .fill(`入户核查（${testInfo.project.name}）：家中无车辆，收入情况与调查一致。`);
      await step(page, '记录入户核查');
      await expect(page.locator('ol.timeline')).toContainText('县级入户核查');
      const res = await submit(page, page.locator('section.next-step').getByRole('button', { name: '同意', exact: true }));
      if (res.status() === 422) {
        await expect(page.locator('[role=alert]')).toContainText('县级入户核查尚未全部完成');
        continue;
      }
      expect(res.status()).toBe(303);
      await expect(page.locator('dl.facts')).toContainText('县级已同意，待审批公示');
      await shot(page, 'case-county-approved-360');
      done = true;
      break;
    }
    expect(done, 'a case waiting for its in-person check').toBe(true);
  });

  test('a near relative declared on the case page is checked as at registration: refused with why and kept, then taken', async ({ page }, testInfo) => {
    await signIn(page, OFFICER, DEMO_PASSWORD);
    const [, name] = names(testInfo);
    const applicant = `${name.slice(0, 3)}申`;
    const id = await register(page, applicant);
    await page.goto(`/staff/cases/${id}`);
    await page.locator('summary').filter({ hasText: '添加备案' }).click();
    const form = page.locator(`form[action="/staff/cases/${id}/declare"]`);
    const fill = async (member: string) => {
      await form.locator('#f-r0_member').fill(member);
      await form.locator('#f-kind').selectOption({ index: 1 });
      await form.locator('#f-r0_name').fill('欧阳干部');
      await form.locator('#f-r0_post').fill('村委会委员');
      await form.locator('#f-r0_relation').fill('兄弟');
    };
    // Someone who is not a member of the household: refused, nothing recorded, all kept.
    await fill('王二');
    const refused = await submit(page, form.getByRole('button', { name: '添加备案', exact: true }));
    expect(refused.status()).toBe(422);
    await expect(page.locator('[role=alert]')).toContainText('申明人须是本户家庭成员');
    await expect(page.locator('ol.timeline')).not.toContainText('欧阳干部');
    await expect(form.locator('#f-r0_member')).toHaveValue('王二');
    await expect(form.locator('#f-r0_post')).toHaveValue('村委会委员');
    await expect(form.locator('#f-r0_relation')).toHaveValue('兄弟');
    await expectNoHorizontalScroll(page);
    await shot(page, 'case-declaration-refused-360');
    // The applicant named instead: taken, and on the record.
    await form.locator('#f-r0_member').fill(applicant);
    expect((await submit(page, form.getByRole('button', { name: '添加备案', exact: true }))).status()).toBe(303);
    await expect(page.locator('ol.timeline')).toContainText('村委会委员 欧阳干部');
  });

  test('a visit dated before the application or over a year ago is refused with why, and kept', async ({ page }, testInfo) => {
    await signIn(page, OFFICER, DEMO_PASSWORD);
    const [, name] = names(testInfo);
    const id = await register(page, `${name.slice(0, 3)}退`);
    await page.goto(`/staff/cases/${id}`);
    await step(page, '受理');
    await page.locator('#file').setInputFiles({ name: '入户调查表.png', mimeType: 'image/png', buffer: PNG });
    expect((await submit(page, page.getByRole('button', { name: '上传', exact: true }))).status()).toBe(303);
    // A day in China's time zone, `days` before today.
    const day = (days: number) => new Date(Date.now() + 8 * 3600e3 - days * 86400e3).toISOString().slice(0, 10);
    const next = page.locator('section.next-step');
    await next.getByLabel('龙头山 王芳').check();
    await next.getByLabel(SECOND).check();
    await next.locator('#f-income').fill('无固定收入，靠零工维持');
    await next.locator('#f-living').fill('住房破旧，子女在外务工');
    await next.getByLabel('符合条件', { exact: true }).check();
    for (const [visited, why] of [
      [day(1), '这一步的日期早于收到申请的日期'],
      [day(800), '日期应在近一年内'],
    ]) {
      // Only the date is typed again: everything else comes back as it was sent.
      await next.locator('#f-visited_on').fill(visited);
      const res = await submit(page, next.getByRole('button', { name: '保存', exact: true }));
      expect(res.status(), `a visit dated ${visited}`).toBe(422);
      await expect(page.locator('[role=alert]')).toContainText(why);
      // Nothing moved: the case still waits for its visit.
      await expect(page.locator('dl.facts')).not.toContainText('已入户调查');
      await expect(page.locator('ol.timeline')).not.toContainText('入户调查：');
      await expect(next.locator('#f-visited_on')).toHaveValue(visited);
      await expect(next.locator('#f-income')).toHaveValue('无固定收入，靠零工维持');
      await expect(next.locator('#f-living')).toHaveValue('住房破旧，子女在外务工');
      await expect(next.getByLabel(SECOND)).toBeChecked();
      await expect(next.getByLabel('符合条件', { exact: true })).toBeChecked();
    }
    await expectNoHorizontalScroll(page);
    await shot(page, 'case-visit-date-refused-360');
    // The date corrected, the same form goes through.
    await next.locator('#f-visited_on').fill(day(0));
    await step(page, '保存');
    await expect(page.locator('dl.facts')).toContainText('已入户调查，待民主评议');
  });
});

/** The id of 光明村 (from the list page's village filter). */
async function villageId(page: Page): Promise<string> {
  const current = new URL(page.url()).pathname;
  if (current !== '/staff/cases') await page.goto('/staff/cases');
  const option = page.locator('#village option').filter({ hasText: '光明村' });
  return (await option.getAttribute('value')) ?? '';
}
