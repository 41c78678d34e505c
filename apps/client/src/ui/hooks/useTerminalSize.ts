/** Terminal size, updated on resize. A fixed size (tests, headless renders) wins when given. */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import { DEFAULT_COLUMNS, DEFAULT_ROWS } from '../constants';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export function useTerminalSize(fixed?: Partial<TerminalSize>): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({
    columns: fixed?.columns ?? (stdout.columns || DEFAULT_COLUMNS),
    rows: fixed?.rows ?? (stdout.rows || DEFAULT_ROWS),
  });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed?.columns, fixed?.rows]);
  return size;
}
