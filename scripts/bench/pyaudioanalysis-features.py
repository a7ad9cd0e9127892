"""CPU time of pyAudioAnalysis's own short-term feature extraction on audio the Node bench hands over.

Usage: python3 pyaudioanalysis-features.py TOOLKIT_DIR AUDIO.raw LENGTHS.json WINDOW_S HOP_S
  TOOLKIT_DIR  a checkout of https://github.com/tyiannak/pyAudioAnalysis (the folder holding pyAudioAnalysis/)
  AUDIO.raw    the clips' 16 kHz 16-bit samples, little-endian, back to back
  LENGTHS.json the clips' lengths in samples
Prints one JSON object: CPU seconds (process_time, best of 3) for whole clips and for windows of WINDOW_S every
HOP_S over the clips played back to back (as a stream would need them with the toolkit), and the first clip's
short-term matrix (34 x frames) for an exactness check.
"""
import importlib.util
import json
import sys
import time
import types

toolkit_dir, audio_path, lengths_path, window_s, hop_s = sys.argv[1:6]
window_s = float(window_s)
hop_s = float(hop_s)

import numpy as np  # noqa: E402
import scipy  # noqa: E402

# ShortTermFeatures.py imports matplotlib and tqdm at the top for its plotting and progress helpers;
# feature_extraction uses neither. Where they are not installed, empty modules stand in for the import only.
for name in ("matplotlib", "matplotlib.pyplot", "tqdm"):
    try:
        __import__(name)
    except ImportError:
        module = types.ModuleType(name)
        if name == "tqdm":
            module.tqdm = lambda iterable, *args, **kwargs: iterable
        sys.modules[name] = module
if "matplotlib.pyplot" in sys.modules and "matplotlib" in sys.modules:
    sys.modules["matplotlib"].pyplot = sys.modules["matplotlib.pyplot"]

spec = importlib.util.spec_from_file_location(
    "ShortTermFeatures", f"{toolkit_dir}/pyAudioAnalysis/ShortTermFeatures.py"
)
stf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stf)

samples = np.fromfile(audio_path, dtype="<i2")
with open(lengths_path) as f:
    lengths = json.load(f)
clips = []
offset = 0
for n in lengths:
    clips.append(samples[offset : offset + n])
    offset += n
stream = samples[:offset]
rate = 16000
window = int(window_s * rate)
hop = int(hop_s * rate)


def best_of(run, repeats=3):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()
        run()
        best = min(best, time.process_time() - t0)
    return best


def whole_clips():
    for clip in clips:
        stf.feature_extraction(clip, rate, 400, 160, deltas=False)


def windows():
    for start in range(0, len(stream) - window + 1, hop):
        stf.feature_extraction(stream[start : start + window], rate, 400, 160, deltas=False)


first, _names = stf.feature_extraction(clips[0], rate, 400, 160, deltas=False)
window_count = len(range(0, len(stream) - window + 1, hop))
print(
    json.dumps(
        {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "audioSeconds": offset / rate,
            "windows": window_count,
            "wholeCpuSeconds": best_of(whole_clips),
            "windowsCpuSeconds": best_of(windows, 1),
            "firstClip": first.tolist(),
        }
    )
)
