// The console in a real browser (Debian's chromium through playwright-core) against `kizuki serve` started as a
// newcomer starts it: no configuration, an empty folder, the 2017 demo seeded, a one-time admin password printed.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { scratchDir } from '../store/scratch.js';
import { cliPath } from '../support/cli.js';

const CHROMIUM = process.env.KIZUKI_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let server: ChildProcessWithoutNullStreams;
let output = '';
let address = '';
let password = '';
let browser: Browser;
let page: Page;

function waitFor(pattern: RegExp, ms: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kizuki serve did not print ${pattern} in ${ms} ms:\n${output}`)), ms);
    const check = () => {
      const found = pattern.exec(output);
      if (found) {
        clearTimeout(timer);
        server.stdout.off('data', check);
        resolve(found);
      }
    };
    server.stdout.on('data', check);
    server.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`kizuki serve stopped early:\n${output}`));
    });
    check();
  });
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} not found: install Debian's chromium (apt-get install chromium; .ci/run does)`);
  const cwd = scratchDir('kizuki-serve-');
  server = spawn(process.execPath, [cliPath, 'serve', '--port', '0'], { cwd, env: { ...process.env, KIZUKI_STORE_URL: '' } });
  server.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  server.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const first = await waitFor(/first login: user admin, one-time password ([a-z0-9-]+)/, 120_000);
  password = first[1] ?? '';
  address = /Kizuki console: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1] ?? '';
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage();
  page.setDefaultTimeout(60_000);
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGKILL');
  }
});

test('a newcomer logs in with the printed one-time password and is asked to change it', async () => {
  assert.match(output, /demo: 9 sample messages judged, 1 incident/);
  await page.goto(`${address}/`);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', 'wrong password');
  await page.click('button[type=submit]');
  await page.waitForSelector('text=wrong user name or password');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('text=Open incidents');
  assert.ok(await page.isVisible('text=Choose a new password'));
  const bars = await page.locator('svg.chart rect.bar').count();
  assert.ok(bars > 0, 'the verdicts chart has bars');
});

test('opens the replayed 2017 incident: timeline drawn and zoomable, accounts, recipients, indicators', async () => {
  await page.click('text=Possible takeover of iwanaga@tsukishiro-vs.co.jp');
  await page.waitForSelector('[data-testid=incident-title]');
  assert.match((await page.textContent('[data-testid=incident-title]')) ?? '', /iwanaga@tsukishiro-vs\.co\.jp/);
  const dots = await page.locator('.timeline-chart circle').count();
  assert.ok(dots > 10, `${dots} timeline dots`);
  await page.locator('input[aria-label=zoom]').fill('32');
  const zoomed = await page.locator('.timeline-chart circle').count();
  assert.ok(zoomed < dots, `zooming in shows fewer entries (${zoomed} of ${dots})`);
  assert.ok(await page.isVisible('text=hori@tsukishiro-vs.co.jp'));
  assert.ok(await page.isVisible('td:has-text("document-viewer.online")'));
  const recipients = (await page.textContent('h2:has-text("Outside recipients reached")')) ?? '';
  assert.ok(Number(/\((\d+)\)/.exec(recipients)?.[1]) > 100, recipients);
});

test("reads a message's reasons in Japanese, and the language stays after a reload", async () => {
  await page.click('header >> text=Messages');
  await page.fill('input[name=q]', 'shared you a file');
  await page.press('input[name=q]', 'Enter');
  await page.waitForSelector('td >> text=greg.ostrander@halvorsen-imaging.com');
  await page.click('tr:has-text("greg.ostrander@halvorsen-imaging.com") a');
  await page.waitForSelector('[data-testid=reasons] li');
  assert.match((await page.textContent('[data-testid=reasons]')) ?? '', /PDF/);
  assert.ok(await page.isVisible('text=PDF link'), 'the link found in the PDF is marked so');
  await page.click('[data-testid=lang-switch]');
  await page.waitForSelector('text=判定の理由');
  const ja = (await page.textContent('[data-testid=reasons]')) ?? '';
  assert.match(ja, /[\u3040-\u30ff]/, 'the reasons are in Japanese');
  await page.reload();
  await page.waitForSelector('text=判定の理由');
  assert.ok(await page.isVisible('text=PDF のリンク'));
});

test('stops cleanly on SIGTERM', async () => {
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  server.kill('SIGTERM');
  assert.equal(await exited, 0);
});
