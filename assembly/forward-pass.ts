/**
 * The forward pass of one MT-A-DNN net (src/core/model/plain-forward-pass.ts) with 128-bit SIMD: the shared Dense
 * layer's units two to a lane pair, eight side by side, each unit's sum taken in input order as the JavaScript takes
 * it, in double precision from the float32 weights; the heads' classes two to a lane pair. Math.exp is
 * AssemblyScript's (shrink level 1: musl's port of fdlibm, without tables), which rounds the last bit differently from
 * V8's now and then: the probabilities and attention weights are the JavaScript's to ~1e-16
 * (test/core/model-plain-forward-pass.test.ts), and a row's the same bits whatever shares its batch. Compiled by
 * scripts/build-wasm.mjs into src/core/model/forward-pass-simd.wasm, loaded by src/core/model/forward-pass-kernel.ts,
 * which lays the net out in this memory and writes where each part lies into the header (the exported places and
 * codes are the loader's):
 *
 * Header (bytes from 0; i32 unless said):
 */
export const INPUTS: usize = 0; // n
export const HIDDEN: usize = 4; // h, a multiple of 8
export const HEADS: usize = 8; // 1 to 3
export const ACTIVATION: usize = 12; // of the shared layer: ACTIVATION_SELU, _LINEAR, _RELU or _ELU
export const X: usize = 16; // rows x n f32: the standardised inputs
export const KERNEL: usize = 20; // n x h f32, [input][unit]
export const BIAS: usize = 24; // h f32, or 0 without
export const HIDDEN_VALUES: usize = 28; // h f64: y, the shared layer's output of the row
export const ATTENDED: usize = 32; // h f64: z, y weighted by attention
export const HEAD: usize = 64; // head k at HEAD + HEAD_BYTES k:
export const HEAD_BYTES: usize = 32;
export const HEAD_CLASSES: usize = 0; // c, padded to an even number in the kernel and bias (zero weights)
export const HEAD_ATTENTION: usize = 4; // ATTENTION_NONE, _VECTOR (u of h f32) or _SCALAR (u of 1 f32)
export const HEAD_U: usize = 8;
export const HEAD_KERNEL: usize = 12; // h x padded c f32, [unit][class]
export const HEAD_BIAS: usize = 16; // padded c f32, or 0 without
export const HEAD_PROBABILITIES: usize = 20; // rows x c f64 (not padded): the output
export const HEAD_ALPHA: usize = 24; // rows x h f64: α, written when run() is asked for it
export const HEAD_SCALE: usize = 160; // f64 of head k at HEAD_SCALE + 8 k: what multiplies α ('units': h)
const LOGITS: usize = 192; // up to 64 f64 (padded classes)
// the rest of the header is free; the loader puts the net from byte 1024 on

export const ACTIVATION_SELU: i32 = 0;
export const ACTIVATION_LINEAR: i32 = 1;
export const ACTIVATION_RELU: i32 = 2;
export const ACTIVATION_ELU: i32 = 3;
export const ATTENTION_NONE: i32 = 0;
export const ATTENTION_VECTOR: i32 = 1;
export const ATTENTION_SCALAR: i32 = 2;

/** tfjs's SELU constants, as plain-forward-pass.ts has them. */
const SELU_SCALE: f64 = 1.0507009873554805;
const SELU_SCALE_ALPHA: f64 = 1.7580993408473766;

// @ts-ignore: decorator
@inline function header(at: usize): usize {
  return <usize>load<i32>(at);
}

/** Four float32 at p, lanes 0-1 and 2-3 as two f64x2. */
// @ts-ignore: decorator
@inline function low(w: v128): v128 {
  return f64x2.promote_low_f32x4(w);
}
// @ts-ignore: decorator
@inline function high(w: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(w, w, 2, 3, 0, 1));
}

// @ts-ignore: decorator
@inline function activate(v: f64, activation: i32): f64 {
  if (activation === ACTIVATION_SELU) return v >= 0 ? SELU_SCALE * v : SELU_SCALE_ALPHA * (Math.exp(v) - 1);
  if (activation === ACTIVATION_RELU) return v > 0 ? v : 0;
  if (activation === ACTIVATION_ELU) return v >= 0 ? v : Math.exp(v) - 1;
  return v;
}

/** values[i] = exp(values[i] - max) for i < count (f64 at `at`); returns their sum, added in order. */
// @ts-ignore: decorator
@inline function expShiftedSum(at: usize, count: i32, max: f64): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < count; i++) {
    const p = at + (<usize>i << 3);
    const e = Math.exp(load<f64>(p) - max);
    store<f64>(p, e);
    sum += e;
  }
  return sum;
}

