export {
  parseCronFile,
  setJobEnabled,
  unknownJobError,
  type CronJobDefinition,
  type CronParseError,
  type CronFileParseResult,
  type MissedPolicy,
} from './cron-file';
export { nextRun, validateSchedule, compileSchedule, ScheduleError, type CompiledSchedule } from './schedule';
export { serverTimeZone, isValidTimeZone, localDateKey } from './time-zone';
export {
  Scheduler,
  type SchedulerAction,
  type SchedulerOptions,
  type StartReason,
  type SkipReason,
  type FinishedRun,
  type CronJobSnapshot,
} from './scheduler';
export { emptyCronState, parseCronState, type CronState, type CronJobState, type RunStatus } from './cron-state';
export { CronStateStore, type LoadedCronState } from './cron-state-store';
export { CronLog, jobSlug, type CronRunRecord, type CronLogOptions } from './cron-log';
export * as cronConstants from './constants';
