import { APP_PERMISSIONS, appManifest, missingEvents, missingPermissions, missingTokenScopes, permissionName, WEBHOOK_EVENTS } from '../../src/domain/github-access';
import { routeWebhook } from '../../src/domain/webhook-routing';

const options = { triggerLabel: 'agent', allowedRepos: [], allowedOwners: [] };
const payload = { action: 'whatever', repository: { name: 'app', full_name: 'octo/app', owner: { login: 'octo' } } };

describe('github-access', () => {
  it('WEBHOOK_EVENTS are exactly the events the routing acts on', () => {
    for (const event of WEBHOOK_EVENTS) expect(routeWebhook(event, payload, 'd', options)).not.toMatchObject({ reason: `event ${event} is not handled` });
    for (const event of ['push', 'release', 'fork']) expect(routeWebhook(event, payload, 'd', options)).toMatchObject({ kind: 'ignore', reason: `event ${event} is not handled` });
  });

  it('names permissions as GitHub settings do', () => {
    expect(permissionName('issues')).toBe('Issues: read and write');
    expect(permissionName('statuses')).toBe('Commit statuses: read');
    expect(() => permissionName('administration')).toThrow('Unknown');
  });

  it('finds missing and too weak permissions; read where write is granted counts', () => {
    const all = Object.fromEntries(APP_PERMISSIONS.map((p) => [p.key, p.level]));
    expect(missingPermissions(all)).toEqual([]);
    expect(missingPermissions({ ...all, checks: 'write' })).toEqual([]);
    expect(missingPermissions({ ...all, issues: 'read', checks: undefined })).toEqual(['Issues: read and write', 'Checks: read']);
  });

  it('finds missing events and token scopes', () => {
    expect(missingEvents([...WEBHOOK_EVENTS, 'push'])).toEqual([]);
    expect(missingEvents(['issues', 'issue_comment'])).toEqual(['pull_request', 'pull_request_review', 'pull_request_review_comment', 'check_suite', 'check_run', 'status']);
    expect(missingTokenScopes('repo, workflow')).toEqual([]);
    expect(missingTokenScopes('public_repo')).toEqual([]);
    expect(missingTokenScopes('gist, read:org')).toEqual(['repo']);
    expect(missingTokenScopes('')).toEqual(['repo']);
    expect(missingTokenScopes(undefined)).toBeUndefined();
  });

  it('builds a manifest with exactly these permissions and events', () => {
    const m = appManifest({ name: 'issueflow-octo', url: 'https://example.com', webhookUrl: 'https://smee.io/abc', redirectUrl: 'http://localhost:3100/callback' });
    expect(m).toMatchObject({ hook_attributes: { url: 'https://smee.io/abc', active: true }, redirect_url: 'http://localhost:3100/callback', public: false });
    expect(m.default_permissions).toEqual({ issues: 'write', pull_requests: 'write', contents: 'write', metadata: 'read', checks: 'read', statuses: 'read', actions: 'write' });
    expect(m.default_events).toEqual([...WEBHOOK_EVENTS]);
  });
});
