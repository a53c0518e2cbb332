import { expect, test, type Page } from './fixtures';
import {
  checkA11y,
  collectA11y,
  expectNoHorizontalScroll,
  expectNoReceiptIn,
  fillReport,
  islandsReady,
  jsOn,
  LONGQUAN_PLACE,
  navigationHistory,
  RECEIPT_RE,
  recordUrls,
  shot,
  submit,
  submitReport,
  trackReceipt,
} from './helpers';

// Complaints, public side ("举报投诉"), as a cheap phone (360×740) with
// JavaScript off sees them: report (anonymously) in under a minute, keep the
// receipt code (shown once, never in a URL), follow the case with it and add
// information. The server runs with `--demo` for the whole suite; every test
// files its own report, so no test relies on another one.

const FAVOURITISM = '关系保、人情保、优亲厚友';

/** Path, query and fragment of the page's URL (what must never hold the receipt). */
function localPart(page: Page): string {
  const u = new URL(page.url());
  return `${u.pathname}${u.search}${u.hash}`;
}

/**
 * With JavaScript on: presses "submit" once the islands are awake and checks the form was not
 * sent, and the error summary lists exactly `messages` with focus on it.
 */
async function refusedInBrowser(page: Page, messages: string[]): Promise<void> {
  await islandsReady(page);
  const posts: string[] = [];
  const onRequest = (req: { method(): string; url(): string }) => {
    if (req.method() === 'POST') posts.push(req.url());
  };
  page.on('request', onRequest);
  await page.getByRole('button', { name: '提交', exact: true }).click();
  const summary = page.locator('#report-check');
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('listitem')).toHaveText(messages);
  await expect(summary).toBeFocused();
  await expect(page).toHaveURL(/\/report$/);
  page.off('request', onRequest);
  expect(posts, 'nothing was sent').toEqual([]);
}

/** A report body nobody else files, so a test can find its own words again. */
function uniqueBody(prefix: string): string {
  return `${prefix}：村主任把低保给了自己的亲戚，评议会没有公开讨论。编号${Date.now() % 1_000_000}`;
}

