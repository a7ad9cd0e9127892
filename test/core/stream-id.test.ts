import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STREAM_ID_LENGTH, explicitStreamIdOf, streamIdOf } from '../../src/core/stream-id';
import { resetTargetOf } from '../../src/core/reset-message';

describe('streamIdOf: one rule for every node', () => {
  test('msg.streamId, then msg.audio.streamId, then msg.payload.streamId, then msg.topic, then the default', () => {
    const all = { streamId: 'a', audio: { streamId: 'b' }, payload: { streamId: 'c' }, topic: 'd' };
    assert.equal(streamIdOf(all, 'x'), 'a');
    assert.equal(streamIdOf({ ...all, streamId: undefined }, 'x'), 'b');
    assert.equal(streamIdOf({ ...all, streamId: '', audio: {} }, 'x'), 'c');
    assert.equal(streamIdOf({ payload: Buffer.from('abcd'), topic: 'd' }, 'x'), 'd');
    assert.equal(streamIdOf({ payload: [0.1, 0.2] }, 'x'), 'x');
    assert.equal(streamIdOf({ streamId: 7 }, 'x'), '7');
  });

  test('a stream id that is neither string nor number is refused', () => {
    assert.throws(() => streamIdOf({ streamId: { id: 1 } }, 'x'), /msg\.streamId must be a string or number, got object/);
  });

  test(`a long id is cut to ${MAX_STREAM_ID_LENGTH} characters, into a string of its own`, () => {
    const long = 'k'.repeat(100_000);
    const id = explicitStreamIdOf({ streamId: long })!;
    assert.equal(id, long.slice(0, MAX_STREAM_ID_LENGTH));
    assert.equal(explicitStreamIdOf({ streamId: 'é'.repeat(300) }), 'é'.repeat(MAX_STREAM_ID_LENGTH));
  });
});

describe('resetTargetOf: one reset rule for every node', () => {
  test('msg.reset true or msg.topic "reset" resets; with a stream id, that stream only', () => {
    assert.equal(resetTargetOf({ reset: true }), 'all');
    assert.equal(resetTargetOf({ topic: 'reset' }), 'all');
    assert.deepEqual(resetTargetOf({ reset: true, streamId: 'a' }), { streamId: 'a' });
    assert.deepEqual(resetTargetOf({ topic: 'reset', audio: { streamId: 'b' } }), { streamId: 'b' });
    assert.deepEqual(resetTargetOf({ reset: true, topic: 'kitchen' }), { streamId: 'kitchen' });
  });

  test('the forms earlier versions accepted still reset: any msg.reset but false', () => {
    assert.equal(resetTargetOf({ reset: 'yes' }), 'all');
    assert.equal(resetTargetOf({ reset: 1 }), 'all');
  });

  test('other messages are not resets', () => {
    for (const msg of [{}, { reset: false }, { reset: null }, { topic: 'kitchen', payload: 'reset' }]) {
      assert.equal(resetTargetOf(msg), undefined, JSON.stringify(msg));
    }
  });
});
