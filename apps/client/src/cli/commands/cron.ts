/** `clawchat cron ls|run|log|enable|disable|reload`. */
import { requestOk } from '../../connection/ok';
import type { ClientConnection } from '../../connection/types';
import type { CronCommand } from '../args';
import { EXIT, type ExitCode } from '../exit-codes';
import { formatTable, jsonLine, textLine, type Io } from '../io';

/** To the second: milliseconds only make a column ragged. */
const iso = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export async function runCron(conn: ClientConnection, cmd: CronCommand, io: Io): Promise<ExitCode> {
  switch (cmd.action) {
    case 'ls': {
      const result = await requestOk(conn, { type: 'CRON_LIST' });
      if (io.json) {
        jsonLine(io, result);
        return EXIT.OK;
      }
      const header = ['name', 'schedule', 'enabled', 'next run', 'last run', 'last status'];
      const rows = result.jobs.map((j) => [j.name, j.schedule, j.enabled ? 'yes' : 'no', iso(j.next_run), iso(j.last_run), j.last_status ?? '-']);
      for (const line of formatTable([header, ...rows])) textLine(io, line);
      for (const e of result.errors) textLine(io, `CRON.md line ${e.line}${e.job ? ` (${e.job})` : ''}: ${e.message}`);
      return EXIT.OK;
    }
    case 'reload': {
      const result = await requestOk(conn, { type: 'CRON_RELOAD' });
      if (io.json) {
        jsonLine(io, result);
        return EXIT.OK;
      }
      textLine(io, `CRON.md reloaded: ${result.jobs} job(s)${result.errors.length ? `, ${result.errors.length} error(s)` : ''}`);
      for (const e of result.errors) textLine(io, `CRON.md line ${e.line}${e.job ? ` (${e.job})` : ''}: ${e.message}`);
      return EXIT.OK;
    }
    case 'run': {
      const result = await requestOk(conn, { type: 'CRON_RUN', name: cmd.name });
      if (io.json) {
        jsonLine(io, { name: cmd.name, ...result });
        return EXIT.OK;
      }
      textLine(io, `started ${cmd.name} (run ${result.runId})`);
      return EXIT.OK;
    }
    case 'enable':
    case 'disable': {
      const result = await requestOk(conn, { type: cmd.action === 'enable' ? 'CRON_ENABLE' : 'CRON_DISABLE', name: cmd.name });
      if (io.json) {
        jsonLine(io, result);
        return EXIT.OK;
      }
      textLine(io, `${result.name} ${result.enabled ? 'enabled' : 'disabled'}`);
      return EXIT.OK;
    }
    case 'log': {
      const result = await requestOk(conn, { type: 'CRON_LOG', name: cmd.name, limit: cmd.limit });
      if (io.json) {
        jsonLine(io, { name: cmd.name, ...result });
        return EXIT.OK;
      }
      if (result.runs.length === 0) textLine(io, `${cmd.name} has not run yet`);
      for (const run of result.runs) {
        textLine(io, `── ${iso(run.startedAt)} · ${run.status ?? 'running'} · run ${run.runId} ──`);
        textLine(io, run.output.trimEnd() || '(no output)');
      }
      return EXIT.OK;
    }
  }
}
