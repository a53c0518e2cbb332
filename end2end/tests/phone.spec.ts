import { expect, test, type APIRequestContext, type Page } from './fixtures';
import {
  checkA11y,
  collectA11y,
  expectNoHorizontalScroll,
  islandsReady,
  jsOn,
  LONGQUAN_PLACE,
  shot,
  submit,
} from './helpers';

// Phone-first for the people the site is for (#18), at 360×740 with JavaScript off and on:
// every link, button and label big enough for a thumb (44×44 CSS px), text of 16 px and up,
// no sideways scrolling — on every public page, in the normal and the large-text edition
// (大字版); deadlines in words and dates; /track with the answer first; anonymous reports
// that hide the contact fields; /stats without misleading rounding; search engines allowed on
// the pages that list no household only; the poster on one A4 sheet.

const LONGQUAN = '/v/530621103201'; // 龙泉村: an open 审核公示, a closed 审批公示, standing lists
const MIN_TAP = 44;

/** Every public page a villager, a reporter or anyone else may open, found from the demo. */
async function publicPages(page: Page): Promise<string[]> {
  await page.goto(LONGQUAN);
  const open = page.getByRole('region', { name: '正在公示', exact: true });
  const review = await open.getByRole('link', { name: '审核公示', exact: true }).first().getAttribute('href');
  const standing = await page
    .getByRole('region', { name: '长期公示名单', exact: true })
    .getByRole('link', { name: '查看名单', exact: true })
    .getAttribute('href');
  const approval = await page.locator('a[href^="/p/"]', { hasText: '审批公示' }).first().getAttribute('href');
  const entry = await page.locator('a.object-link').first().getAttribute('href');
  await page.goto('/draws');
  const draw = await page.locator('a.card-link').first().getAttribute('href');
  await page.goto('/policy');
  const policy = await page.locator('ul.page-list a').first().getAttribute('href');
  for (const [what, href] of Object.entries({ review, standing, approval, entry, draw, policy })) {
    expect(href, `a link to the ${what} page`).toBeTruthy();
  }
  return [
    '/',
    LONGQUAN,
    review!,
    approval!,
    standing!,
    '/report',
    entry!,
    '/track',
    '/stats',
    '/policy',
    policy!,
    '/answers',
    '/notices',
    '/poster',
    '/draws',
    draw!,
    '/counties',
    '/c/530621000000',
    '/c/530621000000/stats',
  ];
}

interface Measure {
  small: string[];
  fonts: string[];
  chartLabels: string[];
  scrollWidth: number;
  /** Visible links, buttons and form fields: the large edition must keep every one. */
  controls: number;
}

/**
 * Measures the page as laid out: every visible a, button, label and input[type=submit] must
 * be at least 44×44 px; every visible element holding text (outside charts) at least `minFont`
 * px; chart labels at least 14 px as drawn. Runs through the DevTools protocol, so it works with
 * the page's JavaScript off.
 */
async function measure(page: Page, minFont: number): Promise<Measure> {
  return page.evaluate(
    ({ minTap, minFont }) => {
      const shown = (el: Element) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) return false;
        const cs = getComputedStyle(el);
        return cs.visibility !== 'hidden' && cs.display !== 'none';
      };
      const name = (el: Element) =>
        `<${el.tagName.toLowerCase()}${el.className ? ` class="${el.getAttribute('class')}"` : ''}> "${(
          el.textContent ?? ''
        )
          .trim()
          .replace(/\s+/g, ' ')
          .slice(0, 24)}"`;
      const small: string[] = [];
      for (const el of document.querySelectorAll('a, button, label, input[type=submit]')) {
        if (!shown(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.width < minTap || r.height < minTap) {
          small.push(`${name(el)} ${r.width.toFixed(0)}×${r.height.toFixed(0)}`);
        }
        // Not cut off by a box that scrolls sideways (the skip link waits off screen on purpose).
        if (!el.classList.contains('skip') && (r.left < -0.5 || r.right > window.innerWidth + 0.5)) {
          small.push(`${name(el)} off screen: ${r.left.toFixed(0)}..${r.right.toFixed(0)}`);
        }
      }
      const fonts: string[] = [];
      const seen = new Set<Element>();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || !(n.textContent ?? '').trim() || seen.has(el)) continue;
        seen.add(el);
        if (el.closest('svg') || !shown(el)) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < minFont) fonts.push(`${name(el)} ${size}px`);
      }
      const chartLabels: string[] = [];
      for (const svg of document.querySelectorAll('figure.chart svg')) {
        const s = svg as SVGSVGElement;
        const scale = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
        for (const t of svg.querySelectorAll('text')) {
          const px = parseFloat(getComputedStyle(t).fontSize) * scale;
          if (px < 14) chartLabels.push(`"${t.textContent}" ${px.toFixed(1)}px`);
        }
      }
      const controls = [...document.querySelectorAll('a, button, input, select, textarea')].filter(
        (el) => shown(el) || (el as HTMLInputElement).type === 'hidden',
      ).length;
      return {
        small,
        fonts,
        chartLabels,
        scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
        controls,
      };
    },
    { minTap: MIN_TAP, minFont },
  );
}

