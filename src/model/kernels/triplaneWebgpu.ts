/**
 * The WebGPU kernels of `EpigrafSampleTriplane` and its gradient: tfjs WebGPU programs (tfjs generates the
 * bindings and uniforms around the WGSL in ./wgsl/) run on tfjs's own device and buffers, so the op mixes
 * with every other tfjs op with no copies. Registered where the webgpu backend is set up (the WGSL is
 * imported as text, which only the Vite-based runners can load).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import common from './wgsl/triplaneCommon.wgsl?raw';
import forwardWgsl from './wgsl/triplaneForward.wgsl?raw';
import gradPointsWgsl from './wgsl/triplaneGradPoints.wgsl?raw';
import gradPlanesWgsl from './wgsl/triplaneGradPlanes.wgsl?raw';
import { registerTriplaneKernels, SAMPLE_TRIPLANE, SAMPLE_TRIPLANE_GRAD, triplaneShapeOf } from './sampleTriplaneOp';
import type { TriplaneShape } from './triplaneMath';

const WORKGROUP = 64;

function program(name: string, wgsl: string, variableNames: string[], outputShape: number[], count: number, atomic = false): WebGPUProgram {
  return {
    outputShape,
    shaderKey: `epigraf_${name}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(count / WORKGROUP), 1, 1],
    variableNames,
    uniforms: 'invScale : f32, res : i32, chans : i32, numPoints : i32, count : i32,',
    workgroupSize: [WORKGROUP, 1, 1],
    atomic,
    getUserCode: () => `${common}\n${wgsl}`,
  } as WebGPUProgram;
}

const uniforms = (s: TriplaneShape, count: number) => [
  { type: 'float32', data: [s.invScale] },
  { type: 'int32', data: [s.r] },
  { type: 'int32', data: [s.c] },
  { type: 'int32', data: [s.p] },
  { type: 'int32', data: [count] },
];

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const { planes, points } = inputs as { planes: TensorInfo; points: TensorInfo };
  const s = triplaneShapeOf(planes, points, attrs!);
  const count = s.n * s.p * s.c;
  const prog = program('triplane_forward', forwardWgsl, ['planes', 'points'], [s.n, s.p, s.c], count);
  return (backend as WebGPUBackend).runWebGPUProgram(prog, [planes, points], 'float32', uniforms(s, count));
};

const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as WebGPUBackend;
  const { dy, planes, points } = inputs as { dy: TensorInfo; planes: TensorInfo; points: TensorInfo };
  const s = triplaneShapeOf(planes, points, attrs!);
  const perPoint = s.n * s.p;
  const dPoints = b.runWebGPUProgram(
    program('triplane_grad_points', gradPointsWgsl, ['dy', 'planes', 'points'], [s.n, s.p, 3], perPoint),
    [dy, planes, points],
    'float32',
    uniforms(s, perPoint),
  );
  const fill = tf.getKernel('Fill', 'webgpu')!.kernelFunc;
  const zeros = fill({ inputs: {}, backend, attrs: { shape: planes.shape, value: 0, dtype: 'float32' } }) as TensorInfo;
  const perFeature = perPoint * s.c;
  const dPlanes = b.runWebGPUProgram(
    program('triplane_grad_planes', gradPlanesWgsl, ['dy', 'points'], planes.shape, perFeature, true),
    [dy, points],
    'float32',
    uniforms(s, perFeature),
    zeros,
  );
  return [dPlanes, dPoints];
};

let registered = false;

export function registerTriplaneWebgpuKernels(): void {
  if (registered) return;
  registered = true;
  registerTriplaneKernels(); // the gradient registration is shared
  tf.registerKernel({ kernelName: SAMPLE_TRIPLANE, backendName: 'webgpu', kernelFunc: forward });
  tf.registerKernel({ kernelName: SAMPLE_TRIPLANE_GRAD, backendName: 'webgpu', kernelFunc: backward });
}
