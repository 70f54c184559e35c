import { constants } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { TrainerCallback } from '@spikeflow/core';

/** Thrown out of `Trainer.fit` (from a callback) once the current step is done after a signal. */
export class TrainingInterrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`training interrupted by ${signal}`);
    this.name = 'TrainingInterrupted';
  }
}

/** The conventional shell exit code for a process ended by `signal`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** A graceful-stop guard for one training run; see {@link handleInterrupts}. */
export interface InterruptGuard {
  /** The first signal received, if any. */
  readonly signal: NodeJS.Signals | undefined;
  /**
   * A trainer callback (add it last) that lets signals be delivered between steps and, once one
   * arrived, throws {@link TrainingInterrupted} after the step that is running completes.
   */
  readonly callback: TrainerCallback;
  /** Remove the signal listeners. */
  dispose(): void;
}

/**
 * Catch SIGINT and SIGTERM for a training run. The first signal only raises a flag: the trainer
 * finishes its step, the caller writes a checkpoint and exits with 128+signal. A second signal
 * exits at once with the same code; checkpoints are written by temp-folder-and-rename, so that
 * can leave a stray `.tmp` folder but never a torn checkpoint or `latest` pointer.
 *
 * @example
 * ```ts
 * const guard = handleInterrupts({ onFirst: (s) => log(`${s}: stopping after this step`) });
 * try { await trainer.fit(loader, { epochs }); } catch (e) { if (e instanceof TrainingInterrupted) await trainer.checkpoint('interrupted'); }
 * finally { guard.dispose(); }
 * ```
 */
export function handleInterrupts(
  options: {
    readonly onFirst?: (signal: NodeJS.Signals) => void;
    readonly onSecond?: (signal: NodeJS.Signals) => void;
    readonly exit?: (code: number) => void;
    readonly signals?: readonly NodeJS.Signals[];
  } = {},
): InterruptGuard {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let received: NodeJS.Signals | undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (received === undefined) {
      received = signal;
      options.onFirst?.(signal);
      return;
    }
    options.onSecond?.(signal);
    exit(signalExitCode(received));
  };
  for (const s of signals) process.on(s, listener);
  const check = () => {
    if (received !== undefined) throw new TrainingInterrupted(received);
  };
  return {
    get signal() {
      return received;
    },
    callback: {
      onTrainStart: check,
      // A step is synchronous tfjs work: give the event loop a turn so a pending signal is seen.
      async onStep() {
        await nextTurn();
        check();
      },
      async onEvalStep() {
        await nextTurn();
        check();
      },
      onEpochEnd: check,
    },
    dispose() {
      for (const s of signals) process.off(s, listener);
    },
  };
}
