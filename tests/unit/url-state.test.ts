import { describe, it, expect } from 'vitest';
import { formatUrlState, parseUrlState } from '../../src/ui/urlState';

describe('URL state', () => {
  it('round-trips model, seeds, interpolation, ψ and camera', () => {
    const s = { model: 'placeholder', seed: 42, seedB: 7, interp: 0.25, psi: 0.7, label: 2, q: [0, 0.6, 0, 0.8] as [number, number, number, number], fov: 30 };
    const back = parseUrlState(formatUrlState(s));
    expect(back.problems).toEqual([]);
    expect(back.state).toEqual(s);
  });

  it('names and ignores each bad parameter, keeping the good ones', () => {
    const { state, problems } = parseUrlState('?seed=-3&psi=abc&interp=2&q=1,2&model=../evil&seedB=5&fov=500');
    expect(state).toEqual({ seedB: 5 });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/seed="-3" ignored/);
    expect(problems.join('\n')).toMatch(/psi="abc" ignored/);
    expect(problems.join('\n')).toMatch(/interp="2" ignored/);
    expect(problems.join('\n')).toMatch(/q="1,2" ignored: must be a unit quaternion/);
    expect(problems.join('\n')).toMatch(/model="..\/evil" ignored/);
    expect(problems.join('\n')).toMatch(/fov="500" ignored/);
  });
});
