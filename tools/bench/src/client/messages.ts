/** Messages the client suite's fake provider worker sends back to the orchestrator. */

export interface Ready {
  type: 'ready';
  port: number;
}

/** The streamed reply was written: first and last piece as epoch milliseconds (performance.timeOrigin based). */
export interface Streamed {
  type: 'stream';
  firstAt: number;
  lastAt: number;
  chars: number;
  elapsedMs: number;
}

export interface Questions {
  type: 'questions';
  questions: string[];
}

export type ClientWorkerMessage = Ready | Streamed | Questions;
