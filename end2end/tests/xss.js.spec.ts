import type { Browser, BrowserContext, Locator, Page, Response, TestInfo } from '@playwright/test';

import { expect, test, watchPage } from './fixtures';
import { DEMO_PASSWORD, RECEIPT_RE, islandsReady, signIn, submit, trackReceipt } from './helpers';

// Stored and reflected XSS, with JavaScript on and the WASM islands bundle (phone-js only): a
// corpus of markup, script, URL and template payloads goes through every public text field
// (report body, accused, name, contact, the tracking page's additional information and review
// request, a recipient's change report) and the staff text fields a township officer reaches
// (complaint reveal reason, note, extension reason, findings, reply; a supervisor's return
// reason; case registration: group, relatives' posts and relations, names; the refusal reason
// and its written notice's delivery; a re-check's findings; a list's entry name and its public
// withdrawal reason), and through the list filter's query. Every page that shows the text is
// then loaded, islands awake where it has any, and must have shown no dialog, grown no element
// or event handler from the text, and show the text itself, as text. (The server names the
// bundle only on pages that hold an island: the report form, list and village pages, the staff
// queue. Staff case, notice and re-check pages run no script of the site's at all.)
//
// The browser contexts run with `bypassCSP`: the site's CSP (no inline script) would stop most
// of these payloads on its own, so here escaping alone must hold (the CSP is tested in
// server/tests/api/foundation.rs and islands.rs).

/** The corpus: each calls alert(1) if it ever runs, or shows itself if it does not. */
const XSS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  'javascript:alert(1)',
  "'-alert(1)-'",
  '{{7*7}}',
  '</textarea><script>alert(1)</script>',
  '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
  '<img src=x onerror=alert(1)//',
  '<body onload=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '" autofocus onfocus="alert(1)',
  "'><svg/onload=alert(1)>",
  '</title><script>alert(1)</script>',
  '</script><script>alert(1)</script>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="data:text/html,<script>alert(1)</script>">',
  '${alert(1)}',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<leptos-island data-component="EntryFilter" data-props="{}">',
  '<base href="//evil.invalid/">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<form><button formaction=javascript:alert(1)>X</button></form>',
  '\u2028\u2029</script><script>alert(1)</script>',
  '<style>@import "javascript:alert(1)";</style>',
];

/** Short ones, for fields of 20–40 characters (each noted with its length). */
const SHORT = {
  script: '<script>alert(1)</script>', // 25
  img: '"><img src=x onerror=alert(1)>', // 30
  imgTag: '<img src=x onerror=alert(1)>', // 28
  textarea: '</textarea><script>alert(1)', // 27
  group: '"><script>alert(1)//', // 20, no spaces (a group name loses its spaces)
  svg: '<svg/onload=alert(1)', // 20
};

const OFFICER = 'demo.longtoushan'; // 龙头山镇 township officer
const OFFICER_NAME = '龙头山 王芳';
const SUPERVISOR = 'demo.supervisor';
const VILLAGE = '翠屏村'; // 龙头山镇; no other spec uses it
const FAVOURITISM = '关系保、人情保、优亲厚友';
const LONGQUAN = '/v/530621103201'; // 龙泉村: a standing list long enough for the filter