/** y = activation(x W + b) of row r, eight units at a time. */
function shared(r: i32): void {
  const n = load<i32>(INPUTS);
  const h = load<i32>(HIDDEN);
  const activation = load<i32>(ACTIVATION);
  const x = header(X) + <usize>(r * n) * 4;
  const kernel = header(KERNEL);
  const bias = header(BIAS);
  const y = header(HIDDEN_VALUES);
  const rowBytes = <usize>h * 4;
  for (let j = 0; j < h; j += 8) {
    let s0 = f64x2.splat(0);
    let s1 = s0;
    let s2 = s0;
    let s3 = s0;
    if (bias !== 0) {
      const b = bias + (<usize>j << 2);
      s0 = low(v128.load(b));
      s1 = high(v128.load(b));
      s2 = low(v128.load(b, 16));
      s3 = high(v128.load(b, 16));
    }
    let w = kernel + (<usize>j << 2);
    for (let i = 0; i < n; i++, w += rowBytes) {
      const v = f64x2.splat(<f64>load<f32>(x + (<usize>i << 2)));
      const w0 = v128.load(w);
      const w1 = v128.load(w, 16);
      s0 = f64x2.add(s0, f64x2.mul(v, low(w0)));
      s1 = f64x2.add(s1, f64x2.mul(v, high(w0)));
      s2 = f64x2.add(s2, f64x2.mul(v, low(w1)));
      s3 = f64x2.add(s3, f64x2.mul(v, high(w1)));
    }
    const out = y + (<usize>j << 3);
    store<f64>(out, activate(f64x2.extract_lane(s0, 0), activation));
    store<f64>(out, activate(f64x2.extract_lane(s0, 1), activation), 8);
    store<f64>(out, activate(f64x2.extract_lane(s1, 0), activation), 16);
    store<f64>(out, activate(f64x2.extract_lane(s1, 1), activation), 24);
    store<f64>(out, activate(f64x2.extract_lane(s2, 0), activation), 32);
    store<f64>(out, activate(f64x2.extract_lane(s2, 1), activation), 40);
    store<f64>(out, activate(f64x2.extract_lane(s3, 0), activation), 48);
    store<f64>(out, activate(f64x2.extract_lane(s3, 1), activation), 56);
  }
}

/** z = α ⊙ (scale y) with α = softmax(u ⊙ y) (stored for row r when alpha is not 0), or z = y without attention. */
function attend(head: usize, r: i32, withAlpha: bool): void {
  const h = load<i32>(HIDDEN);
  const y = header(HIDDEN_VALUES);
  const z = header(ATTENDED);
  const kind = load<i32>(head + HEAD_ATTENTION);
  if (kind !== ATTENTION_VECTOR && kind !== ATTENTION_SCALAR) {
    memory.copy(z, y, <usize>h << 3);
    return;
  }
  const u = header(head + HEAD_U);
  const scalar = kind === ATTENTION_SCALAR;
  let max = -Infinity;
  for (let j = 0; j < h; j++) {
    const s = <f64>load<f32>(scalar ? u : u + (<usize>j << 2)) * load<f64>(y + (<usize>j << 3));
    store<f64>(z + (<usize>j << 3), s);
    if (s > max) max = s;
  }
  const sum = expShiftedSum(z, h, max);
  const alpha = withAlpha ? header(head + HEAD_ALPHA) + <usize>(r * h) * 8 : 0;
  const scale = load<f64>(HEAD_SCALE + ((head - HEAD) / HEAD_BYTES) * 8);
  for (let j = 0; j < h; j++) {
    const at = z + (<usize>j << 3);
    const a = load<f64>(at) / sum;
    if (alpha !== 0) store<f64>(alpha + (<usize>j << 3), a);
    store<f64>(at, a * (scale * load<f64>(y + (<usize>j << 3))));
  }
}

/** The head's probabilities of row r: softmax(z K + b), two classes at a time, each sum in unit order. */
function classify(head: usize, r: i32): void {
  const h = load<i32>(HIDDEN);
  const classes = load<i32>(head + HEAD_CLASSES);
  const padded = (classes + 1) & ~1;
  const z = header(ATTENDED);
  const kernel = header(head + HEAD_KERNEL);
  const bias = header(head + HEAD_BIAS);
  const rowBytes = <usize>padded * 4;
  for (let c = 0; c < padded; c += 2) {
    let s = bias !== 0 ? f64x2.promote_low_f32x4(v128.load64_zero(bias + (<usize>c << 2))) : f64x2.splat(0);
    let w = kernel + (<usize>c << 2);
    for (let j = 0; j < h; j++, w += rowBytes) {
      s = f64x2.add(s, f64x2.mul(f64x2.splat(load<f64>(z + (<usize>j << 3))), f64x2.promote_low_f32x4(v128.load64_zero(w))));
    }
    v128.store(LOGITS + (<usize>c << 3), s);
  }
  let max = -Infinity;
  for (let c = 0; c < classes; c++) {
    const v = load<f64>(LOGITS + (<usize>c << 3));
    if (v > max) max = v;
  }
  const sum = expShiftedSum(LOGITS, classes, max);
  const out = header(head + HEAD_PROBABILITIES) + <usize>(r * classes) * 8;
  for (let c = 0; c < classes; c++) store<f64>(out + (<usize>c << 3), load<f64>(LOGITS + (<usize>c << 3)) / sum);
}

/** The forward pass of rows 0 .. rows - 1 of X; the attention weights too when withAlpha. */
export function run(rows: i32, withAlpha: bool): void {
  const heads = load<i32>(HEADS);
  for (let r = 0; r < rows; r++) {
    shared(r);
    for (let k = 0; k < heads; k++) {
      const head = HEAD + <usize>k * HEAD_BYTES;
      attend(head, r, withAlpha);
      classify(head, r);
    }
  }
}
