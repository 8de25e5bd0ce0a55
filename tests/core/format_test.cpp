// SPDX-License-Identifier: MIT
// formatNumber: the text of numbers in steps and messages is printf's "%.10g", exactly.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>
#include <cfloat>

#include "support.h"

using namespace mltest;

namespace {
double fromBits(std::uint64_t bits) {
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

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
  CHECK(formatNumber(DBL_MAX) == "1.797693135e+308");
  CHECK(formatNumber(-DBL_MIN) == "-2.225073859e-308");
  CHECK(formatNumber(DBL_TRUE_MIN) == "4.940656458e-324");
  CHECK(formatNumber(0x1p64) == "1.844674407e+19");
}

TEST_CASE("formatNumber: equals %.10g at the edges", "[format]") {
  std::vector<double> edges = {DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 2 * DBL_TRUE_MIN, DBL_MIN - DBL_TRUE_MIN,
                               0x1p64, 1e-5, 1e19, 1e20, 1e100, 1e-100, 1e308, 1e-308, 1e-320,
                               std::nan(""), -std::nan(""), INFINITY, 5e-324, 1.5e-323};
  for (int e = -330; e <= 310; ++e) edges.push_back(std::pow(10.0, e));
  for (double x : std::vector<double>(edges)) {
    for (double to : {0.0, 1e308}) {
      double y = x;
      for (int i = 0; i < 3; ++i) edges.push_back(y = std::nextafter(y, to));
    }
  }
  std::size_t i = 0;
  CHECK(differences(static_cast<int>(edges.size() * 2), [&] {
          const double x = edges[i / 2];
          return i++ % 2 ? -x : x;
        }) == 0);
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
            return fromBits(rng());
          }) == 0);
  }
  SECTION("any bit pattern below 1e-5 or above 2^64, where the exact big-integer path works") {
    CHECK(differences(200'000, [&] {
            const std::uint64_t exponent = rng() % 2 ? rng() % 1007 : 1087 + rng() % 960;
            return fromBits((exponent << 52) | (rng() >> 12)) * sign();
          }) == 0);
  }
  SECTION("ties of the 10th digit below 1e-5 and above 2^64") {
    CHECK(differences(100'000, [&] {
            const double digits = static_cast<double>(1'000'000'000 + rng() % 9'000'000'000);
            const int exponent = rng() % 2 ? -static_cast<int>(rng() % 300) - 16 : static_cast<int>(rng() % 290) + 10;
            return (digits + 0.5) * std::pow(10.0, exponent) * sign();
          }) == 0);
  }
  SECTION("any bit pattern between 1e-6 and 1e20, where the fast path works") {
    CHECK(differences(400'000, [&] {
            return fromBits((std::uint64_t{1003 + rng() % 64} << 52) | (rng() >> 12)) * sign();
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

TEST_CASE("formatNumber: equals %.10g on 8 million bit patterns (slow)", "[.format-long]") {
  std::mt19937_64 rng(11);
  CHECK(differences(8'000'000, [&] {
          return fromBits(rng());
        }) == 0);
}
