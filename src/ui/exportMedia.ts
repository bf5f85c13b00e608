/**
 * Exports: a PNG of the current view (progressively refined at the chosen size) and videos along camera
 * paths, encoded with WebCodecs and muxed by mediabunny — MP4/H.264 where the browser can encode it,
 * WebM/VP9 (or VP8) otherwise.
 */
import { BufferTarget, CanvasSource, Mp4OutputFormat, Output, WebMOutputFormat, getFirstEncodableVideoCodec } from 'mediabunny';
import type { Quaternion } from 'three';
import { encodePng } from '../data/png';
import { cameraFromQuaternion } from '../render/camera';
import { cameraPath, type CameraPathName } from '../render/cameraPaths';
import { currentModel, renderToPixels, setLatent, type LatentParams } from './engine';
import { jitterAt } from './progressive';

export interface ExportedFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

/** File-name form of a model name (shared by every export). */
export const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();

/** PNG of a view, 8 jittered frames averaged at `size`². */
export async function exportPng(q: Quaternion, fovDeg: number, size: number, latent: LatentParams, modelName: string): Promise<ExportedFile> {
  const model = currentModel();
  if (!model) throw new Error('no model loaded');
  const cam = cameraFromQuaternion(q, model.generator.config.camera.radius, fovDeg);
  const rgba = await renderToPixels(cam, size, 8, jitterAt);
  return { name: `${slug(modelName)}-seed${latent.seed}-${size}px.png`, mime: 'image/png', bytes: encodePng(rgba, size, size) };
}

export interface VideoOptions {
  path: CameraPathName;
  size: number;
  fps: number;
  seconds: number;
}

/** Renders and encodes a video; `onProgress(done, total)`; aborts (throws) when `signal` fires. */
export async function exportVideo(
  o: VideoOptions,
  start: Quaternion,
  fovDeg: number,
  latent: LatentParams,
  modelName: string,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<ExportedFile> {
  const model = currentModel();
  if (!model) throw new Error('no model loaded');
  if (typeof VideoEncoder === 'undefined') throw new Error('this browser has no WebCodecs VideoEncoder');
  const size = o.size - (o.size % 2); // encoders want even sides
  const frames = Math.max(1, Math.round(o.fps * o.seconds));
  const avc = await getFirstEncodableVideoCodec(['avc'], { width: size, height: size });
  const codec = avc ?? (await getFirstEncodableVideoCodec(['vp9', 'vp8'], { width: size, height: size }));
  if (!codec) throw new Error('this browser can encode neither H.264 nor VP9/VP8');
  const mp4 = codec === 'avc';
  const output = new Output({ format: mp4 ? new Mp4OutputFormat() : new WebMOutputFormat(), target: new BufferTarget() });
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d')!;
  const source = new CanvasSource(canvas, { codec, bitrate: 4e6, keyFrameInterval: 1 });
  output.addVideoTrack(source, { frameRate: o.fps });
  await output.start();
  const radius = model.generator.config.camera.radius;
  try {
    for (let i = 0; i < frames; i++) {
      if (signal?.aborted) throw new DOMException('video export cancelled', 'AbortError');
      const p = cameraPath(o.path, i / frames, start, fovDeg);
      if (p.latentT !== undefined) await setLatent({ ...latent, t: p.latentT });
      const rgba = await renderToPixels(cameraFromQuaternion(p.q, radius, p.fovDeg), size, 1, jitterAt);
      ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer as ArrayBuffer), size, size), 0, 0);
      await source.add(i / o.fps, 1 / o.fps);
      onProgress?.(i + 1, frames);
    }
    await output.finalize();
  } catch (e) {
    await output.cancel();
    throw e;
  } finally {
    if (o.path === 'interpolation') await setLatent(latent);
  }
  const bytes = new Uint8Array((output.target as BufferTarget).buffer!);
  const ext = mp4 ? 'mp4' : 'webm';
  return { name: `${slug(modelName)}-seed${latent.seed}${o.path === 'interpolation' ? `-to-${latent.seedB}` : ''}-${o.path}.${ext}`, mime: `video/${ext}`, bytes };
}

/** Offers a file to the user as a download. */
export function download(f: ExportedFile): void {
  const url = URL.createObjectURL(new Blob([f.bytes as BlobPart], { type: f.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = f.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
