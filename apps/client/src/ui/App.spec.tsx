import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REVOKED_MESSAGE } from '../connection/connect-error';
import { FakeConnection, ok, requestError } from '../testing/fake-connection';
import { KEYS, renderUi, waitFor } from '../testing/render-ui';

function connection() {
  const backup = { next_run: Date.now() + 3_630_000, last_status: 'ok' };
  const cronJobs = () => [
    { name: 'backup', schedule: '0 3 * * *', enabled: true, ...backup, last_run: null, missed_policy: 'skip' },
    { name: 'digest', schedule: '*/5 * * * *', enabled: false, next_run: null, last_run: null, last_status: null, missed_policy: 'skip' },
  ];
  const entry = (name: string, kind: 'file' | 'dir', size: number) => ({ name, kind, size, mtime: 1_700_000_000_000 });
  const conn = new FakeConnection({ relay: 'relay.example:7000', rttMs: 23, keyAgeMs: 60_000, nextRotationMs: 3_000_000, provider: 'offline', model: 'echo', offline: true })
    .answer('FILE_LIST', (msg) =>
      ok({ path: msg.path, entries: msg.path === '' ? [entry('docs', 'dir', 0), entry('a.txt', 'file', 1234)] : [entry('inner.md', 'file', 5)] }),
    )
    .answer('CRON_LIST', () => ok({ jobs: cronJobs(), errors: [] }));
  /** What the server's next CRON_LIST says about the backup job. */
  return Object.assign(conn, { setBackup: (next: typeof backup) => Object.assign(backup, next) });
}

/** The live part of the frame: everything from the tab bar down (scrollback is above it). */
const liveArea = (frame: string) => frame.slice(frame.lastIndexOf(' Chat  '));

describe('App shell', () => {
  test('switches tabs with Tab, Shift+Tab, F1–F3 and Alt+1–3', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    expect(ui.frame()).toContain('Type a message');
    await ui.press(KEYS.tab);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    expect(ui.frame()).toContain('docs/');
    await ui.press(KEYS.f3);
    await waitFor(() => expect(ui.frame()).toContain('backup'));
    await ui.press('\x1b1');
    await waitFor(() => expect(ui.frame()).toContain('Type a message'));
    await ui.press(KEYS.shiftTab);
    await waitFor(() => expect(ui.frame()).toContain('r run now'));
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('Enter open'));
    expect(conn.sent.filter((m) => m.type === 'FILE_LIST')).toHaveLength(1); // state survives tab switches
    ui.unmount();
  });

  test('status line shows state, relay, RTT, key age, rotation, model and the offline label', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    const lines = ui.frame().split('\n');
    const tabBar = lines.find((l) => l.includes(' Chat ')) ?? '';
    expect(tabBar).toMatch(/\[offline provider\] offline\/echo$/);
    const status = lines.find((l) => l.includes('●')) ?? '';
    expect(status).toContain('connected');
    expect(status).toContain('relay.example:7000');
    expect(status).toContain('rtt 23 ms');
    expect(status).toMatch(/keys 1m, rotate in 50m/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    conn.setStatus({ state: 'reconnecting' });
    await waitFor(() => expect(ui.frame()).toContain('reconnecting…'));
    conn.setStatus({ state: 'connected' });
    await waitFor(() => expect(ui.frame()).toContain('Reconnected to relay.example:7000.'));
    ui.unmount();
  });

  test('status line and tab bar follow reconnecting → connected, and a late WELCOME fills in the model', async () => {
    const conn = new FakeConnection({ relay: 'relay.example:7000', rttMs: 23, keyAgeMs: 60_000, nextRotationMs: 3_000_000, reason: 'Cannot reach LLM server' });
    const ui = await renderUi(conn);
    const statusLine = () => liveArea(ui.frame()).split('\n').find((l) => l.includes('●')) ?? '';
    const tabBar = () => liveArea(ui.frame()).split('\n')[0];
    expect(statusLine()).toMatch(/● connected/);
    expect(tabBar()).not.toContain('offline/echo');
    conn.setStatus({ state: 'reconnecting', rttMs: undefined });
    await waitFor(() => expect(statusLine()).toMatch(/● reconnecting/));
    conn.setStatus({ state: 'connected', rttMs: 31 });
    await waitFor(() => expect(statusLine()).toMatch(/● connected .*rtt 31 ms/));
    expect(statusLine()).not.toContain('reconnecting');
    conn.setStatus({ provider: 'offline', model: 'echo', offline: true, reason: undefined });
    await waitFor(() => expect(tabBar()).toMatch(/\[offline provider\] offline\/echo$/));
    ui.unmount();
  });

  test('Ctrl+C once warns, twice exits', async () => {
    const conn = connection();
    let exits = 0;
    const ui = await renderUi(conn, { onExit: () => exits++ });
    await ui.press(KEYS.ctrlC);
    await waitFor(() => expect(ui.frame()).toContain('Press Ctrl+C again to exit'));
    expect(exits).toBe(0);
    await ui.press(KEYS.ctrlC);
    expect(exits).toBe(1);
  });
});

