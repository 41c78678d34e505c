import { EventEmitter } from 'node:events';
import { TerminalWatcher } from './terminal-watcher';

/** Just enough of a TTY write stream: size, isTTY, write, resize events. */
class FakeTty extends EventEmitter {
  columns = 100;
  rows = 30;
  isTTY = true;
  written: string[] = [];
  write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const tty = new FakeTty();
  const watcher = new TerminalWatcher(tty as unknown as NodeJS.WriteStream);
  return { tty, watcher };
}

describe('TerminalWatcher', () => {
  test('reports the size and tells subscribers when it changes', () => {
    const { tty, watcher } = setup();
    const seen: number[] = [];
    watcher.subscribe(() => seen.push(watcher.getSize().columns));
    expect(watcher.getSize()).toEqual({ columns: 100, rows: 30 });
    tty.resize(80, 24);
    expect(seen).toEqual([80]);
    expect(watcher.getSize()).toEqual({ columns: 80, rows: 24 });
    watcher.dispose();
  });

  test('narrower: clears the re-wrapped frame before subscribers re-render', () => {
    const { tty, watcher } = setup();
    tty.write(`\x1b[2K\x1b[G\n${'x'.repeat(100)}\nstatus\n`);
    const order: string[] = [];
    watcher.subscribe(() => order.push(`render after ${tty.written.length} writes`));
    tty.resize(80, 24);
    expect(tty.written[1]).toBe('\r\x1b[4A\x1b[J\n\n\n');
    expect(order).toEqual(['render after 2 writes']);
    watcher.dispose();
  });

  test('wider, or a frame that still fits: writes nothing', () => {
    const { tty, watcher } = setup();
    tty.write('short frame\n');
    tty.resize(120, 30);
    tty.resize(90, 30);
    expect(tty.written).toEqual(['short frame\n']);
    watcher.dispose();
  });

  test('resize listeners added during start() run after the subscribers, once per burst', async () => {
    const { tty, watcher } = setup();
    const order: string[] = [];
    watcher.subscribe(() => order.push('ui'));
    watcher.deferListenersOf(() => tty.on('resize', () => order.push('ink')));
    tty.resize(90, 30);
    tty.resize(80, 24);
    expect(order).toEqual(['ui', 'ui']);
    await nextTurn();
    expect(order).toEqual(['ui', 'ui', 'ink']);
    watcher.dispose();
  });

  test('dispose restores write and stops listening', () => {
    const { tty, watcher } = setup();
    const original = FakeTty.prototype.write;
    watcher.dispose();
    expect(tty.write).toBe(original);
    expect(tty.listenerCount('resize')).toBe(0);
  });
});
