import { createRuntime, tensor } from 'edgeserve';

// A user's page: load a big model by id from /models/manifest.json, predict on WASM, and read
// what model.info() says as the store finishes behind it.
const runtime = createRuntime();
let model;

window.loadAndPredict = async (id, rows) => {
  // The store's check of a warm load, as a progress bar would show it.
  const verify = [];
  model = await runtime.load(id, { backend: 'wasm', onProgress: (p) => p.phase === 'verify' && verify.push([p.loaded, p.total]) });
  const atLoad = { ...model.info(), verify };
  const x = tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]);
  const { y } = await model.predict({ x });
  return { y: [...y.data], dims: [...y.dims], atLoad };
};
window.info = () => model.info();
document.querySelector('#status').textContent = 'ready';
