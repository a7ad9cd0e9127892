/** The longest wait between two sweeps, so an idle stream goes at most this late. */
const MAX_SWEEP_INTERVAL_MS = 10_000;
/** The shortest, so a tiny idle timeout does not spin the event loop. */
const MIN_SWEEP_INTERVAL_MS = 100;

/**
 * Calls `sweep` (which drops streams idle for longer than `idleMs`) regularly; 0 = streams never
 * expire, no timer. The node's close handler calls the returned `stop`.
 */
export function startIdleSweep(sweep: () => void, idleMs: number): { stop(): void } {
  if (!(idleMs > 0)) return { stop: () => undefined };
  const interval = Math.max(MIN_SWEEP_INTERVAL_MS, Math.min(MAX_SWEEP_INTERVAL_MS, idleMs));
  const timer = setInterval(sweep, interval);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
