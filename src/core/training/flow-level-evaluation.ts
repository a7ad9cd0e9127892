// Flow-level accuracy: labelled clips played through what the nodes are made of, audio-source's decoding
// and resampling → feature-window's streaming windows (speech only) → mt-a-dnn-infer's per-stream
// classifier → emotion-router's policy, with one stream per speaker and its clips one after another,
// as a folder of one speaker's files plays through audio-source (each file ends with a `final` chunk).
import { readFile } from 'node:fs/promises';
import { AudioStreamConverter } from '../audio/audio-stream-converter';
import { MODEL_SAMPLE_RATE } from '../audio/audio-chunk';
import { decodeWav } from '../audio/wav-decoder';
import { FeatureWindowRegistry } from '../features/feature-window-registry';
import { resolveFeatureWindowOptions, type FeatureWindowOptions } from '../features/feature-window-stream';
import type { FeatureProfileName } from '../features/feature-profile';
import { EMOTIONS } from '../messages';
import type { EmotionModel } from '../model/emotion-model';
import { EmotionStreamClassifier } from '../model/emotion-stream-classifier';
import type { ClassificationMetrics } from '../model/model-metadata';
import { EmotionRouter } from '../routing/emotion-router';
import type { RouterConfig } from '../routing/router-config';
import { classificationMetrics } from './classification-metrics';
import type { ManifestEntry } from './corpus-manifest';
import { coverageVsAccuracy, expectedCalibrationError, type CoveragePoint } from './reliability-metrics';
import { SeededRandom } from './seeded-random';

/**
 * The router as the node ships (mean of 3 windows, enter 0.5 / leave 0.4, 1 s dwell), and with no smoothing,
 * thresholds or dwell (its state is the last window's emotion): the clip decision of the first lags behind a
 * change of emotion by design, which acted clips a few seconds long, each of another emotion, show at its worst.
 */
export const ROUTER_POLICIES: Record<string, Partial<RouterConfig>> = {
  'router defaults': {},
  'last window': { smoothingWindows: 1, enterThreshold: 0, leaveThreshold: 0, minDwellMs: 0 },
};

export interface FlowReplayOptions {
  /** feature-window settings (default: the node's, 3 s windows every 1 s, speech only) */
  windows?: Partial<FeatureWindowOptions>;
  /** emotion-router policies, by name, each routing every stream on its own (default: ROUTER_POLICIES) */
  routers?: Record<string, Partial<RouterConfig>>;
  /** samples per audio-source chunk at 16 kHz (default 1600, 0.1 s) */
  chunkSamples?: number;
  /** seed of the order of each speaker's clips (default 1) */
  orderSeed?: number;
}

/** One analysis window of a clip: classified when voiced, dropped as mt-a-dnn-infer does by default when not. */
export interface WindowOutcome {
  clip: number;
  truth: number;
  voiced: boolean;
  /** the clip's last window, flushed at its end (its last windowSeconds, or the whole clip when shorter) */
  partial: boolean;
  /** the window's length, and with speech only the length of the speech stretch its vector describes */
  seconds: number;
  speechSeconds?: number;
  predicted?: number;
  confidence?: number;
}

export interface ClipOutcome {
  clip: number;
  truth: number;
  speaker: string;
  seconds: number;
  windows: number;
  voicedWindows: number;
  /** per router policy: its state for the stream when the clip's last window has been routed (null: no state yet) */
  routed: Record<string, string | null>;
}

export interface FlowReplay {
  windows: WindowOutcome[];
  clips: ClipOutcome[];
  windowSeconds: number;
  policies: string[];
}

/** An audio clock far from 0 so that timestamps look like ms since epoch; each stream starts there. */
const STREAM_START_MS = Date.UTC(2024, 0, 1);

