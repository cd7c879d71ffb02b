import { Writable } from 'node:stream';
import { createOctokitFactory } from '../../src/activities/github';
import type { Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { learnGithubIdentity } from '../../src/worker/github-identity';
import { GithubStandin } from '../support/github-standin';

describe("learning issueflow's own GitHub user at start", () => {
  let standin: GithubStandin;
  let apiUrl: string;
  beforeAll(async () => {
    standin = new GithubStandin();
    apiUrl = await standin.start();
  });
  afterAll(() => standin.stop());
  afterEach(() => standin.assertNoViolations());

  function learn(token: string) {
    const config = { github: { apiUrl, token } } as unknown as Config;
    const octokits = createOctokitFactory({ config, requestTimeoutMs: 5_000 });
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    const waits: number[] = [];
    // Waits are recorded; the long ones (a GitHub that stays down) are not slept out.
    const result = learnGithubIdentity(config.github, octokits, logger, async (ms) => {
      waits.push(ms);
      if (ms < 5_000 && waits.length === 1) await new Promise((resolve) => setTimeout(resolve, ms));
    });
    return { result, waits, lines };
  }
  const userCalls = () => standin.requests.filter((r) => r.operationId === 'users/get-authenticated').length;

  test('a rate limit is waited out until its reset, a 500 is asked again, and then the user is known', async () => {
    standin.failNext({ method: 'GET', path: /^\/user$/, kind: 'primary-rate-limit', resetInSeconds: 2 });
    standin.failNext({ method: 'GET', path: /^\/user$/, kind: '500' });
    const before = userCalls();
    const { result, waits, lines } = learn('standin-token');
    await expect(result).resolves.toEqual({ id: expect.any(Number), login: 'issueflow-bot' });
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(1_000);
    expect(waits[1]).toBe(1000);
    // The rate-limited call, the failed one and the answered one: none while the limit was in effect.
    expect(userCalls() - before).toBe(3);
    expect(lines.filter((l) => /Asking again in/.test(l))).toHaveLength(2);
  });

  test('a GitHub that keeps failing stops the start after four tries, naming the URL', async () => {
    standin.failNext({ method: 'GET', path: /^\/user$/, kind: '500', count: 4 });
    const { result, waits } = learn('standin-token');
    await expect(result).rejects.toThrow(`could not learn issueflow's own GitHub user at start (GITHUB_API_URL ${apiUrl})`);
    expect(waits).toEqual([1000, 2000, 4000]);
  });

  test('refused credentials stop the start at once', async () => {
    const { result, waits } = learn('not-a-token');
    await expect(result).rejects.toThrow(/GitHub rejected the credentials \(401\)/);
    expect(waits).toEqual([]);
  });
});
