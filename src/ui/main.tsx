import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { zFromSeed } from '../model/prng';

// Test hook: end-to-end tests compare the browser's seed → z with Node's.
(window as unknown as { __epigraf: object }).__epigraf = { zFromSeed: (seed: number, dim: number) => Array.from(zFromSeed(seed, dim)) };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
