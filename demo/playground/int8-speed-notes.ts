/**
 * Why a shipped int8 variant is not faster than fp32 in the page, per model, from onnxruntime's
 * per-op profile (`enableProfiling`; the README's "int8 in the page" has the figures and commands).
 * The playground shows these next to the measured latency, so a user is not left to guess.
 */
export const INT8_SPEED_NOTES: Readonly<Record<string, string>> = {
  'ocr-cls':
    'int8 is not faster here on one thread: ocr-cls runs in a few ms, and the per-call quantize/dequantize work ' +
    '(DynamicQuantizeLinear, DequantizeLinear, the bias Add) costs about what ConvInteger saves on its dense Convs, ' +
    'while its depthwise Convs stay float (onnxruntime\'s int8 depthwise paths are slower than its float ones). ' +
    'It is a third of the download.',
};
