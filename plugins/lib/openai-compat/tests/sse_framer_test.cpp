#include <openai_compat/sse_framer.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using llmgw::openai_compat::SseFramer;

namespace {

struct Collect {
  std::vector<std::string> events;
  bool operator()(std::string_view d) {
    events.emplace_back(d);
    return true;
  }
};

std::vector<std::string> frame_pieces(const std::vector<std::string>& pieces, bool finish = false,
                                      std::size_t cap = SseFramer::kDefaultMaxEventBytes) {
  SseFramer f(cap);
  Collect c;
  for (const auto& p : pieces) f.feed(p, c);
  if (finish) f.finish(c);
  return c.events;
}

std::vector<std::string> frame(std::string_view s, bool finish = false) {
  return frame_pieces({std::string(s)}, finish);
}

}  // namespace

TEST_CASE("sse framer: events, separators, comments, fields", "[sse]") {
  CHECK(frame("data: a\n\ndata: b\n\n") == std::vector<std::string>{"a", "b"});
  CHECK(frame("data: a\r\n\r\ndata: b\r\n\r\n") == std::vector<std::string>{"a", "b"});
  CHECK(frame("data:a\n\n") == std::vector<std::string>{"a"});               // no space after colon
  CHECK(frame("data:  a\n\n") == std::vector<std::string>{" a"});            // only one space removed
  CHECK(frame("data: a\ndata: b\n\n") == std::vector<std::string>{"a\nb"});  // multi-line data
  CHECK(frame(": comment\n\ndata: x\n\n") == std::vector<std::string>{"x"});
  CHECK(frame("event: ping\nid: 3\nretry: 10\n\n").empty());                 // no data: not an event
  CHECK(frame("event: e\ndata: x\nid: 1\n\n") == std::vector<std::string>{"x"});
  CHECK(frame("data\n\n") == std::vector<std::string>{""});                  // field without colon
  CHECK(frame("datax: y\n\ndata: z\n\n") == std::vector<std::string>{"z"});  // other field names
  CHECK(frame("data: a\n\n\n\ndata: b\n\n") == std::vector<std::string>{"a", "b"});
  CHECK(frame("data: a\r\n\ndata: b\n\r\n") == std::vector<std::string>{"a", "b"});  // mixed endings
}

TEST_CASE("sse framer: an unterminated event is only handed out by finish()", "[sse]") {
  CHECK(frame("data: a\n\ndata: b").size() == 1);
  CHECK(frame("data: a\n\ndata: b", true) == std::vector<std::string>{"a", "b"});
  CHECK(frame("data: a\n\ndata: b\n", true) == std::vector<std::string>{"a", "b"});
  CHECK(frame("data: [DONE]", true) == std::vector<std::string>{"[DONE]"});
  CHECK(frame("data: a\n\n: only a comment", true) == std::vector<std::string>{"a"});
}

TEST_CASE("sse framer: cut at every offset gives the same events", "[sse]") {
  const std::string s =
      ": hi\r\n\r\ndata: {\"a\":1}\r\n\r\nevent: x\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n";
  const auto whole = frame(s);
  REQUIRE(whole == std::vector<std::string>{"{\"a\":1}", "line1\nline2", "[DONE]"});
  for (std::size_t i = 0; i <= s.size(); ++i) {
    for (std::size_t j = i; j <= s.size(); j += 7) {
      INFO("cuts at " << i << ", " << j);
      CHECK(frame_pieces({s.substr(0, i), s.substr(i, j - i), s.substr(j)}) == whole);
    }
  }
  std::vector<std::string> bytes;
  for (char c : s) bytes.emplace_back(1, c);
  CHECK(frame_pieces(bytes) == whole);
}

TEST_CASE("sse framer: complete events are views; only the incomplete one is buffered", "[sse]") {
  SseFramer f;
  Collect c;
  const std::string input = "data: one\n\ndata: two\n\ndata: thr";
  f.feed(input, c);
  CHECK(c.events == std::vector<std::string>{"one", "two"});
  CHECK(f.buffered_bytes() == std::string("data: thr").size());  // the incomplete line
  f.feed("ee\n", c);
  CHECK(f.buffered_bytes() == std::string("three").size());
  f.feed("\n", c);
  CHECK(c.events.back() == "three");
  CHECK(f.buffered_bytes() == 0);
}

TEST_CASE("sse framer: stop requested by the callback", "[sse]") {
  SseFramer f;
  int seen = 0;
  auto fn = [&](std::string_view) { return ++seen < 2; };
  CHECK_FALSE(f.feed("data: 1\n\ndata: 2\n\ndata: 3\n\n", fn));
  CHECK(seen == 2);
}

TEST_CASE("sse framer: an event past the cap is dropped and framing resumes", "[sse]") {
  const std::string big(100, 'x');
  // Whole in one input, in pieces, and across two data lines: dropped every way.
  CHECK(frame_pieces({"data: " + big + "\n\ndata: ok\n\n"}, false, 64) == std::vector<std::string>{"ok"});
  CHECK(frame_pieces({"data: " + big.substr(0, 50), big.substr(50) + "\n\ndata: ok\n\n"}, false, 64) ==
        std::vector<std::string>{"ok"});
  CHECK(frame_pieces({"data: " + big.substr(0, 40) + "\n", "data: " + big.substr(0, 40) + "\n\ndata: ok\n\n"}, false,
                     64) == std::vector<std::string>{"ok"});
  std::vector<std::string> bytes;
  for (char c : "data: " + big + "\n\ndata: ok\n\n") bytes.emplace_back(1, c);
  CHECK(frame_pieces(bytes, false, 64) == std::vector<std::string>{"ok"});
  // A long line of another field drops its event too, in one input or across feeds.
  CHECK(frame_pieces({"data: a\nid: " + big + "\n\ndata: ok\n\n"}, false, 64) == std::vector<std::string>{"ok"});
  CHECK(frame_pieces({"data: a\nid: " + big.substr(0, 50), big.substr(50) + "\n\ndata: ok\n\n"}, false, 64) ==
        std::vector<std::string>{"ok"});
  // Under the cap nothing is dropped.
  CHECK(frame_pieces({"data: " + big.substr(0, 30), big.substr(30, 20) + "\n\n"}, false, 64) ==
        std::vector<std::string>{big.substr(0, 50)});
}
