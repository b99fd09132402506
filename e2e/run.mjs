// End-to-end test of the Gemba web workspace in a real headless browser (Debian's Chromium,
// driven by playwright-core), with an axe-core accessibility check of the main pages.
//
// It builds nothing: it runs the `gemba` binary named by GEMBA_BIN (default
// target/debug/gemba), on a fresh database in a temporary folder, and drives it as a user would:
// sign in, start a project with an aim, add an XmR measure, paste 24 monthly points whose last
// 8 are clearly higher, see the chart flag special cause improvement, log a PDSA cycle and see
// it annotated on the chart; then check the project page at phone size. Every page visited is
// checked with axe-core (WCAG 2.0 A/AA, 2.1 AA, 2.2 AA); any serious or critical violation
// fails the test. On failure a screenshot and the page's HTML go to e2e/artifacts/.
//
//   node e2e/run.mjs            (from the repository root, after `cargo build -p gemba-cli`)
//
// Environment: GEMBA_BIN (the binary), CHROMIUM (default /usr/bin/chromium),
// E2E_KEEP=1 (keep the temporary database), E2E_HEADFUL=1 (show the browser).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const ARTIFACTS = join(here, 'artifacts');

const GEMBA_BIN = resolve(root, process.env.GEMBA_BIN || 'target/debug/gemba');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const EMAIL = 'e2e.lead@example.nhs.uk';
const PASSWORD = 'e2e-password-improve-2026';
const ORG = 'E2E Test Trust';
const SYSTEM = 'E2E Integrated Care System';
const ADMIN_EMAIL = 'e2e.admin@example.nhs.uk';
const BOARD_EMAIL = 'e2e.board@example.nhs.uk';
const FINANCE_EMAIL = 'e2e.finance@example.nhs.uk';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];
const FAILING_IMPACTS = new Set(['serious', 'critical']);
const PHONE = { width: 390, height: 844 };

// --- small helpers -------------------------------------------------------------------------------

class TestFailure extends Error {}

function fail(message) {
  throw new TestFailure(message);
}

function check(condition, message) {
  if (!condition) fail(message);
}

function log(message) {
  process.stdout.write(`${message}\n`);
}

