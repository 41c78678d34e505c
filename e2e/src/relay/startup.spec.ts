import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BUNDLES, Proc, tempDir } from '../support/processes';

// Each case waits for a relay to give up on its own: seconds, not the default 5 s budget.
jest.setTimeout(20_000);

describe('relay start-up', () => {
  test('with no LLM server it prints the seed error lines and exits non-zero within a few seconds', async () => {
    const t = tempDir('relay-nollm-');
    try {
      mkdirSync(path.join(t.dir, 'data'));
      writeFileSync(path.join(t.dir, 'data/local.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
      const started = Date.now();
      // A port nobody listens on: 1 is privileged and never used by our tests.
      const relay = new Proc('relay', [BUNDLES.relay, '--ip', '127.0.0.1', '--llm-port', '1'], { cwd: t.dir });
      const { code } = await relay.exited;
      expect(code).not.toBe(0);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(relay.output).toContain('[Server] ERROR: Cannot reach LLM server\n[Server] Please ensure LLM server is running:\n    clawchat-llm\n');
      expect(relay.output).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      t.cleanup();
    }
  });

  test('without a local key it names the missing key after the seed lines', async () => {
    const t = tempDir('relay-nokey-');
    try {
      const relay = new Proc('relay', [BUNDLES.relay, '--ip', '127.0.0.1'], { cwd: t.dir });
      const { code } = await relay.exited;
      expect(code).toBe(1);
      expect(relay.output).toContain('[Server] ERROR: Cannot reach LLM server');
      expect(relay.output).toMatch(/no local key at .*local\.key: start clawchat-llm first/);
    } finally {
      t.cleanup();
    }
  });

  test('started before the LLM server on a fresh machine, it waits a moment for the key the server writes', async () => {
    const t = tempDir('relay-latekey-');
    try {
      const relay = new Proc('relay', [BUNDLES.relay, '--ip', '127.0.0.1', '--llm-port', '1'], { cwd: t.dir });
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // the LLM server starting up
      mkdirSync(path.join(t.dir, 'data'));
      writeFileSync(path.join(t.dir, 'data/local.key'), randomBytes(32).toString('base64'), { mode: 0o600 });
      const { code } = await relay.exited;
      expect(code).toBe(1);
      // It found the key and went on to the start-up check (nobody answers on port 1).
      expect(relay.output).toMatch(/no answer from 127\.0\.0\.1:1/);
      expect(relay.output).not.toMatch(/no local key/);
    } finally {
      t.cleanup();
    }
  });

  test('bad flags are one-line usage errors with exit code 2', async () => {
    const relay = new Proc('relay', [BUNDLES.relay, '--ip', 'not-an-ip']);
    const { code } = await relay.exited;
    expect(code).toBe(2);
    expect(relay.output.trim().split('\n')).toHaveLength(1);
  });
});
