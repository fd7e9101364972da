// libFuzzer target: telemetry/response_facts (the answer's id, model and finish reasons, read off
// upstream bytes as they pass: whole bodies, raw SSE events of both dialects, canonical chunks).
// Input: [mode] then the bytes (mode % 4: 0 a whole answer, 1 an OpenAI event, 2 an Anthropic
// event, 3 a canonical chunk; the bytes are also cut into events at blank lines).
// Checks: no crash or overread (ASan), the walk ends, and what is kept stays in its bounds (an
// id or model of at most 256 bytes, at most 16 reasons of at most 64 bytes, each non-empty);
// reading the same bytes again keeps every reason, and (but for a run of OpenAI events, where
// the chunk pre-filter skips chunks once the id and model are known: real streams repeat one id)
// gives the same id and model.
#include "fuzz_util.hpp"

#include <string>

#include "telemetry/response_facts.hpp"

using llmgw::telemetry::ResponseFacts;

namespace {

void read(ResponseFacts& f, int mode, std::string_view bytes) {
  switch (mode) {
    case 0: f.read_answer(bytes); break;
    case 1: case 2: {
      const llmgw_dialect d = mode == 1 ? LLMGW_DIALECT_OPENAI_CHAT : LLMGW_DIALECT_ANTHROPIC_MESSAGES;
      for (std::size_t at; !bytes.empty(); bytes.remove_prefix(at)) {
        at = bytes.find("\n\n");
        at = at == std::string_view::npos ? bytes.size() : at + 2;
        f.read_event(bytes.substr(0, at), d);
      }
      break;
    }
    default: f.read_chunk(bytes); break;
  }
}

void check(const ResponseFacts& f) {
  FUZZ_REQUIRE(f.id.size() <= 256);
  FUZZ_REQUIRE(f.model.size() <= 256);
  FUZZ_REQUIRE(f.finish_reasons.size() <= 16);
  for (const std::string& r : f.finish_reasons) FUZZ_REQUIRE(!r.empty() && r.size() <= 64);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int mode = data[0] % 4;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  ResponseFacts f;
  read(f, mode, bytes);
  check(f);
  const ResponseFacts first = f;
  read(f, mode, bytes);
  check(f);
  // The same bytes again: every reason seen the first time is still there; the id and model
  // are read again to the same values (several OpenAI events may differ: see above).
  FUZZ_REQUIRE(f.finish_reasons.size() >= first.finish_reasons.size());
  if (mode != 1) {
    FUZZ_REQUIRE(f.id == first.id);
    FUZZ_REQUIRE(f.model == first.model);
  }
  return 0;
}
