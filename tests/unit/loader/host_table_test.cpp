// The llmgw_host functions the core gives plugins, called through the table as a plugin would.
#include <catch2/catch.hpp>

#include "loader/host_table.hpp"
#include "observe/counters.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <sstream>
#include <string>

using llmgw::loader::HostContext;
using llmgw::observe::Counters;
using llmgw::loader::make_host_table;

namespace {

llmgw_str str(const std::string& s) { return llmgw_str{s.data(), s.size()}; }

std::string hex(const uint8_t (&digest)[32]) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// Calls host->secret; returns {status, written text}.
std::pair<llmgw_status, std::string> secret(const llmgw_host* host, const std::string& ref) {
  std::string out;
  llmgw_writer w{&out, [](void* c, llmgw_str b) { static_cast<std::string*>(c)->append(b.ptr, b.len); }};
  const llmgw_status status = host->secret(host->ctx, str(ref), &w);
  return {status, out};
}

}  // namespace

TEST_CASE("the host table is complete and versioned") {
  Counters counters;
  HostContext ctx("provider-test", &counters);
  auto host = make_host_table(ctx);
  CHECK(host->struct_size == sizeof(llmgw_host));
  CHECK(host->abi_major == LLMGW_ABI_MAJOR);
  CHECK(host->abi_minor == LLMGW_ABI_MINOR);
  CHECK(host->ctx == &ctx);
  // Host functions are required: every slot up to struct_size is set.
  CHECK(host->log);
  CHECK(host->monotonic_ns);
  CHECK(host->secret);
  CHECK(host->sha256);
  CHECK(host->hmac_sha256);
  CHECK(host->counter_register);
  CHECK(host->counter_add);
}

TEST_CASE("secret: os.environ/NAME from the environment, literals as they are") {
  HostContext ctx("provider-test");
  auto host = make_host_table(ctx);
  ::setenv("LLMGW_TEST_SECRET", "sk-test-123", 1);
  ::unsetenv("LLMGW_TEST_UNSET");
  ::setenv("LLMGW_TEST_EMPTY", "", 1);
  CHECK(secret(host.get(), "os.environ/LLMGW_TEST_SECRET") == std::pair{llmgw_status{LLMGW_OK}, std::string("sk-test-123")});
  CHECK(secret(host.get(), "os.environ/LLMGW_TEST_UNSET") == std::pair{llmgw_status{LLMGW_NOT_FOUND}, std::string()});
  CHECK(secret(host.get(), "os.environ/LLMGW_TEST_EMPTY") == std::pair{llmgw_status{LLMGW_NOT_FOUND}, std::string()});
  CHECK(secret(host.get(), "os.environ/") == std::pair{llmgw_status{LLMGW_NOT_FOUND}, std::string()});
  CHECK(secret(host.get(), "sk-literal") == std::pair{llmgw_status{LLMGW_OK}, std::string("sk-literal")});
  CHECK(secret(host.get(), "") == std::pair{llmgw_status{LLMGW_OK}, std::string()});
}

