/** Messages the relay suite's workers send back to the orchestrator. */

export interface Ready {
  type: 'ready';
  port: number;
}

/** Per-turn times in milliseconds, in the order the turns ran. */
export interface ChatTurns {
  type: 'turns';
  /** Request sent → first CHAT_DELTA back (session) or reply datagram back (plain). */
  firstMs: number[];
  /** Request sent → CHAT_DONE (the turn is stored on disk); empty for the plain chain. */
  doneMs: number[];
  /** PING → PONG over the same session (the relay answers it itself); empty for the plain chain. */
  pingMs: number[];
  /** HELLO → WELCOME over the same session (answered by the LLM server at once); empty for the plain chain. */
  helloMs: number[];
}

export interface Opened {
  type: 'opened';
  opened: number;
  failed: number;
  elapsedMs: number;
  /** The first refusal or failure seen, if any (one line). */
  firstError?: string;
}

/** A point in the worker's run at which the orchestrator reads the apps' CPU time. */
export interface Mark {
  type: 'mark';
  name: string;
}

export type RelayWorkerMessage = Ready | ChatTurns | Opened | Mark;
