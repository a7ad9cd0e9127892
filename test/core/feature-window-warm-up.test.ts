import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_FEATURE_WINDOW_OPTIONS, resolveFeatureWindowOptions } from '../../src/core/features/feature-window-stream';
import { warmUpFeatureWindows } from '../../src/core/features/feature-window-warm-up';

// A feature thread warms its code up on synthetic audio before it takes any: the warm-up is worth its CPU only if
// it runs what a real stream's windows run (speech trimmed from silent edges, voiced windows).
test('the warm-up audio runs the window path a real stream runs: voiced windows with silent edges cut', () => {
  const windows = warmUpFeatureWindows(DEFAULT_FEATURE_WINDOW_OPTIONS);
  assert.ok(windows.length >= 2, `${windows.length} windows`);
  assert.ok(
    windows.some((w) => w.voiced && w.trimmed),
    'a voiced window trimmed to its speech',
  );
  for (const w of windows) assert.ok(w.vector.every(Number.isFinite));
  const extended = warmUpFeatureWindows(resolveFeatureWindowOptions({ profile: 'extended' }));
  assert.ok(extended.length >= 2 && extended[0].vector.length > windows[0].vector.length, 'the configured profile is the one warmed');
});
