/**
 * Live training curves drawn by uPlot. The chart object is created once per mount and fed new data with
 * setData, which redraws only the canvas (cheap at one point per step).
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { StatsPoint } from '../train/worker/protocol';

export interface CurveDef {
  label: string;
  colour: string;
  value: (p: StatsPoint) => number | null;
}

export function LossChart({ title, curves, history, testId }: { title: string; curves: CurveDef[]; history: StatsPoint[]; testId: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const opts: uPlot.Options = {
      title,
      width: 360,
      height: 180,
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, {}],
      // Sparse curves (R1 is computed every 16 steps) draw as points joined across the steps without a value.
      series: [{ label: 'step' }, ...curves.map((c) => ({ label: c.label, stroke: c.colour, spanGaps: true, points: { show: true, size: 4 } }))],
    };
    plot.current = new uPlot(opts, [[], ...curves.map(() => [])], host.current!);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // The curves are fixed for a chart's life.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    plot.current?.setData([history.map((p) => p.step), ...curves.map((c) => history.map((p) => c.value(p)))]);
  }, [history, curves]);

  return <div ref={host} role="img" aria-label={title} data-testid={testId} data-points={history.length} />;
}
