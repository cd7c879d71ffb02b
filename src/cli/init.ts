import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Octokit } from '@octokit/rest';
import { createOctokitFactory } from '../activities/github/octokit';
import { REPO_CONFIG_PATH } from '../activities/github/read';
import type { Config } from '../config';
import type { RepoRef } from '../domain/ids';
import { permissionName } from '../domain/github-access';
import { labelChanges, repoLabels } from '../domain/labels';
import { CliError, consoleIo, type CliIo } from './cli-io';

/** Where the agent-task issue form goes in a repository. */
export const ISSUE_FORM_PATH = '.github/ISSUE_TEMPLATE/agent-task.yml';
/** The branch of the pull request `issueflow init` opens. */
export const INIT_BRANCH = 'issueflow/init';
const TEMPLATES = join(__dirname, '..', '..', 'templates');

/**
 * The files `init` proposes: the issue form is kept in step with issueflow's (its parser reads the form's
 * headings); the settings file is the repository's own, so it is only added when missing.
 */
function wantedFiles(triggerLabel: string): Array<{ path: string; text: string; keep: 'in-step' | 'if-missing' }> {
  // The form labels its issues with the trigger label, which is this service's TRIGGER_LABEL.
  const form = readFileSync(join(TEMPLATES, 'agent-task.yml'), 'utf8').replace(/^labels: \["agent"\]$/m, `labels: [${JSON.stringify(triggerLabel)}]`);
  return [
    { path: ISSUE_FORM_PATH, text: form, keep: 'in-step' },
    { path: REPO_CONFIG_PATH, text: readFileSync(join(TEMPLATES, 'issueflow.yml'), 'utf8'), keep: 'if-missing' },
  ];
}

/** `OWNER/REPO` from the command line. */
export function parseRepoArg(arg: string | undefined, usage: string): RepoRef {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(arg ?? '');
  if (!m) throw new CliError(`Give the repository as OWNER/REPO.\n\n${usage}`);
  return { owner: m[1], repo: m[2] };
}

const status = (err: unknown) => (err as { status?: number }).status;

/** Creates the missing labels and updates those whose colour or description differ; returns what it did. */
async function syncLabels(octokit: Octokit, ref: RepoRef, triggerLabel: string): Promise<string[]> {
  const existing = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, { ...ref, per_page: 100 });
  const { create, update } = labelChanges(existing, repoLabels(triggerLabel));
  for (const l of create) await octokit.rest.issues.createLabel({ ...ref, ...l });
  for (const l of update) await octokit.rest.issues.updateLabel({ ...ref, ...l });
  return [...create.map((l) => `created the label ${l.name}`), ...update.map((l) => `updated the label ${l.name}`)];
}

async function readFile(octokit: Octokit, ref: RepoRef, path: string, branch?: string): Promise<{ text: string; sha: string } | undefined> {
  try {
    const { data } = await octokit.rest.repos.getContent({ ...ref, path, ...(branch ? { ref: branch } : {}) });
    return !Array.isArray(data) && data.type === 'file' ? { text: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha } : undefined;
  } catch (err) {
    if (status(err) === 404) return undefined;
    throw err;
  }
}

