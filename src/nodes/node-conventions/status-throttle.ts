import type { Node, NodeStatus } from 'node-red';

/** Every node sends its status through a StatusThrottle with this interval. */
export const STATUS_INTERVAL_MS = 500;

/**
 * node.status() goes to every open editor; a node that handles hundreds of streams would send
 * hundreds of updates a second. This keeps the latest status and sends it at most every `intervalMs`.
 */
export class StatusThrottle {
  private pending: NodeStatus | (() => NodeStatus) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;

  constructor(
    private readonly node: Pick<Node, 'status'>,
    private readonly intervalMs: number = STATUS_INTERVAL_MS,
  ) {}

  /** Sends now (state changes the user must see at once, like errors). */
  now(status: NodeStatus | (() => NodeStatus)): void {
    this.pending = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastSent = Date.now();
    this.node.status(typeof status === 'function' ? status() : status);
  }

  /** A function is called only when the status is sent (a node that makes its text per message would make it thousands of times a second). */
  set(status: NodeStatus | (() => NodeStatus)): void {
    const wait = this.lastSent + this.intervalMs - Date.now();
    if (wait <= 0 && !this.timer) return this.now(status);
    this.pending = status;
    if (!this.timer) {
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          if (this.pending) this.now(this.pending);
        },
        Math.max(0, wait),
      );
      this.timer.unref();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