/** Opens each page and lists what is too small; returns the number of controls per page. */
async function checkPages(page: Page, pages: string[], minFont: number): Promise<Map<string, number>> {
  const problems: string[] = [];
  const controls = new Map<string, number>();
  for (const path of pages) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    // With JavaScript on, count once the islands have woken (an island may add its own button).
    if (test.info().project.name.endsWith('-js') && (await page.locator('leptos-island').count()) > 0) {
      await islandsReady(page);
    }
    const m = await measure(page, minFont);
    controls.set(path, m.controls);
    if (m.small.length) problems.push(`${path}: tap targets under ${MIN_TAP}×${MIN_TAP}:\n  ${m.small.join('\n  ')}`);
    if (m.fonts.length) problems.push(`${path}: text under ${minFont}px:\n  ${m.fonts.join('\n  ')}`);
    if (m.chartLabels.length) problems.push(`${path}: chart labels under 14px:\n  ${m.chartLabels.join('\n  ')}`);
    if (m.scrollWidth > 360) problems.push(`${path}: scrolls sideways (scrollWidth ${m.scrollWidth}px)`);
  }
  expect(problems, problems.join('\n\n')).toEqual([]);
  return controls;
}

async function htmlOf(request: APIRequestContext, path: string, cookie?: string) {
  const res = await request.get(path, { headers: cookie ? { cookie } : {} });
  expect(res.status(), path).toBe(200);
  return { body: await res.text(), cache: res.headers()['x-cache'] ?? '', robots: res.headers()['x-robots-tag'] };
}

