# Sourced by scripts/sanitize.sh and scripts/fuzz.sh: how the ASan + UBSan build reports.
#   ASan: stop at the first error with a symbolized stack (llvm-symbolizer, Debian's llvm).
#   UBSan: a stack with each report; the build already makes every finding fatal
#          (-fno-sanitize-recover=undefined).
# A caller's own ASAN_OPTIONS / UBSAN_OPTIONS come after ours, so they win.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:symbolize=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:symbolize=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer >/dev/null 2>&1; then
  export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)
fi

# llmgw_sanitize_configure: configures $SAN_BUILD_DIR (default build-sanitize) with clang,
# ASan + UBSan and libFuzzer coverage, when it is not configured that way yet.
SAN_BUILD_DIR=${SAN_BUILD_DIR:-build-sanitize}
llmgw_sanitize_configure() {
  if grep -q '^LLMGW_FUZZ:BOOL=ON' "$SAN_BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    cmake "$SAN_BUILD_DIR" >/dev/null  # picks up new files; the options stay
    return
  fi
  cmake -S . -B "$SAN_BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DLLMGW_SANITIZE=ON -DLLMGW_FUZZ=ON \
    -DLLMGW_BUILD_BENCH=OFF -DLLMGW_BUILD_E2E=OFF -DLLMGW_BUILD_CLAUDE_CODE_TESTS=OFF >/dev/null
}
