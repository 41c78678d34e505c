/**
 * The streaming tail of a reply. Only this is re-rendered while text arrives: an unfinished code
 * fence is closed virtually before rendering, lines are truncated to the width, and at most
 * `maxLines` (the newest) are shown so the live area never reaches the terminal height.
 */
import React, { useMemo } from 'react';
import { Box, Text } from 'ink';
import { useAppContext } from '../contexts/AppContext';
import { renderMarkdown } from '../markdown/render-markdown';
import { closeOpenFence } from '../markdown/stream-split';

export function LiveMarkdown({ markdown, maxLines }: { markdown: string; maxLines: number }) {
  const { columns, theme } = useAppContext();
  const lines = useMemo(() => {
    if (markdown.trim() === '') return [];
    return renderMarkdown(closeOpenFence(markdown), { width: columns, noColor: theme.noColor }).split('\n');
  }, [markdown, columns, theme.noColor]);
  if (lines.length === 0) return null;
  const hidden = Math.max(0, lines.length - maxLines + 1);
  const shown = hidden > 0 ? lines.slice(hidden) : lines;
  return (
    <Box flexDirection="column" marginTop={1}>
      {hidden > 0 ? <Text dimColor>{`… ${hidden} more lines (shown in full when the block ends)`}</Text> : null}
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line === '' ? ' ' : line}
        </Text>
      ))}
    </Box>
  );
}