let currentStep = 'setup';
async function step(name, fn) {
  currentStep = name;
  const started = Date.now();
  log(`\n--> ${name}`);
  await fn();
  log(`    ok (${Date.now() - started} ms)`);
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

// --- the server ----------------------------------------------------------------------------------

function gemba(args, input) {
  const r = spawnSync(GEMBA_BIN, args, { input, encoding: 'utf8', timeout: 120_000 });
  if (r.error) fail(`could not run ${GEMBA_BIN} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    fail(`\`gemba ${args.join(' ')}\` exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

/** Starts `gemba serve` on a free port; resolves with { url, proc, output }. */
function startServer(database) {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(
      GEMBA_BIN,
      ['serve', '--bind', '127.0.0.1:0', '--database', database, '--insecure-cookies'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = { text: '' };
    let done = false;
    const timer = setTimeout(() => {
      if (!done) {
        done = true;
        reject(new TestFailure(`gemba serve printed no URL within 60 s; it printed:\n${output.text}`));
      }
    }, 60_000);
    const onData = (chunk) => {
      output.text += chunk.toString();
      const m = output.text.match(/Gemba is running at (http:\/\/[^\s/]+)\//);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolvePromise({ url: m[1], proc, output });
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (c) => {
      output.text += c.toString();
    });
    proc.on('error', (e) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        reject(new TestFailure(`could not start ${GEMBA_BIN}: ${e.message}`));
      }
    });
    proc.on('exit', (code, signal) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        reject(new TestFailure(`gemba serve exited (${code ?? signal}) before it was ready:\n${output.text}`));
      }
    });
  });
}

async function stopServer(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGINT'); // the server stops gracefully on Ctrl-C
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), 5_000));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    proc.kill('SIGKILL');
    await exited;
  }
}

// --- accessibility -------------------------------------------------------------------------------

/** Every page's axe results, for the summary: { name, url, violations }. */
const axeResults = [];

async function axeCheck(page, name) {
  // Evaluated through DevTools, not added as a <script>: the pages' Content-Security-Policy
  // (rightly) refuses inline scripts, and the test must not weaken it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(' '),
        html: n.html.length > 200 ? `${n.html.slice(0, 200)}…` : n.html,
        summary: n.failureSummary,
      })),
    }));
  }, AXE_TAGS);
  axeResults.push({ name, url: page.url(), violations });
  const serious = violations.filter((v) => FAILING_IMPACTS.has(v.impact));
  const minor = violations.length - serious.length;
  log(`    axe ${name}: ${serious.length} serious/critical, ${minor} minor/moderate`);
  for (const v of violations) log(formatViolation(v, '      '));
  if (serious.length > 0) await saveArtifacts(page, `axe-${slug(name)}`);
}

function formatViolation(v, indent) {
  const lines = [`${indent}[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`];
  for (const n of v.nodes.slice(0, 10)) {
    lines.push(`${indent}    at ${n.target}`);
    lines.push(`${indent}       ${n.html}`);
    for (const s of (n.summary || '').split('\n')) if (s.trim()) lines.push(`${indent}       ${s.trim()}`);
  }
  if (v.nodes.length > 10) lines.push(`${indent}    … and ${v.nodes.length - 10} more elements`);
  return lines.join('\n');
}

// --- artifacts -----------------------------------------------------------------------------------

async function saveArtifacts(page, name) {
  try {
    mkdirSync(ARTIFACTS, { recursive: true });
    const base = join(ARTIFACTS, name);
    await page.screenshot({ path: `${base}.png`, fullPage: true });
    writeFileSync(`${base}.html`, await page.content());
    log(`    saved ${base}.png and .html`);
  } catch (e) {
    log(`    (could not save artifacts for ${name}: ${e.message})`);
  }
}

// --- the data ------------------------------------------------------------------------------------

/** 24 months from January 2023: 16 around 50, then 8 clearly higher (around 72): a shift. */
const BASELINE = [50, 53, 47, 51, 49, 52, 48, 50, 54, 46, 51, 49, 50, 52, 48, 51];
const AFTER = [71, 73, 70, 74, 72, 69, 75, 72];
const VALUES = [...BASELINE, ...AFTER];
const MONTHS = VALUES.map((_, i) => {
  const y = 2023 + Math.floor(i / 12);
  const m = String((i % 12) + 1).padStart(2, '0');
  return `${y}-${m}-01`;
});
/**
 * The PDSA cycle starts with the shift, on the 2nd of the 17th month: May 2024's point (a
 * monthly point stands for its whole month), not June's, the first point after the date.
 */
const PDSA_START = '2024-05-02';
const PDSA_START_UK = '2 May 2024';
/** A second cycle starts after the latest data (December 2024). */
const LATER_START = '2025-02-10';
const LATER_START_UK = '10 Feb 2025';

// --- the journey ---------------------------------------------------------------------------------

async function journey(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const state = { page, context };
  const title = 'Fewer missed doses of time-critical medicines';
  const aim = 'Raise the share of time-critical doses given on time on ward 7 from 50% to 70% by December 2024.';
  const measureName = 'Time-critical doses given on time';
  const pdsaTitle = 'Cycle 1: bleep reminder at dose time';

  try {
    await step('sign in', async () => {
      const res = await page.goto(`${base}/login`);
      check(res && res.ok(), `GET /login answered ${res && res.status()}`);
      await axeCheck(page, 'Sign in (/login)');
      await page.getByLabel('Email address').fill(EMAIL);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === '/'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      check(
        await page.getByRole('button', { name: /Sign out/ }).isVisible(),
        'after signing in, the page has no "Sign out" button',
      );
      await axeCheck(page, 'Dashboard (/)');
    });

    await step('the account page: make an API token, shown once, that works', async () => {
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === '/account'),
        page.getByRole('link', { name: 'Account', exact: true }).click(),
      ]);
      await axeCheck(page, 'Your account (/account)');
      await page.getByLabel('What is it for?').fill('End-to-end script');
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === '/account/tokens'),
        page.getByRole('button', { name: 'Make token' }).click(),
      ]);
      const secret = await page.locator('#new-token').inputValue();
      check(/^[0-9a-f]{64}$/.test(secret), `the new API token is not shown: "${secret}"`);
      const res = await page.request.get(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
      check(res.ok(), `the new API token answered ${res.status()} on /api/v1/me`);
      await axeCheck(page, 'New API token (/account/tokens)');
    });

    let projectUrl;
    await step('create a project with an aim', async () => {
      await page.goto(`${base}/projects`);
      await page.getByRole('link', { name: 'Start a project' }).click();
      await page.waitForURL(/\/projects\/new$/);
      await axeCheck(page, 'Start a project (/projects/new)');
      await page.getByLabel('Title', { exact: true }).fill(title);
      await page.getByLabel('The problem').fill('Patients with Parkinson\'s disease miss doses on the ward.');
      await page.getByLabel('Aim', { exact: true }).fill(aim);
      await page.getByLabel('Improvement method').selectOption({ label: 'Model for Improvement' });
      await page.getByLabel('Status', { exact: true }).selectOption('testing');
      await page.getByLabel('Sponsor').fill('Chief Nurse');
      await page.getByLabel('Tags').fill('medicines, safety');
      await Promise.all([
        page.waitForURL(/\/projects\/\d+$/),
        page.getByRole('button', { name: 'Create project' }).click(),
      ]);
      projectUrl = page.url();
      const h1 = (await page.getByRole('heading', { level: 1 }).textContent()).trim();
      check(h1 === title, `the project page's heading is "${h1}", expected "${title}"`);
      // The aim is under its heading (and again at the root of the driver diagram).
      const aimText = await page.locator('h2:text-is("Aim") + p').textContent();
      check(aimText.trim() === aim, `the project page's aim reads "${aimText.trim()}", expected "${aim}"`);
      await axeCheck(page, 'Project page (/projects/{id})');
    });

    await step('search finds the project; starting a similar one lists it first, nothing saved', async () => {
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === '/search'),
        page.getByRole('link', { name: 'Search', exact: true }).click(),
      ]);
      await axeCheck(page, 'Search projects (/search)');
      await page.getByLabel('Words to find').fill('time-critical doses');
      await Promise.all([
        page.waitForURL((u) => new URL(u).searchParams.get('q') === 'time-critical doses'),
        page.getByRole('button', { name: 'Search', exact: true }).click(),
      ]);
      const found = page.locator('.search-results').getByRole('link', { name: title });
      check(await found.count() === 1, `searching "time-critical doses" does not list "${title}"`);
      await axeCheck(page, 'Search results (/search?q=…)');
      await page.goto(`${base}/projects/new`);
      await page.getByLabel('Title', { exact: true }).fill('Time-critical medicines on ward 9');
      await page.getByLabel('The problem').fill('Doses of Parkinson\'s medicines are late.');
      await page.getByRole('button', { name: 'Create project' }).click();
      await page.getByRole('heading', { name: 'Similar work already exists' }).waitFor();
      const suggested = page.locator('.notice').getByRole('link', { name: title });
      check(await suggested.count() === 1, `starting a similar project does not suggest "${title}"`);
      check(
        await page.getByRole('button', { name: 'Start it anyway' }).isVisible(),
        'the form with similar work has no "Start it anyway" button',
      );
      check(new URL(page.url()).pathname === '/projects/new', `the form went to ${page.url()}`);
      await axeCheck(page, 'Start a project, similar work first (/projects/new)');
      await page.goto(projectUrl);
    });

    let measureUrl;
    let dataUrl;
    await step('add an XmR measure, higher is better', async () => {
      await page.getByRole('link', { name: 'Add a measure' }).click();
      await page.waitForURL(/\/projects\/\d+\/measures\/new$/);
      await axeCheck(page, 'Add a measure (/projects/{id}/measures/new)');
      await page.getByLabel('Name', { exact: true }).fill(measureName);
      await page.getByLabel('Type of measure').selectOption('outcome');
      await page.getByLabel('Operational definition').fill(
        'Doses of time-critical medicines given within 30 minutes of the prescribed time, as a percentage of those due, from the e-prescribing audit.',
      );
      await page.getByLabel('Unit', { exact: true }).fill('%');
      await page.getByLabel('Data source').fill('ePMA audit report');
      await page.getByLabel('Chart type').selectOption('xmr');
      await page.getByLabel('Improvement direction').selectOption('increase');
      await page.getByLabel('Target (optional)').fill('70');
      const period = page.getByLabel('Period of each point');
      const periodHint = await period.getAttribute('aria-describedby');
      check(periodHint === 'period-hint', `the period select is described by "${periodHint}", expected its hint`);
      await period.selectOption('month');
      await Promise.all([
        page.waitForURL(/\/measures\/\d+\/data/),
        page.getByRole('button', { name: 'Save measure' }).click(),
      ]);
      dataUrl = page.url().replace(/[?#].*$/, '');
      measureUrl = dataUrl.replace(/\/data$/, '');
      await axeCheck(page, 'Data entry, empty (/measures/{id}/data)');
    });

    await step('paste 24 monthly points with a shift in the last 8', async () => {
      const pasted = ['Month\tOn time (%)', ...MONTHS.map((d, i) => `${d}\t${VALUES[i]}`)].join('\n');
      await page.getByLabel('Rows to paste').fill(pasted);
      await Promise.all([
        page.waitForURL(/\/measures\/\d+\/data\?saved=/),
        page.getByRole('button', { name: 'Save pasted rows' }).click(),
      ]);
      const status = (await page.getByRole('status').textContent()).replace(/\s+/g, ' ').trim();
      check(/24 points saved/.test(status), `after pasting, the page says "${status}", expected "24 points saved"`);
      const rows = await page.locator('table tbody tr').count();
      check(rows === 24, `the saved data table has ${rows} rows, expected 24`);
      await axeCheck(page, 'Data entry, with data (/measures/{id}/data)');
    });

    await step('the chart flags special cause improvement', async () => {
      await page.getByRole('link', { name: 'See the chart' }).click();
      await page.waitForURL((u) => u.toString().replace(/[?#].*$/, '') === measureUrl);
      const svg = page.locator('svg.spc-chart');
      check((await svg.count()) === 1, 'the measure page has no chart (svg.spc-chart)');
      check((await svg.getAttribute('role')) === 'img', 'the chart SVG has no role="img"');
      const labelled = await svg.getAttribute('aria-labelledby');
      check(!!labelled, 'the chart SVG has no aria-labelledby');
      const improving = await svg.locator('path.point.improvement').count();
      check(improving >= 8, `the SVG marks ${improving} points as improvement, expected at least the last 8`);
      // The last 8 points must be the improving ones.
      const lastClasses = await svg.locator('path.point').evaluateAll((ps) => ps.slice(-8).map((p) => p.getAttribute('class')));
      check(
        lastClasses.length === 8 && lastClasses.every((c) => /\bimprovement\b/.test(c)),
        `the last 8 points' classes are ${JSON.stringify(lastClasses)}, expected improvement on each`,
      );
      // The words beside the chart.
      const reading = (await page.locator('ul.chart-reading').textContent()).replace(/\s+/g, ' ');
      check(/shift/i.test(reading), `"What the chart shows" does not name the shift rule: "${reading.trim()}"`);
      check(/improv/i.test(reading), `"What the chart shows" does not say improvement: "${reading.trim()}"`);
      // The data table alternative, opened as a user would.
      await page.getByText("The chart's data as a table").click();
      const table = page.getByRole('table', { name: `Data of ${measureName}` });
      await table.waitFor({ state: 'visible' });
      const tableRows = table.locator('tbody tr');
      check((await tableRows.count()) === 24, `the chart's data table has ${await tableRows.count()} rows, expected 24`);
      for (let i = 16; i < 24; i++) {
        const text = (await tableRows.nth(i).textContent()).replace(/\s+/g, ' ');
        check(
          /Special cause improvement/.test(text),
          `row ${i + 1} of the chart's data table (${MONTHS[i]}) does not say "Special cause improvement": "${text.trim()}"`,
        );
      }
      await axeCheck(page, 'Measure page with chart (/measures/{id})');
    });

    let pdsaUrl;
    await step('log a PDSA cycle starting in the data', async () => {
      await page.goto(projectUrl);
      await page.getByRole('link', { name: 'Log a PDSA cycle' }).click();
      await page.waitForURL(/\/projects\/\d+\/pdsa\/new$/);
      await axeCheck(page, 'Log a PDSA cycle (/projects/{id}/pdsa/new)');
      await page.getByLabel('Title', { exact: true }).fill(pdsaTitle);
      await page.getByLabel('Start date').fill(PDSA_START);
      await page.getByLabel('Objective').fill('Test whether a bleep at each dose time on one bay gets doses given on time.');
      await page.getByLabel('Prediction').fill('On-time doses on the bay rise above 65% within a month.');
      await Promise.all([
        page.waitForURL(/\/pdsa\/\d+$/),
        page.getByRole('button', { name: 'Save PDSA cycle' }).click(),
      ]);
      pdsaUrl = page.url();
      const h1 = (await page.getByRole('heading', { level: 1 }).textContent()).trim();
      check(h1 === pdsaTitle, `the PDSA page's heading is "${h1}", expected "${pdsaTitle}"`);
      const started = (await page.locator('dl').first().textContent()).replace(/\s+/g, ' ');
      check(started.includes(PDSA_START_UK), `the PDSA page does not show the start date ${PDSA_START_UK}: "${started.trim()}"`);
      await axeCheck(page, 'PDSA cycle (/pdsa/{id})');
    });

    await step('the PDSA cycle is annotated on the chart', async () => {
      await page.getByRole('link', { name: measureName }).click();
      await page.waitForURL((u) => u.toString().replace(/[?#].*$/, '') === measureUrl);
      await page.getByRole('heading', { name: 'PDSA cycles on the chart' }).waitFor();
      const items = (await page.locator('ol.annotations').textContent()).replace(/\s+/g, ' ');
      check(
        items.includes(pdsaTitle) && items.includes(`started ${PDSA_START_UK}, marked at May 2024`),
        `the chart's PDSA list does not name "${pdsaTitle}" started ${PDSA_START_UK}, marked at May 2024: "${items.trim()}"`,
      );
      const svg = page.locator('svg.spc-chart');
      const marks = await svg.locator('g.annotation').count();
      check(marks === 1, `the SVG has ${marks} PDSA annotation marks (g.annotation), expected 1`);
      const svgText = (await svg.textContent()).replace(/\s+/g, ' ');
      check(svgText.includes(pdsaTitle), `the SVG's annotation list does not name "${pdsaTitle}"`);
      // The mark sits on the first point of the shift (May 2024, the 17th point), whose month
      // contains the start date (2 May), not on June's.
      const x = await svg.locator('g.annotation line').first().getAttribute('x1');
      const cx = await svg.locator('path.point').nth(16).evaluate((p) => {
        const b = p.getBBox();
        return b.x + b.width / 2;
      });
      check(
        Math.abs(Number(x) - cx) < 1.5,
        `the PDSA mark is at x=${x}, but the May 2024 point is at x=${cx.toFixed(1)}`,
      );
    });

    await step('a cycle that starts after the latest data is shown at the right edge', async () => {
      const later = 'Cycle 2: bleep reminders on every bay';
      await page.goto(projectUrl);
      await page.getByRole('link', { name: 'Log a PDSA cycle' }).click();
      await page.waitForURL(/\/projects\/\d+\/pdsa\/new$/);
      await page.getByLabel('Title', { exact: true }).fill(later);
      await page.getByLabel('Start date').fill(LATER_START);
      await Promise.all([
        page.waitForURL(/\/pdsa\/\d+$/),
        page.getByRole('button', { name: 'Save PDSA cycle' }).click(),
      ]);
      await page.goto(measureUrl);
      const items = (await page.locator('ol.annotations').textContent()).replace(/\s+/g, ' ');
      check(
        items.includes(later) && items.includes(`started ${LATER_START_UK}: starts after the latest data`),
        `the chart's PDSA list does not say "${later}" starts after the latest data: "${items.trim()}"`,
      );
      const svg = page.locator('svg.spc-chart');
      const marks = await svg.locator('g.annotation').count();
      check(marks === 2, `the SVG has ${marks} PDSA annotation marks, expected 2`);
      const x = Number(await svg.locator('g.annotation line').nth(1).getAttribute('x1'));
      const lastX = await svg.locator('path.point').last().evaluate((p) => {
        const b = p.getBBox();
        return b.x + b.width / 2;
      });
      const edge = Number(await svg.locator('g.x-axis line').first().getAttribute('x2'));
      check(
        x > lastX && Math.abs(x - edge) < 1.5,
        `the later cycle's mark is at x=${x}; expected the right edge x=${edge}, after the latest point at x=${lastX.toFixed(1)}`,
      );
      // No label covers another (the numbered marks' boxes are apart).
      const boxes = await svg.locator('rect.label').evaluateAll((rs) => rs.map((r) => {
        const b = r.getBBox();
        return [b.x, b.y, b.x + b.width, b.y + b.height];
      }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          const apart = a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
          check(apart, `chart labels ${i + 1} and ${j + 1} overlap: ${JSON.stringify(a)} ${JSON.stringify(b)}`);
        }
      }
      await axeCheck(page, 'Measure page with a cycle after the data (/measures/{id})');
    });

    await step('the dashboard shows the latest value, its month, the target and that data are overdue', async () => {
      await page.goto(`${base}/`);
      const item = page.locator('ul.measure-list li', { hasText: measureName }).first();
      const text = (await item.textContent()).replace(/\s+/g, ' ');
      check(text.includes('Latest Dec 2024: 72 %'), `the dashboard's line for the measure does not read "Latest Dec 2024: 72 %": "${text.trim()}"`);
      check(text.includes('Target 70'), `the dashboard's line for the measure has no "Target 70": "${text.trim()}"`);
      // December 2024 is the latest point; January 2025 has long ended.
      check(
        text.includes('Overdue') && text.includes('latest point: Dec 2024; Jan 2025 has ended without data'),
        `the dashboard does not flag the measure's data as overdue: "${text.trim()}"`,
      );
      await axeCheck(page, 'Dashboard with measures (/)');
    });

    await step('a u chart per 1,000 bed days takes raw bed days: 3 falls in 830 bed days is 3.61 per 1,000', async () => {
      await page.goto(projectUrl);
      await page.getByRole('link', { name: 'Add a measure' }).click();
      await page.waitForURL(/\/projects\/\d+\/measures\/new$/);
      await page.getByLabel('Name', { exact: true }).fill('Inpatient falls per 1,000 bed days');
      await page.getByLabel('Type of measure').selectOption('outcome');
      await page.getByLabel('Unit', { exact: true }).fill('falls per 1,000 bed days');
      await page.getByLabel('What the denominator counts').fill('bed days');
      await page.getByLabel('Chart type').selectOption('u');
      await page.getByLabel('Show values').selectOption('1000');
      await page.getByLabel('Improvement direction').selectOption('decrease');
      await page.getByLabel('Target (optional)').fill('5');
      await Promise.all([
        page.waitForURL(/\/measures\/\d+\/data/),
        page.getByRole('button', { name: 'Save measure' }).click(),
      ]);
      const fallsData = page.url().replace(/[?#].*$/, '');
      await page.getByLabel('Date', { exact: true }).fill('01/01/2024');
      await page.getByLabel('Value (numerator)').fill('3');
      await page.getByLabel('Denominator: bed days').fill('830');
      await Promise.all([
        page.waitForURL(/\/measures\/\d+\/data\?saved=/),
        page.getByRole('button', { name: 'Add point' }).click(),
      ]);
      const saved = (await page.locator('table tbody').first().textContent()).replace(/\s+/g, ' ');
      check(saved.includes('830'), `the data table does not show the raw 830 bed days: "${saved.trim()}"`);
      check(saved.includes('3.6145 per 1,000'), `the data table does not show the rate 3.6145 per 1,000: "${saved.trim()}"`);
      await axeCheck(page, 'Data entry of a rate per 1,000 (/measures/{id}/data)');
      await page.goto(fallsData.replace(/\/data$/, ''));
      await page.getByText("The chart's data as a table").click();
      const cells = await page.locator('details table tbody tr').first().locator('td').allTextContents();
      check(cells[0].trim() === '3.6145', `the chart's table shows the value "${cells[0]}", expected the rate 3.6145 per 1,000`);
      check(cells[1].trim() === '830', `the chart's table shows the denominator "${cells[1]}", expected the raw 830 bed days`);
      const svgText = (await page.locator('svg.spc-chart').textContent()).replace(/\s+/g, ' ');
      check(svgText.includes('3.614'), `the chart does not show the point as 3.614 per 1,000: "${svgText.slice(0, 300)}"`);
    });

    await step(`phone size (${PHONE.width}×${PHONE.height}): the project page does not overflow`, async () => {
      const phone = await browser.newContext({
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      const p = await phone.newPage();
      p.setDefaultTimeout(30_000);
      try {
        const overflow = async (url) => {
          await p.goto(url);
          return p.evaluate((w) => {
            const doc = document.documentElement;
            // The outermost elements that reach beyond the viewport (whose parent does not).
            const describe = (el) => {
              const cls = typeof el.className === 'string' && el.className.trim()
                ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
              return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls}`;
            };
            const beyond = (el) => {
              const r = el.getBoundingClientRect();
              return r.width > 0 && r.right > w + 1; // off-screen to the left (the skip link) cannot scroll
            };
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
              if (beyond(el) && !(el.parentElement && beyond(el.parentElement))) {
                const r = el.getBoundingClientRect();
                wide.push(`${describe(el)} in ${describe(el.parentElement)} spans ${Math.round(r.left)}–${Math.round(r.right)} px`);
              }
            }
            return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, wide };
          }, PHONE.width);
        };
        const r = await overflow(projectUrl);
        log(`    project page: document ${r.scrollWidth} px wide in a ${r.clientWidth} px viewport`);
        if (r.scrollWidth > r.clientWidth || r.wide.length) await saveArtifacts(p, 'phone-project');
        check(
          r.scrollWidth <= r.clientWidth && r.wide.length === 0,
          `at ${PHONE.width} px the project page scrolls sideways (document ${r.scrollWidth} px wide): ${r.wide.join('; ') || 'no single element found'}`,
        );
        // The measure page (chart and data table) must fit a phone too.
        const m = await overflow(measureUrl);
        log(`    measure page: document ${m.scrollWidth} px wide in a ${m.clientWidth} px viewport`);
        if (m.scrollWidth > m.clientWidth) await saveArtifacts(p, 'phone-measure');
        check(
          m.scrollWidth <= m.clientWidth,
          `at ${PHONE.width} px the measure page scrolls sideways (document ${m.scrollWidth} px wide): ${m.wide.join('; ') || 'no single element found'}`,
        );
        // Issue 10: the chart was scaled to the phone's width, its text to 4–5 px. Every text of
        // the chart must render at 12 CSS px or more (the chart scrolls in its own frame).
        const text = await p.evaluate(() => {
          const svg = document.querySelector('.chart svg');
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          let min = Infinity;
          let smallest = '';
          for (const t of svg.querySelectorAll('text')) {
            const size = parseFloat(getComputedStyle(t).fontSize) * scale;
            if (size < min) {
              min = size;
              smallest = t.textContent;
            }
          }
          const frame = svg.closest('.chart');
          return { min, smallest, scrolls: frame.scrollWidth > frame.clientWidth };
        });
        log(`    chart text at least ${text.min.toFixed(1)} px ("${text.smallest}"); frame scrolls: ${text.scrolls}`);
        check(
          text.min >= 11.99,
          `at ${PHONE.width} px the chart's text "${text.smallest}" renders at ${text.min.toFixed(1)} px, under 12 px`,
        );
      } finally {
        await phone.close();
      }
    });

    await step('the project page shows its progress; its lead sets a score with a reason, shown beside the derived one; it passes axe at phone width', async () => {
      await page.goto(projectUrl);
      const before = (await page.locator('section.progress').textContent()).replace(/\s+/g, ' ');
      check(/Progress score: \d\.\d out of 5\.0 \(derived from the record\)/.test(before), `the progress section shows no derived score: "${before.slice(0, 200)}"`);
      check(before.includes('Changes tested') && before.includes('Prediction before study'), 'the progress section lacks the ladder or the method quality table');
      await page.getByLabel('Progress score', { exact: true }).selectOption('3.5');
      await page.getByLabel('Reason', { exact: true }).fill('The ward audit agrees with the chart.');
      await Promise.all([
        page.waitForURL((u) => u.toString().replace(/[?#].*$/, '') === projectUrl),
        page.getByRole('button', { name: 'Save score' }).click(),
      ]);
      const after = (await page.locator('section.progress').textContent()).replace(/\s+/g, ' ');
      check(after.includes('3.5 out of 5.0') && after.includes('derived from the record') && after.includes('The ward audit agrees with the chart.'),
        `the override is not shown beside the derived score: "${after.slice(0, 300)}"`);
      await axeCheck(page, 'Project page with its progress (/projects/{id})');
      const phone = await browser.newContext({
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      const p = await phone.newPage();
      p.setDefaultTimeout(30_000);
      try {
        await p.goto(`${projectUrl}#progress-title`);
        await axeCheck(p, `Project page with its progress at ${PHONE.width} px (/projects/{id})`);
        const w = await phoneWidth(p);
        if (w.scrollWidth > w.clientWidth) await saveArtifacts(p, 'phone-progress');
        check(w.scrollWidth <= w.clientWidth, `at ${PHONE.width} px the project page with its progress scrolls sideways (${w.scrollWidth} px)`);
      } finally {
        await phone.close();
      }
    });

    await step('the improvement lead puts the measure on the board report; the board page shows it with its icons', async () => {
      await page.goto(measureUrl);
      await page.getByLabel('Report section').selectOption('Safe');
      await page.getByLabel('Executive owner').selectOption({ index: 1 });
      await Promise.all([
        page.waitForURL((u) => u.toString().replace(/[?#].*$/, '') === measureUrl),
        page.getByRole('button', { name: 'Put on the board report' }).click(),
      ]);
      await page.getByText('in the section').waitFor();
      await Promise.all([
        page.waitForURL((u) => /\/orgs\/\d+\/board$/.test(new URL(u).pathname)),
        page.getByRole('link', { name: 'Board', exact: true }).click(),
      ]);
      await page.getByRole('heading', { name: 'Safe', level: 2 }).waitFor();
      await page.getByRole('link', { name: measureName }).first().waitFor();
      check(
        await page.locator('.icons [data-icon="improvement_high"]').first().isVisible(),
        'the board page does not say the measure shows special cause improvement',
      );
      await axeCheck(page, 'Board measures (/orgs/{id}/board)');
      const boardUrl = page.url();
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname.endsWith('/board/report')),
        page.getByRole('button', { name: 'Open the report' }).click(),
      ]);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      check(
        (await page.content()).includes(measureName),
        'the board report does not name the measure',
      );
      await axeCheck(page, 'Board report (/orgs/{id}/board/report)');
      await page.goto(boardUrl);
      const phone = await browser.newContext({
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      try {
        const p = await phone.newPage();
        await p.goto(page.url());
        const r = await phoneWidth(p);
        log(`    board page: document ${r.scrollWidth} px wide in a ${r.clientWidth} px viewport`);
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the board page scrolls sideways (${r.scrollWidth} px)`);
      } finally {
        await phone.close();
      }
    });

    await step('the improvement lead saves a board report, writes the narrative for the month, publishes it; the published copy keeps it', async () => {
      await page.getByRole('link', { name: /Saved board reports/ }).click();
      await page.getByRole('heading', { name: 'Board reports', level: 1 }).waitFor();
      await axeCheck(page, 'Board reports (/orgs/{id}/reports)');
      await page.getByLabel('Title', { exact: true }).fill('E2E integrated quality report');
      await Promise.all([
        page.waitForURL((u) => /\/reports\/\d+$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Save the report' }).click(),
      ]);
      const reportUrl = page.url();
      await page.getByRole('heading', { name: /^Narratives for / }).waitFor();
      await axeCheck(page, 'A saved board report (/reports/{id})');
      const narrativeLink = page.getByRole('link', { name: `Write the narrative for ${measureName}` });
      await Promise.all([
        page.waitForURL((u) => /\/narratives\//.test(new URL(u).pathname)),
        narrativeLink.click(),
      ]);
      await axeCheck(page, 'Narrative form (/measures/{id}/narratives/{period})');
      await page.getByLabel('What the chart shows').fill('Screening rose after the new checklist and has held.');
      await page.getByLabel('Actions and by when').fill('Spread to Ward 9 by March (ward manager).');
      await Promise.all([
        page.waitForURL((u) => new URL(u).search.includes('saved=1')),
        page.getByRole('button', { name: 'Save the narrative' }).click(),
      ]);
      await page.getByText('The narrative is saved.').waitFor();
      await page.goto(reportUrl);
      const publish = page.getByRole('button', { name: /^Publish the report for / });
      await Promise.all([
        page.waitForURL((u) => /\/published\//.test(new URL(u).pathname)),
        publish.click(),
      ]);
      const html = await page.content();
      check(html.includes('Published on'), 'the published report does not say when it was published');
      check(html.includes('Spread to Ward 9 by March'), 'the published report does not carry the narrative');
      await axeCheck(page, 'A published board report (/reports/{id}/published/{period})');
      const phone = await browser.newContext({
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      try {
        const p = await phone.newPage();
        for (const url of [reportUrl, page.url()]) {
          await p.goto(url);
          const r = await phoneWidth(p);
          log(`    ${new URL(url).pathname}: document ${r.scrollWidth} px wide in a ${r.clientWidth} px viewport`);
          check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px ${url} scrolls sideways (${r.scrollWidth} px)`);
        }
      } finally {
        await phone.close();
      }
    });

    await step('the improvement lead sets a strategic priority, links the project to it, and the portfolio groups it there', async () => {
      await page.goto(projectUrl);
      await Promise.all([
        page.waitForURL((u) => /\/orgs\/\d+\/portfolio$/.test(new URL(u).pathname)),
        page.getByRole('link', { name: 'Portfolio', exact: true }).click(),
      ]);
      // The portfolio's PDSA method quality (pooled) and its likely duplicates are checked by
      // the same axe run.
      await page.getByRole('heading', { name: 'PDSA method quality', level: 2 }).waitFor();
      await page.getByRole('region', { name: 'PDSA method quality' }).waitFor();
      await page.getByRole('heading', { name: 'Likely duplicates', level: 2 }).waitFor();
      await axeCheck(page, 'Portfolio (/orgs/{id}/portfolio)');
      await Promise.all([
        page.waitForURL((u) => /\/orgs\/\d+\/priorities$/.test(new URL(u).pathname)),
        page.getByRole('link', { name: 'Strategic priorities' }).first().click(),
      ]);
      await page.getByLabel('Title', { exact: true }).fill('Safer medicines');
      await page.getByLabel('Description').fill('No missed time-critical doses.');
      await Promise.all([
        page.waitForURL((u) => /\/priorities$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Add the priority' }).click(),
      ]);
      await page.getByRole('heading', { name: 'Safer medicines' }).waitFor();
      await axeCheck(page, 'Strategic priorities (/orgs/{id}/priorities)');
      await page.goto(projectUrl);
      await page.getByLabel('Safer medicines').check();
      await Promise.all([
        page.waitForURL((u) => new URL(u).hash === '#priorities' || /\/projects\/\d+$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Save the priorities' }).click(),
      ]);
      check(await page.getByLabel('Safer medicines').isChecked(), 'the project does not keep its priority');
      await page.getByRole('link', { name: 'Portfolio', exact: true }).click();
      await page.getByRole('heading', { name: 'Safer medicines', level: 2 }).waitFor();
      const group = page.locator('h2:has-text("Safer medicines") ~ div.table-scroll').first();
      check((await group.textContent()).includes(title), 'the portfolio does not list the project under its priority');
      const phone = await browser.newContext({
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      try {
        const p = await phone.newPage();
        await p.goto(page.url());
        const r = await phoneWidth(p);
        log(`    portfolio: document ${r.scrollWidth} px wide in a ${r.clientWidth} px viewport`);
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the portfolio scrolls sideways (${r.scrollWidth} px)`);
      } finally {
        await phone.close();
      }
    });

    await step('the project becomes a rapid improvement event; its due 30-day report-out is on the dashboard and is written on its template', async () => {
      await page.goto(projectUrl);
      const held = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('Date of the event').fill(held);
      await Promise.all([
        page.waitForURL((u) => /\/projects\/\d+$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Save the event date' }).click(),
      ]);
      await page.getByRole('heading', { name: 'Rapid improvement event' }).waitFor();
      await page.goto(`${base}/`);
      const due = page.getByRole('link', { name: `${title}: 30-day report-out` });
      await due.waitFor();
      await Promise.all([
        page.waitForURL((u) => /\/report-outs\/30$/.test(new URL(u).pathname)),
        due.click(),
      ]);
      await axeCheck(page, 'A report-out (/projects/{id}/report-outs/{day})');
      await page.getByLabel('What changed').fill('Doses are given within 30 minutes on both wards.');
      await page.getByLabel('Next steps').fill('Spread to the stroke unit by March.');
      await Promise.all([
        page.waitForURL((u) => new URL(u).search.includes('saved=1')),
        page.getByRole('button', { name: 'Save the report-out' }).click(),
      ]);
      await page.getByText('The report-out is saved.').waitFor();
      await page.goto(`${base}/`);
      check(!(await page.content()).includes(`${title}: 30-day report-out`), 'the written report-out is still listed as due');
      await page.getByRole('link', { name: 'Library', exact: true }).click();
      await page.getByRole('heading', { name: 'Learning library', level: 1 }).waitFor();
      await axeCheck(page, 'Learning library (/library)');
    });

    await step('the improvement lead adopts the change package for another team; the spread view puts both projects side by side; the form and the view pass axe, the view also at phone width', async () => {
      await page.goto(projectUrl);
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname.endsWith('/adopt')),
        page.getByRole('link', { name: 'Adopt this change package', exact: true }).click(),
      ]);
      await axeCheck(page, 'Adopt a change package (/projects/{id}/adopt)');
      await page.getByLabel('Title of the new project').fill('Time-critical doses on ward 9');
      await Promise.all([
        page.waitForURL((u) => /\/projects\/\d+$/.test(new URL(u).pathname) && u.toString() !== projectUrl),
        page.getByRole('button', { name: 'Adopt this change package' }).click(),
      ]);
      check((await page.content()).includes('Adopted from'), 'the adopted project does not say where it comes from');
      const spreadUrl = `${projectUrl}/spread`;
      await page.goto(spreadUrl);
      await page.getByRole('heading', { name: 'Spread of this change package', level: 1 }).waitFor();
      const shown = await page.locator('.small-multiple').count();
      check(shown === 2, `the spread view shows ${shown} projects, expected the original and its adopter`);
      await axeCheck(page, 'Spread view (/projects/{id}/spread)');
      const phone = await browser.newContext({
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      try {
        const p = await phone.newPage();
        p.setDefaultTimeout(30_000);
        await p.goto(spreadUrl);
        await axeCheck(p, `Spread view at ${PHONE.width} px (/projects/{id}/spread)`);
        const r = await phoneWidth(p);
        log(`    spread view: document ${r.scrollWidth} px wide in a ${r.clientWidth} px viewport`);
        if (r.scrollWidth > r.clientWidth) await saveArtifacts(p, 'phone-spread');
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the spread view scrolls sideways (${r.scrollWidth} px)`);
      } finally {
        await phone.close();
      }
    });

    await step('value: the lead records a realised saving, finance confirms it on a phone (axe on the value pages)', async () => {
      const valueUrl = `${projectUrl}/value`;
      await page.goto(projectUrl);
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === new URL(valueUrl).pathname),
        page.getByRole('link', { name: /^Value/ }).first().click(),
      ]);
      await page.getByLabel('Potential or realised').selectOption('realised');
      await page.getByLabel('Amount (£)').fill('1250.50');
      await page.getByLabel('Hours released').fill('12.5');
      await page.getByLabel('Cash-releasing').selectOption('yes');
      await page.getByLabel('Date').fill('2024-11-01');
      await page.getByLabel('Method or evidence').fill('Fewer agency nurse shifts in November: ledger 4471');
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === new URL(valueUrl).pathname),
        page.getByRole('button', { name: 'Record the value' }).click(),
      ]);
      await page.getByText("Awaiting finance's confirmation").first().waitFor();
      await axeCheck(page, "A project's value (/projects/{id}/value)");
      // Finance signs in on a phone and confirms it.
      const phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      try {
        const p = await phone.newPage();
        p.setDefaultTimeout(30_000);
        await p.goto(`${base}/login`);
        await p.getByLabel('Email address').fill(FINANCE_EMAIL);
        await p.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await Promise.all([
          p.waitForURL((u) => new URL(u).pathname === '/'),
          p.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        await p.goto(valueUrl);
        let r = await phoneWidth(p);
        if (r.scrollWidth > r.clientWidth) await saveArtifacts(p, 'phone-value');
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the value page scrolls sideways (${r.scrollWidth} px)`);
        await axeCheck(p, `A project's value at ${PHONE.width} px, as finance (/projects/{id}/value)`);
        await Promise.all([
          p.waitForURL((u) => new URL(u).pathname === new URL(valueUrl).pathname),
          p.getByRole('button', { name: 'Confirm £1,250.50 as released' }).click(),
        ]);
        await p.getByText('Confirmed by finance').first().waitFor();
        await Promise.all([
          p.waitForURL((u) => /\/orgs\/\d+\/value$/.test(new URL(u).pathname)),
          p.getByRole('link', { name: "The organisation's value" }).click(),
        ]);
        await p.getByRole('heading', { name: 'Realised against potential over time' }).waitFor();
        check((await p.content()).includes('£1,250.50'), 'the roll-up does not show the confirmed £1,250.50');
        r = await phoneWidth(p);
        if (r.scrollWidth > r.clientWidth) await saveArtifacts(p, 'phone-org-value');
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the organisation's value scrolls sideways (${r.scrollWidth} px)`);
        await axeCheck(p, `The organisation's value at ${PHONE.width} px (/orgs/{id}/value)`);
      } finally {
        await phone.close();
      }
    });

    check(pageErrors.length === 0, `the pages threw JavaScript errors: ${pageErrors.join('; ')}`);
  } catch (e) {
    await saveArtifacts(page, `failed-${slug(currentStep)}`);
    throw e;
  } finally {
    await context.close();
  }
}

/** Whether a page at phone width scrolls sideways: { scrollWidth, clientWidth }. */
async function phoneWidth(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
}

/**
 * Issue 11 section 4: a board viewer starts a self-assessment of the board's QI governance and
 * rates one dimension; the board report holds one measure (in Safe, from the main journey), so
 * rating the balance of safety, effectiveness and experience "Established" disagrees with the
 * evidence, and the page says so. The assessment and the comparison pass axe, also at phone
 * width, and do not scroll sideways.
 */
async function boardJourney(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const balance = 'Balance of safety, effectiveness and experience';
  const disagreement = 'Rated Established, but the board report has no measures in Effective and Caring';
  try {
    await step('a board viewer starts a self-assessment of the board from the board page', async () => {
      await page.goto(`${base}/login`);
      await page.getByLabel('Email address').fill(BOARD_EMAIL);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === '/'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await Promise.all([
        page.waitForURL((u) => /\/orgs\/\d+\/board$/.test(new URL(u).pathname)),
        page.getByRole('link', { name: 'Board', exact: true }).click(),
      ]);
      await Promise.all([
        page.waitForURL((u) => /\/orgs\/\d+\/board\/assessments$/.test(new URL(u).pathname)),
        page.getByRole('link', { name: 'Board self-assessment of QI governance' }).click(),
      ]);
      await axeCheck(page, 'Board self-assessments (/orgs/{id}/board/assessments)');
      await page.getByLabel('Title').fill('Board development session, March 2026');
      await page.getByLabel('Date held').fill('2026-03-12');
      await Promise.all([
        page.waitForURL((u) => /^\/assessments\/\d+$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Start the assessment' }).click(),
      ]);
      await page.getByRole('heading', { name: 'Board development session, March 2026', level: 1 }).waitFor();
    });

    let assessmentUrl;
    let compareUrl;
    await step('the board viewer rates the balance "Established" and sees that the evidence disagrees', async () => {
      assessmentUrl = page.url();
      const group = page.getByRole('group', { name: balance });
      await group.getByLabel('4 Established').check();
      await page.getByLabel(`Your evidence for ${balance.toLowerCase()}`).fill('The report has a section for each CQC question.');
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === new URL(assessmentUrl).pathname),
        page.getByRole('button', { name: 'Save your ratings' }).click(),
      ]);
      await page.getByText(disagreement).waitFor();
      check(
        await page.getByRole('group', { name: balance }).getByLabel('4 Established').isChecked(),
        'after saving, the rating form does not show the saved level',
      );
      await axeCheck(page, 'Board self-assessment (/assessments/{id})');
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname.endsWith('/board/assessments/compare')),
        page.getByRole('link', { name: 'Compare over time' }).click(),
      ]);
      await page.getByRole('table', { name: 'Median rating by dimension and assessment' }).waitFor();
      check(
        (await page.getByRole('row', { name: new RegExp(balance) }).textContent()).includes('Established (4)'),
        'the comparison does not show the balance rated Established (4)',
      );
      compareUrl = page.url();
      await axeCheck(page, 'Board self-assessments compared (/orgs/{id}/board/assessments/compare)');
    });

    await step(`phone size (${PHONE.width}×${PHONE.height}): the assessment and the comparison fit and pass axe`, async () => {
      const phone = await browser.newContext({
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      try {
        const p = await phone.newPage();
        p.setDefaultTimeout(30_000);
        for (const [url, name, title] of [
          [assessmentUrl, 'assessment', 'Board self-assessment at phone width (/assessments/{id})'],
          [compareUrl, 'comparison', 'Board self-assessments compared at phone width (/orgs/{id}/board/assessments/compare)'],
        ]) {
          await p.goto(url);
          const r = await phoneWidth(p);
          log(`    ${name}: document ${r.scrollWidth} px wide in a ${r.clientWidth} px viewport`);
          if (r.scrollWidth > r.clientWidth) await saveArtifacts(p, `phone-${name}`);
          check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the ${name} page scrolls sideways (${r.scrollWidth} px)`);
          await axeCheck(p, title);
        }
        await p.goto(assessmentUrl);
        await p.getByText(disagreement).waitFor();
      } finally {
        await phone.close();
      }
    });
  } catch (e) {
    await saveArtifacts(page, `failed-${slug(currentStep)}`);
    throw e;
  } finally {
    await context.close();
  }
}

/** An admin runs the organisation: a team, a new person and their one-time link, the pages. */
async function adminJourney(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  try {
    await step('an admin signs in and opens Admin', async () => {
      await page.goto(`${base}/login`);
      await page.getByLabel('Email address').fill(ADMIN_EMAIL);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === '/'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname === '/admin'),
        page.getByRole('link', { name: 'Admin', exact: true }).click(),
      ]);
      await axeCheck(page, 'Administration (/admin)');
    });

    await step('the admin creates a team', async () => {
      await page.getByRole('link', { name: /^Teams/ }).first().click();
      await page.getByLabel('Team name').fill('Ward 7');
      await page.getByRole('button', { name: 'Create team' }).click();
      await page.getByText('The team “Ward 7” has been created.').waitFor();
      await axeCheck(page, 'Teams (/admin/orgs/{id}/teams)');
    });

    let personUrl;
    await step('the admin adds a person, whose one-time link sets their password', async () => {
      await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'People' }).click();
      await page.getByLabel('Email address').fill('e2e.nurse@example.nhs.uk');
      await page.getByLabel('Full name').fill('Nia Nurse');
      await page.getByLabel('Role').selectOption('member');
      await page.getByRole('button', { name: 'Add person' }).click();
      const link = await page.locator('#reset-link').inputValue();
      check(/\/reset\/[0-9a-f]{64}$/.test(link), `no one-time link shown: "${link}"`);
      await axeCheck(page, 'People, with a new link (/admin/orgs/{id}/people)');
      const other = await browser.newContext();
      try {
        const p = await other.newPage();
        await p.goto(link);
        await axeCheck(p, 'Set your password (/reset/{secret})');
        await p.getByLabel('New password', { exact: true }).fill('a long e2e passphrase');
        await p.getByLabel('Type the new password again').fill('a long e2e passphrase');
        await p.getByRole('button', { name: 'Set password' }).click();
        await p.getByRole('heading', { name: 'Your password is set' }).waitFor();
        await p.goto(link);
        await p.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
        // The new member signs in: they may join the team and edit the project, but its aim
        // is the lead's to change, so they see it read-only.
        await p.goto(`${base}/login`);
        await p.getByLabel('Email address').fill('e2e.nurse@example.nhs.uk');
        await p.getByLabel('Password', { exact: true }).fill('a long e2e passphrase');
        await Promise.all([
          p.waitForURL((u) => new URL(u).pathname === '/'),
          p.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        await p.goto(`${base}/projects`);
        await p.getByRole('link', { name: 'Fewer missed doses of time-critical medicines' }).click();
        await p.getByText('Project lead:').waitFor();
        await p.getByRole('button', { name: 'Join the team' }).click();
        await p.getByRole('button', { name: 'Leave the team' }).waitFor();
        check(
          !(await p.getByRole('link', { name: /^Add a measure/ }).isVisible()),
          'a member who does not lead the project is offered "Add a measure"',
        );
        await axeCheck(p, 'Project page as a member (/projects/{id})');
        await p.getByRole('link', { name: /^Edit project/ }).click();
        const aim = p.getByLabel('Aim');
        check(await aim.getAttribute('readonly') !== null, 'the aim is not read-only for a member');
        await p.getByText("Only the project's lead, an admin or an improvement lead can change a project's aim.").waitFor();
        await axeCheck(p, 'Edit project as a member, aim read-only (/projects/{id}/edit)');
      } finally {
        await other.close();
      }
      await page.getByRole('link', { name: 'Nia Nurse' }).click();
      personUrl = page.url();
      await axeCheck(page, 'A person (/admin/orgs/{id}/people/{user})');
      await page.getByRole('link', { name: 'Deactivate Nia Nurse' }).click();
      await page.getByRole('button', { name: 'Yes, deactivate Nia Nurse' }).waitFor();
      await axeCheck(page, 'Deactivate? (/admin/orgs/{id}/people/{user}/deactivate)');
    });

    let systemUrl;
    await step('the organisations of the system; the admin takes a role across it and opens the system\'s portfolio', async () => {
      await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Organisations' }).click();
      await page.getByRole('heading', { name: 'Add an organisation' }).waitFor();
      await page.getByRole('heading', { name: `Roles across ${SYSTEM}` }).waitFor();
      await axeCheck(page, 'Organisations, with roles across the system (/admin/orgs/{id}/organisations)');
      await page.getByLabel(`Email of one of ${ORG}'s people`).fill(ADMIN_EMAIL);
      await page.getByLabel('Role across the system').selectOption('system_viewer');
      await Promise.all([
        page.waitForURL((u) => /\/admin\/orgs\/\d+\/organisations$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Save the role' }).click(),
      ]);
      const row = page.getByRole('row', { name: new RegExp(ADMIN_EMAIL.replace(/\./g, '\\.')) });
      check((await row.textContent()).includes('System viewer'), 'the admin is not listed as a system viewer');
      await page.goto(`${base}/portfolio`);
      await Promise.all([
        page.waitForURL((u) => /\/orgs\/\d+\/system$/.test(new URL(u).pathname)),
        page.getByRole('link', { name: `The portfolio of ${SYSTEM}, the whole system` }).click(),
      ]);
      await page.getByRole('heading', { name: `${SYSTEM}: the system's portfolio`, level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'By organisation and stage' }).waitFor();
      systemUrl = page.url();
      await axeCheck(page, "The system's portfolio (/orgs/{id}/system)");
    });

    let ideaUrl;
    let phoneStorage;
    await step('an idea is put forward from a phone, answered, and its submitter is told (axe on the ideas, the idea and the notifications)', async () => {
      // Nia, the member added above, signs in on her phone.
      const phone = await browser.newContext({
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      });
      const p = await phone.newPage();
      try {
        await p.goto(`${base}/login`);
        await p.getByLabel('Email address').fill('e2e.nurse@example.nhs.uk');
        await p.getByLabel('Password', { exact: true }).fill('a long e2e passphrase');
        await Promise.all([
          p.waitForURL((u) => new URL(u).pathname === '/'),
          p.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        await p.goto(`${base}/ideas`);
        await p.getByRole('heading', { name: 'Put forward an idea' }).waitFor();
        await p.getByLabel('What is the problem?').fill('Call bells are out of reach at night');
        await p.getByLabel('Your idea').fill('Clip the call bell to the bed rail at every check');
        await p.getByLabel('Where').fill('Ward 7');
        await Promise.all([
          p.waitForURL((u) => /\/ideas\/\d+$/.test(new URL(u).pathname)),
          p.getByRole('button', { name: 'Put forward the idea' }).click(),
        ]);
        ideaUrl = p.url();
        const r = await phoneWidth(p);
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the idea scrolls sideways (${r.scrollWidth} px)`);
        await axeCheck(p, 'An idea at phone width (/ideas/{id})');
        await p.goto(`${base}/ideas`);
        const w = await phoneWidth(p);
        check(w.scrollWidth <= w.clientWidth, `at ${PHONE.width} px the ideas page scrolls sideways (${w.scrollWidth} px)`);
        await axeCheck(p, 'Ideas at phone width (/orgs/{id}/ideas)');
        phoneStorage = await phone.storageState();
      } finally {
        await phone.close();
      }
      // The admin answers it.
      await page.goto(ideaUrl);
      await page.getByLabel('Status').selectOption('not_now');
      await page.getByLabel('Response').fill('');
      await page.getByRole('button', { name: 'Save the response' }).click();
      await page.getByText('the submitter sees it').first().waitFor();
      await page.getByLabel('Response').fill('The new beds in April have a fixed call bell holder.');
      await Promise.all([
        page.waitForURL((u) => /\/ideas\/\d+$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Save the response' }).click(),
      ]);
      await page.getByText('The new beds in April have a fixed call bell holder.').first().waitFor();
      await axeCheck(page, 'An idea with its response (/ideas/{id})');
      // Nia is told, on her phone.
      const back = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, storageState: phoneStorage });
      try {
        const p = await back.newPage();
        await p.goto(`${base}/notifications`);
        await p.getByRole('link', { name: /Not now\. The new beds in April/ }).waitFor();
        const r = await phoneWidth(p);
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the notifications scroll sideways (${r.scrollWidth} px)`);
        await axeCheck(p, 'Notifications at phone width (/notifications)');
      } finally {
        await back.close();
      }
    });

    await step('the idea is taken forward as a project that names it; how quickly ideas get a response, against a target; the e-mail outbox; "for you" on the dashboard (axe on each)', async () => {
      await page.goto(ideaUrl);
      const ideas = await page.getByRole('link', { name: 'All ideas' }).getAttribute('href');
      const org = ideas.split('/')[2];
      await page.getByRole('heading', { name: 'Take it forward' }).waitFor();
      await page.getByLabel('A new project').check();
      await page.getByLabel('Project title').fill('Call bells within reach at night');
      await Promise.all([
        page.waitForURL((u) => /\/projects\/\d+$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Take it forward' }).click(),
      ]);
      await page.getByRole('link', { name: 'A staff idea' }).click();
      await page.getByRole('heading', { name: 'What it became' }).waitFor();
      await axeCheck(page, 'An idea taken forward (/ideas/{id})');
      await page.goto(`${base}/orgs/${org}/ideas/responses`);
      await page.getByLabel('Target: days to a first response').fill('7');
      await Promise.all([
        page.waitForURL((u) => new URL(u).pathname.endsWith('/ideas/responses')),
        page.getByRole('button', { name: 'Set the target' }).click(),
      ]);
      await page.getByText('target is 7 days').first().waitFor();
      await axeCheck(page, 'How quickly ideas get a response (/orgs/{id}/ideas/responses)');
      await page.goto(`${base}/orgs/${org}/email`);
      await page.getByRole('heading', { name: 'E-mail outbox' }).waitFor();
      await axeCheck(page, 'E-mail outbox (/orgs/{id}/email)');
      await page.goto(`${base}/`);
      await page.getByRole('heading', { name: 'For you' }).waitFor();
      await axeCheck(page, 'Dashboard with "for you" (/)');
    });

    await step("patients and carers on a project; a team member's own view at phone width; projects with patient partners and staff taking part (axe on each)", async () => {
      await page.goto(`${base}/projects`);
      await Promise.all([
        page.waitForURL(/\/projects\/\d+$/),
        page.getByRole('link', { name: 'Fewer missed doses of time-critical medicines' }).first().click(),
      ]);
      const projectUrl = page.url();
      await page.goto(`${projectUrl}/involvement`);
      await page.getByLabel('Level of involvement').selectOption('co_produce');
      await page.getByLabel('Co-designer of changes').check();
      await page.getByLabel('Carer representative').check();
      await Promise.all([
        page.waitForURL((u) => new URL(u).search === '?saved=1'),
        page.getByRole('button', { name: 'Save', exact: true }).click(),
      ]);
      await axeCheck(page, 'Patients and carers (/projects/{id}/involvement)');
      await page.goto(projectUrl);
      await page.getByText('This project counts as one with patient partners.').waitFor();
      await page.getByRole('link', { name: 'Projects with patient partners across the organisation' }).click();
      await page.getByRole('heading', { name: 'Projects with patient partners', level: 1 }).waitFor();
      await axeCheck(page, 'Projects with patient partners (/orgs/{id}/involvement)');
      await page.getByRole('link', { name: 'Staff taking part in improvement' }).click();
      await page.getByRole('heading', { name: 'Staff taking part in improvement', level: 1 }).waitFor();
      await axeCheck(page, 'Staff taking part (/orgs/{id}/engagement)');
      // Nia, on the project's team, reads her own view on her phone.
      const phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, storageState: phoneStorage });
      try {
        const p = await phone.newPage();
        await p.goto(`${base}/my-projects`);
        await p.getByRole('heading', { name: 'Your projects', level: 1 }).waitFor();
        await p.getByRole('link', { name: 'Fewer missed doses of time-critical medicines' }).first().waitFor();
        const r = await phoneWidth(p);
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px /my-projects scrolls sideways (${r.scrollWidth} px)`);
        await axeCheck(p, 'Your projects at phone width (/my-projects)');
        await p.goto(`${base}/orgs/${new URL(page.url()).pathname.split('/')[2]}/engagement`);
        const e = await phoneWidth(p);
        check(e.scrollWidth <= e.clientWidth, `at ${PHONE.width} px the engagement page scrolls sideways (${e.scrollWidth} px)`);
      } finally {
        await phone.close();
      }
    });

    await step('training: a course and a session of one place; a place asked for from a phone; attendance and completion give the level (axe on training, course, session, record, capability and coaching)', async () => {
      await page.goto(`${base}/training`);
      if (new URL(page.url()).pathname === '/training') {
        await Promise.all([
          page.waitForURL((u) => /\/orgs\/\d+\/training$/.test(new URL(u).pathname)),
          page.getByRole('link', { name: ORG, exact: true }).click(),
        ]);
      }
      const trainingUrl = page.url();
      await page.getByLabel('Title').fill('Foundations of QI');
      await page.getByLabel('Level').selectOption('foundation');
      await Promise.all([
        page.waitForURL((u) => /\/courses\/\d+$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Add the course' }).click(),
      ]);
      await axeCheck(page, 'A training course (/courses/{id})');
      await page.getByLabel('Date').fill('2026-03-04');
      await page.getByLabel('Places').fill('1');
      await page.getByLabel('Where', { exact: true }).fill('Education centre');
      await Promise.all([
        page.waitForURL((u) => /\/sessions\/\d+$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: 'Add the session' }).click(),
      ]);
      const sessionUrl = page.url();
      await axeCheck(page, 'A training session (/sessions/{id})');
      // Nia asks for the place on her phone.
      const phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, storageState: phoneStorage });
      try {
        const p = await phone.newPage();
        await p.goto(trainingUrl);
        const w = await phoneWidth(p);
        check(w.scrollWidth <= w.clientWidth, `at ${PHONE.width} px the training page scrolls sideways (${w.scrollWidth} px)`);
        await axeCheck(p, 'Training at phone width (/orgs/{id}/training)');
        await Promise.all([
          p.waitForURL((u) => /\/sessions\/\d+$/.test(new URL(u).pathname)),
          p.getByRole('button', { name: 'Ask for a place' }).click(),
        ]);
        await p.getByText('You have a place.').waitFor();
        const r = await phoneWidth(p);
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the session scrolls sideways (${r.scrollWidth} px)`);
        await axeCheck(p, 'A session at phone width (/sessions/{id})');
      } finally {
        await phone.close();
      }
      // The admin records her attendance and completion.
      await page.goto(sessionUrl);
      await page.getByLabel(/^Attendance/).selectOption('attended');
      await page.getByLabel(/^Completed the course/).check();
      await Promise.all([
        page.waitForURL((u) => /\/sessions\/\d+$/.test(new URL(u).pathname)),
        page.getByRole('button', { name: /^Save for/ }).click(),
      ]);
      await axeCheck(page, 'A session with its attendance (/sessions/{id})');
      await page.goto(trainingUrl.replace(/\/training$/, '/capability'));
      await page.getByRole('heading', { name: 'Improvement capability', level: 1 }).waitFor();
      await axeCheck(page, 'Capability (/orgs/{id}/capability)');
      await page.goto(trainingUrl.replace(/\/training$/, '/coaching'));
      await page.getByRole('heading', { name: 'Coaching', level: 1 }).waitFor();
      await axeCheck(page, 'Coaching (/orgs/{id}/coaching)');
      const back = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, storageState: phoneStorage });
      try {
        const p = await back.newPage();
        await p.goto(`${base}/account/training`);
        await p.getByText('Foundation', { exact: true }).first().waitFor();
        const r = await phoneWidth(p);
        check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px the training record scrolls sideways (${r.scrollWidth} px)`);
        await axeCheck(p, 'Your training record at phone width (/account/training)');
      } finally {
        await back.close();
      }
    });

    await step(`phone size (${PHONE.width}×${PHONE.height}): the admin pages do not overflow`, async () => {
      const phone = await browser.newContext({
        viewport: PHONE,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await context.storageState(),
      });
      const p = await phone.newPage();
      try {
        for (const url of [personUrl, personUrl.replace(/\/people\/\d+$/, '/people'), personUrl.replace(/\/people\/\d+$/, '/organisations'), systemUrl, `${base}/account`]) {
          await p.goto(url);
          const r = await phoneWidth(p);
          log(`    ${new URL(url).pathname}: document ${r.scrollWidth} px wide in a ${r.clientWidth} px viewport`);
          if (r.scrollWidth > r.clientWidth) await saveArtifacts(p, 'phone-admin');
          check(r.scrollWidth <= r.clientWidth, `at ${PHONE.width} px ${url} scrolls sideways (${r.scrollWidth} px)`);
        }
      } finally {
        await phone.close();
      }
    });
  } catch (e) {
    await saveArtifacts(page, `failed-${slug(currentStep)}`);
    throw e;
  } finally {
    await context.close();
  }
}

// --- main ----------------------------------------------------------------------------------------

async function main() {
  check(existsSync(GEMBA_BIN), `no gemba binary at ${GEMBA_BIN}; run \`cargo build -p gemba-cli\` or set GEMBA_BIN`);
  check(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}; install Debian's chromium (apt-get install -y chromium) or set CHROMIUM`);
  rmSync(ARTIFACTS, { recursive: true, force: true });

  const dir = mkdtempSync(join(tmpdir(), 'gemba-e2e-'));
  const database = join(dir, 'gemba.db');
  let server;
  let browser;
  let ok = false;
  try {
    await step('add a user and start the server', async () => {
      gemba(['user', 'add', '--org', ORG, '--create-org', '--system', SYSTEM, '--email', EMAIL, '--role', 'improvement_lead', '--database', database], `${PASSWORD}\n`);
      gemba(['user', 'add', '--org', ORG, '--email', ADMIN_EMAIL, '--role', 'admin', '--database', database], `${PASSWORD}\n`);
      gemba(['user', 'add', '--org', ORG, '--email', BOARD_EMAIL, '--role', 'board_viewer', '--database', database], `${PASSWORD}\n`);
      gemba(['user', 'add', '--org', ORG, '--email', FINANCE_EMAIL, '--role', 'finance', '--database', database], `${PASSWORD}\n`);
      server = await startServer(database);
      log(`    ${server.url} on ${database}`);
    });
    await step('launch Chromium', async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: !process.env.E2E_HEADFUL,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          // No --user-data-dir: playwright makes a fresh, empty one for each launch itself
          // (and refuses the flag in launch()).
        ].filter((a) => a !== '--headless' || !process.env.E2E_HEADFUL),
      });
      log(`    Chromium ${browser.version()}`);
    });
    await journey(browser, server.url);
    await boardJourney(browser, server.url);
    await adminJourney(browser, server.url);
    ok = true;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) await stopServer(server.proc);
    if (ok && !process.env.E2E_KEEP) rmSync(dir, { recursive: true, force: true });
    else log(`\nThe test's database is kept in ${dir}`);
    if (!ok && server) log(`\nThe server printed:\n${server.output.text}`);
  }

  // The accessibility summary, and the verdict.
  currentStep = 'accessibility summary';
  log('\n==> accessibility (axe-core, tags ' + AXE_TAGS.join(', ') + ')');
  let serious = 0;
  for (const r of axeResults) {
    const s = r.violations.filter((v) => FAILING_IMPACTS.has(v.impact));
    serious += s.length;
    const summary = r.violations.length === 0
      ? 'no violations'
      : r.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`).join(', ');
    log(`  ${s.length ? 'FAIL' : 'ok  '} ${r.name}: ${summary}`);
  }
  if (serious > 0) {
    log('\nSerious or critical violations:');
    for (const r of axeResults) {
      for (const v of r.violations.filter((x) => FAILING_IMPACTS.has(x.impact))) {
        log(`\n  ${r.name} — ${r.url}`);
        log(formatViolation(v, '    '));
      }
    }
    fail(`${serious} serious or critical accessibility violation(s); see above (screenshots in ${ARTIFACTS})`);
  }
}

main().then(
  () => {
    log('\nEnd-to-end test passed.');
  },
  (e) => {
    const where = `in step "${currentStep}"`;
    if (e instanceof TestFailure) {
      process.stderr.write(`\nEnd-to-end test FAILED ${where}: ${e.message}\n`);
    } else {
      process.stderr.write(`\nEnd-to-end test FAILED ${where}: ${e && e.stack ? e.stack : e}\n`);
    }
    process.exitCode = 1;
  },
);
