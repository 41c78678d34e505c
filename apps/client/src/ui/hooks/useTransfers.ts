/**
 * Transfers in progress and recently finished, for the Files tab. The transfer logic itself lives
 * in src/transfers/; this hook keeps a speed meter per transfer and throttles re-renders.
 */
import { useCallback, useRef, useState } from 'react';
import { basename, join } from 'node:path';
import { errorCode, errorMessage, type ClientConnection } from '../../connection/types';
import { SpeedMeter, downloadFile, etaSeconds, formatBytes, uploadFile, type TransferPhase, type TransferProgress } from '../../transfers';
import { PROGRESS_RENDER_MS, VISIBLE_TRANSFERS } from '../constants';
import type { AddScrollback } from '../state/scrollback';

export interface TransferView {
  id: number;
  direction: 'download' | 'upload';
  name: string;
  phase: TransferPhase | 'failed';
  bytesDone: number;
  totalBytes?: number;
  bytesPerSecond: number;
  etaSeconds?: number;
  error?: string;
}

/** `exists`: the target is already there and overwrite was not asked for; nothing was changed. */
export type TransferOutcome = 'done' | 'failed' | 'exists';

export interface TransferControls {
  transfers: TransferView[];
  /** `localDir` and `localPath` are absolute (see resolveLocalPath). */
  download(remotePath: string, localDir: string, expectedSize?: number, overwrite?: boolean): Promise<TransferOutcome>;
  upload(localPath: string, remoteDir: string, overwrite?: boolean): Promise<TransferOutcome>;
}

export function remoteJoin(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

const finished = (t: TransferView) => t.phase === 'done' || t.phase === 'failed';

/** Every running transfer stays listed; finished ones are dropped oldest first beyond the limit. */
export function prune(list: TransferView[]): TransferView[] {
  let excess = list.length - VISIBLE_TRANSFERS;
  return list.filter((t) => {
    if (excess > 0 && finished(t)) {
      excess -= 1;
      return false;
    }
    return true;
  });
}

export function useTransfers(conn: ClientConnection, addScrollback: AddScrollback): TransferControls {
  const [transfers, setTransfers] = useState<TransferView[]>([]);
  const nextId = useRef(0);
  const lastRender = useRef(new Map<number, { at: number; phase: string }>());

  const update = useCallback((id: number, patch: Partial<TransferView>, force = false) => {
    const now = Date.now();
    const last = lastRender.current.get(id);
    if (!force && last && last.phase === patch.phase && now - last.at < PROGRESS_RENDER_MS) return;
    lastRender.current.set(id, { at: now, phase: String(patch.phase) });
    setTransfers((list) => list.map((t) => (t.id === id ? { ...t, ...patch } : t)));
  }, []);

  const run = useCallback(
    async (
      direction: TransferView['direction'],
      name: string,
      overwrite: boolean,
      start: (onProgress: (p: TransferProgress) => void) => Promise<unknown>,
    ): Promise<TransferOutcome> => {
      const id = nextId.current++;
      const meter = new SpeedMeter();
      setTransfers((list) => prune([...list, { id, direction, name, phase: 'hashing', bytesDone: 0, bytesPerSecond: 0 }]));
      const onProgress = (p: TransferProgress) => {
        if (p.phase === 'transferring') meter.sample(Date.now(), p.bytesDone);
        const bytesPerSecond = meter.bytesPerSecond();
        update(id, { ...p, bytesPerSecond, etaSeconds: etaSeconds(p.bytesDone, p.totalBytes, bytesPerSecond) }, p.phase === 'done');
      };
      try {
        await start(onProgress);
        update(id, { phase: 'done', etaSeconds: 0 }, true);
        return 'done';
      } catch (err) {
        if (!overwrite && errorCode(err) === 'EXISTS') {
          // Not a failure: the caller asks whether to replace it, and the row would only be noise.
          lastRender.current.delete(id);
          setTransfers((list) => list.filter((t) => t.id !== id));
          return 'exists';
        }
        update(id, { phase: 'failed', error: errorMessage(err) }, true);
        addScrollback({ kind: 'error', text: `[Error: ${direction} of ${name} failed: ${errorMessage(err)}]` });
        return 'failed';
      }
    },
    [update, addScrollback],
  );

  const download = useCallback(
    async (remotePath: string, localDir: string, expectedSize?: number, overwrite = false) => {
      const name = remotePath.split('/').pop() ?? remotePath;
      const localPath = join(localDir, name);
      const outcome = await run('download', name, overwrite, (onProgress) => downloadFile(conn, { remotePath, localPath, expectedSize, overwrite, onProgress }));
      if (outcome === 'done') addScrollback({ kind: 'system', text: `Downloaded ${remotePath} to ${localPath}${expectedSize !== undefined ? ` (${formatBytes(expectedSize)})` : ''}.` });
      return outcome;
    },
    [conn, run, addScrollback],
  );

  const upload = useCallback(
    async (localPath: string, remoteDir: string, overwrite = false) => {
      const name = basename(localPath);
      const remotePath = remoteJoin(remoteDir, name);
      const outcome = await run('upload', name, overwrite, (onProgress) => uploadFile(conn, { localPath, remotePath, overwrite, onProgress }));
      if (outcome === 'done') addScrollback({ kind: 'system', text: `Uploaded ${localPath} to ${remotePath || '/'}.` });
      return outcome;
    },
    [conn, run, addScrollback],
  );

  return { transfers, download, upload };
}
