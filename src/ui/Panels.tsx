import { useState } from 'react';
import { useViewer, type ViewMode } from './store';

const row: React.CSSProperties = { display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap', margin: '6px 0' };
const SEED_MAX = 0xffffffff;
const parseSeed = (t: string) => {
  const v = Number(t);
  return t.trim() !== '' && Number.isInteger(v) && v >= 0 && v <= SEED_MAX ? v : null;
};

function SeedInput({ label, value, onChange }: { label: string; value: number; onChange: (v: number) => void }) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(String(value));
  }
  const bad = parseSeed(text) === null;
  return (
    <label>
      {label}{' '}
      <input
        aria-label={label}
        aria-invalid={bad}
        value={text}
        size={10}
        inputMode="numeric"
        style={bad ? { outline: '2px solid #c00' } : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const v = parseSeed(e.target.value);
          if (v !== null) onChange(v);
        }}
      />
    </label>
  );
}

/** Seed A / seed B with interpolation, truncation ψ and the class of conditional models. */
export function LatentPanel() {
  const s = useViewer();
  return (
    <fieldset>
      <legend>Latent</legend>
      <div style={row}>
        <SeedInput label="Seed" value={s.seed} onChange={(seed) => s.set({ seed })} />
        <button type="button" onClick={() => s.set({ seed: Math.floor(Math.random() * SEED_MAX) })}>
          Random seed
        </button>
        <SeedInput label="Seed B" value={s.seedB} onChange={(seedB) => s.set({ seedB })} />
      </div>
      <div style={row}>
        <label>
          Interpolation{' '}
          <input type="range" aria-label="Interpolation" min={0} max={1} step={0.01} value={s.interp} onChange={(e) => s.set({ interp: Number(e.target.value) })} />
        </label>
        <label>
          Truncation{' '}
          <input type="range" aria-label="Truncation" min={0} max={1.5} step={0.01} value={s.psi} onChange={(e) => s.set({ psi: Number(e.target.value) })} />
        </label>
        <span>ψ = {s.psi.toFixed(2)}</span>
        {s.classes > 0 ? (
          <label>
            Class{' '}
            <select aria-label="Class" value={s.label} onChange={(e) => s.set({ label: Number(e.target.value) })}>
              {Array.from({ length: s.classes }, (_, i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
    </fieldset>
  );
}

const MODES: [ViewMode, string][] = [
  ['rgb', 'RGB'],
  ['depth', 'Depth'],
  ['opacity', 'Opacity'],
  ['foreground', 'Foreground only'],
  ['background', 'Background only'],
];

/** Resolution, samples per ray, background and display mode, with the frame readout. */
export function RenderPanel({ frames }: { frames: number }) {
  const s = useViewer();
  const bump = (patch: Partial<typeof s>) => s.set({ ...patch, revision: s.revision + 1 });
  return (
    <fieldset>
      <legend>Render</legend>
      <div style={row}>
        <label>
          Resolution{' '}
          <select aria-label="Resolution" value={s.resolution} onChange={(e) => bump({ resolution: Number(e.target.value) })}>
            {[32, 64, 128, 256, 512].map((r) => (
              <option key={r} value={r}>
                {r}²
              </option>
            ))}
          </select>
        </label>
        <label>
          Samples per ray{' '}
          <select aria-label="Samples per ray" value={s.samples} onChange={(e) => bump({ samples: Number(e.target.value) })}>
            {[0.5, 1, 2].map((m) => (
              <option key={m} value={m}>
                ×{m}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" aria-label="Background" checked={s.background} onChange={(e) => bump({ background: e.target.checked })} /> Background
        </label>
        <label>
          Display mode{' '}
          <select aria-label="Display mode" value={s.mode} onChange={(e) => bump({ mode: e.target.value as ViewMode })}>
            {MODES.map(([v, name]) => (
              <option key={v} value={v}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p data-testid="timing" style={{ fontSize: 13, color: '#444', margin: 0 }}>
        {s.status === 'ready'
          ? `${s.fps.toFixed(1)} FPS; WGSL frame ${s.renderMs.toFixed(0)} ms, ${s.evalsPerPixel.toFixed(1)} decoder evaluations per pixel; refined ${s.refined}/${frames}; synthesis ${s.synthMs.toFixed(0)} ms`
          : '—'}
      </p>
    </fieldset>
  );
}
