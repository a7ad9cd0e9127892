/** An audio file that cannot be used; the message starts with the file's path and says why. */
export class AudioFileError extends Error {
  override readonly name = 'AudioFileError';

  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
