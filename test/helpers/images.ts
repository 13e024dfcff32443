/** Test images made in the browser: a filled rectangle with a dark corner, as a Blob or a data URL. */
import { blobToDataUrl } from '../../src/protocol/image-input';

export const TINY_MMPROJ_URL = '/fixtures/tiny-mmproj.gguf';

/** A PNG (or JPEG) of `width`×`height` pixels filled with `color`, its top-left quarter black. */
export async function imageBlob(color: string, width = 40, height = 30, type: 'image/png' | 'image/jpeg' = 'image/png'): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const g = canvas.getContext('2d')!;
  g.fillStyle = color;
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#000';
  g.fillRect(0, 0, width / 2, height / 2);
  return canvas.convertToBlob({ type });
}

/** `imageBlob` as a data URL. */
export async function imageUrl(color: string, width?: number, height?: number, type?: 'image/png' | 'image/jpeg'): Promise<string> {
  return blobToDataUrl(await imageBlob(color, width, height, type));
}
