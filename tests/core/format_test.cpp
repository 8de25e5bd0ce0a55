// SPDX-License-Identifier: MIT
// formatNumber: the text of numbers in steps and messages is printf's "%.10g", exactly.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>

#include "support.h"

using namespace mltest;

namespace {
std::string printf10g(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", x);
  return buffer;
}

/// Counts the values whose text differs from printf's (and shows the first few).
template <class Next>
int differences(int count, Next next) {
  int differ = 0;
  for (int i = 0; i < count; ++i) {
    const double x = next();
    const std::string fast = formatNumber(x), slow = printf10g(x);
    char buffer[kNumberChars];
    const std::string written(buffer, formatNumber(x, buffer));
    if (fast != slow || written != slow) {
      if (++differ <= 5) {
        char exact[40];
        std::snprintf(exact, sizeof exact, "%.17g", x);
        FAIL_CHECK(exact << ": formatNumber " << fast << ", printf " << slow);
      }
    }
  }
  return differ;
}
}  // namespace

TEST_CASE("formatNumber: examples", "[format]") {
  CHECK(formatNumber(60552.76381909548) == "60552.76382");
  CHECK(formatNumber(0.005) == "0.005");
  CHECK(formatNumber(-1) == "-1");
  CHECK(formatNumber(0) == "0");
  CHECK(formatNumber(-0.0) == "-0");
  CHECK(formatNumber(1e20) == "1e+20");
  CHECK(formatNumber(1e12) == "1e+12");
  CHECK(formatNumber(0.000012345) == "1.2345e-05");
  CHECK(formatNumber(1535443.01) == "1535443.01");
  CHECK(formatNumber(12345678905.0) == "1.23456789e+10");  // a tie on the integer: to even
  CHECK(formatNumber(12345678915.0) == "1.234567892e+10");
  CHECK(formatNumber(9999999999.5) == printf10g(9999999999.5));
  CHECK(formatNumber(0.99999999999) == printf10g(0.99999999999));
  CHECK(formatNumber(std::nan("")) == printf10g(std::nan("")));
  CHECK(formatNumber(-INFINITY) == "-inf");
  CHECK(formatNumber(1e-300) == "1e-300");
}

TEST_CASE("formatNumber: equals %.10g on random doubles of every kind", "[format][properties]") {
  std::mt19937_64 rng(7);
  auto uniform = [&] { return (rng() >> 11) * 0x1.0p-53; };
  auto sign = [&] { return rng() % 2 ? 1.0 : -1.0; };
  SECTION("1e-15 to 1e15, and the same to the cent") {
    int i = 0;
    CHECK(differences(400'000, [&] {
            double x = (1 + uniform() * 9) * std::pow(10.0, static_cast<int>(rng() % 30) - 15) * sign();
            if (++i % 5 == 0) x = std::round(x * 100) / 100;
            return x;
          }) == 0);
  }
  SECTION("any bit pattern (NaN, infinities, subnormals included)") {
    CHECK(differences(400'000, [&] {
            const std::uint64_t bits = rng();
            double x;
            std::memcpy(&x, &bits, sizeof x);
            return x;
          }) == 0);
  }
  SECTION("any bit pattern between 1e-6 and 1e20, where the fast path works") {
    CHECK(differences(400'000, [&] {
            const std::uint64_t bits = (std::uint64_t{1003 + rng() % 64} << 52) | (rng() >> 12);
            double x;
            std::memcpy(&x, &bits, sizeof x);
            return x * sign();
          }) == 0);
  }
  SECTION("ties and near-ties of the 10th digit, integers, and powers of ten") {
    int i = 0;
    CHECK(differences(400'000, [&] {
            const int kind = ++i % 4;
            const double digits = static_cast<double>(1'000'000'000 + rng() % 9'000'000'000);
            const int exponent = static_cast<int>(rng() % 26) - 14;
            if (kind == 0) return (digits + 0.5) * std::pow(10.0, exponent);  // x.5 at the 11th digit
            if (kind == 1) return std::nextafter((digits + 0.5) * std::pow(10.0, exponent), rng() % 2 ? 0.0 : 1e300);
            if (kind == 2) return static_cast<double>(rng() >> (rng() % 64));  // integers below 2^64
            return std::pow(10.0, exponent) * (rng() % 2 ? 1 : 1 - 0x1p-53);
          }) == 0);
  }
}
