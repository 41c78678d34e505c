/**
 * CRON.md: parsing into job definitions, and rewriting one job's `enabled:` line.
 *
 * Format (documented for users at the top of context/CRON.md): each job is a `## Name` heading
 * followed by `key: value` lines; `prompt:` takes the rest of the section (until the next `##` or `#`
 * heading) as the prompt. HTML comments are ignored everywhere, and so is text outside job sections,
 * which is where the file documents itself.
 */
import { ProtocolError } from '@clawchat/protocol';
import { DEFAULT_MISSED_POLICY, MAX_JOB_NAME_CHARS } from './constants';
import { validateSchedule } from './schedule';
import { isValidTimeZone } from './time-zone';

export type MissedPolicy = 'skip' | 'once';

export interface CronJobDefinition {
  readonly name: string;
  readonly schedule: string;
  /** IANA zone; undefined means the server's zone. */
  readonly timezone?: string;
  readonly enabled: boolean;
  readonly missed: MissedPolicy;
  /** Cap on runs per calendar day in the job's zone; undefined means no cap. */
  readonly maxRunsPerDay?: number;
  readonly prompt: string;
  /** 1-based line of the job's `##` heading. */
  readonly line: number;
}

export interface CronParseError {
  /** 1-based line the problem is on. */
  readonly line: number;
  readonly job?: string;
  readonly message: string;
}

export interface CronFileParseResult {
  readonly jobs: CronJobDefinition[];
  readonly errors: CronParseError[];
}

const KNOWN_KEYS = ['schedule', 'timezone', 'enabled', 'missed', 'max_runs_per_day', 'prompt'] as const;
type Key = (typeof KNOWN_KEYS)[number];

const JOB_HEADING = /^##(?!#)[ \t]+(.*?)[ \t#]*$/;
const TOP_HEADING = /^#(?!#)[ \t]/;
const KEY_LINE = /^[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*?)[ \t]*$/;

interface Line {
  /** Text without its line ending. */
  readonly text: string;
  /** '\r\n', '\n', '\r' or '' for a last line without one. */
  readonly eol: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /\r\n|\n|\r/g;
  let start = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    lines.push({ text: text.slice(start, match.index), eol: match[0] });
    start = match.index + match[0].length;
  }
  lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

/** Blanks out HTML comments but keeps their line breaks, so line numbers stay true. */
function stripComments(text: string): { text: string; unclosedAt: number | null } {
  let unclosedAt: number | null = null;
  const stripped = text.replace(/<!--[\s\S]*?(-->|$)/g, (comment, close: string, offset: number) => {
    if (close === '' && unclosedAt === null) unclosedAt = text.slice(0, offset).split(/\r\n|\n|\r/).length;
    return comment.replace(/[^\r\n]/g, '');
  });
  return { text: stripped, unclosedAt };
}

interface KeyLine {
  readonly index: number;
  readonly key: string;
  readonly value: string;
}

interface Section {
  readonly name: string;
  /** 0-based index of the heading line. */
  readonly headingIndex: number;
  /** `key: value` lines before the prompt, in order. */
  readonly keys: KeyLine[];
  /** Lines that are neither blank nor `key: value`, before the prompt. */
  readonly strayIndexes: number[];
  /** 0-based index of the `prompt:` line, or null. */
  readonly promptIndex: number | null;
  readonly promptText: string;
}

/** Finds the job sections; shared by the parser and by setJobEnabled so both agree on structure. */
function scanSections(text: string): { sections: Section[]; unclosedAt: number | null; lineCount: number } {
  const { text: visible, unclosedAt } = stripComments(text);
  const lines = splitLines(visible);
  const sections: Section[] = [];
  let current: { name: string; headingIndex: number; body: number[] } | null = null;
  const finish = (): void => {
    if (current) sections.push(buildSection(current.name, current.headingIndex, current.body, lines));
    current = null;
  };
  lines.forEach((line, index) => {
    const heading = JOB_HEADING.exec(line.text);
    if (heading) {
      finish();
      current = { name: heading[1].trim(), headingIndex: index, body: [] };
    } else if (TOP_HEADING.test(line.text)) {
      finish();
    } else if (current) {
      current.body.push(index);
    }
  });
  finish();
  return { sections, unclosedAt, lineCount: lines.length };
}

function buildSection(name: string, headingIndex: number, body: number[], lines: Line[]): Section {
  const keys: KeyLine[] = [];
  const strayIndexes: number[] = [];
  let promptIndex: number | null = null;
  const promptLines: string[] = [];
  for (const index of body) {
    const text = lines[index].text;
    if (promptIndex !== null) {
      promptLines.push(text);
      continue;
    }
    if (text.trim() === '') continue;
    const keyLine = KEY_LINE.exec(text);
    if (!keyLine) {
      strayIndexes.push(index);
      continue;
    }
    const key = keyLine[1].toLowerCase();
    if (key === 'prompt') {
      promptIndex = index;
      promptLines.push(keyLine[2]);
    } else {
      keys.push({ index, key, value: keyLine[2] });
    }
  }
  return { name, headingIndex, keys, strayIndexes, promptIndex, promptText: promptLines.join('\n').trim() };
}

function parseBoolean(value: string): boolean | null {
  const lower = value.toLowerCase();
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (['false', 'no', 'off'].includes(lower)) return false;
  return null;
}

