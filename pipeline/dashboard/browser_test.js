// The dashboard in a real headless browser (Debian's chromium driven by
// playwright-core, no browser download), against a real broker: stories
// appear without a reload, filters live in the URL, the story view shows
// evidence, an alert stands out, a kill is struck through, and markup in a
// headline stays text. Screenshots at laptop and wall sizes go to
// TEST_UNDECLARED_OUTPUTS_DIR. Run by browser_test.sh, which passes the
// paths in the environment. Bounded: it gives up after TIME_LIMIT_MS.
'use strict';

const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const env = process.env;
const { chromium } = require(env.PLAYWRIGHT_CORE);
const TIME_LIMIT_MS = 150000;
const OUT = env.TEST_UNDECLARED_OUTPUTS_DIR || env.TEST_TMPDIR || '/tmp';
const TOKEN = 'desk-token-' + process.pid;
const run = 'browser.' + process.pid + '.' + Math.random().toString(16).slice(2, 10);
const topics = { enriched: 'dash.enriched.' + run, alerts: 'dash.alerts.' + run };

let failures = 0;
let dashboard = null;
let browser = null;

function check(what, ok, detail) {
  if (ok) {
    console.log('ok   ' + what);
  } else {
    failures++;
    console.log('FAIL ' + what + (detail !== undefined ? ': ' + JSON.stringify(detail) : ''));
  }
}

function fixtures(dir) {
  const full = path.join(env.FIXTURES, dir);
  return fs.readdirSync(full).filter((f) => f.endsWith('.txtpb')).sort()
    .map((f) => path.join(full, f)).join(',');
}

