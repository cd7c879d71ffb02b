import { FAILURE_TYPES, NON_RETRYABLE_FAILURES, RETRYABLE_FAILURES } from '../../src/domain/failure-types';
import { FAILURE_TYPES as CONTRACT_FAILURE_TYPES } from '../../src/activities/types';
import { HANDED_OVER } from '../../src/workflows/issue/hand-over';
import { CHECKS_FAILED } from '../../src/workflows/issue/checks';
import { TESTS_FAILED } from '../../src/workflows/issue/test';

test('each failure type is either retryable or not, and no two names share a type', () => {
  const retryable = Object.keys(RETRYABLE_FAILURES);
  expect(Object.keys(NON_RETRYABLE_FAILURES).filter((name) => retryable.includes(name))).toEqual([]);
  const types = Object.values(FAILURE_TYPES);
  expect(types).toHaveLength(Object.keys(NON_RETRYABLE_FAILURES).length + retryable.length);
  expect(new Set(types).size).toBe(types.length);
});

test('the activity contract hands out the same list, not a copy', () => {
  expect(CONTRACT_FAILURE_TYPES).toBe(FAILURE_TYPES);
});

test("the failures the workflow raises itself are the list's", () => {
  expect([HANDED_OVER, CHECKS_FAILED, TESTS_FAILED]).toEqual([FAILURE_TYPES.handedOver, FAILURE_TYPES.checksFailed, FAILURE_TYPES.testsFailed]);
});
