// COOP/COEP make the page cross-origin isolated, so onnxruntime-web runs threaded.
const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default {
  // A module worker, so the engines stay chunks of their own, loaded on first use.
  worker: { format: 'es' },
  server: { headers },
  preview: { headers },
};
