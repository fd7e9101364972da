# LLMGW_RAPIDJSON_SIMD: the definition that turns on rapidjson's SIMD paths (whitespace skipping,
# copying unescaped string runs — about half the cost of a scan) for this processor: SSE2 is in
# every x86-64, NEON in every AArch64. Empty elsewhere.
set(LLMGW_RAPIDJSON_SIMD "")
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(LLMGW_RAPIDJSON_SIMD RAPIDJSON_SSE2)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(LLMGW_RAPIDJSON_SIMD RAPIDJSON_NEON)
endif()

# Not under AddressSanitizer: the SIMD paths read whole aligned 16-byte blocks, so the block
# holding a string's terminating NUL is read past the NUL. Such a load never leaves the
# allocation's last 16-byte granule (or the page), so it is harmless, but ASan reports it on
# every scan. The sanitizer build checks the scalar paths, which parse the same JSON.
if(LLMGW_SANITIZE)
  set(LLMGW_RAPIDJSON_SIMD "")
endif()

# LLMGW_RAPIDJSON_INCLUDE_DIRS: where the build takes rapidjson's headers from. rapidjson 1.1.0's
# SSE2/SSE4.2 string scans (reader.h: ScanCopyUnescapedString, SkipUnescapedString) test a byte
# for "< 0x20" as max(s, 0x19) == 0x19, which is s <= 0x19: a raw 0x1A-0x1F inside a string, past
# its first aligned 16 bytes, went through, so the Release build accepted JSON that RFC 8259
# forbids (control characters must be escaped) and the scalar build (sanitizers) refused. Fixed
# upstream (0x1F); Debian's 1.1.0 still has it. With those SIMD paths on, the build uses a copy of
# the system headers made here with that constant corrected (three arrays in reader.h; the copy
# is rewritten only when its content would change). A rapidjson without the bug is used as is.
set(LLMGW_RAPIDJSON_INCLUDE_DIRS ${RAPIDJSON_INCLUDE_DIRS})
if(LLMGW_RAPIDJSON_SIMD STREQUAL "RAPIDJSON_SSE2" AND NOT LLMGW_RAPIDJSON_FIXED_DIR)
  set(_llmgw_rj_dir "")
  foreach(_d IN LISTS RAPIDJSON_INCLUDE_DIRS)
    if(NOT _llmgw_rj_dir AND EXISTS "${_d}/rapidjson/reader.h")
      set(_llmgw_rj_dir "${_d}")
    endif()
  endforeach()
  if(NOT _llmgw_rj_dir)
    message(FATAL_ERROR "rapidjson/reader.h not found under RAPIDJSON_INCLUDE_DIRS (${RAPIDJSON_INCLUDE_DIRS})")
  endif()
  file(READ "${_llmgw_rj_dir}/rapidjson/reader.h" _llmgw_rj_reader)
  set(_llmgw_rj_bad "static const char space\\[16\\] *= *{ *0x19(, *0x19)* *}")
  string(REGEX MATCHALL "${_llmgw_rj_bad}" _llmgw_rj_hits "${_llmgw_rj_reader}")
  list(LENGTH _llmgw_rj_hits _llmgw_rj_count)
  if(_llmgw_rj_count GREATER 0)
    if(NOT _llmgw_rj_count EQUAL 3)
      message(FATAL_ERROR "rapidjson/reader.h: expected the 3 string-scan constants of rapidjson 1.1.0, found ${_llmgw_rj_count}: check cmake/RapidJsonSimd.cmake against this rapidjson")
    endif()
    set(_llmgw_rj_out "${CMAKE_BINARY_DIR}/rapidjson-fixed")
    file(COPY "${_llmgw_rj_dir}/rapidjson" DESTINATION "${_llmgw_rj_out}" PATTERN "reader.h" EXCLUDE)
    string(REGEX REPLACE "${_llmgw_rj_bad}"
           "static const char space[16] = { 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F, 0x1F }"
           _llmgw_rj_fixed "${_llmgw_rj_reader}")
    string(REPLACE "max(s, 0x19) == 0x19" "max(s, 0x1F) == 0x1F (llmgw: was 0x19, which let 0x1A-0x1F through)"
           _llmgw_rj_fixed "${_llmgw_rj_fixed}")
    file(WRITE "${_llmgw_rj_out}/reader.h.new" "${_llmgw_rj_fixed}")
    configure_file("${_llmgw_rj_out}/reader.h.new" "${_llmgw_rj_out}/rapidjson/reader.h" COPYONLY)
    set(LLMGW_RAPIDJSON_FIXED_DIR "${_llmgw_rj_out}")
  endif()
endif()
if(LLMGW_RAPIDJSON_FIXED_DIR)
  set(LLMGW_RAPIDJSON_INCLUDE_DIRS ${LLMGW_RAPIDJSON_FIXED_DIR})
endif()
