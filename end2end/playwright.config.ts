import { defineConfig } from '@playwright/test';

// The runner script (end2end/run.sh) starts `sunshine serve --demo` on a free
// port and exports BASE_URL. There is deliberately no default: a hard-coded
// localhost port would silently test whatever else happens to listen there.
const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error(
    'BASE_URL is not set. Run the browser tests with `bash end2end/run.sh` ' +
      '(it builds nothing, starts target/debug/sunshine on a free port and sets BASE_URL), ' +
      'or export BASE_URL=http://127.0.0.1:PORT yourself for an already running server.',
  );
}

// Chromium comes from Debian (`apt-get install chromium`), never from
// `npx playwright install`: this machine has no internet besides package registries.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1, // 2-core machine
  // Whole staff flows (a case from the queue to an approved reply) take 30–40 s on a loaded
  // 2-core machine; a hung page still fails within this bound.
  timeout: 90_000,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [
    ['list'],
    // run.sh reads this to print a plain "N passed, N failed" closing line.
    ['json', { outputFile: 'test-results/results.json' }],
  ],
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: chromiumPath,
      // Playwright adds --headless itself.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    // Every spec runs with JavaScript off (the product must work that way) and again with it on
    // and the WASM islands bundle loaded (scripts/build-wasm). Specs named *.js.spec.ts test the
    // enhancements themselves and only run with JavaScript on.
    {
      // A cheap phone with JavaScript off: every foundation page must work
      // as plain server-rendered HTML.
      name: 'phone-nojs',
      testIgnore: /\.js\.spec\.ts$/,
      use: {
        viewport: { width: 360, height: 740 },
        deviceScaleFactor: 1,
        isMobile: false,
        hasTouch: false,
        javaScriptEnabled: false,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      },
    },
    {
      // The office PC a handler works at, still with JavaScript off: the staff
      // complaint pages must work there too. Only the complaints staff flow.
      name: 'desktop-nojs',
      testMatch: /(complaints-staff|cases|notices)\.spec\.ts$/,
      use: {
        viewport: { width: 1280, height: 800 },
        deviceScaleFactor: 1,
        isMobile: false,
        hasTouch: false,
        javaScriptEnabled: false,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      },
    },
    {
      // The same cheap phone with JavaScript on: the islands wake up, and everything above must
      // still pass, plus the enhancements (*.js.spec.ts).
      name: 'phone-js',
      use: {
        viewport: { width: 360, height: 740 },
        deviceScaleFactor: 1,
        isMobile: false,
        hasTouch: false,
        javaScriptEnabled: true,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      },
    },
  ],
});
