// Optional header-only C++17 helpers over the llmgw C ABI (llmgw/plugin.h).
// Nothing here crosses the ABI: it only makes writing a plugin in C++ shorter and safer.
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace llmgw {

/// A borrowed view of a std::string_view as an llmgw_str (valid while `s` is).
inline llmgw_str str(std::string_view s) noexcept { return llmgw_str{s.data(), s.size()}; }

/// A std::string_view over an llmgw_str.
inline std::string_view view(llmgw_str s) noexcept {
  return s.len ? std::string_view(s.ptr, s.len) : std::string_view();
}

/// Writes bytes to a host writer.
inline void write(const llmgw_writer* w, std::string_view s) noexcept {
  if (w && w->write) w->write(w->ctx, str(s));
}

/// A host-style writer that appends to `*out` (for tests, and for plugins calling host
/// functions that write, such as llmgw_host.secret). Valid while `*out` is.
inline llmgw_writer string_writer(std::string* out) noexcept {
  return llmgw_writer{out, [](void* ctx, llmgw_str b) {
                        if (b.len) static_cast<std::string*>(ctx)->append(b.ptr, b.len);
                      }};
}

/// ASCII case-insensitive equality (HTTP header names).
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// The value of the first header named `name` (case-insensitive), or an empty view.
inline std::string_view find_header(const llmgw_header* headers, std::size_t count,
                                    std::string_view name) noexcept {
  for (std::size_t i = 0; i < count; ++i)
    if (iequals(view(headers[i].name), name)) return view(headers[i].value);
  return {};
}

/// A usage record with every field "not reported" (-1).
inline llmgw_usage unknown_usage() noexcept {
  llmgw_usage u{};
  u.struct_size = sizeof(llmgw_usage);
  u.prompt_tokens = u.completion_tokens = u.cached_tokens = -1;
  u.cache_creation_tokens = u.reasoning_tokens = -1;
  return u;
}

/// Builds an llmgw_error whose strings stay alive as long as this object.
struct Error {
  llmgw_error_class error_class = LLMGW_ERR_TRANSIENT;
  int status = 500;
  std::string type = "api_error";
  std::string code;
  std::string param;
  std::string message;
  int64_t retry_after_ms = -1;

  llmgw_error c() const noexcept {
    llmgw_error e{};
    e.struct_size = sizeof(llmgw_error);
    e.error_class = error_class;
    e.status = status;
    e.type = str(type);
    e.code = str(code);
    e.param = str(param);
    e.message = str(message);
    e.retry_after_ms = retry_after_ms;
    return e;
  }
};

/// A thin wrapper over the host table for logging and time.
class Host {
 public:
  explicit Host(const llmgw_host* h = nullptr) noexcept : h_(h) {}
  const llmgw_host* get() const noexcept { return h_; }
  /// The host's ABI minor (0 without a host table): what it offers and calls, e.g. 2 and later
  /// open per-call guardrail state (llmgw_guardrail_vtable.call_open).
  uint32_t abi_minor() const noexcept { return h_ ? h_->abi_minor : 0; }
  void log(llmgw_log_level level, std::string_view msg) const noexcept {
    if (h_ && h_->log) h_->log(h_->ctx, level, str(msg));
  }
  uint64_t now_ns() const noexcept { return h_ && h_->monotonic_ns ? h_->monotonic_ns(h_->ctx) : 0; }
  /// Resolves a secret reference; returns false when not found.
  bool secret(std::string_view ref, std::string& out) const {
    out.clear();
    llmgw_writer w = string_writer(&out);
    return h_ && h_->secret && h_->secret(h_->ctx, str(ref), &w) == LLMGW_OK;
  }
  /// Registers a counter (call from create() only); 0 when registration failed.
  uint32_t counter_register(std::string_view name, std::string_view help) const noexcept {
    return h_ && h_->counter_register ? h_->counter_register(h_->ctx, str(name), str(help)) : 0;
  }
  /// Adds to a registered counter. Lock-free; handle 0 is a no-op.
  void counter_add(uint32_t handle, uint64_t delta = 1) const noexcept {
    if (h_ && h_->counter_add && handle != 0) h_->counter_add(h_->ctx, handle, delta);
  }
  /// Whether the host offers http_post (ABI 1.1 and later).
  bool has_http_post() const noexcept { return h_ && LLMGW_HAS_MEMBER(h_, llmgw_host, http_post) && h_->http_post; }
  /// One blocking HTTP POST done by the core (llmgw_host.http_post; sink threads only). Returns
  /// the HTTP status (0: no answer, `response` then says why; also 0 on an ABI 1.0 host).
  int http_post(std::string_view url, const std::vector<llmgw_header>& headers, std::string_view body,
                uint32_t timeout_ms, std::string& response) const {
    response.clear();
    if (!has_http_post()) {
      response = "the host has no http_post (ABI 1.0)";
      return 0;
    }
    llmgw_writer w = string_writer(&response);
    int32_t status = 0;
    h_->http_post(h_->ctx, str(url), headers.empty() ? nullptr : headers.data(), headers.size(), str(body),
                  timeout_ms, &status, &w);
    return status;
  }

 private:
  const llmgw_host* h_;
};

/// Runs `fn` and turns any C++ exception into an error line and LLMGW_ERROR, so that no
/// exception ever crosses the C ABI. Use it in every extern "C" hook.
template <typename Fn>
llmgw_status guarded(const llmgw_writer* error, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    write(error, e.what());
  } catch (...) {
    write(error, "unknown exception in plugin");
  }
  return LLMGW_ERROR;
}

