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
