/**
 * The Crontab tab: jobs with schedule, next run (relative and absolute) and last status.
 *   r run now · e enable/disable · R reload CRON.md · l recent runs' output (to the scrollback)
 */
import React from 'react';
import { Box, Text } from 'ink';
import { requestOk } from '../../connection/ok';
import { errorMessage } from '../../connection/types';
import { CRON_LOG_RUNS } from '../constants';
import { useAppContext } from '../contexts/AppContext';
import type { CronControls } from '../hooks/useCron';
import { useKeypress } from '../hooks/useKeypress';
import { useNow } from '../hooks/useNow';
import { useSyncedState } from '../hooks/useSyncedState';
import { parseCronLog, type CronJob } from '../state/cron';
import type { AddScrollback, NewScrollbackItem } from '../state/scrollback';
import { absoluteTime, relativeTime } from '../state/time-format';

/** Title, column header, errors line, notice, key help. */
const FIXED_ROWS = 5;
const NOW_REFRESH_MS = 1000;

export interface CronViewProps {
  cron: CronControls;
  addScrollback: AddScrollback;
  height: number;
  active: boolean;
}

function cell(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text.padEnd(width);
}

/** The line above a job's recent runs in the scrollback. */
export function cronLogHeading(name: string, runs: number): string {
  if (runs === 0) return `No runs yet of ${name}.`;
  return runs === 1 ? `── last run of ${name} ──` : `── last ${runs} runs of ${name} ──`;
}

function nextRunText(job: CronJob, now: number): string {
  if (!job.enabled) return 'disabled';
  if (job.nextRun === undefined) return '–';
  return `${relativeTime(job.nextRun, now)} (${absoluteTime(job.nextRun, now)})`;
}

export function CronView({ cron, addScrollback, height, active }: CronViewProps) {
  const { columns, theme, conn } = useAppContext();
  const [selected, selectedRef, setSelected] = useSyncedState(0);
  const now = useNow(NOW_REFRESH_MS);
  const shownJob = cron.jobs[Math.min(selected, cron.jobs.length - 1)] as CronJob | undefined;
  const listRows = Math.max(1, height - FIXED_ROWS);

  const showLog = async (name: string) => {
    try {
      const runs = parseCronLog(await requestOk(conn, { type: 'CRON_LOG', name, limit: CRON_LOG_RUNS }));
      const items: NewScrollbackItem[] = [{ kind: 'system', text: cronLogHeading(name, runs.length) }];
      for (const run of runs) {
        const at = new Date(run.startedAt).toLocaleString();
        items.push({ kind: 'system', text: `${at} · ${run.status}` }, { kind: 'info', text: run.output.trimEnd() || '(no output)' });
      }
      addScrollback(...items);
    } catch (err) {
      addScrollback({ kind: 'error', text: `[Error: ${errorMessage(err)}]` });
    }
  };

  useKeypress((key) => {
    const jobs = cron.currentJobs();
    if (key.name === 'up') return setSelected(Math.max(0, Math.min(jobs.length - 1, selectedRef.current - 1)));
    if (key.name === 'down') return setSelected(Math.max(0, Math.min(jobs.length - 1, selectedRef.current + 1)));
    if (key.ctrl || key.meta) return;
    if (key.text === 'R') return void cron.reload();
    const job = jobs[Math.min(selectedRef.current, jobs.length - 1)] as CronJob | undefined;
    if (!job) return;
    switch (key.text) {
      case 'r':
        return void cron.act({ type: 'CRON_RUN', name: job.name }, `Started ${job.name}.`);
      case 'e':
        return void cron
          .act({ type: job.enabled ? 'CRON_DISABLE' : 'CRON_ENABLE', name: job.name }, `${job.enabled ? 'Disabled' : 'Enabled'} ${job.name}.`)
          .then(() => cron.refresh());
      case 'l':
        return void showLog(job.name);
    }
  }, active);

  const nameW = Math.max(8, Math.floor((columns - 4) * 0.25));
  const schedW = Math.max(9, Math.floor((columns - 4) * 0.22));
  const nextW = Math.max(12, Math.floor((columns - 4) * 0.33));
  const statusW = Math.max(6, columns - 4 - nameW - schedW - nextW);
  const first = Math.max(0, Math.min(selected - Math.floor(listRows / 2), cron.jobs.length - listRows));
  const visible = cron.jobs.slice(first, first + listRows);

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end" dimColor>
        {` ${cell('job', nameW)} ${cell('schedule', schedW)} ${cell('next run', nextW)} ${cell('last', statusW)}`}
        {cron.loading ? ' loading…' : ''}
      </Text>
      {cron.jobs.length === 0 && !cron.loading && !cron.error ? <Text dimColor>(no jobs in CRON.md)</Text> : null}
      {visible.map((j) => {
        const isSelected = shownJob !== undefined && j.name === shownJob.name;
        const status = j.lastStatus ?? '–';
        const statusColor = status === 'ok' ? theme.ok : status === 'running' ? theme.accent : status === '–' ? undefined : theme.error;
        return (
          <Text key={j.name} wrap="truncate-end" inverse={isSelected} dimColor={!j.enabled}>
            {isSelected ? '›' : ' '}
            {`${cell(j.name, nameW)} ${cell(j.schedule, schedW)} ${cell(nextRunText(j, now), nextW)} `}
            <Text color={statusColor}>{cell(status, statusW)}</Text>
          </Text>
        );
      })}
      {cron.errors.length > 0 ? (
        <Text wrap="truncate-end" color={theme.error}>
          {cron.errors.map((e) => `CRON.md${e.line !== undefined ? ` line ${e.line}` : ''}: ${e.message}`).join('; ')}
        </Text>
      ) : null}
      {cron.error ? (
        <Text wrap="truncate-end" color={theme.error}>
          {cron.error}
        </Text>
      ) : cron.notice ? (
        <Text wrap="truncate-end" dimColor>
          {cron.notice}
        </Text>
      ) : null}
      <Text wrap="truncate-end" dimColor>
        r run now · e enable/disable · R reload · l recent output
      </Text>
    </Box>
  );
}