/// Reports an error through an out-table that has set_error (llmgw_result_out,
/// llmgw_event_out); the hook then returns LLMGW_ERROR.
template <typename Out>
void set_error(const Out* out, llmgw_error_class error_class, int status,
               std::string_view message) noexcept {
  llmgw_error e{};
  e.struct_size = sizeof(llmgw_error);
  e.error_class = error_class;
  e.status = status;
  e.type = str(status >= 500 ? "api_error" : "invalid_request_error");
  e.message = str(message);
  e.retry_after_ms = -1;
  out->set_error(out->ctx, &e);
}

/// guarded() for hooks that report through an out-table instead of an error writer
/// (decode_response, stream_feed, stream_close): an exception becomes an
/// LLMGW_ERR_BAD_RESPONSE error with status 502 and LLMGW_ERROR.
template <typename Out, typename Fn>
llmgw_status guarded_out(const Out* out, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    set_error(out, LLMGW_ERR_BAD_RESPONSE, 502, e.what());
  } catch (...) {
    set_error(out, LLMGW_ERR_BAD_RESPONSE, 502, "unknown exception in plugin");
  }
  return LLMGW_ERROR;
}

/// Reports `e` through an out-table that has set_error (llmgw_result_out, llmgw_event_out) and
/// returns LLMGW_ERROR, for `return report_error(out, e);`.
template <typename Out>
llmgw_status report_error(const Out& out, const Error& e) noexcept {
  const llmgw_error c = e.c();
  out.set_error(out.ctx, &c);
  return LLMGW_ERROR;
}

/// The upstream answered something undecodable (a 2xx that is not what the dialect promises, a
/// stream cut short): LLMGW_ERR_BAD_RESPONSE, status 502, code "bad_upstream_response" (the
/// code the core uses for the same failure). `type` is the dialect's generic server-error type:
/// "api_error" (Anthropic; the core's own) or "server_error" (OpenAI).
inline Error bad_response_error(std::string message, std::string type = "api_error") {
  Error e;
  e.error_class = LLMGW_ERR_BAD_RESPONSE;
  e.status = 502;
  e.type = std::move(type);
  e.code = "bad_upstream_response";
  e.message = std::move(message);
  return e;
}

/// The descriptor of a provider plugin, for llmgw_plugin_entry_v1 to return:
///   constexpr llmgw_plugin kPlugin = llmgw::provider_descriptor("provider-x", "1.0.0", "…", &kVtable);
/// All four pointers must have static storage (string literals, a namespace-scope vtable).
namespace detail {
/// A descriptor of this SDK's ABI version for a plugin of `kind`.
constexpr llmgw_plugin descriptor(llmgw_plugin_kind kind, const char* name, const char* version,
                                  const char* description, const void* vtable) noexcept {
  llmgw_plugin p{};
  p.abi_major = LLMGW_ABI_MAJOR;
  p.abi_minor = LLMGW_ABI_MINOR;
  p.struct_size = sizeof(llmgw_plugin);
  p.build_signature = LLMGW_BUILD_SIGNATURE;
  p.kind = kind;
  p.name = name;
  p.version = version;
  p.description = description;
  p.vtable = vtable;
  return p;
}
}  // namespace detail

