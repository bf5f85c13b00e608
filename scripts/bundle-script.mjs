// `npm run bundle:script -- scripts/X.ts OUT.mjs`: one self-contained ESM file of a script (tfjs, three and the
// project's sources inlined, `?raw` WGSL imports as text) that runs `main(argv)` under plain Node. For a machine
// with a GPU but no npm: copy OUT.mjs with node_modules/webgpu beside it (index.js, package.json and
// dist/linux-x64/dawn.node) and a Node 20 binary, then `node OUT.mjs [args]`. Dawn needs the Vulkan loader
// (libvulkan1) and the GPU's Vulkan driver there.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const [entry, out] = process.argv.slice(2);
if (!entry || !out) {
  console.error('usage: node scripts/bundle-script.mjs <script.ts> <out.mjs>');
  process.exit(2);
}
await build({
  entryPoints: [entry],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu'], // dawn.node is loaded from beside the bundle
  logLevel: 'warning',
  // tfjs-core's Node platform calls require(), which ESM lacks (as in run-ts.mjs).
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  footer: { js: 'await main(process.argv.slice(2)); process.exit(0);' },
  plugins: [
    {
      name: 'raw',
      setup(b) {
        b.onResolve({ filter: /\?raw$/ }, (a) => ({ path: resolve(a.resolveDir, a.path.replace(/\?raw$/, '')), namespace: 'raw' }));
        b.onLoad({ filter: /.*/, namespace: 'raw' }, async (a) => ({ contents: await readFile(a.path, 'utf8'), loader: 'text' }));
      },
    },
  ],
});
