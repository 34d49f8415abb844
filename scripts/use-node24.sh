# Source this (bash): puts Node 24 LTS first on PATH, installing it from the npm registry's
# node-linux-<arch> package where the machine's Node is older, and points node-gyp at its
# headers so better-sqlite3 and keytar compile for the Node that runs them.
#   source scripts/use-node24.sh
SEATDESK_NODE_VERSION="${SEATDESK_NODE_VERSION:-24.21.0}"
SEATDESK_NODE_DIR="${SEATDESK_NODE_DIR:-/opt/seatdesk-node-$SEATDESK_NODE_VERSION}"

seatdesk_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(seatdesk_node_major)" -lt 24 ]; then
  if [ ! -x "$SEATDESK_NODE_DIR/bin/node" ]; then
    case "$(uname -m)" in
      x86_64) seatdesk_arch=x64 ;;
      aarch64 | arm64) seatdesk_arch=arm64 ;;
      *) echo "use-node24: no node-linux package for $(uname -m); install Node 24 LTS by hand" >&2; return 1 ;;
    esac
    echo "== Node $(node --version 2>/dev/null || echo none) is older than 24: installing node-linux-$seatdesk_arch@$SEATDESK_NODE_VERSION into $SEATDESK_NODE_DIR"
    seatdesk_tmp=$(mktemp -d)
    npm install --prefix "$seatdesk_tmp" --no-save --no-audit --no-fund --no-package-lock --ignore-scripts \
      "node-linux-$seatdesk_arch@$SEATDESK_NODE_VERSION" >/dev/null || { rm -rf "$seatdesk_tmp"; return 1; }
    mkdir -p "$SEATDESK_NODE_DIR"
    cp -R "$seatdesk_tmp/node_modules/node-linux-$seatdesk_arch/." "$SEATDESK_NODE_DIR/"
    rm -rf "$seatdesk_tmp"
  fi
  export PATH="$SEATDESK_NODE_DIR/bin:$PATH"
fi

# node-gyp builds against the headers of the Node on PATH (a global npmrc may name another).
seatdesk_node_home="$(dirname "$(dirname "$(command -v node)")")"
if [ -d "$seatdesk_node_home/include/node" ]; then export npm_config_nodedir="$seatdesk_node_home"; fi
echo "== Node $(node --version), npm $(npm --version), node-gyp headers: ${npm_config_nodedir:-the npm default}"
