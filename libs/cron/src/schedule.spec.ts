import fixture from './fixtures/next-run.json';
import { compileSchedule, nextRun, validateSchedule } from './schedule';

interface FixtureCase {
  expression: string;
  timeZone: string;
  after: string;
  expected: string;
  rule?: string;
  croner?: string;
}

const cases: FixtureCase[] = fixture.cases;
const ours = (c: FixtureCase): string => nextRun(c.expression, c.timeZone, new Date(c.after)).toISOString();
const label = (c: FixtureCase): string => `${c.expression} | ${c.timeZone} | after ${c.after}`;

describe('nextRun agrees with croner (fixture from scripts/generate-fixture.mjs)', () => {
  test('the fixture is big enough and covers the zones the spec names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const zones = new Set(cases.map((c) => c.timeZone));
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC', 'Asia/Kolkata']) {
      expect(zones).toContain(zone);
    }
    for (const macro of ['@hourly', '@daily', '@weekly', '@monthly', '@yearly']) {
      expect(cases.some((c) => c.expression === macro)).toBe(true);
    }
    expect(cases.some((c) => c.expression.split(' ').length === 6)).toBe(true);
  });

  test('every case without a DST rule matches croner exactly', () => {
    const mismatches = cases
      .filter((c) => !c.rule)
      .filter((c) => ours(c) !== c.expected)
      .map((c) => `${label(c)}: ours ${ours(c)}, croner ${c.expected}`);
    expect(mismatches).toEqual([]);
  });
});

describe('DST cases where croner and our rule differ (pinned; rule in context/CRON.md)', () => {
  const ruleCases = cases.filter((c) => c.rule);

  test('every rule the fixture names is exercised', () => {
    expect(new Set(ruleCases.map((c) => c.rule))).toEqual(new Set(Object.keys(fixture.rules)));
  });

  test.each(ruleCases.map((c) => [c.rule, label(c), c] as const))('%s: %s', (_rule, _label, c) => {
    expect(ours(c)).toBe(c.expected);
    expect(c.expected).not.toBe(c.croner);
  });
});

describe('our DST rule, spelled out', () => {
  const berlin = 'Europe/Berlin';
  const at = (expression: string, iso: string, tz = berlin): string => nextRun(expression, tz, new Date(iso)).toISOString();

  test('skipped time runs shifted forward by the jump: 02:30 on 31 March 2024 runs at 03:30 CEST', () => {
    expect(at('30 2 * * *', '2024-03-30T12:00:00Z')).toBe('2024-03-31T01:30:00.000Z');
    // ... also when the search starts after the jump but before the shifted time
    expect(at('30 2 * * *', '2024-03-31T01:10:00Z')).toBe('2024-03-31T01:30:00.000Z');
  });

  test('a job at 02:30 and 03:30 does not run twice at 03:30 on the spring night', () => {
    const first = at('30 2,3 * * *', '2024-03-31T00:00:00Z');
    expect(first).toBe('2024-03-31T01:30:00.000Z');
    expect(at('30 2,3 * * *', first)).toBe('2024-04-01T00:30:00.000Z');
  });

  test('repeated time: a fixed-hour job runs once, in the first pass, wherever the search starts', () => {
    expect(at('30 2 * * *', '2024-10-26T12:00:00Z')).toBe('2024-10-27T00:30:00.000Z'); // 02:30 CEST
    expect(at('30 2 * * *', '2024-10-27T00:30:00Z')).toBe('2024-10-28T01:30:00.000Z'); // not 02:30 CET
    expect(at('30 2 * * *', '2024-10-27T01:10:00Z')).toBe('2024-10-28T01:30:00.000Z'); // restart at 02:10 CET
  });

  test('repeated time: an every-hour job keeps running every real hour', () => {
    const runs: string[] = [];
    let after = new Date('2024-10-26T23:30:00Z');
    for (let i = 0; i < 5; i++) {
      after = nextRun('0 * * * *', berlin, after);
      runs.push(after.toISOString());
    }
    expect(runs).toEqual([
      '2024-10-27T00:00:00.000Z', // 02:00 CEST
      '2024-10-27T01:00:00.000Z', // 02:00 CET
      '2024-10-27T02:00:00.000Z',
      '2024-10-27T03:00:00.000Z',
      '2024-10-27T04:00:00.000Z',
    ]);
  });

  test('nextRun is a function of its start: starting anywhere gives the first run of one fixed sequence', () => {
    for (const expression of ['30 2 * * *', '*/20 * * * *', '45 2-3 * * *', '0 30 2 * * *']) {
      const sequence: number[] = [];
      let cursor = new Date('2024-10-26T20:00:00Z');
      while (cursor.getTime() < Date.parse('2024-10-27T06:00:00Z')) {
        cursor = nextRun(expression, berlin, cursor);
        sequence.push(cursor.getTime());
      }
      for (let t = Date.parse('2024-10-26T22:00:00Z'); t < Date.parse('2024-10-27T04:00:00Z'); t += 7 * 60_000) {
        expect(nextRun(expression, berlin, new Date(t)).getTime()).toBe(sequence.find((s) => s > t));
      }
    }
  });
});

describe('schedule syntax', () => {
  test('accepts 5 fields, 6 fields with seconds first, and the classic macros', () => {
    expect(validateSchedule('0 9 * * 1-5')).toBeNull();
    expect(validateSchedule('30 0 9 * * 1-5')).toBeNull();
    for (const macro of ['@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually']) {
      expect(validateSchedule(macro)).toBeNull();
    }
    expect(nextRun('30 0 9 * * *', 'UTC', new Date('2024-01-01T00:00:00Z')).toISOString()).toBe('2024-01-01T09:00:30.000Z');
  });

  test.each([
    ['* * * *', /4 fields/],
    ['0 0 * * * * *', /7 fields/],
    ['61 * * * *', /Invalid schedule/],
    ['0 0 31 2 *', /Invalid schedule/],
    ['@fortnightly', /Unknown schedule macro/],
    ['H * * * *', /hash/],
    ['', /0 fields/],
  ])('rejects %p', (expression, message) => {
    expect(validateSchedule(expression)).toMatch(message);
  });

  test('knows which schedules run every hour', () => {
    expect(compileSchedule('*/5 * * * *').everyHour).toBe(true);
    expect(compileSchedule('0 9-17 * * *').everyHour).toBe(false);
  });

  test('strictly after: starting on an occurrence gives the next one', () => {
    expect(nextRun('0 9 * * *', 'UTC', new Date('2024-01-01T09:00:00Z')).toISOString()).toBe('2024-01-02T09:00:00.000Z');
  });
});
