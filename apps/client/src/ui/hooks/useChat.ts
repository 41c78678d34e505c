/**
 * One chat turn at a time: sends CHAT, streams CHAT_DELTAs into a live tail, moves finished
 * markdown blocks to the scrollback as they complete, and ends on CHAT_DONE or ERROR. Turns
 * finished on another device (pushed CHAT_DONE) are written to the scrollback too.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorCode, type ClientConnection, type Message } from '../../connection/types';
import { STREAM_FLUSH_MS } from '../constants';
import { takeFinishedBlocks } from '../markdown/stream-split';
import { formatError } from '../state/errors';
import type { AddScrollback, NewScrollbackItem } from '../state/scrollback';

interface Stream {
  id: string;
  /** Markdown not yet moved to the scrollback. */
  pending: string;
  /** Everything received so far, to reconcile with CHAT_DONE's full text. */
  received: string;
}

export interface ChatControls {
  /** Live (unfinished) markdown of the reply being streamed. */
  live: string;
  busy: boolean;
  send(text: string): void;
  cancel(): void;
}

const assistant = (text: string): NewScrollbackItem => ({ kind: 'assistant', text });

/** All of `markdown` as finished blocks (the reply is over). */
function allBlocks(markdown: string): NewScrollbackItem[] {
  const split = takeFinishedBlocks(markdown, Number.POSITIVE_INFINITY);
  return [...split.finished, split.pending].filter((b) => b.trim() !== '').map(assistant);
}


/** After a turn that failed: the message is in the input history, not in the conversation. */
export const UNANSWERED_HINT = 'Your message was not answered; ↑ brings it back to send again.';

export function useChat(conn: ClientConnection, addScrollback: AddScrollback, maxLiveLines: number): ChatControls {
  const [live, setLive] = useState('');
  const [busy, setBusy] = useState(false);
  const stream = useRef<Stream | null>(null);
  const flushTimer = useRef<NodeJS.Timeout | null>(null);
  const maxLines = useRef(maxLiveLines);
  maxLines.current = maxLiveLines;

  const flush = useCallback(() => {
    flushTimer.current = null;
    const s = stream.current;
    if (!s) return;
    const split = takeFinishedBlocks(s.pending, maxLines.current);
    if (split.finished.length > 0) addScrollback(...split.finished.map(assistant));
    s.pending = split.pending;
    setLive(s.pending);
  }, [addScrollback]);

  const end = useCallback(
    (s: Stream, extra: NewScrollbackItem[]) => {
      if (flushTimer.current) clearTimeout(flushTimer.current);
      flushTimer.current = null;
      addScrollback(...allBlocks(s.pending), ...extra);
      stream.current = null;
      setLive('');
      setBusy(false);
    },
    [addScrollback],
  );

  const send = useCallback(
    (text: string) => {
      if (stream.current) {
        addScrollback({ kind: 'system', text: 'A reply is still streaming; wait for it or press Esc to cancel it.' });
        return;
      }
      const s: Stream = { id: conn.nextId(), pending: '', received: '' };
      stream.current = s;
      setBusy(true);
      addScrollback({ kind: 'user', text });
      const onPiece = (m: Message) => {
        if (stream.current !== s) return;
        if (m.type === 'CHAT_DELTA' && typeof m.text === 'string') {
          s.pending += m.text;
          s.received += m.text;
          flushTimer.current ??= setTimeout(flush, STREAM_FLUSH_MS);
        } else if (m.type === 'CHAT_QUEUED') {
          const position = typeof m.position === 'number' ? m.position : 1;
          addScrollback({ kind: 'system', text: position === 1 ? 'Queued: the next turn after the one running now…' : `Queued: ${position} turns ahead of this one…` });
        }
      };
      conn.request({ type: 'CHAT', id: s.id, text }, onPiece).then(
        (done) => {
          if (stream.current !== s) return;
          const full = typeof done.text === 'string' ? done.text : '';
          // CHAT_DONE carries the whole reply: anything the deltas missed is appended here.
          if (full.startsWith(s.received)) s.pending += full.slice(s.received.length);
          end(s, done.cancelled === true ? [{ kind: 'system', text: 'Reply cancelled.' }] : []);
        },
        (err: unknown) => {
          if (stream.current !== s) return;
          const cancelled = errorCode(err) === 'CANCELLED';
          // Only finished turns are stored, so the question is gone from the conversation: say how to resend it.
          end(
            s,
            cancelled
              ? [{ kind: 'system', text: 'Reply cancelled.' }]
              : [{ kind: 'error', text: formatError(err) }, { kind: 'system', text: UNANSWERED_HINT }],
          );
        },
      );
    },
    [conn, addScrollback, flush, end],
  );

  const cancel = useCallback(() => {
    const s = stream.current;
    if (!s) return;
    conn.request({ type: 'CHAT_CANCEL', re: s.id }).catch(() => {
      // The turn may have finished meanwhile; its CHAT_DONE/ERROR ends the stream either way.
    });
  }, [conn]);

  useEffect(
    () =>
      conn.onPush((m) => {
        // An ERROR that answers nothing (the relay lost the LLM server with nothing pending) still matters.
        if (m.type === 'ERROR') return addScrollback({ kind: 'error', text: formatError(Object.assign(new Error(String(m.message)), { code: m.code })) });
        if (m.type !== 'CHAT_DONE') return;
        const question = typeof m.question === 'string' ? m.question : undefined;
        const device = typeof m.device === 'string' && m.device !== '' ? m.device : 'another device';
        const items: NewScrollbackItem[] = question ? [{ kind: 'user', text: question, label: device }] : [];
        addScrollback(...items, ...allBlocks(typeof m.text === 'string' ? m.text : ''));
      }),
    [conn, addScrollback],
  );

  useEffect(
    () => () => {
      if (flushTimer.current) clearTimeout(flushTimer.current);
    },
    [],
  );

  return { live, busy, send, cancel };
}
