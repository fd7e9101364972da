# Sanitizer and fuzzing builds (a second build directory; scripts/sanitize.sh and scripts/fuzz.sh).
#
#   -DLLMGW_SANITIZE=ON  everything (core, plugins, samples, tests) with ASan + UBSan; a UBSan
#                        finding aborts (-fno-sanitize-recover) so a test cannot pass over it.
#   -DLLMGW_FUZZ=ON      (clang only) also instruments everything for libFuzzer's coverage
#                        (-fsanitize=fuzzer-no-link) and builds the targets in tests/fuzz, each
#                        linked with -fsanitize=fuzzer. One build serves the sanitized tests and
#                        the fuzzers: outside a fuzzer the coverage hooks are the sanitizer
#                        runtime's no-op defaults.
#
# The flags go into CMAKE_<LANG>_FLAGS, not add_compile_options(), so that what is built outside
# this CMake project with those flags passed on (samples/provider-echo, built against the
# installed SDK) is instrumented the same way. Plugins are dlopen()ed MODULE libraries: they are
# compiled with the same flags and, like every shared object under clang's ASan, take the runtime
# from the executable (which exports it), so they are linked without -Wl,--no-undefined
# (cmake/LlmgwPlugin.cmake).
option(LLMGW_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
option(LLMGW_FUZZ "Build the libFuzzer targets in tests/fuzz (clang; implies LLMGW_SANITIZE)" OFF)

if(LLMGW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LLMGW_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  set(LLMGW_SANITIZE ON CACHE BOOL "" FORCE)
endif()

if(LLMGW_SANITIZE)
  set(_llmgw_san "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only")
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")  # third-party findings we cannot fix: see the file
    string(APPEND _llmgw_san " -fsanitize-ignorelist=${CMAKE_CURRENT_LIST_DIR}/sanitizer-ignorelist.txt")
  endif()
  if(LLMGW_FUZZ)
    # Without UBSan's "function" check: clang 14 with it and coverage instrumentation together
    # fails on C++20 coroutines ("Cannot represent a difference across sections": the check's
    # prologue data and a split coroutine end up in different sections). The other UB checks stay.
    string(APPEND _llmgw_san " -fsanitize=fuzzer-no-link -fno-sanitize=function")
  endif()
  foreach(lang C CXX)
    string(APPEND CMAKE_${lang}_FLAGS " ${_llmgw_san}")
  endforeach()
  foreach(kind EXE SHARED MODULE)
    string(APPEND CMAKE_${kind}_LINKER_FLAGS " -fsanitize=address,undefined")
  endforeach()
endif()

# llmgw_runner_options(<source>): a Catch2 runner (tests/catch_main.cpp, the Redis tests' runner)
# holds no code of ours, only Catch2's session and reporters from its single header: it is
# compiled without optimisation (Catch2 2's header at -O3 costs 50-80 s a file on two cores) and,
# in the sanitizer build, without instrumentation. Call from the directory that declares the
# target compiling <source>.
function(llmgw_runner_options source)
  if(LLMGW_SANITIZE)
    set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS "-O0;-fno-sanitize=all")
  else()
    set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS "-O0")
  endif()
endfunction()
