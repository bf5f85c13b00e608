/**
 * `EpigrafSampleTriplane`: the fused tri-plane lookup as one tfjs kernel with its own gradient kernel
 * (`EpigrafSampleTriplaneGrad`, outputs dPlanes and dPoints), instead of 12 gathers per call whose
 * gradients need UnsortedSegmentSum. cpu and wasm run the typed-array loops of triplaneMath.ts; the webgpu
 * kernels live in triplaneWebgpu.ts (registered where the webgpu backend is set up).
 *
 * The gradient kernel has no gradient of its own: nothing differentiates the generator twice (R1 takes the
 * gradient of D with respect to real images only).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { triplaneBackward, triplaneForward, type TriplaneShape } from './triplaneMath';

export const SAMPLE_TRIPLANE = 'EpigrafSampleTriplane';
export const SAMPLE_TRIPLANE_GRAD = 'EpigrafSampleTriplaneGrad';

export interface SampleTriplaneAttrs {
  invScale: number;
}

export function triplaneShapeOf(planes: TensorInfo, points: TensorInfo, attrs: NamedAttrMap): TriplaneShape {
  const [n, r, r2, c3] = planes.shape;
  const [pn, p, three] = points.shape;
  if (planes.shape.length !== 4 || r !== r2 || c3 % 3 !== 0) throw new Error(`${SAMPLE_TRIPLANE}: planes must be [N, R, R, 3·C], got [${planes.shape}]`);
  if (points.shape.length !== 3 || pn !== n || three !== 3) throw new Error(`${SAMPLE_TRIPLANE}: points must be [${n}, P, 3], got [${points.shape}]`);
  if (planes.dtype !== 'float32' || points.dtype !== 'float32') throw new Error(`${SAMPLE_TRIPLANE}: float32 inputs only`);
  return { n, r, c: c3 / 3, p, invScale: attrs.invScale as number };
}

/** How a backend exposes tensor memory to JavaScript and takes new outputs. */
interface HostMemory {
  read(t: TensorInfo): Float32Array;
  /** Allocates all outputs first, then hands out writable views (wasm views die when its heap grows). */
  outputs(shapes: number[][]): { infos: TensorInfo[]; views: Float32Array[] };
}

interface CpuBackendLike {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

const cpuMemory = (backend: unknown): HostMemory => {
  const b = backend as CpuBackendLike;
  return {
    read: (t) => b.data.get(t.dataId).values as Float32Array,
    outputs: (shapes) => {
      const views = shapes.map((s) => new Float32Array(size(s)));
      return { infos: shapes.map((s, i) => b.makeTensorInfo(s, 'float32', views[i])), views };
    },
  };
};

const wasmMemory = (backend: unknown): HostMemory => {
  const b = backend as WasmBackendLike;
  return {
    read: (t) => b.typedArrayFromHeap(t),
    outputs: (shapes) => {
      const infos = shapes.map((s) => b.makeOutput(s, 'float32'));
      return { infos, views: infos.map((t) => b.typedArrayFromHeap(t)) };
    },
  };
};

function hostKernels(memory: (backend: unknown) => HostMemory): { forward: KernelFunc; backward: KernelFunc } {
  const forward: KernelFunc = ({ inputs, backend, attrs }) => {
    const { planes, points } = inputs as { planes: TensorInfo; points: TensorInfo };
    const s = triplaneShapeOf(planes, points, attrs!);
    const m = memory(backend);
    const { infos, views } = m.outputs([[s.n, s.p, s.c]]);
    triplaneForward(s, m.read(planes), m.read(points), views[0]);
    return infos[0];
  };
  const backward: KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, planes, points } = inputs as { dy: TensorInfo; planes: TensorInfo; points: TensorInfo };
    const s = triplaneShapeOf(planes, points, attrs!);
    const m = memory(backend);
    const { infos, views } = m.outputs([planes.shape, points.shape]);
    triplaneBackward(s, m.read(dy), m.read(planes), m.read(points), views[0], views[1]);
    return infos;
  };
  return { forward, backward };
}

let registered = false;

/** Registers the cpu and wasm kernels and the gradient (idempotent). */
export function registerTriplaneKernels(): void {
  if (registered) return;
  registered = true;
  for (const [backendName, memory] of [
    ['cpu', cpuMemory],
    ['wasm', wasmMemory],
  ] as const) {
    const k = hostKernels(memory);
    tf.registerKernel({ kernelName: SAMPLE_TRIPLANE, backendName, kernelFunc: k.forward });
    tf.registerKernel({ kernelName: SAMPLE_TRIPLANE_GRAD, backendName, kernelFunc: k.backward });
  }
  tf.registerGradient({
    kernelName: SAMPLE_TRIPLANE,
    inputsToSave: ['planes', 'points'],
    gradFunc: (dy, saved, attrs) => {
      const [planes, points] = saved;
      // One kernel gives both gradients. Run it here, not lazily: the tape calls each input's closure inside
      // its own tidy, which would dispose the other output.
      const [dPlanes, dPoints] = tf.engine().runKernel(SAMPLE_TRIPLANE_GRAD, { dy: dy as tf.Tensor, planes, points }, attrs) as unknown as tf.Tensor[];
      return { planes: () => dPlanes, points: () => dPoints };
    },
  });
}

/** Whether the active backend has the fused kernel (webgpu only once triplaneWebgpu.ts registered it). */
export function fusedTriplaneAvailable(): boolean {
  registerTriplaneKernels();
  return tf.getKernel(SAMPLE_TRIPLANE, tf.getBackend()) !== undefined;
}

/** planes [N, R, R, 3·C], points [N, P, 3] → [N, P, C]; differentiable with respect to both. */
export function fusedSampleTriplane(planes: tf.Tensor4D, points: tf.Tensor3D, invScale: number): tf.Tensor3D {
  registerTriplaneKernels();
  const attrs: SampleTriplaneAttrs = { invScale };
  return tf.engine().runKernel(SAMPLE_TRIPLANE, { planes, points }, attrs as unknown as NamedAttrMap) as tf.Tensor3D;
}
