/*
 * llmgw plugin ABI, version 1 — the public contract between the llmgw core and its plugins.
 *
 * TRUST MODEL. Plugins run in the gateway's process and are trusted code. The host checks
 * versions, build signatures and table sizes when it loads a plugin; it does not defend against
 * invalid pointers or misbehaving code.
 *
 * RULES THAT KEEP THIS ABI STABLE (see sdk/ABI.md for the policy and the changelog):
 *   - Plain C99 across the boundary: no C++ types, no exceptions, no allocator mixing.
 *   - Strings are llmgw_str views {ptr, len}: never NUL-dependent, borrowed for the call only.
 *   - Whoever allocates frees. Everything a plugin produces goes out through host-owned writer
 *     callbacks; handles (instances, streams) are destroyed only by the side that created them.
 *   - Every table (descriptor, each kind's vtable, the host table, every *_out struct) starts with
 *     `struct_size` and is APPEND-ONLY: new members go at the end under a comment naming the
 *     abi_minor that added them; a changed behaviour gets a new `_v2` member; a retired member
 *     keeps its place and is set to NULL. Read a member only if it lies within struct_size.
 *   - Plugin hooks are optional unless marked REQUIRED: NULL means "not implemented" and the
 *     documented default applies. Host functions are all required (never NULL) up to the host
 *     table's struct_size.
 *   - Hooks return closed status enums; results go through out-params and writers.
 *   - Enumerated values cross the boundary as fixed-width integers (int32_t typedefs with named
 *     constants), never as C enum types: their size is fixed, and a value added by a later minor
 *     is an ordinary integer to an older reader (treat unknown values as documented).
 *
 * TAGS used in the comments: OWNERSHIP (who frees), LIFETIME (how long a pointer is valid),
 * THREADS (which threads may call).
 */
#ifndef LLMGW_PLUGIN_H
#define LLMGW_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Versions                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Major version: a plugin whose abi_major differs from the host's is refused at load. */
#define LLMGW_ABI_MAJOR 1
/** Minor version: raised for every appended member; a host accepts plugins of any minor. */
#define LLMGW_ABI_MINOR 2

#define LLMGW_STR_(x) #x
#define LLMGW_STR(x) LLMGW_STR_(x)

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LLMGW_BYTE_ORDER_ "be"
#else
#define LLMGW_BYTE_ORDER_ "le"
#endif

#if defined(__SIZEOF_POINTER__) && defined(__SIZEOF_SIZE_T__)
#define LLMGW_SIZES_ "p" LLMGW_STR(__SIZEOF_POINTER__) "s" LLMGW_STR(__SIZEOF_SIZE_T__)
#elif defined(_WIN64)
#define LLMGW_SIZES_ "p8s8"
#else
#define LLMGW_SIZES_ "p4s4"
#endif

/**
 * Build signature: ABI major, pointer and size_t sizes, byte order. The host compares the
 * plugin's signature with its own in one strcmp and refuses a plugin built for another machine
 * model. Plugins set llmgw_plugin.build_signature to this macro.
 */
#define LLMGW_BUILD_SIGNATURE "llmgw-abi" LLMGW_STR(LLMGW_ABI_MAJOR) ":" LLMGW_SIZES_ ":" LLMGW_BYTE_ORDER_

/** Symbol visibility for the one exported entry point. */
#if defined(_WIN32)
#define LLMGW_EXPORT __declspec(dllexport)
#else
#define LLMGW_EXPORT __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------------------------ */
/* Basic types                                                                                */
/* ------------------------------------------------------------------------------------------ */

/**
 * A byte string view. Not NUL-terminated (ptr may be NULL when len is 0).
 * OWNERSHIP: the side that passes it keeps it. LIFETIME: the duration of the call only; copy it
 * to keep it.
 */
typedef struct llmgw_str {
  const char* ptr;
  size_t len;
} llmgw_str;

/** Status of a hook or host function. Negative values are failures. */
typedef int32_t llmgw_status;
/** Values of llmgw_status. */
enum llmgw_status_values {
  /** Done; results were written. */
  LLMGW_OK = 0,
  /** Stream decoders: input consumed, feed more bytes. */
  LLMGW_NEED_MORE = 1,
  /** Stream decoders: the upstream stream is complete; the core finishes the client's stream. */
  LLMGW_DONE = 2,
  /** Failure; an error was written (error writer or set_error). The core answers with it. */
  LLMGW_ERROR = -1,
  /** An argument was malformed (e.g. config JSON). */
  LLMGW_BAD_ARGUMENT = -2,
  /** A looked-up thing does not exist (e.g. a secret). */
  LLMGW_NOT_FOUND = -3,
  /** The operation or feature is not supported; the core answers 400 naming it. */
  LLMGW_UNSUPPORTED = -4
};

/**
 * A byte sink owned by the host. The plugin calls write() any number of times; the host
 * concatenates. OWNERSHIP: host. LIFETIME: the duration of the hook it was passed to.
 * THREADS: only on the thread running that hook.
 */
typedef struct llmgw_writer {
  void* ctx;
  void (*write)(void* ctx, llmgw_str bytes);
} llmgw_writer;

/** One HTTP header. Names are as received (compare case-insensitively). */
typedef struct llmgw_header {
  llmgw_str name;
  llmgw_str value;
} llmgw_header;

/** Log levels for llmgw_host.log. */
typedef int32_t llmgw_log_level;
/** Values of llmgw_log_level. */
enum llmgw_log_level_values {
  LLMGW_LOG_TRACE = 0,
  LLMGW_LOG_DEBUG = 1,
  LLMGW_LOG_INFO = 2,
  LLMGW_LOG_WARN = 3,
  LLMGW_LOG_ERROR = 4
};

/* ------------------------------------------------------------------------------------------ */
/* Host table: functions the core offers to every plugin                                     */
/* ------------------------------------------------------------------------------------------ */

/**
 * Functions the host implements. All members up to struct_size are non-NULL.
 * OWNERSHIP: host. LIFETIME: from create() until the plugin instance is destroyed.
 * THREADS: every function may be called from any thread, concurrently.
 */
