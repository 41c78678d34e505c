import { clockTicksPerSecond, cpuMs, parseCpuMs, parseRssBytes, rssBytes } from './proc-stat';

test('parseCpuMs adds utime and stime, counting fields after a command name with spaces and parentheses', () => {
  // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
  const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 100 0 0';
  expect(parseCpuMs(stat, 100)).toBe(3000);
  expect(parseCpuMs(stat, 1000)).toBe(300);
  expect(() => parseCpuMs('1 (x) S 1', 100)).toThrow(/unexpected/);
});

test('parseRssBytes reads VmRSS in kB', () => {
  expect(parseRssBytes('Name:\tnode\nVmPeak:\t  900 kB\nVmRSS:\t   51200 kB\nThreads:\t7\n')).toBe(51200 * 1024);
  expect(() => parseRssBytes('Name:\tzombie\n')).toThrow(/VmRSS/);
});

const linux = process.platform === 'linux' ? test : test.skip;

linux('this process: CPU time grows with work, RSS is plausible', () => {
  expect(clockTicksPerSecond()).toBeGreaterThan(0);
  const before = cpuMs(process.pid);
  const end = Date.now() + 60;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  expect(x).toBeGreaterThan(0);
  expect(cpuMs(process.pid)).toBeGreaterThan(before);
  expect(rssBytes(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
});
