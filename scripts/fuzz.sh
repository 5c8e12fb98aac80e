#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang + ASan + UBSan) and runs each for a bounded time or
# number of executions, then prints one line per target: executions, exec/s, corpus, findings.
#
#   scripts/fuzz.sh [BUILD_DIR]                 every target, FUZZ_SECONDS each (default 60)
#   FUZZ_TARGETS="mrz qr" scripts/fuzz.sh       some targets
#   FUZZ_RUNS=1000000 scripts/fuzz.sh           stop each after that many executions instead
#                                               (FUZZ_SECONDS still bounds the time)
#
# Each target starts from its committed seeds (fuzz/corpus/<name>/) plus what earlier runs found
# (<build>/corpus/<name>/, not committed). A crash, hang (FUZZ_TIMEOUT s per input, default 20)
# or leak stops that target; its input is saved in <build>/artifacts/<name>/ and the script
# exits non-zero. Keep a fixed crash as fuzz/regressions/<name>/<file> so that
# fuzz_regression_test replays it in `make test`. Run it niced on a shared machine.
set -uo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
BUILD=${1:-build-asan}
PKGS=${EKYC_PKG_DIR:-$SRC/build/pkgs}
SECONDS_EACH=${FUZZ_SECONDS:-60}
RUNS=${FUZZ_RUNS:--1}
TIMEOUT=${FUZZ_TIMEOUT:-20}
JOBS=${JOBS:-$(nproc)}
ALL="http_request multipart json_body base64 image video mrz qr address vn_fields api_keys snapshot"
TARGETS=${FUZZ_TARGETS:-$ALL}

if [ ! -d "$PKGS" ]; then
  echo "fuzz: $PKGS is missing; run 'make fetch' (or set EKYC_PKG_DIR)" >&2
  exit 2
fi
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEKYC_PARSER_FUZZ=ON \
  -DEKYC_PKG_DIR="$PKGS" >/dev/null || exit 2
cmake --build "$BUILD" -j "$JOBS" --target $(for t in $TARGETS; do echo "${t}_fuzz"; done) || exit 2

# Leaks in the libraries' one-time initialisation (fontconfig, OpenCV, FFmpeg) are not ours.
export LSAN_OPTIONS="suppressions=$SRC/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
summary=()
for t in $TARGETS; do
  corpus="$BUILD/corpus/$t"
  artifacts="$BUILD/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
  log="$BUILD/fuzz-$t.log"
  start=$(date +%s)
  "$BUILD/fuzz/${t}_fuzz" "$corpus" "fuzz/corpus/$t" "${dict[@]}" \
    -max_total_time="$SECONDS_EACH" -runs="$RUNS" -timeout="$TIMEOUT" -rss_limit_mb=4096 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  found=$(ls "$artifacts" | wc -l)
  units=$(ls "$corpus" | wc -l)
  line=$(printf '%-13s rc=%-3s %5ss %12s execs %8s/s  corpus %5s  artifacts %s' "$t" "$rc" "$secs" \
    "${execs:-?}" "${rate:-?}" "$units" "$found")
  echo "$line"
  summary+=("$line")
  if [ "$rc" -ne 0 ]; then
    status=1
    grep -m3 -E 'ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error|SUMMARY' "$log" | sed 's/^/    /'
  fi
done
echo "---- fuzz summary (FUZZ_SECONDS=$SECONDS_EACH FUZZ_RUNS=$RUNS) ----"
printf '%s\n' "${summary[@]}"
exit $status
