/** An RGBA image grid drawn 1:1 into a canvas and scaled up without smoothing. */
import { useEffect, useRef } from 'react';

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export function GridCanvas({ image, label, testId, scale = 3, step }: { image: RgbaImage | null; label: string; testId: string; scale?: number; step?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    if (!c || !image) return;
    c.width = image.width;
    c.height = image.height;
    c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height), 0, 0);
  }, [image]);
  return <canvas ref={canvas} aria-label={label} data-testid={testId} data-step={step ?? ''} width={1} height={1} style={{ width: image ? image.width * scale : 0, imageRendering: 'pixelated' }} />;
}
