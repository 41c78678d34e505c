// Public API of the lossy proxy, for tests and benchmarks that start it in-process.
export { LossyProxy, type LossyProxyOptions, type LossyProxyStats, type Endpoint } from './lossy-proxy';
export { Impairment, type ImpairmentSettings, type DirectionStats } from './impairment';
export { createRandom, deriveSeed, type Random } from './prng';
export * from './constants';
