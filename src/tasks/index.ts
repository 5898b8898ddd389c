export { ctcDecode } from './ctc.js';
export { HALF, IMAGENET_MEAN, IMAGENET_STD, imageToNchw, imageToNhwc, type PixelSource, type Rgb } from './image.js';
