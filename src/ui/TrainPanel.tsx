/**
 * The training panel: run settings, start / pause / resume / stop, live curves, the G_ema preview grid,
 * throughput, checkpoints, and hand-over of G_ema to the viewer or to a download. The worker lives in
 * tabTrainerClient; this component only renders the training store and calls the client.
 */
import { useEffect, useState } from 'react';
import { zipSync } from 'fflate';
import { TAB_PRESETS, type TabPreset } from '../train/tabPresets';
import { filesFromFileList } from '../data/browserFiles';
import type { DatasetSpec, NamedFile, RunSpec, StatsPoint } from '../train/worker/protocol';
import * as client from '../train/tabTrainerClient';
import { etaSeconds, formatDuration, imagesPerSecond, useTraining, type SampleGrid } from './trainStore';
import { LossChart, type CurveDef } from './LossChart';
import { download } from './exportMedia';
import { GridCanvas } from './GridCanvas';

const LOSSES: CurveDef[] = [
  { label: 'D loss', colour: '#c0392b', value: (p: StatsPoint) => p.dLoss },
  { label: 'G loss', colour: '#2471a3', value: (p: StatsPoint) => p.gLoss },
  { label: 'R1', colour: '#7d3c98', value: (p: StatsPoint) => p.r1 },
];
const SCORES: CurveDef[] = [
  { label: 'real score', colour: '#1e8449', value: (p: StatsPoint) => p.realScore },
  { label: 'fake score', colour: '#b9770e', value: (p: StatsPoint) => p.fakeScore },
];

type DatasetKind = DatasetSpec['kind'];

const row = { display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'center', margin: '6px 0' } as const;

function zipOf(files: NamedFile[]): Uint8Array {
  return zipSync(Object.fromEntries(files.map((f) => [f.name, f.bytes])));
}

