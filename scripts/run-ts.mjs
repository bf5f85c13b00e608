// Runs a TypeScript script through Vite's module loader (so `?raw` WGSL imports resolve as in the app) and
// calls its exported `main(args)`. Usage: node scripts/run-ts.mjs scripts/bench-render.ts [args…]
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { createServer } from 'vite';

// tfjs-core's Node platform calls require(); Vite's module runner evaluates it as ESM, where require is missing.
globalThis.require ??= createRequire(import.meta.url);

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args…]');
  process.exit(2);
}
const server = await createServer({
  server: { middlewareMode: true, hmr: false, ws: false },
  appType: 'custom',
  logLevel: 'error',
  optimizeDeps: { noDiscovery: true, include: [] },
  // tfjs's ESM files import each other without extensions, which Node's resolver rejects: let Vite load them.
  // Except the wasm backend, whose emscripten glue is CommonJS: Node loads its CJS build, which shares
  // tfjs-core's engine and kernel registry through the global namespace.
  ssr: { noExternal: [/^@tensorflow\/(?!tfjs-backend-wasm)/] },
});
let code = 0;
try {
  const mod = await server.ssrLoadModule(resolve(file));
  if (typeof mod.main !== 'function') throw new Error(`${file} exports no main()`);
  await mod.main(args);
} catch (e) {
  // Input problems (a file named with what is wrong with it, a bad argument) read better without a stack trace.
  const plain = e && typeof e === 'object' && (e.name === 'UsageError' || ('file' in e && 'problem' in e));
  console.error(plain ? `error: ${e.message}` : e);
  code = 1;
} finally {
  await server.close();
}
process.exit(code);
