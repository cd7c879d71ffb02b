import { markdownToSafeHtml } from '../../src/domain/markdown-html';
import { renderStatusComment } from '../../src/domain/status-comment';
import type { IssueStatus } from '../../src/domain/status';

describe('markdownToSafeHtml', () => {
  it('renders the subset the status comment uses', () => {
    const html = markdownToSafeHtml('### issueflow: **Planning**\n\n- ✅ parse (`1s`)\n- ⏳ analyze\n\n> why?\n> really\n\n[PR #3](https://github.com/o/r/pull/3) · [`issueflow/issue-1`](https://github.com/o/r/tree/issueflow/issue-1)\n\n<sub>Commands: `/agent status`</sub>');
    expect(html).toBe(
      [
        '<h3>issueflow: <strong>Planning</strong></h3>',
        '<ul><li>✅ parse (<code>1s</code>)</li><li>⏳ analyze</li></ul>',
        '<blockquote><p>why?<br>really</p></blockquote>',
        '<p><a href="https://github.com/o/r/pull/3" rel="noopener noreferrer">PR #3</a> · <a href="https://github.com/o/r/tree/issueflow/issue-1" rel="noopener noreferrer"><code>issueflow/issue-1</code></a></p>',
        '<p><small>Commands: <code>/agent status</code></small></p>',
      ].join('\n'),
    );
  });

  it('escapes every tag, attribute and entity an issue author writes', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '> <img src=x onerror="alert(2)">',
      '- [click](javascript:alert(3)) [x](https://e.com/"onmouseover="alert(4))',
      '`<b>` **<i>bold</i>** &amp; \u00000\u0000',
      '<sub><svg onload=alert(5)></sub>',
    ].join('\n');
    const html = markdownToSafeHtml(hostile);
    const tags = [...html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]);
    const allowed = ['p', 'br', 'blockquote', 'ul', 'li', 'a', 'code', 'strong', 'small'];
    expect(tags.filter((t) => !allowed.includes(t))).toEqual([]);
    expect(html).not.toMatch(/<(script|img|svg|i|b)\b/);
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('onerror=&quot;alert(2)&quot;');
    expect(html).toContain('&amp;amp;');
    // the one link with an http(s) target ends at its first ")" and keeps its quotes escaped inside the attribute
    expect(html).toContain('href="https://e.com/&quot;onmouseover=&quot;alert(4" rel');
    expect(html).not.toContain('\u0000');
  });

  it('renders a whole status comment whose question came from an issue author', () => {
    const now = '2026-01-01T00:00:00.000Z';
    const status: IssueStatus = {
      workflowId: 'o/r#1', repo: 'o/r', issueNumber: 1, state: 'awaiting-feedback', attempts: {}, costUsd: 0.5, startedAt: now, updatedAt: now,
      steps: [{ step: 'validating', state: 'done', startedAt: now, endedAt: now }],
      pendingQuestion: 'What about <iframe src="//evil">?',
    };
    const html = markdownToSafeHtml(renderStatusComment(status, { temporalUiUrl: 'http://localhost:8233' }));
    expect(html).toContain('<h3>issueflow: Waiting for your answer</h3>');
    expect(html).toContain('<blockquote><p>What about &lt;iframe src=&quot;//evil&quot;&gt;?</p></blockquote>');
    expect(html).toContain('<a href="http://localhost:8233/namespaces/default/workflows/o%2Fr%231" rel="noopener noreferrer">Temporal</a>');
    expect(html).toContain('Agent cost: $0.50');
  });
});