function feed(files, create) {
  const args = ['--bootstrap=' + env.WIRESTREAM_BOOTSTRAP, '--enriched=' + topics.enriched,
    '--alerts=' + topics.alerts, '--files=' + files];
  if (create) args.push('--create_partitions=3');
  execFileSync(env.FEEDER, args, { stdio: ['ignore', 'inherit', 'inherit'], timeout: 60000 });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = server.address().port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function get(port, urlPath, headers) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers: headers || {} }, (res) => {
      let body = '';
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.setTimeout(5000, () => req.destroy());
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  feed(fixtures('history'), true);
  const port = await freePort();
  const log = fs.openSync(path.join(OUT, 'dashboard.log'), 'w');
  dashboard = spawn(env.DASHBOARD, ['--bootstrap=' + env.WIRESTREAM_BOOTSTRAP,
    '--input=' + topics.enriched + ',' + topics.alerts, '--http=127.0.0.1:' + port,
    '--window_hours=6', '--token_env=DASHBOARD_TOKEN'],
  { env: { ...env, DASHBOARD_TOKEN: TOKEN }, stdio: ['ignore', log, log] });
  let ready = false;
  for (let i = 0; i < 120 && !ready; i++) {
    ready = (await get(port, '/readyz')).status === 200;
    if (!ready) await sleep(250);
  }
  check('dashboard ready after loading its history', ready);
  if (!ready) return;

  const refused = await get(port, '/api/stories');
  check('API without the token answers 401', refused.status === 401, refused.status);
  const base = 'http://127.0.0.1:' + port;

  browser = await chromium.launch({
    executablePath: env.CHROMIUM,
    headless: true,
    // The test's own sandbox already confines it; chromium's needs user
    // namespaces that a test sandbox does not give.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(base + '/?token=' + TOKEN);
  await page.waitForSelector('#status.live');
  await page.waitForSelector('li.story[data-id="hist-econ-1"]');
  const shown = await page.$$eval('li.story', (items) => items.map((li) => li.dataset.id));
  check('history shows the three stories in the window, newest first',
    JSON.stringify(shown) === JSON.stringify(['hist-econ-2', 'hist-sport-1', 'hist-econ-1']), shown);
  check('the token left the address bar', !page.url().includes('token='), page.url());
  const clusterText = await page.textContent('li.story[data-id="hist-econ-1"] .cluster');
  check('cluster size shown', clusterText === '2 sources', clusterText);

  // 2. Live stories appear without a reload.
  await page.evaluate(() => { window.__sameDocument = true; });
  feed(fixtures('live'), false);
  for (const id of ['live-quake-1', 'live-recall-1', 'live-recall-2', 'live-markup-1']) {
    await page.waitForSelector('li.story[data-id="' + id + '"]');
  }
  check('live stories arrived in the same document (no reload)',
    await page.evaluate(() => window.__sameDocument === true));
  const order = await page.$$eval('li.story', (items) => items.map((li) => li.dataset.id + '@' + li.dataset.arrived));
  check('newest live story on top', order[0].startsWith('live-markup-1@'), order);

  // 5. An alert stands out; a kill is struck through.
  await page.waitForSelector('#alerts li.alert.critical');
  const quakeClass = await page.getAttribute('li.story[data-id="live-quake-1"]', 'class');
  check('alerted story highlighted', /\balerted\b/.test(quakeClass), quakeClass);
  const badge = await page.textContent('li.story[data-id="live-quake-1"] .badge.critical');
  check('alert badge names the rule', badge.includes('Earthquakes'), badge);
  const alertText = await page.textContent('#alerts li.alert.critical');
  check('alerts panel shows the alert', alertText.includes('Strong earthquake hits northern Chile'), alertText);
  await page.waitForSelector('li.story[data-id="live-recall-1"].killed');
  const strike = await page.$eval('li.story[data-id="live-recall-1"] .headline',
    (a) => getComputedStyle(a).textDecorationLine);
  check('killed story struck through, still listed', strike.includes('line-through'), strike);

  // 6. Markup and script in a headline render as text.
  const markup = await page.$eval('li.story[data-id="live-markup-1"]', (li) => ({
    text: li.querySelector('.headline').textContent,
    elements: li.querySelectorAll('.headline *, script, img').length,
  }));
  check('headline with <script> shown as text', markup.text ===
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">Council votes on budget', markup);
  check('no element made from story markup', markup.elements === 0, markup.elements);
  check('no script from a story ran', await page.evaluate(() => window.__pwned === undefined));
  await page.screenshot({ path: path.join(OUT, 'dashboard-laptop.png') });

  // 3. Filters, kept in the URL.
  await page.fill('input[name="topic"]', 'medtop:04000000');
  await page.click('#filters button[type="submit"]');
  await page.waitForFunction(() => !document.querySelector('li.story[data-id="live-quake-1"]'));
  const filtered = await page.$$eval('li.story', (items) => items.map((li) => li.dataset.id));
  check('topic filter', JSON.stringify(filtered) === JSON.stringify(['live-recall-1', 'hist-econ-2', 'hist-econ-1']), filtered);
  check('filter in the URL', page.url().includes('topic=medtop%3A04000000'), page.url());
  await page.goto(base + '/?country=FR');
  await page.waitForSelector('li.story[data-id="hist-sport-1"]');
  await sleep(500);
  const byCountry = await page.$$eval('li.story', (items) => items.map((li) => li.dataset.id));
  check('a bookmarked country filter', JSON.stringify(byCountry) === JSON.stringify(['hist-sport-1']), byCountry);
  check('the filter form shows the bookmarked filter',
    (await page.inputValue('input[name="country"]')) === 'FR');
  await page.goto(base + '/?q=earthquake+chile');
  await page.waitForSelector('li.story[data-id="live-quake-1"]');
  await sleep(500);
  check('headline search', (await page.$$('li.story')).length === 1);

  // 4. The story view with its evidence.
  await page.goto(base + '/');
  await page.click('li.story[data-id="hist-econ-1"] .headline');
  await page.waitForSelector('#story-view:not([hidden]) .topics-evidence table');
  const view = await page.textContent('#story-view');
  check('story view: text', view.includes('lifted earnings from exports'));
  check('story view: topic evidence', view.includes('profit forecast, earnings, shares'));
  check('story view: country evidence', view.includes('TOKYO, Tokyo, yen'));
  check('story view: cluster with its other source', view.includes('Weak yen lifts carmaker'));
  check('story view in the URL', page.url().includes('story=hist-econ-1'), page.url());
  await page.keyboard.press('Escape');
  check('Esc closes the story view', await page.isHidden('#story-view'));
  await page.goto(base + '/?story=live-quake-1');
  await page.waitForSelector('#story-view:not([hidden]) .alerts-evidence table');
  const alertEvidence = await page.textContent('#story-view .alerts-evidence');
  check('story view: alert evidence', alertEvidence.includes('earthquake in headline'), alertEvidence);
  await page.screenshot({ path: path.join(OUT, 'dashboard-story.png') });

  // Keyboard: j moves to a story, Enter opens it.
  await page.goto(base + '/');
  await page.waitForSelector('li.story');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#story-view:not([hidden]) h2');
  check('keyboard opens the newest story', (await page.textContent('#sv-headline')).includes('Council votes'));
  await page.keyboard.press('Escape');
  const focused = await page.evaluate(() => document.activeElement.closest('li.story')?.dataset.id);
  check('Esc returns the focus to the story in the stream', focused === 'live-markup-1', focused);

  // The wall screen.
  const wall = await context.newPage();
  await wall.setViewportSize({ width: 1920, height: 1080 });
  await wall.goto(base + '/?wall=1');
  await wall.waitForSelector('body.wall li.story[data-id="live-quake-1"]');
  await wall.waitForSelector('#by-topic svg');
  const wallFont = await wall.$eval('body', (b) => getComputedStyle(b).fontSize);
  check('wall mode: large type', parseFloat(wallFont) >= 24, wallFont);
  await wall.screenshot({ path: path.join(OUT, 'dashboard-wall.png') });

  check('no script errors or CSP violations on the page', problems.length === 0, problems);
}

const timer = setTimeout(() => {
  console.log('FAIL time limit of ' + TIME_LIMIT_MS + ' ms reached');
  if (dashboard) dashboard.kill('SIGKILL');
  process.exit(1);
}, TIME_LIMIT_MS);

main().catch((error) => {
  failures++;
  console.log('FAIL ' + (error && error.stack || error));
}).finally(async () => {
  if (browser) await browser.close().catch(() => {});
  if (dashboard) dashboard.kill('SIGTERM');
  clearTimeout(timer);
  console.log(failures ? failures + ' checks failed' : 'all checks passed');
  process.exit(failures ? 1 : 0);
});
