/**
 * The Chat tab's live area: the streaming tail of the reply and the input editor. Finished turns
 * are not here; they live in the scrollback (`<Static>`), written once.
 */
import React from 'react';
import { Box, Text } from 'ink';
import { MAX_EDITOR_ROWS } from '../constants';
import { useAppContext } from '../contexts/AppContext';
import type { ChatControls } from '../hooks/useChat';
import { useKeypress } from '../hooks/useKeypress';
import { editorKey, layoutEditor, type EditorState } from '../state/editor';
import { InputEditor } from './InputEditor';
import { LiveMarkdown } from './LiveMarkdown';

export interface ChatViewProps {
  chat: ChatControls;
  editor: EditorState;
  /** The latest editor state, for keys that arrive before the next render. */
  editorRef: { readonly current: EditorState };
  setEditor(state: EditorState): void;
  onSubmit(text: string): void;
  /** Rows this view may use. */
  height: number;
  active: boolean;
}

/** Rows of the view that are not the live reply: its top margin and the hint line. */
const CHROME_ROWS = 2;

export function editorRows(editor: EditorState, columns: number): number {
  return Math.min(MAX_EDITOR_ROWS, layoutEditor(editor.text, editor.cursor, columns - 3).rows.length);
}

export function ChatView({ chat, editor, editorRef, setEditor, onSubmit, height, active }: ChatViewProps) {
  const { columns } = useAppContext();
  useKeypress((key) => {
    if (key.name === 'escape') {
      if (chat.busy) chat.cancel();
      return;
    }
    const result = editorKey(editorRef.current, key);
    if (!result.handled) return;
    setEditor(result.state);
    if (result.submit !== undefined) onSubmit(result.submit);
  }, active);

  const inputRows = editorRows(editor, columns);
  const liveLines = Math.max(1, height - inputRows - CHROME_ROWS);
  return (
    <Box flexDirection="column">
      <LiveMarkdown markdown={chat.live} maxLines={liveLines} />
      <Text dimColor wrap="truncate-end">
        {chat.busy ? '… replying · Esc to cancel' : 'Enter send · Ctrl+J newline · /help'}
      </Text>
      <InputEditor state={editor} maxRows={MAX_EDITOR_ROWS} placeholder="Type a message" />
    </Box>
  );
}
