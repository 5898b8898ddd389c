// onnxruntime-web's WASM-only flavour (ort-wasm-simd-threaded.wasm): its own chunk, so a page
// that never plans WebGPU never downloads the JSEP flavour's code or binary.
export * from 'onnxruntime-web/wasm';
