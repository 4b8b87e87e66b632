#!/usr/bin/env bash
# Register the tslab (TypeScript) Jupyter kernel so notebooks/ can be executed headless:
#   jupyter nbconvert --to notebook --execute notebooks/<name>.ipynb
# Needs Debian's jupyter-nbconvert, jupyter-client and python3-ipykernel, and `npm ci` done first
# (tslab is a devDependency). The kernelspec points at this checkout's scripts/tslab-kernel.cjs by
# absolute path, so Jupyter finds it without node_modules/.bin on PATH: that script starts tslab and
# broadcasts each cell's execution count (tslab 1.0 does not), so executed notebooks carry them.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
python="${PYTHON:-/usr/bin/python3}"
tslab_bin="$root/node_modules/.bin/tslab"
kernel="$root/scripts/tslab-kernel.cjs"

if [ ! -x "$tslab_bin" ]; then
  echo "setup-notebooks: $tslab_bin is missing; run npm ci first" >&2
  exit 1
fi
if ! "$python" -c "import jupyter_client, nbconvert" 2>/dev/null; then
  echo "setup-notebooks: $python lacks jupyter_client/nbconvert; install: apt-get install jupyter-nbconvert jupyter-client python3-ipykernel" >&2
  exit 1
fi

chmod +x "$kernel"
"$tslab_bin" install --python="$python" --binary="$kernel"
"$python" -m jupyter kernelspec list
echo "setup-notebooks: tslab kernel registered; notebooks import ../dist, so run npm run build before executing them"
