import { expect, test } from './fixtures';
import {
  checkA11y,
  DEMO_ADMIN,
  DEMO_PASSWORD,
  expectNoHorizontalScroll,
  shot,
  signIn,
  signOut,
  submit,
} from './helpers';

// Staff accounts, sign-in and township-scoped roles, as a cheap phone (360×740)
// with JavaScript off sees them. Every test gets a fresh browser context (its
// own cookies), and the server runs once for the whole suite, so no test relies
// on another one having run first.

test.describe('staff sign-in and accounts', () => {
  test('sign in and out with JavaScript off', async ({ page }) => {
    const first = await page.goto('/staff');
    expect(first?.status()).toBe(200);
    await expect(page).toHaveURL(/\/staff\/login\?next=/);
    expect(new URL(page.url()).searchParams.get('next')).toBe('/staff');
    await expect(page.getByRole('heading', { level: 1, name: '工作人员登录' })).toBeVisible();

    const login = await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    expect(login.status()).toBe(303);
    await expect(page).toHaveURL(/\/staff$/);
    await expect(page.locator('h1')).toHaveText('工作台');
    await expect(page.getByText('演示管理员').first()).toBeVisible();
    await expect(page.getByText('系统管理员').first()).toBeVisible();
    // An administrator manages accounts, so the nav offers them.
    await expect(page.getByRole('link', { name: '账号管理', exact: true })).toBeVisible();

    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'staff-dashboard-360');

    await signOut(page);
    await expect(page.getByRole('heading', { level: 1, name: '工作人员登录' })).toBeVisible();

    // The old session is gone: the dashboard sends us back to the login form.
    await page.goto('/staff');
    await expect(page).toHaveURL(/\/staff\/login\?next=/);
    await expect(page.getByRole('heading', { level: 1, name: '工作人员登录' })).toBeVisible();
  });

  test('a wrong password is refused with 401 and an alert', async ({ page }) => {
    // demo.auditor rather than demo.admin: failed attempts count towards a
    // lockout, and the other tests sign in as demo.admin.
    await page.goto('/staff/login');
    const res = await signIn(page, 'demo.auditor', 'not-the-password-2026');
    expect(res.status()).toBe(401);
    await expect(page).toHaveURL(/\/staff\/login(?:\?.*)?$/);

    const alert = page.getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('用户名或密码错误');
    // The username is kept, the password is not.
    await expect(page.locator('#username')).toHaveValue('demo.auditor');
    await expect(page.locator('#password')).toHaveValue('');

    await checkA11y(page);
    await shot(page, 'staff-login-error-360');
  });

  test('admin creates a township officer who sees only their township', async ({ page }) => {
    const username = `e2e.officer${Date.now() % 100000}`;
    expect(username).toMatch(/^[a-z][a-z0-9._-]{2,31}$/);
    const password = 'Longtoushan-2026!';

    await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    await expect(page.locator('h1')).toHaveText('工作台');

    await page.getByRole('link', { name: '账号管理', exact: true }).click();
    await expect(page).toHaveURL(/\/staff\/accounts$/);
    await expect(page.locator('h1')).toHaveText('账号管理');
    await expect(page.getByRole('link', { name: DEMO_ADMIN, exact: true })).toBeVisible();
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    await page.getByRole('link', { name: '新建账号', exact: true }).click();
    await expect(page).toHaveURL(/\/staff\/accounts\/new$/);
    await expect(page.locator('h1')).toHaveText('新建账号');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    await page.locator('#username').fill(username);
    await page.locator('#display_name').fill('测试 专干');
    await page.locator('#role').selectOption('township_officer');
    await page.locator('#township').selectOption({ label: '龙头山镇' });
    await page.locator('#password').fill(password);
    const created = await submit(page, page.getByRole('button', { name: '创建', exact: true }));
    expect(created.status()).toBe(303);

    await expect(page).toHaveURL(/\/staff\/accounts\/\d+\?saved=1$/);
    await expect(page.getByRole('status')).toHaveText('已保存。');
    await expect(page.locator('#display_name')).toHaveValue('测试 专干');
    await expect(page.locator('#role')).toHaveValue('township_officer');
    await expect(page.locator('#township option:checked')).toHaveText('龙头山镇');
    await expectNoHorizontalScroll(page);
    await shot(page, 'staff-account-created-360');

    // The list shows the new account with its role and scope.
    await page.getByRole('link', { name: '账号管理', exact: true }).click();
    const row = page.locator('tbody tr').filter({ has: page.getByRole('link', { name: username, exact: true }) });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('测试 专干');
    await expect(row).toContainText('乡镇民政助理员');
    await expect(row).toContainText('龙头山镇');

    await signOut(page);

    // The new officer signs in and sees only 龙头山镇.
    const login = await signIn(page, username, password);
    expect(login.status()).toBe(303);
    await expect(page).toHaveURL(/\/staff$/);
    await expect(page.locator('h1')).toHaveText('工作台');
    const main = page.locator('main');
    await expect(main).toContainText('测试 专干');
    await expect(main).toContainText('乡镇民政助理员');
    await expect(page.locator('.scope')).toHaveText('龙头山镇');
    await expect(page.getByRole('link', { name: '龙泉村', exact: true })).toBeVisible();
    await expect(main).not.toContainText('水磨村');
    // No account management for a township officer, not even the link.
    await expect(page.getByRole('link', { name: '账号管理', exact: true })).toHaveCount(0);
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    const denied = await page.goto('/staff/accounts');
    expect(denied?.status()).toBe(403);
    await expect(page.getByText('无权访问').first()).toBeVisible();
    await expect(page.getByRole('link', { name: username })).toHaveCount(0);
  });

  test('an invalid new account is refused with 422 and field messages', async ({ page }) => {
    await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    await expect(page.locator('h1')).toHaveText('工作台');

    await page.goto('/staff/accounts/new');
    await page.locator('#username').fill('Bad Name');
    // Filled so that only the username and the password are wrong (the form's
    // own `required` would stop a blank name before it reached the server).
    await page.locator('#display_name').fill('测试 专干');
    await page.locator('#role').selectOption('township_officer');
    await page.locator('#township').selectOption({ label: '龙头山镇' });
    await page.locator('#password').fill('short');
    const res = await submit(page, page.getByRole('button', { name: '创建', exact: true }));
    expect(res.status()).toBe(422);

    await expect(page.getByRole('alert')).toHaveText('请修改下面标出的内容。');
    await expect(page.locator('#err-username')).toBeVisible();
    await expect(page.locator('#err-username')).toContainText('用户名为3–32位小写字母');
    await expect(page.locator('#err-password')).toBeVisible();
    await expect(page.locator('#err-password')).toHaveText('密码至少10个字符。');
    // What was typed comes back, so nothing has to be entered twice.
    await expect(page.locator('#username')).toHaveValue('Bad Name');
    await expect(page.locator('#display_name')).toHaveValue('测试 专干');
    await expect(page.locator('#township option:checked')).toHaveText('龙头山镇');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);

    // Nothing was created.
    const list = await page.goto('/staff/accounts');
    expect(list?.status()).toBe(200);
    await expect(page.locator('h1')).toHaveText('账号管理');
    await expect(page.locator('main')).not.toContainText('Bad Name');
  });

  test('the county administrator writes the county\'s other ways to report', async ({ page }) => {
    await page.goto('/staff/login');
    await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    await page.getByRole('link', { name: '本县设置', exact: true }).click();
    await expect(page).toHaveURL(/\/staff\/county$/);
    await expect(page.locator('h1')).toContainText('本县设置');
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'staff-county-settings-360');
    // A hotline with letters: refused with the field's message, in Chinese.
    await page.locator('#hotline').fill('call-us');
    const refused = await submit(page, page.getByRole('button', { name: '保存', exact: true }));
    expect(refused.status()).toBe(422);
    await expect(page.getByText('举报电话只能包含数字').first()).toBeVisible();
    await expectNoHorizontalScroll(page);
    // The hotline stays the deployment's (other tests read it); a way to report is added.
    await page.goto('/staff/county');
    await page.locator('#channels').fill('县民政局举报信箱：县政府大院一楼（浏览器测试）');
    const saved = await submit(page, page.getByRole('button', { name: '保存', exact: true }));
    expect(saved.status()).toBe(303);
    await expect(page.locator('#channels')).toHaveValue('县民政局举报信箱：县政府大院一楼（浏览器测试）');
    await page.goto('/');
    await expect(page.getByRole('heading', { name: '其他举报方式' })).toBeVisible();
    await expect(page.getByText('县民政局举报信箱：县政府大院一楼（浏览器测试）')).toBeVisible();
    await expectNoHorizontalScroll(page);
  });

  test('the audit trail names who signed in; a wrong page number says why', async ({ page }) => {
    await signIn(page, DEMO_ADMIN, DEMO_PASSWORD);
    await page.goto('/staff/audit');
    await expect(page.locator('h1')).toHaveText('操作记录');
    // The newest entry is this sign-in, with an anchor to link to it.
    const newest = page.locator('ol.audit > li').first();
    await expect(newest).toContainText(DEMO_ADMIN);
    await expect(newest).toContainText('login');
    expect(await newest.getAttribute('id')).toMatch(/^a\d+$/);
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await shot(page, 'staff-audit-360');
    // A page past the end is "not found"; a page that is no number is refused in plain words
    // (the API tests page through 400 entries).
    expect((await page.goto('/staff/audit?page=999'))!.status()).toBe(404);
    expect((await page.goto('/staff/audit?page=x'))!.status()).toBe(422);
    await expect(page.locator('main')).toContainText('页码应为1到10000之间的整数');
  });

  test('login page does not scroll sideways at 360px', async ({ page }) => {
    const res = await page.goto('/staff/login');
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1, name: '工作人员登录' })).toBeVisible();
    await expectNoHorizontalScroll(page);
  });
});
