#!/usr/bin/env bash
# `npm test`: installs what the tiers need when missing, then runs every tier. A tier that cannot run fails
# (never skips). Tiers: typecheck, unit (Node, tfjs wasm/cpu), webgpu (Node + Dawn + Mesa lavapipe),
# e2e (Debian Chromium, SwiftShader WebGPU, playwright-core).
set -uo pipefail
cd "$(dirname "$0")/.."

bash tests/setup-system.sh || { echo "FAILED: system packages could not be installed" >&2; exit 1; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[npm test] installing node modules (npm ci)"
  npm ci --no-audit --no-fund || { echo "FAILED: npm ci" >&2; exit 1; }
fi

mkdir -p test-results
rm -f test-results/*.json
status=0

echo "== typecheck =="
npx tsc --noEmit -p tsconfig.json || status=1

for tier in unit webgpu e2e; do
  echo "== $tier =="
  npx vitest run --project "$tier" --reporter=default --reporter=json --outputFile="test-results/$tier.json" || status=1
done

node tests/summary.mjs test-results unit webgpu e2e || status=1
exit $status
