import { ProtocolError } from '@clawchat/protocol';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCronFile, setJobEnabled } from './cron-file';

const GOOD = `# Scheduled jobs
<!--
Format help. This example is inside a comment, so it is not a job:
## Not a job
schedule: 0 0 * * *
prompt: ignored
-->
Some prose that is ignored.

## Morning briefing
schedule: 0 7 * * 1-5
timezone: Europe/Berlin
enabled: true
missed: once
max_runs_per_day: 2
prompt: Give me a short briefing.
Include the weather.

### A sub-heading inside the prompt

- and a list

## Weekly review
schedule: @weekly
enabled: false
missed: skip
prompt:
  Review the week.
`;

describe('parseCronFile', () => {
  test('reads jobs, defaults and multi-line prompts; ignores comments and prose', () => {
    const { jobs, errors } = parseCronFile(GOOD);
    expect(errors).toEqual([]);
    expect(jobs).toEqual([
      {
        name: 'Morning briefing',
        schedule: '0 7 * * 1-5',
        timezone: 'Europe/Berlin',
        enabled: true,
        missed: 'once',
        maxRunsPerDay: 2,
        prompt: 'Give me a short briefing.\nInclude the weather.\n\n### A sub-heading inside the prompt\n\n- and a list',
        line: 10,
      },
      { name: 'Weekly review', schedule: '@weekly', enabled: false, missed: 'skip', prompt: 'Review the week.', line: 23 },
    ]);
  });

  test('missed defaults to once and enabled to true', () => {
    const { jobs } = parseCronFile('## A\nschedule: @daily\nprompt: hi\n');
    expect(jobs[0]).toMatchObject({ enabled: true, missed: 'once' });
    expect(jobs[0].timezone).toBeUndefined();
    expect(jobs[0].maxRunsPerDay).toBeUndefined();
  });

  test('a top-level heading ends a job section', () => {
    const { jobs } = parseCronFile('## A\nschedule: @daily\nprompt: hi\n# Notes\nnot part of the prompt\n');
    expect(jobs[0].prompt).toBe('hi');
  });

  test('each problem is reported with its line and job; the good jobs still parse', () => {
    const text = [
      '## Good one', //              1
      'schedule: @hourly', //        2
      'prompt: ok', //               3
      '## Bad schedule', //          4
      'schedule: 61 * * * *', //     5
      'prompt: x', //                6
      '## Bad zone', //              7
      'schedule: @daily', //         8
      'timezone: Mars/Olympus', //   9
      'prompt: x', //                10
      '## Unknown key', //           11
      'schedule: @daily', //         12
      'colour: blue', //             13
      'prompt: x', //                14
      '## Good one', //              15 duplicate
      'schedule: @daily', //         16
      'prompt: x', //                17
      '## Bad values', //            18
      'schedule: @daily', //         19
      'enabled: maybe', //           20
      'missed: twice', //            21
      'max_runs_per_day: 0', //      22
      'prompt: x', //                23
      '## No schedule', //           24
      'just some text', //           25
      'prompt: x', //                26
      '## No prompt', //             27
      'schedule: @daily', //         28
      '## Empty prompt', //          29
      'schedule: @daily', //         30
      'prompt:', //                  31
      '## Also good', //             32
      'schedule: */5 * * * *', //    33
      'schedule: @daily', //         34 duplicate key
      'prompt: y', //                35
    ].join('\n');
    const { jobs, errors } = parseCronFile(text);
    expect(jobs.map((job) => job.name)).toEqual(['Good one']);
    const summary = errors.map((error) => [error.line, error.job]);
    expect(summary).toEqual([
      [5, 'Bad schedule'],
      [9, 'Bad zone'],
      [13, 'Unknown key'],
      [15, 'Good one'],
      [20, 'Bad values'],
      [21, 'Bad values'],
      [22, 'Bad values'],
      [24, 'No schedule'],
      [25, 'No schedule'],
      [27, 'No prompt'],
      [31, 'Empty prompt'],
      [34, 'Also good'],
    ]);
    const byLine = (line: number): string[] => errors.filter((error) => error.line === line).map((error) => error.message);
    expect(byLine(5)[0]).toMatch(/Invalid schedule "61 \* \* \* \*"/);
    expect(byLine(9)[0]).toMatch(/Unknown time zone "Mars\/Olympus"/);
    expect(byLine(13)[0]).toMatch(/Unknown key "colour"/);
    expect(byLine(15)[0]).toMatch(/Duplicate job name "Good one" \(first defined on line 1\)/);
    expect(byLine(20)[0]).toMatch(/"enabled" must be true or false/);
    expect(byLine(21)[0]).toMatch(/"missed" must be skip or once/);
    expect(byLine(22)[0]).toMatch(/"max_runs_per_day" must be a whole number/);
    expect(byLine(24)[0]).toMatch(/no "schedule:"/);
    expect(byLine(25)[0]).toMatch(/Expected "key: value"/);
    expect(byLine(27)[0]).toMatch(/no "prompt:"/);
    expect(byLine(31)[0]).toMatch(/prompt is empty/);
    expect(byLine(34)[0]).toMatch(/given twice \(also on line 33\)/);
    expect(errors.every((error) => error.job !== undefined)).toBe(true);
    expect(errors.map((error) => error.line)).toEqual([...errors.map((error) => error.line)].sort((a, b) => a - b));
  });

  test('CRLF files parse the same, with the same line numbers', () => {
    const crlf = GOOD.replace(/\n/g, '\r\n');
    const lf = parseCronFile(GOOD);
    const parsed = parseCronFile(crlf);
    expect(parsed).toEqual(lf);
    const broken = parseCronFile('## A\r\nschedule: nope\r\nprompt: x\r\n');
    expect(broken.errors).toMatchObject([{ line: 2, job: 'A' }]);
  });

  test('an unclosed comment is reported and hides what follows', () => {
    const { jobs, errors } = parseCronFile('## A\nschedule: @daily\nprompt: hi\n<!-- oops\n## B\nschedule: @daily\nprompt: x\n');
    expect(jobs.map((job) => job.name)).toEqual(['A']);
    expect(errors).toEqual([{ line: 4, message: expect.stringMatching(/never closed/) }]);
  });
});