typedef struct llmgw_host {
  size_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  /** Opaque host context for this plugin; pass it back as the first argument below. */
  void* ctx;

  /** Writes one log line attributed to the plugin. Never call at info level per chunk. */
  void (*log)(void* ctx, llmgw_log_level level, llmgw_str message);
  /** Monotonic clock in nanoseconds. */
  uint64_t (*monotonic_ns)(void* ctx);
  /**
   * Resolves a secret reference ("os.environ/NAME", or a literal which is returned as is) into
   * `out`. Returns LLMGW_OK or LLMGW_NOT_FOUND (nothing written).
   */
  llmgw_status (*secret)(void* ctx, llmgw_str ref, const llmgw_writer* out);
  /** SHA-256 of `data` into out[32]. */
  void (*sha256)(void* ctx, llmgw_str data, uint8_t out[32]);
  /** HMAC-SHA-256 of `data` with `key` into out[32] (for request signing such as AWS SigV4). */
  void (*hmac_sha256)(void* ctx, llmgw_str key, llmgw_str data, uint8_t out[32]);
  /**
   * Registers a monotonic counter exposed on /metrics as llmgw_plugin_<name>_total.
   * Call only from create(); returns a handle for counter_add (0 when registration failed,
   * in which case counter_add with 0 is a no-op).
   */
  uint32_t (*counter_register)(void* ctx, llmgw_str name, llmgw_str help);
  /** Adds `delta` to a registered counter. Lock-free; safe on the hot path. */
  void (*counter_add)(void* ctx, uint32_t handle, uint64_t delta);
  /** Wall-clock time in milliseconds since the Unix epoch (e.g. for HTTP-date Retry-After). */
  int64_t (*realtime_ms)(void* ctx);
  /* -- appended in abi_minor 1 -- */
  /**
   * Sends one HTTP POST for the plugin and waits for its answer: the core owns the socket, the
   * plugin owns none. For sinks that export events (OTLP/HTTP, a log service).
   * `url` is absolute http:// or https://; `headers` (may be NULL when `header_count` is 0) are
   * sent as given after Host, Content-Length and Connection, which the core sets; `body` is the
   * request body. `timeout_ms` (0: 10000) bounds connect, send and receive together.
   * On an answer: LLMGW_OK, `*status` = the HTTP status (any, 2xx or not), the response body
   * (at most 1 MB; the rest is discarded) written to `response_body` when it is not NULL.
   * On a failure to get an answer (bad URL, refused connection, timeout, TLS error):
   * LLMGW_ERROR or LLMGW_BAD_ARGUMENT (bad URL or headers), `*status` = 0, one line saying why
   * written to `response_body` when it is not NULL.
   * THREADS: BLOCKS the calling thread for up to `timeout_ms`. Call it only from a sink's emit or
   * flush (they run on the sink's own thread), never from a provider, router or guardrail hook
   * (those run on the event loops, where a wait stalls every request of the loop).
   * Check LLMGW_HAS_MEMBER(host, llmgw_host, http_post) first: absent on an ABI 1.0 host.
   */
  llmgw_status (*http_post)(void* ctx, llmgw_str url, const llmgw_header* headers, size_t header_count,
                            llmgw_str body, uint32_t timeout_ms, int32_t* status,
                            const llmgw_writer* response_body);
  /* -- appended in abi_minor 2 and later go below this line -- */
} llmgw_host;

/* ------------------------------------------------------------------------------------------ */
/* Plugin descriptor and entry point                                                          */
/* ------------------------------------------------------------------------------------------ */

/** What a plugin is; selects the type of llmgw_plugin.vtable. */
typedef int32_t llmgw_plugin_kind;
/** Values of llmgw_plugin_kind. */
enum llmgw_plugin_kind_values {
  LLMGW_KIND_PROVIDER = 1,  /**< vtable: const llmgw_provider_vtable*  */
  LLMGW_KIND_ROUTER = 2,    /**< vtable: const llmgw_router_vtable*    */
  LLMGW_KIND_GUARDRAIL = 3, /**< vtable: const llmgw_guardrail_vtable* */
  LLMGW_KIND_SINK = 4       /**< vtable: const llmgw_sink_vtable*      */
};

/**
 * The descriptor a plugin library returns from its entry point.
 * OWNERSHIP: plugin (static storage). LIFETIME: while the library is loaded.
 */
