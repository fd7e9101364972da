#include "loader/host_table.hpp"

#include "loader/abi_check.hpp"
#include "observe/counters.hpp"

#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace llmgw::loader {

namespace {

constexpr std::string_view kEnvPrefix = "os.environ/";

std::string_view view(llmgw_str s) { return s.len ? std::string_view(s.ptr, s.len) : std::string_view(); }

const HostContext& context(void* ctx) { return *static_cast<const HostContext*>(ctx); }

// Poco 1.11's SHA2Engine lacks the BLOCK_SIZE / DIGEST_SIZE that HMACEngine<> needs.
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

void copy_digest(const Poco::DigestEngine::Digest& digest, uint8_t out[32]) {
  std::memcpy(out, digest.data(), std::min<std::size_t>(digest.size(), 32));
}

std::shared_ptr<spdlog::logger> logger_for(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  auto base = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(name, base->sinks().begin(), base->sinks().end());
  try {
    spdlog::initialize_logger(logger);  // global level and formatter, then registered
  } catch (const spdlog::spdlog_ex&) {  // registered meanwhile under the same name
    if (auto existing = spdlog::get(name)) return existing;
  }
  return logger;
}

}  // namespace

HostContext::HostContext(std::string name, observe::Counters* table)
    : plugin_name(std::move(name)),
      logger(logger_for(plugin_name)),
      counters(table ? table : &observe::counters()) {}

std::unique_ptr<llmgw_host> make_host_table(const HostContext& ctx) {
  auto table = std::make_unique<llmgw_host>();
  table->struct_size = sizeof(llmgw_host);
  table->abi_major = LLMGW_ABI_MAJOR;
  table->abi_minor = LLMGW_ABI_MINOR;
  table->ctx = const_cast<HostContext*>(&ctx);
  table->log = host::log;
  table->monotonic_ns = host::monotonic_ns;
  table->secret = host::secret;
  table->sha256 = host::sha256;
  table->hmac_sha256 = host::hmac_sha256;
  table->counter_register = host::counter_register;
  table->counter_add = host::counter_add;
  table->realtime_ms = host::realtime_ms;
  table->http_post = host::http_post;
  return table;
}

namespace host {

void log(void* ctx, llmgw_log_level level, llmgw_str message) {
  static constexpr spdlog::level::level_enum kLevels[] = {
      spdlog::level::trace, spdlog::level::debug, spdlog::level::info, spdlog::level::warn,
      spdlog::level::err};
  const int index = std::clamp(static_cast<int>(level), 0, 4);  // any int a plugin passes
  try {
    context(ctx).logger->log(kLevels[index], spdlog::string_view_t(view(message)));
  } catch (...) {  // a failing sink must not unwind into the plugin (C ABI)
  }
}

uint64_t monotonic_ns(void*) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

int64_t realtime_ms(void*) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

llmgw_status secret(void*, llmgw_str ref, const llmgw_writer* out) {
  const std::string_view text = view(ref);
  std::string_view value = text;
  if (text.starts_with(kEnvPrefix)) {
    const std::string name(text.substr(kEnvPrefix.size()));
    const char* env = name.empty() ? nullptr : std::getenv(name.c_str());
    if (env == nullptr || *env == '\0') return LLMGW_NOT_FOUND;
    value = env;
  }
  if (out && out->write) out->write(out->ctx, llmgw_str{value.data(), value.size()});
  return LLMGW_OK;
}

void sha256(void*, llmgw_str data, uint8_t out[32]) {
  Sha256Engine engine;
  if (data.len) engine.update(data.ptr, data.len);
  copy_digest(engine.digest(), out);
}

void hmac_sha256(void*, llmgw_str key, llmgw_str data, uint8_t out[32]) {
  static const char kEmpty = 0;
  Poco::HMACEngine<Sha256Engine> engine(key.len ? key.ptr : &kEmpty, key.len);
  if (data.len) engine.update(data.ptr, data.len);
  copy_digest(engine.digest(), out);
}

uint32_t counter_register(void* ctx, llmgw_str name, llmgw_str help) {
  const HostContext& c = context(ctx);
  try {
    std::string why;
    const uint32_t handle = c.counters->register_counter(c.plugin_name, view(name), view(help), &why);
    if (handle == 0) c.logger->warn("counter_register failed: {}", why);
    return handle;
  } catch (...) {
    return 0;
  }
}

void counter_add(void* ctx, uint32_t handle, uint64_t delta) {
  context(ctx).counters->add(handle, delta);
}

}  // namespace host

}  // namespace llmgw::loader
