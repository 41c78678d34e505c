/**
 * The namespace tests run only under `npm run test:net` (which sets CLAWCHAT_NET_TESTS=1) and as root:
 * the e2e project's own Jest config also finds these files, and there they are reported as skipped.
 */
import { netTestsPossible } from './host';

export const netReady = process.env.CLAWCHAT_NET_TESTS === '1' && netTestsPossible().ok;
export const netDescribe = netReady ? describe : describe.skip;