describe('Chat', () => {
  test('Ctrl+J and Alt+Enter insert newlines; Enter sends one CHAT', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    await ui.type('hello');
    await ui.press(KEYS.ctrlJ);
    await ui.type('big');
    await ui.press(KEYS.altEnter);
    await ui.type('world');
    await waitFor(() => expect(ui.frame()).toMatch(/› hello\n\s+big\n\s+world/));
    expect(conn.sent.filter((m) => m.type === 'CHAT')).toHaveLength(0);
    await ui.press(KEYS.backspace, KEYS.enter);
    const chat = await conn.nextRequest('CHAT');
    expect(chat.msg.text).toBe('hello\nbig\nworl');
    ui.unmount();
  });

  test('a pasted multi-line text stays one message; Up recalls it', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    await ui.press('first line\rsecond line');
    expect(conn.sent).toHaveLength(0);
    await ui.press(KEYS.enter);
    const chat = await conn.nextRequest('CHAT');
    expect(chat.msg.text).toBe('first line\nsecond line');
    conn.finish(chat.msg.id, { type: 'CHAT_DONE', text: 'ok', provider: 'offline', model: 'echo' });
    await waitFor(() => expect(ui.frame()).toContain('Type a message'));
    await ui.press(KEYS.up);
    await waitFor(() => expect(liveArea(ui.frame())).toContain('second line'));
    ui.unmount();
  });

  test('with bracketed paste on, an unmarked chunk is typed keys and a marked paste stays one message', async () => {
    const conn = connection();
    const ui = await renderUi(conn, { pasteMarks: true });
    await ui.press('hi\r');
    const first = await conn.nextRequest('CHAT');
    expect(first.msg.text).toBe('hi');
    conn.finish(first.msg.id, { type: 'CHAT_DONE', text: 'hello', provider: 'offline', model: 'echo' });
    await ui.press('\x1b[200~one\rtwo\x1b[201~');
    await waitFor(() => expect(liveArea(ui.frame())).toMatch(/› one\n\s+two/));
    await ui.press(KEYS.enter);
    await waitFor(() => expect(conn.sent.filter((m) => m.type === 'CHAT').map((m) => m.text)).toEqual(['hi', 'one\ntwo']));
    ui.unmount();
  });

  test('streams markdown: an unfinished code fence renders as code, finished paragraphs move to the scrollback', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    await ui.type('show code');
    await ui.press(KEYS.enter);
    const chat = await conn.nextRequest('CHAT');
    conn.piece(chat.msg.id, { type: 'CHAT_DELTA', text: 'Here is **the** answer.\n\n```js\nconst x = 1;\n' });
    conn.piece(chat.msg.id, { type: 'CHAT_DELTA', text: 'const y = 2;' });
    await waitFor(() => expect(ui.frame()).toContain('const y = 2;'));
    const frame = ui.frame();
    expect(frame).not.toContain('```'); // the fence is closed virtually and rendered, never shown raw
    expect(frame).not.toContain('**');
    // The finished paragraph is above the tab bar (scrollback), the code is below it (live).
    const tabBar = frame.lastIndexOf(' Chat  ');
    expect(frame.indexOf('Here is the answer.')).toBeLessThan(tabBar);
    expect(frame.indexOf('const x = 1;')).toBeGreaterThan(tabBar);
    expect(frame).toContain('replying · Esc to cancel');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);

    conn.finish(chat.msg.id, { type: 'CHAT_DONE', text: 'Here is **the** answer.\n\n```js\nconst x = 1;\nconst y = 2;\n```\n\nDone.', provider: 'offline', model: 'echo' });
    await waitFor(() => expect(ui.frame()).toContain('Done.'));
    const done = ui.frame();
    expect(done.indexOf('const y = 2;')).toBeLessThan(done.lastIndexOf(' Chat  '));
    expect(done.indexOf('Done.')).toBeLessThan(done.lastIndexOf(' Chat  '));
    expect(done.match(/Here is the answer\./g)).toHaveLength(1); // written once
    ui.unmount();
  });

  test('a long streaming reply keeps the live area shorter than the 24-row terminal', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    await ui.type('long');
    await ui.press(KEYS.enter);
    const chat = await conn.nextRequest('CHAT');
    const code = Array.from({ length: 60 }, (_, i) => `line ${i} ${'x'.repeat(100)}`).join('\n');
    conn.piece(chat.msg.id, { type: 'CHAT_DELTA', text: `\`\`\`\n${code}\nlast` });
    await waitFor(() => expect(ui.frame()).toContain('line 59'));
    const live = liveArea(ui.frame()).split('\n');
    expect(live.length).toBeLessThan(24);
    for (const line of live) expect(line.length).toBeLessThanOrEqual(80);
    ui.unmount();
  });

  test('Esc sends CHAT_CANCEL for the running turn', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    await ui.type('stop me');
    await ui.press(KEYS.enter);
    const chat = await conn.nextRequest('CHAT');
    conn.piece(chat.msg.id, { type: 'CHAT_DELTA', text: 'partial' });
    await ui.press(KEYS.esc);
    const cancel = await conn.nextRequest('CHAT_CANCEL');
    expect(cancel.msg.re).toBe(chat.msg.id);
    conn.finish(cancel.msg.id, ok());
    conn.finish(chat.msg.id, { type: 'CHAT_DONE', text: 'partial', cancelled: true, provider: 'offline', model: 'echo' });
    await waitFor(() => expect(ui.frame()).toContain('Reply cancelled.'));
    expect(ui.frame()).toContain('partial');
    ui.unmount();
  });

  test('LLM_UNREACHABLE is shown as [Error: Cannot reach LLM server]', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    await ui.type('hi');
    await ui.press(KEYS.enter);
    const chat = await conn.nextRequest('CHAT');
    conn.fail(chat.msg.id, 'LLM_UNREACHABLE', 'llm-server is not answering');
    await waitFor(() => expect(ui.frame()).toContain('[Error: Cannot reach LLM server]'));
    expect(ui.frame()).toContain('↑ brings it back to send again');
    // And it does: Up recalls the unanswered message into the input.
    await ui.press(KEYS.up);
    await waitFor(() => expect(ui.frame()).toMatch(/› hi/));
    ui.unmount();
  });

  test('a turn finished on another device appears in the scrollback', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    conn.push({ type: 'CHAT_DONE', re: 'other-device-turn', question: 'from phone', text: 'phone *answer*', provider: 'offline', model: 'echo' });
    await waitFor(() => expect(ui.frame()).toContain('[another device] › from phone'));
    expect(ui.frame()).toContain('phone answer');
    // A server that says who asked: the device's name instead.
    conn.push({ type: 'CHAT_DONE', re: 'named-turn', question: 'from the tablet', device: 'tablet', text: 'ok', provider: 'offline', model: 'echo' });
    await waitFor(() => expect(ui.frame()).toContain('[tablet] › from the tablet'));
    ui.unmount();
  });

  test('slash commands run instead of being sent as chat', async () => {
    const conn = connection().answer('SESSION_RESET', () => ok({ archivedTurns: 0, startedAt: 1 }));
    const ui = await renderUi(conn);
    await ui.type('/reset');
    await ui.press(KEYS.enter);
    await waitFor(() => expect(ui.frame()).toContain('New conversation started'));
    expect(conn.sent.map((m) => m.type)).toEqual(['SESSION_RESET']);
    ui.unmount();
  });
});

