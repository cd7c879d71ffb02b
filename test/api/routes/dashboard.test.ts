import { createHarness, deliver, eventually, startStubWorker, TOKEN, type Harness } from '../support/harness';
import { example } from '../support/webhook-examples';
import { SESSION_COOKIE } from '../../../src/api/dashboard-session';

let h: Harness;
let worker: { stop(): Promise<void> };
beforeAll(async () => {
  h = await createHarness();
  worker = await startStubWorker(h);
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await h?.close();
});

const form = (token: string) => ({ method: 'POST' as const, url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(token)}` });

async function login(): Promise<string> {
  const res = await h.app.inject(form(TOKEN));
  expect(res.statusCode).toBe(303);
  return String(res.headers['set-cookie']).split(';')[0];
}

describe('dashboard: login', () => {
  it('sends a visitor without a session to the login form, which serves no inline script', async () => {
    const root = await h.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(303);
    expect(root.headers.location).toBe('/login');
    const page = await h.app.inject({ method: 'GET', url: '/login' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post" action="/login">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });

  it('refuses a wrong token with 401 and no cookie', async () => {
    const res = await h.app.inject(form('guess'));
    expect(res.statusCode).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('not the API token');
  });

  it('sets an HttpOnly, SameSite=Strict cookie that is not the token, Secure behind https', async () => {
    const res = await h.app.inject(form(TOKEN));
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=\\d+\\.[\\w-]+; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict$`));
    expect(cookie).not.toContain(TOKEN);
    const https = await h.app.inject({ ...form(TOKEN), headers: { ...form(TOKEN).headers, 'x-forwarded-proto': 'https' } });
    expect(String(https.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('with the cookie: the jobs page, the API reads, but no writes', async () => {
    const cookie = await login();
    const page = await h.app.inject({ method: 'GET', url: '/', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<table id="jobs">');
    expect(page.body).toContain('<script src="/ui/dashboard.js" defer></script>');
    expect((await h.app.inject({ method: 'GET', url: '/jobs', headers: { cookie } })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'POST', url: '/admin/pause', headers: { cookie } })).statusCode).toBe(401);
    const forged = cookie.replace(/\.[\w-]+$/, '.AAAA');
    expect((await h.app.inject({ method: 'GET', url: '/jobs', headers: { cookie: forged } })).statusCode).toBe(401);
    const expired = `${SESSION_COOKIE}=${Date.now() - 1000}.${cookie.split('.')[1]}`;
    expect((await h.app.inject({ method: 'GET', url: '/', headers: { cookie: expired } })).statusCode).toBe(303);
  });

  it('logs out by clearing the cookie', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/logout', headers: { cookie: await login(), 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict$`));
  });

  it('keeps the OpenAPI docs and serves the script and styles', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/docs/json' })).json().paths).toHaveProperty(['/jobs']);
    expect((await h.app.inject({ method: 'GET', url: '/docs/json' })).json().paths).not.toHaveProperty(['/login']);
    const js = await h.app.inject({ method: 'GET', url: '/ui/dashboard.js' });
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.body).toContain('EventSource');
    expect((await h.app.inject({ method: 'GET', url: '/ui/dashboard.css' })).statusCode).toBe(200);
  });
});

describe('dashboard: a job', () => {
  it("renders the status comment with the author's text escaped", async () => {
    const p = example('issues', 'labeled');
    p.repository.name = 'dash';
    p.repository.full_name = 'Codertocat/dash';
    p.issue.number = 7;
    p.label.name = 'agent';
    expect((await deliver(h.app, 'issues', p)).json()).toMatchObject({ outcome: 'started' });
    const id = 'Codertocat/dash#7';
    const auth = { authorization: `Bearer ${TOKEN}` };
    await h.app.inject({ method: 'POST', url: `/jobs/${encodeURIComponent(id)}/signals/feedback`, headers: auth, payload: { body: '<img src=x onerror=alert(1)>' } });
    const cookie = await login();
    const status = await eventually(
      () => h.app.inject({ method: 'GET', url: `/ui/jobs/${encodeURIComponent(id)}/status`, headers: { cookie } }),
      (r) => r.body.includes('answered'),
    );
    expect(status.headers['x-issueflow-state']).toBe('analyzing');
    expect(status.body).toContain('<h3>issueflow: Planning</h3>');
    expect(status.body).toContain('answered: &lt;img src=x onerror=alert(1)&gt;');
    expect(status.body).not.toContain('<img');
    const page = await h.app.inject({ method: 'GET', url: `/ui/jobs/${encodeURIComponent(id)}`, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-job-id="Codertocat/dash#7"');
    expect(page.body).toContain('href="https://github.com/Codertocat/dash/issues/7"');
    expect(page.body).toContain('&lt;img src=x');
    // the conversation: the answer as text, never markup
    expect(page.body).toMatch(/<li><strong>api<\/strong> <span class="muted">answer, [^<]+<\/span><blockquote class="said">&lt;img src=x onerror=alert\(1\)&gt;<\/blockquote><\/li>/);
    const said = await h.app.inject({ method: 'GET', url: `/ui/jobs/${encodeURIComponent(id)}/conversation`, headers: { cookie } });
    expect(said.body).toContain('<blockquote class="said">&lt;img src=x onerror=alert(1)&gt;</blockquote>');
    expect((await h.app.inject({ method: 'GET', url: `/ui/jobs/${encodeURIComponent(id)}/status` })).statusCode).toBe(401);
  });
});
