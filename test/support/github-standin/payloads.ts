import { createHash } from 'node:crypto';
import type { StandinComment, StandinInstallation, StandinIssue, StandinLabel, StandinPull, StandinReaction, StandinRepo } from './store';
import { now } from './store';

/** Builds GitHub-shaped JSON (valid per the OpenAPI description) from stand-in records. */
export class Payloads {
  constructor(readonly base: string) {}

  private numericId(text: string): number {
    return createHash('sha1').update(text).digest().readUInt32BE(0) % 100_000_000;
  }

  user(login: string) {
    const path = encodeURIComponent(login); // `name[bot]` -> `name%5Bbot%5D`, as GitHub does
    const url = `${this.base}/users/${path}`;
    return {
      login,
      id: this.numericId(`user:${login}`),
      node_id: `U_${login}`,
      avatar_url: `${this.base}/avatars/${path}`,
      gravatar_id: '',
      url,
      html_url: `${this.base}/${path}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      site_admin: false,
    };
  }

  /** `GET /users/{username}` and `GET /user`: the public view of a user (ids follow from logins, one id per login). */
  publicUser(login: string) {
    const at = '2011-01-25T18:44:36Z';
    return {
      ...this.user(login),
      user_view_type: 'public',
      name: null, company: null, blog: '', location: null, email: null, hireable: null, bio: null,
      public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: at, updated_at: at,
    };
  }

  /** `GET /app`: the App itself (the `integration` schema); its bot user is `<slug>[bot]`. */
  app(app: { id: number; slug: string; owner: string; permissions?: Record<string, string>; events?: string[] }) {
    const at = '2020-01-01T00:00:00Z';
    return {
      id: app.id, slug: app.slug, node_id: `A_${app.id}`, client_id: `Iv1.${app.id}`, owner: this.user(app.owner), name: app.slug,
      description: null, external_url: `${this.base}/apps/${app.slug}`, html_url: `${this.base}/apps/${app.slug}`, created_at: at, updated_at: at,
      permissions: app.permissions ?? { issues: 'write', pull_requests: 'write', contents: 'write', metadata: 'read' }, events: app.events ?? ['issues', 'issue_comment'],
    };
  }

  label(repo: StandinRepo, l: StandinLabel) {
    const url = `${this.apiRepo(repo)}/labels/${encodeURIComponent(l.name)}`;
    return { id: l.id, node_id: `LA_${l.id}`, url, name: l.name, description: l.description, color: l.color, default: false };
  }

  private labelsOf(repo: StandinRepo, names: string[]) {
    return names.map((n) => repo.labels.get(n.toLowerCase())).filter((l) => !!l).map((l) => this.label(repo, l));
  }

  private apiRepo(repo: StandinRepo): string {
    return `${this.base}/repos/${repo.owner}/${repo.name}`;
  }

  private reactions(url: string, list: StandinReaction[]) {
    const count = (c: string) => list.filter((r) => r.content === c).length;
    const kinds = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'eyes', 'rocket'];
    return { url, total_count: list.length, ...Object.fromEntries(kinds.map((k) => [k, count(k)])) } as Record<string, unknown>;
  }

  comment(repo: StandinRepo, c: StandinComment) {
    const url = `${this.apiRepo(repo)}/issues/comments/${c.id}`;
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url,
      html_url: `${this.base}/${repo.owner}/${repo.name}/issues/${c.issueNumber}#issuecomment-${c.id}`,
      body: c.body,
      user: this.user(c.author),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      issue_url: `${this.apiRepo(repo)}/issues/${c.issueNumber}`,
      author_association: repo.collaborators.has(c.author) ? 'COLLABORATOR' : 'NONE',
      performed_via_github_app: null,
      reactions: this.reactions(`${url}/reactions`, c.reactions),
    };
  }

  reaction(r: StandinReaction) {
    return { id: r.id, node_id: `REA_${r.id}`, user: this.user(r.user), content: r.content, created_at: r.createdAt };
  }