describe('Files', () => {
  test('Enter opens a folder, Backspace goes up, Delete asks before deleting', async () => {
    const conn = connection().answer('FILE_DELETE', () => ok());
    const ui = await renderUi(conn);
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    await ui.press(KEYS.enter);
    await waitFor(() => expect(ui.frame()).toContain('inner.md'));
    expect(conn.sent.at(-1)).toMatchObject({ type: 'FILE_LIST', path: 'docs' });
    await ui.press(KEYS.backspace);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    ui.stdin.write(KEYS.down); // Down and Delete in one burst, before React re-renders
    await ui.press(KEYS.delete);
    await waitFor(() => expect(ui.frame()).toContain('Delete file a.txt? [y/N]'));
    await ui.press('n');
    expect(conn.sent.some((m) => m.type === 'FILE_DELETE')).toBe(false);
    await ui.press(KEYS.delete, 'y');
    await waitFor(() => expect(conn.sent.some((m) => m.type === 'FILE_DELETE' && m.path === 'a.txt')).toBe(true));
    ui.unmount();
  });
});

describe('Files: confirmations that offer the way past a refusal', () => {
  test('deleting a folder that is not empty asks a second time, naming everything inside, then deletes recursively', async () => {
    const conn = connection().answer('FILE_DELETE', (msg) => {
      if (msg.recursive !== true) throw requestError('EXISTS', '"docs" is a folder and is not empty.');
      return ok();
    });
    const ui = await renderUi(conn);
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('docs/'));
    await ui.press(KEYS.delete);
    await waitFor(() => expect(ui.frame()).toContain('Delete folder docs? [y/N]'));
    await ui.press('y');
    await waitFor(() => expect(ui.frame()).toContain('docs/ is not empty. Delete it and everything inside it? [y/N]'));
    expect(ui.frame()).not.toContain('delete it recursively');
    await ui.press('y');
    await waitFor(() => expect(conn.sent.filter((m) => m.type === 'FILE_DELETE').at(-1)).toMatchObject({ path: 'docs', recursive: true }));
    await waitFor(() => expect(ui.frame()).toContain('Deleted docs and everything inside it.'));
    ui.unmount();
  });

  test('a second no leaves the folder alone', async () => {
    const conn = connection().answer('FILE_DELETE', () => {
      throw requestError('EXISTS', '"docs" is a folder and is not empty.');
    });
    const ui = await renderUi(conn);
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('docs/'));
    await ui.press(KEYS.delete, 'y');
    await waitFor(() => expect(ui.frame()).toContain('Delete it and everything inside it? [y/N]'));
    await ui.press('n');
    await waitFor(() => expect(ui.frame()).not.toContain('[y/N]'));
    expect(conn.sent.filter((m) => m.type === 'FILE_DELETE')).toHaveLength(1);
    ui.unmount();
  });

  test('renaming onto an existing name asks before replacing it', async () => {
    const conn = connection().answer('FILE_MOVE', (msg) => {
      if (msg.overwrite !== true) throw requestError('EXISTS', '"docs" already exists.');
      return ok();
    });
    const ui = await renderUi(conn);
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    await ui.press(KEYS.down, 'r');
    await waitFor(() => expect(ui.frame()).toContain('Rename a.txt to:'));
    await ui.press(KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace);
    await ui.type('b.txt');
    await ui.press(KEYS.enter, 'y');
    await waitFor(() => expect(ui.frame()).toContain('b.txt already exists. Replace it with a.txt? [y/N]'));
    await ui.press('y');
    await waitFor(() => expect(conn.sent.filter((m) => m.type === 'FILE_MOVE').at(-1)).toMatchObject({ path: 'a.txt', to: 'b.txt', overwrite: true }));
    ui.unmount();
  });

  test('the key help fits 80 columns: it wraps to two lines instead of hiding g refresh', async () => {
    const ui = await renderUi(connection());
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    const lines = ui.frame().split('\n');
    expect(lines.some((l) => l.trimEnd() === 'Enter open · Bksp up · d download · u upload')).toBe(true);
    expect(lines.some((l) => l.trimEnd() === 'Del delete · r rename · m mkdir · g refresh')).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    ui.unmount();
  });
});

