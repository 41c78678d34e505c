#!/usr/bin/env node
// Generates libs/cron/src/fixtures/next-run.json: next-run cases computed by an implementation that
// shares no code with ours (croner 9), so libs/cron/src/schedule.spec.ts can check that our
// cron-parser-based nextRun agrees with it.
//
// Where the two may legitimately differ (a wall-clock time skipped or repeated by a DST change) the
// expected value comes from a brute-force reference written here from the rule in context/CRON.md
// (step through every minute/second, look at the wall clock with Intl), and the case carries a
// `rule` field plus croner's answer, so the disagreement is explicit. Any other disagreement between
// croner and the reference aborts the script.
//
// Run: node libs/cron/scripts/generate-fixture.mjs   (deterministic: same output every time)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cron } from 'croner';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'fixtures', 'next-run.json');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW = 3 * HOUR;

const MACROS = {
  '@yearly': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@hourly': '0 * * * *',
};

// ---------- independent field matcher (numbers, *, a-b, /n, lists; day-of-month OR day-of-week) ----
function parseField(text, min, max) {
  const values = new Set();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo;
    let hi;
    if (range === '*') [lo, hi] = [min, max];
    else if (range.includes('-')) [lo, hi] = range.split('-').map(Number);
    else [lo, hi] = [Number(range), stepText === undefined ? Number(range) : max];
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return values;
}

function compile(expression) {
  const fields = (MACROS[expression] ?? expression).split(' ');
  if (fields.length === 5) fields.unshift('0');
  const [s, mi, h, dom, mon, dow] = fields;
  const dowSet = parseField(dow, 0, 7);
  if (dowSet.has(7)) dowSet.add(0);
  return {
    seconds: fields[0] !== '0' || expression.split(' ').length === 6,
    second: parseField(s, 0, 59),
    minute: parseField(mi, 0, 59),
    hour: parseField(h, 0, 23),
    dom: parseField(dom, 1, 31),
    month: parseField(mon, 1, 12),
    dow: dowSet,
    domStar: dom === '*',
    dowStar: dow === '*',
  };
}

function matchesWall(c, wallMs) {
  const d = new Date(wallMs);
  if (!c.second.has(d.getUTCSeconds()) || !c.minute.has(d.getUTCMinutes()) || !c.hour.has(d.getUTCHours())) return false;
  if (!c.month.has(d.getUTCMonth() + 1)) return false;
  const domOk = c.dom.has(d.getUTCDate());
  const dowOk = c.dow.has(d.getUTCDay());
  if (c.domStar || c.dowStar) return domOk && dowOk;
  return domOk || dowOk; // classic cron: both restricted means either
}

// ---------- wall clock via Intl, memoised per minute (transitions fall on whole minutes) ----------
const formatters = new Map();
const offsetMemo = new Map();
function offset(ms, tz) {
  const minute = Math.floor(ms / 60_000);
  const key = `${tz}|${minute}`;
  let value = offsetMemo.get(key);
  if (value === undefined) {
    let f = formatters.get(tz);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
      formatters.set(tz, f);
    }
    const p = Object.fromEntries(f.formatToParts(new Date(minute * 60_000)).map((x) => [x.type, x.value]));
    value = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - minute * 60_000;
    offsetMemo.set(key, value);
  }
  return value;
}

/** The most recent offset change at or before `ms` within WINDOW, as {at, before, after}, or null. */
function recentTransition(ms, tz) {
  if (offset(ms - WINDOW, tz) === offset(ms, tz)) return null;
  let lo = ms - WINDOW;
  let hi = ms;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (offset(mid, tz) === offset(lo, tz)) lo = mid;
    else hi = mid;
  }
  return { at: hi, before: offset(lo, tz), after: offset(hi, tz) };
}

/** Classify instant `ms`: 'second-pass' (repeated wall time, 2nd time), 'gap-image' (first minutes
 * after a forward jump), 'first-pass' (a wall time that will repeat), or 'normal'. */
function dstKind(ms, tz) {
  const back = recentTransition(ms, tz);
  if (back && back.after < back.before && ms < back.at + (back.before - back.after)) return 'second-pass';
  if (back && back.after > back.before && ms < back.at + (back.after - back.before)) return 'gap-image';
  const ahead = recentTransition(ms + WINDOW, tz);
  if (ahead && ahead.after < ahead.before && ms >= ahead.at - (ahead.before - ahead.after) && ms < ahead.at) return 'first-pass';
  return 'normal';
}

/** Does the job fire at instant `ms` under our documented rule? */
function firesAt(c, ms, tz) {
  const wall = ms + offset(ms, tz);
  const kind = dstKind(ms, tz);
  const everyHour = c.hour.size === 24;
  if (kind === 'second-pass' && !everyHour) return false;
  if (matchesWall(c, wall)) return true;
  if (kind === 'gap-image') {
    const back = recentTransition(ms, tz);
    return matchesWall(c, wall - (back.after - back.before)); // the skipped wall time, shifted
  }
  return false;
}

function bruteForceNext(expression, tz, afterMs, limitMs) {
  const c = compile(expression);
  const step = c.seconds ? 1000 : 60_000;
  for (let t = Math.floor(afterMs / step) * step + step; t <= limitMs; t += step) {
    if (firesAt(c, t, tz)) return t;
  }
  return null;
}

function cronerNext(expression, tz, afterMs) {
  return new Cron(expression, { timezone: tz, paused: true }).nextRun(new Date(afterMs)).getTime();
}

function nearTransition(ms, tz) {
  return offset(ms - WINDOW, tz) !== offset(ms + WINDOW, tz);
}

