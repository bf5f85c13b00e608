/**
 * The Figure 9 experiment (seed Appendix A) in the tab: point-sampled against area-filtered patches, two
 * miniature models trained side by side on the toy, their samples and corner metrics next to each other and
 * to the real images. The worker lives in fig9Client; this component renders the store and calls the client.
 */
import { useEffect, useState } from 'react';
import { startFig9, stopFig9 } from '../train/fig9Client';
import type { CornerMetrics } from '../train/figure9';
import type { PatchFilter } from '../train/patches';
import { useFig9, type Fig9ModelState } from './fig9Store';
import { GridCanvas } from './GridCanvas';

const row = { display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'flex-start', margin: '6px 0' } as const;
const TITLES: Record<PatchFilter, string> = { point: 'Point sampling (official, aliased)', area: 'Area filtering (anti-aliased)' };

const fmt = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits));

function Metrics({ m }: { m: CornerMetrics }) {
  return (
    <dl style={{ display: 'grid', gridTemplateColumns: 'auto auto', gap: '0 8px', fontSize: 13, margin: '4px 0' }}>
      <dt>Corner correlation</dt>
      <dd data-testid="correlation">{fmt(m.correlation)}</dd>
      <dt>Corner contrast</dt>
      <dd>{fmt(m.meanAbsContrast, 3)}</dd>
      <dt>Matching a real image</dt>
      <dd data-testid="match">{(100 * m.matchFraction).toFixed(1)} %</dd>
      <dt>Mostly white</dt>
      <dd>{(100 * m.whiteFraction).toFixed(1)} %</dd>
      <dt>Samples</dt>
      <dd>{m.samples}</dd>
    </dl>
  );
}

function ModelColumn({ filter, state }: { filter: PatchFilter; state: Fig9ModelState }) {
  const r = state.result;
  return (
    <section aria-label={`${filter} model`} data-testid={`fig9-${filter}`} data-step={state.step} data-result-step={r?.step ?? ''} style={{ minWidth: 260 }}>
      <h3 style={{ fontSize: 15, margin: '4px 0' }}>{TITLES[filter]}</h3>
      <p style={{ fontSize: 13, margin: 0 }}>
        Step {state.step} · {(state.imagesSeen / 1000).toFixed(2)} kimg
      </p>
      <GridCanvas image={r?.grid ?? null} label={`${filter} samples`} testId={`fig9-${filter}-samples`} scale={1} step={r?.step} />
      {r ? <Metrics m={r.metrics} /> : <p style={{ fontSize: 13 }}>Samples and metrics appear after the first evaluation.</p>}
    </section>
  );
}

export function Fig9Panel() {
  const f = useFig9();
  const [steps, setSteps] = useState(200);
  const [batch, setBatch] = useState(8);
  const [evalEvery, setEvalEvery] = useState(25);
  const [samples, setSamples] = useState(128);
  const [seed, setSeed] = useState(0);
  const busy = f.phase === 'running' || f.phase === 'stopping';

  useEffect(() => {
    // Test hook: the experiment as the panel sees it.
    Object.assign((window as unknown as { __epigraf: object }).__epigraf, {
      fig9: () => {
        const s = useFig9.getState();
        const model = (m: Fig9ModelState) => ({ step: m.step, imagesSeen: m.imagesSeen, resultStep: m.result?.step ?? null, metrics: m.result?.metrics ?? null, grid: m.result ? { width: m.result.grid.width, height: m.result.grid.height, rgba: Array.from(m.result.grid.rgba) } : null });
        return { phase: s.phase, error: s.error, real: s.real?.metrics ?? null, point: model(s.models.point), area: model(s.models.area) };
      },
    });
  }, []);

  const num = (label: string, value: number, set: (v: number) => void, min: number, step = 1) => (
    <label>
      {label} <input aria-label={label} type="number" min={min} step={step} value={value} onChange={(e) => set(Math.max(min, Number(e.target.value) | 0))} style={{ width: 64 }} />
    </label>
  );

  return (
    <section aria-label="Figure 9 experiment" style={{ borderTop: '1px solid #ccc', marginTop: 16, paddingTop: 8 }}>
      <h2 style={{ fontSize: 18 }}>Figure 9 experiment: aliased against anti-aliased patches</h2>
      <p style={{ fontSize: 13, maxWidth: 720 }}>
        Two miniature generators learn the toy of two white images whose four corners are all red or all blue, from patches at scales 1 and 1/4 only. Point
        sampling misses the corners at scale 1, so a model sees the colours only in small patches and may learn the corners one at a time; area filtering keeps
        them visible at scale 1. Both models start from the same weights and see the same number of images.
      </p>
      <fieldset disabled={busy} style={{ border: 'none', padding: 0 }}>
        <div style={row}>
          {num('Steps per model', steps, setSteps, 1)}
          {num('Experiment batch', batch, (v) => setBatch(Math.max(4, v - (v % 4))), 4, 4)}
          {num('Evaluate every (steps)', evalEvery, setEvalEvery, 1)}
          {num('Samples per evaluation', samples, setSamples, 1)}
          {num('Experiment seed', seed, setSeed, 0)}
        </div>
      </fieldset>
      <div style={row}>
        <button type="button" disabled={busy} onClick={() => startFig9({ stepsPerModel: steps, batch, seed, evalEvery, samples })}>
          Start experiment
        </button>
        <button type="button" disabled={f.phase !== 'running'} onClick={() => stopFig9()}>
          Stop experiment
        </button>
        <span role="status" aria-label="Experiment status">
          {f.message}
        </span>
      </div>
      {f.error ? (
        <p role="alert" style={{ color: '#a00' }}>
          {f.error}
        </p>
      ) : null}
      {f.real ? (
        <div style={row}>
          <section aria-label="real images" style={{ minWidth: 140 }}>
            <h3 style={{ fontSize: 15, margin: '4px 0' }}>Real images</h3>
            <GridCanvas image={f.real.grid} label="real images" testId="fig9-real" scale={1} />
            <Metrics m={f.real.metrics} />
          </section>
          <ModelColumn filter="point" state={f.models.point} />
          <ModelColumn filter="area" state={f.models.area} />
        </div>
      ) : null}
    </section>
  );
}
