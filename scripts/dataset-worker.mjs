// Worker thread of scripts/dataset.ts: renders objects on request. Plain ESM that loads the TypeScript
// sources through tsx's API (a worker does not inherit the parent's TypeScript loader).
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { generateObject } = await tsImport('../src/data/procedural/generate.ts', import.meta.url);
const { encodePng } = await tsImport('../src/data/png.ts', import.meta.url);

parentPort.on('message', (index) => {
  const s = generateObject(index, workerData);
  const views = s.views.map((v) => ({ yaw: v.yaw, pitch: v.pitch, png: encodePng(v.rgba, workerData.resolution, workerData.resolution) }));
  parentPort.postMessage({ index, label: s.label, rejected: s.rejected.length, views });
});
