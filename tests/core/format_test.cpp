// SPDX-License-Identifier: MIT
// formatNumber: the text of numbers in steps and messages is printf's "%.10g".
#include <cstdio>
#include <cstdlib>
#include <random>

#include "support.h"

using namespace mltest;

namespace {
std::string printf10g(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", x);
  return buffer;
}
}  // namespace

TEST_CASE("formatNumber: examples", "[format]") {
  CHECK(formatNumber(60552.76381909548) == "60552.76382");
  CHECK(formatNumber(0.005) == "0.005");
  CHECK(formatNumber(-1) == "-1");
  CHECK(formatNumber(0) == "0");
  CHECK(formatNumber(1e20) == "1e+20");
  CHECK(formatNumber(0.000012345) == "1.2345e-05");
  CHECK(formatNumber(1535443.01) == "1535443.01");
  CHECK(formatNumber(9999999999.5) == printf10g(9999999999.5));
  CHECK(formatNumber(0.99999999999) == printf10g(0.99999999999));
}

TEST_CASE("formatNumber: equals %.10g, or reads back as the same 10-digit number", "[format][properties]") {
  // Property: for 200,000 values over 30 decades the text is printf's, except where printf and a
  // double product round a tie differently: then both read back within one unit of the 10th digit.
  std::mt19937_64 rng(7);
  int differ = 0;
  for (int i = 0; i < 200'000; ++i) {
    const double mantissa = 1 + (rng() >> 11) * 0x1.0p-53 * 9;
    const int exponent = static_cast<int>(rng() % 30) - 15;
    double x = mantissa * std::pow(10.0, exponent) * (rng() % 2 ? 1 : -1);
    if (i % 5 == 0) x = std::round(x * 100) / 100;  // prices and amounts with cents
    const std::string fast = formatNumber(x), slow = printf10g(x);
    if (fast != slow) {
      ++differ;
      const double a = std::strtod(fast.c_str(), nullptr), b = std::strtod(slow.c_str(), nullptr);
      INFO(x << ": " << fast << " vs " << slow);
      CHECK(std::abs(a - b) <= std::abs(b) * 1.0000001e-9);
    }
  }
  CHECK(differ < 200);  // 0.1%: a product a*10^k rounds a near-tie differently from printf
}
