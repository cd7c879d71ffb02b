import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Installs a post-receive hook in the bare repo: a push of `issueflow/issue-N` waits `pauseMs` once when
 * `<dir>/push-N.want` exists (the ref is updated, the push not done), writing its pid to `push-N.flag`,
 * so a suite can kill the worker in the middle of a push.
 */
export function installPushHook(bareDir: string, dir: string, pauseMs: number): void {
  const hook = join(bareDir, 'hooks', 'post-receive');
  const script = [
    '#!/bin/sh',
    'while read old new ref; do',
    '  n="${ref#refs/heads/issueflow/issue-}"',
    `  if [ -f "${dir}/push-$n.want" ] && [ ! -f "${dir}/push-$n.flag" ]; then echo $$ > "${dir}/push-$n.flag"; sleep ${pauseMs / 1000}; fi`,
    'done',
    '',
  ].join('\n');
  writeFileSync(hook, script);
  chmodSync(hook, 0o755);
}
