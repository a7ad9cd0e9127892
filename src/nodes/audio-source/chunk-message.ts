import type { AudioChunk } from '../../core/audio/audio-chunk';
import { floatToPcm16, pcm16Bytes } from '../../core/audio/pcm16';
import type { AudioMessageMeta } from '../../core/messages';

export interface AudioChunkMessage {
  topic?: string;
  streamId: string;
  payload: Buffer;
  audio: AudioMessageMeta & { file?: string };
  [key: string]: unknown;
}

/** The message audio-source sends for one chunk: 16-bit PCM payload plus the stream's metadata. */
export function chunkToMessage(chunk: AudioChunk & { file?: string }, topic?: string): AudioChunkMessage {
  const audio: AudioChunkMessage['audio'] = {
    streamId: chunk.streamId,
    seq: chunk.seq,
    timestamp: chunk.timestamp,
    sampleRate: chunk.sampleRate,
    channels: 1,
    bits: 16,
    encoding: 'signed-integer',
    samples: chunk.pcm16?.length ?? chunk.samples.length,
  };
  if (chunk.final) audio.final = true;
  if (chunk.file) audio.file = chunk.file;
  const msg: AudioChunkMessage = {
    streamId: chunk.streamId,
    payload: chunk.pcm16 ? pcm16Bytes(chunk.pcm16) : floatToPcm16(chunk.samples),
    audio,
  };
  if (topic !== undefined) msg.topic = topic;
  return msg;
}
