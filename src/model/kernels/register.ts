/** Registers this project's tfjs kernels for the host backends (cpu, wasm); imported for its effect. */
import { registerTriplaneKernels } from './sampleTriplaneOp';
import { registerWasmTrainingKernels } from './wasmKernels';

registerTriplaneKernels();
registerWasmTrainingKernels();
