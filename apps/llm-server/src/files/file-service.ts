/**
 * FILE_* requests on the sandbox (@clawchat/file-protocol does the containment and the atomic,
 * verified uploads). Downloads stream FILE_DATA with backpressure: while more than
 * DOWNLOAD_BUFFER_LIMIT_BYTES wait unacknowledged on the stream the file is not read further, and
 * the loop sleeps until transport activity (acks) rather than polling. A download stops when its
 * client session ends.
 */
import type { Sandbox } from '@clawchat/file-protocol';
import {
  ProtocolError,
  type FileChunkMessage,
  type FileCommitMessage,
  type FileDeleteMessage,
  type FileDownloadMessage,
  type FileEntry,
  type FileListMessage,
  type FileMkdirMessage,
  type FileMoveMessage,
  type FileStatMessage,
  type FileUploadMessage,
  type OkResultMap,
} from '@clawchat/protocol';
import { DOWNLOAD_BUFFER_LIMIT_BYTES, STALE_UPLOAD_AGE_MS, UPLOAD_PRUNE_INTERVAL_MS } from '../constants';
import { errorAnswer } from '../link/error-answer';
import type { Outbox, Route } from '../link/outbox';
import type { FileHandlers } from '../link/router';
import { describeError, type Logger } from '../log';

export interface FileServiceDeps {
  sandbox: Sandbox;
  outbox: Outbox;
  log: Logger;
  /** Download backpressure threshold; tests make it small. */
  bufferLimitBytes?: number;
  now?: () => number;
}

function entryOf(e: { name: string; kind: 'file' | 'dir'; size: number; mtime: number }): FileEntry {
  return { name: e.name, kind: e.kind, size: e.size, mtime: Math.max(0, Math.floor(e.mtime)) };
}

export class FileService implements FileHandlers {
  /** Running downloads per client, so they stop when the client goes away. */
  private readonly downloads = new Map<string, Set<AbortController>>();
  /** A fire-and-forget chunk failed: reported at FILE_COMMIT (messages.md). */
  private readonly chunkFailures = new Map<string, unknown>();
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly bufferLimit: number;
  private readonly now: () => number;

  constructor(private readonly d: FileServiceDeps) {
    this.bufferLimit = d.bufferLimitBytes ?? DOWNLOAD_BUFFER_LIMIT_BYTES;
    this.now = d.now ?? Date.now;
  }

  async list(m: FileListMessage): Promise<OkResultMap['FILE_LIST']> {
    const entries = await this.d.sandbox.list(m.path);
    return { path: m.path, entries: entries.map(entryOf) };
  }

  async stat(m: FileStatMessage): Promise<OkResultMap['FILE_STAT']> {
    const s = await this.d.sandbox.stat(m.path);
    return { path: m.path, entry: s.sha256 === undefined ? entryOf(s) : { ...entryOf(s), sha256: s.sha256 } };
  }

  async mkdir(m: FileMkdirMessage): Promise<OkResultMap['FILE_MKDIR']> {
    await this.d.sandbox.mkdir(m.path);
    return {};
  }

  async delete(m: FileDeleteMessage): Promise<OkResultMap['FILE_DELETE']> {
    await this.d.sandbox.delete(m.path, { recursive: m.recursive === true });
    return {};
  }

  async move(m: FileMoveMessage): Promise<OkResultMap['FILE_MOVE']> {
    await this.d.sandbox.move(m.path, m.to, { overwrite: m.overwrite === true });
    return {};
  }

  async upload(m: FileUploadMessage): Promise<OkResultMap['FILE_UPLOAD']> {
    const { uploadId, offset } = await this.d.sandbox.beginUpload({ path: m.path, size: m.size, sha256: m.sha256, overwrite: m.overwrite });
    this.chunkFailures.delete(uploadId);
    this.d.log.debug('files', `upload ${uploadId} opened at offset ${offset} of ${m.size}`);
    return { upload: uploadId, offset };
  }

  /** Must be called in arrival order: the sandbox serialises chunks of one upload in call order. */
  chunk(m: FileChunkMessage): Promise<OkResultMap['FILE_CHUNK']> {
    return this.d.sandbox.writeChunk(m.upload, m.offset, m.bytes).then(
      ({ offset }) => {
        this.chunkFailures.delete(m.upload);
        return { received: offset };
      },
      (error: unknown) => {
        if (m.id === undefined) this.chunkFailures.set(m.upload, error);
        throw error;
      },
    );
  }

  async commit(m: FileCommitMessage): Promise<OkResultMap['FILE_COMMIT']> {
    const chunkFailure = this.chunkFailures.get(m.upload);
    this.chunkFailures.delete(m.upload);
    try {
      const done = await this.d.sandbox.commit(m.upload);
      this.d.log.info('files', `upload ${m.upload} committed (${done.size} bytes)`);
      return { path: done.path, size: done.size, sha256: done.sha256 };
    } catch (error) {
      // The chunk's own failure says more ("expects offset N") than the incomplete upload it caused.
      throw chunkFailure instanceof ProtocolError ? chunkFailure : error;
    }
  }

  download(m: FileDownloadMessage, route: Route): void {
    const controller = new AbortController();
    let set = this.downloads.get(route.client);
    if (!set) this.downloads.set(route.client, (set = new Set()));
    set.add(controller);
    void this.runDownload(m, route, controller.signal).finally(() => {
      set.delete(controller);
      if (set.size === 0) this.downloads.delete(route.client);
    });
  }

  /** The client session ended: stop its downloads. */
  clientClosed(client: string): void {
    for (const controller of this.downloads.get(client) ?? []) controller.abort();
  }

  private async runDownload(m: FileDownloadMessage, route: Route, signal: AbortSignal): Promise<void> {
    const { outbox } = this.d;
    let download;
    try {
      download = await this.d.sandbox.openDownload(m.path, { offset: m.offset, length: m.length });
    } catch (error) {
      outbox.send(route, errorAnswer(m.id, error));
      return;
    }
    try {
      for await (const event of download) {
        if (event.kind === 'done') {
          outbox.send(route, { type: 'FILE_DONE', re: m.id, size: event.size, sha256: event.sha256 });
          return;
        }
        while (outbox.buffered(route) > this.bufferLimit) {
          if (signal.aborted || !outbox.isOpen(route)) return;
          await outbox.progress();
        }
        if (signal.aborted || !outbox.send(route, { type: 'FILE_DATA', re: m.id, offset: event.offset, bytes: event.bytes })) return;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) this.d.log.error('files', `download ${m.id} failed: ${describeError(error)}`, error);
      outbox.send(route, errorAnswer(m.id, error));
    } finally {
      await download.close().catch(() => undefined);
    }
  }

  /** Deletes unfinished uploads nobody touched for a week, now and once a day. */
  startPruning(): void {
    const prune = () =>
      this.d.sandbox
        .pruneStaleUploads(this.now() - STALE_UPLOAD_AGE_MS)
        .then((n) => n > 0 && this.d.log.info('files', `removed ${n} stale unfinished upload(s)`))
        .catch((error: unknown) => this.d.log.warn('files', `could not prune stale uploads: ${describeError(error)}`));
    void prune();
    this.pruneTimer = setInterval(prune, UPLOAD_PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  close(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const set of this.downloads.values()) for (const controller of set) controller.abort();
  }
}
