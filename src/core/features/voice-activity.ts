/** Frame-level voice activity: loud enough, and its energy in the speech band. */
export interface VoiceActivityOptions {
  /** frame mean-square energy (about the frame's own mean, so DC is ignored) in dB re full scale; default -55 */
  thresholdDb: number;
  /** least share of the frame's energy (DC excluded) between 250 Hz and 4 kHz; default 0.3, rejects mains hum and rumble */
  minSpeechBandRatio: number;
}

export const DEFAULT_VOICE_ACTIVITY: VoiceActivityOptions = { thresholdDb: -55, minSpeechBandRatio: 0.3 };

/** What voice activity looks at in a 400-sample frame (FrameAnalyser.energies after each frame). */
export interface FrameEnergies {
  /** sum of squares about the frame's mean */
  centredEnergy: number;
  /** sum of the power spectrum over bins 1..199 */
  spectralEnergy: number;
  /** the same over 250 Hz .. 4 kHz */
  speechBandEnergy: number;
}

export function isSpeechFrame(frame: FrameEnergies, options: VoiceActivityOptions): boolean {
  const meanSquare = frame.centredEnergy / 400;
  if (!(meanSquare > 0) || 10 * Math.log10(meanSquare) < options.thresholdDb) return false;
  return frame.spectralEnergy > 0 && frame.speechBandEnergy >= options.minSpeechBandRatio * frame.spectralEnergy;
}
