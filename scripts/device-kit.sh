#!/usr/bin/env bash
# Builds the kit that runs this project's GPU benchmarks on a machine with a GPU but no npm, no network and no
# Vulkan loader (the workplace's lent H100/H200 machines; see docs/bench/README.md):
#   .devbench/  Node 20 (xz), the `webgpu` package with dawn.node (xz), one bundle per script (bundle-script.mjs),
#               run.sh
#   .gl/        Debian's Vulkan loader and the GL dispatch libraries an NVIDIA ICD links to, unpacked
# Both are ignored by git (.git/info/exclude); carry them with the working tree.
#
# Usage: bash scripts/device-kit.sh [COMMIT …]
#   Each COMMIT also gets a bench-render@COMMIT.mjs, bundled from a temporary worktree, to time two versions of
#   the renderer in one device session. bench-render@storage-decoder.mjs is HEAD with the decoder weights bound as
#   read-only storage instead of a uniform buffer (MAX_UNIFORM_BYTES = 0 in src/render/mlpWgsl.ts), to compare
#   the two bindings on the same GPU.
# Then on the device, from the repository root:
#   bash .devbench/run.sh 'bench-render --presets tiny,small,official --size 64 --frames 5' 'check-agreement'
#   Each argument is one command: a bundle's name and its arguments. Their stdout goes to $OUT/all.jsonl, each
#   command's lines after a {"command": …} line (one file, so that a cut-off run still returns what it has);
#   stderr goes to the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
kit=.devbench
rm -rf "$kit" .gl
mkdir -p "$kit/node_modules/webgpu/dist/linux-x64" .gl

xz -T0 -6 -c "$(readlink -f "$(command -v node)")" > "$kit/node.xz"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$kit/node_modules/webgpu/"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$kit/dawn.node.xz"

for s in bench-render check-agreement bench-train; do
  node scripts/bundle-script.mjs "scripts/$s.ts" "$kit/$s.mjs"
done
# bundle_at NAME COMMIT [SED-EXPRESSION FILE]: bench-render@NAME.mjs from COMMIT, optionally with one edit.
bundle_at() {
  local wt
  wt=$(mktemp -d "$root/.devbench-wt.XXXX")
  git worktree add -q --detach "$wt" "$2"
  ln -s "$root/node_modules" "$wt/node_modules"
  if [ $# -eq 4 ]; then
    sed -i "$3" "$wt/$4"
    git -C "$wt" diff --quiet && { echo "device-kit: the edit '$3' changed nothing in $4" >&2; exit 1; }
  fi
  (cd "$wt" && node scripts/bundle-script.mjs scripts/bench-render.ts "$root/$kit/bench-render@$1.mjs")
  rm "$wt/node_modules"
  git worktree remove --force "$wt"
}
for c in "$@"; do
  bundle_at "$(git rev-parse --short "$c")" "$c"
done
bundle_at storage-decoder HEAD 's/^export const MAX_UNIFORM_BYTES = 65536;/export const MAX_UNIFORM_BYTES = 0;/' src/render/mlpWgsl.ts

(
  cd .gl
  apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libgles2 libopengl0 libx11-6 libxcb1 libxau6 \
    libxdmcp6 libbsd0 libmd0 libxext6 2>&1 | grep -v 'unsandboxed as root' || true
  for d in *.deb; do dpkg -x "$d" root; done
  rm -f ./*.deb
)

cat > "$kit/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs kit bundles on the device: bash .devbench/run.sh 'NAME ARGS…' … (built by scripts/device-kit.sh).
set -uo pipefail
kit=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$kit")
tmp=$(mktemp -d)
xz -dc "$kit/node.xz" > "$tmp/node" && chmod +x "$tmp/node"
dawn="$kit/node_modules/webgpu/dist/linux-x64/dawn.node"
[ -s "$dawn" ] || xz -dc "$kit/dawn.node.xz" > "$dawn"
export LD_LIBRARY_PATH="$root/.gl/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
out="${OUT:-$root}/all.jsonl"
status=0
for cmd in "$@"; do
  read -r -a words <<< "$cmd"
  name=${words[0]}
  printf '{"command": "%s", "start": "%s"}\n' "$cmd" "$(date -u +%FT%TZ)" >> "$out"
  (cd "$root" && "$tmp/node" "$kit/$name.mjs" "${words[@]:1}") >> "$out" || { echo "command failed: $cmd" >&2; status=1; }
done
exit $status
RUN
chmod +x "$kit/run.sh"
du -sh "$kit" .gl
