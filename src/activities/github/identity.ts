import type { Octokit } from '@octokit/rest';
import { githubCall } from './errors';

/**
 * issueflow's own user on GitHub: the token's user, or the GitHub App's bot user `<slug>[bot]`.
 * Its comments are recognised by `id` alone: anybody can copy a marker into a comment, and logins change.
 */
export interface GithubIdentity {
  id: number;
  login: string;
}

/** The token's own user (`GET /user`). */
export async function tokenIdentity(octokit: Octokit): Promise<GithubIdentity> {
  const { data } = await githubCall({ action: "learn the token's own GitHub user (GET /user)" }, () => octokit.rest.users.getAuthenticated());
  return { id: data.id, login: data.login };
}

/** How the App identity is looked up: the App itself (JWT), an installation's client, or no credentials at all. */
export interface AppClients {
  app: Octokit;
  installation(installationId: number): Octokit;
  anonymous: Octokit;
}

/** The App's bot user: its slug from `GET /app`, then its id from `GET /users/{slug}[bot]` (GitHub gives no other way). */
export async function appIdentity(clients: AppClients): Promise<GithubIdentity> {
  const ctx = { action: "learn the GitHub App's bot user (GET /app)" };
  const { data: app } = await githubCall(ctx, () => clients.app.rest.apps.getAuthenticated());
  if (!app?.slug) throw new Error('GitHub answered GET /app without the App slug, so its bot user cannot be found.');
  const login = `${app.slug}[bot]`;
  // A user lookup needs an installation token (a JWT is only for /app routes); with no installation yet,
  // ask anonymously (public data; refused where anonymous calls are, e.g. GitHub Enterprise private mode).
  const { data: installations } = await githubCall(ctx, () => clients.app.rest.apps.listInstallations({ per_page: 1 }));
  const asker = installations[0] ? clients.installation(installations[0].id) : clients.anonymous;
  const { data: user } = await githubCall({ action: `look up the GitHub App's bot user ${login}` }, () => asker.rest.users.getByUsername({ username: login }));
  return { id: user.id, login: user.login };
}

/** Runs `lookup` once and keeps its answer; a failure is not kept, so the next call asks again. */
export function once<T>(lookup: () => Promise<T>): () => Promise<T> {
  let answer: Promise<T> | undefined;
  return () => {
    answer ??= lookup().catch((err: unknown) => {
      answer = undefined;
      throw err;
    });
    return answer;
  };
}
