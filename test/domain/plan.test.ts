import { planNeedsApproval, readComplexity } from '../../src/domain/plan';

test('only a plain simple or complex is a readable complexity', () => {
  expect(readComplexity('simple')).toBe('simple');
  expect(readComplexity('COMPLEX')).toBe('complex');
  for (const v of [undefined, null, '', 'easy', 3, { complexity: 'simple' }]) expect(readComplexity(v)).toBe('unknown');
});

test('the approval gate fails closed: under `complex` only a simple plan goes ahead', () => {
  expect(planNeedsApproval('complex', 'simple')).toBe(false);
  expect(planNeedsApproval('complex', 'complex')).toBe(true);
  expect(planNeedsApproval('complex', 'unknown')).toBe(true);
  expect(planNeedsApproval('always', 'simple')).toBe(true);
  expect(planNeedsApproval('never', 'unknown')).toBe(false);
});

test('after a change by someone without write access every plan waits, whatever the rule', () => {
  for (const rule of ['never', 'complex', 'always'] as const) expect(planNeedsApproval(rule, 'simple', true)).toBe(true);
});
