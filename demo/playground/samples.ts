/**
 * Sample images drawn on a canvas at run time (no binary files in the repo): the drawn text is
 * the ground truth, so the playground works with no input and a reader can check the result.
 */
export interface Sample {
  id: string;
  label: string;
  /** The lines drawn, top to bottom. */
  text: string[];
  draw: () => ImageData;
}

const FONT = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif';

function canvas(width: number, height: number, background: string) {
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'middle';
  return ctx;
}

const receipt: Sample = {
  id: 'receipt',
  label: 'Receipt',
  text: ['EDGE CAFE', 'Espresso 2.40', 'Croissant 3.10', 'Total 5.50'],
  draw() {
    const ctx = canvas(480, 300, '#fbfaf6');
    ctx.fillStyle = '#1b1b1b';
    ctx.font = `bold 34px ${FONT}`;
    ctx.fillText('EDGE CAFE', 140, 48);
    ctx.font = `26px "DejaVu Sans Mono", "Liberation Mono", monospace`;
    ctx.fillText('Espresso 2.40', 60, 120);
    ctx.fillText('Croissant 3.10', 60, 170);
    ctx.fillRect(60, 205, 360, 2);
    ctx.font = `bold 28px "DejaVu Sans Mono", monospace`;
    ctx.fillText('Total 5.50', 60, 245);
    return ctx.getImageData(0, 0, 480, 300);
  },
};

const sign: Sample = {
  id: 'sign',
  label: 'Street sign',
  text: ['Main Street', 'Station 400 m'],
  draw() {
    const ctx = canvas(480, 240, '#8fb4d9');
    ctx.fillStyle = '#1e6b3a';
    ctx.beginPath();
    ctx.roundRect(30, 40, 420, 160, 16);
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 4;
    ctx.beginPath();
    ctx.roundRect(40, 50, 400, 140, 10);
    ctx.stroke();
    ctx.fillStyle = '#fff';
    ctx.font = `bold 44px ${FONT}`;
    ctx.fillText('Main Street', 80, 98);
    ctx.font = `30px ${FONT}`;
    ctx.fillText('Station 400 m', 80, 152);
    return ctx.getImageData(0, 0, 480, 240);
  },
};

/** One line upside down: ocr-cls has to notice and turn it before ocr-rec reads it. */
const note: Sample = {
  id: 'note',
  label: 'Note (one line upside down)',
  text: ['Models run on', 'this device', 'Offline too'],
  draw() {
    const ctx = canvas(480, 260, '#fff7c2');
    ctx.fillStyle = '#23305a';
    ctx.font = `32px ${FONT}`;
    ctx.fillText('Models run on', 40, 50);
    ctx.fillText('this device', 40, 110);
    ctx.save();
    ctx.translate(300, 200);
    ctx.rotate(Math.PI);
    ctx.fillText('Offline too', -120, 0);
    ctx.restore();
    return ctx.getImageData(0, 0, 480, 260);
  },
};

export const SAMPLES: Sample[] = [receipt, sign, note];
