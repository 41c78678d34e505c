// Node adapters of @clawchat/protocol (kept apart from the pure state machines in the main entry).
export { UdpDriver, literalLookup, monotonicNow, type DrivenMachine, type UdpDriverOptions } from './udp-driver';
