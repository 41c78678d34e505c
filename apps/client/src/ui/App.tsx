/**
 * The application shell: scrollback (`<Static>`, written once, never re-rendered), the tab bar,
 * the active tab's live area and the status line. State that must survive a tab switch (the chat
 * stream, the input being typed, transfers, cron jobs) lives here, not in the tabs.
 */
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Static, useApp } from 'ink';
import type { ClientConnection } from '../connection/types';
import { runSlashCommand } from './commands';
import { ChatView, editorRows } from './components/ChatView';
import { CronView } from './components/CronView';
import { FilesView } from './components/FilesView';
import { ScrollbackEntry } from './components/ScrollbackEntry';
import { StatusLine } from './components/StatusLine';
import { TABS, TabBar, type TabId } from './components/TabBar';
import { CTRL_C_EXIT_WINDOW_MS, LIVE_AREA_SLACK_ROWS } from './constants';
import { AppProvider } from './contexts/AppContext';
import { useChat } from './hooks/useChat';
import { useConnectionStatus } from './hooks/useConnectionStatus';
import { useCron } from './hooks/useCron';
import { useFiles } from './hooks/useFiles';
import { useKeypress, usePasteMarks } from './hooks/useKeypress';
import { useScrollback } from './hooks/useScrollback';
import { useSyncedState } from './hooks/useSyncedState';
import { useTerminalSize } from './hooks/useTerminalSize';
import { useTransfers } from './hooks/useTransfers';
import { isCtrl, type Keypress } from './keys';
import { emptyEditor, type EditorState } from './state/editor';
import { statusNotice, statusParts } from './state/status';
import type { TerminalSizeSource } from './terminal/terminal-watcher';
import { makeTheme, noColorRequested } from './theme';

export interface AppOptions {
  /** Default local folder for downloads (default: localBase). */
  downloadDir?: string;
  /** Folder relative local paths are relative to (default: the current directory). */
  localBase?: string;
  /** Force colours off (default: the NO_COLOR environment variable). */
  noColor?: boolean;
  /** Fixed terminal size (tests); default: the output stream's size, following resizes. */
  columns?: number;
  rows?: number;
  /** Where the live terminal size comes from (renderApp's TerminalWatcher); default: the output stream. */
  terminal?: TerminalSizeSource;
  /** The terminal was told to mark pastes (bracketed paste), so unmarked input is typed keys. */
  pasteMarks?: boolean;
  /** Called when the user quits (/quit, Ctrl+C twice), before the UI unmounts. */
  onExit?: () => void;
}

/** Blank line above the tab bar (separates it from the scrollback), tab bar, status line. */
const SHELL_ROWS = 3;
/** Rows of the chat view around the live reply (margin, hint line) — see ChatView. */
const CHAT_CHROME_ROWS = 2;

/** Which tab a key selects, if any: Tab/Shift+Tab cycle, F1–F3 and Alt+1–3 jump. */
export function tabForKey(key: Keypress, current: TabId): TabId | undefined {
  const index = TABS.findIndex((t) => t.id === current);
  if (key.name === 'tab') return TABS[(index + 1) % TABS.length].id;
  if (key.name === 'backtab') return TABS[(index + TABS.length - 1) % TABS.length].id;
  const direct = key.name === 'f1' ? 0 : key.name === 'f2' ? 1 : key.name === 'f3' ? 2 : key.meta && /^[1-3]$/.test(key.text) ? Number(key.text) - 1 : -1;
  return direct >= 0 ? TABS[direct].id : undefined;
}

export function App({ conn, options = {} }: { conn: ClientConnection; options?: AppOptions }) {
  const { exit } = useApp();
  const size = useTerminalSize({ columns: options.columns, rows: options.rows }, options.terminal);
  const theme = useMemo(() => makeTheme(options.noColor ?? noColorRequested()), [options.noColor]);
  const { items, add } = useScrollback();
  const localBase = options.localBase ?? process.cwd();
  usePasteMarks(options.pasteMarks === true);
  const [tab, setTab] = useState<TabId>('chat');
  const [editor, editorRef, setEditor] = useSyncedState<EditorState>(() => emptyEditor());
  const [ctrlCArmed, ctrlCArmedRef, setCtrlCArmed] = useSyncedState(false);
  const ctrlCTimer = useRef<NodeJS.Timeout | null>(null);

  // The one place a revocation (COMPROMISED pushed, REVOKED close, /compromised yes) is told: the
  // connection closes with the reason, and that line says what happened and to load a new .sec.
  const timed = useConnectionStatus(conn, (prev, next) => {
    const notice = statusNotice(prev, next);
    if (notice) add({ kind: next.state === 'closed' ? 'error' : 'system', text: notice });
  });

  const viewHeight = Math.max(3, size.rows - LIVE_AREA_SLACK_ROWS - SHELL_ROWS);
  const chat = useChat(conn, add, Math.max(1, viewHeight - CHAT_CHROME_ROWS - editorRows(editor, size.columns)));
  const files = useFiles(conn, tab === 'files');
  const transfers = useTransfers(conn, add);
  const cron = useCron(conn, tab === 'cron');

  const quit = useCallback(() => {
    options.onExit?.();
    exit();
  }, [options, exit]);

  useEffect(
    () => () => {
      if (ctrlCTimer.current) clearTimeout(ctrlCTimer.current);
    },
    [],
  );

  useKeypress((key) => {
    if (isCtrl(key, 'c')) {
      if (ctrlCArmedRef.current) return quit();
      setCtrlCArmed(true);
      if (ctrlCTimer.current) clearTimeout(ctrlCTimer.current);
      ctrlCTimer.current = setTimeout(() => setCtrlCArmed(false), CTRL_C_EXIT_WINDOW_MS);
      return;
    }
    setTab((current) => tabForKey(key, current) ?? current);
  });

  const onSubmit = useCallback(
    (text: string) => {
      void runSlashCommand(text, { conn, addScrollback: add, exit: quit }).then((wasCommand) => {
        if (!wasCommand) chat.send(text);
      });
    },
    [conn, add, quit, chat],
  );

  return (
    <AppProvider value={{ conn, theme, columns: size.columns, rows: size.rows, downloadDir: options.downloadDir ?? localBase, localBase }}>
      <Box flexDirection="column" width={size.columns}>
        <Static items={items}>{(item) => <ScrollbackEntry key={item.id} item={item} />}</Static>
        <Box marginTop={1} />
        <TabBar active={tab} model={statusParts(timed.status, 0).model} offline={timed.status.offline === true} />
        {tab === 'chat' ? (
          <ChatView chat={chat} editor={editor} editorRef={editorRef} setEditor={setEditor} onSubmit={onSubmit} height={viewHeight} active />
        ) : tab === 'files' ? (
          <FilesView files={files} transfers={transfers} height={viewHeight} active />
        ) : (
          <CronView cron={cron} addScrollback={add} height={viewHeight} active />
        )}
        <StatusLine status={timed.status} receivedAt={timed.receivedAt} hint={ctrlCArmed ? 'Press Ctrl+C again to exit' : undefined} />
      </Box>
    </AppProvider>
  );
}
