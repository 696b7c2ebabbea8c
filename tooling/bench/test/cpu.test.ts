import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuSecondsOfProcesses, processCpuSeconds, threadCpuSeconds } from '../src/cpu.js';

/** Spins until this process has used `ms` of CPU (a loaded machine stretches it in wall time). */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (let used = process.cpuUsage(start); used.user + used.system < ms * 1000; used = process.cpuUsage(start));
}

describe('CPU accounting from /proc', () => {
  it('reads the CPU a process and its main thread have used', () => {
    const process0 = processCpuSeconds(process.pid)!;
    const thread0 = threadCpuSeconds(process.pid)!;
    spin(300);
    expect(processCpuSeconds(process.pid)! - process0).toBeGreaterThanOrEqual(0.2);
    expect(threadCpuSeconds(process.pid)! - thread0).toBeGreaterThanOrEqual(0.2);
    expect(processCpuSeconds(2 ** 22 + 1)).toBeNull();
  });

  it('counts the processes of a name with their exited children', async () => {
    // A parent with a name of its own runs a child of that name that spins 400 ms of CPU and exits.
    // It spins in JavaScript between readings: asking for its CPU time in a tight loop spent four
    // times as much in the kernel (1.9 s for 0.4 s of user time), 28.6 s of wall time in a loaded CI run.
    const name = `pnp-cpu-${process.pid % 100_000}`;
    const script = `process.title = ${JSON.stringify(name)};
      require('node:child_process').spawnSync(process.execPath, ['-e', 'process.title = ${JSON.stringify(name)}; for (let x = 0; process.cpuUsage().user < 400000; ) for (let i = 0; i < 1e6; i++) x += i;']);
      console.log('ready');
      setTimeout(() => {}, 20_000);`;
    expect(cpuSecondsOfProcesses(name)).toBe(0);
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => parent.stdout.once('data', () => resolve()));
      // The child's time moved to its parent when the parent waited for it.
      expect(processCpuSeconds(parent.pid!)!).toBeLessThan(0.3);
      expect(cpuSecondsOfProcesses(name)).toBeGreaterThanOrEqual(0.35);
    } finally {
      parent.kill();
    }
  });
});