describe('Files transfers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-ui-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('d downloads the selected file with a live progress bar', async () => {
    const conn = connection();
    const content = Buffer.alloc(1234, 7);
    const ui = await renderUi(conn, { downloadDir: dir });
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    await ui.press(KEYS.down, 'd');
    await waitFor(() => expect(ui.frame()).toContain(`Download a.txt to folder: ${dir}`));
    await ui.press(KEYS.enter);
    const request = await conn.nextRequest('FILE_DOWNLOAD');
    expect(request.msg).toMatchObject({ path: 'a.txt', offset: 0 });
    conn.piece(request.msg.id, { type: 'FILE_DATA', offset: 0, bytes: content.subarray(0, 617) });
    await waitFor(() => expect(ui.frame()).toMatch(/↓ a\.txt\s+\[█+░+\]\s+50%\s+617 B \/ 1\.2 KiB/));
    conn.piece(request.msg.id, { type: 'FILE_DATA', offset: 617, bytes: content.subarray(617) });
    conn.finish(request.msg.id, { type: 'FILE_DONE', size: 1234, sha256: createHash('sha256').update(content).digest('hex') });
    await waitFor(() => expect(ui.frame()).toMatch(/↓ a\.txt\s+done/));
    expect(ui.frame()).toContain(`Downloaded a.txt to ${join(dir, 'a.txt')}`);
    expect(readFileSync(join(dir, 'a.txt')).equals(content)).toBe(true);
    ui.unmount();
  });

  test('u uploads a local path into the current folder', async () => {
    const local = join(dir, 'notes.md');
    writeFileSync(local, '# notes');
    const conn = connection()
      .answer('FILE_UPLOAD', () => ok({ upload: 'u1', offset: 0 }))
      .answer('FILE_CHUNK', () => ok({ received: 7 }))
      .answer('FILE_COMMIT', () => ok({ path: 'docs/notes.md', size: 7, sha256: createHash('sha256').update('# notes').digest('hex') }));
    const ui = await renderUi(conn);
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    await ui.press(KEYS.enter); // into docs/
    await waitFor(() => expect(ui.frame()).toContain('inner.md'));
    await ui.press('u');
    await ui.press(local);
    await ui.press(KEYS.enter);
    await waitFor(() => expect(ui.frame()).toMatch(/↑ notes\.md\s+done/));
    expect(conn.sent.find((m) => m.type === 'FILE_UPLOAD')).toMatchObject({ path: 'docs/notes.md', size: 7 });
    expect(conn.sent.filter((m) => m.type === 'FILE_LIST').at(-1)).toMatchObject({ path: 'docs' }); // refreshed
    ui.unmount();
  });
});

