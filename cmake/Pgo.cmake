# Profile-guided optimisation of the gateway and its first-party plugins (GCC).
#
#   LLMGW_PGO=OFF        (default) an ordinary build
#   LLMGW_PGO=GENERATE   instrumented: every process writes its counts (.gcda) into LLMGW_PGO_DIR
#                        when it exits (the gateway does on SIGTERM)
#   LLMGW_PGO=USE        optimised with those counts: hot paths laid out and inlined as the
#                        training saw them; code the training never ran is optimised as usual
#                        (-fprofile-partial-training), so error paths are not slowed
#
# scripts/build-pgo.sh runs the three steps (GENERATE, tests/bench/pgo-train.sh, USE) in one build
# directory: the counts are named after each object's path, so the USE build must be the same
# tree. Only core/ and plugins/ take the flags (llmgw_pgo_apply / llmgw_pgo_reset around their
# add_subdirectory): the benchmark tools and tests are built as usual, so a benchmark compares
# gateways, not load generators. Measured 2026-12-07 (callgrind, tests/bench/profile.sh): 7.7 %
# fewer instructions per proxied JSON request, 8.7 % per SSE request (docs/ARCHITECTURE.md).
set(LLMGW_PGO OFF CACHE STRING "Profile-guided optimisation: OFF, GENERATE or USE (scripts/build-pgo.sh)")
set_property(CACHE LLMGW_PGO PROPERTY STRINGS OFF GENERATE USE)
set(LLMGW_PGO_DIR "${CMAKE_BINARY_DIR}/pgo-profile" CACHE PATH "Where GENERATE writes and USE reads the counts")

if(NOT LLMGW_PGO STREQUAL "OFF")
  if(NOT LLMGW_PGO MATCHES "^(GENERATE|USE)$")
    message(FATAL_ERROR "LLMGW_PGO must be OFF, GENERATE or USE (got '${LLMGW_PGO}')")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "LLMGW_PGO is written for GCC's -fprofile-* flags (compiler: ${CMAKE_CXX_COMPILER_ID})")
  endif()
  if(LLMGW_SANITIZE OR LLMGW_FUZZ)
    message(FATAL_ERROR "LLMGW_PGO is for release builds: not with LLMGW_SANITIZE or LLMGW_FUZZ")
  endif()
endif()

# The flags of the current directory (and the subdirectories added after): call before
# add_subdirectory(core) and (plugins); llmgw_pgo_reset() after them drops the compile flags.
macro(llmgw_pgo_apply)
  get_directory_property(_llmgw_pgo_saved_compile COMPILE_OPTIONS)
  if(LLMGW_PGO STREQUAL "GENERATE")
    # atomic: the loops and the writer threads count into the same counters.
    add_compile_options(-fprofile-generate -fprofile-update=atomic "-fprofile-dir=${LLMGW_PGO_DIR}")
    add_link_options(-fprofile-generate)
  elseif(LLMGW_PGO STREQUAL "USE")
    # A source edited since the training warns (coverage-mismatch) instead of failing the build;
    # scripts/build-pgo.sh trains again whenever the sources changed.
    add_compile_options(-fprofile-use -fprofile-partial-training "-fprofile-dir=${LLMGW_PGO_DIR}"
                        -Wno-missing-profile -Wno-error=coverage-mismatch)
  endif()
endmacro()

# (The link flag stays: a benchmark tool built from a plugin's objects links their counters.)
macro(llmgw_pgo_reset)
  set_directory_properties(PROPERTIES COMPILE_OPTIONS "${_llmgw_pgo_saved_compile}")
endmacro()
