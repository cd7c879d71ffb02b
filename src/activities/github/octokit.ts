import { createHash } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../../config';
import type { RepoRef } from '../../domain/ids';
import { FAILURE_TYPES } from '../types';
import { toGithubFailure } from './errors';
import { appIdentity, once, tokenIdentity, type GithubIdentity } from './identity';
import { gateFor, gateRequests, MAX_IN_CALL_WAIT_MS } from './rate-limit-gate';
import type { WriteBudget } from './write-budget';

/** Gives the Octokit to use for a repository: the token's, or the App installation's of that repository. */
export interface OctokitFactory {
  forRepo(ref: RepoRef): Promise<Octokit>;
  /** issueflow's own GitHub user, asked of GitHub once and then remembered. */
  identity(): Promise<GithubIdentity>;
  /** From now on every content-generating write of these Octokits first takes a token of `budget` (src/activities/github/write-budget.ts). */
  useWriteBudget?(budget: WriteBudget): void;
}

/** Dependencies of the factory. */
export interface OctokitFactoryDeps {
  /** Only the credentials and where GitHub is. */
  config: { github: Pick<Config['github'], 'token' | 'appId' | 'appPrivateKey' | 'apiUrl'> };
  /** A request that takes longer fails (retryably), so a hung connection does not hang the activity. */
  requestTimeoutMs?: number;
  /** Where Octokit's own warnings (deprecations) go; silent by default. */
  log?: { debug(message: string): void; info(message: string): void; warn(message: string): void; error(message: string): void };
}

const DEFAULT_TIMEOUT_MS = 20_000;
/** A reinstalled App gets a new installation id; look it up again after a while instead of failing until restart. */
const INSTALLATION_TTL_MS = 10 * 60_000;

/** Builds Octokits with `GITHUB_API_URL`, a request time-out and a rate-limit gate per credentials (which also sends an idempotent request again after a 5xx); no retry plugin: a POST must not be sent twice, and Temporal retries the activity. */
export function createOctokitFactory(deps: OctokitFactoryDeps): OctokitFactory {
  const { token, appId, appPrivateKey, apiUrl } = deps.config.github;
  const timeoutMs = deps.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const request = {
    fetch: (url: string | URL, init: RequestInit = {}) => {
      const timeout = AbortSignal.timeout(timeoutMs);
      return fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
    },
  };
  const log = deps.log ?? { debug() {}, info() {}, warn() {}, error() {} };
  const base = { baseUrl: apiUrl, request, userAgent: 'issueflow', log };
  let writeBudget: WriteBudget | undefined;
  const useWriteBudget = (budget: WriteBudget) => void (writeBudget = budget);
  const writes = (key: string) => ({ key, budget: () => writeBudget });

  if (token) {
    // The budget's key names the token by a hash: it is stored in the database.
    const tokenKey = `token ${createHash('sha256').update(`${apiUrl} ${token}`).digest('hex').slice(0, 16)}`;
    const octokit = gateRequests(new Octokit({ ...base, auth: token }), gateFor(`${apiUrl} token ${token}`, 'token'), MAX_IN_CALL_WAIT_MS, writes(tokenKey));
    return { forRepo: async () => octokit, identity: once(() => tokenIdentity(octokit)), useWriteBudget };
  }
  if (appId && appPrivateKey) {
    // Keys pasted into one-line environment variables often carry literal "\n".
    const privateKey = appPrivateKey.replace(/\\n/g, '\n');
    const app = gateRequests(new Octokit({ ...base, authStrategy: createAppAuth, auth: { appId, privateKey } }), gateFor(`${apiUrl} app ${appId}`, `app ${appId}`));
    const installationOf = new Map<string, { id: number; until: number }>();
    // One Octokit per installation: auth-app caches its token and fetches a new one before expiry.
    const perInstallation = new Map<number, Octokit>();
    const installation = (installationId: number) => {
      let octokit = perInstallation.get(installationId);
      if (!octokit) {
        // Each installation token has its own limits, hence its own gate.
        const gate = gateFor(`${apiUrl} installation ${installationId}`, `installation ${installationId}`);
        octokit = gateRequests(new Octokit({ ...base, authStrategy: createAppAuth, auth: { appId, privateKey, installationId } }), gate, MAX_IN_CALL_WAIT_MS, writes(`installation ${installationId}`));
        perInstallation.set(installationId, octokit);
      }
      return octokit;
    };
    return {
      async forRepo(ref) {
        const key = `${ref.owner}/${ref.repo}`.toLowerCase();
        let cached = installationOf.get(key);
        if (!cached || cached.until <= Date.now()) {
          cached = { id: await lookUpInstallation(app, ref), until: Date.now() + INSTALLATION_TTL_MS };
          installationOf.set(key, cached);
        }
        return installation(cached.id);
      },
      identity: once(() => appIdentity({ app, installation, anonymous: gateRequests(new Octokit(base), gateFor(`${apiUrl} anonymous`, 'anonymous')) })),
      useWriteBudget,
    };
  }
  const noCredentials = async (): Promise<never> => {
    throw ApplicationFailure.create({
      type: FAILURE_TYPES.githubUnauthorized,
      nonRetryable: true,
      message: 'No GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY.',
    });
  };
  return { forRepo: noCredentials, identity: noCredentials };
}

async function lookUpInstallation(app: Octokit, ref: RepoRef): Promise<number> {
  try {
    const { data } = await app.rest.apps.getRepoInstallation({ owner: ref.owner, repo: ref.repo });
    return data.id;
  } catch (err) {
    throw toGithubFailure(err, {
      action: `look up the GitHub App installation of ${ref.owner}/${ref.repo}`,
      notFound: `The GitHub App (GITHUB_APP_ID) is not installed on ${ref.owner}/${ref.repo}: install it on that repository.`,
    });
  }
}