describe('Files transfers onto existing names, local paths', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-ui-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  const uploadAnswers = (conn: ReturnType<typeof connection>, taken: string[]) =>
    conn
      .answer('FILE_UPLOAD', (msg) => {
        if (taken.includes(String(msg.path)) && msg.overwrite !== true) throw requestError('EXISTS', `"${String(msg.path)}" already exists.`);
        return ok({ upload: 'u1', offset: 0 });
      })
      .answer('FILE_CHUNK', () => ok({ received: 3 }))
      .answer('FILE_COMMIT', () => ok({ path: 'x', size: 3, sha256: sha(Buffer.from('new')) }));

  test('upload onto a name in the listing asks first; yes uploads with overwrite', async () => {
    writeFileSync(join(dir, 'a.txt'), 'new');
    const conn = uploadAnswers(connection(), ['a.txt']);
    const ui = await renderUi(conn, { localBase: dir });
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    await ui.press('u');
    await ui.type('a.txt'); // relative: the user's folder (localBase)
    await ui.press(KEYS.enter);
    await waitFor(() => expect(ui.frame()).toContain('/a.txt already exists. Replace it? [y/N]'));
    expect(conn.sent.some((m) => m.type === 'FILE_UPLOAD')).toBe(false);
    await ui.press('y');
    await waitFor(() => expect(ui.frame()).toMatch(/↑ a\.txt\s+done/));
    expect(conn.sent.find((m) => m.type === 'FILE_UPLOAD')).toMatchObject({ path: 'a.txt', overwrite: true });
    ui.unmount();
  });

  test('upload refused with EXISTS by the server (name not in the listing yet) asks instead of failing', async () => {
    writeFileSync(join(dir, 'late.bin'), 'new');
    const conn = uploadAnswers(connection(), ['late.bin']);
    const ui = await renderUi(conn, { localBase: dir });
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    await ui.press('u');
    await ui.type(join(dir, 'late.bin'));
    await ui.press(KEYS.enter);
    await waitFor(() => expect(ui.frame()).toContain('/late.bin already exists. Replace it? [y/N]'));
    expect(ui.frame()).not.toContain('failed');
    await ui.press('y');
    await waitFor(() => expect(ui.frame()).toMatch(/↑ late\.bin\s+done/));
    expect(conn.sent.filter((m) => m.type === 'FILE_UPLOAD').map((m) => m.overwrite)).toEqual([false, true]);
    ui.unmount();
  });

  test('download onto an existing local file asks first; into a missing relative folder creates it', async () => {
    const content = Buffer.from('fresh content');
    const conn = connection().answer('FILE_DOWNLOAD', (_msg, piece) => {
      piece({ type: 'FILE_DATA', offset: 0, bytes: content });
      return { type: 'FILE_DONE', size: content.length, sha256: sha(content) };
    });
    mkdirSync(join(dir, 'here'));
    writeFileSync(join(dir, 'here', 'a.txt'), 'old');
    const ui = await renderUi(conn, { localBase: dir, downloadDir: 'here' });
    await ui.press(KEYS.f2);
    await waitFor(() => expect(ui.frame()).toContain('a.txt'));
    await ui.press(KEYS.down, 'd', KEYS.enter);
    await waitFor(() => expect(ui.frame()).toContain(`${join(dir, 'here', 'a.txt')} already exists. Replace it? [y/N]`));
    expect(conn.sent.some((m) => m.type === 'FILE_DOWNLOAD')).toBe(false);
    await ui.press('y');
    await waitFor(() => expect(readFileSync(join(dir, 'here', 'a.txt')).equals(content)).toBe(true));
    ui.unmount();

    const ui2 = await renderUi(conn, { localBase: dir, downloadDir: 'not/yet/there' });
    await ui2.press(KEYS.f2);
    await waitFor(() => expect(ui2.frame()).toContain('a.txt'));
    await ui2.press(KEYS.down, 'd', KEYS.enter);
    await waitFor(() => expect(ui2.frame()).toMatch(/↓ a\.txt\s+done/));
    expect(readFileSync(join(dir, 'not', 'yet', 'there', 'a.txt')).equals(content)).toBe(true);
    ui2.unmount();
  });
});

