/**
 * The chat input: the editor state drawn with a visible cursor, scrolled to the cursor's row; a text
 * taller than the box says how many of its lines are above and below.
 */
import React from 'react';
import { Box, Text } from 'ink';
import { useAppContext } from '../contexts/AppContext';
import { layoutEditor, type EditorState } from '../state/editor';

const PREFIX_WIDTH = 2;

export function InputEditor({ state, maxRows, placeholder }: { state: EditorState; maxRows: number; placeholder?: string }) {
  const { theme, columns } = useAppContext();
  const layout = layoutEditor(state.text, state.cursor, columns - PREFIX_WIDTH - 1);
  // A text taller than the box (a long paste) keeps one row to say how much is out of sight, so the
  // user knows the whole paste is there and will be sent.
  const overflow = layout.rows.length > maxRows;
  const rows = overflow ? Math.max(1, maxRows - 1) : maxRows;
  const first = Math.max(0, Math.min(layout.cursorRow - rows + 1, layout.rows.length - rows));
  const visible = layout.rows.slice(first, first + rows);
  const below = layout.rows.length - first - visible.length;
  return (
    <Box flexDirection="column">
      {visible.map((row, i) => {
        const index = first + i;
        const prefix = index === 0 ? '› ' : '  ';
        if (index !== layout.cursorRow) {
          return (
            <Text key={index} wrap="truncate-end">
              <Text color={theme.accent}>{prefix}</Text>
              {row}
            </Text>
          );
        }
        const chars = [...row];
        const before = chars.slice(0, layout.cursorColumn).join('');
        const at = chars[layout.cursorColumn] ?? ' ';
        const after = chars.slice(layout.cursorColumn + 1).join('');
        const showPlaceholder = state.text === '' && placeholder;
        return (
          <Text key={index} wrap="truncate-end">
            <Text color={theme.accent}>{prefix}</Text>
            {before}
            <Text inverse>{showPlaceholder ? placeholder[0] : at}</Text>
            {showPlaceholder ? <Text dimColor>{placeholder.slice(1)}</Text> : after}
          </Text>
        );
      })}
      {overflow ? (
        <Text dimColor wrap="truncate-end">
          {`  ${layout.rows.length} lines: ${[first > 0 ? `${first} above` : '', below > 0 ? `${below} below` : ''].filter(Boolean).join(', ')} (↑/↓ to move)`}
        </Text>
      ) : null}
    </Box>
  );
}
