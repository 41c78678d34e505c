import React from 'react';
import { Box, Text } from 'ink';
import { useAppContext } from '../contexts/AppContext';

export type TabId = 'chat' | 'files' | 'cron';

export const TABS: readonly { id: TabId; label: string }[] = [
  { id: 'chat', label: 'Chat' },
  { id: 'files', label: 'Files' },
  { id: 'cron', label: 'Crontab' },
];

export interface TabBarProps {
  active: TabId;
  /** `provider/model`, shown on the right. */
  model?: string;
  /** The LLM server answers with its built-in offline provider. */
  offline: boolean;
}

export function TabBar({ active, model, offline }: TabBarProps) {
  const { theme } = useAppContext();
  return (
    <Box>
      <Box flexShrink={0}>
        {TABS.map((tab) =>
          tab.id === active ? (
            <Text key={tab.id} inverse bold color={theme.accent}>
              {` ${tab.label} `}
            </Text>
          ) : (
            <Text key={tab.id}>{` ${tab.label} `}</Text>
          ),
        )}
      </Box>
      <Box flexGrow={1} justifyContent="flex-end" marginLeft={1}>
        <Text wrap="truncate-start">
          {offline ? <Text color={theme.warn}>[offline provider] </Text> : null}
          <Text dimColor>{model ?? ''}</Text>
        </Text>
      </Box>
    </Box>
  );
}
