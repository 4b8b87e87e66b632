#!/usr/bin/env bash
# Register the tslab (TypeScript) Jupyter kernel so notebooks/ can be executed headless:
#   jupyter nbconvert --to notebook --execute notebooks/<name>.ipynb
# Needs Debian's jupyter-nbconvert, jupyter-client and python3-ipykernel, and `npm ci` done first
# (tslab is a devDependency). The kernelspec points at this checkout's tslab by absolute path, so
# Jupyter finds it without node_modules/.bin on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
python="${PYTHON:-/usr/bin/python3}"
tslab_bin="$root/node_modules/.bin/tslab"

if [ ! -x "$tslab_bin" ]; then
  echo "setup-notebooks: $tslab_bin is missing; run npm ci first" >&2
  exit 1
fi
if ! "$python" -c "import jupyter_client, nbconvert" 2>/dev/null; then
  echo "setup-notebooks: $python lacks jupyter_client/nbconvert; install: apt-get install jupyter-nbconvert jupyter-client python3-ipykernel" >&2
  exit 1
fi

"$tslab_bin" install --python="$python" --binary="$tslab_bin"
"$python" -m jupyter kernelspec list
echo "setup-notebooks: tslab kernel registered; notebooks import ../dist, so run npm run build before executing them"
