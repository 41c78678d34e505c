export {
  SECRET_FILE_MODE,
  createFileExclusive,
  isTempFileOf,
  removeStaleTempFiles,
  removeStaleTempFilesSync,
  writeFileAtomic,
  writeFileAtomicSync,
} from './atomic-write';
export { FileLockTimeout, withFileLock, type FileLockOptions } from './file-lock';
export { PidLockHeld, acquirePidLock, type PidLock } from './pid-lock';