// ---------- the cases ----------
let seed = 20240331;
function random() {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC', 'Asia/Kolkata'];
const GENERAL = [
  '0 9 * * 1-5', '*/15 * * * *', '0 0 1 * *', '30 18 * * 0', '5 4 * * *', '0 12 1,15 * *',
  '0 0 13 * 5', '45 23 31 12 *', '0 0 29 2 *', '0 8-17/3 * * 1-5', '0 30 7 * * *', '15,45 */10 * * * *',
  '@hourly', '@daily', '@weekly', '@monthly', '@yearly',
];
const DST = [
  '30 2 * * *', '0 2 * * *', '15 1 * * *', '0 3 * * *', '0 * * * *', '*/20 * * * *', '*/30 1-3 * * *',
  '45 2-3 * * *', '0 30 2 * * *', '@hourly', '@daily',
];
// Instants at which the clocks change (checked below: the script aborts if one is not a transition).
const TRANSITIONS = {
  'Europe/Berlin': ['2024-03-31T01:00:00Z', '2024-10-27T01:00:00Z', '2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z'],
  'America/New_York': ['2024-03-10T07:00:00Z', '2024-11-03T06:00:00Z', '2025-03-09T07:00:00Z'],
  'Australia/Sydney': ['2024-04-06T16:00:00Z', '2024-10-05T16:00:00Z', '2025-04-05T16:00:00Z'],
};
const AROUND = [-26 * HOUR, -2.5 * HOUR, -70 * 60_000, -40 * 60_000, -1000, 0, 20 * 60_000, 50 * 60_000, 90 * 60_000];

const starts = [];
for (const expression of GENERAL) {
  for (const tz of ZONES) {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2026, 11, 31);
    starts.push({ expression, tz, after: Math.floor(from + random() * (to - from)) });
  }
}
for (const [tz, list] of Object.entries(TRANSITIONS)) {
  for (const iso of list) {
    const at = Date.parse(iso);
    if (offset(at - 60_000, tz) === offset(at, tz)) throw new Error(`${iso} is not a DST change in ${tz}`);
    DST.forEach((expression, index) => {
      // Every expression near every transition would be ~300 cases; rotate through the offsets instead.
      for (let k = 0; k < 3; k++) starts.push({ expression, tz, after: at + AROUND[(index + k * 4 + list.indexOf(iso)) % AROUND.length] });
    });
  }
}
// "Strictly after": start exactly on an occurrence.
for (const expression of ['0 9 * * 1-5', '@daily', '*/15 * * * *']) {
  for (const tz of ZONES) {
    const first = cronerNext(expression, tz, Date.UTC(2025, 5, 10, 3, 7, 11));
    starts.push({ expression, tz, after: first });
  }
}

const cases = [];
const rulesSeen = {};
for (const { expression, tz, after } of starts) {
  const croner = cronerNext(expression, tz, after);
  let expected = croner;
  let rule;
  if (nearTransition(after, tz) || nearTransition(croner, tz) || croner - after <= 2 * DAY) {
    const limit = croner - after > 2 * DAY ? after + DAY : croner + 2 * DAY;
    const reference = bruteForceNext(expression, tz, after, limit);
    if (reference === null && croner - after <= 2 * DAY) throw new Error(`reference found nothing: ${expression} ${tz} ${after}`);
    if (reference !== null && reference !== croner) {
      // croner sometimes answers a time before the start inside a repeated hour; then only ours counts.
      const cronerInvalid = croner <= after;
      const earlier = cronerInvalid ? reference : Math.min(reference, croner);
      const kind = dstKind(earlier, tz);
      if (cronerInvalid && kind === 'normal' && dstKind(after, tz) === 'second-pass') {
        rule = 'repeated-time-runs-once'; // started in the second pass; the fixed-hour job already ran
      } else if (kind === 'second-pass') {
        rule = reference === earlier ? 'repeated-hour-every-hour' : 'repeated-time-runs-once';
      } else if (kind === 'first-pass' && reference === earlier) {
        rule = 'repeated-time-first-pass';
      } else if (kind === 'gap-image' && reference === earlier) {
        rule = 'skipped-time-shift';
      } else {
        const at = (ms) => new Date(ms).toISOString();
        throw new Error(`croner and the reference disagree (${kind}): ${expression} ${tz} after ${at(after)}: croner ${at(croner)}, reference ${at(reference)}`);
      }
      expected = reference;
      rulesSeen[rule] = (rulesSeen[rule] ?? 0) + 1;
    }
  }
  const entry = { expression, timeZone: tz, after: new Date(after).toISOString(), expected: new Date(expected).toISOString() };
  if (rule) Object.assign(entry, { rule, croner: new Date(croner).toISOString() });
  if (rule && croner <= after) entry.note = 'croner answered a time before the start';
  cases.push(entry);
}

const fixture = {
  about:
    'Next-run cases from croner 9 (an implementation independent of ours). Cases with a "rule" are DST ' +
    'cases where croner and our documented rule (context/CRON.md) differ; their "expected" comes from a ' +
    'brute-force reference of that rule and "croner" keeps what croner said. Regenerate with ' +
    'node libs/cron/scripts/generate-fixture.mjs',
  rules: {
    'repeated-time-first-pass': 'a wall time that happens twice (clocks go back) runs in its first pass',
    'repeated-time-runs-once': 'a job with a fixed hour does not run again in the second pass',
    'repeated-hour-every-hour': 'a job whose hour field is * also runs in the second pass of a repeated hour',
    'skipped-time-shift': 'a wall time skipped by a forward jump runs shifted forward by the jump (02:30 -> 03:30)',
  },
  cases,
};
writeFileSync(OUT, JSON.stringify(fixture, null, 1) + '\n');
console.log(`wrote ${cases.length} cases to ${OUT}; rule cases: ${JSON.stringify(rulesSeen)}`);
