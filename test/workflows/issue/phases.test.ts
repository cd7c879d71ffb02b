import { NEXT, PHASES, type Phase } from '../../../src/workflows/issue/phases';

test('the phase graph: every phase is reached from intake and goes only to phases', () => {
  const reached = new Set<Phase>(['intake']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const from of reached) for (const to of NEXT[from]) if (!reached.has(to)) grew = Boolean(reached.add(to));
  }
  expect([...reached].sort()).toEqual([...PHASES].sort());
  expect(Object.keys(NEXT).sort()).toEqual([...PHASES].sort());
});