export function TrainPanel({ onOpenWeights }: { onOpenWeights: (files: File[]) => Promise<void> }) {
  const t = useTraining();
  const [kind, setKind] = useState<DatasetKind>('procedural');
  const [objects, setObjects] = useState(16);
  const [views, setViews] = useState(16);
  const [resolution, setResolution] = useState(32);
  const [background, setBackground] = useState<'env' | 'white'>('env');
  const [upload, setUpload] = useState<File[]>([]);
  const [presetName, setPresetName] = useState<TabPreset>('tiny');
  const [patch, setPatch] = useState(32);
  const [gamma, setGamma] = useState(0.05);
  const [batch, setBatch] = useState(4);
  const [targetKimg, setTargetKimg] = useState(100);
  const [previewEvery, setPreviewEvery] = useState(10);
  const [checkpointMinutes, setCheckpointMinutes] = useState(3);
  const [busy, setBusy] = useState('');

  useEffect(() => {
    void client.findSavedRun();
    // Test hook: the run as the panel sees it.
    Object.assign((window as unknown as { __epigraf: object }).__epigraf, {
      training: () => {
        const s = useTraining.getState();
        return { phase: s.phase, step: s.step, imagesSeen: s.imagesSeen, error: s.error, points: s.history.length, last: s.history.at(-1) ?? null, samplesStep: s.samples?.step ?? null, savedStep: s.lastSaved?.step ?? null };
      },
    });
  }, []);

  async function start() {
    const dataset: DatasetSpec =
      kind === 'procedural' ? { kind, objects, views, resolution, background } : kind === 'toy' ? { kind, resolution } : { kind, label: upload.map((f) => f.name).join(', ') };
    const spec: RunSpec = { dataset, preset: presetName, patch, gamma, batch, seed: 0, targetKimg, previewEvery, checkpointMinutes };
    try {
      if (kind !== 'upload') return client.startTraining(spec);
      if (upload.length === 0) throw new Error('choose an EpiGRAF dataset (.zip) first');
      client.startTraining(spec, await filesFromFileList(upload));
    } catch (e) {
      t.set({ error: (e as Error).message });
    }
  }

  async function withFiles(label: string, job: () => Promise<void>) {
    setBusy(label);
    try {
      await job();
    } catch (e) {
      t.set({ error: `${label} failed: ${(e as Error).message}` });
    } finally {
      setBusy('');
    }
  }

  const spec = t.spec;
  const rate = spec ? imagesPerSecond(t.history, spec.batch) : 0;
  const active = ['running', 'pausing', 'paused', 'stopping', 'stopped'].includes(t.phase);
  const idle = t.phase === 'idle' || t.phase === 'stopped';
  const tag = spec ? `epigraf-${spec.preset}-step${t.step}` : 'epigraf';
  const last = t.history.at(-1);

  return (
    <section aria-label="Training" style={{ borderTop: '1px solid #ccc', marginTop: 16, paddingTop: 8 }}>
      <h2 style={{ fontSize: 18 }}>Training</h2>
      {t.saved && t.phase === 'idle' ? (
        <p role="note" style={{ background: '#e8f4fd', padding: 8 }}>
          A saved training run was found: {t.saved.spec.preset}, step {t.saved.step} ({(t.saved.imagesSeen / 1000).toFixed(2)} kimg), saved {new Date(t.saved.savedAt).toLocaleString()}.{' '}
          <button type="button" onClick={() => client.resumeSavedTraining()}>Resume saved training</button>{' '}
          <button type="button" onClick={() => void client.discardSavedRun()}>Discard saved training</button>
        </p>
      ) : null}
      <fieldset disabled={!idle} style={{ border: 'none', padding: 0 }}>
        <div style={row}>
          <label>
            Dataset{' '}
            <select aria-label="Dataset" value={kind} onChange={(e) => setKind(e.target.value as DatasetKind)}>
              <option value="procedural">Procedural (plants, mushrooms, fruit)</option>
              <option value="toy">Figure 9 toy</option>
              <option value="upload">Uploaded EpiGRAF zip</option>
            </select>
          </label>
          {kind === 'upload' ? (
            <label>
              Dataset zip <input type="file" aria-label="Dataset zip" accept=".zip" onChange={(e) => setUpload(Array.from(e.target.files ?? []))} />
            </label>
          ) : (
            <label>
              Image size{' '}
              <select aria-label="Image size" value={resolution} onChange={(e) => setResolution(Number(e.target.value))}>
                {[32, 64].map((r) => <option key={r} value={r}>{r}²</option>)}
              </select>
            </label>
          )}
          {kind === 'procedural' ? (
            <>
              <label>
                Objects <input aria-label="Objects" type="number" min={1} max={500} value={objects} onChange={(e) => setObjects(Math.max(1, Number(e.target.value) | 0))} style={{ width: 56 }} />
              </label>
              <label>
                Views per object <input aria-label="Views per object" type="number" min={1} max={256} value={views} onChange={(e) => setViews(Math.max(1, Number(e.target.value) | 0))} style={{ width: 56 }} />
              </label>
              <label>
                Dataset background{' '}
                <select aria-label="Dataset background" value={background} onChange={(e) => setBackground(e.target.value as 'env' | 'white')}>
                  <option value="env">environment</option>
                  <option value="white">white</option>
                </select>
              </label>
            </>
          ) : null}
        </div>
        <div style={row}>
          <label>
            Preset{' '}
            <select aria-label="Preset" value={presetName} onChange={(e) => setPresetName(e.target.value as TabPreset)}>
              {TAB_PRESETS.map((p) => <option key={p} value={p}>{p === 'micro' ? 'micro (for software WebGPU)' : p}</option>)}
            </select>
          </label>
          <label>
            Patch size{' '}
            <select aria-label="Patch size" value={patch} onChange={(e) => setPatch(Number(e.target.value))}>
              {[16, 32, 64].map((r) => <option key={r} value={r}>{r}²</option>)}
            </select>
          </label>
          <label>
            R1 γ <input aria-label="R1 gamma" type="number" min={0} step={0.01} value={gamma} onChange={(e) => setGamma(Math.max(0, Number(e.target.value)))} style={{ width: 64 }} />
          </label>
          <label>
            Batch{' '}
            <select aria-label="Batch" value={batch} onChange={(e) => setBatch(Number(e.target.value))}>
              {[4, 8, 16].map((b) => <option key={b} value={b}>{b}</option>)}
            </select>
          </label>
          <label>
            Target kimg <input aria-label="Target kimg" type="number" min={0.001} step="any" value={targetKimg} onChange={(e) => setTargetKimg(Math.max(0.001, Number(e.target.value)))} style={{ width: 64 }} />
          </label>
          <label>
            Preview every <input aria-label="Preview every (steps)" type="number" min={1} value={previewEvery} onChange={(e) => setPreviewEvery(Math.max(1, Number(e.target.value) | 0))} style={{ width: 48 }} /> steps
          </label>
          <label>
            Checkpoint every <input aria-label="Checkpoint every (minutes)" type="number" min={0.1} step="any" value={checkpointMinutes} onChange={(e) => setCheckpointMinutes(Math.max(0.1, Number(e.target.value)))} style={{ width: 48 }} /> min
          </label>
        </div>
      </fieldset>
      <div style={row}>
        <button type="button" disabled={!idle} onClick={() => void start()}>Start training</button>
        <button type="button" disabled={t.phase !== 'running'} onClick={() => client.pauseTraining()}>Pause training</button>
        <button type="button" disabled={t.phase !== 'paused'} onClick={() => client.resumeTraining()}>Resume training</button>
        <button type="button" disabled={!['running', 'pausing', 'paused'].includes(t.phase)} onClick={() => client.stopTraining()}>Stop training</button>
        <button type="button" disabled={!active || busy !== ''} onClick={() => void withFiles('Open in viewer', async () => onOpenWeights((await client.exportWeights('open')).map((f) => new File([f.bytes as BlobPart], f.name))))}>
          Open in viewer
        </button>
        <button type="button" disabled={!active || busy !== ''} onClick={() => void withFiles('Download weights', async () => download({ name: `${tag}-weights.zip`, mime: 'application/zip', bytes: zipOf(await client.exportWeights('download')) }))}>
          Download weights
        </button>
        <button type="button" disabled={!active || busy !== ''} onClick={() => void withFiles('Download checkpoint', async () => download({ name: `${tag}-checkpoint.zip`, mime: 'application/zip', bytes: zipOf(await client.exportCheckpoint()) }))}>
          Download checkpoint
        </button>
      </div>
      <p data-testid="train-status" data-phase={t.phase} role="status">
        {busy ? `${busy}…` : t.message}
      </p>
      {t.error ? (
        <p data-testid="train-error" role="alert" style={{ background: '#fde2e2', padding: 8, whiteSpace: 'pre-wrap' }}>
          {t.error}
        </p>
      ) : null}
      <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr auto 1fr', gap: '2px 12px', fontSize: 13 }}>
        <dt>Step</dt>
        <dd data-testid="train-step">{t.step}</dd>
        <dt>kimg</dt>
        <dd data-testid="train-kimg">{(t.imagesSeen / 1000).toFixed(3)}{spec ? ` / ${spec.targetKimg}` : ''}</dd>
        <dt>Images/s</dt>
        <dd data-testid="train-rate">{rate ? rate.toFixed(2) : '—'}</dd>
        <dt>Elapsed</dt>
        <dd data-testid="train-elapsed">{formatDuration(t.elapsed)}</dd>
        <dt>ETA</dt>
        <dd data-testid="train-eta">{spec ? formatDuration(etaSeconds(t.imagesSeen, spec.targetKimg, rate)) : '—'}</dd>
        <dt>Last step</dt>
        <dd>{last ? `${last.seconds.toFixed(1)} s (D ${last.dLoss.toFixed(3)}, G ${last.gLoss.toFixed(3)})` : '—'}</dd>
        <dt>Checkpoint</dt>
        <dd data-testid="train-checkpoint">{t.lastSaved ? `step ${t.lastSaved.step}, ${new Date(t.lastSaved.savedAt).toLocaleTimeString()}` : '—'}</dd>
      </dl>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <LossChart title="Losses" curves={LOSSES} history={t.history} testId="loss-chart" />
        <LossChart title="D scores" curves={SCORES} history={t.history} testId="score-chart" />
      </div>
      <SamplesCanvas grid={t.samples} />
    </section>
  );
}

/** The preview grid of G_ema samples. */
function SamplesCanvas({ grid }: { grid: SampleGrid | null }) {
  return (
    <figure style={{ margin: '8px 0' }}>
      <GridCanvas image={grid} label="G_ema samples" testId="train-samples" step={grid?.step} />
      <figcaption style={{ fontSize: 12, color: '#555' }}>
        {grid ? `G_ema at step ${grid.step}: ${grid.rows} fixed latents × ${grid.cols} fixed dataset cameras` : 'G_ema samples appear after the first step.'}
      </figcaption>
    </figure>
  );
}