constexpr llmgw_plugin provider_descriptor(const char* name, const char* version, const char* description,
                                           const llmgw_provider_vtable* vtable) noexcept {
  return detail::descriptor(LLMGW_KIND_PROVIDER, name, version, description, vtable);
}

/// What ProviderHooks reports (class LLMGW_ERR_BAD_RESPONSE, status 502, retry_after_ms -1) when
/// decode_response, stream_feed or stream_close throws. Static strings only, so reporting it
/// allocates nothing and works after std::bad_alloc; the exception's own text is not sent (it
/// may name internals). A provider overrides the defaults with a member
///   static constexpr llmgw::HookFailure kHookFailure{"server_error", "plugin_failure", "…"};
struct HookFailure {
  std::string_view type = "api_error";
  std::string_view code = "plugin_failure";
  std::string_view message = "the provider plugin could not process the upstream response";
};

namespace detail {
template <typename T, typename = void>
struct has_stream : std::false_type {};
template <typename T>
struct has_stream<T, std::void_t<typename T::Stream>> : std::true_type {};

/// Whether a guardrail class keeps per-call state (ABI 1.2, see GuardrailHooks): a `Call` type.
template <typename T, typename = void>
struct has_call : std::false_type {};
template <typename T>
struct has_call<T, std::void_t<typename T::Call>> : std::true_type {};

/// Whether a provider class has the ABI 1.1 credential members (see ProviderHooks::vtable).
template <typename T, typename = void>
struct has_credentials : std::false_type {};
template <typename T>
struct has_credentials<
    T, std::void_t<decltype(std::declval<const T&>().credential_request(std::declval<const llmgw_request_out&>(),
                                                                        static_cast<const llmgw_writer*>(nullptr))),
                   decltype(std::declval<const T&>().credential_accept(std::declval<const llmgw_upstream_response&>(),
                                                                       std::declval<int64_t&>(),
                                                                       static_cast<const llmgw_writer*>(nullptr)))>>
    : std::true_type {};

template <typename T, typename = void>
struct hook_failure_of {
  static constexpr HookFailure value{};
};
template <typename T>
struct hook_failure_of<T, std::void_t<decltype(T::kHookFailure)>> {
  static constexpr HookFailure value = T::kHookFailure;
};

/// create() of every generated vtable: `new Instance(Host(host), config)`; an exception → its
/// what() (or "unknown error while reading the config") to `error`, LLMGW_BAD_ARGUMENT.
template <class Instance>
llmgw_status create_instance(const llmgw_host* host, llmgw_str config_json, void** instance,
                             const llmgw_writer* error) noexcept {
  try {
    *instance = new Instance(Host(host), view(config_json));
    return LLMGW_OK;
  } catch (const std::exception& e) {
    write(error, e.what());
  } catch (...) {
    write(error, "unknown error while reading the config");
  }
  return LLMGW_BAD_ARGUMENT;
}
}  // namespace detail

