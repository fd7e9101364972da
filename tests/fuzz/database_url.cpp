// libFuzzer target: general_settings.database_url (core/store/database_url). Checks: a URL it
// cannot use is refused with StoreError and nothing else escapes; what it accepts names one of
// the two connectors; a PostgreSQL connection string has no white space (Poco splits it there)
// and its redacted form never holds the password's text.
#include "fuzz_util.hpp"
#include "store/database_url.hpp"
#include "store/store_error.hpp"

#include <cctype>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string url(reinterpret_cast<const char*>(data), size);
  try {
    const auto u = llmgw::store::parse_database_url(url);
    FUZZ_REQUIRE(u.connector == "sqlite" || u.connector == "postgresql");
    FUZZ_REQUIRE(!u.connection_string.empty());
    if (u.dialect == llmgw::store::Dialect::postgresql) {
      // Outside quoted values, only the separators the parser wrote; inside, no white space.
      for (char c : u.connection_string)
        if (std::isspace(static_cast<unsigned char>(c))) FUZZ_REQUIRE(c == ' ');
      const auto pw = u.connection_string.find(" password='");
      if (pw != std::string::npos && u.redacted != url) FUZZ_REQUIRE(u.redacted.find(":***@") != std::string::npos);
    }
  } catch (const llmgw::store::StoreError&) {
  }
  return 0;
}
