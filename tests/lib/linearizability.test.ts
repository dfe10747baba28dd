// The checker against hand-written histories whose verdict is known, against a brute-force
// checker on small random histories (which covers every pruning rule and pre-check), and on
// generated histories at the sizes the cluster tests produce. fast-check prints the seed of a
// failing run; `fc.assert(..., { seed, path })` replays it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { checkLinearizable, type KvOp, type Operation } from './linearizability.ts';
import { randomPlan, seededRandom, simulate, type PlannedOp } from './register-history.ts';

type Interval = [call: number, ret: number | null];
const base = (key: string, op: KvOp, [call, ret]: Interval, clientId: number) => ({ clientId, key, op, call, ret });

const put = (key: string, value: string, at: Interval, c = 0): Operation => base(key, { kind: 'put', value }, at, c);
/** value null: the get found nothing. */
const get = (key: string, value: string | null, at: Interval, c = 0): Operation => ({
  ...base(key, { kind: 'get' }, at, c),
  result: value === null ? { found: false } : { found: true, value },
});
const cput = (key: string, expected: string | null, value: string, applied: boolean, at: Interval, c = 0): Operation => ({
  ...base(key, { kind: 'cput', expected, value }, at, c),
  result: { applied },
});
const del = (key: string, existed: boolean, at: Interval, c = 0): Operation => ({
  ...base(key, { kind: 'delete' }, at, c),
  result: { existed },
});

function assertLinearizable(history: Operation[]): void {
  const verdict = checkLinearizable(history);
  assert.deepEqual(verdict, { ok: true }, verdict.ok === false ? verdict.explanation : undefined);
}

/** The checker refutes `history` on key x, and its explanation matches each of `explains`. */
function assertNotLinearizable(history: Operation[], ...explains: RegExp[]): void {
  const key = 'x';
  const verdict = checkLinearizable(history);
  assert.equal(verdict.ok, false, JSON.stringify(verdict));
  assert.ok(verdict.ok === false);
  assert.equal(verdict.key, key);
  assert.match(verdict.explanation, new RegExp(`key "${key}"`));
  for (const pattern of explains) assert.match(verdict.explanation, pattern);
}

describe('linearizable histories', () => {
  test('an empty history', () => assertLinearizable([]));

  test('a sequential history of every kind', () =>
    assertLinearizable([
      get('x', null, [0, 1]),
      put('x', 'a', [2, 3]),
      get('x', 'a', [4, 5]),
      cput('x', 'a', 'b', true, [6, 7]),
      cput('x', 'a', 'c', false, [8, 9]),
      get('x', 'b', [10, 11]),
      del('x', true, [12, 13]),
      del('x', false, [14, 15]),
      cput('x', null, 'd', true, [16, 17]),
      get('x', 'd', [18, 19]),
    ]));

  test('a get overlapping a put may see the old value or the new one', () => {
    const before = put('x', 'a', [0, 10]);
    for (const seen of ['a', 'b']) assertLinearizable([before, put('x', 'b', [20, 40], 1), get('x', seen, [25, 35], 2)]);
  });

  test('of two racing cputs on the same value, exactly one applies', () => {
    for (const [first, second] of [[true, false], [false, true]] as const) {
      assertLinearizable([
        put('x', 'a', [0, 10]),
        cput('x', 'a', 'b', first, [20, 40], 1),
        cput('x', 'a', 'c', second, [25, 45], 2),
        get('x', first ? 'b' : 'c', [50, 60]),
      ]);
    }
  });

  test('a put with no answer whose value is read later', () =>
    assertLinearizable([put('x', 'a', [0, 10]), put('x', 'b', [20, null], 1), get('x', 'b', [100, 110], 2)]));

  test('a put with no answer that is never seen', () =>
    assertLinearizable([put('x', 'a', [0, 10]), put('x', 'b', [20, null], 1), get('x', 'a', [100, 110], 2)]));

  test('a cput with no answer may have applied', () =>
    assertLinearizable([put('x', 'a', [0, 10]), { ...cput('x', 'a', 'b', true, [20, null]), result: undefined }, get('x', 'b', [50, 60])]));

  test('a delete says whether the key existed, racing a put', () =>
    assertLinearizable([
      put('x', 'a', [0, 10]),
      del('x', true, [20, 30]),
      del('x', false, [40, 50]),
      put('x', 'b', [60, 80], 1),
      del('x', true, [65, 75], 2),
      get('x', null, [90, 100]),
    ]));

  test('a get with no answer constrains nothing', () =>
    assertLinearizable([put('x', 'a', [0, 10]), { ...get('x', 'zzz', [20, null]), result: undefined }]));

  test('operations that touch at one instant count as concurrent', () =>
    assertLinearizable([put('x', 'a', [0, 10]), get('x', null, [10, 20], 1)]));

  test('keys are checked independently', () =>
    assertLinearizable([put('x', 'a', [0, 10]), put('y', 'a', [5, 15], 1), get('y', 'a', [20, 30]), get('x', 'a', [20, 30], 1)]));
});