test.describe('complaints, public side', () => {
  test('report anonymously in under a minute; the receipt is shown once and never in a URL', async ({ page }) => {
    const urls = recordUrls(page);
    const failures: string[] = [];
    const started = Date.now();

    const form = await page.goto('/report');
    expect(form?.status()).toBe(200);
    await expect(page.locator('h1')).toHaveText('反映低保问题');
    await expectNoHorizontalScroll(page);
    await collectA11y(page, failures, '/report');

    const body = uniqueBody('匿名举报');
    await fillReport(page, { category: FAVOURITISM, place: LONGQUAN_PLACE, body, anonymous: true });
    await expect(page.locator('input[name="category"]:checked')).toHaveValue('favouritism');
    await expect(page.locator('#place option:checked')).toHaveText('龙泉村');
    await expect(page.locator('#anonymous')).toBeChecked();
    await shot(page, 'report-360');

    const sent = await submit(page, page.getByRole('button', { name: '提交', exact: true }));
    expect(sent.status()).toBe(303);
    await expect(page).toHaveURL(/\/report\/receipt$/);
    expect(localPart(page), 'the receipt page URL carries no digits').not.toMatch(/\d/);
    expect(Date.now() - started, 'form opened, filled and sent within a minute').toBeLessThan(60_000);

    await expect(page.locator('h1')).toHaveText('举报已提交');
    const receipt = (await page.locator('.receipt').innerText()).trim();
    expect(receipt).toMatch(RECEIPT_RE);
    await expect(page.locator('main')).toContainText('受理期限');
    await expect(page.locator('main')).toContainText('它只显示这一次');
    await expect(page.locator('main').getByRole('link', { name: '查询举报进度', exact: true })).toBeVisible();
    // Noted, not asserted: whether the code stays on one line at this width
    // (a code that wraps is easy to copy down wrongly).
    const lines = await page.locator('.receipt strong').evaluate((el) => el.getClientRects().length);
    test.info().annotations.push({ type: 'receipt-lines', description: `.receipt code spans ${lines} line(s)` });
    await expectNoHorizontalScroll(page);
    await collectA11y(page, failures, '/report/receipt');
    await shot(page, 'receipt-360');

    // Shown once: reloading the page (the one-time cookie is gone) shows no code.
    const again = await page.reload();
    expect(again?.status()).toBe(200);
    await expect(page.locator('main')).toContainText('已经显示过了');
    await expect(page.locator('.receipt')).toHaveCount(0);
    expect(await page.locator('main').innerText()).not.toContain(receipt);
    expect((await page.locator('main').innerText()).replace(/\D/g, '')).not.toContain(receipt.replace(/\D/g, ''));

    // Nothing the browser requested, was redirected to or keeps in its
    // history holds the code.
    const history = await navigationHistory(page);
    // The recorders did see the journey (so an empty leak list means something).
    expect(history.some((h) => h.endsWith('/report/receipt')), history.join('\n')).toBe(true);
    expect(urls.some((u) => u === 'location /report/receipt'), urls.join('\n')).toBe(true);
    expectNoReceiptIn([...urls, ...history.map((h) => `history ${h}`)], receipt);

    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  test('track a report with its receipt and add information', async ({ page }) => {
    const urls = recordUrls(page);
    const failures: string[] = [];
    const receipt = await submitReport(page, {
      category: FAVOURITISM,
      place: LONGQUAN_PLACE,
      body: uniqueBody('查询进度'),
      anonymous: true,
    });

    const form = await page.goto('/track');
    expect(form?.status()).toBe(200);
    await expect(page.locator('h1')).toHaveText('查询举报进度');
    await expectNoHorizontalScroll(page);
    await collectA11y(page, failures, '/track');

    // Typed the way it is read out: groups of four with spaces.
    const spaced = receipt.replace(/-/g, ' ');
    expect(spaced).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    const found = await trackReceipt(page, spaced);
    expect(found.status()).toBe(303);
    await expect(page).toHaveURL(/\/track\/case$/);
    expect(localPart(page)).not.toMatch(/\d/);

    await expect(page.locator('dd.status')).toHaveText('已提交，等待受理');
    await expect(page.locator('main')).toContainText('龙泉村');
    await expect(page.locator('main')).toContainText(FAVOURITISM);
    const timeline = page.locator('ol.timeline');
    await expect(timeline.locator('li')).toHaveCount(1);
    await expect(timeline).toContainText('举报已提交');
    await expectNoHorizontalScroll(page);
    await collectA11y(page, failures, '/track/case');

    const info = `补充：该户家里还有一辆小货车，车牌云C开头。${Date.now() % 100000}`;
    await page.locator('#info').fill(info);
    const added = await submit(page, page.getByRole('button', { name: '补充材料', exact: true }));
    expect(added.status()).toBe(303);
    await expect(page).toHaveURL(/\/track\/case\?done=info$/);
    await expect(page.getByRole('status')).toHaveText('已补充，谢谢。');
    await expect(page.locator('dd.status')).toHaveText('已提交，等待受理');
    const addedItem = timeline.locator('li').filter({ hasText: '举报人补充了材料' });
    await expect(addedItem).toHaveCount(1);
    await expect(addedItem.locator('.event-body')).toHaveText(info);
    await expectNoHorizontalScroll(page);
    await collectA11y(page, failures, '/track/case?done=info');
    await shot(page, 'track-360');

    const history = await navigationHistory(page);
    expectNoReceiptIn([...urls, ...history.map((h) => `history ${h}`)], receipt);
    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  test('a wrong receipt code finds nothing', async ({ page }) => {
    const res = await trackReceipt(page, '1111 2222 3333 4444');
    expect(res.status()).toBe(404);
    await expect(page).toHaveURL(/\/track$/);
    const alert = page.getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('没有找到对应的举报');
    await expect(page.locator('#receipt')).toBeVisible();
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    // Not a code at all: the same neutral answer.
    const junk = await trackReceipt(page, 'abc');
    expect(junk.status()).toBe(404);
    await expect(page.getByRole('alert')).toContainText('没有找到对应的举报');

    // Without a tracking cookie the case page sends the visitor to /track.
    await page.goto('/track/case');
    await expect(page).toHaveURL(/\/track$/);
  });

  test('a too-short report is refused with 422 and keeps what was typed', async ({ page }) => {
    await page.goto('/report');
    // Long enough for the browser's own minlength check, but the server trims
    // the spaces away and counts 3 characters.
    const short = '太短了          ';
    await fillReport(page, {
      category: FAVOURITISM,
      place: LONGQUAN_PLACE,
      body: short,
      accused: '村支书',
      anonymous: true,
    });
    if (jsOn()) {
      // The islands catch it before anything is sent: same rule and words as the server's.
      await refusedInBrowser(page, ['请至少写10个字，说清楚情况。']);
    } else {
      const res = await submit(page, page.getByRole('button', { name: '提交', exact: true }));
      expect(res.status()).toBe(422);
      await expect(page).toHaveURL(/\/report$/);
      await expect(page.getByRole('alert')).toHaveText('请修改下面标出的内容。');
      await expect(page.locator('#err-body')).toHaveText('请至少写10个字，说清楚情况。');
    }
    await expect(page.locator('#body')).toHaveValue(short);
    await expect(page.locator('input[name="category"]:checked')).toHaveValue('favouritism');
    await expect(page.locator('#place')).toHaveValue(LONGQUAN_PLACE);
    await expect(page.locator('#accused')).toHaveValue('村支书');
    await expect(page.locator('#anonymous')).toBeChecked();
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    // Corrected and sent again (same form token): now it goes through.
    await page.locator('#body').fill('村支书的亲戚家开着小卖部，还在领低保。');
    const ok = await submit(page, page.getByRole('button', { name: '提交', exact: true }));
    expect(ok.status()).toBe(303);
    await expect(page).toHaveURL(/\/report\/receipt$/);
    expect((await page.locator('.receipt').innerText()).trim()).toMatch(RECEIPT_RE);
  });

  test('markup typed into the report comes back as text', async ({ page }) => {
    await page.goto('/report');
    const xss =
      '</textarea><script>document.title="pwned"</script><img src=x onerror="document.title=1">' +
      '<b>粗体</b> 村里的情况说明';
    const accused = '"><script>document.title="pwned"</script>';
    await fillReport(page, {
      category: FAVOURITISM,
      place: LONGQUAN_PLACE,
      body: xss,
      accused,
      // Not anonymous, with a contact the server refuses: the form comes back.
      name: '<i>张</i>',
      contact: 'not-an-email@',
    });
    if (jsOn()) {
      await refusedInBrowser(page, ['请填写正确的电话号码或电子邮箱。']);
    } else {
      const res = await submit(page, page.getByRole('button', { name: '提交', exact: true }));
      expect(res.status()).toBe(422);
      await expect(page.getByRole('alert')).toHaveText('请修改下面标出的内容。');
      await expect(page.locator('#err-contact')).toHaveText('请填写正确的电话号码或电子邮箱。');
    }

    // No element was created from the typed markup; every field holds the text.
    await expect(page.locator('main script')).toHaveCount(0);
    await expect(page.locator('main img')).toHaveCount(0);
    await expect(page.locator('main b, main i')).toHaveCount(0);
    await expect(page.locator('textarea')).toHaveCount(1);
    await expect(page.locator('#body')).toHaveValue(xss);
    await expect(page.locator('#accused')).toHaveValue(accused);
    await expect(page.locator('#name')).toHaveValue('<i>张</i>');
    await expect(page.locator('#contact')).toHaveValue('not-an-email@');
    await expect(page).toHaveTitle(/反映低保问题/);
    await expectNoHorizontalScroll(page);
  });
});
