import { expect, test, type Page, type TestInfo } from './fixtures';
import {
  collectA11y,
  DEMO_PASSWORD,
  expectNoHorizontalScroll,
  LONGQUAN_PLACE,
  shot,
  signIn,
  signOut,
  submit,
  submitReport,
  trackReceipt,
  visitorContext,
} from './helpers';

// Complaints, staff side ("举报办理"), with JavaScript off, on a cheap phone
// (phone-nojs, 360×740) and on an office PC (desktop-nojs, 1280×800): a
// handler takes a case from the queue to an approved reply, and the reporter
// sees the reply on /track. The server runs with `--demo` once for the whole
// suite (both projects, every spec), so each test files its own report and
// finds its own case again by its words.

const OFFICER = 'demo.longtoushan'; // 龙头山镇 township officer, "龙头山 王芳"
const OFFICER_NAME = '龙头山 王芳';
const SUPERVISOR = 'demo.supervisor'; // county supervisor, "审核 周国华"
const FAVOURITISM = '关系保、人情保、优亲厚友';
const GUANGMING_PLACE = 'v:530621103203'; // 光明村, 龙头山镇

/** The case's status: the first fact on the staff case page. */
function staffStatus(page: Page) {
  return page.locator('dl.facts').first().locator('dd').first();
}

/** A fact of the staff case page by its label (经办人, 结论…). */
function fact(page: Page, label: string) {
  return page.locator('dl.facts').first().locator(`dt:text-is("${label}") + dd`);
}

/** Words nobody else files, so the test finds its own case again. */
function marker(label: string, testInfo: TestInfo): string {
  return `${label}-${testInfo.project.name}-${Date.now() % 1_000_000}`;
}

/**
 * On the queue: opens the newest case in `village` still awaiting a decision
 * whose report holds `words` (the highest #N first), and returns its id.
 */
async function openNewCase(page: Page, village: string, words: string): Promise<number> {
  const rows = page
    .locator('main table.queue tbody tr')
    .filter({ hasText: village })
    .filter({ hasText: '已提交，等待受理' });
  const labels = await rows.locator('td:first-child a').allTextContents();
  const ids = labels.map((t) => Number(t.replace(/\D/g, ''))).sort((a, b) => b - a);
  expect(ids.length, `queue rows for ${village} awaiting a decision`).toBeGreaterThan(0);
  for (const [i, id] of ids.slice(0, 5).entries()) {
    if (i === 0) {
      await page.locator(`main a[href="/staff/complaints/${id}"]`).click();
    } else {
      await page.goto(`/staff/complaints/${id}`);
    }
    await expect(page).toHaveURL(new RegExp(`/staff/complaints/${id}$`));
    const body = await page.locator('h2:text-is("举报内容") + p.event-body').innerText();
    if (body.includes(words)) return id;
  }
  throw new Error(`no case in ${village} with "${words}" among #${ids.slice(0, 5).join(', #')}`);
}

/** Clicks a workflow button on the case page; expects 303 back to the case with 已保存。 */
async function step(page: Page, id: number, button: string): Promise<void> {
  const res = await submit(page, page.getByRole('button', { name: button, exact: true }));
  expect(res.status(), `${button}: POST answers with a redirect`).toBe(303);
  await expect(page).toHaveURL(new RegExp(`/staff/complaints/${id}\\?done=1$`));
  await expect(page.getByRole('status')).toHaveText('已保存。');
}

