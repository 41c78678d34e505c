/** One turn of a conversation as the providers see it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface StreamRequest {
  /** The system prompt (context files etc.); may be empty. */
  system: string;
  messages: ChatMessage[];
  /** Aborting it ends the stream with ProtocolError CANCELLED and closes the HTTP connection. */
  signal: AbortSignal;
  maxTokens?: number;
  /** Names of the context files loaded into `system`; only the offline provider reads it (to list them). */
  contextFiles?: string[];
  /** 'summary' for compaction calls; lets the offline provider trim instead of echoing. Default 'chat'. */
  purpose?: 'chat' | 'summary';
}

/** A piece of the answer. */
export interface DeltaEvent {
  kind: 'delta';
  text: string;
}

/** The last event of a successful stream; names who actually answered (for CHAT_DONE). */
export interface DoneEvent {
  kind: 'done';
  provider: string;
  model: string;
  usage?: TokenUsage;
}

export type StreamEvent = DeltaEvent | DoneEvent;

/**
 * A source of streamed answers. `stream` yields zero or more deltas then exactly one done, or throws a
 * ProtocolError (PROVIDER_ERROR, RATE_LIMITED, TIMEOUT, CANCELLED) whose message never holds a key.
 */
export interface Provider {
  readonly name: string;
  readonly model: string;
  stream(request: StreamRequest): AsyncIterable<StreamEvent>;
}
