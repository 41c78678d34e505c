/**
 * Test helper for the kill -9 test (e2e/src/llm-server/session-kill.spec.ts): appends turns to the
 * real ConversationStore in a loop and prints "done N" after each write returned, so the test can
 * check that a SIGKILL at any moment leaves a parseable session holding every reported turn.
 *
 *   node session-writer.cjs <state dir> [answer characters]
 */
import { ConversationStore } from '../chat/conversation-store';
import { createLogger } from '../log';

async function main(): Promise<void> {
  const [stateDir, answerChars = '2000'] = process.argv.slice(2);
  if (!stateDir) throw new Error('usage: session-writer <state dir> [answer characters]');
  const store = await ConversationStore.open({ stateDir, log: createLogger({ debug: false }) });
  const answer = 'x'.repeat(Number(answerChars));
  for (let n = store.turnCount; ; n++) {
    store.appendTurn({ id: `turn-${n}`, question: `question ${n}`, answer, at: Date.now(), provider: 'offline', model: 'offline' });
    await store.save();
    process.stdout.write(`done ${n}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`session-writer: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