describe('histories that are not linearizable', () => {
  test('a stale read after a completed put', () => {
    assertNotLinearizable(
      [put('x', 'a', [0, 10]), put('x', 'b', [20, 30]), get('x', 'a', [40, 50], 1)],
      /#2 client 1: get → "a" \[40, 50\][\s\S]*#0[\s\S]*#1 client 0: put "b"/,
    );
  });

  test('two cputs with the same expected value both applied', () => {
    assertNotLinearizable([put('x', 'a', [0, 10]), cput('x', 'a', 'b', true, [20, 40], 1), cput('x', 'a', 'c', true, [25, 45], 2)]);
    assertNotLinearizable([put('x', 'a', [0, 10]), cput('x', 'a', 'b', true, [20, 30], 1), cput('x', 'a', 'c', true, [40, 50], 2)]);
  });

  test('a read of a value never written', () => {
    assertNotLinearizable([put('x', 'a', [0, 10]), get('x', 'zzz', [5, 15], 1)], /"zzz", which no operation on this key writes/);
  });

  test('a get sees a value, then a later get sees the older one', () => {
    assertNotLinearizable(
      [put('x', 'a', [0, 10]), put('x', 'b', [20, 60], 1), get('x', 'b', [30, 40], 2), get('x', 'a', [45, 55], 2)],
      /as this read of what it wrote shows:\n {2}#2/,
    );
  });

  test('a delete reports existed=false after a completed put', () => {
    assertNotLinearizable([put('x', 'a', [0, 10]), del('x', false, [20, 30], 1)]);
  });

  test('a value read, overwritten, then read again with no second write (needs the search)', () => {
    assertNotLinearizable(
      [put('x', 'a', [0, 100]), put('x', 'b', [0, 100], 1), get('x', 'a', [10, 20], 2), get('x', 'b', [30, 40], 2), get('x', 'a', [50, 60], 2)],
      /longest linearizable prefix orders 2 of its 5/,
      /#1 client 1: put "b" \[0, 100\]: fits, but would leave\n {4}#4 client 2: get → "a" \[50, 60\]\n {2}with no write of "a" to come/,
    );
  });

  test('a cput that did not apply although its expected value was current', () => {
    assertNotLinearizable([put('x', 'a', [0, 10]), cput('x', 'a', 'b', false, [20, 30])]);
  });

  test('a delete that existed on a key never written', () => {
    assertNotLinearizable([del('x', true, [0, 10])]);
  });

  test('only the failing key is reported', () => {
    assertNotLinearizable([put('y', 'a', [0, 10]), get('y', 'a', [20, 30]), put('x', 'a', [0, 10]), get('x', null, [20, 30])]);
  });
});

describe('limits and input', () => {
  // 20 concurrent puts then reads of two of their values in a row: refuting it means trying the
  // other puts in every order, about 2^18 states.
  const puzzle = [
    ...Array.from({ length: 20 }, (_, i) => put('x', `v${i}`, [0, 100], i)),
    get('x', 'v0', [110, 120], 20),
    get('x', 'v1', [130, 140], 20),
  ];

  test('a search that runs out of time answers unknown', () => {
    let clock = 0;
    const verdict = checkLinearizable(puzzle, { timeoutMs: 5, now: () => clock++ });
    assert.deepEqual(verdict, { ok: 'unknown', reason: 'timeout', key: 'x' });
  });

  test('a search that fills its memo answers unknown', () =>
    assert.deepEqual(checkLinearizable(puzzle, { memoBytesMax: 64 * 1024 }), { ok: 'unknown', reason: 'memo-full', key: 'x' }));

  test('a malformed history throws', () => {
    assert.throws(() => checkLinearizable([put('x', 'a', [10, 5])]), /ret must be a number >= call/);
    assert.throws(() => checkLinearizable([{ ...get('x', 'a', [0, 5]), result: undefined }]), /without the result/);
  });
});

