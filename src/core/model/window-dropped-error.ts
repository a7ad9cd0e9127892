/**
 * A window dropped unclassified because more windows were waiting than the bound allows (the oldest
 * goes first). Not a failure of the input: callers count it rather than report it.
 */
export class WindowDroppedError extends Error {
  constructor(readonly maxQueued: number) {
    super(`window dropped: more than ${maxQueued} windows were waiting for the model`);
    this.name = 'WindowDroppedError';
  }
}
