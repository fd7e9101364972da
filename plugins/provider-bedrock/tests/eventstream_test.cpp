// The event-stream framer: messages whole and cut anywhere, both CRCs, the length cap, malformed
// headers.
#include "harness.hpp"

#include "eventstream.hpp"

using namespace bedrock_test;
namespace es = llmgw::provider_bedrock::eventstream;

namespace {

struct Seen {
  std::vector<std::string> events, payloads;
  es::Error error = es::Error::kNone;
};

Seen run(const std::vector<std::string_view>& pieces, std::size_t cap = 1 << 20) {
  es::Framer f(cap);
  Seen s;
  for (std::string_view p : pieces) {
    s.error = f.feed(p, [&](const es::Message& m) {
      s.events.emplace_back(m.event_type);
      s.payloads.emplace_back(m.payload);
      return true;
    });
    if (s.error != es::Error::kNone) break;
  }
  return s;
}

}  // namespace

TEST_CASE("eventstream: messages cut every way give the same events") {
  const std::string bytes = event("messageStart", R"({"role":"assistant"})") +
                            event("contentBlockDelta", R"({"contentBlockIndex":0,"delta":{"text":"Hi"}})") +
                            frame({{":event-type", "x"}}, "");
  llmgw::testing::feed_all_ways(bytes, [&](const std::vector<std::string_view>& pieces, const std::string& how) {
    INFO(how);
    const Seen s = run(pieces);
    CHECK(s.error == es::Error::kNone);
    CHECK(s.events == std::vector<std::string>{"messageStart", "contentBlockDelta", "x"});
    CHECK(s.payloads[1] == R"({"contentBlockIndex":0,"delta":{"text":"Hi"}})");
    CHECK(s.payloads[2].empty());
  });
}

TEST_CASE("eventstream: all header value types are skipped correctly") {
  std::string h;
  const auto name = [&](const std::string& n, char type) { h.push_back(static_cast<char>(n.size())); h += n; h.push_back(type); };
  name("t", 0); name("f", 1); name("b", 2); h += "x"; name("s", 3); h += "xx"; name("i", 4); h += "xxxx";
  name("l", 5); h += std::string(8, 'x'); name("ts", 8); h += std::string(8, 'x'); name("u", 9); h += std::string(16, 'x');
  name("by", 6); h += std::string("\0\3abc", 5); name(":event-type", 7); h += std::string("\0\4done", 6);
  std::string m;
  put32(m, static_cast<uint32_t>(16 + h.size() + 2));
  put32(m, static_cast<uint32_t>(h.size()));
  put32(m, crc(m));
  m += h + "{}";
  put32(m, crc(m));
  const Seen s = run({m});
  CHECK(s.error == es::Error::kNone);
  CHECK(s.events == std::vector<std::string>{"done"});
  CHECK(s.payloads[0] == "{}");
}

TEST_CASE("eventstream: corrupt and hostile frames are refused, never buffered past the cap") {
  const std::string good = event("messageStart", R"({"role":"assistant"})");
  std::string bad_payload = good;
  bad_payload[good.size() - 6] ^= 0x20;  // a payload byte: the message CRC fails
  CHECK(run({good + bad_payload}).error == es::Error::kMessageCrc);
  CHECK(run({good + bad_payload}).events.size() == 1);
  std::string bad_prelude = good;
  bad_prelude[3] ^= 1;  // the length: the prelude CRC fails before any wait for that length
  CHECK(run({bad_prelude.substr(0, 12)}).error == es::Error::kPreludeCrc);
  // A valid prelude announcing 1 GiB: refused at once.
  std::string huge;
  put32(huge, 1u << 30);
  put32(huge, 0);
  put32(huge, crc(huge));
  CHECK(run({huge}).error == es::Error::kTooLarge);
  std::string tiny;
  put32(tiny, 8);
  put32(tiny, 0);
  put32(tiny, crc(tiny));
  CHECK(run({tiny}).error == es::Error::kTooShort);
  std::string past;
  put32(past, 20);
  put32(past, 10);
  put32(past, crc(past));
  CHECK(run({past}).error == es::Error::kHeadersPastEnd);
  std::string bad_header = frame({}, "");
  {
    std::string h = std::string("\3abc\x0b", 5);  // value type 11: unknown
    std::string m;
    put32(m, static_cast<uint32_t>(16 + h.size()));
    put32(m, static_cast<uint32_t>(h.size()));
    put32(m, crc(m));
    m += h;
    put32(m, crc(m));
    CHECK(run({m}).error == es::Error::kBadHeader);
  }
  // After an error the framer stays failed.
  es::Framer f(1 << 20);
  CHECK(f.feed(bad_prelude, [](const es::Message&) { return true; }) == es::Error::kPreludeCrc);
  CHECK(f.feed(good, [](const es::Message&) { return true; }) == es::Error::kPreludeCrc);
  // A message under the cap but larger than what arrived is held, not refused.
  es::Framer g(1 << 20);
  CHECK(g.feed(good.substr(0, 20), [](const es::Message&) { return true; }) == es::Error::kNone);
  CHECK(g.buffered() == 20);
}
