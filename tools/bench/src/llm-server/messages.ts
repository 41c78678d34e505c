/** Messages the llm-server suite's workers send back to the orchestrator. */

export interface Mark {
  type: 'mark';
  name: string;
}

export interface LinkTurns {
  type: 'turns';
  /** PING → PONG over the local link (the server's router answers it without touching the chat). */
  pingMs: number[];
  /** CHAT sent → first CHAT_DELTA, and → CHAT_DONE. */
  firstMs: number[];
  doneMs: number[];
  /** The offline provider streaming the same replies in this process (no server, no link). */
  providerMs: number[];
}

export interface ContextTimes {
  type: 'context';
  /** Characters in the files, and in the assembled prompt (capped at 60,000 plus headings). */
  fileChars: number;
  promptChars: number;
  files: number;
  /** Per call, in milliseconds. */
  loadMs: number[];
  readMs: number[];
  cachedMs: number[];
}

export type LlmWorkerMessage = Mark | LinkTurns | ContextTimes;
