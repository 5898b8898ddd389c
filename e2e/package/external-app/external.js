import { createRuntime, tensor } from 'edgeserve';

// A user's page: load a model by id from /models/manifest.json and predict on WASM.
const runtime = createRuntime();

window.predictWith = async (id, rows) => {
  const files = new Set();
  const model = await runtime.load(id, { backend: 'wasm', onProgress: (p) => p.file && files.add(p.file) });
  const x = tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]);
  const { y } = await model.predict({ x });
  return { y: [...y.data], dims: [...y.dims], info: model.info(), files: [...files] };
};
document.querySelector('#status').textContent = 'ready';
