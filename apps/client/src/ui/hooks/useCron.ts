/**
 * Crontab jobs: fetched when the tab is first shown, kept live by CRON_EVENT pushes (runs) and
 * CRON_CHANGED pushes (CRON.md was read again: new jobs, parse problems found or fixed).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { requestOk } from '../../connection/ok';
import { errorMessage, type ClientConnection } from '../../connection/types';
import { applyCronEvent, parseCronList, type CronJob, type CronParseError } from '../state/cron';

export interface CronControls {
  jobs: CronJob[];
  /** The job list as of now (for key handlers that run before the next render). */
  currentJobs(): CronJob[];
  errors: CronParseError[];
  loading: boolean;
  error?: string;
  notice?: string;
  reload(): Promise<void>;
  refresh(): Promise<void>;
  /** Runs a request about one job and shows `done` (or the error) as the tab's notice. */
  act(msg: { type: string; name?: string }, done: string): Promise<void>;
}

export function useCron(conn: ClientConnection, active: boolean): CronControls {
  const [jobs, setJobsState] = useState<CronJob[]>([]);
  // Pushes are applied to the latest list, not to the one of the render that subscribed.
  const jobsRef = useRef<CronJob[]>([]);
  const setJobs = useCallback((next: CronJob[]) => {
    jobsRef.current = next;
    setJobsState(next);
  }, []);
  const [errors, setErrors] = useState<CronParseError[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const loaded = useRef(false);

  const refresh = useCallback(async () => {
    loaded.current = true;
    setLoading(true);
    try {
      const listing = parseCronList(await requestOk(conn, { type: 'CRON_LIST' }));
      setJobs(listing.jobs);
      setErrors(listing.errors);
      setError(undefined);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [conn, setJobs]);

  useEffect(() => {
    if (active && !loaded.current) void refresh();
  }, [active, refresh]);

  useEffect(
    () =>
      conn.onPush((m) => {
        if (m.type === 'CRON_CHANGED') {
          if (loaded.current) void refresh();
          return;
        }
        if (m.type !== 'CRON_EVENT') return;
        const result = applyCronEvent(jobsRef.current, m);
        setJobs(result.jobs);
        // A job we have not listed (CRON.md changed), or a finished run whose next run only the server
        // knows: fetch the list, but only if it was ever shown.
        if (result.refresh && loaded.current) void refresh();
      }),
    [conn, refresh, setJobs],
  );

  const act = useCallback(
    async (msg: { type: string; name?: string }, done: string) => {
      try {
        await conn.request(msg);
        setNotice(done);
        setError(undefined);
      } catch (err) {
        setNotice(undefined);
        setError(errorMessage(err));
      }
    },
    [conn],
  );

  const reload = useCallback(async () => {
    await act({ type: 'CRON_RELOAD' }, 'CRON.md reloaded.');
    await refresh();
  }, [act, refresh]);

  return { jobs, currentJobs: () => jobsRef.current, errors, loading, error, notice, reload, refresh, act };
}