/// Generates a provider's extern "C" hooks from a C++ class, so that plugin.cpp is a class, a
/// vtable and a descriptor:
///
///   class MyProvider {                    // one per deployment; immutable after construction
///    public:
///     MyProvider(llmgw::Host host, std::string_view config_json);     // throws on a bad config
///     llmgw_status encode(const llmgw_call&, const llmgw_request_out&, const llmgw_writer* error) const;
///     llmgw_status decode(const llmgw_call&, const llmgw_upstream_response&, const llmgw_result_out&) const;
///     // Streaming (omit all three and the stream hooks stay NULL):
///     using Stream = MyStream;  // llmgw_status feed(std::string_view, const llmgw_event_out&);
///                               // llmgw_status close(const llmgw_event_out&);
///     std::unique_ptr<Stream> open_stream(const llmgw_call&, const llmgw_upstream_response&) const;
///     static constexpr llmgw::HookFailure kHookFailure{...};          // optional
///   };
///   constexpr llmgw_provider_vtable kVtable =
///       llmgw::ProviderHooks<MyProvider>::vtable("my", LLMGW_CAP_CHAT | LLMGW_CAP_STREAM, LLMGW_DIALECT_OPENAI_CHAT);
///
/// Each generated hook keeps its plugin.h contract and lets no exception out:
///   create          `new MyProvider(Host(host), config)`; an exception → its what() (or
///                   "unknown error while reading the config") to `error`, LLMGW_BAD_ARGUMENT,
///                   *instance untouched. Warnings are the constructor's to log.
///   destroy         delete.
///   encode_request  encode(); an exception → its what() to `error`, LLMGW_ERROR (guarded).
///   decode_response decode(); an exception → set_error(kHookFailure), LLMGW_ERROR.
///   stream_open     open_stream(); an exception or a null stream → LLMGW_ERROR, *stream untouched.
///   stream_feed / stream_close   the stream's feed() / close(); an exception →
///                   set_error(kHookFailure), LLMGW_ERROR.
///   stream_destroy  delete.
/// The class's own results (set_error + LLMGW_ERROR, LLMGW_UNSUPPORTED, ...) pass through as
/// they are.
template <class Instance>
struct ProviderHooks {
  /// The provider vtable (struct_size of this build; stream hooks only when Instance::Stream
  /// exists). `provider_names` must have static storage.
  static constexpr llmgw_provider_vtable vtable(const char* provider_names, uint32_t capabilities,
                                                llmgw_dialect native_dialect) noexcept {
    llmgw_provider_vtable v{};
    v.struct_size = sizeof(llmgw_provider_vtable);
    v.provider_names = provider_names;
    v.capabilities = capabilities;
    v.native_dialect = native_dialect;
    v.create = &create;
    v.destroy = &destroy;
    v.encode_request = &encode_request;
    v.decode_response = &decode_response;
    if constexpr (detail::has_stream<Instance>::value) {
      v.stream_open = &stream_open;
      v.stream_feed = &stream_feed;
      v.stream_close = &stream_close;
      v.stream_destroy = &stream_destroy;
    }
    // ABI 1.1 credential exchange, when the class has both members:
    //   llmgw_status credential_request(const llmgw_request_out&, const llmgw_writer* error) const;
    //   llmgw_status credential_accept(const llmgw_upstream_response&, int64_t& refresh_in_ms,
    //                                  const llmgw_writer* error) const;
    // (an exception → its what() to `error`, LLMGW_ERROR).
    if constexpr (detail::has_credentials<Instance>::value) {
      v.credential_request = &credential_request;
      v.credential_accept = &credential_accept;
    }
    return v;
  }

  static llmgw_status credential_request(void* instance, const llmgw_request_out* out, const llmgw_writer* error) noexcept {
    return guarded(error, [&] { return self(instance).credential_request(*out, error); });
  }

  static llmgw_status credential_accept(void* instance, const llmgw_upstream_response* response, int64_t* refresh_in_ms,
                                        const llmgw_writer* error) noexcept {
    return guarded(error, [&] { return self(instance).credential_accept(*response, *refresh_in_ms, error); });
  }

  static llmgw_status create(const llmgw_host* host, llmgw_str config_json, void** instance,
                             const llmgw_writer* error) noexcept {
    return detail::create_instance<Instance>(host, config_json, instance, error);
  }

  static void destroy(void* instance) noexcept { delete static_cast<Instance*>(instance); }

  static llmgw_status encode_request(void* instance, const llmgw_call* call, const llmgw_request_out* out,
                                     const llmgw_writer* error) noexcept {
    return guarded(error, [&] { return self(instance).encode(*call, *out, error); });
  }

  static llmgw_status decode_response(void* instance, const llmgw_call* call,
                                      const llmgw_upstream_response* response,
                                      const llmgw_result_out* out) noexcept {
    try {
      return self(instance).decode(*call, *response, *out);
    } catch (...) {
      return failed(*out);
    }
  }

  // The stream hooks are instantiated only when vtable() uses them (Instance::Stream exists).
  static llmgw_status stream_open(void* instance, const llmgw_call* call, const llmgw_upstream_response* response,
                                  llmgw_stream** stream) noexcept {
    try {
      std::unique_ptr<typename Instance::Stream> s = self(instance).open_stream(*call, *response);
      if (!s) return LLMGW_ERROR;
      *stream = reinterpret_cast<llmgw_stream*>(s.release());
      return LLMGW_OK;
    } catch (...) {
      return LLMGW_ERROR;
    }
  }

