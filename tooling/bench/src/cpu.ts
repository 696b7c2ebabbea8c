// CPU accounting from /proc (Linux): how much CPU a path spends a line, and so the most it could
// reach with every core busy the whole time. A throughput target above that ceiling cannot be met by
// removing waits; only by spending less CPU a line.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Figures } from './figures.js';

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** User + system seconds from a /proc stat file, reaped children's included when asked; null if it is gone. */
function statSeconds(path: string, withChildren: boolean): number | null {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  // The name (field 2) may hold spaces and parentheses: fields 3 on follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return (utime! + stime! + (withChildren ? cutime! + cstime! : 0)) / TICKS_PER_SECOND;
}

/** CPU seconds a process has used, all its threads, or null when it has gone (or there is no /proc). */
export function processCpuSeconds(pid: number): number | null {
  return statSeconds(`/proc/${pid}/stat`, false);
}

/** CPU seconds one thread of this process has used (its id is the process id for the main thread). */
export function threadCpuSeconds(tid: number): number | null {
  return statSeconds(`/proc/self/task/${tid}/stat`, false);
}

/**
 * CPU seconds of every process named `name` (e.g. `postgres`), with the reaped children of each: a
 * server's backend that exits between two readings moves its time to its parent, and is still
 * counted.
 */
export function cpuSecondsOfProcesses(name: string): number {
  let seconds = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm === name) seconds += statSeconds(`/proc/${entry}/stat`, true) ?? 0;
  }
  return seconds;
}

/**
 * Adds `name`: the lines a second this path could reach at `cpuSeconds` for `lines` lines with every
 * core busy the whole time (a reference, next to the measured rate), its CPU a line and `detail`.
 */
export function addCpuCeiling(figures: Figures, name: string, lines: number, cpuSeconds: number, detail: string): void {
  const cores = availableParallelism();
  figures.add(name, lines / (cpuSeconds / cores), 'lines/s', 'reference', `${usPerLine(cpuSeconds, lines)} us of CPU a line over ${cores} cores (${detail})`);
}

/** CPU microseconds a line, one decimal. */
export function usPerLine(cpuSeconds: number, lines: number): string {
  return ((cpuSeconds / lines) * 1e6).toFixed(1);
}
