import { chromium, type Browser, type Page } from 'playwright-core';
import { issueForm, startE2E, type E2E } from '../harness';

jest.setTimeout(240_000);

/** Debian's chromium (`apt-get install chromium`; `.ci/run` installs it when missing). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The dashboard in a real headless Chromium against the real `issueflow api` and `worker`: log in
 * through the form, see a job appear and change state while its workflow runs, then its own page
 * with the status comment, the conversation and the logs of every step.
 */
describe('e2e (browser): dashboard', () => {
  let e2e: E2E;
  let browser: Browser;
  let page: Page;
  const startedAt = Date.now();
  let outcome = 'did not finish';

  beforeAll(async () => {
    [e2e, browser] = await Promise.all([startE2E({ echoOwnWrites: true }), chromium.launch({ executablePath: CHROMIUM })]);
    page = await browser.newPage();
  });

  afterEach(() => e2e.standin.assertNoViolations());

  afterAll(async () => {
    await browser?.close();
    e2e?.summary('dashboard browser', outcome, startedAt);
    await e2e?.stop();
  });

  test('login, a job appears and changes state live, its page shows the status comment, the conversation and the logs', async () => {
    const scriptErrors: string[] = [];
    page.on('pageerror', (e) => scriptErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && scriptErrors.push(m.text()));

    await page.goto(e2e.apiUrl);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('.error');
    await page.fill('#token', e2e.secrets.apiToken);
    await page.click('button[type=submit]');
    await page.waitForSelector('#jobs');
    expect(new URL(page.url()).pathname).toBe('/');
    scriptErrors.length = 0; // the wrong token's 401 above is logged as a failed load: expected
    expect(await page.locator('#jobs tbody tr').count()).toBe(0);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'issueflow_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(e2e.secrets.apiToken);

    // No acceptance criteria: issueflow asks and waits, which the page must show without a reload.
    const issue = await e2e.openIssue({
      title: 'Make add() add',
      body: issueForm({ description: 'The add function in math.js subtracts; it must return the sum.', context: 'agent: replace math.js a - b => a + b' }),
    });
    const row = page.locator(`#jobs tbody tr[data-workflow-id="${issue.workflowId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await page.waitForSelector(`#jobs tr[data-workflow-id="${issue.workflowId}"][data-state="awaiting-feedback"]`, { timeout: 60_000 });
    expect(await row.locator('a', { hasText: 'issue' }).getAttribute('href')).toBe(`https://github.com/${e2e.repo}/issues/${issue.number}`);

    // The answer moves it on; the same page, never reloaded, follows it to a PR.
    const pageLoads: string[] = [];
    page.on('framenavigated', (f) => f === page.mainFrame() && pageLoads.push(f.url()));
    await e2e.comment(issue, 'alice', '### Acceptance criteria\n\n- add(2, 3) returns 5\n- `npm test` passes');
    await page.waitForSelector(`#jobs tr[data-workflow-id="${issue.workflowId}"][data-state="completed"]`, { timeout: 120_000 });
    expect(pageLoads).toEqual([]);
    const pr = e2e.pullRequestOf(issue)!;
    expect(await row.locator('a', { hasText: `PR #${pr.number}` }).count()).toBe(1);
    expect(await row.locator('td').nth(4).textContent()).toMatch(/^\$\d+\.\d\d$/);

    // Its page: the status comment rendered, and every step's output as the run log holds it.
    await row.locator('a', { hasText: issue.workflowId }).click();
    await page.waitForSelector('body[data-state="completed"]', { timeout: 30_000 });
    expect(await page.locator('#status h3').textContent()).toBe('issueflow: Pull request ready');
    expect(await page.locator('#status a', { hasText: `PR #${pr.number}` }).count()).toBe(1);
    expect(await page.locator('#conversation li strong').allTextContents()).toEqual(['alice']);
    expect(await page.locator('#conversation li blockquote').textContent()).toBe('### Acceptance criteria\n\n- add(2, 3) returns 5\n- `npm test` passes');
    const logs = await e2e.runLogs(issue.workflowId);
    const steps = [...new Set(logs.map((l) => l.step))];
    expect(steps.length).toBeGreaterThanOrEqual(2);
    // (locators, not page.waitForFunction: the page's CSP refuses the eval a string predicate needs)
    await page.locator('#logs pre').nth(steps.length - 1).waitFor({ timeout: 30_000 });
    for (const step of steps) {
      const expected = logs.filter((l) => l.step === step).map((l) => l.chunk).join('');
      const pre = page.locator(`#logs pre[data-step="${step}"]`);
      for (let i = 0; i < 50 && (await pre.textContent()) !== expected; i++) await page.waitForTimeout(200);
      expect(await pre.textContent()).toBe(expected);
    }
    expect(scriptErrors).toEqual([]);
    outcome = `job seen ${steps.length} steps live`;
  });
});
