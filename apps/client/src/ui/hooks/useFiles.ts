/** Browsing the remote sandbox: current folder, its entries, the selection, and file operations. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { requestOk } from '../../connection/ok';
import { errorCode, errorMessage, type ClientConnection } from '../../connection/types';
import { useSyncedState } from './useSyncedState';
import { remoteJoin } from './useTransfers';

/** A listed entry (FILE_LIST → OK {path, entries: [{name, kind, size, mtime}]}). */
export interface RemoteEntry {
  name: string;
  kind: 'file' | 'dir';
  size: number;
  mtime: number;
}

export interface FileOperation {
  type: 'FILE_DELETE' | 'FILE_MKDIR' | 'FILE_MOVE';
  path: string;
  to?: string;
  recursive?: boolean;
  overwrite?: boolean;
}

/** `refused`: the server answered with the code the caller asked to handle itself. */
export type OperationOutcome = 'done' | 'failed' | 'refused';

export interface FilesControls {
  /** Current folder, `''` for the sandbox root. */
  cwd: string;
  entries: RemoteEntry[];
  selected: number;
  loading: boolean;
  error?: string;
  /** Moves the selection by `delta` rows (clamped). */
  move(delta: number): void;
  select(index: number): void;
  /** The selected entry as of the latest key, not the latest render. */
  current(): RemoteEntry | undefined;
  open(entry: RemoteEntry): void;
  up(): void;
  refresh(): void;
  /**
   * Runs a simple request (FILE_DELETE, FILE_MKDIR, FILE_MOVE) and refreshes the listing. A refusal
   * with the code `askOn` is returned instead of shown, for the caller to offer the way past it.
   */
  operate(msg: FileOperation, done: string, askOn?: string): Promise<OperationOutcome>;
  notice?: string;
}

/** Folders first, then by name. */
export function sortEntries(entries: RemoteEntry[]): RemoteEntry[] {
  return [...entries].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
}

export function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

export function useFiles(conn: ClientConnection, active: boolean): FilesControls {
  const [cwd, setCwd] = useState('');
  // Synced: a key handler must see the selection of the key before it, even if React has not
  // re-rendered yet (Down then Delete in one burst must delete the entry Down moved to).
  const [entries, entriesRef, setEntries] = useSyncedState<RemoteEntry[]>([]);
  const [selected, selectedRef, setSelected] = useSyncedState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [loadedOnce, setLoadedOnce] = useState(false);
  const generation = useRef(0);

  const load = useCallback(
    async (path: string, selectName?: string) => {
      const mine = ++generation.current;
      setLoading(true);
      setError(undefined);
      try {
        const { entries: listed } = await requestOk(conn, { type: 'FILE_LIST', path });
        if (mine !== generation.current) return;
        const list = sortEntries(listed.map(({ name, kind, size, mtime }) => ({ name, kind, size, mtime })));
        setCwd(path);
        setEntries(list);
        setSelected(Math.max(0, selectName ? list.findIndex((e) => e.name === selectName) : 0));
      } catch (err) {
        if (mine === generation.current) setError(errorMessage(err));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [conn, setEntries, setSelected],
  );

  useEffect(() => {
    if (active && !loadedOnce) {
      setLoadedOnce(true);
      void load('');
    }
  }, [active, loadedOnce, load]);

  const operate = useCallback(
    async (msg: FileOperation, done: string, askOn?: string): Promise<OperationOutcome> => {
      try {
        await conn.request({ ...msg });
        setNotice(done);
      } catch (err) {
        setNotice(undefined);
        if (askOn !== undefined && errorCode(err) === askOn) return 'refused';
        setError(errorMessage(err));
        return 'failed';
      }
      await load(cwd, msg.to ? msg.to.split('/').pop() : undefined);
      return 'done';
    },
    [conn, load, cwd],
  );

  return {
    cwd,
    entries,
    selected,
    loading,
    error,
    notice,
    select: (index) => setSelected(Math.max(0, Math.min(entriesRef.current.length - 1, index))),
    move: (delta) => setSelected(Math.max(0, Math.min(entriesRef.current.length - 1, selectedRef.current + delta))),
    current: () => entriesRef.current[selectedRef.current],
    open: (entry) => {
      setNotice(undefined);
      if (entry.kind === 'dir') void load(remoteJoin(cwd, entry.name));
    },
    up: () => {
      setNotice(undefined);
      if (cwd !== '') void load(parentOf(cwd), cwd.split('/').pop());
    },
    refresh: () => void load(cwd),
    operate,
  };
}
