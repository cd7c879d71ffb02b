/**
 * What issueflow needs of GitHub, named once: the App permissions its activities use, the webhook events
 * its routing acts on, and a classic token's scopes. `issueflow setup` asks for exactly these and
 * `issueflow doctor` checks them; the activities name them in their "give the ... permission" errors.
 */

/** GitHub App permission levels, weakest first. */
export type AccessLevel = 'read' | 'write';

/** One App permission: its key in GitHub's API and manifest, its name in GitHub's settings page, and why. */
export interface AppPermission {
  key: string;
  title: string;
  level: AccessLevel;
  why: string;
}

export const APP_PERMISSIONS: readonly AppPermission[] = [
  { key: 'issues', title: 'Issues', level: 'write', why: 'labels, status comments, reactions' },
  { key: 'pull_requests', title: 'Pull requests', level: 'write', why: 'opens and follows its pull request' },
  { key: 'contents', title: 'Contents', level: 'write', why: 'reads .github/issueflow.yml and pushes the branch' },
  { key: 'metadata', title: 'Metadata', level: 'read', why: 'the repository and its collaborators' },
  { key: 'checks', title: 'Checks', level: 'read', why: 'CI check runs of its pull request' },
  { key: 'statuses', title: 'Commit statuses', level: 'read', why: 'CI commit statuses of its pull request' },
  { key: 'actions', title: 'Actions', level: 'write', why: 'failed job logs, /agent retry-ci re-runs' },
];

/** The webhook events `routeWebhook` acts on (src/domain/webhook-routing.ts); every other event is ignored. */
export const WEBHOOK_EVENTS = [
  'issues',
  'issue_comment',
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'check_suite',
  'check_run',
  'status',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A classic personal access token needs `repo` (private and public repositories) or at least `public_repo`. */
export const TOKEN_SCOPES = { full: 'repo', publicOnly: 'public_repo' } as const;

/** How a permission reads in messages: `Issues: read and write`. */
export function permissionName(key: string): string {
  const p = APP_PERMISSIONS.find((x) => x.key === key);
  if (!p) throw new Error(`Unknown GitHub permission ${key}`);
  return `${p.title}: ${p.level === 'write' ? 'read and write' : 'read'}`;
}

/** The permissions a granted set lacks (absent, or `read` where `write` is needed), as `Issues: read and write`. */
export function missingPermissions(granted: Record<string, string | undefined>): string[] {
  return APP_PERMISSIONS.filter((p) => {
    const level = granted[p.key];
    return level !== 'write' && (p.level === 'write' || level !== 'read');
  }).map((p) => permissionName(p.key));
}

/** The events a subscription lacks. */
export function missingEvents(subscribed: readonly string[]): string[] {
  return WEBHOOK_EVENTS.filter((e) => !subscribed.includes(e));
}

/** What a classic token's `x-oauth-scopes` header lacks; undefined for a fine-grained token (no scopes header). */
export function missingTokenScopes(scopesHeader: string | undefined): string[] | undefined {
  if (scopesHeader === undefined) return undefined;
  const scopes = scopesHeader.split(',').map((s) => s.trim());
  return scopes.includes(TOKEN_SCOPES.full) || scopes.includes(TOKEN_SCOPES.publicOnly) ? [] : [TOKEN_SCOPES.full];
}

/** Options of an App manifest. */
export interface ManifestOptions {
  name: string;
  /** The App's homepage. */
  url: string;
  /** Where GitHub sends webhooks (a public HTTPS endpoint, or a smee channel). */
  webhookUrl: string;
  /** Where GitHub sends the browser back with the code to convert. */
  redirectUrl: string;
}

/** A GitHub App manifest (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest). */
export function appManifest(o: ManifestOptions) {
  return {
    name: o.name,
    url: o.url,
    hook_attributes: { url: o.webhookUrl, active: true },
    redirect_url: o.redirectUrl,
    public: false,
    default_permissions: Object.fromEntries(APP_PERMISSIONS.map((p) => [p.key, p.level])),
    default_events: [...WEBHOOK_EVENTS],
  };
}

/** github.com's (or a GitHub Enterprise server's) web address for an API URL; the API URL itself for a stand-in. */
export function githubWebUrl(apiUrl: string): string {
  const u = new URL(apiUrl);
  if (u.hostname === 'api.github.com') return 'https://github.com';
  if (u.pathname.replace(/\/$/, '') === '/api/v3') return u.origin;
  return apiUrl.replace(/\/$/, '');
}
