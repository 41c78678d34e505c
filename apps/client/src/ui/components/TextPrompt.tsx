/** A one-line text prompt (local path, new name...): Enter accepts, Esc cancels. */
import React from 'react';
import { Box, Text } from 'ink';
import { useAppContext } from '../contexts/AppContext';
import { useKeypress } from '../hooks/useKeypress';
import { useSyncedState } from '../hooks/useSyncedState';
import { editorKey, emptyEditor, type EditorState } from '../state/editor';

export interface TextPromptProps {
  label: string;
  initial?: string;
  onSubmit(value: string): void;
  onCancel(): void;
}

export function TextPrompt({ label, initial = '', onSubmit, onCancel }: TextPromptProps) {
  const { theme } = useAppContext();
  const [state, stateRef, setState] = useSyncedState<EditorState>(() => ({ ...emptyEditor(), text: initial, cursor: initial.length }));
  useKeypress((key) => {
    if (key.name === 'escape') return onCancel();
    if (key.name === 'return' && !key.meta) return onSubmit(stateRef.current.text.trim());
    // One line only: newline keys are ignored here.
    if (key.name === 'newline' || key.name === 'up' || key.name === 'down') return;
    const result = editorKey(stateRef.current, key);
    if (result.handled) setState(result.state);
  });
  const chars = [...state.text];
  const column = [...state.text.slice(0, state.cursor)].length;
  return (
    <Box>
      <Text wrap="truncate-start">
        <Text color={theme.accent}>{label} </Text>
        {chars.slice(0, column).join('')}
        <Text inverse>{chars[column] ?? ' '}</Text>
        {chars.slice(column + 1).join('')}
      </Text>
    </Box>
  );
}

/** A yes/no question: only y confirms; n, Esc or Enter cancel (the safe default). */
export function ConfirmPrompt({ question, onAnswer }: { question: string; onAnswer(yes: boolean): void }) {
  const { theme } = useAppContext();
  useKeypress((key) => {
    if (key.text === 'y' || key.text === 'Y') onAnswer(true);
    else if (key.text === 'n' || key.text === 'N' || key.name === 'escape' || key.name === 'return') onAnswer(false);
  });
  return (
    <Text wrap="truncate-end" color={theme.warn}>
      {question} [y/N]
    </Text>
  );
}
