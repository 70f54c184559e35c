import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleInterrupts, signalExitCode, TrainingInterrupted } from './interrupt.js';

const guards: Array<{ dispose(): void }> = [];
afterEach(() => {
  guards.splice(0).forEach((g) => g.dispose());
  vi.restoreAllMocks();
});

describe('signalExitCode', () => {
  it('is 128 + the signal number, as shells report it', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGHUP')).toBe(129);
  });
});

describe('handleInterrupts', () => {
  it('the first signal only raises a flag; the callback throws after the step; the second exits', async () => {
    const exit = vi.fn();
    const first = vi.fn();
    const guard = handleInterrupts({ onFirst: first, exit });
    guards.push(guard);
    const cb = guard.callback;
    // No signal yet: steps pass.
    await expect(cb.onStep!({} as never)).resolves.toBeUndefined();
    process.emit('SIGTERM', 'SIGTERM');
    expect(guard.signal).toBe('SIGTERM');
    expect(first).toHaveBeenCalledWith('SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    await expect(cb.onStep!({} as never)).rejects.toBeInstanceOf(TrainingInterrupted);
    await expect(cb.onEvalStep!(1, 2)).rejects.toThrow('training interrupted by SIGTERM');
    expect(() => cb.onTrainStart!({} as never)).toThrow(TrainingInterrupted);
    // The second signal (of any kind) exits with the first one's code.
    process.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledWith(143);
  });

  it('dispose removes the listeners', () => {
    const before = process.listenerCount('SIGINT');
    const guard = handleInterrupts({ exit: vi.fn() });
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    guard.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
