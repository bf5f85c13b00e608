/** Registers the fused tri-plane kernels for the host backends (cpu, wasm); imported for its effect. */
import { registerTriplaneKernels } from './sampleTriplaneOp';

registerTriplaneKernels();
