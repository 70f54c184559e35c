import type { NeuromorphicDatasetSpec } from './neuromorphic-spec.js';

/** DVS128 Gesture (Amir et al. 2017): 11 hand and arm gestures by 29 subjects under 3 lightings. */
export const dvs128GestureSpec: NeuromorphicDatasetSpec = {
  id: 'dvs128-gesture',
  title: 'DVS128 Gesture',
  description: 'IBM DVS128 Gesture: 11 gestures, DVS128 128x128, AEDAT 3.1 + labels CSV, 1176 train / 288 test segments',
  homepage: 'https://research.ibm.com/interactive/dvsgesture/',
  citation: 'Amir A. et al. (2017). A Low Power, Fully Event-Based Gesture Recognition System. CVPR 2017, 7243-7252.',
  license: 'CC BY 4.0',
  format: 'aedat3',
  width: 128,
  height: 128,
  channels: 2,
  classNames: [
    'hand_clapping',
    'right_hand_wave',
    'left_hand_wave',
    'right_arm_clockwise',
    'right_arm_counter_clockwise',
    'left_arm_clockwise',
    'left_arm_counter_clockwise',
    'arm_roll',
    'air_drums',
    'air_guitar',
    'other_gestures',
  ],
  counts: { train: 1176, test: 288 },
  split: { kind: 'official', note: 'trials_to_train.txt (users 1-23) and trials_to_test.txt (users 24-29); each recording is cut at its *_labels.csv segments' },
  files: [
    { name: 'DvsGesture.tar.gz', urls: ['https://ibm.ent.box.com/s/3hiq58ww1pbbjrinh367ykfdf60xsfm8/folder/50167556794'], md5: '8a5c71fb11e24e5ca5b11866ca6c00a1' },
    { name: 'gesture_mapping.csv', urls: ['https://ibm.ent.box.com/s/3hiq58ww1pbbjrinh367ykfdf60xsfm8/folder/50167556794'], md5: '109b2ae64a0e1f3ef535b18ad7367fd1' },
    { name: 'LICENSE.txt', urls: ['https://ibm.ent.box.com/s/3hiq58ww1pbbjrinh367ykfdf60xsfm8/folder/50167556794'], md5: '065e10099753156f18f51941e6e44b66' },
    { name: 'README.txt', urls: ['https://ibm.ent.box.com/s/3hiq58ww1pbbjrinh367ykfdf60xsfm8/folder/50167556794'], md5: 'a0663d3b1d8307c329a43d949ee32d19' },
  ],
  // IBM Box needs a browser; the archive has to be fetched by hand.
  downloadable: false,
  layout: 'DvsGesture/ with trials_to_train.txt, trials_to_test.txt, userNN_*.aedat and userNN_*_labels.csv (DvsGesture.tar.gz extracted)',
  defaultSplit: { by: 'number', frames: 16 },
};
