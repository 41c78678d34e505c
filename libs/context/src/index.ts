export { loadContext, ContextCache, type ContextOptions, type LoadContextOptions } from './load-context';
export { assembleContext, omittedMarker, type ContextResult, type ContextFileInfo, type ContextFileEntry, type Caps } from './assemble';
export { truncateHeadTail, cutMarker, type Truncated } from './truncate';
export { contextFileNames, localDate, previousDate } from './context-files';
export { nodeContextFs, type ContextFs, type ContextFileStat } from './context-fs';
export * as contextConstants from './constants';
