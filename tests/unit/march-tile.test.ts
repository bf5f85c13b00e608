/**
 * The raymarch pass's workgroup tile (marchTile): within the device's workgroup memory, as the shader declares it.
 */
import { describe, it, expect } from 'vitest';
import { preset } from '../../src/model/config';
import { marchTile, defaultMaxCoarse, RaymarchPass, MARCH_LANES } from '../../src/render/raymarchPass';
import { defaultMarchLanes, lanesForFrame, MULTI_LANE_MAX_PIXELS } from '../../src/render/marchPasses';

/** Bytes of the `var<workgroup>` declarations in WGSL source, array lengths evaluated with the given constants. */
function declaredWorkgroupBytes(src: string, consts: Record<string, number>): number {
  const size: Record<string, number> = { f32: 4, u32: 4, vec4f: 16 };
  let bytes = 0;
  let count = 0;
  for (const m of src.matchAll(/var<workgroup>\s+\w+\s*:\s*([^;]+);/g)) {
    count++;
    const arr = /^array<(\w+),\s*(.+)>$/.exec(m[1].trim());
    if (!arr) {
      bytes += size[m[1].trim()];
      continue;
    }
    const expr = arr[2].replace(/\b([A-Z_]+)\b/g, (_, n: string) => String(consts[n])).replace(/(\d+)u\b/g, '$1');
    expect(expr, `array length ${arr[2]}`).toMatch(/^[\d\s+*()]+$/);
    bytes += size[arr[1]] * (Function(`return ${expr}`)() as number);
  }
  expect(count).toBeGreaterThan(0);
  return bytes;
}

describe('raymarch workgroup tile', () => {
  it('fits the device’s workgroup memory and matches the shader’s declarations', () => {
    for (const name of ['tiny', 'small', 'official'] as const) {
      const cfg = preset(name);
      for (const maxCoarse of [cfg.samples.coarse, 2 * cfg.samples.coarse]) {
        for (const limit of [16384, 32768, 49152]) {
          const t = marchTile(cfg, maxCoarse, limit);
          expect(t.workgroupBytes).toBeLessThanOrEqual(limit);
          expect([1, 2, 4, 8]).toContain(t.rays);
          expect(t.lanes).toBe(MARCH_LANES);
          expect(t.fineWindow % 8).toBe(0);
          expect(t.coarseStride % 2).toBe(1);
          expect(t.coarseStride).toBeGreaterThanOrEqual(maxCoarse);
          expect(t.fineWindow).toBeGreaterThanOrEqual(Math.min(64, cfg.samples.fine));
          const src = RaymarchPass.source(cfg, t);
          expect(declaredWorkgroupBytes(src, { RAYS: t.rays, RAY_SLOTS: t.rays, COARSE_STRIDE: t.coarseStride, FINE_WINDOW: t.fineWindow })).toBe(t.workgroupBytes);
          // twice the rays (the next power of two) would not fit, unless the cap of 64 invocations is reached
          if (t.rays < 64 / t.lanes) expect(2 * (t.workgroupBytes - 4) + 4).toBeGreaterThan(limit);
        }
      }
    }
    expect(marchTile(preset('tiny'), 48, 16384, 8)).toMatchObject({ rays: 8, fineWindow: 24 });
    expect(marchTile(preset('tiny'), 48, 16384, 16)).toMatchObject({ rays: 4, fineWindow: 24 }); // 64 invocations
    expect(marchTile(preset('official'), 192, 16384)).toMatchObject({ rays: 2, fineWindow: 64 });
    expect(marchTile(preset('official'), 192, 32768)).toMatchObject({ rays: 4, fineWindow: 64 });
  });

  it('names the limit when a ray’s samples cannot fit', () => {
    expect(() => marchTile(preset('official'), 1000, 16384)).toThrow(/1000 coarse samples per ray need \d+ bytes of workgroup memory; this device allows 16384/);
    // one lane: private arrays, within WGSL's guaranteed 8 KiB of private variables
    expect(marchTile(preset('official'), 192, 16384, 1).memory).toBe('private');
    expect(() => marchTile(preset('official'), 400, 65536, 1)).toThrow(/400 coarse samples per ray need \d+ bytes of private memory with one lane; WGSL guarantees 8064/);
  });
});

