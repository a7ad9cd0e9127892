/** Input audio that cannot be decoded; the message says what was wrong with it. */
export class AudioFormatError extends Error {
  override readonly name = 'AudioFormatError';
}
