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

  test('a near rate limit and a 500 are waited out in the call; 500s past its pauses make the start ask again', async () => {
    standin.failNext({ method: 'GET', path: /^\/user$/, kind: 'primary-rate-limit', resetInSeconds: 2 });
    // The rate-limited call, then a 500 for each of the call's two pauses: the call fails, the start asks again.
    standin.failNext({ method: 'GET', path: /^\/user$/, kind: '500', count: 2 });
    const before = standin.requests.length;
    const { result, waits, lines } = learn('standin-token');
    await expect(result).resolves.toEqual({ id: expect.any(Number), login: 'issueflow-bot' });
    expect(waits).toEqual([1000]);
    const calls = standin.requests.slice(before).filter((r) => r.operationId === 'users/get-authenticated');
    expect(calls).toHaveLength(4);
    // None while the limit was in effect.
    expect(calls[1].at).toBeGreaterThanOrEqual(calls[0].rateLimitReset! * 1000);
    expect(lines.filter((l) => /Asking again in/.test(l))).toHaveLength(1);
  });

  test('a GitHub that keeps failing stops the start after four tries, naming the URL', async () => {
    // Each try is a call of three requests (its two pauses).
    standin.failNext({ method: 'GET', path: /^\/user$/, kind: '500', count: 12 });
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
