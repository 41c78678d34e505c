/** One scrollback item, rendered once by `<Static>` and never again. */
import React from 'react';
import { Box, Text } from 'ink';
import { useAppContext } from '../contexts/AppContext';
import { renderMarkdown } from '../markdown/render-markdown';
import type { ScrollbackItem } from '../state/scrollback';

export function ScrollbackEntry({ item }: { item: ScrollbackItem }) {
  const { theme, columns } = useAppContext();
  switch (item.kind) {
    case 'user':
      return (
        <Box marginTop={1}>
          <Text color={theme.user} bold>
            {item.label ? `[${item.label}] ` : ''}
            {'› '}
          </Text>
          <Text>{item.text}</Text>
        </Box>
      );
    case 'assistant':
      return (
        <Box marginTop={1}>
          <Text>{renderMarkdown(item.text, { width: columns, noColor: theme.noColor })}</Text>
        </Box>
      );
    case 'error':
      return <Text color={theme.error}>{item.text}</Text>;
    case 'info':
      return <Text>{item.text}</Text>;
    default:
      return <Text dimColor>{item.text}</Text>;
  }
}
