import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UnansweredWindows, isPredictionPayload, windowKeyOf } from '../../src/core/scale-out/unanswered-windows';

describe('UnansweredWindows', () => {
  test('a window is due once resendAfterMs has passed since it was last sent, until it is answered', () => {
    const pending = new UnansweredWindows<string>({ resendAfterMs: 100, maxKept: 10 });
    pending.sent('a#0', 'A0', 0);
    pending.sent('a#1', 'A1', 50);
    assert.deepEqual(pending.due(99), []);
    assert.deepEqual(pending.due(100), ['A0']);
    assert.deepEqual(pending.due(150), ['A1']);
    assert.deepEqual(pending.due(199), [], 'a re-sent window waits resendAfterMs again');
    assert.deepEqual(pending.due(250), ['A0', 'A1']);
    assert.equal(pending.answered('a#0'), true);
    assert.equal(pending.answered('a#0'), false, 'a duplicate result');
    assert.deepEqual(pending.due(1000), ['A1']);
    assert.equal(pending.resent, 5);
    assert.equal(pending.size, 1);
  });

  test('beyond maxKept the least recently sent window is dropped and counted', () => {
    const pending = new UnansweredWindows<string>({ resendAfterMs: 100, maxKept: 2 });
    pending.sent('a#0', 'A0', 0);
    pending.sent('a#1', 'A1', 1);
    assert.deepEqual(pending.due(100), ['A0'], 'A0 re-sent: now the most recently sent');
    pending.sent('a#2', 'A2', 102);
    assert.equal(pending.dropped, 1);
    assert.equal(pending.answered('a#1'), false, 'A1 was dropped');
    assert.deepEqual(pending.due(1000), ['A0', 'A2']);
  });

  test('keys and predictions', () => {
    assert.equal(windowKeyOf({ streamId: 'mic/1', seq: 3, vector: [] }), 'mic/1#3');
    assert.equal(windowKeyOf({ streamId: 'mic-1' }), undefined);
    assert.equal(windowKeyOf([1, 2]), undefined);
    assert.equal(isPredictionPayload({ emotion: 'anger', seq: 1 }), true);
    assert.equal(isPredictionPayload({ vector: [0], seq: 1 }), false);
    assert.equal(isPredictionPayload(null), false);
  });
});
