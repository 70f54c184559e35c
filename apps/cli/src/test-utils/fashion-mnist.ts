import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Where Debian's dataset-fashion-mnist installs the IDX files the CLI specs train and evaluate on. */
export const FMNIST = '/usr/share/datasets/fashion-mnist';

/** True when both splits are there; specs that need real data skip (and say so) when not. */
export const haveFashionMnist = ['train-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte.gz'].every((f) => existsSync(path.join(FMNIST, f)));
