/** Text drawn on a canvas: the drawn text is the ground truth for ocr-rec, the 180° turn for ocr-cls. */
export function drawTextLine(text: string, width: number, height: number, rotate180 = false): ImageData {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  if (rotate180) {
    ctx.translate(width, height);
    ctx.rotate(Math.PI);
  }
  ctx.fillStyle = '#000';
  ctx.font = `${Math.round(height * 0.62)}px "DejaVu Sans", "Liberation Sans", Arial, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.fillText(text, Math.round(height * 0.2), height / 2);
  return ctx.getImageData(0, 0, width, height);
}

/** Width for a line of text at height 48, rounded up to a multiple of 8 (what PP-OCR rec likes). */
export function lineWidth(text: string, height = 48): number {
  const ctx = new OffscreenCanvas(1, 1).getContext('2d')!;
  ctx.font = `${Math.round(height * 0.62)}px "DejaVu Sans", "Liberation Sans", Arial, sans-serif`;
  return Math.ceil((ctx.measureText(text).width + height * 0.6) / 8) * 8;
}
