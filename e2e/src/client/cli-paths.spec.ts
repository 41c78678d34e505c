/**
 * The real client bundle: local paths typed by the user (relative ones under `npm run`, where the
 * process runs in the package root and INIT_CWD names the user's folder; `~`), and the handshake
 * timeout of headless commands, the same with a .sec and with a stored credential.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateX25519KeyPair } from '@clawchat/crypto';
import { ensureClientBundle, makeSec, runClient, sandbox, silentUdpPort, type Sandbox } from './client-bundle';

const SHORT_HANDSHAKE_MS = 1000;

describe('clawchat local paths and headless timeouts (real bundle)', () => {
  let box: Sandbox;
  beforeAll(() => ensureClientBundle(), 120_000);
  beforeEach(() => {
    box = sandbox();
  });
  afterEach(() => box.cleanup());

  test('under npm run, a relative --sec is found in the folder the user typed the command in; ~ is the home folder', async () => {
    const silent = await silentUdpPort();
    try {
      const packageRoot = join(box.dir, 'repo');
      const userFolder = join(box.dir, 'ux');
      mkdirSync(packageRoot);
      mkdirSync(userFolder);
      const key = await makeSec(join(userFolder, 'mine.sec'), { host: '127.0.0.1', port: silent.port });
      const env = {
        ...box.env,
        CLAWCHAT_BOOTSTRAP_KEY: key,
        CLAWCHAT_HANDSHAKE_TIMEOUT_MS: String(SHORT_HANDSHAKE_MS),
        INIT_CWD: userFolder,
        npm_package_json: join(packageRoot, 'package.json'),
      };
      const npmRun = await runClient(['status', '--sec', 'mine.sec'], { env, cwd: packageRoot });
      expect({ code: npmRun.code, stderr: npmRun.stderr }).toEqual({ code: 3, stderr: expect.stringContaining(`cannot reach the relay at 127.0.0.1:${silent.port}`) });

      const homeKey = await makeSec(join(box.env.HOME as string, 'home.sec'), { host: '127.0.0.1', port: silent.port });
      const tilde = await runClient(['status', '--sec', '~/home.sec'], { env: { ...box.env, CLAWCHAT_BOOTSTRAP_KEY: homeKey, CLAWCHAT_HANDSHAKE_TIMEOUT_MS: String(SHORT_HANDSHAKE_MS) }, cwd: box.dir });
      expect({ code: tilde.code, stderr: tilde.stderr }).toEqual({ code: 3, stderr: expect.stringContaining(`cannot reach the relay at 127.0.0.1:${silent.port}`) });
    } finally {
      silent.close();
    }
  });

  test('no answer at all: a headless command gives up within ~8 s, with a .sec and with a stored credential alike', async () => {
    const silent = await silentUdpPort();
    try {
      const sec = join(box.dir, 'clawchat-current.sec');
      const key = await makeSec(sec, { host: '127.0.0.1', port: silent.port });
      // A second home whose device already holds a resumption credential for the same (silent) relay.
      const stored = sandbox();
      try {
        const stateDir = join(stored.env.XDG_STATE_HOME as string, 'clawchat');
        mkdirSync(stateDir, { recursive: true, mode: 0o700 });
        const relay = {
          host: '127.0.0.1',
          port: silent.port,
          relayPublicKey: generateX25519KeyPair().publicKey.toString('base64'),
          resumptionId: Buffer.alloc(16, 1).toString('base64url'),
          resumptionPsk: Buffer.alloc(32, 2).toString('base64'),
          savedAt: Date.now(),
        };
        writeFileSync(join(stateDir, 'credentials.json'), JSON.stringify({ version: 1, relays: [relay] }), { mode: 0o600 });
        const [withSec, withStored] = await Promise.all([
          runClient(['status', '--sec', sec], { env: { ...box.env, CLAWCHAT_BOOTSTRAP_KEY: key }, cwd: box.dir }),
          runClient(['status'], { env: stored.env, cwd: stored.dir }),
        ]);
        for (const r of [withSec, withStored]) {
          expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 3, stderr: expect.stringContaining(`cannot reach the relay at 127.0.0.1:${silent.port}`) });
          expect(r.ms).toBeGreaterThanOrEqual(7000);
          expect(r.ms).toBeLessThan(12_000);
        }
      } finally {
        stored.cleanup();
      }
    } finally {
      silent.close();
    }
  }, 60_000);
});
