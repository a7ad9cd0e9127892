/**
 * The public API (the package's `main`): audio decoding and chunking, pyAudioAnalysis features and
 * streaming windows, MT-A-DNN inference and emotion routing, as plain functions, classes and RxJS
 * operators. Training and evaluation code (src/core/training) is not part of it.
 */
export * from './audio/audio-chunk';
export * from './audio/audio-file-error';
export * from './audio/audio-format-error';
export * from './audio/audio-payload';
export * from './audio/audio-stream-converter';
export * from './audio/capture-process';
export * from './audio/downmix';
export * from './audio/file-playback';
export * from './audio/load-audio-file';
export * from './audio/pcm-decoder';
export * from './audio/pcm16';
export * from './audio/signal-to-error';
export * from './audio/sinc-resampler';
export * from './audio/wav-decoder';
export * from './features';
export * from './model';
export * from './routing';
export * from './messages';
export * from './stream-state-map';
