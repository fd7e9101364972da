#include "store/database_url.hpp"

#include <cctype>

#include "store/store_error.hpp"

namespace llmgw::store {
namespace {

[[noreturn]] void bad(const std::string& why) { throw StoreError("database_url: " + why); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s, const char* what) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) bad(std::string("bad percent-encoding in the ") + what);
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (out.find('\0') != std::string::npos) bad(std::string("the ") + what + " contains a NUL byte");
  return out;
}

/// A libpq keyword value: single-quoted, with \ and ' escaped. Poco::Data::PostgreSQL splits its
/// connection string at white space before libpq sees it, so a value with white space cannot
/// be passed at all: refused, naming the field (never its value).
std::string pq_quote(std::string_view v, const char* what) {
  for (char c : v)
    if (std::isspace(static_cast<unsigned char>(c)))
      bad(std::string("the ") + what + " contains white space, which Poco::Data::PostgreSQL cannot pass on");
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

bool is_keyword(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

DatabaseUrl parse_postgres(std::string_view url, std::string_view rest) {
  DatabaseUrl out;
  out.dialect = Dialect::postgresql;
  out.connector = "postgresql";
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest, path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  std::string_view userinfo, hostport = authority;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
  }
  std::string user, password;
  bool has_password = false;
  if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
    user = percent_decode(userinfo.substr(0, colon), "user name");
    password = percent_decode(userinfo.substr(colon + 1), "password");
    has_password = true;
  } else {
    user = percent_decode(userinfo, "user name");
  }
  std::string host;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) bad("unterminated [IPv6] host");
    host = std::string(hostport.substr(1, close - 1));
    auto after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad("expected :port after the [IPv6] host");
      port = after.substr(1);
    }
  } else if (auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = std::string(hostport.substr(0, colon));
    port = hostport.substr(colon + 1);
  } else {
    host = std::string(hostport);
  }
  if (host.empty()) bad("a postgresql:// URL needs a host");
  if (!port.empty()) {
    if (port.size() > 5) bad("port out of range");
    int p = 0;
    for (char c : port) {
      if (c < '0' || c > '9') bad("port is not a number");
      p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) bad("port out of range");
  }
  const std::string dbname = percent_decode(path, "database name");
  if (dbname.find('/') != std::string::npos) bad("the database name contains '/'");

  std::string cs = "host=" + pq_quote(host, "host");
  if (!port.empty()) cs += " port=" + std::string(port);
  if (!user.empty()) cs += " user=" + pq_quote(user, "user name");
  if (has_password) cs += " password=" + pq_quote(password, "password");
  if (!dbname.empty()) cs += " dbname=" + pq_quote(dbname, "database name");
  bool timeout_given = false, options_given = false;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) bad("query parameter without a value");
    const auto key = pair.substr(0, eq);
    if (!is_keyword(key)) bad("query parameter names are lower-case libpq keywords");
    if (key == "password" || key == "user" || key == "host" || key == "dbname")
      bad("give " + std::string(key) + " in the URL itself, not as a parameter");
    if (key == "connect_timeout") timeout_given = true;
    if (key == "options") options_given = true;
    cs += " " + std::string(key) + "=" + pq_quote(percent_decode(pair.substr(eq + 1), "query parameter"), "query parameter");
  }
  if (!timeout_given) cs += " connect_timeout=5";
  // libpq prints server NOTICEs on stderr ("relation already exists, skipping"): warnings only.
  if (!options_given) cs += " options='-cclient_min_messages=warning'";
  out.connection_string = std::move(cs);
  if (has_password) {
    const auto scheme_end = url.find("://") + 3;
    const auto colon = url.find(':', scheme_end);
    const auto at = url.rfind('@', url.find('/', scheme_end));
    out.redacted = std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
  } else {
    out.redacted = std::string(url);
  }
  return out;
}

}  // namespace

DatabaseUrl parse_database_url(std::string_view url) {
  constexpr std::string_view sqlite = "sqlite://", pg = "postgresql://", pg_short = "postgres://";
  if (url.substr(0, sqlite.size()) == sqlite) {
    DatabaseUrl out;
    out.connector = "sqlite";
    out.connection_string = std::string(url.substr(sqlite.size()));
    if (auto q = out.connection_string.find('?'); q != std::string::npos) bad("sqlite URLs take no parameters");
    if (out.connection_string.empty()) bad("sqlite:// needs a path, e.g. sqlite:///var/lib/llmgw/llmgw.db");
    if (out.connection_string.find('\0') != std::string::npos) bad("the path contains a NUL byte");
    out.redacted = std::string(url);
    return out;
  }
  if (url.substr(0, pg.size()) == pg) return parse_postgres(url, url.substr(pg.size()));
  if (url.substr(0, pg_short.size()) == pg_short) return parse_postgres(url, url.substr(pg_short.size()));
  const auto scheme = url.find("://");
  bad(scheme == std::string_view::npos
          ? std::string("expected sqlite:///path or postgresql://user:pass@host:port/db")
          : "unsupported scheme " + std::string(url.substr(0, scheme)) +
                " (sqlite:// and postgresql:// are supported)");
}

}  // namespace llmgw::store
