import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateBootstrapKey } from './bootstrap-key';
import { SecError } from './errors';
import { SecIssuer } from './issuer';
import { currentSecPath, readSecFile, readSecFileHeader, resolveBootstrapKey, secBodyForTicket, writeSecFile } from './sec-file';

describe('sec-file adapters', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clawchat-secfile-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes what the issuer asks for as a 0600 clawchat-current.sec that the client can read', async () => {
    const key = generateBootstrapKey();
    const relayPublicKey = randomBytes(32).toString('base64');
    const issuer = new SecIssuer({ now: Date.now() });
    const [action] = issuer.tick(Date.now());
    const securityDir = path.join(dir, 'security');
    const file = currentSecPath(securityDir);
    await writeSecFile(file, secBodyForTicket(action.ticket, [{ host: '127.0.0.1', port: 4433 }], relayPublicKey), key);

    expect(path.basename(file)).toBe('clawchat-current.sec');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await readSecFileHeader(file)).toEqual({ version: 1, expiresAt: action.ticket.expiresAt });
    const body = await readSecFile(file, key);
    expect(body).toMatchObject({ ticketId: action.ticket.ticketId, psk: action.ticket.psk, relayPublicKey });
  });

  it('names the file in errors', async () => {
    const file = path.join(dir, 'phone.sec');
    fs.writeFileSync(file, 'not a sec');
    await expect(readSecFile(file, generateBootstrapKey())).rejects.toThrow(SecError);
    await expect(readSecFile(file, generateBootstrapKey())).rejects.toThrow(/cannot read phone\.sec: not a ClawChat \.sec file/);
  });

  describe('resolveBootstrapKey', () => {
    it('prefers CLAWCHAT_BOOTSTRAP_KEY and never writes it to disk', () => {
      const key = generateBootstrapKey();
      expect(resolveBootstrapKey({ envValue: `${key}\n`, securityDir: dir, create: true })).toEqual({ key, source: 'env' });
      expect(fs.readdirSync(dir)).toEqual([]);
    });

    it('generates and stores a key (0600) on first relay start, then reuses it', () => {
      const securityDir = path.join(dir, 'security');
      expect(resolveBootstrapKey({ envValue: undefined, securityDir, create: false })).toBeNull();
      const first = resolveBootstrapKey({ envValue: '', securityDir, create: true });
      expect(first?.source).toBe('generated');
      expect(first?.key).toMatch(/^ccbk1_/);
      expect(fs.statSync(first?.file as string).mode & 0o777).toBe(0o600);
      const again = resolveBootstrapKey({ envValue: undefined, securityDir, create: false });
      expect(again).toEqual({ key: first?.key, source: 'file', file: first?.file });
    });

    it('rejects a too-short passphrase from the environment', () => {
      expect(() => resolveBootstrapKey({ envValue: 'short', securityDir: dir, create: true })).toThrow(/at least 12 characters/);
    });
  });
});