/** Text as it reads on screen: every run of whitespace one space. */
function flat(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** `n` payloads of the corpus from `from`, one per line, with a marker: a body of free text. */
function corpus(marker: string, from = 0, n = XSS.length): string {
  return [`${marker} 情况说明：`, ...XSS.slice(from, from + n)].join('\n');
}

/** A tag of Han characters nobody else uses in this run (names hold no digits). */
function hanTag(testInfo: TestInfo): string {
  const pool = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';
  const n = Date.now() + testInfo.workerIndex * 17;
  const pick = (k: number) => pool[Math.floor(n / 10 ** k) % pool.length];
  return `${pick(0)}${pick(1)}${pick(2)}`;
}

/** Dialogs seen in every page of every context this test opened. */
type Dialogs = string[];

/**
 * A context like the project's (phone, zh-CN, JavaScript on) but with the CSP switched off; every
 * page it opens counts its dialogs into `dialogs` (and dismisses them) and has its console
 * errors collected by the fixture.
 */
async function xssContext(browser: Browser, baseURL: string | undefined, dialogs: Dialogs): Promise<BrowserContext> {
  const use = test.info().project.use;
  const ctx = await browser.newContext({
    baseURL,
    viewport: use.viewport ?? { width: 360, height: 740 },
    locale: use.locale,
    timezoneId: use.timezoneId,
    javaScriptEnabled: true,
    bypassCSP: true,
  });
  ctx.on('page', (p) => {
    p.on('dialog', (d) => {
      dialogs.push(`${d.type()} "${d.message()}" on ${p.url()}`);
      d.dismiss().catch(() => {});
    });
    watchPage(p);
  });
  return ctx;
}

/** Paths whose islands the bundle woke during the running test (pages with none load no script). */
const woke: string[] = [];

/** Waits for the islands when the page has any, so the bundle has run over the text. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  if ((await page.locator('leptos-island').count()) > 0) {
    await islandsReady(page);
    woke.push(new URL(page.url()).pathname);
  }
  // Give anything the text could have started (an onerror, a refresh, a toggle) a moment.
  await page.waitForTimeout(150);
}

/** Every element or attribute on the page that typed markup would have made. */
async function injected(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of el.getAttributeNames()) {
        if (/^on/i.test(a) || a === 'srcdoc' || a === 'formaction') found.push(`${el.tagName.toLowerCase()}[${a}]`);
      }
      if (['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'MATH'].includes(el.tagName)) found.push(el.tagName.toLowerCase());
    }
    const selectors = [
      'main script',
      'main style',
      'main svg',
      'main noscript',
      'img[src="x"]',
      'a[href^="javascript:" i]',
      'meta[http-equiv="refresh" i]',
      'leptos-island[data-component="EntryFilter"][data-props="{}"]',
    ];
    for (const s of selectors) {
      const n = document.querySelectorAll(s).length;
      if (n > 0) found.push(`${n} × ${s}`);
    }
    if (document.title.includes('alert')) found.push(`title: ${document.title}`);
    return found;
  });
}

/**
 * The page shows every one of `texts` as text, holds nothing the text could have made, and no
 * dialog was opened so far.
 */
async function expectInert(page: Page, label: string, dialogs: Dialogs, texts: string[]): Promise<void> {
  await settle(page);
  expect(await injected(page), `${label} (${page.url()}): elements made from typed text`).toEqual([]);
  const shown = flat(await page.locator('main').innerText());
  const missing = texts.filter((t) => !shown.includes(flat(t)));
  expect(missing, `${label} (${page.url()}): payloads not shown as text`).toEqual([]);
  expect(dialogs, `${label}: dialogs opened`).toEqual([]);
}

/** A form's field holds exactly `value` (a form sent back with errors keeps what was typed). */
async function expectValue(field: Locator, value: string): Promise<void> {
  await expect(field).toHaveValue(value);
}

/**
 * Sends the form matched by `selector` with HTMLFormElement.submit(), which skips the browser's
 * and the islands' checks, so the server's answer to a hostile form is what comes back.
 */
async function rawSubmit(page: Page, selector: string): Promise<Response> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    page.waitForEvent('load'),
    page.evaluate((sel) => {
      const form = document.querySelector(sel) as HTMLFormElement;
      setTimeout(() => form.submit(), 0);
    }, selector),
  ]);
  return res;
}

/** Submits the form matched by `selector` with its own submit button. */
async function send(page: Page, selector: string): Promise<Response> {
  return submit(page, page.locator(`${selector} button[type="submit"]`).last());
}

/** The value of the first option of `select` whose text contains `text`. */
async function optionValue(page: Page, select: string, text: string): Promise<string> {
  const value = await page.locator(`${select} option`).filter({ hasText: text }).first().getAttribute('value');
  expect(value, `${select} offers ${text}`).toBeTruthy();
  return value!;
}

