import { createRuntime, tensor } from 'edgeserve';

// The manifest is /models/manifest.json on this origin (public/models/ in a Vite app).
const runtime = createRuntime();
const model = await runtime.load('tiny');

window.predict = async (rows) => {
  const x = tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]);
  const { y } = await model.predict({ x });
  return { y: [...y.data], info: model.info() };
};
// Calls that came through the shared-memory channel (this page is cross-origin isolated).
window.sharedCalls = async () => (await runtime.metrics()).models.find((m) => m.model === 'tiny')?.sharedMemoryCalls ?? 0;
document.querySelector('#status').textContent = 'ready';
