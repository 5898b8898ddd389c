export { ctcDecode, ctcDecodeWithScore } from './ocr/ctc.js';
export { dbBoxes, readingOrder, scaleBox, unclip, type DbOptions, type TextBox } from './ocr/db-postprocess.js';
export { HALF, IMAGENET_MEAN, IMAGENET_STD, imageToNchw, imageToNhwc, type PixelSource, type Rgb } from './image.js';
export { loadOcr, OCR_MODEL_IDS, type Ocr, type OcrLine, type OcrOptions, type OcrResult, type OcrStage } from './ocr/ocr.js';
export { clsInput, cropLine, detInput, detSize } from './ocr/ocr-preprocess.js';
export { cropRgba, resizeRgba, rotate180, type RgbaImage } from './resize.js';
