import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './main.js',
  output: { path: fileURLToPath(new URL('./dist-webpack', import.meta.url)), clean: true },
  // Minifying onnxruntime-web and TensorFlow.js takes minutes and changes nothing here.
  optimization: { minimize: false },
};
