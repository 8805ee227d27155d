#!/usr/bin/env bash
# Coverage-guided fuzzing of tcpsim's parsers and of the FreeRTOS model with libFuzzer (the Swift toolchain's
# -sanitize=fuzzer, with AddressSanitizer).
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options…]   fuzz one target (wire, pcap, script, config, stepper, storm)
#   scripts/fuzz.sh smoke [SECONDS]                        every target for SECONDS each (default 10): the CI run
#
# The instrumented build goes to .build-fuzz (kept between runs). New inputs collect in .build-fuzz/corpus/TARGET;
# the seeds are Fixtures/fuzz/TARGET (plus the scenarios, configs and captures of the repository). A crash is
# written to .build-fuzz/crashes/ and the script exits non-zero: keep the input in Fixtures/fuzz/TARGET as a
# regression case (`swift run tcpsim-fuzz TARGET Fixtures/fuzz/TARGET` replays the corpus without libFuzzer).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(wire pcap script config stepper storm)
usage() { echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options…] | scripts/fuzz.sh smoke [SECONDS]  (TARGET: ${targets[*]})" >&2; exit 2; }
[[ $# -ge 1 ]] || usage

# TCPSIM_FUZZ_NO_BUILD=1 uses the instrumented build as it is (a long campaign while the sources change).
if [[ -z "${TCPSIM_FUZZ_NO_BUILD:-}" ]]; then
    swift build -c release --scratch-path .build-fuzz --product tcpsim-fuzz \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >/dev/null
fi
binary=.build-fuzz/release/tcpsim-fuzz

seeds() {
    case "$1" in
        script) echo "Fixtures/fuzz/script Fixtures/scenarios" ;;
        config) echo "Fixtures/fuzz/config Fixtures/configs" ;;
        pcap) echo "Fixtures/fuzz/pcap pcaps" ;;
        *) echo "Fixtures/fuzz/$1" ;;
    esac
}

# fuzz TARGET SECONDS [options…]: runs libFuzzer, bounded by -max_total_time; prints its last status line.
# The storm runs a simulation per input whose app tasks stay suspended when it ends (as every run's do), so its
# memory grows with the number of inputs: it fuzzes in libFuzzer's fork mode, where short-lived children do the
# work and none lives long enough to run out of memory.
fuzz() {
    local target=$1 seconds=$2
    shift 2
    local mode=()
    [[ $target == storm ]] && mode=(-fork=1)
    local corpus=.build-fuzz/corpus/$target crashes=.build-fuzz/crashes/$target
    mkdir -p "$corpus" "$crashes"
    # shellcheck disable=SC2046
    TCPSIM_FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 "$binary" "$corpus" $(seeds "$target") \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -artifact_prefix="$crashes/" -print_final_stats=1 "${mode[@]}" "$@" 2>"$corpus.log" || {
        echo "fuzz $target: FAILED — see $corpus.log and $crashes/" >&2
        tail -n 30 "$corpus.log" >&2
        return 1
    }
    local runs coverage
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$corpus.log" | grep -o '[0-9]*$' || true)
    # Fork mode reports its progress as '#N: cov: …' lines instead.
    [[ -n $runs ]] || runs=$(grep -o '^#[0-9]*' "$corpus.log" | tail -n 1 | tr -d '#')
    coverage=$(grep -o 'cov: [0-9]*' "$corpus.log" | tail -n 1 | grep -o '[0-9]*' || echo 0)
    echo "fuzz $target: $runs executions in ${seconds}s, coverage $coverage edges, no crash"
}

case "$1" in
    smoke)
        seconds=${2:-10}
        for target in "${targets[@]}"; do fuzz "$target" "$seconds"; done
        ;;
    *)
        [[ $# -ge 2 ]] || usage
        [[ " ${targets[*]} " == *" $1 "* ]] || usage
        target=$1 seconds=$2
        shift 2
        fuzz "$target" "$seconds" "$@"
        ;;
esac
