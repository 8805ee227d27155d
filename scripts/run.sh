#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks (once; instant afterwards), builds tcpsim and runs it with the
# given arguments: `scripts/run.sh demo --loss 5`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --product tcpsim >&2
exec .build/debug/tcpsim "$@"