export async function replayThroughFlow(model: EmotionModel, clips: ManifestEntry[], options: FlowReplayOptions = {}): Promise<FlowReplay> {
  const windowOptions = resolveFeatureWindowOptions({ profile: model.featureProfile as FeatureProfileName, ...options.windows });
  const registry = new FeatureWindowRegistry(windowOptions, { maxStreams: 100_000, idleSeconds: 0 });
  const day = 24 * 3600 * 1000;
  const classifier = new EmotionStreamClassifier(model, { maxStreams: 100_000, idleMs: day, attention: false, maxBatch: 1, maxWaitMs: 0 });
  const routers = Object.entries(options.routers ?? ROUTER_POLICIES).map(
    ([name, config]) => [name, new EmotionRouter({ ...config, idleTimeoutMs: day, maxStreams: 100_000 })] as const,
  );
  const rng = new SeededRandom(options.orderSeed ?? 1);
  const bySpeaker = new Map<string, number[]>();
  clips.forEach((c, i) => bySpeaker.set(c.speaker, [...(bySpeaker.get(c.speaker) ?? []), i]));
  const windows: WindowOutcome[] = [];
  const outcomes: ClipOutcome[] = new Array(clips.length);
  try {
    for (const speaker of [...bySpeaker.keys()].sort()) {
      let clock = STREAM_START_MS;
      for (const index of rng.shuffle(bySpeaker.get(speaker)!)) {
        const clip = clips[index];
        const decoded = decodeWav(await readFile(clip.path));
        const clipStart = clock;
        const converter = new AudioStreamConverter({ streamId: speaker, chunkSamples: options.chunkSamples ?? 1600, now: () => clipStart });
        const chunks = converter.push(decoded.channels, decoded.sampleRate, true);
        let samples = 0;
        const outcome: ClipOutcome = { clip: index, truth: clip.emotion, speaker, seconds: 0, windows: 0, voicedWindows: 0, routed: {} };
        for (const chunk of chunks) {
          samples += chunk.samples.length;
          for (const w of registry.push(speaker, chunk.samples, chunk.timestamp, chunk.final === true)) {
            outcome.windows++;
            const window: WindowOutcome = {
              clip: index,
              truth: clip.emotion,
              voiced: w.voiced,
              partial: !!w.partial,
              seconds: (w.endSample - w.startSample) / MODEL_SAMPLE_RATE,
              ...(w.trimmed && w.speechStart !== undefined && w.speechEnd !== undefined
                ? { speechSeconds: (w.speechEnd - w.speechStart) / 1000 }
                : {}),
            };
            if (w.voiced) {
              outcome.voicedWindows++;
              const prediction = await classifier.classify({ ...w, streamId: speaker });
              window.predicted = EMOTIONS.indexOf(prediction.emotion);
              window.confidence = prediction.confidence;
              for (const [, router] of routers) router.route(prediction, speaker);
            }
            windows.push(window);
          }
        }
        outcome.seconds = samples / MODEL_SAMPLE_RATE;
        for (const [name, router] of routers) outcome.routed[name] = router.snapshot(speaker)?.state ?? null;
        outcomes[index] = outcome;
        clock += (1000 * samples) / MODEL_SAMPLE_RATE;
      }
    }
  } finally {
    classifier.close();
    registry.dispose();
    for (const [, router] of routers) router.clear();
  }
  return { windows, clips: outcomes, windowSeconds: windowOptions.windowSeconds, policies: routers.map(([name]) => name) };
}

/** The router's state at a clip's end, as a class: an emotion, or "no decision" (uncertain, or no state yet). */
export const CLIP_DECISIONS = [...EMOTIONS, 'no decision'] as const;

export interface FlowLevelReport {
  windows: {
    total: number;
    voiced: number;
    unvoiced: number;
    partial: number;
    /** voiced windows, each scored against its clip's label */
    metrics: ClassificationMetrics;
    /** expected calibration error of the confidence, 10 bins */
    ece: number;
    coverage: CoveragePoint[];
  };
  clips: {
    total: number;
    /** shorter than one analysis window (a partial window at most) */
    shorterThanWindow: number;
    /** no window at all (shorter than feature-window's shortest last window) */
    withoutWindow: number;
    /** windows, but none voiced: nothing reached the model */
    withoutVoicedWindow: number;
    /** per router policy */
    byPolicy: Record<
      string,
      {
        /** the router said uncertain at the clip's end */
        uncertain: number;
        /** the router had no state at the clip's end (nothing routed on this stream yet) */
        undecided: number;
        /** every clip: the router's decision at the clip's end; "no decision" counts as wrong */
        metrics: ClassificationMetrics;
      }
    >;
  };
}

export function flowLevelReport(replay: FlowReplay): FlowLevelReport {
  const voiced = replay.windows.filter((w) => w.voiced);
  const scored = voiced.map((w) => ({ confidence: w.confidence!, correct: w.predicted === w.truth }));
  const decision = (routed: string | null) => {
    const i = routed === null ? -1 : EMOTIONS.indexOf(routed as (typeof EMOTIONS)[number]);
    return i >= 0 ? i : EMOTIONS.length;
  };
  return {
    windows: {
      total: replay.windows.length,
      voiced: voiced.length,
      unvoiced: replay.windows.length - voiced.length,
      partial: replay.windows.filter((w) => w.partial).length,
      metrics: classificationMetrics(
        voiced.map((w) => w.truth),
        voiced.map((w) => w.predicted!),
        EMOTIONS,
      ),
      ece: expectedCalibrationError(scored),
      coverage: coverageVsAccuracy(scored),
    },
    clips: {
      total: replay.clips.length,
      shorterThanWindow: replay.clips.filter((c) => c.seconds < replay.windowSeconds).length,
      withoutWindow: replay.clips.filter((c) => c.windows === 0).length,
      withoutVoicedWindow: replay.clips.filter((c) => c.windows > 0 && c.voicedWindows === 0).length,
      byPolicy: Object.fromEntries(
        replay.policies.map((policy) => [
          policy,
          {
            uncertain: replay.clips.filter((c) => c.routed[policy] === 'uncertain').length,
            undecided: replay.clips.filter((c) => c.routed[policy] === null).length,
            metrics: classificationMetrics(
              replay.clips.map((c) => c.truth),
              replay.clips.map((c) => decision(c.routed[policy])),
              CLIP_DECISIONS,
            ),
          },
        ]),
      ),
    },
  };
}
