/**
 * Why a shipped int8 variant is not faster than fp32 in the page — or not by as much as int8
 * promises — per model, from onnxruntime's
 * per-op profile (`enableProfiling`; the README's "int8 in the page" has the figures and commands).
 * The playground shows these next to the measured latency, so a user is not left to guess.
 */
export const INT8_SPEED_NOTES: Readonly<Record<string, string>> = {
  'ocr-cls':
    'int8 is not faster here on one thread: ocr-cls runs in a few ms, and the per-call quantize/dequantize work ' +
    '(DynamicQuantizeLinear, DequantizeLinear, the bias Add) costs about what ConvInteger saves on its dense Convs, ' +
    "while its depthwise Convs stay float (onnxruntime's int8 depthwise paths are slower than its float ones). " +
    'It is a third of the download.',
  'ocr-det':
    'int8 is faster here, but not twice as fast: its integer Convs take about half the time of the float ones, ' +
    "yet about a third of the int8 run is Convs that stay float (the depthwise ones, where onnxruntime's int8 path " +
    'is slower, and five early Convs kept float for accuracy), plus the per-Conv quantize, rescale and bias work.',
  'ocr-rec':
    'int8 is faster here, but not twice as fast: the dense Convs speed up, while its depthwise Convs stay float and ' +
    'each integer Conv adds a quantize step, a rescale and a bias Add. It is about a quarter of the download.',
};
