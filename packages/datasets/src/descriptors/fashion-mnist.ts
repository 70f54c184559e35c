import { idxDatasetDescriptor } from './idx-descriptor.js';
import { mnistLayoutSpec } from './mnist-layout-spec.js';

/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): Zalando article images in MNIST's format.
 *
 * Checksums. `archive` MD5s are the ones in the dataset's README (torchvision uses the same).
 * The SHA-256s of those official `.gz` files were established here without downloading them:
 * Debian's `dataset-fashion-mnist` ships the same deflate streams under a different gzip header
 * (no file name, a 2020 mtime), so putting back the upstream header (file name, mtime
 * 2017-08-31T10:50:06Z for train / 10:50:27Z for t10k, XFL 0, OS 3) rebuilds files whose MD5
 * equals the README's; their SHA-256 is what is stored, and it agrees with the values other
 * projects publish. That rebuild also proves Debian's decompressed bytes are the official ones, so
 * `content` (SHA-256 of the decompressed IDX) verifies both the download and the Debian copy.
 */
export const fashionMnistSpec = mnistLayoutSpec({
  id: 'fashion-mnist',
  title: 'Fashion-MNIST',
  description: 'Zalando article images, 28x28 grey, 10 classes, 60000 train / 10000 test (IDX)',
  homepage: 'https://github.com/zalandoresearch/fashion-mnist',
  license: 'MIT',
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  files: [
    {
      archive: { size: 26421880, md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
      content: { size: 47040016, sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888' },
    },
    {
      archive: { size: 29515, md5: '25c81989df183df01b3e8a0aad5dffbe', sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
      content: { size: 60008, sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9' },
    },
    {
      archive: { size: 4422102, md5: 'bef4ecab320f06d8554ea6380940ec79', sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
      content: { size: 7840016, sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b' },
    },
    {
      archive: { size: 5148, md5: 'bb300cfdad3c16e7a12a480ee83cd310', sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
      content: { size: 10008, sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34' },
    },
  ],
  mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/', 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/'],
  systemPackage: 'dataset-fashion-mnist',
});

/** The `datasets/fashion-mnist` registry entry. */
export const fashionMnistDataset = idxDatasetDescriptor(fashionMnistSpec);
