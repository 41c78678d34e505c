export { DEFAULT_WAIT_MS, LLM_READY_LINE, OUTPUT_TAIL_CHARS, RELAY_READY_LINE, STARTER_CONTEXT_FILES, STOP_GRACE_MS } from './constants';
export { WatchedProcess, childEnv, spawnNode, type ExitStatus, type NodeSpawnOptions, type WatchOptions } from './watched-process';
export { runToExit, type Run, type RunOptions, type RunResult } from './run-to-exit';
export { tempDir } from './temp-dir';
export { appBundles, currentSecFile, makeAppDirs, offlineEnv, readBootstrapKey, serverEnv, type AppBundles, type AppDirs } from './app-system';
export { lastUserText, sseChunk, startFakeChatServer, type ChatHandler, type FakeChatServer, type ReplyStream } from './fake-chat-server';
