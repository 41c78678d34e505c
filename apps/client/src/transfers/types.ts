export type TransferPhase = 'hashing' | 'transferring' | 'waiting' | 'committing' | 'done';

export interface TransferProgress {
  phase: TransferPhase;
  bytesDone: number;
  /** Unknown for a download until the server says (FILE_DONE, or a FILE_DATA carrying `size`). */
  totalBytes?: number;
}

export interface TransferResult {
  size: number;
  sha256: string;
  localPath: string;
  remotePath: string;
}
