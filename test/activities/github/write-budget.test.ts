import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { takeWriteToken } from '../../../src/activities/github/write-token';
import { createOctokitFactory } from '../../../src/activities/github';
import { FAILURE_TYPES } from '../../../src/activities/types';
import { createPool } from '../../../src/infra/postgres';
import { PgWriteBudget } from '../../../src/activities/github/write-budget';
import { createTestDatabase, type TestDatabase } from '../../support/database';
import { GithubStandin } from '../../support/github-standin';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
beforeEach(() => db.pool.query('DELETE FROM github_write_budget'));
afterAll(() => db.drop());

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A budget whose clock the test moves. */
function budgetAt(pool = db.pool) {
  let now = T0;
  const budget = new PgWriteBudget(pool, { perMinute: 80, perHour: 500 }, () => new Date(now));
  return { budget, at: (ms: number) => (now = T0 + ms) };
}

/** Takes until refused; returns how many were granted and the wait the refusal named. */
async function drain(budget: PgWriteBudget, key = 'installation 1'): Promise<{ granted: number; waitMs: number }> {
  for (let granted = 0; ; granted++) {
    const take = await budget.take(key);
    if (!take.taken) return { granted, waitMs: take.waitMs };
  }
}

test('a burst of 80 goes at once; the 81st waits 750 ms, the time of one token at 80 a minute', async () => {
  const { budget } = budgetAt();
  expect(await drain(budget)).toEqual({ granted: 80, waitMs: 750 });
  // Another installation has a budget of its own.
  expect(await budget.take('installation 2')).toEqual({ taken: true, waitMs: 0 });
});

test('tokens come back at the limit rate: 40 after 30 s', async () => {
  const { budget, at } = budgetAt();
  await drain(budget);
  at(30_000);
  expect((await drain(budget)).granted).toBe(40);
});

test('two workers (two pools) share one budget: 100 concurrent takes, exactly 80 granted', async () => {
  const other = createPool(db.url, 5);
  try {
    const a = budgetAt().budget;
    const b = budgetAt(other).budget;
    const takes = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).take('installation 1')));
    expect(takes.filter((t) => t.taken)).toHaveLength(80);
  } finally {
    await other.end();
  }
});

test('the hourly bucket caps a burst at 500 plus its refill, and 500 an hour once it is spent', async () => {
  const { budget, at } = budgetAt();
  let first = 0;
  for (let s = 0; s < 600; s += 10) {
    at(s * 1000);
    first += (await drain(budget)).granted;
  }
  // The minute bucket alone would have allowed 80 + 800 in these 10 minutes; the hour's allows its 500 and
  // what refilled meanwhile (a token bucket: 500 an hour, 83 in 10 minutes).
  expect(first).toBeLessThanOrEqual(500 + Math.floor((600 * 500) / 3600));
  expect(first).toBeGreaterThanOrEqual(575);
  let next = 0;
  // The hour after the last take of the burst (at 590 s).
  for (let s = 600; s <= 590 + 3600; s += 10) {
    at(s * 1000);
    next += (await drain(budget)).granted;
  }
  expect(next).toBeGreaterThanOrEqual(495);
  expect(next).toBeLessThanOrEqual(500);
}, 60_000);

describe('the write budget in front of GitHub', () => {
  let standin: GithubStandin;
  let apiUrl: string;
  beforeEach(async () => {
    standin = new GithubStandin();
    apiUrl = await standin.start();
    standin.createRepo('octo/app');
    standin.openIssue('octo/app', { title: 'x' });
  });
  afterEach(async () => {
    standin.assertNoViolations();
    await standin.stop();
  });

  test('a write takes a token before it is sent, a read none; a spent budget fails the write with the time to the next token', async () => {
    const factory = createOctokitFactory({ config: { github: { apiUrl, token: 'standin-token' } } });
    const taken: string[] = [];
    let left = 1;
    factory.useWriteBudget!({ take: async (key) => (taken.push(key), left-- > 0 ? { taken: true, waitMs: 0 } : { taken: false, waitMs: 42_000 }) });
    const octokit = await factory.forRepo({ owner: 'octo', repo: 'app' });
    await octokit.rest.issues.get({ owner: 'octo', repo: 'app', issue_number: 1 });
    await octokit.rest.issues.createComment({ owner: 'octo', repo: 'app', issue_number: 1, body: 'one' });
    expect(taken).toEqual([expect.stringMatching(/^token [0-9a-f]{16}$/)]);
    const spent = octokit.rest.issues.createComment({ owner: 'octo', repo: 'app', issue_number: 1, body: 'two' });
    await expect(spent).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(spent).rejects.toMatchObject({ type: FAILURE_TYPES.githubRateLimited, nonRetryable: false, nextRetryDelay: 42_000 });
    expect(standin.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('a token is taken only while the activity attempt has room for the write', () => {
  const always = { take: async () => ({ taken: true, waitMs: 0 }) };
  const attempt = (startToCloseTimeoutMs: number) => new MockActivityEnvironment({ startToCloseTimeoutMs, currentAttemptScheduledTimestampMs: Date.now() });

  test('an attempt of a minute takes it', async () => {
    await expect(attempt(60_000).run(() => takeWriteToken(always, 'k', 10_000))).resolves.toBeUndefined();
  });

  test('an attempt whose end is nearer than a write may take fails retryably instead of writing late', async () => {
    const failure = await attempt(20_000)
      .run(() => takeWriteToken(always, 'k', 10_000))
      .then(() => undefined, (e: unknown) => e as ApplicationFailure);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FAILURE_TYPES.githubRateLimited, nonRetryable: false });
  });
});

describe('waiters of one process take tokens in the order they came', () => {
  /** Tokens that come at the given times (ms from now); a refusal names a wait of 100 ms, longer than the gaps between them. */
  function tokensAt(times: number[]) {
    const start = Date.now();
    let used = 0;
    return {
      take: async () => (used < times.length && Date.now() - start >= times[used] ? (used++, { taken: true, waitMs: 0 }) : { taken: false, waitMs: 100 }),
    };
  }

  test('a write that comes while an older one waits goes after it, though a token was there when it asked', async () => {
    const budget = tokensAt([50, 70]);
    const order: string[] = [];
    const older = takeWriteToken(budget, 'fair', 10_000).then(() => order.push('older'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const newer = takeWriteToken(budget, 'fair', 10_000).then(() => order.push('newer'));
    await Promise.all([older, newer]);
    expect(order).toEqual(['older', 'newer']);
  });

  test('the first write of a burst does not wait; another key has a line of its own', async () => {
    const budget = { take: async () => ({ taken: true, waitMs: 0 }) };
    const slow = tokensAt([200]);
    const waiting = takeWriteToken(slow, 'busy', 10_000);
    const t = Date.now();
    await takeWriteToken(budget, 'idle', 10_000);
    expect(Date.now() - t).toBeLessThan(50);
    await waiting;
  });
});

test('writes within the budget ask side by side: none waits for another\'s round trip', async () => {
  let inFlight = 0;
  let most = 0;
  const budget = {
    take: async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return { taken: true, waitMs: 0 };
    },
  };
  await Promise.all(Array.from({ length: 10 }, () => takeWriteToken(budget, 'side-by-side', 10_000)));
  expect(most).toBe(10);
});
