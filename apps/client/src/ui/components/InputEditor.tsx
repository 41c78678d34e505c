/** The chat input: the editor state drawn with a visible cursor, scrolled to the cursor's row. */
import React from 'react';
import { Box, Text } from 'ink';
import { useAppContext } from '../contexts/AppContext';
import { layoutEditor, type EditorState } from '../state/editor';

const PREFIX_WIDTH = 2;

export function InputEditor({ state, maxRows, placeholder }: { state: EditorState; maxRows: number; placeholder?: string }) {
  const { theme, columns } = useAppContext();
  const layout = layoutEditor(state.text, state.cursor, columns - PREFIX_WIDTH - 1);
  const first = Math.max(0, Math.min(layout.cursorRow - maxRows + 1, layout.rows.length - maxRows));
  const visible = layout.rows.slice(first, first + maxRows);
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
    </Box>
  );
}
