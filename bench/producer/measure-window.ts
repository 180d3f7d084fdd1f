/**
 * The measured window of a load process: `warmupMs` of load, then `measureMs` during which
 * `onMeasuring(true)` counts; gives the window's length and this process's CPU time in it.
 */
export async function measureWindow(warmupMs: number, measureMs: number, onMeasuring: (on: boolean) => void): Promise<{ seconds: number; cpuMicros: number }> {
  await new Promise((resolve) => setTimeout(resolve, warmupMs));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  onMeasuring(true);
  await new Promise((resolve) => setTimeout(resolve, measureMs));
  onMeasuring(false);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpuMicros: cpu.user + cpu.system };
}