  static llmgw_status stream_feed(llmgw_stream* stream, llmgw_str bytes, const llmgw_event_out* out) noexcept {
    try {
      return reinterpret_cast<typename Instance::Stream*>(stream)->feed(view(bytes), *out);
    } catch (...) {
      return failed(*out);
    }
  }

  static llmgw_status stream_close(llmgw_stream* stream, const llmgw_event_out* out) noexcept {
    try {
      return reinterpret_cast<typename Instance::Stream*>(stream)->close(*out);
    } catch (...) {
      return failed(*out);
    }
  }

  static void stream_destroy(llmgw_stream* stream) noexcept {
    delete reinterpret_cast<typename Instance::Stream*>(stream);
  }

 private:
  static const Instance& self(void* instance) noexcept { return *static_cast<const Instance*>(instance); }

  /// Reports the HookFailure through `out` (llmgw_result_out or llmgw_event_out).
  template <typename Out>
  static llmgw_status failed(const Out& out) noexcept {
    constexpr HookFailure f = detail::hook_failure_of<Instance>::value;
    llmgw_error e{};
    e.struct_size = sizeof(llmgw_error);
    e.error_class = LLMGW_ERR_BAD_RESPONSE;
    e.status = 502;
    e.type = str(f.type);
    e.code = str(f.code);
    e.message = str(f.message);
    e.retry_after_ms = -1;
    out.set_error(out.ctx, &e);
    return LLMGW_ERROR;
  }
};

// ---- routers --------------------------------------------------------------------------------

/// The candidates of a pick request as a random-access view that steps by candidate_size (so a
/// host of a later minor, whose llmgw_candidate is larger, is read correctly).
class Candidates {
 public:
  explicit Candidates(const llmgw_pick_request& request) noexcept
      : base_(reinterpret_cast<const char*>(request.candidates)), count_(request.count),
        stride_(request.candidate_size) {}
  std::size_t size() const noexcept { return count_; }
  const llmgw_candidate& operator[](std::size_t i) const noexcept {
    return *reinterpret_cast<const llmgw_candidate*>(base_ + i * stride_);
  }

 private:
  const char* base_;
  std::size_t count_;
  std::size_t stride_;
};

/// A small generator for the choices inside one pick (splitmix64), seeded with
/// llmgw_pick_request.random. No state outlives the pick; no allocation, no lock.
class PickRandom {
 public:
  explicit PickRandom(uint64_t seed) noexcept : state_(seed) {}
  uint64_t next() noexcept {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) for n >= 1 (modulo bias below 2^-40 for the pool sizes routers see).
  uint64_t below(uint64_t n) noexcept { return n ? next() % n : 0; }

 private:
  uint64_t state_;
};

/// Picks uniformly among equally good candidates seen one by one (reservoir sampling):
///   TieBreak best(rng);
///   for (i...) if (better) best.reset(i); else if (equal) best.tie(i);
class TieBreak {
 public:
  explicit TieBreak(PickRandom& rng) noexcept : rng_(&rng) {}
  /// `i` beats everything seen so far.
  void reset(std::size_t i) noexcept {
    chosen_ = i;
    ties_ = 1;
  }
  /// `i` is as good as the current choice: it replaces it with probability 1 / (ties so far).
  void tie(std::size_t i) noexcept {
    if (rng_->below(++ties_) == 0) chosen_ = i;
  }
  std::size_t chosen() const noexcept { return chosen_; }
  bool empty() const noexcept { return ties_ == 0; }

 private:
  PickRandom* rng_;
  std::size_t chosen_ = 0;
  uint64_t ties_ = 0;
};

/// The descriptor of a router plugin (see provider_descriptor).
constexpr llmgw_plugin router_descriptor(const char* name, const char* version, const char* description,
                                         const llmgw_router_vtable* vtable) noexcept {
  return detail::descriptor(LLMGW_KIND_ROUTER, name, version, description, vtable);
}

