#!/usr/bin/env bash
# Sanitizer builds of the test suite (docs/reliability.md), with clang:
#   scripts/test-sanitize.sh asan [MAIN_BUILD]   AddressSanitizer + UndefinedBehaviorSanitizer:
#       every unit and integration test (the servers the integration tests start are the
#       instrumented `ekyc` too), in build-asan/
#   scripts/test-sanitize.sh tsan [MAIN_BUILD]   ThreadSanitizer: the concurrency tests (worker
#       pool and admission control in api_server_test, abuse and rate limiters, the face store's
#       concurrent readers and writers, the durability test), in build-tsan/
# Models, registry packages and the console's playwright-core come from MAIN_BUILD (default
# build/, made by `make models browser-deps`). A finding fails its test: UBSan is built not to
# recover, ASan stops at the first error, TSan exits non-zero. Prints the wall time of the build
# and of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?asan or tsan}
MAIN=$(realpath "${2:-build}")
JOBS=${JOBS:-$(nproc)}
SRC=$(pwd)
# The ASan + UBSan tree is also the fuzzing tree (scripts/fuzz.sh): the libFuzzer coverage
# instrumentation costs the tests little, and one clang build of everything is saved.
case "$MODE" in
  asan) DIR=build-asan SAN="address,undefined" EXTRA=-DEKYC_PARSER_FUZZ=ON ;;
  tsan) DIR=build-tsan SAN="thread" EXTRA= ;;
  *) echo "usage: $0 asan|tsan [MAIN_BUILD]" >&2; exit 2 ;;
esac
[ -d "$MAIN/pkgs" ] || { echo "test-sanitize: $MAIN/pkgs missing: run 'make models' first" >&2; exit 2; }

t0=$(date +%s)
CC=clang CXX=clang++ cmake -S . -B "$DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEKYC_SANITIZE="$SAN" $EXTRA \
  -DEKYC_PKG_DIR="$MAIN/pkgs" -DEKYC_MODEL_DIR="$MAIN/models" \
  $(if [ -n "${EKYC_SHARED_DIR:-}" ]; then echo "-DEKYC_SHARED_DIR=$(realpath "$EKYC_SHARED_DIR")"; fi) >/dev/null
if [ "$MODE" = asan ]; then
  cmake --build "$DIR" -j "$JOBS"
  # The console's browser tests drive the instrumented server through the same playwright-core.
  if [ -d "$MAIN/console-test/node_modules" ] && [ ! -e "$DIR/console-test/node_modules" ]; then
    mkdir -p "$DIR/console-test"
    ln -s "$MAIN/console-test/node_modules" "$DIR/console-test/node_modules"
    cp "$MAIN/console-test/package.json" "$MAIN/console-test/package-lock.json" "$DIR/console-test/"
  fi
  TESTS=()
else
  TARGETS="api_unit_test api_server_test store_test store_durability_test store_durability_helper core_test"
  cmake --build "$DIR" -j "$JOBS" --target $TARGETS
  TESTS=(-R '^(AttemptLimiter|AttemptWindow|RateLimiterTest|TokenBucketTest|KeysTest|ServerTest|Store|FaceStoreTest|LogTest|RelayStderrAsJson)')
fi
t1=$(date +%s)

# Leaks in libraries' process-lifetime caches are not the project's (fuzz/lsan.supp says which).
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0:strict_init_order=1"
export LSAN_OPTIONS="suppressions=$SRC/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:suppressions=$SRC/scripts/tsan.supp"
status=0
(cd "$DIR" && ctest --output-on-failure -j "$JOBS" --timeout 2700 "${TESTS[@]}") || status=$?
t2=$(date +%s)
echo "test-sanitize $MODE: build $((t1 - t0)) s, tests $((t2 - t1)) s (wall, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
exit $status
