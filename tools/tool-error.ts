/**
 * Errors of the Node tools (quantize, pack). A stable `code` lets the CLI map each to a clear
 * message and exit status, and lets tests assert on the kind of failure rather than its wording.
 */
export type ToolErrorCode =
  | 'NOT_FOUND'
  | 'NOT_ONNX'
  | 'UNSUPPORTED_FORMAT'
  | 'TRUNCATED'
  | 'UNSUPPORTED_OPSET'
  | 'UNSUPPORTED_MODEL'
  | 'BAD_ARGUMENT'
  | 'CALIBRATION'
  | 'MANIFEST'
  | 'NOTHING_TO_QUANTIZE'
  | 'GATE_FAILED';

export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly code: ToolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
