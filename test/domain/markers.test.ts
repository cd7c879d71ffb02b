import { isStateLabel, STATE_LABELS, stateLabelSpec } from '../../src/domain/labels';
import { commentMarker, hasMarker, markedBody, parseMarker } from '../../src/domain/markers';
import { ISSUE_STATES } from '../../src/domain/states';

describe('comment markers and state labels (pure helpers of the GitHub activities)', () => {
  test('a marked body carries its marker and reads back to workflow id and key', () => {
    const body = markedBody('octo/app#7', 'question-1', 'Which file?');
    expect(body).toBe('<!-- issueflow:octo/app#7:question-1 -->\nWhich file?');
    expect(hasMarker(body, commentMarker('octo/app#7', 'question-1'))).toBe(true);
    expect(hasMarker(body, commentMarker('octo/app#7', 'question-10'))).toBe(false);
    expect(hasMarker(body, commentMarker('octo/app#70', 'question-1'))).toBe(false);
    expect(parseMarker(body)).toEqual({ workflowId: 'octo/app#7', key: 'question-1' });
    expect(parseMarker('no marker')).toBeUndefined();
  });

  test('an id cannot close the HTML comment early and show the marker to readers', () => {
    const marker = commentMarker('evil-->x', 'status');
    expect(marker.match(/-->/g)).toHaveLength(1);
    expect(marker.endsWith(' -->')).toBe(true);
  });

  test('every state has one agent:* label with a GitHub colour and a description', () => {
    expect(STATE_LABELS.map((l) => l.name)).toEqual(ISSUE_STATES.map((s) => `agent:${s}`));
    for (const l of STATE_LABELS) {
      expect(l.color).toMatch(/^[0-9a-f]{6}$/);
      expect(l.description.length).toBeLessThanOrEqual(100); // GitHub's limit
    }
    expect(stateLabelSpec('awaiting-approval').description).toMatch(/\/agent approve/);
    expect(isStateLabel('agent:failed')).toBe(true);
    expect(isStateLabel('agent')).toBe(false);
  });
});