  issue(repo: StandinRepo, i: StandinIssue & { pullRequest?: StandinPull }, commentCount: number) {
    const url = `${this.apiRepo(repo)}/issues/${i.number}`;
    return {
      id: i.id,
      node_id: `I_${i.id}`,
      url,
      repository_url: this.apiRepo(repo),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${this.base}/${repo.owner}/${repo.name}/issues/${i.number}`,
      number: i.number,
      state: i.state,
      title: i.title,
      body: i.body,
      user: this.user(i.author),
      labels: this.labelsOf(repo, i.labels),
      assignee: i.assignees[0] ? this.user(i.assignees[0]) : null,
      assignees: i.assignees.map((a) => this.user(a)),
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: commentCount,
      closed_at: i.closedAt,
      // GitHub sends null while open; the description's enum (nullable without null in it) accepts only a reason.
      ...(i.stateReason ? { state_reason: i.stateReason } : {}),
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      author_association: repo.collaborators.has(i.author) ? 'COLLABORATOR' : 'NONE',
      reactions: this.reactions(`${url}/reactions`, []),
      ...(i.pullRequest && { pull_request: this.pullLinks(repo, i.pullRequest) }),
    };
  }

  private pullLinks(repo: StandinRepo, p: StandinPull) {
    const html = `${this.base}/${repo.owner}/${repo.name}/pull/${p.number}`;
    return { url: `${this.apiRepo(repo)}/pulls/${p.number}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: p.merged ? p.closedAt : null };
  }

  /** The `repository` / `full-repository` schemas: dozens of URLs and counters. */
  repo(repo: StandinRepo) {
    const api = this.apiRepo(repo);
    const html = `${this.base}/${repo.owner}/${repo.name}`;
    const templates = ['archive/{archive_format}{/ref}', 'assignees{/user}', 'git/blobs{/sha}', 'branches{/branch}', 'collaborators{/collaborator}', 'comments{/number}', 'commits{/sha}', 'compare/{base}...{head}', 'contents/{+path}', 'contributors', 'deployments', 'downloads', 'events', 'forks', 'git/commits{/sha}', 'git/refs{/sha}', 'git/tags{/sha}', 'hooks', 'issues/comments{/number}', 'issues/events{/number}', 'issues{/number}', 'keys{/key_id}', 'labels{/name}', 'languages', 'merges', 'milestones{/number}', 'notifications{?since,all,participating}', 'pulls{/number}', 'releases{/id}', 'stargazers', 'statuses/{sha}', 'subscribers', 'subscription', 'tags', 'teams', 'git/trees{/sha}'];
    const names = ['archive', 'assignees', 'blobs', 'branches', 'collaborators', 'comments', 'commits', 'compare', 'contents', 'contributors', 'deployments', 'downloads', 'events', 'forks', 'git_commits', 'git_refs', 'git_tags', 'hooks', 'issue_comment', 'issue_events', 'issues', 'keys', 'labels', 'languages', 'merges', 'milestones', 'notifications', 'pulls', 'releases', 'stargazers', 'statuses', 'subscribers', 'subscription', 'tags', 'teams', 'trees'];
    const urls = Object.fromEntries(names.map((n, i) => [`${n}_url`, `${api}/${templates[i]}`]));
    const open = [...repo.issues.values()].filter((i) => i.state === 'open').length;
    return {
      ...urls,
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: this.user(repo.owner),
      private: repo.private,
      visibility: repo.private ? 'private' : 'public',
      html_url: html,
      description: null,
      fork: repo.forkOf !== undefined,
      url: api,
      clone_url: `${html}.git`,
      git_url: `git:${html.replace(/^https?:/, '')}.git`,
      ssh_url: `git@standin:${repo.owner}/${repo.name}.git`,
      svn_url: html,
      mirror_url: null,
      homepage: null,
      language: null,
      default_branch: repo.defaultBranch,
      forks: 0,
      forks_count: 0,
      stargazers_count: 0,
      watchers: 0,
      watchers_count: 0,
      open_issues: open,
      open_issues_count: open,
      size: repo.files.size,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: false,
      has_discussions: false,
      archived: false,
      disabled: false,
      license: null,
      topics: [],
      pushed_at: repo.createdAt,
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      network_count: 0,
      subscribers_count: 0,
      delete_branch_on_merge: repo.deleteBranchOnMerge,
    };
  }

