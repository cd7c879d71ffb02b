import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestRecord } from '../../support/github-standin';
import { issueForm, startE2E, type E2E, type E2EIssue } from '../harness';

jest.setTimeout(600_000);

const ISSUES = 30;
const AGENT_CONCURRENCY = 2;
const WRITES_PER_MINUTE = 120;
/** Long enough for every issue's writes at that budget (30 issues, ~7 writes each: about 2 minutes of it). */
const WRITES_WAIT_MS = 240_000;

/** The most agent processes alive at one moment, from the scripted agent's start/end trace lines. */
function maxOverlap(lines: Array<{ event: string; pid: number; at: number }>): number {
  // At equal times an end comes before a start: a slot handed on is not an overlap.
  const events = lines.map((l) => ({ at: l.at, d: l.event === 'start' ? 1 : -1 })).sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (now += e.d));
  return max;
}

/** issueflow's writes to GitHub: POST/PATCH/PUT/DELETE on comments, labels, pulls and reactions. */
const isWrite = (r: RequestRecord) => r.method !== 'GET' && /\/(comments|labels|pulls|reactions)(\/|$)/.test(r.path) && r.status !== undefined && r.status < 500;

/** The most writes that arrived within any window of `ms` (sliding: each write opens one). */
function maxInWindow(times: number[], ms: number): number {
  let max = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i] - times[j] >= ms) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** 30 issues at once: all complete, never more than AGENT_CONCURRENCY agents at a time, GitHub writes within the budget. */
describe('e2e slow: concurrency', () => {
  let e2e: E2E;
  const startedAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'issueflow-concurrency-'));
  const traceFile = join(dir, 'agents.jsonl');
  let outcome = 'did not finish';
  let stats = '';

  beforeAll(async () => {
    // The sandboxed agents append their trace lines to a file in `dir`.
    e2e = await startE2E({ env: { AGENT_CONCURRENCY: String(AGENT_CONCURRENCY), GITHUB_WRITES_PER_MINUTE: String(WRITES_PER_MINUTE), SANDBOX_WRITABLE: dir } });
  });

  afterEach(() => {
    e2e.standin.assertNoViolations();
  });

  afterAll(async () => {
    console.log(`[e2e] concurrency: ${e2e?.counts().issues ?? 0} issues, 0 kills, 0 restarts, 0 faults injected, 0 duplicates found; ${stats}; ${outcome} in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
    await e2e?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${ISSUES} issues at once with AGENT_CONCURRENCY=${AGENT_CONCURRENCY} and GITHUB_WRITES_PER_MINUTE=${WRITES_PER_MINUTE}`, async () => {
    const body = issueForm({
      description: 'The add function in math.js subtracts; it must return the sum.',
      acceptanceCriteria: ['`npm test` passes'],
      // 1.5 s a run: with GitHub writes pacing the issues, runs arrive about a second apart, so two overlap for
      // sure and the cap is seen reached (with 300 ms it was reached in 3 runs of 4).
      context: `agent: trace ${traceFile}\nagent: sleep 1500\nagent: replace math.js a - b => a + b`,
    });
    const issues: E2EIssue[] = await Promise.all(Array.from({ length: ISSUES }, (_, i) => e2e.openIssue({ title: `Fix add, copy ${i + 1}`, body })));
    expect(e2e.webhooks.failures).toEqual([]);
    // Watched on GitHub only, as a person would: a status query polled on a busy issue can leave a history that
    // does not replay (README, "Known limit"), which stalled this suite's first issue once in CI.
    for (const issue of issues) {
      // 30 issues' last writes queue for the same budget (2 a second): an issue's may wait behind all the others'.
      await e2e.waitForLabel(issue, 'agent:completed', Math.max(WRITES_WAIT_MS, 400_000 - (Date.now() - startedAt)));
      await e2e.waitForComment(issue, 'summary', WRITES_WAIT_MS);
    }

    for (const issue of issues) {
      expect(e2e.pullRequests().filter((p) => p.head === `issueflow/issue-${issue.number}`)).toHaveLength(1);
      // A label change is add-then-remove; a removal being retried may still be under way.
      await e2e.waitFor(`only agent:completed on ${issue.workflowId}`, () => e2e.labels(issue).filter((l) => l.startsWith('agent:')).join() === 'agent:completed', WRITES_WAIT_MS);
      const keys = e2e.comments(issue).filter((c) => c.key).map((c) => c.key);
      expect(keys.length).toBe(new Set(keys).size);
    }

    // Agents: a plan and an implement run per issue, each started and ended, never more than the cap at once.
    expect(existsSync(traceFile)).toBe(true);
    const lines = readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; pid: number; mode: string; at: number });
    const starts = lines.filter((l) => l.event === 'start');
    expect(starts.length).toBeGreaterThanOrEqual(2 * ISSUES);
    expect(new Set(lines.filter((l) => l.event === 'end').map((l) => l.pid))).toEqual(new Set(starts.map((l) => l.pid)));
    const overlap = maxOverlap(lines);

    // Writes: each takes a token of the write budget in PostgreSQL (a bucket of W = WRITES_PER_MINUTE, refilled at W a
    // minute; the hourly one, 500, is not reached here), which lets a burst of W through. So in any sliding minute at
    // most 2 W (the burst plus a minute's refill), and over the whole run at most W a minute plus the burst.
    const writes = e2e.standin.requests.filter(isWrite).map((r) => r.at).sort((a, b) => a - b);
    const perMinute = maxInWindow(writes, 60_000);
    const span = (writes[writes.length - 1] - writes[0]) / 1000;
    stats = `${starts.length} agent runs, at most ${overlap} at once; ${writes.length} GitHub writes in ${span.toFixed(0)} s (${(writes.length / span).toFixed(1)}/s), at most ${perMinute} in any 60 s window`;
    console.log(stats);
    expect(overlap).toBeLessThanOrEqual(AGENT_CONCURRENCY);
    expect(overlap).toBe(AGENT_CONCURRENCY);
    expect(perMinute).toBeLessThanOrEqual(2 * WRITES_PER_MINUTE);
    expect(writes.length).toBeLessThanOrEqual(WRITES_PER_MINUTE + (span / 60) * WRITES_PER_MINUTE + 1);
    outcome = `all ${ISSUES} issues completed with one PR each`;
  });
});
