/**
 * Dropped or picked files → a weights source: model.json plus shards, or one .zip holding them; or an
 * official EpiGRAF export (tools/export_official.py: NAME.json + NAME.bin, loose or in a .zip), which is imported
 * in the tab (float32) and served as viewer weights from memory.
 */
import { unzipSync } from 'fflate';
import { encodeWeights, memorySource, MODEL_JSON, WeightsError, type WeightsSource } from '../model/weights';
import { findOfficialExport, importOfficial } from '../model/officialImport';

export async function sourceFromFiles(files: File[]): Promise<WeightsSource> {
  if (files.length === 0) throw new WeightsError('(no files)', 'nothing was dropped');
  const map = new Map<string, Uint8Array>();
  let label = files.map((f) => f.name).join(', ');
  if (files.length === 1 && files[0].name.toLowerCase().endsWith('.zip')) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(new Uint8Array(await files[0].arrayBuffer()));
    } catch (e) {
      throw new WeightsError(files[0].name, `not a readable zip (${(e as Error).message})`);
    }
    // Files may sit in one folder inside the zip: key them by their base name. Two files of one name (two models,
    // or a model and a backup copy) would leave which one loads to the zip's order: refused, naming both.
    const from = new Map<string, string>();
    for (const [path, data] of Object.entries(entries)) {
      const base = path.split('/').pop()!;
      if (path.endsWith('/') || base.startsWith('.') || path.startsWith('__MACOSX/')) continue;
      const other = from.get(base);
      if (other !== undefined) throw new WeightsError(files[0].name, `holds both "${other}" and "${path}": a zip may hold one model (its files may sit in one folder)`);
      from.set(base, path);
      map.set(base, data);
    }
    label = files[0].name;
  } else for (const f of files) map.set(f.name, new Uint8Array(await f.arrayBuffer()));
  if (!map.has(MODEL_JSON)) {
    const off = findOfficialExport([...map.keys()]);
    if (off) return officialSource(map.get(off.json)!, map.get(off.bin)!, off, label);
    const lone = [...map.keys()].find((n) => n.toLowerCase().endsWith('.json'));
    if (lone) throw new WeightsError(lone, `is not model.json, and no ${lone.slice(0, -5)}.bin came with it: an official export is NAME.json and NAME.bin together (drop both, or a zip of them)`);
  }
  return memorySource(map, label);
}

/** An official export converted to viewer weights in memory (float32: no precision lost). */
export function officialSource(json: Uint8Array, bin: Uint8Array, files: { json: string; bin: string }, label: string): WeightsSource {
  const imp = importOfficial(new TextDecoder().decode(json), bin, files);
  const enc = encodeWeights(imp.config, imp.arrays, { meta: imp.meta });
  const out = new Map<string, Uint8Array | string>([[MODEL_JSON, JSON.stringify(enc.modelJson)]]);
  for (const s of enc.shards) out.set(s.path, s.data);
  return memorySource(out, `${label} (official export)`);
}