/// Generates a router's extern "C" hooks from a C++ class:
///
///   class MyRouter {                      // one per gateway; immutable after construction
///    public:
///     MyRouter(llmgw::Host host, std::string_view config_json);   // throws on a bad config
///     std::size_t pick(const llmgw_pick_request& request) const;  // an index < request.count
///   };
///   constexpr llmgw_router_vtable kVtable = llmgw::RouterHooks<MyRouter>::vtable("my-strategy");
///
///   create   `new MyRouter(Host(host), config)`; an exception → its what() to `error`,
///            LLMGW_BAD_ARGUMENT, *instance untouched.
///   destroy  delete.
///   pick     pick(); an exception or an index >= count → LLMGW_ERROR (the core then picks by
///            weight), *chosen untouched. Read candidates through llmgw::Candidates.
template <class Instance>
struct RouterHooks {
  /// The router vtable (struct_size of this build). `strategy_names` must have static storage.
  static constexpr llmgw_router_vtable vtable(const char* strategy_names) noexcept {
    llmgw_router_vtable v{};
    v.struct_size = sizeof(llmgw_router_vtable);
    v.strategy_names = strategy_names;
    v.create = &create;
    v.destroy = &destroy;
    v.pick = &pick;
    return v;
  }

  static llmgw_status create(const llmgw_host* host, llmgw_str config_json, void** instance,
                             const llmgw_writer* error) noexcept {
    return detail::create_instance<Instance>(host, config_json, instance, error);
  }

  static void destroy(void* instance) noexcept { delete static_cast<Instance*>(instance); }

  static llmgw_status pick(void* instance, const llmgw_pick_request* request, size_t* chosen) noexcept {
    try {
      const std::size_t i = static_cast<const Instance*>(instance)->pick(*request);
      if (i >= request->count) return LLMGW_ERROR;
      *chosen = i;
      return LLMGW_OK;
    } catch (...) {
      return LLMGW_ERROR;
    }
  }
};

/// The descriptor of a sink plugin (see provider_descriptor).
constexpr llmgw_plugin sink_descriptor(const char* name, const char* version, const char* description,
                                       const llmgw_sink_vtable* vtable) noexcept {
  return detail::descriptor(LLMGW_KIND_SINK, name, version, description, vtable);
}

/// Generates a sink's extern "C" hooks from a C++ class:
///
///   class MySink {                        // one per configured sink; used by one thread at a time
///    public:
///     MySink(llmgw::Host host, std::string_view config_json);  // throws on a bad config
///     void emit(const llmgw_sink_event& event);                 // throws to report a lost event
///     void flush();                                             // optional member
///   };
///   constexpr llmgw_sink_vtable kVtable = llmgw::SinkHooks<MySink>::vtable();
///
///   create   `new MySink(Host(host), config)`; an exception → its what() to `error`,
///            LLMGW_BAD_ARGUMENT, *instance untouched.
///   destroy  delete.
///   emit     emit(); an exception → LLMGW_ERROR (the core counts the event as lost).
///            Events of a type the class does not handle should simply be ignored.
///   flush    flush() when the class has one (else the hook is NULL); an exception → LLMGW_ERROR.
/// emit and flush of one instance never run concurrently (one sink thread per instance).
namespace detail {
template <typename T, typename = void>
struct has_flush : std::false_type {};
template <typename T>
struct has_flush<T, std::void_t<decltype(std::declval<T&>().flush())>> : std::true_type {};
}  // namespace detail

template <class Instance>
struct SinkHooks {
  /// The sink vtable (struct_size of this build).
  static constexpr llmgw_sink_vtable vtable() noexcept {
    llmgw_sink_vtable v{};
    v.struct_size = sizeof(llmgw_sink_vtable);
    v.create = &create;
    v.destroy = &destroy;
    v.emit = &emit;
    if constexpr (detail::has_flush<Instance>::value) v.flush = &flush;
    return v;
  }

  static llmgw_status create(const llmgw_host* host, llmgw_str config_json, void** instance,
                             const llmgw_writer* error) noexcept {
    return detail::create_instance<Instance>(host, config_json, instance, error);
  }

  static void destroy(void* instance) noexcept { delete static_cast<Instance*>(instance); }

  static llmgw_status emit(void* instance, const llmgw_sink_event* event) noexcept {
    try {
      static_cast<Instance*>(instance)->emit(*event);
      return LLMGW_OK;
    } catch (...) {
      return LLMGW_ERROR;
    }
  }

  static llmgw_status flush(void* instance) noexcept {
    try {
      if constexpr (detail::has_flush<Instance>::value) static_cast<Instance*>(instance)->flush();
      return LLMGW_OK;
    } catch (...) {
      return LLMGW_ERROR;
    }
  }
};

// ---- guardrails -----------------------------------------------------------------------------

