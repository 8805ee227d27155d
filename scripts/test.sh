#!/usr/bin/env bash
# Builds and runs every test. Extra arguments go to `swift test` (e.g. `scripts/test.sh --filter PcapIOTests`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test "$@"