test.describe('complaints, staff side', () => {
  test('queue filters work as a plain form too', async ({ page }) => {
    expect((await signIn(page, 'demo.admin', DEMO_PASSWORD)).status()).toBe(303);
    await page.goto('/staff/complaints');
    const rows = page.locator('#queue tbody tr');
    const all = await rows.count();
    await page.getByRole('combobox', { name: '状态' }).selectOption('closed');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await expect(page).toHaveURL(/\/staff\/complaints\?status=closed/);
    await expect(page.getByRole('combobox', { name: '状态' })).toHaveValue('closed');
    const closed = await rows.count();
    expect(closed).toBeGreaterThanOrEqual(1);
    expect(closed).toBeLessThan(all);
    for (const row of await rows.all()) await expect(row.locator('td').nth(1)).toHaveText('已办结');
    await expect(page.locator('.filter-count')).toHaveText(`列出案件: ${closed}`);
  });

  test('a handler takes a case from the queue to an approved reply; the reporter sees it', async ({
    page,
    browser,
    baseURL,
  }, testInfo) => {
    const project = testInfo.project.name;
    const failures: string[] = [];
    const soft = async (label: string, check: () => Promise<void>) => {
      try {
        await check();
      } catch (e) {
        failures.push(`${label}: ${(e as Error).message.split('\n')[0]}`);
      }
    };

    // 1. An anonymous reporter, in a browser of their own, files a report.
    const reporter = await visitorContext(browser, baseURL);
    try {
      const villager = await reporter.newPage();
      const words = marker('流程', testInfo);
      const receipt = await submitReport(villager, {
        category: FAVOURITISM,
        place: LONGQUAN_PLACE,
        body: `村主任把低保给了自己的亲戚，评议会没有公开讨论。${words}`,
        anonymous: true,
      });

      // 2. The 龙头山镇 officer finds it in the queue.
      const login = await signIn(page, OFFICER, DEMO_PASSWORD);
      expect(login.status()).toBe(303);
      await expect(page.locator('h1')).toHaveText('工作台');
      await page.getByRole('navigation').getByRole('link', { name: '举报办理', exact: true }).click();
      await expect(page).toHaveURL(/\/staff\/complaints$/);
      await expect(page.locator('h1')).toHaveText('待办举报');
      const queue = page.locator('main table.queue');
      await expect(queue).toBeVisible();
      expect(await queue.locator('tbody tr').count(), 'the queue has rows').toBeGreaterThan(0);
      expect(await queue.locator('tbody tr.overdue').count(), 'demo data has overdue cases').toBeGreaterThan(0);
      await expect(queue.locator('tbody tr.overdue td.due').first()).toContainText(/已超期 \d+ 天/);
      // Deadlines in words, never a bare "(-5)".
      expect(await queue.locator('tbody td.due').allTextContents()).not.toContainEqual(expect.stringMatching(/\(-?\d+\)/));
      if (project.startsWith('phone')) {
        // On a phone each case is a card, the whole card one tap target.
        const card = await queue.locator('tbody tr').first().boundingBox();
        const link = await queue.locator('tbody tr td:first-child a').first().evaluate((a) => {
          const r = getComputedStyle(a, '::after');
          return r.position;
        });
        expect(card && card.height >= 44 && card.width >= 300, `card ${JSON.stringify(card)}`).toBe(true);
        expect(link, 'the case link covers its card').toBe('absolute');
      }
      // A township officer sees no other township's cases (demo: 水磨镇's 新店村, 嵩屏村).
      await expect(queue).not.toContainText('新店村');
      await expect(queue).not.toContainText('嵩屏村');
      await soft('queue: no sideways scroll', () => expectNoHorizontalScroll(page));
      await collectA11y(page, failures, `queue (${project})`);
      await shot(page, `queue-${project}`);

      const id = await openNewCase(page, '龙泉村', words);
      await expect(page.locator('h1')).toHaveText(`#${id} ${FAVOURITISM}`);
      await expect(staffStatus(page)).toHaveText('已提交，等待受理');
      await expect(fact(page, '涉及的村（社区）')).toHaveText('龙泉村');
      await expect(fact(page, '经办人')).toHaveText('未指定');
      // Anonymous: the reporter section says so, and offers nothing to reveal.
      await expect(page.locator('main')).toContainText('匿名举报，未留姓名和联系方式。');
      await expect(page.getByRole('button', { name: '查看举报人信息', exact: true })).toHaveCount(0);
      await soft('case (submitted): no sideways scroll', () => expectNoHorizontalScroll(page));
      await collectA11y(page, failures, `case #${id} submitted (${project})`);

      // 3. Accept, assign, note, findings, reply.
      await step(page, id, '受理');
      await expect(staffStatus(page)).toHaveText('已受理');

      await page.locator('#assignee').selectOption({ label: OFFICER_NAME });
      await step(page, id, '指定经办人');
      await expect(staffStatus(page)).toHaveText('核实中');
      await expect(fact(page, '经办人')).toHaveText(OFFICER_NAME);
      // The select shows who is assigned now; no finding is pre-filled.
      await expect(page.locator('#assignee option:checked')).toHaveText(OFFICER_NAME);
      await expect(page.locator('#finding')).toHaveValue('');

      const note = `入户走访，核对车辆和房产登记。${words}`;
      await page.locator('textarea[name="note"]').fill(note);
      await step(page, id, '添加记录');
      const noteItem = page.locator('ol.timeline li.internal').filter({ hasText: note });
      await expect(noteItem).toHaveCount(1);
      await expect(noteItem).toContainText('内部记录');
      await expect(noteItem).toContainText('（内部）');
      await expect(noteItem).toContainText(OFFICER_NAME);
      await expect(staffStatus(page)).toHaveText('核实中');

      const action = `已停发该户低保，移交纪委。${words}`;
      await page.locator('#finding').selectOption('substantiated');
      await page.locator('#finding_action').fill(action);
      await step(page, id, '记录结论');
      await expect(fact(page, '结论')).toContainText('属实');
      await expect(fact(page, '结论')).toContainText(action);

      const reply = `经核实，您反映的情况属实，已停发该户低保并移交纪委处理。${words}`;
      await page.locator('#reply').fill(reply);
      await step(page, id, '提交审核');
      await expect(staffStatus(page)).toHaveText('答复审核中');
      await expect(page.locator('main')).toContainText(reply);
      // Four eyes: the handler cannot approve (and is no supervisor anyway).
      await expect(page.getByRole('button', { name: '批准答复', exact: true })).toHaveCount(0);
      await soft('case (reply pending): no sideways scroll', () => expectNoHorizontalScroll(page));
      await collectA11y(page, failures, `case #${id} reply pending, handler (${project})`);
      await signOut(page);

      // 4. The supervisor approves the reply.
      const sup = await signIn(page, SUPERVISOR, DEMO_PASSWORD);
      expect(sup.status()).toBe(303);
      const opened = await page.goto(`/staff/complaints/${id}`);
      expect(opened?.status()).toBe(200);
      await expect(staffStatus(page)).toHaveText('答复审核中');
      await expect(page.locator('main')).toContainText(reply);
      await expect(page.locator('main')).toContainText('匿名举报，未留姓名和联系方式。');
      // Asked on a confirm page that shows the reply about to go out.
      await Promise.all([
        page.waitForURL(/\/confirm\?step=approve$/),
        page.getByRole('button', { name: '批准答复', exact: true }).click(),
      ]);
      await expect(page.locator('main')).toContainText(reply);
      await soft('confirm page: no sideways scroll', () => expectNoHorizontalScroll(page));
      await shot(page, `case-confirm-approve-${project}`);
      const approved = await submit(page, page.getByRole('button', { name: '批准答复', exact: true }));
      expect(approved.status()).toBe(303);
      await expect(page).toHaveURL(new RegExp(`/staff/complaints/${id}\\?done=1$`));
      await expect(staffStatus(page)).toHaveText('已答复');
      const answered = page.locator('ol.timeline li').filter({ has: page.locator('strong', { hasText: /^答复$/ }) });
      await expect(answered).toHaveCount(1);
      await expect(answered.locator('.event-body')).toHaveText(reply);
      await expect(page.getByRole('button', { name: '批准答复', exact: true })).toHaveCount(0);
      await soft('case (answered): no sideways scroll', () => expectNoHorizontalScroll(page));
      await collectA11y(page, failures, `case #${id} answered, supervisor (${project})`);
      await shot(page, `case-approved-${project}`);
      await signOut(page);

      // 5. The reporter follows the case with the receipt and reads the reply.
      const found = await trackReceipt(villager, receipt);
      expect(found.status()).toBe(303);
      await expect(villager).toHaveURL(/\/track\/case$/);
      await expect(villager.locator('dd.status')).toHaveText('已答复');
      const timeline = villager.locator('ol.timeline');
      for (const event of ['举报已提交', '已受理', '已指定专人核实', '答复']) {
        await expect(timeline.locator('li strong').filter({ hasText: new RegExp(`^${event}$`) })).toHaveCount(1);
      }
      const publicReply = timeline.locator('li').filter({ has: villager.locator('strong', { hasText: /^答复$/ }) });
      await expect(publicReply.locator('.event-body')).toHaveText(reply);
      // Internal work stays internal: no note, no findings, no handler's name.
      const main = villager.locator('main');
      await expect(main).not.toContainText(note);
      await expect(main).not.toContainText(action);
      await expect(main).not.toContainText(OFFICER_NAME);
      const review = villager.locator('form[action="/track/review"]');
      await expect(review).toBeVisible();
      await expect(review.locator('textarea#review')).toBeVisible();
      await expect(review.getByRole('button', { name: '申请复查', exact: true })).toBeVisible();
      await soft('track/case (answered): no sideways scroll', () => expectNoHorizontalScroll(villager));
      await collectA11y(villager, failures, `/track/case answered (${project})`);
    } finally {
      await reporter.close();
    }

    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  test('the reporter identity stays hidden from the township officer until revealed', async ({
    page,
    browser,
    baseURL,
  }, testInfo) => {
    const name = '测试举报人甲';
    const phone = '139 1234 5678';
    const words = marker('实名', testInfo);
    const reporter = await visitorContext(browser, baseURL);
    try {
      const villager = await reporter.newPage();
      await submitReport(villager, {
        category: FAVOURITISM,
        place: GUANGMING_PLACE,
        body: `光明村村干部的亲属被列入低保，本人愿意配合调查。${words}`,
        name,
        contact: phone,
      });
    } finally {
      await reporter.close();
    }

    const identity = page.locator('h2:text-is("举报人信息") + *');
    const expectHidden = async () => {
      const text = await page.locator('main').innerText();
      expect(text, 'the reporter name is not on the page').not.toContain(name);
      expect(text.replace(/\D/g, ''), 'the reporter phone is not on the page').not.toContain(phone.replace(/\D/g, ''));
      await expect(page.locator('dl.revealed')).toHaveCount(0);
    };

    await signIn(page, OFFICER, DEMO_PASSWORD);
    await page.goto('/staff/complaints');
    const id = await openNewCase(page, '光明村', words);

    // Not the handler (nobody is yet): the identity is hidden, with no way to reveal it.
    await expect(identity).toHaveText('只有本案经办人和审核负责人可以查看举报人信息。');
    await expect(page.getByRole('button', { name: '查看举报人信息', exact: true })).toHaveCount(0);
    await expectHidden();

    await step(page, id, '受理');
    await page.locator('#assignee').selectOption({ label: OFFICER_NAME });
    await step(page, id, '指定经办人');
    await expect(staffStatus(page)).toHaveText('核实中');

    // Now the handler: still hidden by default; revealing takes a recorded reason.
    await expect(page.locator('main')).toContainText('举报人信息默认隐藏');
    await expect(page.getByRole('button', { name: '查看举报人信息', exact: true })).toBeVisible();
    await expectHidden();

    await page.locator('#reveal_reason').fill('需要电话联系举报人核实细节');
    const revealed = await submit(page, page.getByRole('button', { name: '查看举报人信息', exact: true }));
    expect(revealed.status()).toBe(200);
    await expect(page.locator('dl.revealed')).toContainText(name);
    await expect(page.locator('dl.revealed')).toContainText(phone);
    await expect(
      page.locator('ol.timeline li.internal').filter({ hasText: '查看了举报人信息' }).filter({ hasText: '需要电话联系举报人核实细节' }),
    ).toHaveCount(1);

    // Shown for that one answer only: opening the case again hides it.
    await page.goto(`/staff/complaints/${id}`);
    await expect(page.locator('main')).toContainText('举报人信息默认隐藏');
    await expectHidden();
  });
});
