/**
 * Terminal size, updated on resize. A fixed size (tests, headless renders) wins when given. The
 * size comes from a TerminalSizeSource (renderApp's TerminalWatcher, whose resize listener runs
 * before Ink's), or else from the output stream's own resize events.
 */
import { useMemo, useSyncExternalStore } from 'react';
import { useStdout } from 'ink';
import { readTerminalSize, type TerminalSize, type TerminalSizeSource } from '../terminal/terminal-watcher';

export type { TerminalSize } from '../terminal/terminal-watcher';

/** A size source on a stream's resize events; the size object is kept so React sees a stable snapshot. */
function streamSizeSource(stream: NodeJS.WriteStream): TerminalSizeSource {
  let size = readTerminalSize(stream);
  return {
    getSize: () => size,
    subscribe(listener) {
      const onResize = () => {
        size = readTerminalSize(stream);
        listener();
      };
      stream.on('resize', onResize);
      return () => {
        stream.off('resize', onResize);
      };
    },
  };
}

export function useTerminalSize(fixed?: Partial<TerminalSize>, source?: TerminalSizeSource): TerminalSize {
  const { stdout } = useStdout();
  const fallback = useMemo(() => streamSizeSource(stdout), [stdout]);
  const active = source ?? fallback;
  const live = useSyncExternalStore(active.subscribe, active.getSize);
  return { columns: fixed?.columns ?? live.columns, rows: fixed?.rows ?? live.rows };
}