typedef struct llmgw_plugin {
  uint32_t abi_major;          /**< LLMGW_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor;          /**< LLMGW_ABI_MINOR the plugin was built with */
  size_t struct_size;          /**< sizeof(llmgw_plugin) as the plugin was built */
  const char* build_signature; /**< LLMGW_BUILD_SIGNATURE */
  llmgw_plugin_kind kind;
  const char* name;            /**< unique, e.g. "provider-openai" (NUL-terminated) */
  const char* version;         /**< the plugin's own version, e.g. "1.2.0" */
  const char* description;     /**< one line for logs and the admin API */
  const void* vtable;          /**< kind-specific table, see llmgw_plugin_kind */
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_plugin;

/** The name of the one symbol every plugin library exports. */
#define LLMGW_PLUGIN_ENTRY_SYMBOL "llmgw_plugin_entry_v1"

/**
 * Entry point, exported with C linkage by every plugin library:
 *   LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void);
 * Called once after the library is loaded. May return NULL to refuse loading (e.g. a missing
 * CPU feature); the host then logs the refusal and stops start-up.
 * THREADS: called on the main thread before any request.
 */
typedef const llmgw_plugin* (*llmgw_plugin_entry_fn)(void);

/* ------------------------------------------------------------------------------------------ */
/* Canonical dialects and calls                                                               */
/* ------------------------------------------------------------------------------------------ */

/**
 * Wire dialects. The canonical form of a request, response and stream chunk is the OpenAI
 * Chat Completions shape with the documented extensions in sdk/CANONICAL.md.
 */
typedef int32_t llmgw_dialect;
/** Values of llmgw_dialect. */
enum llmgw_dialect_values {
  LLMGW_DIALECT_NONE = 0,
  LLMGW_DIALECT_OPENAI_CHAT = 1,        /**< the canonical dialect */
  LLMGW_DIALECT_ANTHROPIC_MESSAGES = 2,
  LLMGW_DIALECT_OPENAI_EMBEDDINGS = 3
};

/** Operations a call may ask for. */
typedef int32_t llmgw_operation;
/** Values of llmgw_operation. */
enum llmgw_operation_values {
  LLMGW_OP_CHAT = 1,
  LLMGW_OP_EMBEDDINGS = 2,
  LLMGW_OP_COUNT_TOKENS = 3
};

/**
 * One upstream call as the core hands it to a provider.
 * OWNERSHIP: host. LIFETIME: the duration of the hook; copy what a stream object must keep.
 */
typedef struct llmgw_call {
  size_t struct_size;
  llmgw_operation operation;
  /**
   * Dialect of `body`. It is the provider's native dialect (llmgw_provider_vtable.native_dialect)
   * when the client spoke that dialect: PASSTHROUGH — send `body` as is, and answer in that
   * same dialect. Otherwise it is LLMGW_DIALECT_OPENAI_CHAT (canonical): TRANSLATE — encode to
   * the upstream's dialect, and answer in canonical form. For LLMGW_OP_EMBEDDINGS the canonical
   * form is LLMGW_DIALECT_OPENAI_EMBEDDINGS (OpenAI's embeddings request and response,
   * sdk/CANONICAL.md); the core calls a provider for it only when its capabilities include
   * LLMGW_CAP_EMBEDDINGS.
   */
  llmgw_dialect body_dialect;
  /** The request body, with the "model" value already rewritten to the upstream model. */
  llmgw_str body;
  /** The upstream model name (Deployment model, e.g. "gpt-4o" or an Azure deployment). */
  llmgw_str model;
  /** 1 when the client asked for a stream. */
  int stream;
  /** The client's request headers (read-only), e.g. to forward anthropic-beta. */
  const llmgw_header* client_headers;
  size_t client_header_count;
  /**
   * The dialect the client spoke. Equal to body_dialect on passthrough. When it differs, the
   * body was translated to canonical form by the core and may carry canonical extensions the
   * client sent (sdk/CANONICAL.md: top_k, thinking, cache_control, thinking_blocks, ...): a
   * provider drops those its upstream rejects. An OpenAI-dialect provider cannot tell the two
   * cases apart from body_dialect alone, since its native dialect is the canonical one.
   */
  llmgw_dialect client_dialect;
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_call;

/* ------------------------------------------------------------------------------------------ */
/* Usage and errors                                                                           */
/* ------------------------------------------------------------------------------------------ */

/** Token usage of one call. -1 means "not reported". */
typedef struct llmgw_usage {
  size_t struct_size;
  int64_t prompt_tokens;          /**< input tokens, cached ones included (OpenAI semantics) */
  int64_t completion_tokens;      /**< output tokens, reasoning included */
  int64_t cached_tokens;          /**< input tokens read from the prompt cache */
  int64_t cache_creation_tokens;  /**< input tokens written to the prompt cache */
  int64_t reasoning_tokens;
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_usage;

/**
 * Class of an upstream failure, decided by the provider where it decodes it. The router acts
 * on the class alone (retry, fall back, cool down); the status goes to the client.
 */
typedef int32_t llmgw_error_class;
/** Values of llmgw_error_class. */
enum llmgw_error_class_values {
  LLMGW_ERR_INVALID_REQUEST = 1, /**< 400/404/422: the request is wrong; never retried */
  LLMGW_ERR_AUTH = 2,            /**< 401/403 from the upstream: key or permission */
  LLMGW_ERR_NOT_FOUND = 3,       /**< upstream model or deployment does not exist */
  LLMGW_ERR_RATE_LIMITED = 4,    /**< 429: retried after retry_after_ms elsewhere/later */
  LLMGW_ERR_TRANSIENT = 5,       /**< 408/409/5xx/529, overload: retried, failed over */
  LLMGW_ERR_CONTEXT_WINDOW = 6,  /**< input too long: context-window fallbacks apply */
  LLMGW_ERR_CONTENT_POLICY = 7,  /**< refused by the upstream's content filter */
  LLMGW_ERR_BAD_RESPONSE = 8     /**< the upstream answered something undecodable */
};

/**
 * A classified upstream error. The core maps it into the client's dialect.
 * OWNERSHIP: the writer of the struct. LIFETIME: the call to set_error.
 */
typedef struct llmgw_error {
  size_t struct_size;
  llmgw_error_class error_class;
  int status;              /**< HTTP status for the client, normally the upstream's */
  llmgw_str type;          /**< e.g. "invalid_request_error", "rate_limit_error" */
  llmgw_str code;          /**< e.g. "context_length_exceeded"; may be empty */
  llmgw_str param;         /**< the offending request parameter; may be empty */
  llmgw_str message;       /**< human-readable; must not contain credentials */
  int64_t retry_after_ms;  /**< from Retry-After / retry-after-ms; -1 when absent */
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_error;

/* ------------------------------------------------------------------------------------------ */
/* Provider kind                                                                              */
/* ------------------------------------------------------------------------------------------ */

/** Capability bits of a provider (llmgw_provider_vtable.capabilities). */
#define LLMGW_CAP_CHAT 0x1u
#define LLMGW_CAP_STREAM 0x2u
#define LLMGW_CAP_TOOLS 0x4u
#define LLMGW_CAP_EMBEDDINGS 0x8u
#define LLMGW_CAP_VISION 0x10u
#define LLMGW_CAP_JSON_SCHEMA 0x20u
/* -- appended in abi_minor 2 -- */
/**
 * (1.2) encode_request takes LLMGW_OP_COUNT_TOKENS calls whose body is canonical chat (an
 * Anthropic count_tokens request the core translated), and decode_response answers them with
 * Anthropic's count_tokens body {"input_tokens": N}, which the client gets as is. An
 * encode_request answering LLMGW_UNSUPPORTED for a deployment's model makes the core answer with
 * its own estimate, as it does for providers without this bit. (A provider whose native dialect
 * is Anthropic Messages gets count_tokens calls on passthrough without it.)
 */
#define LLMGW_CAP_COUNT_TOKENS 0x40u

/**
 * Where encode_request writes the upstream HTTP request.
 * OWNERSHIP: host. LIFETIME: the encode_request call. Defaults: method POST, no headers.
 */
typedef struct llmgw_request_out {
  size_t struct_size;
  void* ctx;
  void (*set_method)(void* ctx, llmgw_str method);
  /**
   * Absolute URL, http:// or https://, with path and query. REQUIRED to be called. The URL
   * "echo:" means "no network": the core hands the request body back to decode_response /
   * the stream hooks as a 200 upstream response (for offline providers and test doubles).
   */
  void (*set_url)(void* ctx, llmgw_str url);
  /** Adds a header (Content-Type, auth). Host adds Host and Content-Length itself. */
  void (*add_header)(void* ctx, llmgw_str name, llmgw_str value);
  /** Appends bytes to the upstream body. */
  void (*append_body)(void* ctx, llmgw_str bytes);
  /** Sends llmgw_call.body unchanged as the upstream body (zero-copy passthrough). */
  void (*use_call_body)(void* ctx);
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_request_out;

/**
 * An upstream response as the core received it (whole body; non-stream calls, and stream
 * calls answered with a non-2xx status). OWNERSHIP: host. LIFETIME: the hook call.
 */
typedef struct llmgw_upstream_response {
  size_t struct_size;
  int status;
  const llmgw_header* headers;
  size_t header_count;
  llmgw_str body;
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_upstream_response;

/**
 * Where decode_response writes its result: a body (or use_upstream_body), optionally usage;
 * or an error. OWNERSHIP: host. LIFETIME: the hook call.
 */
typedef struct llmgw_result_out {
  size_t struct_size;
  void* ctx;
  /** Appends to the response body (canonical JSON, or the native dialect on passthrough). */
  void (*append_body)(void* ctx, llmgw_str bytes);
  /** The upstream body is already what the client should get: relay it unchanged. */
  void (*use_upstream_body)(void* ctx);
  /** Reports token usage (for spend and limits). */
  void (*set_usage)(void* ctx, const llmgw_usage* usage);
  /** Reports a classified error; the hook then returns LLMGW_ERROR. */
  void (*set_error)(void* ctx, const llmgw_error* error);
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_result_out;

/**
 * Where a stream decoder writes events. OWNERSHIP: host. LIFETIME: the feed/close call.
 * THREADS: the thread running that call.
 */
typedef struct llmgw_event_out {
  size_t struct_size;
  void* ctx;
  /**
   * PASSTHROUGH streams: bytes to forward to the client unchanged (whole SSE events or any
   * part of them). Emit as soon as bytes arrive. The bytes must be an SSE stream
   * (text/event-stream): the core forwards them up to the last complete event (its blank line)
   * and holds the rest until the event completes, so a stream that fails mid-event never
   * hands the client half an event, and one that fails before its first event can be retried.
   */
  void (*emit_raw)(void* ctx, llmgw_str bytes);
  /**
   * TRANSLATED streams: one canonical chat.completion.chunk JSON object (no "data: " framing).
   * The core frames it for the client's dialect and flushes.
   */
  void (*emit_chunk)(void* ctx, llmgw_str chunk_json);
  /** Reports token usage seen in the stream (may be called more than once; last wins). */
  void (*set_usage)(void* ctx, const llmgw_usage* usage);
  /** Reports an error event inside the stream; the hook then returns LLMGW_ERROR. */
  void (*set_error)(void* ctx, const llmgw_error* error);
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_event_out;

/** Opaque per-stream decoder state, created by stream_open. */
typedef struct llmgw_stream llmgw_stream;

/**
 * The provider kind. One instance is created per configured deployment.
 * THREADS: encode_request, decode_response and stream_open may be called concurrently on one
 * instance from many threads; a stream object is used by one thread at a time.
 */
typedef struct llmgw_provider_vtable {
  size_t struct_size;
  /**
   * Space-separated provider names this plugin serves, as written before the "/" in a
   * deployment's model (LiteLLM prefixes), e.g. "openai azure groq". Must be non-empty.
   */
  const char* provider_names;
  /** LLMGW_CAP_* bits. A stream request to a provider without LLMGW_CAP_STREAM gets 400. */
  uint32_t capabilities;
  /** The dialect the upstream speaks natively (passthrough when the client speaks it too). */
  llmgw_dialect native_dialect;

  /**
   * REQUIRED. Creates an instance from the deployment's config JSON:
   *   {"provider": "azure", "model": "...", "api_base": "...", "api_key": "...",
   *    "api_version": "...", "extra": {other litellm_params}}
   * Secrets are already resolved. On failure writes one line to `error` and returns
   * LLMGW_BAD_ARGUMENT (start-up stops with that line).
   * OWNERSHIP: *instance belongs to the plugin until destroy. `host` outlives the instance.
   */
  llmgw_status (*create)(const llmgw_host* host, llmgw_str config_json, void** instance,
                         const llmgw_writer* error);
  /**
   * REQUIRED. Destroys an instance; no call on it is in flight. Called once for every create()
   * that returned LLMGW_OK, even if it left *instance NULL.
   */
  void (*destroy)(void* instance);

  /**
   * REQUIRED. Encodes the upstream request for `call` (URL, headers, body). Returns LLMGW_OK,
   * LLMGW_UNSUPPORTED (a feature the upstream lacks; `error` names it; client gets 400
   * "unsupported_feature", the provider named) or LLMGW_BAD_ARGUMENT (the request cannot be
   * translated; client gets 400 with `error`). Any other status (LLMGW_ERROR: an internal
   * failure, e.g. an exception caught by llmgw::ProviderHooks) gives the client a 500 without
   * `error`'s text, which the core logs; the call may go on to another deployment.
   */
  llmgw_status (*encode_request)(void* instance, const llmgw_call* call,
                                 const llmgw_request_out* out, const llmgw_writer* error);

  /**
   * REQUIRED. Decodes a whole upstream response. For 2xx: writes the body (canonical, or native
   * on passthrough — use_upstream_body when no change is needed) and usage, returns LLMGW_OK.
   * For errors (any status, or an undecodable 2xx): set_error with the class, returns
   * LLMGW_ERROR.
   */
  llmgw_status (*decode_response)(void* instance, const llmgw_call* call,
                                  const llmgw_upstream_response* response,
                                  const llmgw_result_out* out);

  /**
   * Opens a stream decoder for a 2xx streaming response. NULL: streaming not supported.
   * `response` carries status and headers with an empty body.
   */
  llmgw_status (*stream_open)(void* instance, const llmgw_call* call,
                              const llmgw_upstream_response* response, llmgw_stream** stream);
  /**
   * Feeds the next upstream bytes, cut at any boundary. Emits zero or more events. Returns
   * LLMGW_NEED_MORE, LLMGW_DONE (the stream's end marker was seen; further bytes are ignored)
   * or LLMGW_ERROR (set_error was called).
   */
  llmgw_status (*stream_feed)(llmgw_stream* stream, llmgw_str bytes, const llmgw_event_out* out);
  /**
   * The upstream closed the body. Flushes what is buffered. Returns LLMGW_DONE, or LLMGW_ERROR
   * when the stream was truncated (set_error with LLMGW_ERR_BAD_RESPONSE or TRANSIENT).
   */
  llmgw_status (*stream_close)(llmgw_stream* stream, const llmgw_event_out* out);
  /** Frees a stream object. Always called once for each successful stream_open. */
  void (*stream_destroy)(llmgw_stream* stream);
  /* -- appended in abi_minor 1 and later go below this line -- */
  /* -- appended in abi_minor 1: the credential exchange (set both or neither) -- */
  /**
   * OPTIONAL (1.1). Describes the HTTP request that obtains or renews the deployment's
   * credential (e.g. an OAuth access token for a signed JWT): method, absolute URL, headers and
   * body through `out` (use_call_body is not available here). Plugins own no sockets: the core
   * sends the request on a background thread, never on a client request's path, and hands the
   * answer to credential_accept. Called once right after create() (start-up waits for that first
   * exchange, bounded by a timeout) and again whenever the delay credential_accept returned has
   * passed. Returns LLMGW_OK (request written), LLMGW_NOT_FOUND (this instance needs no
   * exchange: the core stops asking) or LLMGW_ERROR (one line in `error`; the core logs it and
   * asks again after 30 s).
   * THREADS: the core's credential thread; concurrently with encode_request on other threads.
   */
  llmgw_status (*credential_request)(void* instance, const llmgw_request_out* out, const llmgw_writer* error);
  /**
   * OPTIONAL (1.1, REQUIRED with credential_request). The answer to the request written by
   * credential_request: status, headers, whole body (status 0 and an empty body when it could
   * not be had: connection refused, TLS failure, timeout). The plugin keeps what it needs (e.g.
   * the token and its expiry) for its encode_request to use, and writes into *refresh_in_ms when
   * the core should call credential_request again, in milliseconds from now (before the
   * credential expires; after a failure a short back-off). Returns LLMGW_OK, or LLMGW_ERROR with
   * one line in `error` (logged by the core at WARN; *refresh_in_ms is still honoured, 30 s when
   * left negative).
   * THREADS: the core's credential thread; concurrently with encode_request on other threads,
   * which must therefore read the cached credential under the plugin's own synchronisation.
   */
  llmgw_status (*credential_accept)(void* instance, const llmgw_upstream_response* response, int64_t* refresh_in_ms,
                                    const llmgw_writer* error);
} llmgw_provider_vtable;

/* ------------------------------------------------------------------------------------------ */
/* Router kind (routing strategies)                                                           */
/* ------------------------------------------------------------------------------------------ */

/**
 * One deployment a router may pick, with the live statistics the core keeps for it.
 * The core fills one per admitted deployment (never a deployment that is cooling down) at each
 * pick. OWNERSHIP: host. LIFETIME: the pick call; copy what must outlive it.
 * "Unknown" is -1 for the signed and floating-point statistics.
 * ARRAYS: candidates are handed in as an array whose element stride is
 * llmgw_pick_request.candidate_size (equal to each element's struct_size), so that members
 * appended by a later minor do not break a plugin built against an earlier one: step with
 * LLMGW_PICK_CANDIDATE(), never with `candidates[i]`.
 */
typedef struct llmgw_candidate {
  size_t struct_size;           /**< the host's sizeof(llmgw_candidate); = candidate_size */
  llmgw_str deployment_id;      /**< model_info.id, or "<alias>#<index>" */
  uint32_t weight;              /**< litellm_params.weight (default 1; 0: never by weight) */
  uint32_t in_flight;           /**< calls started on it and not yet ended, this instance */
  double ewma_latency_ms;       /**< moving average of whole-call latency of successes; -1 unknown */
  double ewma_ttft_ms;          /**< moving average of time to the first byte; -1 unknown */
  int64_t requests_this_minute; /**< calls started in the current wall-clock minute */
  int64_t tokens_this_minute;   /**< tokens used in the current wall-clock minute */
  int64_t rpm_limit;            /**< litellm_params.rpm; 0: unlimited */
  int64_t tpm_limit;            /**< litellm_params.tpm; 0: unlimited */
  uint32_t recent_failures;     /**< failures lately: +1 each, halved every 10 s without one */
  double input_price_per_mtok;  /**< USD per million input tokens; -1 unknown */
  double output_price_per_mtok; /**< USD per million output tokens; -1 unknown */
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_candidate;

/**
 * What one pick is about. OWNERSHIP: host. LIFETIME: the pick call. THREADS: the calling
 * request thread.
 */
typedef struct llmgw_pick_request {
  size_t struct_size;
  llmgw_str model;                    /**< the alias (model group) the call is for */
  const llmgw_candidate* candidates;  /**< `count` candidates, `candidate_size` bytes apart */
  size_t count;                       /**< >= 1 (the core does not ask when it is 1) */
  size_t candidate_size;              /**< stride of `candidates` in bytes */
  /** A uniformly distributed 64-bit value drawn for this pick: seed for the plugin's choices. */
  uint64_t random;
  int is_stream;                      /**< 1 for a streaming call (rank by TTFT), else 0 */
  int64_t now_ms;                     /**< wall clock, ms since the Unix epoch */
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_pick_request;

/** Candidate `i` of a pick request (0 <= i < count), stepping by candidate_size. */
#define LLMGW_PICK_CANDIDATE(request, i) \
  ((const llmgw_candidate*)((const char*)(request)->candidates + (i) * (request)->candidate_size))

/**
 * A routing strategy (LiteLLM's router_settings.routing_strategy): picks one deployment of an
 * alias's pool from the candidates' live statistics. The core keeps the statistics, never the
 * plugin; a plugin holds no per-request state.
 * THREADS: pick is called concurrently from every request thread on one instance: the instance
 * is immutable after create, and pick must not block, lock, allocate or log per call.
 */
typedef struct llmgw_router_vtable {
  size_t struct_size;
  /**
   * REQUIRED, non-empty. Space-separated strategy names this plugin implements, as written in
   * router_settings.routing_strategy (e.g. "least-busy latency-based-routing"). No two loaded
   * router plugins may share a name. OWNERSHIP: plugin (static storage).
   */
  const char* strategy_names;
  /**
   * REQUIRED. Creates an instance for the configured strategy. config_json is
   *   {"strategy": "<one of strategy_names>", "args": {router_settings.routing_strategy_args}}
   * On failure writes one line to `error` and returns LLMGW_BAD_ARGUMENT; start-up stops with
   * that line. OWNERSHIP: *instance belongs to the plugin until destroy; `host` outlives it.
   * THREADS: the main thread, at start-up.
   */
  llmgw_status (*create)(const llmgw_host* host, llmgw_str config_json, void** instance,
                         const llmgw_writer* error);
  /**
   * REQUIRED. Destroys an instance; no pick on it is in flight. Called once for every create()
   * that returned LLMGW_OK, even if it left *instance NULL.
   */
  void (*destroy)(void* instance);
  /**
   * REQUIRED. Writes the index (0 <= *chosen < request->count) of the chosen candidate and
   * returns LLMGW_OK. Any other status, or an index out of range, makes the core pick by weight
   * for this call, count it and log one warning (the first); no error text is taken, so that
   * a pick never allocates. Must not throw. THREADS: concurrent, see above.
   */
  llmgw_status (*pick)(void* instance, const llmgw_pick_request* request, size_t* chosen);
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_router_vtable;

/* ------------------------------------------------------------------------------------------ */
/* Guardrail kind                                                                             */
/* ------------------------------------------------------------------------------------------ */

/** When a guardrail runs. */
typedef int32_t llmgw_guard_phase;
/** Values of llmgw_guard_phase. */
enum llmgw_guard_phase_values {
  LLMGW_PHASE_INPUT = 1,        /**< check(): the request's text before it goes upstream */
  LLMGW_PHASE_OUTPUT = 2,       /**< check(): a whole (non-stream) answer's text */
  LLMGW_PHASE_STREAM_CHUNK = 3, /**< stream_open(): a streamed answer, piece by piece */
  LLMGW_PHASE_CALL = 4          /**< call_open(): a client request begins (no segments); added in
                                     abi_minor 2, only call_open sees it */
};

/** A guardrail's verdict on a check (the strongest verdict over its segments). */
typedef int32_t llmgw_verdict;
/** Values of llmgw_verdict. Any other value (negative ones included) means the guardrail
 *  failed: the core answers 500 and does not call the upstream (input) or send the answer
 *  (output) — it fails closed. */
enum llmgw_verdict_values {
  LLMGW_ALLOW = 0,  /**< every segment passes unchanged; nothing was written to the out-table */
  LLMGW_REDACT = 1, /**< pass with the replacements written through llmgw_guard_out.replace */
  LLMGW_BLOCK = 2   /**< refuse (llmgw_guard_out.block was called): input → 400 in the client's
                         dialect naming the detector; output → 400 for a whole answer; a
                         stream ends with an error event naming the detector */
};

/** Where a segment's text comes from. */
typedef int32_t llmgw_segment_source;
/** Values of llmgw_segment_source. Treat an unknown value like LLMGW_SEGMENT_MESSAGE. */
enum llmgw_segment_source_values {
  LLMGW_SEGMENT_SYSTEM = 1,         /**< a system prompt (Anthropic "system", OpenAI system or
                                         developer message) */
  LLMGW_SEGMENT_MESSAGE = 2,        /**< text of a user or assistant message */
  LLMGW_SEGMENT_TOOL_ARGUMENTS = 3, /**< arguments of a tool call (OpenAI: the arguments JSON
                                         text; Anthropic: one string value of a tool_use input) */
  LLMGW_SEGMENT_TOOL_RESULT = 4,    /**< text of a tool result (OpenAI role "tool"; Anthropic
                                         tool_result content) */
  LLMGW_SEGMENT_ANSWER = 5          /**< text of the model's answer (output phases) */
};

/**
 * One piece of text a guardrail judges, with where it came from.
 * OWNERSHIP: host. LIFETIME: the hook call. ARRAYS: stride is llmgw_guard_request.segment_size
 * (step with LLMGW_GUARD_SEGMENT), so that a later minor can append members.
 * OFFSETS: every offset a guardrail reports is a byte offset into `text`, the DECODED text (JSON
 * escapes resolved, UTF-8) — never into the request's wire bytes.
 */
typedef struct llmgw_segment {
  size_t struct_size;             /**< the host's sizeof(llmgw_segment) */
  llmgw_segment_source source;
  /**
   * Input: the index of the message in "messages" (-1 for Anthropic's top-level "system").
   * Output: the choice index (OpenAI; 0 for Anthropic).
   */
  int64_t message_index;
  /** The content part, content block or tool call within that message; -1 when none. */
  int64_t part_index;
  /** The message's role ("system", "developer", "user", "assistant", "tool"); may be empty. */
  llmgw_str role;
  /** Tool arguments: the tool's name; tool results: the tool call id; else empty. */
  llmgw_str name;
  /** The decoded text. */
  llmgw_str text;
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_segment;

/**
 * What one check is about. OWNERSHIP: host. LIFETIME: the hook call.
 */
typedef struct llmgw_guard_request {
  size_t struct_size;
  llmgw_guard_phase phase;          /**< LLMGW_PHASE_INPUT or _OUTPUT for check(); _STREAM_CHUNK
                                         for stream_open(); _CALL for call_open() */
  llmgw_dialect client_dialect;     /**< the dialect the client speaks */
  llmgw_str model;                  /**< the alias the call is for */
  const llmgw_segment* segments;    /**< `count` segments, `segment_size` bytes apart (none for
                                         stream_open) */
  size_t count;
  size_t segment_size;              /**< stride of `segments` in bytes */
  /* -- appended in abi_minor 2 -- */
  /**
   * The guardrail's own per-call state: what its call_open made for the client request this
   * check or stream belongs to (the same pointer for the request's input check, its whole
   * answer's check and its streamed answer's stream_open, across retries and fallbacks). NULL
   * when the guardrail has no call_open, when its call_open left it NULL, and in call_open's own
   * request. Read it only if LLMGW_HAS_MEMBER(request, llmgw_guard_request, call): an ABI 1.1
   * host hands in a request without it (and never opens calls).
   */
  void* call;
  /* -- appended in abi_minor 3 and later go below this line -- */
} llmgw_guard_request;

/** Segment `i` of a guard request (0 <= i < count), stepping by segment_size. */
#define LLMGW_GUARD_SEGMENT(request, i) \
  ((const llmgw_segment*)((const char*)(request)->segments + (i) * (request)->segment_size))

/**
 * Where check() writes its per-segment verdicts. A segment nothing is written for is allowed.
 * OWNERSHIP: host. LIFETIME: the check call. THREADS: the thread running check.
 */
typedef struct llmgw_guard_out {
  size_t struct_size;
  void* ctx;
  /**
   * Redact: replaces bytes [offset, offset+len) of segment `segment`'s decoded text with
   * `replacement` (copied). Ranges of one segment must not overlap; any order. A range outside
   * the text, or overlapping another, makes the whole check count as failed (500).
   */
  void (*replace)(void* ctx, size_t segment, size_t offset, size_t len, llmgw_str replacement);
  /**
   * Block: refuses the call because of segment `segment`. `detector` names what matched
   * ("email", "aws_access_key"; [A-Za-z0-9._-]) and goes to the client; `reason` is a short
   * human text for the client too. NEITHER may contain the matched text.
   */
  void (*block)(void* ctx, size_t segment, llmgw_str detector, llmgw_str reason);
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_guard_out;

/** Opaque per-call state of a guardrail over one streamed answer, made by stream_open. */
typedef struct llmgw_guard_stream llmgw_guard_stream;

/**
 * Where a guard stream writes the text that may go to the client. OWNERSHIP: host.
 * LIFETIME: the stream_feed / stream_close call. THREADS: the thread running that call.
 */
typedef struct llmgw_guard_stream_out {
  size_t struct_size;
  void* ctx;
  /**
   * Releases text of channel `channel` to the client, in order (any number of calls per feed,
   * also none: the text is held back). Over a channel's life the released text is the fed
   * text with the stream's redactions applied; what a stream holds back must be released by
   * a later feed or by stream_close of that channel.
   */
  void (*emit)(void* ctx, size_t channel, llmgw_str text);
  /** Blocks the stream: nothing more of it goes out; the core ends the client's stream with an
   *  error event naming the guardrail and `detector` (a 400 when nothing was sent yet).
   *  `detector` and `reason` as in llmgw_guard_out.block (never the matched text). */
  void (*block)(void* ctx, size_t channel, llmgw_str detector, llmgw_str reason);
  /* -- appended in abi_minor 1 and later go below this line -- */
} llmgw_guard_stream_out;

/**
 * A guardrail: judges text segments of requests and answers. Whole texts go through check();
 * a streamed answer goes through a guard stream, which may hold back the tail of a channel that
 * could still become a match (the client waits for at most that tail).
 * THREADS: check and stream_open are called concurrently on one instance (it is immutable after
 * create); a guard stream is used by one thread at a time. None may block; none may log at info
 * level per call.
 */
typedef struct llmgw_guardrail_vtable {
  size_t struct_size;
  /**
   * REQUIRED. Creates an instance from the plugin's `config:` (plugins.load entry) as JSON
   * ({} when none). On failure writes one line to `error` and returns LLMGW_BAD_ARGUMENT;
   * start-up stops with that line. OWNERSHIP: *instance belongs to the plugin until destroy;
   * `host` outlives it. THREADS: the main thread, at start-up.
   */
  llmgw_status (*create)(const llmgw_host* host, llmgw_str config_json, void** instance,
                         const llmgw_writer* error);
  /**
   * REQUIRED. Destroys an instance; no call or stream on it is in flight. Called once for every
   * create() that returned LLMGW_OK, even if it left *instance NULL.
   */
  void (*destroy)(void* instance);
  /**
   * REQUIRED. Judges every segment of `request` (phase INPUT or OUTPUT) and returns the
   * strongest verdict: LLMGW_ALLOW (nothing written), LLMGW_REDACT (replace() called),
   * LLMGW_BLOCK (block() called; replacements are then ignored). Another value: failure.
   */
  llmgw_verdict (*check)(void* instance, const llmgw_guard_request* request,
                         const llmgw_guard_out* out);
  /**
   * Opens a guard stream for one streamed answer (`request->phase` is LLMGW_PHASE_STREAM_CHUNK,
   * no segments). NULL (and stream_feed, stream_close, stream_destroy NULL): the guardrail
   * does not look at streamed answers. Returns LLMGW_OK, or another status: the stream fails
   * closed (the client's stream ends with an error).
   */
  llmgw_status (*stream_open)(void* instance, const llmgw_guard_request* request,
                              llmgw_guard_stream** stream);
  /**
   * Feeds the next piece of channel `channel`'s text. A channel is one run of text of the
   * answer (the core numbers them from 0: a choice's or content block's text, one tool call's
   * argument deltas); `piece` says which (source LLMGW_SEGMENT_ANSWER or
   * LLMGW_SEGMENT_TOOL_ARGUMENTS, indexes, name) and carries the new text only. Releases text
   * through out->emit (the same channel). Returns LLMGW_OK; LLMGW_ERROR: failure (fail closed).
   */
  llmgw_status (*stream_feed)(llmgw_guard_stream* stream, size_t channel, const llmgw_segment* piece,
                              const llmgw_guard_stream_out* out);
  /**
   * Channel `channel` ended (its content block stopped, or the answer finished): release all it
   * holds, judged as final text. The core calls it once per channel it fed. Returns LLMGW_OK or
   * LLMGW_ERROR.
   */
  llmgw_status (*stream_close)(llmgw_guard_stream* stream, size_t channel,
                               const llmgw_guard_stream_out* out);
  /** Frees a guard stream. Called once for every successful stream_open. */
  void (*stream_destroy)(llmgw_guard_stream* stream);
  /* -- appended in abi_minor 2 -- */
  /**
   * Opens the guardrail's state for one client request (a "call"): e.g. what its input
   * redaction replaced, so that the answer to the same request can be restored. OPTIONAL, with
   * call_close: both or neither (checked at load). NULL: the guardrail keeps no per-call state
   * and every request's `call` is NULL.
   * The core calls it once per client request whose alias the guardrail guards (in any phase),
   * before that request's input check (`request->phase` is LLMGW_PHASE_CALL, no segments,
   * `request->call` NULL), and hands `*call` to every check and stream_open of that request in
   * llmgw_guard_request.call. Returns LLMGW_OK (`*call` may stay NULL), or another status: the
   * call fails closed (500 guardrail_failed, nothing goes upstream) and call_close is not called.
   * THREADS: as check; the checks and streams of one call never run concurrently (one thread at
   * a time), but different calls of the instance do.
   */
  llmgw_status (*call_open)(void* instance, const llmgw_guard_request* request, void** call);
  /**
   * Ends a call: frees what call_open made. Called exactly once for every call_open that
   * returned LLMGW_OK (also when it left `*call` NULL), when the client request ends on any path
   * (answered, blocked, failed, the client gone), after the last check of the call and after
   * stream_destroy of each of its guard streams. Must not fail.
   */
  void (*call_close)(void* instance, void* call);
  /* -- appended in abi_minor 3 and later go below this line -- */
} llmgw_guardrail_vtable;

/* ------------------------------------------------------------------------------------------ */
/* Sink kind (observability)                                                                  */
/* ------------------------------------------------------------------------------------------ */

/** What an event describes; selects the schema of llmgw_sink_event.json (sdk/EVENTS.md). */
typedef int32_t llmgw_event_type;
/** Values of llmgw_event_type. A sink ignores types it does not know (return LLMGW_OK). */
enum llmgw_event_type_values {
  /** One finished client request, with its upstream attempts (sdk/EVENTS.md "request"). */
  LLMGW_EVENT_REQUEST = 1
};

/**
 * One event handed to a sink.
 * OWNERSHIP: host. LIFETIME: the emit call only; copy what you keep.
 */
typedef struct llmgw_sink_event {
  size_t struct_size;
  /** LLMGW_EVENT_*. */
  llmgw_event_type type;
  /** The version of the type's JSON schema in sdk/EVENTS.md (1 for every type today). A later
   *  version only adds fields; a new meaning of a field is a new type. */
  uint32_t schema_version;
  /** One JSON object, UTF-8, no trailing newline; its fields are in sdk/EVENTS.md. */
  llmgw_str json;
  /** When the described thing ended, milliseconds since the Unix epoch (also in `json`). */
  int64_t time_unix_ms;
  /** Events of this sink dropped since the previous emit because its queue was full (the
   *  sink was slower than the traffic); 0 normally. Also counted on /metrics. */
  uint64_t dropped_before;
  /* -- appended in abi_minor 2 and later go below this line -- */
} llmgw_sink_event;

/**
 * An observability sink: receives one event per finished request (and later other event types),
 * for logs, traces or metrics systems.
 *
 * THREADS: each configured sink instance has ONE thread of its own in the core; create runs on
 * the main thread at start-up, emit and flush on that sink thread (never concurrently with each
 * other), destroy on the main thread after the sink thread stopped. A request never waits for a
 * sink: events go through a bounded queue, and a full queue drops (and counts) events.
 */
typedef struct llmgw_sink_vtable {
  size_t struct_size;
  /**
   * REQUIRED. Makes one instance from `config_json` (the `config:` object of the plugin's
   * plugins.load entry, "{}" when there is none). On failure writes one line to `error` and
   * returns LLMGW_BAD_ARGUMENT (bad config) or LLMGW_ERROR; start-up stops with that line.
   * `host` outlives the instance; its http_post is the way to reach the network.
   */
  llmgw_status (*create)(const llmgw_host* host, llmgw_str config_json, void** instance,
                         const llmgw_writer* error);
  /** REQUIRED. Destroys an instance (after its last emit/flush). */
  void (*destroy)(void* instance);
  /**
   * REQUIRED. Takes one event. It may block (it runs on the sink's own thread; events queue
   * meanwhile, and drop when the queue is full). LLMGW_OK: taken; any other status: the event
   * is lost, counted on /metrics (llmgw_sink_errors_total), and the core logs the first failure
   * (at most one line a minute after it). An unknown event type: return LLMGW_OK and ignore it.
   */
  llmgw_status (*emit)(void* instance, const llmgw_sink_event* event);
  /**
   * Writes out what the instance buffered. Called on the sink thread when its queue runs empty
   * after events (so a batching sink exports idle batches promptly) and once more at shutdown,
   * after the last emit. NULL: nothing to flush.
   */
  llmgw_status (*flush)(void* instance);
  /* -- appended in abi_minor 2 and later go below this line -- */
} llmgw_sink_vtable;

/** Reads member `member` of a table only if the table's struct_size covers it. */
#define LLMGW_HAS_MEMBER(table_ptr, type, member) \
  ((table_ptr)->struct_size >= offsetof(type, member) + sizeof(((type*)0)->member))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LLMGW_PLUGIN_H */