describe('setJobEnabled', () => {
  test('rewrites only the value on that job\'s enabled line', () => {
    const out = setJobEnabled(GOOD, 'Weekly review', true);
    const expected = GOOD.replace('## Weekly review\nschedule: @weekly\nenabled: false', '## Weekly review\nschedule: @weekly\nenabled: true');
    expect(out).toBe(expected);
    expect(parseCronFile(out).jobs[1].enabled).toBe(true);
    expect(parseCronFile(out).jobs[0].enabled).toBe(true);
  });

  test('keeps spacing and anything after the value', () => {
    const text = '## A\nschedule: @daily\n  Enabled :   true   <!-- paused? -->\nprompt: hi\n';
    expect(setJobEnabled(text, 'a', false)).toBe('## A\nschedule: @daily\n  Enabled :   false   <!-- paused? -->\nprompt: hi\n');
  });

  test('inserts an enabled line after the heading when there is none', () => {
    const text = '## A\nschedule: @daily\nprompt: hi\n## B\nschedule: @daily\nprompt: enabled: not a key here\n';
    expect(setJobEnabled(text, 'B', false)).toBe(
      '## A\nschedule: @daily\nprompt: hi\n## B\nenabled: false\nschedule: @daily\nprompt: enabled: not a key here\n',
    );
  });

  test('is byte for byte on CRLF files, both when replacing and when inserting', () => {
    const crlf = GOOD.replace(/\n/g, '\r\n');
    const replaced = setJobEnabled(crlf, 'Morning briefing', false);
    expect(replaced).toBe(crlf.replace('enabled: true\r\n', 'enabled: false\r\n'));
    const noLine = '## A\r\nschedule: @daily\r\nprompt: hi\r\n';
    expect(setJobEnabled(noLine, 'A', false)).toBe('## A\r\nenabled: false\r\nschedule: @daily\r\nprompt: hi\r\n');
  });

  test('a heading on the last line without a newline', () => {
    expect(setJobEnabled('intro\r\n## A', 'A', true)).toBe('intro\r\n## A\r\nenabled: true');
  });

  test('ignores look-alike jobs inside comments; unknown names fail with NOT_FOUND', () => {
    for (const name of ['Not a job', 'Nope']) {
      let caught: unknown;
      try {
        setJobEnabled(GOOD, name, false);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ProtocolError);
      expect((caught as ProtocolError).code).toBe('NOT_FOUND');
      // Shown as is in the TUI and the CLI: names where to look, never a protocol message type.
      expect((caught as ProtocolError).message).toBe(`No job named "${name}" in CRON.md; the Crontab tab and \`clawchat cron ls\` list the jobs.`);
    }
  });
});

describe('the sample context/CRON.md shipped with the repo', () => {
  const text = readFileSync(join(__dirname, '../../../context/CRON.md'), 'utf8');

  test('parses without errors: one enabled job, one disabled, docs ignored', () => {
    const { jobs, errors } = parseCronFile(text);
    expect(errors).toEqual([]);
    expect(jobs.map((job) => [job.name, job.enabled, job.missed])).toEqual([
      ['Morning briefing', true, 'once'],
      ['Weekly review', false, 'skip'],
    ]);
    expect(jobs[0].prompt).toMatch(/^Good morning!/);
  });

  test('enable/disable round-trips to the identical file', () => {
    const disabled = setJobEnabled(text, 'Morning briefing', false);
    expect(disabled).not.toBe(text);
    expect(setJobEnabled(disabled, 'Morning briefing', true)).toBe(text);
  });
});