describe('raymarch lanes per ray', () => {
  it('any power of two up to 64 keeps the workgroup at ≤ 64 invocations; anything else is refused by name', () => {
    const cfg = preset('tiny');
    for (const lanes of [1, 2, 4, 8, 16, 32, 64]) {
      const t = marchTile(cfg, 48, 32768, lanes);
      expect(t.lanes).toBe(lanes);
      expect(t.rays * t.lanes).toBeLessThanOrEqual(64);
      // 16 rays of the tiny preset's 1.8 KB fit 32 KiB; one lane keeps its arrays private, 64 rays a workgroup
      expect(t.rays).toBe(lanes === 1 ? 64 : Math.min(64 / lanes, 16));
      expect(t.memory).toBe(lanes === 1 ? 'private' : 'workgroup');
    }
    for (const bad of [0, 3, 128, 2.5]) expect(() => marchTile(cfg, 48, 32768, bad)).toThrow(/lanes per ray must be a power of two from 1 to 64 \(got/);
  });

  it('one lane keeps a ray’s arrays private, sized for one ray; several lanes share them in workgroup memory', () => {
    const cfg = preset('official');
    const one = marchTile(cfg, 192, 16384, 1);
    const src = RaymarchPass.source(cfg, one);
    expect(src).not.toMatch(/var<MARCH_MEMORY>/);
    expect(declaredWorkgroupBytes(src, {})).toBe(one.workgroupBytes); // only the workgroup-wide vote
    expect(one.workgroupBytes).toBe(4);
    for (const name of ['coarseZ', 'coarseOut', 'cdf', 'fineZ', 'fineOut', 'rayLive']) expect(src).toMatch(new RegExp(`var<private> ${name}:`));
    expect(src).toMatch(/const RAY_SLOTS: u32 = 1u;/);
    const eight = marchTile(cfg, 96, 32768, 8);
    expect(RaymarchPass.source(cfg, eight)).toMatch(new RegExp(`const RAY_SLOTS: u32 = ${eight.rays}u;`));
    expect(RaymarchPass.source(cfg, eight)).not.toMatch(/var<private> (coarseZ|fineOut):/);
  });

  it('one lane per ray compiles to a march without barriers; several lanes synchronise', () => {
    const cfg = preset('small');
    const barriers = (lanes: number) => RaymarchPass.source(cfg, marchTile(cfg, 48, 32768, lanes)).match(/workgroupBarrier\(|workgroupUniformLoad\(/g)?.length ?? 0;
    expect(barriers(1)).toBe(0);
    expect(barriers(8)).toBeGreaterThan(0);
    expect(barriers(2)).toBe(barriers(8));
  });

  it('software adapters compile one lane; GPUs one lane and MARCH_LANES', () => {
    const info = (vendor: string, architecture: string, description = '', isFallbackAdapter = false) => ({ adapterInfo: { vendor, architecture, description, isFallbackAdapter } as GPUAdapterInfo });
    expect(defaultMarchLanes(info('mesa', 'software', 'llvmpipe: Mesa 25.0.7', true))).toEqual([1]); // lavapipe through Dawn in Node
    expect(defaultMarchLanes(info('google', 'swiftshader'))).toEqual([1]); // headless Chromium
    expect(defaultMarchLanes(info('microsoft', '', 'Microsoft Basic Render Driver', true))).toEqual([1]);
    expect(defaultMarchLanes(info('nvidia', 'hopper', 'NVIDIA H200'))).toEqual([1, MARCH_LANES]);
    expect(defaultMarchLanes(info('apple', 'metal-3'))).toEqual([1, MARCH_LANES]);
    expect(defaultMarchLanes({ adapterInfo: undefined as unknown as GPUAdapterInfo })).toEqual([1, MARCH_LANES]); // browsers without GPUDevice.adapterInfo
  });

  it('frames under MULTI_LANE_MAX_PIXELS take the most lanes compiled, larger ones the fewest', () => {
    expect(MULTI_LANE_MAX_PIXELS).toBe(16384);
    expect(lanesForFrame([1, 16], 64 * 64)).toBe(16);
    expect(lanesForFrame([1, 16], 16383)).toBe(16);
    expect(lanesForFrame([1, 16], 128 * 128)).toBe(1);
    expect(lanesForFrame([16, 1], 512 * 512)).toBe(1);
    expect(lanesForFrame([1], 8 * 8)).toBe(1);
    expect(lanesForFrame([8], 1024 * 1024)).toBe(8);
  });
});

describe('default coarse capacity', () => {
  it('doubles the config’s coarse samples only where that keeps the rays per workgroup', () => {
    expect(defaultMaxCoarse(preset('official'), 16384)).toBe(96); // 2× would halve the rays (4 → 2)
    expect(defaultMaxCoarse(preset('official'), 32768, 8)).toBe(96); // 8 → 4
    expect(defaultMaxCoarse(preset('official'), 32768, 16)).toBe(192); // 4 either way: 64 invocations
    expect(defaultMaxCoarse(preset('official'), 49152, 8)).toBe(192); // 8 either way
    expect(defaultMaxCoarse(preset('official'), 16384, 1)).toBe(192); // one lane: private arrays
    expect(defaultMaxCoarse(preset('small'), 16384)).toBe(96);
    expect(defaultMaxCoarse(preset('tiny'), 16384)).toBe(48);
    for (const name of ['tiny', 'small', 'official'] as const) {
      for (const limit of [16384, 32768, 49152]) {
        const cfg = preset(name);
        const m = defaultMaxCoarse(cfg, limit);
        expect(marchTile(cfg, m, limit).rays).toBe(marchTile(cfg, cfg.samples.coarse, limit).rays);
      }
    }
  });
});
