export * from './constants';
export { Sandbox, type SandboxOptions, type FileEntry, type FileStat, type DownloadRange } from './sandbox';
export type { Download, DownloadEvent, DownloadChunk, DownloadDone } from './download';
export { OffsetMismatchError, type BeginUploadRequest, type BeginUploadResult, type CommittedUpload } from './uploads';
export { parseSandboxPath, segmentProblem, type SandboxPath } from './sandbox-path';
export { uploadIdFor } from './upload-staging';