/** Every order of the operations, memoized on (set done, state): slow, simple, independent. */
function bruteForce(history: readonly Operation[]): boolean {
  const byKey = new Map<string, Operation[]>();
  for (const o of history) byKey.set(o.key, [...(byKey.get(o.key) ?? []), o]);
  return [...byKey.values()].every((ops) => {
    const failed = new Set<string>();
    const answeredMask = ops.reduce((m, o, i) => (o.ret !== null ? m | (1 << i) : m), 0);
    const go = (done: number, state: string | undefined): boolean => {
      if ((done & answeredMask) === answeredMask) return true;
      const memo = `${done}:${state ?? '\0'}`;
      if (failed.has(memo)) return false;
      for (const [i, o] of ops.entries()) {
        if (done & (1 << i)) continue;
        const mustWait = ops.some((p, j) => !(done & (1 << j)) && p.ret !== null && p.ret < o.call);
        const next = mustWait ? null : apply(o, state);
        if (next !== null && go(done | (1 << i), next.state)) return true;
      }
      failed.add(memo);
      return false;
    };
    return go(0, undefined);
  });
}

function apply(o: Operation, state: string | undefined): { state: string | undefined } | null {
  const r = o.ret === null ? undefined : o.result;
  switch (o.op.kind) {
    case 'put':
      return { state: o.op.value };
    case 'get':
      if (r === undefined || !('found' in r)) return { state };
      return (r.found ? state === r.value : state === undefined) ? { state } : null;
    case 'cput': {
      const fits = o.op.expected === null ? state === undefined : state === o.op.expected;
      if (r !== undefined && 'applied' in r && r.applied !== fits) return null;
      return { state: fits ? o.op.value : state };
    }
    case 'delete':
      if (r !== undefined && 'existed' in r && r.existed !== (state !== undefined)) return null;
      return { state: undefined };
  }
}

const plannedOp: fc.Arbitrary<PlannedOp> = fc.record({
  key: fc.nat({ max: 2 }),
  kind: fc.constantFrom('put', 'get', 'get', 'cput', 'delete'),
  expect: fc.constantFrom('current', 'absent', 'stale'),
  thinkTime: fc.nat({ max: 10 }),
  toEffect: fc.nat({ max: 30 }),
  toAnswer: fc.nat({ max: 30 }),
  fate: fc.constantFrom('answered', 'answered', 'answered', 'lostAfterEffect', 'lostBeforeEffect'),
});
const plan = fc.array(fc.array(plannedOp, { maxLength: 10 }), { minLength: 1, maxLength: 6 });

/** Small histories on two keys with made-up results: mostly not linearizable, some are. */
const madeUpOp: fc.Arbitrary<Operation> = fc
  .record({
    clientId: fc.nat({ max: 3 }),
    key: fc.constantFrom('x', 'y'),
    kind: fc.constantFrom('put', 'get', 'cput', 'delete'),
    value: fc.constantFrom('a', 'b', 'c'),
    expected: fc.constantFrom(null, 'a', 'b'),
    call: fc.nat({ max: 40 }),
    length: fc.nat({ max: 40 }),
    answered: fc.boolean(),
    flag: fc.boolean(),
  })
  .map(({ clientId, key, kind, value, expected, call, length, answered, flag }): Operation => {
    const at: Interval = [call, answered || kind === 'get' ? call + length : null];
    if (kind === 'put') return put(key, value, at, clientId);
    if (kind === 'get') return get(key, flag ? value : null, at, clientId);
    if (kind === 'cput') return cput(key, expected, value, flag, at, clientId);
    return del(key, flag, at, clientId);
  });

