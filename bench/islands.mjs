// Islands on a weak signal: when is the village page readable, and when are its islands awake?
// Chromium (Debian) through Playwright, with the network throttled by the DevTools protocol to
// a poor mobile link and the CPU slowed down 4× (a cheap phone). Prints medians of N cold loads.
// Usage: node bench/islands.mjs BASE_URL [runs]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'end2end', 'package.json'));
const { chromium } = require('@playwright/test');

const base = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
const PROFILES = {
  // Roughly "slow 3G": 400 ms round trips, 400 kbit/s down.
  'weak 3G': { latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 },
  // A decent 4G link.
  '4G': { latency: 60, downloadThroughput: 1_500_000, uploadThroughput: 750_000 },
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic'],
});
console.log('profile   page              FCP_ms  DOMContentLoaded_ms  islands_ready_ms  bytes_in');
for (const [name, net] of Object.entries(PROFILES)) {
  for (const page_path of ['/v/530621103201', '/report']) {
    const fcp = [], dcl = [], ready = [], bytes = [];
    for (let i = 0; i < runs; i++) {
      const ctx = await browser.newContext({ viewport: { width: 360, height: 740 } });
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, ...net });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      let received = 0;
      cdp.on('Network.loadingFinished', (e) => (received += e.encodedDataLength));
      const t0 = Date.now();
      await page.goto(base + page_path, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => document.documentElement.dataset.islands === 'ready', null, {
        timeout: 120_000,
      });
      ready.push(Date.now() - t0);
      const t = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      }));
      fcp.push(t.fcp);
      dcl.push(t.dcl);
      bytes.push(received);
      await ctx.close();
    }
    console.log(
      `${name.padEnd(9)} ${page_path.padEnd(17)} ${String(Math.round(median(fcp))).padStart(6)} ` +
        `${String(Math.round(median(dcl))).padStart(20)} ${String(median(ready)).padStart(17)} ${String(median(bytes)).padStart(9)}`,
    );
  }
}
await browser.close();
