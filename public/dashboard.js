// issueflow dashboard: the jobs list and one job's page, kept live from the jobs API (read with the
// login cookie) and its Server-Sent Events. Everything from the API is put on the page as text.
'use strict';
(() => {
  const body = document.body;
  const enc = encodeURIComponent;
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const link = (href, text) => {
    const a = el('a', text);
    a.href = href;
    a.rel = 'noopener noreferrer';
    return a;
  };
  const age = (iso) => {
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) return `${s}s`;
    const m = Math.floor(s / 60);
    return m < 60 ? `${m}m` : m < 2880 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${Math.floor(m / 1440)}d`;
  };
  const getJson = async (url) => {
    const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (res.status === 401) location.assign('/login');
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return res.json();
  };
  const lastStep = (issue) => (issue && issue.steps && issue.steps.length ? issue.steps[issue.steps.length - 1] : undefined);

  // ---- the jobs list ------------------------------------------------------------------------
  function jobsPage() {
    const tbody = document.querySelector('#jobs tbody');
    const rows = new Map(); // workflowId -> { tr, cells, job, issue, stream, detailsFor }
    const MAX_STREAMS = 4; // a browser opens ~6 connections per host: leave room for the list's own reads
    const temporalUi = body.dataset.temporalUi;
    const namespace = body.dataset.namespace || 'default';

    const render = (r) => {
      const state = (r.issue && r.issue.state) || r.job.state || r.job.status.toLowerCase();
      r.cells.state.replaceChildren(el('span', state, `state ${state}`));
      r.tr.dataset.state = state;
      const step = lastStep(r.issue);
      r.cells.step.textContent = step ? `${step.step} (${step.state})` : '';
      r.cells.age.textContent = age(r.job.startTime);
      r.cells.cost.textContent = r.issue ? `$${Number(r.issue.costUsd || 0).toFixed(2)}` : '';
      const links = [];
      const [owner, repo] = (r.job.repo || r.job.workflowId.split('#')[0]).split('/');
      const number = r.job.issueNumber || Number(r.job.workflowId.split('#')[1]);
      links.push(link(`https://github.com/${enc(owner)}/${enc(repo)}/issues/${number}`, 'issue'));
      const pr = r.issue && r.issue.pullRequest;
      if (pr && /^https?:\/\//.test(pr.url)) links.push(link(pr.url, `PR #${pr.number}`));
      if (temporalUi) links.push(link(`${temporalUi.replace(/\/+$/, '')}/namespaces/${enc(namespace)}/workflows/${enc(r.job.workflowId)}`, 'Temporal'));
      r.cells.links.replaceChildren(...links.flatMap((a, i) => (i ? [document.createTextNode(' · '), a] : [a])));
    };

    const follow = (r) => {
      r.stream = new EventSource(`/jobs/${enc(r.job.workflowId)}/events`);
      r.stream.addEventListener('state', (e) => {
        r.issue = JSON.parse(e.data);
        render(r);
      });
    };

    const refresh = async () => {
      const { jobs } = await getJson('/jobs?pageSize=100');
      for (const job of jobs) {
        let r = rows.get(job.workflowId);
        if (!r) {
          const tr = el('tr');
          tr.dataset.workflowId = job.workflowId;
          const cells = { issue: el('td'), state: el('td'), step: el('td'), age: el('td'), cost: el('td'), links: el('td') };
          cells.issue.append(link(`/ui/jobs/${enc(job.workflowId)}`, job.workflowId));
          tr.append(...Object.values(cells));
          r = { tr, cells, job };
          rows.set(job.workflowId, r);
        }
        const stateChanged = r.job.state !== job.state || r.job.status !== job.status;
        r.job = job;
        const open = [...rows.values()].filter((x) => x.stream).length;
        if (job.status === 'RUNNING' && !r.stream && open < MAX_STREAMS) follow(r);
        if (job.status !== 'RUNNING' && r.stream) {
          r.stream.close();
          r.stream = undefined;
        }
        if (!r.stream && (stateChanged || !r.issue)) {
          getJson(`/jobs/${enc(job.workflowId)}`).then((d) => { if (d.issue) { r.issue = d.issue; render(r); } }, () => {});
        }
        render(r);
      }
      tbody.replaceChildren(...jobs.map((j) => rows.get(j.workflowId).tr));
      document.getElementById('updated').textContent = `${jobs.length} job(s), updated ${new Date().toLocaleTimeString()}`;
    };
    const loop = () => refresh().catch((e) => (document.getElementById('updated').textContent = `Could not read the jobs: ${e.message}`)).finally(() => setTimeout(loop, 3000));
    loop();
  }

  // ---- one job -----------------------------------------------------------------------------
  function jobPage() {
    const id = body.dataset.jobId;
    const logs = document.getElementById('logs');
    const blocks = new Map();
    const stateEl = document.getElementById('state');
    const showState = (state) => {
      stateEl.textContent = state;
      stateEl.className = `state ${state}`;
      body.dataset.state = state;
    };
    const reloadStatus = async () => {
      const res = await fetch(`/ui/jobs/${enc(id)}/status`, { credentials: 'same-origin' });
      // The server renders the status comment with every character escaped: its HTML is safe to insert.
      if (res.ok) document.getElementById('status').innerHTML = await res.text();
      const said = await fetch(`/ui/jobs/${enc(id)}/conversation`, { credentials: 'same-origin' });
      if (said.ok) document.getElementById('conversation').innerHTML = await said.text(); // escaped by the server too
    };
    const stream = new EventSource(`/jobs/${enc(id)}/events`);
    stream.addEventListener('state', (e) => {
      showState(JSON.parse(e.data).state);
      reloadStatus().catch(() => {});
    });
    stream.addEventListener('log', (e) => {
      const line = JSON.parse(e.data);
      const key = `${line.step}`;
      let pre = blocks.get(key);
      if (!pre) {
        document.getElementById('no-logs')?.remove();
        const section = el('section', undefined, 'log');
        section.append(el('h3', line.step));
        pre = el('pre');
        pre.dataset.step = line.step;
        section.append(pre);
        logs.append(section);
        blocks.set(key, pre);
      }
      const follow = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.append(document.createTextNode(line.chunk));
      if (follow) pre.scrollTop = pre.scrollHeight;
    });
  }

  if (body.dataset.page === 'jobs') jobsPage();
  if (body.dataset.page === 'job') jobPage();
})();
