/**
 * Writes the placeholder viewer model: an untrained `tiny` generator (official initialisation, seed 0,
 * small perturbation so biases and w_avg are non-zero), float16. Run: npm run make-placeholder
 */
import { preset } from '../src/model/config';
import { initParamArrays } from '../src/model/params';
import { encodeWeights } from '../src/model/weights';
import { writeWeightsDir } from '../src/model/weightsNode';

const cfg = { ...preset('tiny'), name: 'placeholder (untrained tiny)' };
const arrays = initParamArrays(cfg, 0, { perturb: 0.05 });
const enc = encodeWeights(cfg, arrays, {
  dtype: 'float16',
  meta: { placeholder: true, description: 'Untrained random weights of the tiny preset, shown until a trained default model ships.' },
});
await writeWeightsDir('public/weights/placeholder', enc);
console.log(JSON.stringify({ out: 'public/weights/placeholder', shards: enc.shards.length, bytes: enc.shards.reduce((a, s) => a + s.data.length, 0) }));