/// The segments of a guard request as a random-access view that steps by segment_size (a host
/// of a later minor hands in larger segments).
class Segments {
 public:
  explicit Segments(const llmgw_guard_request& request) noexcept
      : base_(reinterpret_cast<const char*>(request.segments)), count_(request.segments ? request.count : 0),
        stride_(request.segment_size) {}
  std::size_t size() const noexcept { return count_; }
  const llmgw_segment& operator[](std::size_t i) const noexcept {
    return *reinterpret_cast<const llmgw_segment*>(base_ + i * stride_);
  }

 private:
  const char* base_;
  std::size_t count_;
  std::size_t stride_;
};

/// check()'s out-table with the verdict it adds up to: replace() → at least REDACT, block() →
/// BLOCK. Return verdict() from check.
class GuardOut {
 public:
  explicit GuardOut(const llmgw_guard_out* out) noexcept : out_(out) {}
  void replace(std::size_t segment, std::size_t offset, std::size_t len, std::string_view replacement) noexcept {
    out_->replace(out_->ctx, segment, offset, len, str(replacement));
    if (verdict_ == LLMGW_ALLOW) verdict_ = LLMGW_REDACT;
  }
  void block(std::size_t segment, std::string_view detector, std::string_view reason) noexcept {
    out_->block(out_->ctx, segment, str(detector), str(reason));
    verdict_ = LLMGW_BLOCK;
  }
  llmgw_verdict verdict() const noexcept { return verdict_; }

 private:
  const llmgw_guard_out* out_;
  llmgw_verdict verdict_ = LLMGW_ALLOW;
};

/// A guard stream's out-table.
class GuardStreamOut {
 public:
  explicit GuardStreamOut(const llmgw_guard_stream_out* out) noexcept : out_(out) {}
  void emit(std::size_t channel, std::string_view text) noexcept {
    if (!text.empty()) out_->emit(out_->ctx, channel, str(text));
  }
  void block(std::size_t channel, std::string_view detector, std::string_view reason) noexcept {
    out_->block(out_->ctx, channel, str(detector), str(reason));
  }

 private:
  const llmgw_guard_stream_out* out_;
};

/// The descriptor of a guardrail plugin (see provider_descriptor).
constexpr llmgw_plugin guardrail_descriptor(const char* name, const char* version, const char* description,
                                            const llmgw_guardrail_vtable* vtable) noexcept {
  return detail::descriptor(LLMGW_KIND_GUARDRAIL, name, version, description, vtable);
}

/// Generates a guardrail's extern "C" hooks from a C++ class:
///
///   class MyGuard {                       // one per gateway; immutable after construction
///    public:
///     MyGuard(llmgw::Host host, std::string_view config_json);          // throws on a bad config
///     void check(const llmgw_guard_request& request, llmgw::GuardOut& out) const;
///     // optional, for streamed answers:
///     class Stream {
///      public:
///       void feed(std::size_t channel, const llmgw_segment& piece, llmgw::GuardStreamOut& out);
///       void close(std::size_t channel, llmgw::GuardStreamOut& out);
///     };
///     std::unique_ptr<Stream> open_stream(const llmgw_guard_request& request) const;
///   };
///   constexpr llmgw_guardrail_vtable kVtable = llmgw::GuardrailHooks<MyGuard>::vtable();
///
/// A guardrail that keeps state per client request (ABI 1.2: call_open / call_close) declares a
/// `Call` type; check and open_stream then take the call (null when the host opened none: an
/// ABI 1.1 host never does, see Host::abi_minor):
///
///     using Call = MyCall;
///     std::unique_ptr<Call> open_call(const llmgw_guard_request& request) const;
///     void check(const llmgw_guard_request& request, llmgw::GuardOut& out, Call* call) const;
///     std::unique_ptr<Stream> open_stream(const llmgw_guard_request& request, Call* call) const;
///
///   create   `new MyGuard(Host(host), config)`; an exception → its what() to `error`,
///            LLMGW_BAD_ARGUMENT.
///   check    check(); returns out.verdict(); an exception → -1 (the core fails closed: 500).
///   stream_* only when MyGuard::Stream exists; an exception → LLMGW_ERROR (fail closed).
///   call_*   only when MyGuard::Call exists: open_call (null or an exception → LLMGW_ERROR, the
///            call fails closed), `delete` at call_close.
template <class Instance>
struct GuardrailHooks {
  static constexpr llmgw_guardrail_vtable vtable() noexcept {
    llmgw_guardrail_vtable v{};
    v.struct_size = sizeof(llmgw_guardrail_vtable);
    v.create = &create;
    v.destroy = &destroy;
    v.check = &check;
    if constexpr (detail::has_stream<Instance>::value) {
      v.stream_open = &stream_open;
      v.stream_feed = &stream_feed;
      v.stream_close = &stream_close;
      v.stream_destroy = &stream_destroy;
    }
    if constexpr (detail::has_call<Instance>::value) {
      v.call_open = &call_open;
      v.call_close = &call_close;
    }
    return v;
  }

