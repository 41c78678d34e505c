import { cpuModel, machineInfo } from './machine';

describe('cpuModel', () => {
  it('reads the first model name line of /proc/cpuinfo', () => {
    const text = 'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n';
    expect(cpuModel(text)).toBe('AMD EPYC 7B13');
  });
  it('falls back to os.cpus() when there is no model name line', () => {
    expect(cpuModel('processor\t: 0\n').length).toBeGreaterThan(0);
  });
});

describe('machineInfo', () => {
  it('names the node version and counts at least one core', () => {
    const m = machineInfo();
    expect(m.node).toBe(process.version);
    expect(m.cores).toBeGreaterThanOrEqual(1);
  });
});