/** Parses CRON.md. Every problem is reported with its line; jobs without problems are returned. */
export function parseCronFile(text: string): CronFileParseResult {
  const { sections, unclosedAt } = scanSections(text);
  const jobs: CronJobDefinition[] = [];
  const errors: CronParseError[] = [];
  if (unclosedAt !== null) {
    errors.push({ line: unclosedAt, message: 'HTML comment "<!--" is never closed; add "-->" where it should end.' });
  }
  const firstLineByName = new Map<string, number>();

  for (const section of sections) {
    const headingLine = section.headingIndex + 1;
    const job = section.name;
    const jobErrors: CronParseError[] = [];
    const fail = (line: number, message: string): void => {
      jobErrors.push({ line, job, message });
    };

    const firstLine = firstLineByName.get(job.toLowerCase());
    if (firstLine !== undefined) {
      fail(headingLine, `Duplicate job name "${job}" (first defined on line ${firstLine}); rename one of them.`);
    } else {
      firstLineByName.set(job.toLowerCase(), headingLine);
    }
    if (job.length > MAX_JOB_NAME_CHARS) {
      fail(headingLine, `Job name is longer than ${MAX_JOB_NAME_CHARS} characters; shorten it.`);
    }
    for (const index of section.strayIndexes) {
      fail(index + 1, `Expected "key: value" (keys: ${KNOWN_KEYS.join(', ')}); put free text after "prompt:".`);
    }

    const values = new Map<Key, { value: string; line: number }>();
    for (const { index, key, value } of section.keys) {
      const line = index + 1;
      if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
        fail(line, `Unknown key "${key}"; known keys are ${KNOWN_KEYS.join(', ')}.`);
        continue;
      }
      const previous = values.get(key as Key);
      if (previous) {
        fail(line, `Key "${key}" is given twice (also on line ${previous.line}); keep one.`);
        continue;
      }
      values.set(key as Key, { value, line });
    }

    const schedule = values.get('schedule');
    if (!schedule || schedule.value === '') {
      fail(schedule?.line ?? headingLine, 'Job has no "schedule:" line; add one, e.g. "schedule: 0 9 * * 1-5".');
    } else {
      const problem = validateSchedule(schedule.value);
      if (problem) fail(schedule.line, problem);
    }

    const timezone = values.get('timezone');
    if (timezone && !isValidTimeZone(timezone.value)) {
      fail(timezone.line, `Unknown time zone "${timezone.value}"; use an IANA name such as Europe/Berlin.`);
    }

    let enabled = true;
    const enabledEntry = values.get('enabled');
    if (enabledEntry) {
      const parsed = parseBoolean(enabledEntry.value);
      if (parsed === null) fail(enabledEntry.line, `"enabled" must be true or false, not "${enabledEntry.value}".`);
      else enabled = parsed;
    }

    let missed: MissedPolicy = DEFAULT_MISSED_POLICY;
    const missedEntry = values.get('missed');
    if (missedEntry) {
      const value = missedEntry.value.toLowerCase();
      if (value === 'skip' || value === 'once') missed = value;
      else fail(missedEntry.line, `"missed" must be skip or once, not "${missedEntry.value}".`);
    }

    let maxRunsPerDay: number | undefined;
    const capEntry = values.get('max_runs_per_day');
    if (capEntry) {
      if (/^[1-9][0-9]{0,5}$/.test(capEntry.value)) maxRunsPerDay = Number(capEntry.value);
      else fail(capEntry.line, `"max_runs_per_day" must be a whole number from 1 to 999999, not "${capEntry.value}".`);
    }

    if (section.promptIndex === null) {
      fail(headingLine, 'Job has no "prompt:"; add "prompt:" followed by what the assistant should do.');
    } else if (section.promptText === '') {
      fail(section.promptIndex + 1, 'The prompt is empty; write what the assistant should do after "prompt:".');
    }

    if (jobErrors.length > 0) {
      errors.push(...jobErrors);
      continue;
    }
    jobs.push({
      name: job,
      schedule: schedule!.value,
      ...(timezone ? { timezone: timezone.value } : {}),
      enabled,
      missed,
      ...(maxRunsPerDay !== undefined ? { maxRunsPerDay } : {}),
      prompt: section.promptText,
      line: headingLine,
    });
  }
  errors.sort((a, b) => a.line - b.line);
  return { jobs, errors };
}

/**
 * NOT_FOUND for a job name CRON.md does not have. Shown as is in the TUI and the CLI, so it names the
 * places a person can look (not a protocol message) and suits both.
 */
export function unknownJobError(name: string): ProtocolError {
  return new ProtocolError('NOT_FOUND', `No job named "${name}" in CRON.md; the Crontab tab and \`clawchat cron ls\` list the jobs.`);
}

/**
 * Returns `fileText` with job `name`'s `enabled:` value set, every other byte unchanged (line endings
 * included). Without an `enabled:` line one is inserted right after the heading.
 * Throws ProtocolError NOT_FOUND when there is no such job.
 */
export function setJobEnabled(fileText: string, name: string, enabled: boolean): string {
  const { sections } = scanSections(fileText);
  const wanted = name.trim().toLowerCase();
  const section = sections.find((candidate) => candidate.name.toLowerCase() === wanted);
  if (!section) {
    throw unknownJobError(name);
  }
  const lines = splitLines(fileText);
  const value = enabled ? 'true' : 'false';
  const existing = section.keys.find((keyLine) => keyLine.key === 'enabled');
  if (existing) {
    const line = lines[existing.index];
    lines[existing.index] = { ...line, text: line.text.replace(/^([ \t]*enabled[ \t]*:[ \t]*)(\S*)/i, `$1${value}`) };
  } else {
    const heading = lines[section.headingIndex];
    const eol = heading.eol || lines.find((line) => line.eol !== '')?.eol || '\n';
    // A heading on the last line has no line ending: it gets one and the new line ends the file.
    lines.splice(section.headingIndex, 1, { text: heading.text, eol }, { text: `enabled: ${value}`, eol: heading.eol });
  }
  return lines.map((line) => line.text + line.eol).join('');
}
