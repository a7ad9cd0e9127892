/**
 * The bytes at `at` as text, one character per byte, cut short at the end of `bytes`. Format sniffing
 * runs on every flow message, so no subarray or argument spread is made for these few bytes.
 */
export function asciiAt(bytes: Uint8Array, at: number, length: number): string {
  const end = Math.min(bytes.length, at + length);
  let text = '';
  for (let i = at; i < end; i++) text += String.fromCharCode(bytes[i]);
  return text;
}