  /** A pull request; `headRepo` is the fork its head lives in (default: the repository itself). */
  pull(repo: StandinRepo, p: StandinPull, full: boolean, headRepo: StandinRepo = repo, mergeability = { mergeable: true as boolean | null, mergeable_state: 'clean' }) {
    const api = `${this.apiRepo(repo)}/pulls/${p.number}`;
    const html = `${this.base}/${repo.owner}/${repo.name}/pull/${p.number}`;
    const link = (href: string) => ({ href });
    const ref = (branch: string, r: StandinRepo) => ({ label: `${r.owner}:${branch}`, ref: branch, sha: '0'.repeat(40), user: this.user(r.owner), repo: this.repo(r) });
    const simple = {
      url: api, id: p.id, node_id: `PR_${p.id}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`,
      issue_url: `${this.apiRepo(repo)}/issues/${p.number}`, commits_url: `${api}/commits`, review_comments_url: `${api}/comments`,
      review_comment_url: `${this.apiRepo(repo)}/pulls/comments{/number}`, comments_url: `${this.apiRepo(repo)}/issues/${p.number}/comments`,
      statuses_url: `${this.apiRepo(repo)}/statuses/${'0'.repeat(40)}`, number: p.number, state: p.state, locked: false, active_lock_reason: null, title: p.title,
      user: this.user(p.author), body: p.body, labels: this.labelsOf(repo, p.labels), milestone: null, created_at: p.createdAt, updated_at: p.updatedAt,
      closed_at: p.closedAt, merged_at: p.merged ? p.closedAt : null, merge_commit_sha: null, assignee: null, assignees: [],
      requested_reviewers: [], requested_teams: [], head: ref(p.head, headRepo), base: ref(p.base, repo), author_association: 'NONE', auto_merge: null, draft: false,
      _links: { self: link(api), html: link(html), issue: link(`${this.apiRepo(repo)}/issues/${p.number}`), comments: link(`${api}/comments`), review_comments: link(`${api}/comments`), review_comment: link(`${this.apiRepo(repo)}/pulls/comments{/number}`), commits: link(`${api}/commits`), statuses: link(`${this.apiRepo(repo)}/statuses/${'0'.repeat(40)}`) },
    };
    if (!full) return simple;
    return { ...simple, merged: p.merged, ...mergeability, rebaseable: mergeability.mergeable, merged_by: null, comments: 0, review_comments: 0, maintainer_can_modify: false, commits: 1, additions: 0, deletions: 0, changed_files: 0 };
  }

  contentFile(repo: StandinRepo, path: string, text: string) {
    const sha = createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
    const url = `${this.apiRepo(repo)}/contents/${path}?ref=${repo.defaultBranch}`;
    const html = `${this.base}/${repo.owner}/${repo.name}/blob/${repo.defaultBranch}/${path}`;
    const git = `${this.apiRepo(repo)}/git/blobs/${sha}`;
    return {
      type: 'file', encoding: 'base64', size: Buffer.byteLength(text), name: path.split('/').pop()!, path, sha,
      content: Buffer.from(text).toString('base64'), url, git_url: git, html_url: html, download_url: `${this.base}/raw/${repo.owner}/${repo.name}/${path}`,
      _links: { self: url, git, html },
    };
  }

  installation(inst: StandinInstallation, appSlug = 'issueflow') {
    return {
      id: inst.id, account: this.user(inst.account), repository_selection: 'selected', access_tokens_url: `${this.base}/app/installations/${inst.id}/access_tokens`,
      repositories_url: `${this.base}/installation/repositories`, html_url: `${this.base}/settings/installations/${inst.id}`, app_id: inst.appId,
      app_slug: appSlug, target_id: this.numericId(`user:${inst.account}`), target_type: 'User', single_file_name: null,
      permissions: { issues: 'write', pull_requests: 'write', contents: 'write', metadata: 'read' }, events: ['issues', 'issue_comment'],
      created_at: now(), updated_at: now(), suspended_by: null, suspended_at: null,
    };
  }
}
