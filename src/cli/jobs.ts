import { parseArgs } from 'node:util';

const USAGE = `issueflow jobs: steer issue workflows through the HTTP API

  issueflow jobs list [--repo owner/repo] [--state implementing] [--page-token T] [--json]
  issueflow jobs show <owner/repo#n> [--json]
  issueflow jobs logs <owner/repo#n> [--step implement-1]
  issueflow jobs signal <owner/repo#n> <feedback|approve|retry|cancel|budget> [text...]
  issueflow jobs approve <owner/repo#n>      approve the plan; says so when nothing waits for approval
  issueflow jobs cancel <owner/repo#n>

ISSUEFLOW_API_URL (default http://localhost:3000) and ISSUEFLOW_API_TOKEN select the service.`;

export interface JobsIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: JobsIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Thrown for anything the user must fix; the message is printed as is. */
class CliError extends Error {}

/** `issueflow jobs ...`: returns the exit code (0 ok, 1 failed, 2 usage). */
export async function runJobsCommand(argv: string[], env: Record<string, string | undefined>, io: JobsIo = consoleIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help' || sub === '--help') {
    io.out(USAGE);
    return sub ? 0 : 2;
  }
  try {
    const api = apiClient(env);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { repo: { type: 'string' }, state: { type: 'string' }, 'page-token': { type: 'string' }, step: { type: 'string' }, json: { type: 'boolean' } },
    });
    const id = () => {
      if (!positionals[0]) throw new CliError(`issueflow jobs ${sub}: give the job as owner/repo#n`);
      return encodeURIComponent(positionals[0]);
    };
    switch (sub) {
      case 'list': {
        const q = new URLSearchParams();
        if (values.repo) q.set('repo', values.repo);
        if (values.state) q.set('state', values.state);
        if (values['page-token']) q.set('pageToken', values['page-token']);
        const body = await api('GET', `/jobs?${q}`);
        if (values.json) return print(io, body);
        for (const j of body.jobs) io.out([j.workflowId.padEnd(40), (j.state ?? '-').padEnd(18), j.status.padEnd(11), j.startTime].join(' '));
        if (!body.jobs.length) io.out('no jobs');
        if (body.nextPageToken) io.out(`more: issueflow jobs list --page-token ${body.nextPageToken}`);
        return 0;
      }
      case 'show': {
        const j = await api('GET', `/jobs/${id()}`);
        if (values.json) return print(io, j);
        io.out(`${j.workflowId}  ${j.issue?.state ?? j.state ?? '-'}  (${j.status}, run ${j.runId})`);
        io.out(`started ${j.startTime}${j.closeTime ? `, closed ${j.closeTime}` : ''}`);
        for (const s of j.issue?.steps ?? []) io.out(`  ${s.state.padEnd(8)} ${s.step}${s.note ? `: ${s.note}` : ''}`);
        if (j.issue?.pendingQuestion) io.out(`waiting for an answer: ${j.issue.pendingQuestion}`);
        if (j.issue?.pullRequest) io.out(`pull request: ${j.issue.pullRequest.url}`);
        if (j.issue?.lastError) io.out(`last error (${j.issue.lastError.step}): ${j.issue.lastError.message}`);
        if (j.issueError) io.out(`status not available: ${j.issueError}`);
        return 0;
      }
      case 'logs': {
        let cursor: number | undefined;
        do {
          const q = new URLSearchParams({ limit: '1000' });
          if (values.step) q.set('step', values.step);
          if (cursor !== undefined) q.set('cursor', String(cursor));
          const page = await api('GET', `/jobs/${id()}/logs?${q}`);
          for (const line of page.lines) io.out(`[${line.step}] ${line.chunk.replace(/\n$/, '')}`);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        return 0;
      }
      case 'approve':
        return approve(io, await api('POST', `/jobs/${id()}/signals/approve`, {}));
      case 'signal': {
        const [, name, ...words] = positionals;
        if (!name || !['feedback', 'approve', 'retry', 'cancel', 'budget'].includes(name)) throw new CliError('issueflow jobs signal: name one of feedback, approve, retry, cancel, budget');
        const text = words.join(' ');
        if (name === 'feedback' && !text) throw new CliError('issueflow jobs signal <job> feedback: give the text to send');
        const r = await api('POST', `/jobs/${id()}/signals/${name}`, name === 'feedback' ? { body: text } : text ? { args: text } : {});
        if (name === 'approve') return approve(io, r);
        io.out(`sent ${name} to ${r.workflowId} (${r.deliveryId})`);
        return 0;
      }
      case 'cancel': {
        const r = await api('DELETE', `/jobs/${id()}`);
        io.out(`cancellation requested for ${r.workflowId}`);
        return 0;
      }
      default:
        io.err(`issueflow jobs: unknown command "${sub}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CliError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err((error as Error).message);
      return error instanceof CliError ? 1 : 2;
    }
    throw error;
  }
}

/** The approve Update's answer (a 409 "nothing to approve" arrives as a CliError). */
function approve(io: JobsIo, r: { workflowId: string; state: string }): number {
  io.out(`approved ${r.workflowId} (it was ${r.state}); the work goes ahead`);
  return 0;
}

function print(io: JobsIo, body: unknown): number {
  io.out(JSON.stringify(body, null, 2));
  return 0;
}

/** A JSON caller of the API that turns every failure into a message saying what to do. */
function apiClient(env: Record<string, string | undefined>) {
  const base = (env.ISSUEFLOW_API_URL || 'http://localhost:3000').replace(/\/+$/, '');
  const token = env.ISSUEFLOW_API_TOKEN;
  if (!token) throw new CliError('ISSUEFLOW_API_TOKEN is not set: set it to the token the issueflow service was started with.');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return async (method: string, path: string, body?: unknown): Promise<any> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`Cannot reach the issueflow API at ${base} (${cause}): is \`issueflow start\` running? Set ISSUEFLOW_API_URL otherwise.`);
    }
    const json = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    if (!res.ok) throw new CliError(`${res.status}: ${json?.error?.message ?? res.statusText}`);
    return json;
  };
}
