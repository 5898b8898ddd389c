/** The shared-memory channel's buffer layout and hand-overs (the browser behaviour: e2e/shared-memory-predict.spec.ts). */
import { describe, expect, it } from 'vitest';
import { CHANNEL_BYTES, ChannelState, ChannelView } from '../src/shared-memory-channel.js';
import { tensor } from '../src/index.js';

describe('ChannelView', () => {
  it('round-trips tensors of every dtype with the handle, into unshared copies', () => {
    const view = new ChannelView(new SharedArrayBuffer(CHANNEL_BYTES));
    const inputs = {
      input: tensor('float32', Float32Array.of(0.5, -1.25, 3), [1, 3]),
      sr: tensor('int64', BigInt64Array.of(16000n), []),
      mask: tensor('uint8', Uint8Array.of(1, 0, 1, 1, 0), [5]),
      ids: tensor('int32', Int32Array.of(-7, 9), [2]),
    };
    expect(view.write(inputs, { handle: 'h1' })).toBe(true);
    const { tensors, handle } = view.read();
    expect(handle).toBe('h1');
    expect(Object.keys(tensors)).toEqual(['input', 'sr', 'mask', 'ids']);
    for (const [name, t] of Object.entries(inputs)) {
      expect(tensors[name]!.dtype).toBe(t.dtype);
      expect(tensors[name]!.dims).toEqual(t.dims);
      expect([...tensors[name]!.data]).toEqual([...t.data]);
      expect(tensors[name]!.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it('rebuilds the array type that was sent, so a dtype mismatch still reaches the input check', () => {
    const view = new ChannelView(new SharedArrayBuffer(CHANNEL_BYTES));
    view.write({ x: { dtype: 'float32', dims: [3], data: Int32Array.of(1, 2, 3) } });
    const x = view.read().tensors.x!;
    expect(x.dtype).toBe('float32');
    expect(x.data).toBeInstanceOf(Int32Array);
  });

  it('refuses what does not fit, and carries error data instead of tensors', () => {
    const view = new ChannelView(new SharedArrayBuffer(CHANNEL_BYTES));
    const big = { x: tensor('float32', new Float32Array(CHANNEL_BYTES / 4), [CHANNEL_BYTES / 4]) };
    expect(view.fits(big)).toBe(false);
    expect(view.write(big)).toBe(false);
    expect(view.write({}, { error: { 'edgeserve.error': { code: 'BAD_INPUT', message: 'no' } } })).toBe(true);
    expect(view.read()).toEqual({ tensors: {}, error: { 'edgeserve.error': { code: 'BAD_INPUT', message: 'no' } } });
  });

  it('claims only from PARKED, so a claim and the worker leaving cannot both win', () => {
    const view = new ChannelView(new SharedArrayBuffer(CHANNEL_BYTES));
    expect(view.swap(ChannelState.Parked, ChannelState.Claimed)).toBe(false);
    expect(view.state).toBe(ChannelState.Awake);
    view.signal(ChannelState.Parked);
    expect(view.swap(ChannelState.Parked, ChannelState.Claimed)).toBe(true);
    // The worker's leave (PARKED → AWAKE) now fails: it must serve the claim.
    expect(view.swap(ChannelState.Parked, ChannelState.Awake)).toBe(false);
    expect(view.state).toBe(ChannelState.Claimed);
  });
});