test.describe('phone first (#18)', () => {
  test('every public page: tap targets, text sizes, no sideways scroll — normal and 大字版', async ({ page }) => {
    test.setTimeout(240_000);
    const pages = await publicPages(page);
    const normal = await checkPages(page, pages, 16);

    // One link on every page turns the large-text edition on, and comes back to the same page.
    await page.goto(LONGQUAN);
    await expect(page.locator('html')).not.toHaveClass(/\blarge\b/);
    const toggle = page.locator('header a.large-switch');
    await expect(toggle).toHaveText('大字版');
    await toggle.click();
    await expect(page).toHaveURL(new RegExp(`${LONGQUAN}$`));
    await expect(page.locator('html')).toHaveClass(/\blarge\b/);
    await expect(page.locator('header a.large-switch')).toHaveText('标准版');
    const base = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    expect(base, 'large edition base text').toBeGreaterThanOrEqual(20);
    await shot(page, 'village-large-360');

    const large = await checkPages(page, pages, 20);
    // Nothing is lost: every page keeps every link, button and field.
    for (const path of pages) {
      expect(large.get(path), `controls on ${path} in 大字版`).toBe(normal.get(path));
    }
    for (const path of ['/', LONGQUAN, '/report', '/stats']) {
      await page.goto(path);
      await expect(page.locator('html')).toHaveClass(/\blarge\b/);
      await checkA11y(page);
    }
    await page.goto('/');
    await shot(page, 'home-large-360');

    // And off again.
    await page.locator('header a.large-switch').click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.locator('html')).not.toHaveClass(/\blarge\b/);
    await expect(page.locator('header a.large-switch')).toHaveText('大字版');
  });

  test('in English too: the longer words still fit, as thumb-sized targets', async ({ page, baseURL }) => {
    test.setTimeout(120_000);
    const pages = await publicPages(page);
    await page.context().addCookies([{ name: 'lang', value: 'en', url: baseURL! }]);
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await checkPages(page, pages, 16);
  });

  test('the 大字版 switch is a plain link with a local way back, and the page cache keeps the editions apart', async ({
    request,
    playwright,
    baseURL,
  }) => {
    const on = await request.get(`/large?on=1&back=${encodeURIComponent(LONGQUAN)}`, { maxRedirects: 0 });
    expect(on.status()).toBe(303);
    expect(on.headers()['location']).toBe(LONGQUAN);
    const cookie = on.headers()['set-cookie'] ?? '';
    expect(cookie).toMatch(/^large=1;/);
    for (const part of ['Path=/', 'Max-Age=31536000', 'SameSite=Lax', 'HttpOnly']) expect(cookie).toContain(part);
    const off = await request.get('/large?on=0&back=/stats', { maxRedirects: 0 });
    expect(off.status()).toBe(303);
    expect(off.headers()['location']).toBe('/stats');
    expect(off.headers()['set-cookie']).toContain('Max-Age=0');
    for (const back of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'stats', '']) {
      const res = await request.get(`/large?on=1&back=${encodeURIComponent(back)}`, { maxRedirects: 0 });
      expect(res.status(), back).toBe(303);
      expect(res.headers()['location'], back).toBe('/');
    }

    // The same cached page, asked for in both editions, in turn: each gets its own. (A client
    // of its own, which keeps no cookie: each request says which edition it reads.)
    const fresh = await playwright.request.newContext({ baseURL });
    const path = '/v/530621103203';
    const a = await htmlOf(fresh, path);
    const b = await htmlOf(fresh, path, 'large=1');
    const c = await htmlOf(fresh, path);
    const d = await htmlOf(fresh, path, 'large=1');
    await fresh.dispose();
    expect(a.body).toContain('<html lang="zh-CN" class="normal">');
    expect(b.body).toContain('<html lang="zh-CN" class="large">');
    expect(c.body).toContain('<html lang="zh-CN" class="normal">');
    expect(d.body).toContain('<html lang="zh-CN" class="large">');
    expect([c.cache, d.cache], 'both editions come from the cache the second time').toEqual(['hit', 'hit']);
  });

  test('deadlines in words and dates, true without a script; the standing list has no dangling dash', async ({
    page,
  }) => {
    await page.goto(LONGQUAN);
    const open = page.getByRole('region', { name: '正在公示', exact: true });
    const text = (await open.locator('.deadline').first().innerText()).trim();
    const m = text.match(
      /^(\d{4}-\d{2}-\d{2}) – (\d{4}-\d{2}-\d{2}) · 还剩 (\d+) 天，(\d+) 月 (\d+) 日（周([一二三四五六日])）24 时截止$/,
    );
    expect(m, `deadline reads "${text}"`).not.toBeNull();
    const [, , closes, left, month, day, weekday] = m!;
    const closing = new Date(`${closes}T00:00:00+08:00`);
    const today = new Date(`${new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })}T00:00:00+08:00`);
    expect(Number(left), 'days left count today and the closing day').toBe(
      Math.round((closing.getTime() - today.getTime()) / 86_400_000) + 1,
    );
    expect([Number(month), Number(day)]).toEqual([Number(closes.slice(5, 7)), Number(closes.slice(8, 10))]);
    const weekdays = ['日', '一', '二', '三', '四', '五', '六'];
    expect(weekday).toBe(weekdays[new Date(`${closes}T12:00:00+08:00`).getUTCDay()]);
    // The ticking clock shows only once the islands run (frozen, it would mislead).
    const clock = open.locator('.countdown').first();
    if (jsOn()) {
      await expect(clock).toBeVisible({ timeout: 15_000 });
    } else {
      await expect(clock).toBeHidden();
    }

    const standing = page.getByRole('region', { name: '长期公示名单', exact: true });
    const since = (await standing.locator('p.small').first().innerText()).trim();
    expect(since).toMatch(/^自 \d{4}-\d{2}-\d{2} 起长期公示 · 查看名单$/);
    for (const period of await page.locator('.deadline').allInnerTexts()) {
      expect(period, 'no period ends in a dash').not.toMatch(/–\s*(·|$)/);
    }
    // A closed list says when it ended, in words.
    await expect(page.locator('.deadline', { hasText: '公示期已于' }).first()).toHaveText(
      /· 公示期已于 \d+ 月 \d+ 日（周.）结束$/,
    );
  });

  test('/track: a mistyped receipt stays in the field; the case shows the household, the answer box first and dated deadlines', async ({
    page,
  }) => {
    const failures: string[] = [];
    // Object to a household on the list, anonymously.
    await page.goto(LONGQUAN);
    const row = page.locator('#entries tbody tr').filter({ has: page.locator('a.object-link') }).first();
    const masked = (await row.locator('td.name').innerText()).trim();
    await row.locator('a.object-link').click();
    await expect(page).toHaveURL(/\/report\?entry=/);
    const concerned = page.locator('.entry-concerned');
    await expect(concerned).toContainText(masked);
    await expect(concerned, 'persons read "4 人", not "4 人数"').toHaveText(/ · \d+ 人$/);
    await page.locator('#body').fill(`这户家里新盖了三层楼房，还开着一辆小轿车。${Date.now() % 100000}`);
    await page.locator('#anonymous').check();
    const sent = await submit(page, page.getByRole('button', { name: '提交', exact: true }));
    expect(sent.status()).toBe(303);
    const receipt = (await page.locator('.receipt').innerText()).trim();

    // One digit wrong: the page says so and keeps all sixteen for correcting.
    const wrong = receipt.slice(0, -1) + String((Number(receipt.slice(-1)) + 1) % 10);
    await page.goto('/track');
    await page.locator('#receipt').fill(wrong);
    const missed = await submit(page, page.getByRole('button', { name: '查询', exact: true }));
    expect(missed.status()).toBe(404);
    await expect(page.getByRole('alert')).toContainText('没有找到对应的举报');
    await expect(page.locator('#receipt')).toHaveValue(wrong);
    await collectA11y(page, failures, '/track (not found)');
    await page.locator('#receipt').fill(receipt);
    const found = await submit(page, page.getByRole('button', { name: '查询', exact: true }));
    expect(found.status()).toBe(303);
    await expect(page).toHaveURL(/\/track\/case$/);

    // The answer (none yet) comes first, in its own box, with the status.
    const first = page.locator('main > h1 + *');
    await expect(first).toHaveClass(/answer-box/);
    await expect(first.locator('h2')).toHaveText('最新答复');
    await expect(first).toContainText('还没有答复。');
    await expect(first.locator('dd.status')).toHaveText('已提交，等待受理');
    // The household objected to, as the public list shows it.
    const household = page.locator('dd.household');
    await expect(household).toContainText('龙泉村');
    await expect(household).toContainText(masked);
    // The deadline as a date with its weekday, and what it means.
    const deadlines = page.locator('dl.deadlines');
    await expect(deadlines.locator('dt').first()).toHaveText('受理期限');
    await expect(deadlines.locator('dd').first()).toHaveText(
      /^(\d{4} 年 )?\d+ 月 \d+ 日（周.）工作人员在这一天之前决定是否受理。$/,
    );
    await expectNoHorizontalScroll(page);
    const m = await measure(page, 16);
    expect([...m.small, ...m.fonts]).toEqual([]);
    await collectA11y(page, failures, '/track/case');
    await shot(page, 'track-case-360');
    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  test('ticking 匿名 hides the contact fields, with no script', async ({ page }) => {
    await page.goto('/report');
    await expect(page.locator('#name')).toBeVisible();
    await expect(page.locator('#contact')).toBeVisible();
    await page.locator('#anonymous').check();
    await expect(page.locator('#name')).toBeHidden();
    await expect(page.locator('#contact')).toBeHidden();
    await expect(page.locator('.anonymous-note')).toHaveText('已选择匿名：不会记录您的姓名和联系方式。');
    await shot(page, 'report-anonymous-360');
    await page.locator('#anonymous').uncheck();
    await expect(page.locator('#name')).toBeVisible();
    await expect(page.locator('.anonymous-note')).toBeHidden();
    // Radio and checkbox labels are full rows a thumb can hit.
    const heights = await page.locator('label.check').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(MIN_TAP);
    await page.locator('#place').selectOption(LONGQUAN_PLACE);
  });

  test('/stats: "<5", never "≈"; explained on the page; tables stack instead of clipping', async ({ page }) => {
    await page.goto('/stats');
    const main = page.locator('main');
    await expect(main).not.toContainText('≈');
    await expect(page.locator('p.lead')).toContainText('显示为“<5”');
    await expect(page.locator('.small-counts')).toContainText('显示为它所在的范围');
    for (const dd of await page.locator('dl.totals dd').allInnerTexts()) {
      expect(dd.trim()).toMatch(/^(\d+(\.\d+)?%?|<5|\d+–\d+|—)$/);
    }
    const wraps = await page
      .locator('.table-wrap')
      .evaluateAll((els) => els.map((el) => ({ scroll: el.scrollWidth, client: el.clientWidth })));
    expect(wraps.length).toBeGreaterThanOrEqual(3);
    for (const w of wraps) expect(w.scroll, 'a table fits its box at 360 px (stacked)').toBeLessThanOrEqual(w.client);
    // Each stacked number says what it is.
    const cell = page.locator('table.stack tbody td').first();
    const label = await cell.evaluate((el) => getComputedStyle(el, '::before').content);
    expect(label).toBe('"户数"');
    const m = await measure(page, 16);
    expect(m.chartLabels, m.chartLabels.join('\n')).toEqual([]);
    await shot(page, 'stats-stacked-360');
  });

  test('search engines: pages without households are indexable with a description; lists of households stay noindex', async ({
    page,
    request,
  }) => {
    const indexable = ['/', '/policy', '/stats', '/answers', '/notices', '/poster', '/policy/who-qualifies'];
    for (const path of indexable) {
      await page.goto(path);
      await expect(page.locator('meta[name="robots"]'), path).toHaveCount(0);
      const description = await page.locator('meta[name="description"]').getAttribute('content');
      expect((description ?? '').length, `${path} description`).toBeGreaterThan(10);
      const { robots } = await htmlOf(request, path);
      expect(robots, `${path} x-robots-tag`).toBeUndefined();
    }
    const households = [LONGQUAN, '/v/530621103203', '/report', '/track', '/draws'];
    await page.goto(LONGQUAN);
    households.push((await page.locator('a[href^="/p/"]').first().getAttribute('href'))!);
    for (const path of households) {
      await page.goto(path);
      await expect(page.locator('meta[name="robots"]'), path).toHaveAttribute('content', 'noindex, nofollow');
      await expect(page.locator('meta[name="description"]'), path).toHaveCount(0);
      const { robots } = await htmlOf(request, path);
      expect(robots, `${path} x-robots-tag`).toBe('noindex, nofollow');
    }
    // A missing policy page is not indexable either.
    const missing = await request.get('/policy/no-such-page');
    expect(missing.status()).toBe(404);
    expect(missing.headers()['x-robots-tag']).toBe('noindex, nofollow');
  });

  test('the poster fills one A4 sheet in large type', async ({ page, baseURL }) => {
    await page.goto('/poster');
    // The printable area of A4 with 15 mm margins, at 96 px to the inch.
    await page.setViewportSize({ width: 680, height: 1009 });
    await page.emulateMedia({ media: 'print' });
    const poster = page.locator('article.poster');
    const b = await poster.boundingBox();
    expect(b, 'the poster is laid out').not.toBeNull();
    expect(b!.height, 'the poster fills the sheet').toBeGreaterThanOrEqual(0.9 * 1009);
    const sizes = await page
      .locator('.poster-points li')
      .evaluateAll((els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)));
    expect(Math.min(...sizes), 'points in 20 pt type').toBeGreaterThanOrEqual(26);
    const qr = await page.locator('.poster .qr img').boundingBox();
    expect(qr!.width, 'a QR code a phone can scan from a wall').toBeGreaterThanOrEqual(250);
    await shot(page, 'poster-print');
    const sheets = async () => {
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    };
    expect(await sheets(), 'one sheet').toBe(1);
    // The longer English text, and the large edition, still print on one sheet.
    await page.context().addCookies([{ name: 'lang', value: 'en', url: baseURL! }]);
    await page.goto('/poster');
    expect(await sheets(), 'one sheet in English').toBe(1);
    await page.context().addCookies([{ name: 'large', value: '1', url: baseURL! }]);
    await page.goto('/poster');
    expect(await sheets(), 'one sheet in English, large edition').toBe(1);
  });
});
