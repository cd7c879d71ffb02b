import { type E2E, useE2E } from './harness';

jest.setTimeout(180_000);

/**
 * The agent reads the issue as its author wrote it: a note in the form's "Relevant files" section,
 * beyond the file paths the parser takes from it, reaches the agent (here: the instruction that fixes
 * the bug; before, the prompt held only the parsed paths and the agent changed nothing).
 */
describe('e2e: the agent reads the issue as written', () => {
  let e2e: E2E;
  const outcomes = useE2E('issue as written', {}, (started) => {
    e2e = started;
  });

  test('a note in the "Relevant files" section reaches the agent', async () => {
    const body = [
      '### Description',
      '',
      'add() in math.js subtracts.',
      '',
      '### Acceptance criteria',
      '',
      '- [ ] `npm test` passes',
      '',
      '### Relevant files',
      '',
      '- `math.js`',
      '',
      'Note for the agent, beside the paths:',
      'agent: replace math.js a - b => a + b',
      '',
      '### Context',
      '',
      '_No response_',
    ].join('\n');
    const issue = await e2e.openIssue({ author: 'alice', title: 'add() subtracts', body });
    const pr = await e2e.waitForPullRequest(issue, 120_000);
    expect(e2e.branchFiles(pr.head)['math.js']).toBe('exports.add = (a, b) => a + b;');
    outcomes.push(`PR #${pr.number} with the fix the note asked for`);
  });
});