TEST_CASE("sha256: FIPS 180-2 vectors") {
  HostContext ctx("provider-test");
  auto host = make_host_table(ctx);
  uint8_t out[32];
  host->sha256(host->ctx, llmgw_str{nullptr, 0}, out);
  CHECK(hex(out) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  host->sha256(host->ctx, str("abc"), out);
  CHECK(hex(out) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  host->sha256(host->ctx, str("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), out);
  CHECK(hex(out) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("hmac_sha256: RFC 4231 test cases 2 and 6") {
  HostContext ctx("provider-test");
  auto host = make_host_table(ctx);
  uint8_t out[32];
  host->hmac_sha256(host->ctx, str("Jefe"), str("what do ya want for nothing?"), out);
  CHECK(hex(out) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size is hashed first.
  const std::string key(131, '\xaa');
  host->hmac_sha256(host->ctx, str(key), str("Test Using Larger Than Block-Size Key - Hash Key First"), out);
  CHECK(hex(out) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("log goes to the spdlog logger named after the plugin") {
  std::ostringstream lines;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines);
  auto logger = std::make_shared<spdlog::logger>("provider-logtest", sink);
  logger->set_pattern("%n %l %v");
  logger->set_level(spdlog::level::debug);
  spdlog::register_logger(logger);
  HostContext ctx("provider-logtest");
  CHECK(ctx.logger == logger);
  auto host = make_host_table(ctx);
  const std::string text = "upstream said no";
  host->log(host->ctx, LLMGW_LOG_WARN, llmgw_str{text.data(), 8});  // not NUL-dependent
  host->log(host->ctx, LLMGW_LOG_TRACE, str(text));                  // below the level
  host->log(host->ctx, static_cast<llmgw_log_level>(99), str(text)); // clamped to error
  CHECK(lines.str() == "provider-logtest warning upstream\nprovider-logtest error upstream said no\n");
  spdlog::drop("provider-logtest");
}

TEST_CASE("monotonic_ns never goes back") {
  HostContext ctx("provider-test");
  auto host = make_host_table(ctx);
  const uint64_t a = host->monotonic_ns(host->ctx);
  const uint64_t b = host->monotonic_ns(host->ctx);
  CHECK(a > 0);
  CHECK(b >= a);
}

TEST_CASE("counters registered through the host table carry the plugin's name") {
  Counters counters;
  HostContext ctx("provider-test", &counters);
  auto host = make_host_table(ctx);
  const uint32_t h = host->counter_register(host->ctx, str("retries"), str("Retries asked for"));
  REQUIRE(h != 0);
  host->counter_add(host->ctx, h, 3);
  host->counter_add(host->ctx, 0, 5);      // failed registration: a no-op
  host->counter_add(host->ctx, 4000, 5);   // unknown handle: ignored
  CHECK(counters.value(h) == 3);
  CHECK(host->counter_register(host->ctx, str("bad name!"), str("")) == 0);
  int seen = 0;
  counters.for_each_counter([&](const llmgw::observe::CounterView& c) {
    ++seen;
    CHECK(c.plugin == "provider-test");
    CHECK(c.name == "retries");
    CHECK(c.help == "Retries asked for");
    CHECK(c.value == 3);
  });
  CHECK(seen == 1);
}

TEST_CASE("http_post (ABI 1.1): refusals and failures are one line, status 0, never a throw") {
  llmgw::loader::HostContext ctx("plugin-under-test");
  auto table = llmgw::loader::make_host_table(ctx);
  REQUIRE(LLMGW_HAS_MEMBER(table.get(), llmgw_host, http_post));
  auto post = [&](std::string url, std::vector<llmgw_header> headers, std::string& why) {
    int32_t status = -1;
    why.clear();
    llmgw_writer w{&why, [](void* c, llmgw_str s) { static_cast<std::string*>(c)->append(s.ptr, s.len); }};
    const llmgw_status rc = table->http_post(table->ctx, llmgw_str{url.data(), url.size()}, headers.data(),
                                             headers.size(), llmgw_str{"{}", 2}, 2000, &status, &w);
    CHECK(status == 0);
    return rc;
  };
  std::string why;
  CHECK(post("ftp://127.0.0.1:1/v1/traces", {}, why) == LLMGW_BAD_ARGUMENT);
  CHECK(why == "http_post: the URL must be absolute http:// or https://");
  CHECK(post("https://127.0.0.1:1/v1/traces", {}, why) == LLMGW_ERROR);  // https: a failure like http's
  CHECK(why.rfind("http_post: ", 0) == 0);
  CHECK(why.find('\n') == std::string::npos);
  CHECK(post("/relative", {}, why) == LLMGW_BAD_ARGUMENT);
  const std::string evil = "x\r\nInjected: 1";
  CHECK(post("http://127.0.0.1:1/", {llmgw_header{{"x-a", 3}, {evil.data(), evil.size()}}}, why) == LLMGW_BAD_ARGUMENT);
  CHECK(why.find("CR, LF") != std::string::npos);
  CHECK(post("http://127.0.0.1:1/v1/traces", {}, why) == LLMGW_ERROR);  // nothing listens on port 1
  CHECK(why.rfind("http_post: ", 0) == 0);
}
