#!/usr/bin/env python3
"""Export an official EpiGRAF generator for "EpiGRAF in the browser".

Run it inside your official EpiGRAF environment (universome/epigraf: PyTorch, its `src/dnnlib` and
`src/legacy.py`), from the root of that repository, so that the snapshot's pickled code can be imported:

    cd /path/to/epigraf
    python /path/to/epigraf-web/tools/export_official.py /path/to/network-snapshot-005000.pkl plants-export

It loads `G_ema` from the snapshot and writes `plants-export.json` + `plants-export.bin`:
the JSON holds the resolved generator config (`G_ema.cfg`, with its dataset/camera/scene section), the
constructor arguments (z/w/c dims, channel base/max) and, for every tensor of `G_ema.state_dict()`, its shape
and byte offset into the .bin, which holds the raw little-endian float32 values (named `state/<official name>`,
equalised-learning-rate gains NOT baked in, exactly as stored). It is the same container as the project's
official-vectors, and needs no Python to read. Then, in the project:

    npm run import-official -- plants-export.json public/weights/plants

The writer (`write_export`) uses only the standard library; torch is needed only to load the pickle.
"""
import argparse
import json
import math
import os
import sys

EXPORTER = 'epigraf-official-export'
EXPORTER_VERSION = 1
STATE_PREFIX = 'state/'


def write_export(stem, state, meta):
    """Writes STEM.json + STEM.bin.

    state: {official name: (shape, data)} where data is the tensor's values as little-endian float32 bytes
    (C order, 4·prod(shape) bytes). meta: JSON-serialisable dict (the generator config). Standard library only.
    """
    entries = {}
    offset = 0
    with open(stem + '.bin', 'wb') as f:
        for name in sorted(state):
            shape, data = state[name]
            shape = [int(d) for d in shape]
            n = math.prod(shape)
            if len(data) != 4 * n:
                raise ValueError(f'{name}: {len(data)} bytes for shape {shape} (expected {4 * n})')
            f.write(data)
            entries[STATE_PREFIX + name] = {'shape': shape, 'offset': offset, 'length': n, 'dtype': 'float32'}
            offset += 4 * n
    header = {
        'exporter': EXPORTER,
        'exporterVersion': EXPORTER_VERSION,
        'format': 'float32 little-endian; offset in bytes into ' + os.path.basename(stem) + '.bin; state/* = G_ema.state_dict()',
        'meta': meta,
        'tensors': entries,
    }
    with open(stem + '.json', 'w') as f:
        json.dump(header, f, indent=1, allow_nan=False)


def to_plain(x):
    """Config objects (omegaconf DictConfig, dnnlib.EasyDict, tuples, tensors, numpy scalars) → JSON values."""
    try:
        from omegaconf import OmegaConf
        if OmegaConf.is_config(x):
            return OmegaConf.to_container(x, resolve=True)
    except ImportError:
        pass
    if isinstance(x, dict):
        return {str(k): to_plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [to_plain(v) for v in x]
    if hasattr(x, 'tolist'):  # torch tensors, numpy arrays and scalars
        return to_plain(x.tolist())
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    return str(x)


def generator_meta(G, source):
    """The resolved generator config, the way the official loaders read it (scripts/utils.py load_generator)."""
    cfg = to_plain(G.cfg)
    if 'bg_model' not in cfg:  # old snapshots: no background model (the official loader's default)
        cfg['bg_model'] = {'type': None, 'num_steps': 16}
    init = to_plain(getattr(G, 'init_kwargs', {}) or {})
    return {
        'source': os.path.basename(source),
        'generator_cfg_resolved': cfg,
        'G_constructor_kwargs': {
            'z_dim': int(G.z_dim),
            'w_dim': int(G.w_dim),
            'c_dim': int(G.c_dim),
            'img_resolution': int(G.img_resolution),
            'channel_base': int(init.get('channel_base', cfg.get('fmaps', 0.5) * 32768)),
            'channel_max': int(init.get('channel_max', cfg.get('channel_max', 512))),
        },
        'mapping_kwargs': {'num_layers': int(getattr(G.mapping, 'num_layers', None)
                                             or (init.get('mapping_kwargs') or {}).get('num_layers')
                                             or cfg.get('map_depth', 2))},
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('snapshot', help='network-snapshot-*.pkl of the official training code')
    ap.add_argument('out', help='output stem: writes OUT.json and OUT.bin (a trailing .json is dropped)')
    args = ap.parse_args(argv)
    out = args.out[:-5] if args.out.endswith('.json') else args.out

    import torch  # only needed here
    sys.path.insert(0, os.getcwd())  # the official repo root: the pickle imports src.* / dnnlib / torch_utils
    from src import dnnlib, legacy

    with dnnlib.util.open_url(args.snapshot) as f:
        G = legacy.load_network_pkl(f)['G_ema']
    state = {}
    for name, t in G.state_dict().items():
        a = t.detach().cpu().to(torch.float32).contiguous().numpy().astype('<f4', copy=False)
        state[name] = (a.shape, a.tobytes())
    write_export(out, state, generator_meta(G, args.snapshot))
    print(f'wrote {out}.json and {out}.bin: {len(state)} tensors, '
          f'{sum(4 * math.prod(s) for s, _ in state.values()) / 1e6:.1f} MB')


if __name__ == '__main__':
    main()
