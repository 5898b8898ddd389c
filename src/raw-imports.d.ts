/** `import text from '…?raw'`: the file's text, inlined by Vite at build time (hash-worker-source.ts). */
declare module '*?raw' {
  const text: string;
  export default text;
}