describe('Revocation', () => {
  const count = (text: string, part: string) => text.split(part).length - 1;

  test('the relay pushing COMPROMISED and closing with REVOKED: the message appears once', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    conn.push({ type: 'COMPROMISED', reason: 'revoked on the relay' });
    conn.setStatus({ state: 'closed', reason: REVOKED_MESSAGE });
    await waitFor(() => expect(ui.frame()).toContain('load a new .sec'));
    expect(count(ui.frame(), 'revoked')).toBe(1);
    ui.unmount();
  });

  test('/compromised yes: the message appears once', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    await ui.type('/compromised yes');
    await ui.press(KEYS.enter);
    await waitFor(() => expect(conn.compromisedReports).toBe(1));
    await waitFor(() => expect(ui.frame()).toContain('revoked'));
    expect(count(ui.frame().toLowerCase(), 'revoked')).toBe(1);
    ui.unmount();
  });
});

describe('Crontab', () => {
  test('a pushed CRON_EVENT updates the job list live', async () => {
    const conn = connection();
    const ui = await renderUi(conn);
    await ui.press(KEYS.f3);
    await waitFor(() => expect(ui.frame()).toMatch(/backup.*in 1h00m \((\d\d-\d\d )?\d\d:\d\d\).*ok/));
    expect(ui.frame()).toMatch(/digest.*disabled/);
    conn.push({ type: 'CRON_EVENT', job: 'backup', event: 'started', runId: 'run1', at: Date.now() });
    await waitFor(() => expect(ui.frame()).toMatch(/backup.*running/));
    const listsBefore = conn.sent.filter((m) => m.type === 'CRON_LIST').length;
    conn.setBackup({ next_run: Date.now() + 2 * 3_600_000 + 30_000, last_status: 'error' });
    conn.push({ type: 'CRON_EVENT', job: 'backup', event: 'finished', runId: 'run1', status: 'error', output: 'disk full', at: Date.now() });
    await waitFor(() => expect(ui.frame()).toMatch(/backup.*in 2h00m.*error/)); // the next run came from a fresh CRON_LIST
    expect(conn.sent.filter((m) => m.type === 'CRON_LIST').length).toBe(listsBefore + 1);
    ui.unmount();
  });

  test('a pushed CRON_CHANGED (CRON.md saved on the server) shows the new parse problem without a refresh key', async () => {
    let problems: { line: number; job?: string; message: string }[] = [];
    const conn = connection().answer('CRON_LIST', () => ok({ jobs: [], errors: problems }));
    const ui = await renderUi(conn);
    await ui.press(KEYS.f3);
    await waitFor(() => expect(ui.frame()).toContain('(no jobs in CRON.md)'));
    problems = [{ line: 4, job: 'Nightly', message: 'schedule "every night" is not a cron expression' }];
    conn.push({ type: 'CRON_CHANGED', jobs: 0, errors: 1 });
    await waitFor(() => expect(ui.frame()).toContain('is not a cron expression'));
    problems = [];
    conn.push({ type: 'CRON_CHANGED', jobs: 0, errors: 0 });
    await waitFor(() => expect(ui.frame()).not.toContain('is not a cron expression'));
    ui.unmount();
  });

  test('r runs the selected job, e toggles it, l writes its recent output to the scrollback', async () => {
    const conn = connection()
      .answer('CRON_RUN', () => ok({ runId: 'run7' }))
      .answer('CRON_DISABLE', (msg) => ok({ name: String(msg.name), enabled: false }))
      .answer('CRON_LOG', () => ok({ runs: [{ runId: 'run7', startedAt: 0, finishedAt: 10, status: 'ok', output: 'backed up 3 files' }] }));
    const ui = await renderUi(conn);
    await ui.press(KEYS.f3);
    await waitFor(() => expect(ui.frame()).toContain('backup'));
    await ui.press('r');
    await waitFor(() => expect(ui.frame()).toContain('Started backup.'));
    expect(conn.sent.find((m) => m.type === 'CRON_RUN')).toMatchObject({ name: 'backup' });
    await ui.press('e');
    await waitFor(() => expect(conn.sent.find((m) => m.type === 'CRON_DISABLE')).toMatchObject({ name: 'backup' }));
    await ui.press('l');
    await waitFor(() => expect(ui.frame()).toContain('backed up 3 files'));
    expect(ui.frame()).toContain('── last run of backup ──');
    ui.unmount();
  });

  test('l on a job that never ran says so in words', async () => {
    const conn = connection().answer('CRON_LOG', () => ok({ runs: [] }));
    const ui = await renderUi(conn);
    await ui.press(KEYS.f3);
    await waitFor(() => expect(ui.frame()).toContain('backup'));
    await ui.press('l');
    await waitFor(() => expect(ui.frame()).toContain('No runs yet of backup.'));
    expect(ui.frame()).not.toContain('run(s)');
    ui.unmount();
  });
});
