/** What every screen needs: the connection, the terminal size and the colour theme. */
import React, { createContext, useContext, type ReactNode } from 'react';
import type { ClientConnection } from '../../connection/types';
import type { Theme } from '../theme';

export interface AppContextValue {
  conn: ClientConnection;
  theme: Theme;
  columns: number;
  rows: number;
  /** Default local folder for downloads. */
  downloadDir: string;
  /** Folder relative local paths typed in prompts are relative to (the user's, see userWorkingDir). */
  localBase: string;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ value, children }: { value: AppContextValue; children: ReactNode }) {
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useAppContext must be used inside <AppProvider>');
  return value;
}
