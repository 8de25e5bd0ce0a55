// SPDX-License-Identifier: MIT
// MarginLab: the enum and error-code strings JS and JSON see, and number formatting.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "marginlab/errors.h"
#include "marginlab/format.h"
#include "marginlab/scenario.h"

namespace marginlab {

std::string_view toString(Rules r) noexcept { return kRuleNames[static_cast<int>(r)]; }

std::string_view toString(Contract c) noexcept {
  return c == Contract::Linear ? "linear" : "inverse";
}
std::string_view toString(Side s) noexcept { return s == Side::Long ? "long" : "short"; }
std::string_view toString(MarginMode m) noexcept {
  return m == MarginMode::Isolated ? "isolated" : "cross";
}

std::optional<Rules> parseRules(std::string_view text) noexcept {
  for (int i = 0; i < static_cast<int>(std::size(kRuleNames)); ++i)
    if (kRuleNames[i] == text) return static_cast<Rules>(i);
  return std::nullopt;
}
std::optional<Contract> parseContract(std::string_view text) noexcept {
  if (text == "linear") return Contract::Linear;
  if (text == "inverse") return Contract::Inverse;
  return std::nullopt;
}
std::optional<Side> parseSide(std::string_view text) noexcept {
  if (text == "long") return Side::Long;
  if (text == "short") return Side::Short;
  return std::nullopt;
}
std::optional<MarginMode> parseMarginMode(std::string_view text) noexcept {
  if (text == "isolated") return MarginMode::Isolated;
  if (text == "cross") return MarginMode::Cross;
  return std::nullopt;
}

namespace {

char upper(char c) noexcept { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
bool alphanumeric(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// The end of an inverse symbol after its coin: nothing, a '-' or '_' part, or USD, USDT or USDC
/// followed by nothing or a '-' or '_' part.
bool coinSuffix(std::string_view rest) noexcept {
  auto tail = [](std::string_view t) {  // as the page's /([-_].*)?$/: no line break in the part
    return t.empty() || ((t.front() == '-' || t.front() == '_') && t.find_first_of("\r\n") == std::string_view::npos);
  };
  if (tail(rest)) return true;
  for (std::string_view quote : {"USDT", "USDC", "USD"})
    if (rest.substr(0, quote.size()) == quote && tail(rest.substr(quote.size()))) return true;
  return false;
}

}  // namespace

std::string settlementAsset(std::string_view symbol, Contract contract) {
  std::string s(symbol);
  for (char& c : s) c = upper(c);
  const std::string_view text = s;
  if (contract == Contract::Inverse) {
    // The shortest run of letters and digits from the start that the rest completes as a suffix.
    for (std::size_t n = 1; n <= text.size() && alphanumeric(text[n - 1]); ++n)
      if (coinSuffix(text.substr(n))) return std::string(text.substr(0, n));
    return "coin";
  }
  for (std::string_view quote : {"USDT", "USDC", "FDUSD", "BUSD", "USD"}) {
    const bool atEnd = text.size() >= quote.size() && text.substr(text.size() - quote.size()) == quote;
    const std::size_t at = text.find(quote);
    bool beforeSeparator = false;
    for (std::size_t i = at; i != std::string_view::npos; i = text.find(quote, i + 1)) {
      const std::size_t after = i + quote.size();
      if (after < text.size() && (text[after] == '-' || text[after] == '_')) beforeSeparator = true;
    }
    if (atEnd || beforeSeparator) return std::string(quote);
  }
  return "quote";
}

std::string_view toString(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::Missing: return "missing";
    case ErrorCode::WrongType: return "wrongType";
    case ErrorCode::NotFinite: return "notFinite";
    case ErrorCode::NotPositive: return "notPositive";
    case ErrorCode::Negative: return "negative";
    case ErrorCode::OutOfRange: return "outOfRange";
    case ErrorCode::UnknownValue: return "unknownValue";
    case ErrorCode::Empty: return "empty";
    case ErrorCode::TooMany: return "tooMany";
    case ErrorCode::Unsorted: return "unsorted";
    case ErrorCode::TierMissing: return "tierMissing";
    case ErrorCode::Mixed: return "mixed";
    case ErrorCode::Unsupported: return "unsupported";
  }
  return "unsupported";
}

namespace {

__extension__ typedef unsigned __int128 U128;  // GCC and clang, native and wasm

constexpr std::uint64_t kPow10[] = {1ULL,
                                    10ULL,
                                    100ULL,
                                    1000ULL,
                                    10000ULL,
                                    100000ULL,
                                    1000000ULL,
                                    10000000ULL,
                                    100000000ULL,
                                    1000000000ULL,
                                    10000000000ULL,
                                    100000000000ULL,
                                    1000000000000ULL,
                                    10000000000000ULL,
                                    100000000000000ULL,
                                    1000000000000000ULL,
                                    10000000000000000ULL,
                                    100000000000000000ULL,
                                    1000000000000000000ULL,
                                    10000000000000000000ULL};
constexpr double kPow10Double[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
constexpr std::uint64_t kTen9 = 1000000000ULL, kTen10 = 10000000000ULL;

/// The 10 significant digits D (rounded) and the exponent X of %e: the value is D.ddd * 10^X.
struct Digits {
  std::uint64_t digits = 0;
  int x = 0;
};

/// The exact quotient num / den rounded as printf rounds: to nearest, ties to even.
template <class U>
std::uint64_t roundedQuotient(U num, U den) noexcept {
  auto q = static_cast<std::uint64_t>(num / den);
  const U twice = (num % den) * 2;
  if (twice > den || (twice == den && (q & 1))) ++q;
  return q;
}

/// Digits of a = m * 2^e2 for 1e-5 <= a < 2^64 (normal, so m >= 2^52): machine integers and one
/// correctly rounded double operation, with an exact quotient for near-ties.
Digits fastDigits(double a, std::uint64_t m, int e2) noexcept {
  if (e2 >= 0) {  // an integer below 2^64
    const std::uint64_t n = m << e2;
    int count = 1;
    while (count < 20 && n >= kPow10[count]) ++count;
    return {count <= 10 ? n * kPow10[10 - count] : roundedQuotient<std::uint64_t>(n, kPow10[count - 10]), count - 1};
  }
  int x = static_cast<int>(std::floor((e2 + 52) * 0.30102999566398120));  // X or X - 1
  for (;;) {  // at most twice: the estimate of X is low by at most one
    const int p = 9 - x;  // -7 <= p <= 15 here
    // One correctly rounded operation: within 1e-6 of the exact value * 10^p (< 2^34).
    const double scaled = p >= 0 ? a * kPow10Double[p] : a / kPow10Double[-p];
    if (scaled >= 1e10) {
      ++x;
      continue;
    }
    const double whole = std::floor(scaled), fraction = scaled - whole;
    if (std::fabs(fraction - 0.5) > 1e-5)  // the double decides the rounding
      return {static_cast<std::uint64_t>(whole) + (fraction > 0.5 ? 1 : 0), x};
    // A near-tie: the exact quotient m * 10^p / 2^-e2.
    const U128 num = p >= 0 ? U128(m) * kPow10[p] : U128(m);
    const U128 den = p >= 0 ? U128(1) << -e2 : U128(kPow10[-p]) << -e2;
    return {roundedQuotient<U128>(num, den), x};
  }
}

/// Digits of any positive finite a = m * 2^e2, exactly: a = N * 10^-k with the integer
/// N = m * 2^e2, k = 0 (e2 >= 0) or N = m * 5^k, k = -e2 (e2 < 0); N is written in decimal
/// and rounded at its 10th digit, half to even.
Digits exactDigits(std::uint64_t m, int e2) noexcept {
  std::uint32_t limbs[82];  // base 2^32, least significant first: N < 2^53 * 5^1074 < 2^2548
  int n = 2;
  limbs[0] = static_cast<std::uint32_t>(m);
  limbs[1] = static_cast<std::uint32_t>(m >> 32);
  auto multiply = [&](std::uint32_t factor) {
    std::uint64_t carry = 0;
    for (int i = 0; i < n; ++i) {
      carry += std::uint64_t{limbs[i]} * factor;
      limbs[i] = static_cast<std::uint32_t>(carry);
      carry >>= 32;
    }
    if (carry != 0) limbs[n++] = static_cast<std::uint32_t>(carry);
  };
  const int k = e2 < 0 ? -e2 : 0;
  for (int s = e2; s > 0; s -= 31) multiply(1U << (s < 31 ? s : 31));
  for (int s = k; s > 0; s -= 13) {  // 5^13 < 2^32
    std::uint32_t power = 1;
    for (int i = 0; i < s && i < 13; ++i) power *= 5;
    multiply(power);
  }
  std::uint32_t chunks[90];  // base 10^9, least significant first: N < 10^767
  int c = 0;
  while (n > 0 && limbs[n - 1] == 0) --n;
  while (n > 0) {
    std::uint64_t rest = 0;
    for (int i = n - 1; i >= 0; --i) {
      const std::uint64_t current = (rest << 32) | limbs[i];
      limbs[i] = static_cast<std::uint32_t>(current / kTen9);
      rest = current % kTen9;
    }
    chunks[c++] = static_cast<std::uint32_t>(rest);
    while (n > 0 && limbs[n - 1] == 0) --n;
  }
  int length = 9 * (c - 1) + 1;
  while (length < 9 * c && chunks[c - 1] >= kPow10[length - 9 * (c - 1)]) ++length;
  auto digitAt = [&](int i) {  // the i-th decimal digit of N from the most significant
    const int place = length - 1 - i;
    return static_cast<int>(chunks[place / 9] / kPow10[place % 9] % 10);
  };
  Digits d{0, length - 1 - k};
  for (int i = 0; i < 10; ++i) d.digits = d.digits * 10 + (i < length ? digitAt(i) : 0);
  if (length > 10) {
    const int next = digitAt(10);
    bool beyond = false;
    for (int i = 11; i < length && !beyond; ++i) beyond = digitAt(i) != 0;
    if (next > 5 || (next == 5 && (beyond || (d.digits & 1)))) ++d.digits;
  }
  return d;
}

/// The text of %.10g for D and X (D has exactly 10 digits).
char* writeDigits(Digits digits, bool negative, char* out) noexcept {
  char d[10];
  // Two halves of 5 digits: one 64-bit division, the rest in 32 bits.
  auto high = static_cast<std::uint32_t>(digits.digits / 100000), low = static_cast<std::uint32_t>(digits.digits % 100000);
  for (int i = 4; i >= 0; --i) {
    d[i] = static_cast<char>('0' + high % 10);
    d[i + 5] = static_cast<char>('0' + low % 10);
    high /= 10;
    low /= 10;
  }
  const int x = digits.x;
  int last = 9;
  while (last > 0 && d[last] == '0') --last;  // %g drops trailing zeros
  if (negative) *out++ = '-';
  if (x < -4 || x >= 10) {  // %e style: d.ddde+XX
    *out++ = d[0];
    if (last > 0) {
      *out++ = '.';
      for (int i = 1; i <= last; ++i) *out++ = d[i];
    }
    *out++ = 'e';
    *out++ = x < 0 ? '-' : '+';
    const int e = x < 0 ? -x : x;
    if (e >= 100) *out++ = static_cast<char>('0' + e / 100);
    *out++ = static_cast<char>('0' + e / 10 % 10);
    *out++ = static_cast<char>('0' + e % 10);
  } else if (x >= 0) {  // %f style, X + 1 integer digits
    for (int i = 0; i <= x; ++i) *out++ = d[i];
    if (last > x) {
      *out++ = '.';
      for (int i = x + 1; i <= last; ++i) *out++ = d[i];
    }
  } else {  // 0.000ddd
    *out++ = '0';
    *out++ = '.';
    for (int i = 0; i < -x - 1; ++i) *out++ = '0';
    for (int i = 0; i <= last; ++i) *out++ = d[i];
  }
  return out;
}

char* writeText(std::string_view text, bool negative, char* out) noexcept {
  if (negative) *out++ = '-';
  for (char c : text) *out++ = c;
  return out;
}

}  // namespace

char* formatNumber(double value, char* out) noexcept {
  // %.10g from the exact binary value: the 10 significant digits D and the exponent X of %e are
  // the exact quotient value * 10^(9 - X) rounded half to even, as glibc and musl round.
  const bool negative = std::signbit(value);
  const double a = std::fabs(value);
  if (a == 0) return writeText("0", negative, out);
  if (a != a) return writeText("nan", negative, out);
  if (a > 0x1.fffffffffffffp1023) return writeText("inf", negative, out);
  std::uint64_t bits;
  std::memcpy(&bits, &a, sizeof bits);
  const int biased = static_cast<int>(bits >> 52);
  const std::uint64_t fraction = bits & ((1ULL << 52) - 1);
  const std::uint64_t m = biased == 0 ? fraction : fraction | (1ULL << 52);
  const int e2 = (biased == 0 ? 1 : biased) - 1075;  // a = m * 2^e2
  Digits digits = a >= 1e-5 && a < 0x1p64 ? fastDigits(a, m, e2) : exactDigits(m, e2);
  if (digits.digits == kTen10) {  // rounding carried into an 11th digit
    digits.digits = kTen9;
    ++digits.x;
  }
  return writeDigits(digits, negative, out);
}

std::string formatNumber(double value) {
  char buffer[kNumberChars];
  return std::string(buffer, formatNumber(value, buffer));
}

}  // namespace marginlab
