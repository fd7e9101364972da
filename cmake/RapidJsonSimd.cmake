# LLMGW_RAPIDJSON_SIMD: the definition that turns on rapidjson's SIMD paths (whitespace skipping,
# copying unescaped string runs — about half the cost of a scan) for this processor: SSE2 is in
# every x86-64, NEON in every AArch64. Empty elsewhere.
set(LLMGW_RAPIDJSON_SIMD "")
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(LLMGW_RAPIDJSON_SIMD RAPIDJSON_SSE2)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(LLMGW_RAPIDJSON_SIMD RAPIDJSON_NEON)
endif()
