/** Node-only: loads nsfwjs's bundled model modules from node_modules (offline). */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FEATURE_NETS, FeatureNet, type BundledModel, type FeatureNetName } from './features';

export async function loadFeatureNet(name: FeatureNetName): Promise<FeatureNet> {
  const spec = FEATURE_NETS[name];
  if (!spec) throw new Error(`unknown feature network "${name}" (known: ${Object.keys(FEATURE_NETS).join(', ')})`);
  // The bundles are UMD scripts (module.exports = the model JSON / the base64 shard string).
  const require = createRequire(import.meta.url);
  // The package's `exports` map hides dist/models: locate it from the package's main entry (dist/cjs/index.js).
  const base = join(dirname(require.resolve('nsfwjs')), '..', 'models', spec.dir);
  const modelJson = require(join(base, 'model.min.js')) as BundledModel['modelJson'];
  const shardsBase64: Record<string, string> = {};
  for (let i = 1; i <= spec.shards; i++) {
    const id = `group1-shard${i}of${spec.shards}`;
    shardsBase64[id] = require(join(base, `${id}.min.js`)) as string;
  }
  return FeatureNet.fromBundle(name, { modelJson, shardsBase64 });
}
