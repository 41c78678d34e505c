import { FrameTracker, cellWidth, reflowEraseSequence, reflowedRows } from './frame-reflow';

const ERASE_3 = '\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[G';

describe('cellWidth', () => {
  test('ignores escape sequences, counts wide characters twice and combining marks not at all', () => {
    expect(cellWidth('\x1b[7m› job\x1b[27m')).toBe(5);
    expect(cellWidth('日本')).toBe(4);
    expect(cellWidth('e\u0301')).toBe(1);
    expect(cellWidth('')).toBe(0);
  });
});

describe('reflowedRows', () => {
  test('each line takes ceil(width / columns) rows, an empty line one', () => {
    const frame = `\n${'x'.repeat(100)}\n${'y'.repeat(80)}\nshort\n`;
    expect(reflowedRows(frame, 80)).toBe(1 + 2 + 1 + 1);
    expect(reflowedRows(frame, 100)).toBe(4);
    expect(reflowedRows(frame, 40)).toBe(1 + 3 + 2 + 1);
  });
});

describe('reflowEraseSequence', () => {
  test('nothing to do when no line wraps at the new width', () => {
    expect(reflowEraseSequence('a\nb\n', 80)).toBe('');
    expect(reflowEraseSequence('', 10)).toBe('');
  });

  test('up over every re-wrapped row, clear to the end, then down by the frame lines Ink will erase', () => {
    // 3 lines + the cursor line; at 80 columns the 100-wide line takes 2 rows: 4 rows above the cursor.
    expect(reflowEraseSequence(`head\n${'x'.repeat(100)}\ntail\n`, 80)).toBe('\r\x1b[4A\x1b[J\n\n\n');
  });

  test('a frame that filled the terminal leaves the cursor on its last line', () => {
    expect(reflowEraseSequence(`${'x'.repeat(100)}\ntail`, 80)).toBe('\r\x1b[2A\x1b[J\n');
  });
});

describe('FrameTracker', () => {
  test('erase and frame in one write: the frame is what follows the erase', () => {
    const t = new FrameTracker();
    t.observe(`${ERASE_3}line 1\nline 2\n`);
    expect(t.lastFrame).toBe('line 1\nline 2\n');
  });

  test('erase, scrollback text, frame in three writes: the last one is the frame', () => {
    const t = new FrameTracker();
    t.observe('old\n');
    t.observe(ERASE_3);
    expect(t.lastFrame).toBe('');
    t.observe('finished paragraph\n');
    t.observe(Buffer.from('new frame\n'));
    expect(t.lastFrame).toBe('new frame\n');
  });

  test('writes without text (cursor, synchronized output, paste marks) are not frames', () => {
    const t = new FrameTracker();
    t.observe('frame\n');
    for (const control of ['\x1b[?25l', '\x1b[?2026h', '\x1b[?2004h', '']) t.observe(control);
    expect(t.lastFrame).toBe('frame\n');
  });
});
