import { REC } from './frame-record';

/** Frame-level voice activity from a frame record: loud enough, and its energy in the speech band. */
export interface VoiceActivityOptions {
  /** frame mean-square energy (about the frame's own mean, so DC is ignored) in dB re full scale; default -55 */
  thresholdDb: number;
  /** least share of the frame's energy (DC excluded) between 250 Hz and 4 kHz; default 0.3, rejects mains hum and rumble */
  minSpeechBandRatio: number;
}

export const DEFAULT_VOICE_ACTIVITY: VoiceActivityOptions = { thresholdDb: -55, minSpeechBandRatio: 0.3 };

export function isSpeechFrame(records: Float64Array, offset: number, options: VoiceActivityOptions): boolean {
  const meanSquare = records[offset + REC.frameCentredEnergy] / 400;
  if (!(meanSquare > 0) || 10 * Math.log10(meanSquare) < options.thresholdDb) return false;
  const spectral = records[offset + REC.entropyBlock0] + records[offset + REC.entropyUpper];
  return spectral > 0 && records[offset + REC.speechBandEnergy] >= options.minSpeechBandRatio * spectral;
}
