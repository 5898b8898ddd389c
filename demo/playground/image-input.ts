/**
 * Getting an image from a person: drop it, pick it, or take it with the camera. Big photos are
 * scaled down (longest side 1280 px): det works at ≤ 960 px anyway, and the pixels cross to the
 * worker on every run.
 */
import { BadInputError, UnsupportedError } from '../../src/index.js';

const MAX_SIDE = 1280;

function toImageData(source: CanvasImageSource & { width: number; height: number }): ImageData {
  const scale = Math.min(1, MAX_SIDE / Math.max(source.width, source.height));
  const width = Math.max(1, Math.round(source.width * scale));
  const height = Math.max(1, Math.round(source.height * scale));
  const ctx = new OffscreenCanvas(width, height).getContext('2d')!;
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

async function fileToImageData(file: Blob, name = 'the file'): Promise<ImageData> {
  const bitmap = await createImageBitmap(file).catch((error: unknown) => {
    throw new BadInputError(`${name} (${file.type || 'unknown type'}) is not an image this browser can decode (${error instanceof Error ? error.message : String(error)})`, {
      kind: 'image-file',
      file: name,
    });
  });
  try {
    return toImageData(bitmap);
  } finally {
    bitmap.close();
  }
}

/** Calls `onImage` for files dropped on `zone` or chosen in `picker`; `onError` when one is not an image. */
export function watchImageInput(zone: HTMLElement, picker: HTMLInputElement, onImage: (image: ImageData, name: string) => void, onError: (error: unknown) => void): void {
  const take = (file: File | undefined) => {
    if (!file) return;
    fileToImageData(file, `"${file.name}"`).then((image) => onImage(image, file.name), onError);
  };
  picker.addEventListener('change', () => take(picker.files?.[0]));
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    take(event.dataTransfer?.files[0]);
  });
}

/** One frame from the camera (rear camera preferred), then the camera is released. */
export async function captureCamera(): Promise<ImageData> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).catch((error: unknown) => {
    // NotFoundError: no camera; NotAllowedError: the person or the browser said no.
    const reason = error instanceof DOMException ? error.name : 'Error';
    throw new UnsupportedError(`no camera could be opened (${reason}: ${error instanceof Error ? error.message : String(error)})`, { kind: 'camera', reason });
  });
  try {
    const video = document.createElement('video');
    video.srcObject = stream;
    video.muted = true;
    await video.play();
    const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    return toImageData(canvas);
  } finally {
    for (const track of stream.getTracks()) track.stop();
  }
}

export const hasCamera = () => typeof navigator.mediaDevices?.getUserMedia === 'function';
