import { ProgressBar, type DatasetOpenOptions } from '@spikeflow/core';

/** The progress callback of {@link DatasetOpenOptions}. */
export type DatasetProgress = NonNullable<DatasetOpenOptions['onProgress']>;

/**
 * A progress callback that draws one {@link ProgressBar} per downloaded file on stderr. It is the
 * default when the caller gives none, so a first run that fetches 30 MB does not look hung; the
 * bar draws nothing when stderr is not a terminal, keeping logs and piped output clean.
 */
export function stderrDownloadProgress(): DatasetProgress {
  let bar: ProgressBar | undefined;
  let current = '';
  return (event) => {
    const key = `${event.phase}:${event.file ?? ''}`;
    if (key !== current) {
      bar?.done();
      current = key;
      bar = new ProgressBar({ total: event.total ?? 0, label: `${event.phase} ${event.file ?? ''}`.trim(), unit: 'B' });
    }
    bar?.update(event.done);
    if (event.total !== undefined && event.done >= event.total) {
      bar?.done();
      bar = undefined;
      current = '';
    }
  };
}
