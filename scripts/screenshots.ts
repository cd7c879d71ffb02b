// `npm run screenshots`: runs the demo (`scripts/demo.ts --keep`) and takes, in headless Chromium
// (Debian's `chromium`, or CHROMIUM_PATH), the Temporal UI of the demo's workflow and the dashboard
// into docs/images. Re-run it whenever they change. Free ports are chosen, so it runs beside a demo.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(__dirname, '..');
const OUT = join(ROOT, 'docs', 'images');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

async function main(): Promise<void> {
  const ports = { PORT: await freePort(), TEMPORAL_UI_PORT: await freePort(), TEMPORAL_DEV_SERVER_PORT: await freePort(), ISSUEFLOW_EMBEDDED_PG_PORT: await freePort() };
  const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), ISSUEFLOW_DEMO_DIR: join(ROOT, '.issueflow-demo', 'screenshots') };
  const demo = spawn(process.execPath, ['-r', './bench/register.js', 'scripts/demo.ts', '--keep'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((ok) => demo.on('exit', ok));
  let output = '';
  // The demo prints, once the workflow settled, the Temporal UI link and a curl line with the API token.
  const ready = new Promise<{ temporalUrl: string; token: string; apiUrl: string }>((ok, fail) => {
    demo.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
      const m = /--keep: everything stays up\. Browse (\S+)\s+or the jobs API: curl -H 'authorization: Bearer ([^']+)' (\S+)\/jobs/.exec(output);
      if (m) ok({ temporalUrl: m[1], token: m[2], apiUrl: m[3] });
    });
    void exited.then((code) => fail(new Error(`the demo exited (${code}) before it was ready`)));
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const { temporalUrl, token, apiUrl } = await ready;
    mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });

    await page.goto(`${apiUrl}/login`);
    await page.fill('#token', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('#jobs tbody tr[data-state="completed"] td a:has-text("PR #")', { timeout: 30_000 });
    await page.screenshot({ path: join(OUT, 'dashboard-jobs.png') });
    await page.click('#jobs tbody tr td a');
    await page.waitForSelector('body[data-state="completed"]');
    await page.waitForSelector('#logs pre');
    await page.screenshot({ path: join(OUT, 'dashboard-job.png'), fullPage: true });

    // The Temporal UI polls for ever (no network idle): wait for the workflow's own content, then settle.
    await page.goto(temporalUrl);
    await page.waitForSelector('text=issueWorkflow', { timeout: 30_000 });
    await page.waitForTimeout(3000);
    await page.screenshot({ path: join(OUT, 'temporal-workflow.png') }); // summary, input and the timeline of the history
    await page.locator('a:has-text("Search Attributes"), button:has-text("Search Attributes")').first().click();
    await page.waitForSelector('text=IssueflowState', { timeout: 15_000 });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(OUT, 'temporal-search-attributes.png') });
    console.log(`screenshots: ${OUT}/{dashboard-jobs,dashboard-job,temporal-workflow,temporal-search-attributes}.png`);
  } finally {
    await browser.close();
    demo.kill('SIGINT');
    await exited;
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`screenshots failed: ${error.message}`);
    process.exit(1);
  },
);
