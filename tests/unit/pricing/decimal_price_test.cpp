#include <catch2/catch.hpp>

#include "pricing/decimal_price.hpp"

using llmgw::pricing::format_nano_usd;
using llmgw::pricing::parse_usd_to_pico;

TEST_CASE("USD per token is read exactly into pico-dollars", "[pricing]") {
  CHECK(parse_usd_to_pico("2.5e-06") == 2'500'000);  // $2.50 / 1M tokens
  CHECK(parse_usd_to_pico("0.0000025") == 2'500'000);
  CHECK(parse_usd_to_pico("1.25E-06") == 1'250'000);
  CHECK(parse_usd_to_pico("3.75e-06") == 3'750'000);
  CHECK(parse_usd_to_pico("1.5e-07") == 150'000);     // $0.15 / 1M
  CHECK(parse_usd_to_pico("3.75e-08") == 37'500);     // $0.0375 / 1M
  CHECK(parse_usd_to_pico("5e-09") == 5'000);         // $0.005 / 1M
  CHECK(parse_usd_to_pico("0.000075") == 75'000'000); // $75 / 1M
  CHECK(parse_usd_to_pico("1e-05") == 10'000'000);
  CHECK(parse_usd_to_pico("0") == 0);
  CHECK(parse_usd_to_pico("0.0") == 0);
  CHECK(parse_usd_to_pico("0e0") == 0);
  CHECK(parse_usd_to_pico("1") == 1'000'000'000'000);
  CHECK(parse_usd_to_pico("100.0") == 100'000'000'000'000);
  // 0.1 is not exact as a double (0.1000000000000000055...); as text it is.
  CHECK(parse_usd_to_pico("0.1") == 100'000'000'000);
  // Below a pico-dollar: rounded half up.
  CHECK(parse_usd_to_pico("0.0000000000005") == 1);
  CHECK(parse_usd_to_pico("0.0000000000004999") == 0);
  CHECK(parse_usd_to_pico("1.0000005e-6") == 1'000'001);  // 1,000,000.5 pUSD
  CHECK(parse_usd_to_pico("1.0000004e-6") == 1'000'000);
}

TEST_CASE("anything but a plain non-negative price is refused", "[pricing]") {
  for (const char* bad : {"", "-1e-6", "+1e-6", "abc", "1e", "1e+", "1e-6x", "NaN", "Infinity", ".", "1..2",
                          "0x10", "1e-6 ", " 1e-6", "1000000.000001", "2e6", "1e400"})
    CHECK_FALSE(parse_usd_to_pico(bad).has_value());
  CHECK(parse_usd_to_pico("1000000") == 1'000'000'000'000'000'000);  // $1M per token: the largest
  CHECK(parse_usd_to_pico("1e-500") == std::nullopt);  // exponent beyond any price: refused
  // Found by fuzz_price_table: 10^35 overflowed the 128-bit divisor.
  CHECK(parse_usd_to_pico("1.720368547758080809e-35") == 0);
  CHECK(parse_usd_to_pico("999999999999999999999999999999e-42") == 1);  // 0.999... pUSD rounds up
}

TEST_CASE("nano-dollars print as exact decimal USD", "[pricing]") {
  CHECK(format_nano_usd(0) == "0");
  CHECK(format_nano_usd(1) == "0.000000001");
  CHECK(format_nano_usd(5'615'000) == "0.005615");
  CHECK(format_nano_usd(2'500'000'000) == "2.5");
  CHECK(format_nano_usd(12'000'000'000) == "12");
  CHECK(format_nano_usd(-1'500'000) == "-0.0015");
  CHECK(format_nano_usd(INT64_MIN) == "-9223372036.854775808");
}
