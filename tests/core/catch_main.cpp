// SPDX-License-Identifier: MIT
// The Catch2 main of the core suites.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