  static llmgw_status create(const llmgw_host* host, llmgw_str config_json, void** instance,
                             const llmgw_writer* error) noexcept {
    return detail::create_instance<Instance>(host, config_json, instance, error);
  }
  static void destroy(void* instance) noexcept { delete static_cast<Instance*>(instance); }

  static llmgw_verdict check(void* instance, const llmgw_guard_request* request, const llmgw_guard_out* out) noexcept {
    try {
      GuardOut o(out);
      if constexpr (detail::has_call<Instance>::value)
        static_cast<const Instance*>(instance)->check(*request, o, call_of(request));
      else
        static_cast<const Instance*>(instance)->check(*request, o);
      return o.verdict();
    } catch (...) {
      return -1;
    }
  }

  static llmgw_status stream_open(void* instance, const llmgw_guard_request* request,
                                  llmgw_guard_stream** stream) noexcept {
    if constexpr (detail::has_stream<Instance>::value) {
      try {
        auto s = [&] {
          if constexpr (detail::has_call<Instance>::value)
            return static_cast<const Instance*>(instance)->open_stream(*request, call_of(request));
          else
            return static_cast<const Instance*>(instance)->open_stream(*request);
        }();
        if (!s) return LLMGW_ERROR;
        *stream = reinterpret_cast<llmgw_guard_stream*>(s.release());
        return LLMGW_OK;
      } catch (...) {
      }
    }
    return LLMGW_ERROR;
  }
  static llmgw_status stream_feed(llmgw_guard_stream* stream, size_t channel, const llmgw_segment* piece,
                                  const llmgw_guard_stream_out* out) noexcept {
    if constexpr (detail::has_stream<Instance>::value) {
      try {
        GuardStreamOut o(out);
        reinterpret_cast<typename Instance::Stream*>(stream)->feed(channel, *piece, o);
        return LLMGW_OK;
      } catch (...) {
      }
    }
    return LLMGW_ERROR;
  }
  static llmgw_status stream_close(llmgw_guard_stream* stream, size_t channel,
                                   const llmgw_guard_stream_out* out) noexcept {
    if constexpr (detail::has_stream<Instance>::value) {
      try {
        GuardStreamOut o(out);
        reinterpret_cast<typename Instance::Stream*>(stream)->close(channel, o);
        return LLMGW_OK;
      } catch (...) {
      }
    }
    return LLMGW_ERROR;
  }
  static void stream_destroy(llmgw_guard_stream* stream) noexcept {
    if constexpr (detail::has_stream<Instance>::value)
      delete reinterpret_cast<typename Instance::Stream*>(stream);
  }

  static llmgw_status call_open(void* instance, const llmgw_guard_request* request, void** call) noexcept {
    if constexpr (detail::has_call<Instance>::value) {
      try {
        auto c = static_cast<const Instance*>(instance)->open_call(*request);
        if (!c) return LLMGW_ERROR;
        *call = c.release();
        return LLMGW_OK;
      } catch (...) {
      }
    }
    return LLMGW_ERROR;
  }
  static void call_close(void*, void* call) noexcept {
    if constexpr (detail::has_call<Instance>::value) delete static_cast<typename Instance::Call*>(call);
  }

 private:
  /// The request's call (null when the host is older than ABI 1.2 or opened none).
  template <typename I = Instance>
  static typename I::Call* call_of(const llmgw_guard_request* request) noexcept {
    if (!LLMGW_HAS_MEMBER(request, llmgw_guard_request, call)) return nullptr;
    return static_cast<typename I::Call*>(request->call);
  }
};

}  // namespace llmgw
