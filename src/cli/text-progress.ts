/** A one-line progress bar on stderr for the command line (plain lines when stderr is not a terminal). */
export class TextProgress {
  private lastLine = '';
  private lastPrinted = -1;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {}

  update(done: number, total: number, extra = ''): void {
    if (!this.enabled) return;
    const share = total > 0 ? done / total : 1;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${extra}`;
      if (line !== this.lastLine) this.stream.write(`\r${line.padEnd(this.lastLine.length)}`);
      this.lastLine = line;
      if (done >= total) this.finish();
    } else {
      // Without a terminal, print every 10% so logs stay short.
      const decile = Math.floor(share * 10);
      if (decile !== this.lastPrinted) {
        this.lastPrinted = decile;
        this.stream.write(`${this.label} ${done}/${total} ${extra}\n`);
      }
    }
  }

  finish(): void {
    if (this.enabled && this.stream.isTTY && this.lastLine) this.stream.write('\n');
    this.lastLine = '';
  }
}
