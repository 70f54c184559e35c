import { SpikeflowError } from '@spikeflow/core';
import type { EventBatch } from '../events/event-batch.js';
import { denoiseEvents } from './denoise-events.js';
import { downsampleEvents } from './downsample-events.js';
import { integrateFrames, type FrameSplit, type Frames } from './integrate-frames.js';

/** Everything that turns one sample's events into frames; it keys the on-disk cache. */
export interface FramePipeline {
  /** Sensor size of the recordings. */
  readonly width: number;
  readonly height: number;
  readonly split: FrameSplit;
  /** 2 (default) polarity channels, or 1 (SHD's single channel). */
  readonly channels?: 1 | 2;
  /** Drop unsupported events first (see `denoiseEvents`), µs. */
  readonly denoiseTime?: number;
  /** Integer spatial downsampling factor (see `downsampleEvents`). */
  readonly downsample?: number;
}

/** Frame size after the pipeline's downsampling: `[H, W, C]`. */
export function pipelineFrameShape(p: FramePipeline): [number, number, number] {
  const f = p.downsample ?? 1;
  return [Math.ceil(p.height / f), Math.ceil(p.width / f), p.channels ?? 2];
}

/** Check a pipeline's numbers, naming the first bad one. */
export function validatePipeline(p: FramePipeline): void {
  const bad = (what: string): never => {
    throw new SpikeflowError('invalid-options', `frame pipeline: ${what}`);
  };
  if (!Number.isInteger(p.width) || p.width < 1 || !Number.isInteger(p.height) || p.height < 1) bad(`width and height must be positive integers, got ${p.width}x${p.height}`);
  if (p.split.by === 'duration') {
    if (!(p.split.duration > 0)) bad(`duration must be positive µs, got ${p.split.duration}`);
  } else if (!Number.isInteger(p.split.frames) || p.split.frames < 1) bad(`frames must be a positive integer, got ${p.split.frames}`);
  if (p.downsample !== undefined && (!Number.isInteger(p.downsample) || p.downsample < 1)) bad(`downsample must be a positive integer, got ${p.downsample}`);
  if (p.denoiseTime !== undefined && !(p.denoiseTime > 0)) bad(`denoiseTime must be positive µs, got ${p.denoiseTime}`);
}

/**
 * Run a pipeline on one sample: denoise, downsample, integrate.
 *
 * @example
 * ```ts
 * const frames = runPipeline(events, { width: 128, height: 128, split: { by: 'number', frames: 16 }, downsample: 2 });
 * frames.shape; // [16, 64, 64, 2]
 * ```
 */
export function runPipeline(events: EventBatch, p: FramePipeline): Frames {
  let ev = events;
  if (p.denoiseTime !== undefined) ev = denoiseEvents(ev, { width: p.width, height: p.height, filterTime: p.denoiseTime });
  let width = p.width;
  let height = p.height;
  if (p.downsample !== undefined && p.downsample !== 1) ({ events: ev, width, height } = downsampleEvents(ev, width, height, p.downsample));
  return integrateFrames(ev, { width, height, split: p.split, channels: p.channels });
}
