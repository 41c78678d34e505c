/**
 * The device's X25519 key and its resumption credentials, one JSON file (mode 0600, directory 0700)
 * under the client's state dir. Every write is atomic (temp file, fsync, rename), so a crash never
 * leaves half a key behind. A credential lets the client reconnect without a .sec until the relay
 * revokes it; the revocation erases the whole file (a revoked device's key is not trusted either).
 * The relay hands out a new credential on every connect, and the client saves each one here.
 * Beside it, in a file of its own that a revocation leaves alone, the device's .sec history
 * (sec-history.ts): which .sec files it used or the relay refused, and which relay keys were retired.
 */
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { generateX25519KeyPair, x25519PublicFromPrivate, type X25519KeyPair } from '@clawchat/crypto';
import { FileLockTimeout, withFileLock, writeFileAtomic } from '@clawchat/atomic-file';
import { CREDENTIALS_FILE_NAME, SEC_HISTORY_FILE_NAME } from './constants';
import { ConnectError } from './connect-error';
import { emptySecHistory, parseSecHistory, serializeSecHistory, withRetiredRelay, withSecRecord, type SecHistory, type SecRecord } from './sec-history';

/** A relay this device may resume with (no .sec needed). Keys are base64, ids base64url. */
export interface StoredRelay {
  host: string;
  port: number;
  relayPublicKey: string;
  resumptionId: string;
  resumptionPsk: string;
  savedAt: number;
}

interface CredentialFile {
  version: 1;
  device?: { publicKey: string; privateKey: string };
  /** Most recently used first. */
  relays: StoredRelay[];
}

/** `$XDG_STATE_HOME/clawchat`, else `~/.local/state/clawchat` (XDG Base Directory defaults). */
export function clientStateDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_STATE_HOME;
  return xdg && xdg.trim() !== '' ? join(xdg, 'clawchat') : join(home, '.local', 'state', 'clawchat');
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function isStoredRelay(v: unknown): v is StoredRelay {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    isText(r.host) &&
    typeof r.port === 'number' &&
    Number.isInteger(r.port) &&
    r.port > 0 &&
    r.port < 65536 &&
    isText(r.relayPublicKey) &&
    isText(r.resumptionId) &&
    isText(r.resumptionPsk) &&
    typeof r.savedAt === 'number'
  );
}

export class CredentialStore {
  readonly file: string;
  readonly historyFile: string;

  constructor(readonly dir: string) {
    this.file = join(dir, CREDENTIALS_FILE_NAME);
    this.historyFile = join(dir, SEC_HISTORY_FILE_NAME);
  }

  private damaged(detail: string): ConnectError {
    return new ConnectError('CREDENTIAL', `the stored credential ${this.file} is damaged (${detail}) — delete it and connect with a new .sec`);
  }

  private async read(): Promise<CredentialFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, relays: [] };
      throw new ConnectError('CREDENTIAL', `cannot read ${this.file}: ${(err as Error).message} — check its permissions`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw this.damaged('not JSON');
    }
    const f = parsed as Partial<CredentialFile> | null;
    if (!f || f.version !== 1 || !Array.isArray(f.relays)) throw this.damaged('unknown format');
    const device = f.device;
    if (device !== undefined && (!isText(device.publicKey) || !isText(device.privateKey))) throw this.damaged('bad device key');
    return { version: 1, device, relays: f.relays.filter(isStoredRelay) };
  }

  private async write(content: CredentialFile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify(content, null, 2) + '\n');
  }

  /**
   * Read-modify-write of the file by one process at a time: the TUI and a headless command started
   * together on a new device would otherwise each create a device key, and a credential saved by one
   * would end up beside the other's key (a resumption the relay then refuses).
   */
  private async exclusive<T>(section: () => Promise<T>, file: string = this.file): Promise<T> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      return await withFileLock(`${file}.lock`, section);
    } catch (err) {
      if (err instanceof FileLockTimeout) throw new ConnectError('CREDENTIAL', `cannot update the stored credential: ${err.message}`);
      throw err;
    }
  }

  /** This device's static key pair, created and stored on first use. */
  deviceKey(): Promise<X25519KeyPair> {
    return this.exclusive(async () => {
      const content = await this.read();
      if (content.device) {
        const privateKey = Buffer.from(content.device.privateKey, 'base64');
        if (privateKey.length !== 32) throw this.damaged('bad device key');
        return { privateKey, publicKey: x25519PublicFromPrivate(privateKey) };
      }
      const pair = generateX25519KeyPair();
      await this.write({ ...content, device: { publicKey: pair.publicKey.toString('base64'), privateKey: pair.privateKey.toString('base64') } });
      return pair;
    });
  }

  /** The most recently used relay credential, if any. */
  async latestRelay(): Promise<StoredRelay | undefined> {
    return (await this.read()).relays[0];
  }

  /**
   * The credential for a relay key, if this device holds one. Every program of this device saves the
   * credential it was handed last here, so a reconnect reads it again: the relay rotates the
   * credential on each connect and keeps only the last few valid.
   */
  async relayFor(relayPublicKey: string): Promise<StoredRelay | undefined> {
    return (await this.read()).relays.find((r) => r.relayPublicKey === relayPublicKey);
  }

  /** Stores (or replaces, by relay key) a relay credential and makes it the most recent. */
  saveRelay(relay: StoredRelay): Promise<void> {
    return this.exclusive(async () => {
      const content = await this.read();
      const others = content.relays.filter((r) => r.relayPublicKey !== relay.relayPublicKey);
      await this.write({ ...content, relays: [relay, ...others] });
    });
  }

  /** Forgets everything (the relay revoked this device). Missing already is fine. */
  erase(): Promise<void> {
    // Under the lock too: a save in flight in another process must not recreate half a file after it.
    return this.exclusive(() =>
      unlink(this.file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      }),
    );
  }

  /** The .sec history; empty when there is none or it cannot be read (it only ever adds a warning). */
  async secHistory(): Promise<SecHistory> {
    try {
      return parseSecHistory(await readFile(this.historyFile, 'utf8'));
    } catch {
      return emptySecHistory();
    }
  }

  /** Remembers what became of a .sec (used by this device, or refused by the relay). */
  rememberSec(record: SecRecord): Promise<void> {
    return this.updateHistory((h) => withSecRecord(h, record, Date.now()));
  }

  /** Remembers a relay key that `rotate-identity` retired (its .sec files can no longer connect). */
  rememberRetiredRelay(relayPublicKey: string): Promise<void> {
    return this.updateHistory((h) => withRetiredRelay(h, relayPublicKey, Date.now()));
  }

  private updateHistory(change: (h: SecHistory) => SecHistory): Promise<void> {
    return this.exclusive(async () => {
      const next = change(await this.secHistory());
      await writeFileAtomic(this.historyFile, serializeSecHistory(next));
    }, this.historyFile);
  }
}