test.describe('XSS corpus (JavaScript on, bundle loaded)', () => {
  test.beforeEach(() => {
    woke.length = 0;
  });

  test('report, tracking and the complaint workflow show hostile text as text', async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const dialogs: Dialogs = [];
    const reporterCtx = await xssContext(browser, baseURL, dialogs);
    const officerCtx = await xssContext(browser, baseURL, dialogs);
    const supervisorCtx = await xssContext(browser, baseURL, dialogs);
    try {
      const reporter = await reporterCtx.newPage();
      const marker = `XSS报告${Date.now() % 1_000_000}`;
      const body = corpus(marker);
      const accused = [SHORT.script, XSS[2], XSS[4], XSS[5], XSS[6]].join(' ');
      const name = SHORT.img;
      const badContact = '<svg onload=alert(1)>';
      const contact = "'-alert(1)-'@x.cn";

      // 1. The report form, sent with a contact the server refuses: it comes back with every
      //    field as typed (the textarea's text is escaped by hand: app/src/web/format.rs).
      await reporter.goto('/report');
      await settle(reporter);
      await reporter.getByRole('radio', { name: FAVOURITISM, exact: true }).check();
      await reporter.locator('#place').selectOption(await optionValue(reporter, '#place', VILLAGE));
      await reporter.locator('#body').fill(body);
      await reporter.locator('#accused').fill(accused);
      await reporter.locator('#name').fill(name);
      await reporter.locator('#contact').fill(badContact);
      const refused = await rawSubmit(reporter, '#report-form');
      expect(refused.status(), 'a bad contact is refused').toBe(422);
      await expectInert(reporter, '/report (422)', dialogs, []);
      await expectValue(reporter.locator('#body'), body);
      await expectValue(reporter.locator('#accused'), accused);
      await expectValue(reporter.locator('#name'), name);
      await expectValue(reporter.locator('#contact'), badContact);
      await expect(reporter.locator('textarea')).toHaveCount(1);

      // 2. Corrected (the e-mail address itself is hostile, and valid): the receipt.
      await reporter.locator('#contact').fill(contact);
      const sent = await send(reporter, '#report-form');
      expect(sent.status()).toBe(303);
      await expect(reporter).toHaveURL(/\/report\/receipt$/);
      const receipt = (await reporter.locator('.receipt').innerText()).trim();
      expect(receipt).toMatch(RECEIPT_RE);
      await expectInert(reporter, '/report/receipt', dialogs, []);

      // 3. Tracking: the report, and information added to it.
      expect((await trackReceipt(reporter, receipt)).status()).toBe(303);
      const info = corpus(`${marker} 补充`, 0, 12);
      await reporter.locator('#info').fill(info);
      expect((await send(reporter, 'form[action="/track/info"]')).status()).toBe(303);
      await expectInert(reporter, '/track/case (info added)', dialogs, XSS.slice(0, 12));

      // 4. The township officer opens it: body and accused as text; the workflow's text fields.
      const officer = await officerCtx.newPage();
      expect((await signIn(officer, OFFICER, DEMO_PASSWORD)).status()).toBe(303);
      await officer.goto('/staff/complaints');
      await expectInert(officer, 'staff queue', dialogs, []);
      const rows = officer.locator('main table.queue tbody tr').filter({ hasText: VILLAGE });
      const ids = (await rows.locator('td:first-child a').allTextContents())
        .map((t) => Number(t.replace(/\D/g, '')))
        .sort((a, b) => b - a);
      let id = 0;
      for (const candidate of ids.slice(0, 8)) {
        await officer.goto(`/staff/complaints/${candidate}`);
        if ((await officer.locator('main').innerText()).includes(marker)) {
          id = candidate;
          break;
        }
      }
      expect(id, `the officer finds the report in ${VILLAGE}`).toBeGreaterThan(0);
      const casePath = `/staff/complaints/${id}`;
      await expectInert(officer, 'staff case (submitted)', dialogs, [...XSS, ...XSS.slice(0, 12)]);
      expect(flat(await officer.locator('main').innerText())).toContain(flat(accused));

      const act = async (step: string, fill?: (form: Locator) => Promise<void>) => {
        const form = officer.locator(`form[action="${casePath}/${step}"]`);
        if (fill) await fill(form);
        const res = await submit(officer, form.locator('button[type="submit"]'));
        expect(res.status(), `${step} answers with a redirect`).toBe(303);
      };
      await act('accept');
      await act('assign', (f) => f.locator('#assignee').selectOption({ label: OFFICER_NAME }).then(() => {}));

      // Revealing the reporter takes a reason (recorded); the name and contact show as text.
      const revealReason = `核实需要 ${SHORT.imgTag} ${XSS[3]}`;
      await officer.locator('#reveal_reason').fill(revealReason);
      const revealButton = officer.locator(`form[action="${casePath}/reveal"] button[type="submit"]`);
      const revealed = await submit(officer, revealButton);
      expect(revealed.status()).toBe(200);
      await expectInert(officer, 'staff case (identity revealed)', dialogs, [name, contact, revealReason]);
      await expect(officer.locator('dl.revealed')).toContainText(name);
      await officer.goto(casePath);

      const note = corpus(`${marker} 内部记录`, 10, 10);
      await act('note', (f) => f.locator('textarea[name="note"]').fill(note));
      const extend = `情况复杂 ${XSS[1]} ${XSS[13]}`;
      await act('extend', (f) => f.locator('textarea[name="reason"]').fill(extend));
      const action = [XSS[8], XSS[11], XSS[16], XSS[20]].join(' ');
      await act('findings', async (f) => {
        await f.locator('#finding').selectOption('substantiated');
        await f.locator('#finding_action').fill(action);
      });
      const reply = corpus(`${marker} 答复`, 0, 20);
      await act('reply', (f) => f.locator('#reply').fill(reply));
      await expectInert(officer, 'staff case (reply pending)', dialogs, [
        ...XSS.slice(10, 20),
        extend,
        action,
        ...XSS.slice(0, 20),
      ]);

      // 5. The supervisor reads the draft and sends it back with a reason.
      const supervisor = await supervisorCtx.newPage();
      expect((await signIn(supervisor, SUPERVISOR, DEMO_PASSWORD)).status()).toBe(303);
      await supervisor.goto(casePath);
      await expectInert(supervisor, 'staff case (supervisor)', dialogs, XSS);
      const back = `请补充 ${XSS[6]} ${XSS[21]}`;
      await supervisor.locator(`form[action="${casePath}/return"] textarea[name="reason"]`).fill(back);
      const returnButton = supervisor.locator(`form[action="${casePath}/return"] button[type="submit"]`);
      expect((await submit(supervisor, returnButton)).status()).toBe(303);

      // 6. The draft comes back into the reply textarea intact (no `</textarea>` breaks out).
      await officer.goto(casePath);
      await expectInert(officer, 'staff case (returned)', dialogs, [back]);
      await expectValue(officer.locator('#reply'), reply);
      await act('reply');
      await supervisor.goto(`${casePath}/confirm?step=approve`);
      await expectInert(supervisor, 'approve confirm page (the reply to send)', dialogs, [reply]);
      const approve = supervisor.locator(`form[action="${casePath}/approve"] button[type="submit"]`);
      expect((await submit(supervisor, approve)).status()).toBe(303);
      await expectInert(supervisor, 'staff case (answered)', dialogs, XSS.slice(0, 20));

      // 7. The reporter reads the answer, and asks for a review with more of the corpus.
      expect((await trackReceipt(reporter, receipt)).status()).toBe(303);
      await expectInert(reporter, '/track/case (answered)', dialogs, XSS.slice(0, 20));
      const review = corpus(`${marker} 复查`, 18);
      await reporter.locator('#review').fill(review);
      expect((await send(reporter, 'form[action="/track/review"]')).status()).toBe(303);
      await expectInert(reporter, '/track/case (review asked)', dialogs, XSS.slice(18));
      await officer.goto(casePath);
      await expectInert(officer, 'staff case (reopened)', dialogs, XSS.slice(18));
    } finally {
      await reporterCtx.close();
      await officerCtx.close();
      await supervisorCtx.close();
    }
    expect(dialogs, 'no dialog anywhere').toEqual([]);
    // The pages of this flow that hold islands ran the bundle over the hostile text.
    expect(woke).toEqual(expect.arrayContaining(['/report', '/staff/complaints']));
  });

  test('a case file, its refusal notice and the delivery show hostile text as text', async ({ browser, baseURL }, testInfo) => {
    test.setTimeout(90_000);
    const dialogs: Dialogs = [];
    const ctx = await xssContext(browser, baseURL, dialogs);
    try {
      const page = await ctx.newPage();
      expect((await signIn(page, OFFICER, DEMO_PASSWORD)).status()).toBe(303);
      const applicant = `司马${hanTag(testInfo)}`;

      // 1. Registration with markup as the applicant's name: refused, everything kept as typed.
      await page.goto('/staff/cases/new');
      await page.locator('#f-village').selectOption(await optionValue(page, '#f-village', VILLAGE));
      const fill = async (head: string) => {
        await page.locator('#f-group').fill(SHORT.group);
        await page.locator('#f-m0_name').fill(head);
        await page.locator('#f-r0_member').fill(head);
        await page.locator('#f-r0_kind').selectOption({ index: 1 });
        await page.locator('#f-r0_name').fill('欧阳某');
        await page.locator('#f-r0_post').fill(SHORT.imgTag);
        await page.locator('#f-r0_relation').fill(SHORT.textarea);
      };
      await fill(SHORT.script);
      const refused = await send(page, 'form[action="/staff/cases"]');
      expect(refused.status(), 'markup in a name is refused').toBe(422);
      await expectInert(page, '/staff/cases (422)', dialogs, []);
      await expectValue(page.locator('#f-m0_name'), SHORT.script);
      await expectValue(page.locator('#f-group'), SHORT.group);
      await expectValue(page.locator('#f-r0_post'), SHORT.imgTag);
      await expectValue(page.locator('#f-r0_relation'), SHORT.textarea);

      // 2. A real name: the group, the relative's post and relation are free text, and stored.
      await fill(applicant);
      expect((await send(page, 'form[action="/staff/cases"]')).status()).toBe(303);
      await expect(page.locator('h1')).toContainText('低保申请案卷');
      const casePath = new URL(page.url()).pathname;
      await expectInert(page, 'case page (registered)', dialogs, [SHORT.group, SHORT.imgTag, SHORT.textarea]);

      // 3. Refused with a hostile reason: the case page and the written notice show it as text.
      const reason = `不符合条件。${XSS.slice(0, 12).join(' ')}`;
      expect(reason.length).toBeLessThanOrEqual(500);
      const reject = page.locator('form[action$="/reject"]');
      const details = page.locator('details').filter({ has: reject });
      if ((await details.count()) > 0) await details.locator('summary').click();
      await reject.locator('textarea[name="reason"]').fill(reason);
      expect((await submit(page, reject.locator('button[type="submit"]'))).status()).toBe(303);
      await page.goto(casePath);
      const stored = [SHORT.group, SHORT.imgTag, SHORT.textarea];
      await expectInert(page, 'case page (refused)', dialogs, [...stored, ...XSS.slice(0, 12)]);
      await page.locator('section.case-notices a').first().click();
      await expect(page.locator('article.written-notice')).toBeVisible();
      await expectInert(page, 'written notice', dialogs, XSS.slice(0, 12));

      // 4. The delivery, recorded with a hostile name of who delivered it.
      const form = page.locator('form[action$="/delivery"]');
      const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
      await form.locator('#f-delivered_on').fill(today);
      await form.locator('#f-delivered_by').fill(SHORT.img);
      await form.getByLabel('村（居）委会转交').check();
      expect((await submit(page, form.locator('button[type="submit"]'))).status()).toBe(303);
      await expectInert(page, 'written notice (delivered)', dialogs, [SHORT.img, ...XSS.slice(0, 12)]);
      await page.goto('/staff/notices');
      await expectInert(page, '/staff/notices', dialogs, []);
    } finally {
      await ctx.close();
    }
    expect(dialogs, 'no dialog anywhere').toEqual([]);
  });

  test('a list, a change report, a re-check and a withdrawal show hostile text as text', async ({ browser, baseURL }, testInfo) => {
    test.setTimeout(90_000);
    const dialogs: Dialogs = [];
    const officerCtx = await xssContext(browser, baseURL, dialogs);
    const visitorCtx = await xssContext(browser, baseURL, dialogs);
    try {
      const page = await officerCtx.newPage();
      const visitor = await visitorCtx.newPage();
      expect((await signIn(page, OFFICER, DEMO_PASSWORD)).status()).toBe(303);
      const head = `上官${hanTag(testInfo)}`;

      // 1. A standing list for the village; an entry named with markup is refused and kept.
      await page.goto('/staff/publicity/new');
      await page.locator('#village').selectOption(await optionValue(page, '#village', VILLAGE));
      await page.locator('#kind').selectOption('standing');
      expect((await send(page, 'form[action="/staff/publicity"]')).status()).toBe(303);
      const listPath = new URL(page.url()).pathname;
      const batch = Number(listPath.split('/').pop());
      const addEntry = async (name: string) => {
        const f = page.locator(`form[action="${listPath}/entries"]`);
        await f.locator('#head_name').fill(name);
        await f.locator('#persons').fill('1');
        await f.locator('#amount').fill('300');
        await f.locator('#category').selectOption('一般保障');
        await f.locator('#class').selectOption('3');
        await f.locator('#change').selectOption('续保');
        return submit(page, f.locator('button[type="submit"]'));
      };
      expect((await addEntry(SHORT.imgTag)).status(), 'markup in a name is refused').toBe(422);
      await expectInert(page, 'staff list (422)', dialogs, []);
      await expectValue(page.locator('#head_name'), SHORT.imgTag);
      expect((await addEntry(head)).status()).toBe(303);
      await page.goto(`${listPath}/confirm?step=publish`);
      const publish = page.locator(`form[action="${listPath}/publish"] button[type="submit"]`);
      expect((await submit(page, publish)).status()).toBe(303);
      // Published, the list links to its village page (a draft does not: the public page cannot show it).
      const villagePath = (await page.locator('main a[href^="/v/"]').first().getAttribute('href'))!;

      // 2. The household reports a change from its row of the public list: a re-check lead.
      await visitor.goto(`/p/${batch}`);
      const objectHref = (await visitor.locator('a.object-link').first().getAttribute('href'))!;
      const ref = new URL(objectHref, 'http://x').searchParams.get('entry');
      expect(ref).toBeTruthy();
      await visitor.goto(`/report?entry=${ref}&kind=change`);
      await settle(visitor);
      const marker = `XSS变化${Date.now() % 1_000_000}`;
      const lead = corpus(marker, 12);
      await visitor.locator('#body').fill(lead);
      await visitor.locator('#anonymous').check();
      expect((await send(visitor, '#report-form')).status()).toBe(303);
      await expect(visitor.locator('.receipt')).toHaveText(RECEIPT_RE);

      // 3. The officer's re-check page shows the lead; a re-check is recorded with the corpus.
      await page.goto('/staff/rechecks');
      const vid = await optionValue(page, '#village', VILLAGE);
      await page.goto(`/staff/rechecks?village=${vid}&show=all`);
      await page.locator('#rechecks a.card-link').filter({ hasText: head }).first().click();
      await expect(page).toHaveURL(/\/staff\/rechecks\/household\/\d+$/);
      const householdPath = new URL(page.url()).pathname;
      await expectInert(page, 're-check page (lead)', dialogs, XSS.slice(12));
      const findings = corpus(`${marker} 复核`, 0, 15);
      await page.locator('#f-findings').fill(findings);
      expect((await send(page, `form[action="${householdPath}"]`)).status()).toBe(303);
      await page.goto(householdPath);
      await expectInert(page, 're-check page (recorded)', dialogs, XSS.slice(0, 15));

      // 4. Reflected: the list filter's query comes back in the search box, as its value.
      for (const q of [SHORT.group, SHORT.svg, "'-alert(1)-'", '{{7*7}}']) {
        for (const path of [`/p/${batch}`, villagePath, LONGQUAN]) {
          await visitor.goto(`${path}?q=${encodeURIComponent(q)}`);
          await expectInert(visitor, `${path}?q=`, dialogs, []);
          await expectValue(visitor.locator('input[name="q"]'), q);
        }
      }

      // 5. The list is withdrawn with a hostile public reason; the public list page shows it.
      await page.goto(listPath);
      const because = `名单有误 ${XSS.slice(0, 6).join(' ')}`;
      expect(because.length).toBeLessThanOrEqual(200);
      await page.locator('#withdraw_reason').fill(because);
      await Promise.all([
        page.waitForURL(/\/confirm\?step=withdraw/),
        page.locator('#withdraw_reason').press('Enter'),
      ]);
      await expectInert(page, 'withdraw confirm page', dialogs, []);
      await expectValue(page.locator('#confirm_reason'), because);
      expect((await send(page, `form[action="${listPath}/withdraw"]`)).status()).toBe(303);
      await expectInert(page, 'staff list (withdrawn)', dialogs, [because]);
      await visitor.goto(`/p/${batch}`);
      await expectInert(visitor, `/p/${batch} (withdrawn)`, dialogs, [because]);
      // The pages of this flow that hold islands ran the bundle over the hostile text.
      expect(woke).toEqual(expect.arrayContaining(['/report', `/p/${batch}`, villagePath, LONGQUAN]));
    } finally {
      await officerCtx.close();
      await visitorCtx.close();
    }
    expect(dialogs, 'no dialog anywhere').toEqual([]);
  });
});
