// The Catch2 runner every unit-test executable links (the llmgw_catch_main library): compiled
// once, not once per executable. Catch2 2's single header holds its whole session and reporters
// behind CATCH_CONFIG_MAIN; at -O3 that one file cost 50-80 s to compile, and there were 30
// copies of it.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