describe('generated histories', () => {
  test('the verdict matches a brute-force search on small made-up histories', () =>
    fc.assert(
      fc.property(fc.array(madeUpOp, { maxLength: 12 }), (history) => {
        assert.equal(checkLinearizable(history).ok, bruteForce(history));
      }),
      { numRuns: 2000 },
    ));

  test('a run of a real register with operations spread around their effect is linearizable', () =>
    fc.assert(
      fc.property(plan, (p) => assertLinearizable(simulate(p))),
      { numRuns: 500 },
    ));

  test('a get changed to see a value never written is not linearizable', () =>
    fc.assert(
      fc.property(plan, fc.nat(), (p, pick) => {
        const history = simulate(p);
        const gets = history.flatMap((o, i) => (o.op.kind === 'get' && o.ret !== null ? [i] : []));
        fc.pre(gets.length > 0);
        const i = gets[pick % gets.length]!;
        history[i] = { ...history[i]!, result: { found: true, value: 'never-written' } };
        const verdict = checkLinearizable(history);
        assert.equal(verdict.ok, false);
        assert.match(verdict.ok === false ? verdict.explanation : '', new RegExp(`#${i} client`));
      }),
      { numRuns: 300 },
    ));

  test('a get changed to see a write called after it returned is not linearizable', () =>
    fc.assert(
      fc.property(plan, fc.nat(), (p, pick) => {
        const history = simulate(p);
        const pairs = history.flatMap((g, i) =>
          g.op.kind !== 'get' || g.ret === null
            ? []
            : history.flatMap((w) => (w.key === g.key && w.op.kind === 'put' && w.call > g.ret! ? [[i, w.op.value] as const] : [])),
        );
        fc.pre(pairs.length > 0);
        const [i, value] = pairs[pick % pairs.length]!;
        history[i] = { ...history[i]!, result: { found: true, value } };
        assert.equal(checkLinearizable(history).ok, false);
      }),
      { numRuns: 300 },
    ));
});

describe('scale', () => {
  const timed = <T>(run: () => T): [T, number] => {
    const start = performance.now();
    const out = run();
    return [out, performance.now() - start];
  };

  test('20 000 operations by 64 clients over 500 keys', (t) => {
    const history = simulate(
      randomPlan(seededRandom(1), { clients: 64, opsPerClient: 313, keys: 500, latencyMax: 50, thinkTimeMax: 5, lostRate: 0.02 }),
    );
    const [verdict, ms] = timed(() => checkLinearizable(history));
    t.diagnostic(`${history.length} operations in ${ms.toFixed(0)} ms`);
    assert.deepEqual(verdict, { ok: true });
    assert.ok(ms < 5000, `${ms} ms`);
  });

  test('one hot key, 64 concurrent clients, some answers lost', (t) => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const shape = { clients: 64, opsPerClient: 6, keys: 1, latencyMax: 50, thinkTimeMax: 2, lostRate: 0.05 };
      const history = simulate(randomPlan(seededRandom(seed), shape));
      const [verdict, ms] = timed(() => checkLinearizable(history));
      t.diagnostic(`seed ${seed}: ${history.length} operations in ${ms.toFixed(0)} ms`);
      assert.deepEqual(verdict, { ok: true }, `seed ${seed}`);
      assert.ok(ms < 3000, `seed ${seed}: ${ms} ms`);
    }
  });

  test('one hot key, 64 concurrent clients, one stale read', () => {
    const shape = { clients: 64, opsPerClient: 6, keys: 1, latencyMax: 50, thinkTimeMax: 2, lostRate: 0 };
    const history = simulate(randomPlan(seededRandom(9), shape));
    // The last get to finish now sees the first put to finish.
    const first = history.filter((o) => o.op.kind === 'put').sort((x, y) => x.ret! - y.ret!)[0]!;
    const lastGet = history.reduce((best, o, i) => (o.op.kind === 'get' && o.ret! > history[best]!.ret! ? i : best), 0);
    assert.ok(first.op.kind === 'put');
    history[lastGet] = { ...history[lastGet]!, op: { kind: 'get' }, result: { found: true, value: first.op.value } };
    const [verdict, ms] = timed(() => checkLinearizable(history));
    assert.equal(verdict.ok, false);
    assert.ok(ms < 3000, `${ms} ms`);
  });
});
