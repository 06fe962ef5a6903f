/** Image uploads: size (after EXIF orientation) and a small WebP thumbnail, with sharp (libvips). */
import type { Readable } from 'node:stream';
import sharp from 'sharp';

/** Longest side of a thumbnail, in pixels. */
export const THUMB_PX = 320;
/** Larger images are refused: decoding them would cost too much memory (a decompression bomb). */
export const MAX_INPUT_PIXELS = 100_000_000;
export const THUMB_TYPE = 'image/webp';

export interface ImageInfo {
  readonly width: number;
  readonly height: number;
  readonly thumb: Buffer;
}

/** Rejects when the bytes are not a decodable image (a corrupt or disguised file). */
export async function probeImage(input: Readable): Promise<ImageInfo> {
  const image = sharp({ limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', animated: false });
  input.on('error', (err) => image.destroy(err));
  input.pipe(image);
  const [meta, thumb] = await Promise.all([
    image.clone().metadata(),
    image
      .clone()
      .rotate()
      .resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer(),
  ]);
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new Error('image has no size');
  return { width, height, thumb };
}
