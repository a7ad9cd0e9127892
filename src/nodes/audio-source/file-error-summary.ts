/**
 * Reports files that cannot be played at most once per `intervalMs`; the ones in between are counted
 * and reported as one summary ("N more files failed"), so a folder of thousands of bad files writes
 * a few lines, not thousands.
 */
export class FileErrorSummary {
  private lastReport = -Infinity;
  private suppressed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly report: (text: string, file?: string) => void,
    private readonly intervalMs = 1000,
  ) {}

  add(file: string, error: Error): void {
    const now = Date.now();
    if (!this.timer && now - this.lastReport >= this.intervalMs) {
      this.lastReport = now;
      this.report(`skipped ${file}: ${error.message}`, file);
      return;
    }
    this.suppressed++;
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, this.lastReport + this.intervalMs - now));
      this.timer.unref();
    }
  }

  /** Reports the count of files not reported yet, if any. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.suppressed === 0) return;
    this.lastReport = Date.now();
    this.report(`${this.suppressed} more file${this.suppressed === 1 ? '' : 's'} failed`);
    this.suppressed = 0;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.suppressed = 0;
  }
}
