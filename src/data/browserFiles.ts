/**
 * Files picked or dropped in the browser → the path → bytes map that importDataset reads: one .zip, or the
 * files of a folder (webkitRelativePath keeps their sub-folders; importDataset drops the common top folder).
 */
import { filesFromZip } from './importDataset';

export async function filesFromFileList(files: File[]): Promise<Map<string, Uint8Array>> {
  if (files.length === 1 && files[0].name.toLowerCase().endsWith('.zip')) return filesFromZip(new Uint8Array(await files[0].arrayBuffer()), files[0].name);
  const out = new Map<string, Uint8Array>();
  for (const f of files) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath;
    out.set(rel && rel.length > 0 ? rel : f.name, new Uint8Array(await f.arrayBuffer()));
  }
  return out;
}
