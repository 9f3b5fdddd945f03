// Measures the delay from a story's record timestamp on wire.enriched to
// its row appearing on real pages: opens PAGES headless chromium pages of
// the dashboard and, in each, notes when every live story's row is added
// to the list (a MutationObserver). Run beside live_latency.js to make up
// the rest of the connected browsers.
//
//   PLAYWRIGHT_CORE=... node page_latency.js PORT PAGES SECONDS
'use strict';
const { chromium } = require(process.env.PLAYWRIGHT_CORE);

const [port, pages, seconds] = process.argv.slice(2).map(Number);

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const opened = [];
  for (let i = 0; i < pages; i++) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.addInitScript(() => {
      window.__delays = [];
      document.addEventListener('DOMContentLoaded', () => {
        new MutationObserver((records) => {
          const now = Date.now();
          for (const r of records) {
            for (const node of r.addedNodes) {
              if (node.dataset && node.dataset.arrived) {
                window.__delays.push(now - Date.parse(node.dataset.arrived));
              }
            }
          }
        }).observe(document.getElementById('stories'), { childList: true });
      });
    });
    await page.goto('http://127.0.0.1:' + port + '/');
    await page.waitForSelector('#status.live');
    opened.push(page);
  }
  console.error('page_latency: ' + pages + ' pages live');
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  let delays = [];
  for (const page of opened) delays = delays.concat(await page.evaluate(() => window.__delays));
  await browser.close();
  delays.sort((a, b) => a - b);
  const at = (q) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
  console.log(JSON.stringify({ pages, rows: delays.length, p50_ms: at(0.5), p99_ms: at(0.99),
    max_ms: delays[delays.length - 1] }));
})();
