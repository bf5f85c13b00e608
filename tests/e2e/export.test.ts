/** Exports in Chromium: a PNG at the chosen size and a one-second video whose container parses. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';
import { openPage, useApp } from '../helpers/browser';
import { decodePng } from '../../src/data/png';

const app = useApp({ beforeAll, afterAll });

describe('exports (Chromium, WebCodecs)', () => {

  it('PNG of the view decodes at the chosen size; a 1 s video has 8 frames and lasts 1 s', async () => {
    const { page, errors } = await openPage(app());
    await expect.poll(() => page.getByTestId('status').getAttribute('data-status'), { timeout: 300_000, interval: 500 }).toBe('ready');

    const png = await page.evaluate(() => (window as any).__epigraf.exportPng(48));
    expect(png.name).toMatch(/^tiny-trained-seed0-48px\.png$/);
    const img = decodePng(Uint8Array.from(png.bytes));
    expect([img.width, img.height]).toEqual([48, 48]);
    const reds = new Set<number>();
    for (let i = 0; i < img.rgba.length; i += 4) reds.add(img.rgba[i]);
    expect(reds.size).toBeGreaterThan(3);

    const video = await page.evaluate(() => (window as any).__epigraf.exportVideo({ path: 'turn', size: 32, fps: 8, seconds: 1 }));
    expect(video.name).toMatch(/^tiny-trained-seed0-turn\.(mp4|webm)$/);
    const input = new Input({ source: new BufferSource(Uint8Array.from(video.bytes)), formats: ALL_FORMATS });
    const track = (await input.getPrimaryVideoTrack())!;
    expect([track.displayWidth, track.displayHeight]).toEqual([32, 32]);
    const stats = await track.computePacketStats();
    expect(stats.packetCount).toBe(8);
    expect(await input.computeDuration()).toBeCloseTo(1, 2);
    expect(errors).toEqual([]);
    await page.close();
  });
});
