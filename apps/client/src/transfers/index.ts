export { downloadFile, type DownloadOptions } from './download';
export { uploadFile, type UploadOptions } from './upload';
export { SpeedMeter, formatBytes, formatDuration, etaSeconds } from './progress';
export type { TransferPhase, TransferProgress, TransferResult } from './types';