/** Proposes the issue form and the settings file in a pull request from INIT_BRANCH; returns what it did. */
async function proposeFiles(octokit: Octokit, ref: RepoRef, triggerLabel: string): Promise<string[]> {
  const { data: repo } = await octokit.rest.repos.get({ ...ref });
  const needed = [];
  for (const f of wantedFiles(triggerLabel)) {
    const current = await readFile(octokit, ref, f.path);
    if (f.keep === 'in-step' ? current?.text !== f.text : current === undefined) needed.push(f);
  }
  if (!needed.length) return [];
  const done: string[] = [];
  const branchExists = await octokit.rest.git.getRef({ ...ref, ref: `heads/${INIT_BRANCH}` }).then(
    () => true,
    (err: unknown) => {
      if (status(err) === 404) return false;
      throw err;
    },
  );
  if (!branchExists) {
    const { data: base } = await octokit.rest.git.getRef({ ...ref, ref: `heads/${repo.default_branch}` });
    await octokit.rest.git.createRef({ ...ref, ref: `refs/heads/${INIT_BRANCH}`, sha: base.object.sha });
    done.push(`created the branch ${INIT_BRANCH}`);
  }
  for (const f of needed) {
    const onBranch = await readFile(octokit, ref, f.path, INIT_BRANCH);
    if (onBranch?.text === f.text) continue;
    await octokit.rest.repos.createOrUpdateFileContents({ ...ref, path: f.path, branch: INIT_BRANCH, message: `issueflow: ${onBranch ? 'update' : 'add'} ${f.path}`, content: Buffer.from(f.text).toString('base64'), ...(onBranch ? { sha: onBranch.sha } : {}) });
    done.push(`${onBranch ? 'updated' : 'added'} ${f.path} on ${INIT_BRANCH}`);
  }
  const { data: open } = await octokit.rest.pulls.list({ ...ref, state: 'open', head: `${ref.owner}:${INIT_BRANCH}`, per_page: 1 });
  if (open.length) {
    if (done.length) done.push(`pull request #${open[0].number} has the changes: ${open[0].html_url}`);
    return done;
  }
  const body = [
    'Set up by `issueflow init`:',
    '',
    `- \`${ISSUE_FORM_PATH}\`: the agent-task issue form, whose headings issueflow reads.`,
    `- \`${REPO_CONFIG_PATH}\`: issueflow's settings for this repository, every key commented with its default.`,
    '',
    'Merge it, then open an issue with the "Agent task" form.',
  ].join('\n');
  const { data: pr } = await octokit.rest.pulls.create({ ...ref, head: INIT_BRANCH, base: repo.default_branch, title: 'Set up issueflow: issue form and settings', body });
  done.push(`opened pull request #${pr.number}: ${pr.html_url}`);
  return done;
}

const INIT_USAGE = `issueflow init OWNER/REPO      create or update issueflow's labels, and open a pull request adding
                               ${ISSUE_FORM_PATH} and a commented ${REPO_CONFIG_PATH}
issueflow labels sync OWNER/REPO   only the labels (TRIGGER_LABEL and the agent:* state labels)`;

/** `issueflow init OWNER/REPO` and `issueflow labels sync OWNER/REPO`: returns the exit code. */
export async function runInitCommand(command: 'init' | 'labels', argv: string[], config: Config, io: CliIo = consoleIo): Promise<number> {
  try {
    const args = command === 'labels' ? (argv[0] === 'sync' ? argv.slice(1) : undefined) : argv;
    if (!args) throw new CliError(`issueflow labels: the subcommand is sync.\n\n${INIT_USAGE}`);
    const ref = parseRepoArg(args[0], INIT_USAGE);
    const octokit = await createOctokitFactory({ config }).forRepo(ref);
    const done = await syncLabels(octokit, ref, config.triggerLabel);
    if (command === 'init') done.push(...(await proposeFiles(octokit, ref, config.triggerLabel)));
    for (const line of done) io.out(line);
    io.out(done.length ? `${ref.owner}/${ref.repo}: done.` : `${ref.owner}/${ref.repo}: nothing to change, everything is in place.`);
    return 0;
  } catch (err) {
    const e = err as { status?: number; message: string };
    const hint = e.status === 403 || e.status === 404 ? `: the repository does not exist or the token/App cannot reach it; give it ${['issues', 'contents', 'pull_requests'].map(permissionName).join(', ')} there` : '';
    io.err(err instanceof CliError ? e.message : `issueflow ${command}: ${e.status ? `GitHub answered ${e.status} (${e.message.replace(/ - https:\S+$/, '')})` : e.message}${hint}`);
    return err instanceof CliError ? 2 : 1; // CliErrors here are all usage
  }
}
