// onnxruntime-web's JSEP flavour (WebGPU and WASM execution providers in one binary); imported
// only when a session is really planned on WebGPU.
export * from 'onnxruntime-web';
