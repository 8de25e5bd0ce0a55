// SPDX-License-Identifier: MIT
// MarginLab: an account of options and futures on one underlying (scenario version 2): its
// validation, Deribit's standard margin (VENUES.md 5.1: options per the Deribit margin sheet as
// restated by TSLab and Deribit's position builder; futures per Deribit's support article of
// 11 January 2022), equity against maintenance at every price with every liquidation price, and
// portfolio margin as a grid of price moves x volatility shocks (Deribit support 25944756247837;
// the vol-shock size and its (30 / DTE)^0.30 term scaling from deribit.com/pages/docs/portfoliomargin).
// Numbers first (STYLE.md 14): the kernels compute numbers only; explain() rebuilds the steps.
#include "marginlab/options.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>

#include "marginlab/check.h"
#include "marginlab/format.h"
#include "risk_steps.h"
#include "roots.h"

namespace marginlab {

namespace {

constexpr double kMaxInterestRate = 1;
constexpr double kMaxRequestDays = 36'500;
constexpr std::size_t kMinScanPoints = 16, kMaxScanPoints = 100'000;
constexpr double kMaxScanRatio = 1e12;
constexpr double kMaxPriceMove = 10;
constexpr double kMaxVolShock = 10;
constexpr double kMaxVegaPower = 2;
constexpr double kMaxSizeRate = 0.01;
constexpr int kMaxRootIterations = 200;
constexpr double kRootTolerance = 1e-12;  ///< relative to the price
constexpr const char* kShiftUnit = "a shift is in volatility (0.1 = 10 vol points)";

/// A number as the steps print it; -0 prints as 0.
std::string n(double x) { return formatNumber(x == 0 ? 0.0 : x); }
/// The same, in parentheses when negative, for use inside a formula.
std::string sn(double x) { return x < 0 ? "(" + formatNumber(x) + ")" : n(x); }
std::string pct(double fraction) { return formatNumber(fraction * 100) + "%"; }
std::string indexed(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}
/// A parameter of an error or a step: a number (-0 as 0) or a name.
Param num(std::string_view name, double x) { return {std::string(name), x == 0 ? 0.0 : x}; }
Param count(std::string_view name, std::size_t x) { return {std::string(name), static_cast<double>(x)}; }
Param named(std::string_view key, std::string value) { return {std::string(key), std::move(value)}; }

bool isCall(OptionType t) noexcept { return t == OptionType::Call; }
double sideSign(Side s) noexcept { return s == Side::Long ? 1.0 : -1.0; }

// ---- dates ------------------------------------------------------------------------------------

/// Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level
/// date algorithms", days_from_civil).
long long daysFromCivil(long long y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

/// Deribit's options expire at 08:00 UTC (Deribit: contract specifications, options).
constexpr int kVenueExpirySeconds = 8 * 3600;

bool digits(std::string_view s, std::size_t at, std::size_t count, int& out) noexcept {
  if (at + count > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

/// A UTC instant: whole days from 1970-01-01 and seconds into the day (kept apart, so the
/// difference of two instants is exact before it is turned into years).
struct Instant {
  long long days = 0;
  int seconds = 0;
};
double yearsBetween(const Instant& from, const Instant& to) noexcept {
  return (static_cast<double>(to.days - from.days) + (to.seconds - from.seconds) / 86400.0) / kDaysPerYear;
}

/// The month of Deribit's three letters ("MAR", any case), 1 to 12; 0 for none.
int monthOf(std::string_view s) noexcept {
  static constexpr std::string_view kMonths = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  char up[3];
  for (int i = 0; i < 3; ++i) up[i] = static_cast<char>(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
  for (int m = 0; m < 12; ++m)
    if (kMonths.substr(static_cast<std::size_t>(m) * 3, 3) == std::string_view(up, 3)) return m + 1;
  return 0;
}

/// The day of a valid calendar date (1900 on), or nothing.
std::optional<long long> civilDay(int y, int mo, int d) noexcept {
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > kMonthDays[mo - 1] || (mo == 2 && d == 29 && !leap))
    return std::nullopt;
  return daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
}

/// Deribit's expiry in an instrument name, "27MAR26" or "5APR26" (20YY): that day at 08:00 UTC,
/// when Deribit's options expire.
std::optional<Instant> parseVenueDate(std::string_view s) noexcept {
  const std::size_t n = s.size() == 7 ? 2 : 1;
  int d = 0, y = 0;
  if ((s.size() != 6 && s.size() != 7) || !digits(s, 0, n, d) || !digits(s, n + 3, 2, y)) return std::nullopt;
  const std::optional<long long> day = civilDay(2000 + y, monthOf(s.substr(n, 3)), d);
  if (!day) return std::nullopt;
  return Instant{*day, kVenueExpirySeconds};
}

/// The instant of "YYYY-MM-DD[(T| )HH:MM[:SS]][Z]" (UTC), or of Deribit's "27MAR26" (08:00 UTC), or nothing.
std::optional<Instant> parseDate(std::string_view s) noexcept {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y)) return parseVenueDate(s);
  if (s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d))
    return std::nullopt;
  std::size_t at = 10;
  if (at < s.size() && (s[at] == 'T' || s[at] == ' ')) {
    if (!digits(s, at + 1, 2, h) || at + 3 >= s.size() || s[at + 3] != ':' || !digits(s, at + 4, 2, mi))
      return std::nullopt;
    at += 6;
    if (at < s.size() && s[at] == ':') {
      if (!digits(s, at + 1, 2, se)) return std::nullopt;
      at += 3;
    }
  }
  if (at < s.size() && s[at] == 'Z') ++at;
  if (at != s.size()) return std::nullopt;
  const std::optional<long long> day = civilDay(y, mo, d);
  if (!day || h > 23 || mi > 59 || se > 59) return std::nullopt;
  return Instant{*day, h * 3600 + mi * 60 + se};
}

std::optional<double> defaultSizeRate(std::string_view underlying) noexcept {
  if (underlying == "BTC") return kDeribitBtcSizeRate;
  if (underlying == "ETH") return kDeribitEthSizeRate;
  return std::nullopt;
}

/// Years from the valuation date to the option's expiry (scenario assumed valid).
double yearsOf(const OptionsScenario& s, const OptionPosition& o) noexcept {
  if (o.expiryYears) return *o.expiryYears;
  return yearsBetween(*parseDate(*s.valuationDate), *parseDate(*o.expiryDate));
}

// ---- validation (check.h: one Checker, the messages in check.cpp's options section) -------------

/// Finite and within [low, high]; the message gives the reason after a colon.
bool betweenBecause(Checker& c, const std::string& path, double x, double low, double high, std::string_view why) {
  if (!c.finite(path, x)) return false;
  if (x >= low && x <= high) return true;
  c.fail(path, "optionsBetweenBecause", {num("value", x), num("low", low), num("high", high), named("why", std::string(why))});
  return false;
}

/// An option's volatility: finite, > 0, <= kMaxOptionVolatility.
void checkVolatility(Checker& c, const std::string& path, double x) {
  if (!c.finite(path, x)) return;
  if (!(x > 0)) c.fail(path, "mustBePositive", {num("value", x)});
  else c.atMost(path, x, kMaxOptionVolatility);
}

/// A premium: finite, >= 0 and <= kMaxMagnitude (0 and any small price are accepted: it is a price,
/// not a balance).
void checkPremium(Checker& c, const std::string& path, double x) {
  if (!c.finite(path, x)) return;
  if (x < 0) c.fail(path, "mustBeNonNegative", {num("value", x)});
  else c.atMost(path, x, kMaxMagnitude);
}

/// What the options' dates need: the valuation date parsed, and whether its absence was reported.
struct DateContext {
  std::optional<Instant> valuation;
  bool missingReported = false;  ///< "valuationDate is needed by ..." is said once
};

void checkExpiryYears(Checker& c, const std::string& path, double t) {
  if (!c.finite(path, t)) return;
  if (!(t > 0)) c.fail(path, "optionsExpiryYearsPositive", {num("value", t)});
  else c.atMost(path, t, kMaxOptionYears);
}

void checkExpiryDate(Checker& c, const OptionsScenario& s, DateContext& dates, const std::string& path,
                     const std::string& date) {
  const std::optional<Instant> expiry = parseDate(date);
  if (!expiry) return c.fail(path, "optionsDateFormat", {named("value", date.substr(0, 40))});
  if (!s.valuationDate) {
    if (!dates.missingReported) c.fail("valuationDate", "optionsValuationDateNeeded", {named("by", path)});
    dates.missingReported = true;
    return;
  }
  if (!dates.valuation) return;  // reported once at valuationDate
  const double years = yearsBetween(*dates.valuation, *expiry);
  if (!(years > 0))
    c.fail(path, "optionsExpiryDatePast", {named("value", date), named("valuationDate", *s.valuationDate)});
  else if (years > kMaxOptionYears)
    c.fail(path, "optionsExpiryDateTooFar", {named("value", date), num("limit", kMaxOptionYears)});
}

void validateOption(Checker& c, const OptionsScenario& s, DateContext& dates, std::size_t i) {
  const OptionPosition& o = s.options[i];
  const std::string base = indexed("options", i);
  c.positive(base + ".strike", o.strike);
  c.positive(base + ".quantity", o.quantity);
  checkPremium(c, base + ".premium", o.premium);
  if (o.volatility) checkVolatility(c, base + ".volatility", *o.volatility);
  else if (!s.volSurface) c.fail(base + ".volatility", "optionsVolatilityNeeded");
  if (o.expiryYears && o.expiryDate) c.fail(base + ".expiryDate", "optionsExpiryBoth", {named("option", base)});
  else if (o.expiryYears) checkExpiryYears(c, base + ".expiryYears", *o.expiryYears);
  else if (o.expiryDate) checkExpiryDate(c, s, dates, base + ".expiryDate", *o.expiryDate);
  else c.fail(base + ".expiryYears", "optionsExpiryNeeded", {named("option", base)});
}

void validateFuture(Checker& c, const OptionsScenario& s, std::size_t i) {
  const Position& p = s.futures[i];
  const std::string base = indexed("futures", i);
  if (p.contract != s.settlement)
    c.fail(base + ".contract", "optionsFutureContract",
           {named("value", std::string(toString(p.contract))), named("settlement", std::string(toString(s.settlement)))});
  c.positive(base + ".contractSize", p.contractSize);
  c.positive(base + ".quantity", p.quantity);
  c.positive(base + ".entryPrice", p.entryPrice);
  if (p.markPrice) c.fail(base + ".markPrice", "optionsFutureMarkPrice");
  if (p.marginMode == MarginMode::Isolated) c.fail(base + ".marginMode", "optionsFutureMarginMode");
  if (p.isolatedMargin) c.fail(base + ".isolatedMargin", "optionsFutureIsolatedMargin");
}

/// The account's own fields: version, wallet, price, rate, size rate, valuation date.
void validateAccount(Checker& c, const OptionsScenario& s, DateContext& dates) {
  if (s.version != 2) c.fail("version", "optionsVersion", {num("value", s.version)});
  c.nonNegative("walletBalance", s.walletBalance);  // as version 1: a subnormal wallet is refused
  c.positive("underlyingPrice", s.underlyingPrice);
  c.between("interestRate", s.interestRate, -kMaxInterestRate, kMaxInterestRate);
  if (s.futuresSizeRate) c.between("futuresSizeRate", *s.futuresSizeRate, 0, kMaxSizeRate);
  else if (!s.futures.empty() && !defaultSizeRate(s.underlying))
    c.fail("futuresSizeRate", "optionsSizeRateNeeded",
           {named("underlying", s.underlying.empty() ? std::string("an unnamed underlying") : s.underlying.substr(0, 40))});
  if (!s.valuationDate) return;
  dates.valuation = parseDate(*s.valuationDate);
  if (!dates.valuation) c.fail("valuationDate", "optionsDateFormat", {named("value", s.valuationDate->substr(0, 40))});
}

/// A surface's expiryDates: each a date after the valuation date, within kMaxOptionYears, increasing.
/// Their years, or none when one does not read.
std::optional<std::vector<double>> checkSurfaceDates(Checker& c, const OptionsScenario& s, DateContext& dates) {
  const std::vector<std::string>& list = s.volSurface->expiryDates;
  std::vector<double> years;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = indexed("volSurface.expiryDates", i);
    const std::size_t before = c.errors.size();
    checkExpiryDate(c, s, dates, path, list[i]);
    if (c.errors.size() != before || !dates.valuation) continue;
    years.push_back(yearsBetween(*dates.valuation, *parseDate(list[i])));
    if (years.size() == i + 1 && i > 0 && !(years[i] > years[i - 1]))
      c.fail(path, "surfaceDatesUnsorted", {named("value", list[i]), named("previousPath", indexed("volSurface.expiryDates", i - 1)),
                                            named("previous", list[i - 1])});
  }
  if (years.size() != list.size()) return std::nullopt;
  return years;
}

/// The surface: as validateVolSurface, its expiries given as years or as dates (checkSurfaceDates).
void checkSurface(Checker& c, const OptionsScenario& s, DateContext& dates) {
  const VolSurface& v = *s.volSurface;
  if (v.expiryDates.empty()) return c.merge(validateVolSurface(v));
  if (!v.expiries.empty()) return c.fail("volSurface.expiryDates", "surfaceExpiriesBoth");
  checkSurfaceDates(c, s, dates);
  // The strikes and the vols table against as many expiries (1, 2, ... years: an axis that passes).
  VolSurface shape{.expiries = {}, .expiryDates = {}, .strikes = v.strikes, .vols = v.vols};
  for (std::size_t i = 0; i < v.expiryDates.size(); ++i) shape.expiries.push_back(static_cast<double>(i + 1));
  c.merge(validateVolSurface(shape));
}

/// A list no longer than `limit`, else its tooMany error.
bool listFits(Checker& c, const std::string& path, std::size_t size, std::size_t limit, Rule rule) {
  if (size <= limit) return true;
  c.fail(path, rule, {count("count", size), count("limit", limit)});
  return false;
}

void checkRequest(Checker& c, const OptionsRequest& r) {
  const std::size_t start = c.errors.size();
  c.between("request.days", r.days, 0, kMaxRequestDays);
  if (listFits(c, "request.volShifts", r.volShifts.size(), kMaxVolShifts, "optionsTooManyValues"))
    for (std::size_t i = 0; i < r.volShifts.size(); ++i)
      betweenBecause(c, indexed("request.volShifts", i), r.volShifts[i], -kMaxOptionVolatility, kMaxOptionVolatility,
                     kShiftUnit);
  const bool low = c.finite("request.scanLow", r.scanLow), high = c.finite("request.scanHigh", r.scanHigh);
  if (low && !(r.scanLow > 0 && r.scanLow < 1)) c.fail("request.scanLow", "optionsScanLow", {num("value", r.scanLow)});
  if (high && !(r.scanHigh > 1 && r.scanHigh <= kMaxScanRatio))
    c.fail("request.scanHigh", "optionsScanHigh", {num("value", r.scanHigh), num("limit", kMaxScanRatio)});
  if (c.errors.size() == start && r.scanHigh / r.scanLow > kMaxScanRatio)
    c.fail("request.scanHigh", "optionsScanRatio", {num("value", r.scanHigh / r.scanLow), num("limit", kMaxScanRatio)});
  if (r.scanPoints < kMinScanPoints || r.scanPoints > kMaxScanPoints)
    c.fail("request.scanPoints", "between",
           {count("value", r.scanPoints), count("low", kMinScanPoints), count("high", kMaxScanPoints)});
}

/// One list of a portfolio request: 1..limit values, each within [low, high].
void checkList(Checker& c, const char* field, const std::vector<double>& v, std::size_t limit, double low, double high,
               std::string_view why) {
  const std::string path = std::string("request.") + field;
  if (v.empty()) return c.fail(path, "empty", {named("item", "value")});
  if (!listFits(c, path, v.size(), limit, "optionsTooManyValues")) return;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (why.empty()) c.between(indexed(path, i), v[i], low, high);
    else betweenBecause(c, indexed(path, i), v[i], low, high, why);
  }
}

void checkPortfolioRequest(Checker& c, const PortfolioMarginRequest& r) {
  checkList(c, "priceMoves", r.priceMoves, kMaxPriceMoves, -1, kMaxPriceMove, "a move is a fraction of underlyingPrice");
  for (std::size_t i = 0; i < r.priceMoves.size() && i < kMaxPriceMoves; ++i)
    if (r.priceMoves[i] == -1) c.fail(indexed("request.priceMoves", i), "optionsPriceMoveToZero", {num("value", -1)});
  checkList(c, "volShocks", r.volShocks, kMaxVolShocks, -kMaxVolShock, kMaxVolShock, {});
  c.between("request.vegaPower", r.vegaPower, 0, kMaxVegaPower);
}

// ---- valuation --------------------------------------------------------------------------------

struct MarginNumbers {
  double im = 0, mm = 0;
  double otm = 0, base = 0;  ///< OTM amount; max(0.15 - OTM/U, 0.1)
};
MarginNumbers deribitNumbers(OptionType type, Side side, double strike, double u, double mark) noexcept {
  MarginNumbers m;
  if (side == Side::Long) return m;
  m.otm = std::max(isCall(type) ? strike - u : u - strike, 0.0);
  m.base = std::max(0.15 - m.otm / u, 0.1);
  if (isCall(type)) {
    m.mm = 0.075 + mark;
    m.im = m.base + mark;
  } else {
    m.mm = std::max(0.075, 0.075 * mark) + mark;
    m.im = std::max(m.base + mark, m.mm);
  }
  return m;
}

/// What an option's price needs at one horizon and any underlying price: its time to expiry and
/// the terms of it (the same expressions a price would compute, computed once per horizon).
struct OptionTerms {
  double days = -1;  ///< the horizon these are for (-1: none yet)
  double years = 0, growth = 1, discount = 1, sqrtYears = 0;  ///< T, exp(r T), exp(-r T), sqrt(T)
};

/// The scenario with what every evaluation needs resolved once.
struct Prepared {
  const OptionsScenario& s;
  bool inverse = true;
  double sizeRate = 0;
  std::vector<double> years;  ///< per option, from the valuation date
  /// Per option: its volatility when it does not depend on the price (given, or sticky strike on the
  /// surface); NaN when it does (sticky moneyness on the surface).
  std::vector<double> fixedVolatility;
  /// The scenario's surface, its expiryDates turned into years (a copy only when it has dates).
  std::optional<VolSurface> dated;
  const VolSurface* surface = nullptr;
  /// max |d sigma / d ln P| of an option whose volatility follows the price (surfaceSlope); 0 without.
  double smileSlope = 0;
  /// Per option: its terms at the horizon last asked for. A scan asks for one horizon at many
  /// prices; this is a cache of values, not state (Prepared lives for one call, on one thread).
  mutable std::vector<OptionTerms> terms;
  /// Per future: its mark over the underlying price (a basis); empty: every future at the underlying.
  std::span<const double> basis;

  Prepared(const Prepared&) = delete;  // `surface` may point into `dated`
  Prepared& operator=(const Prepared&) = delete;
  explicit Prepared(const OptionsScenario& scenario, std::span<const double> futureBasis = {})
      : s(scenario), basis(futureBasis) {
    inverse = s.settlement == Contract::Inverse;
    sizeRate = s.futuresSizeRate ? *s.futuresSizeRate : defaultSizeRate(s.underlying).value_or(0);
    surface = s.volSurface ? &*s.volSurface : nullptr;
    if (surface && !surface->expiryDates.empty()) {
      dated = VolSurface{.expiries = {}, .expiryDates = {}, .strikes = surface->strikes, .vols = surface->vols};
      for (const std::string& d : surface->expiryDates) dated->expiries.push_back(yearsBetween(*parseDate(*s.valuationDate), *parseDate(d)));
      surface = &*dated;
    }
    years.reserve(s.options.size());
    for (const OptionPosition& o : s.options) years.push_back(yearsOf(s, o));
    fixedVolatility.reserve(s.options.size());
    for (std::size_t i = 0; i < s.options.size(); ++i) {
      const OptionPosition& o = s.options[i];
      fixedVolatility.push_back(o.volatility ? *o.volatility
                                : s.volDynamics == VolDynamics::StickyStrike
                                    ? surfaceVolatility(*surface, years[i], o.strike)
                                    : std::numeric_limits<double>::quiet_NaN());
    }
    if (surface && s.volDynamics == VolDynamics::StickyMoneyness) smileSlope = surfaceSlope(*surface);
    terms.resize(s.options.size());
  }

  /// Future i's price when the underlying is at `price`.
  [[nodiscard]] double futurePrice(std::size_t i, double price) const noexcept {
    return i < basis.size() ? price * basis[i] : price;
  }
  /// The strike read from the surface when the underlying is at `price`.
  [[nodiscard]] double surfaceStrike(const OptionPosition& o, double price) const noexcept {
    return s.volDynamics == VolDynamics::StickyMoneyness ? o.strike * s.underlyingPrice / price : o.strike;
  }
  /// The option's volatility before any shift: given, or read from the surface.
  [[nodiscard]] double volatility(std::size_t i, double price) const noexcept {
    if (!std::isnan(fixedVolatility[i])) return fixedVolatility[i];
    return surfaceVolatility(*surface, years[i], surfaceStrike(s.options[i], price));
  }
  /// Option i's terms `days` after the valuation date.
  [[nodiscard]] const OptionTerms& termsAt(std::size_t i, double days) const noexcept {
    OptionTerms& t = terms[i];
    if (t.days != days) {
      t.days = days;
      t.years = years[i] - days / kDaysPerYear;
      if (t.years > 0) {
        t.growth = std::exp(s.interestRate * t.years);
        t.discount = std::exp(-s.interestRate * t.years);
        t.sqrtYears = std::sqrt(t.years);
      }
    }
    return t;
  }
};

struct OptionAt {
  double years = 0, volatility = 0, forward = 0, discount = 1, quote = 0, mark = 0;
  bool expired = false;
};
/// One option per coin at `price`, `days` later, with its volatility mapped by `shock`.
template <class Shock>
OptionAt optionAt(const Prepared& p, std::size_t i, double price, double days, Shock&& shock) noexcept {
  const OptionPosition& o = p.s.options[i];
  const OptionTerms& t = p.termsAt(i, days);
  OptionAt a;
  a.years = t.years;
  if (!(a.years > 0)) {
    a.expired = true;
    a.years = 0;
    a.forward = price;
    a.quote = std::max(isCall(o.type) ? price - o.strike : o.strike - price, 0.0);
  } else {
    a.volatility = std::max(shock(i, p.volatility(i, price)), kMinImpliedVolatility);
    a.forward = price * t.growth;
    a.discount = t.discount;
    a.quote = black76Price(o.type, o.strike, a.forward, a.volatility * t.sqrtYears, a.discount);
  }
  a.mark = p.inverse ? a.quote / price : a.quote;
  return a;
}

struct FutureAt {
  double size = 0, pnl = 0, imRate = 0, mmRate = 0, im = 0, mm = 0;
};
FutureAt futureAt(const Prepared& p, const Position& f, double price) noexcept {
  FutureAt a;
  const double units = f.quantity * f.contractSize;  // linear: coins; inverse: quote
  a.size = p.inverse ? units / price : units;
  a.pnl = sideSign(f.side) * (p.inverse ? units * (1 / f.entryPrice - 1 / price) : units * (price - f.entryPrice));
  a.imRate = 0.02 + a.size * p.sizeRate;
  a.mmRate = 0.01 + a.size * p.sizeRate;
  const double toSettlement = p.inverse ? 1 : price;
  a.im = a.imRate * a.size * toSettlement;
  a.mm = a.mmRate * a.size * toSettlement;
  return a;
}

/// One option position at `price`: its PnL from the premium and its Deribit margins (0 when
/// long or expired), settlement asset.
struct OptionPointAt {
  double pnl = 0, im = 0, mm = 0;
  double mark = 0;  ///< per coin, settlement asset
};
template <class Shock>
OptionPointAt optionPointAt(const Prepared& p, std::size_t i, double price, double days, Shock&& shock) noexcept {
  const OptionPosition& o = p.s.options[i];
  const OptionAt a = optionAt(p, i, price, days, shock);
  OptionPointAt r;
  r.mark = a.mark;
  r.pnl = sideSign(o.side) * o.quantity * (a.mark - o.premium);
  if (a.expired || o.side == Side::Long) return r;
  const MarginNumbers m = deribitNumbers(o.type, o.side, o.strike, price, a.quote / price);
  const double toSettlement = p.inverse ? 1 : price;
  r.im = o.quantity * m.im * toSettlement;
  r.mm = o.quantity * m.mm * toSettlement;
  return r;
}

struct Unseen {
  void operator()(std::size_t, const OptionPointAt&) const noexcept {}
};
/// The account at `price`; `seen(i, option)` sees each option's numbers as they are summed.
template <class Shock, class Seen = Unseen>
OptionsAccountPoint accountAt(const Prepared& p, double price, double days, Shock&& shock,
                              Seen&& seen = Unseen{}) noexcept {
  OptionsAccountPoint r;
  r.equity = p.s.walletBalance;
  for (std::size_t i = 0; i < p.s.futures.size(); ++i) {
    const FutureAt a = futureAt(p, p.s.futures[i], p.futurePrice(i, price));
    r.equity += a.pnl;
    r.initialMargin += a.im;
    r.maintenanceMargin += a.mm;
  }
  for (std::size_t i = 0; i < p.s.options.size(); ++i) {
    const OptionPointAt a = optionPointAt(p, i, price, days, shock);
    r.equity += a.pnl;
    r.initialMargin += a.im;
    r.maintenanceMargin += a.mm;
    seen(i, a);
  }
  return r;
}

/// margin / equity, absent when equity is not positive or so small against the margin that the
/// ratio is not finite (a subnormal equity: a tiny wallet beside a future at its entry price).
std::optional<double> ratioOf(double margin, double equity) noexcept {
  if (!(equity > 0)) return std::nullopt;
  const double ratio = margin / equity;
  return std::isfinite(ratio) ? std::optional<double>(ratio) : std::nullopt;
}

auto shifted(double shift) {
  return [shift](std::size_t, double sigma) { return sigma + shift; };
}

// ---- liquidation prices: the sign changes of gap(P) = equity(P) - MM(P) --------------------------
//
// The request describes a dense scan: gap at scanPoints log-spaced prices, each sign change between
// neighbouring prices refined by Brent's method. The search here finds exactly those sign changes
// while evaluating gap at few of the prices. It halves the grid's index range and drops a piece
// [a, b] (two grid prices) once gap provably has one sign at every grid price in it; a piece that
// may hold both signs is halved down to neighbouring grid prices, where the dense scan's own test
// and Brent's method run on the same prices with the same values. So the crossings (and the ends'
// flags) are the dense scan's, bit for bit, and none is missed that the dense scan would find.
//
// The proof that a piece has one sign is a bound V(a, b) on the total variation of gap inside it,
// the sum of its terms' (GapBound, Sample):
// - an option's mark m(P) (coin: Black-76 price / P; quote: the price) rises with P for a call and
//   falls for a put at a fixed volatility: d(c/P)/dP = discount K N(d2) / P^2 >= 0 and
//   d(p/P)/dP = -discount K N(-d2) / P^2 <= 0, dc/dP = discount growth N(d1), dp/dP = -discount
//   growth N(-d1); an expired option's intrinsic value alike. Its PnL moves with m and a short
//   option's Deribit MM by at most 1 (call) or 1.075 (put) times m, plus 0.075 per unit of P when
//   quote-settled. So its variation is at most weight x |m(b) - m(a)|: the sums of weight x m over
//   calls (up) and over puts (down), kept at every evaluated price, give it for all options at once.
// - under sticky moneyness the volatility read moves by at most surfaceSlope per unit of ln P,
//   which moves m by at most vega / P x that <= sqrt(T) / sqrt(2 pi) x slope per unit of ln P (coin)
//   or of P (quote); the mark's variation is then at most |m(b) - m(a)| plus twice that.
// - a future's PnL and MM are monotone in P (or 1/P): exactly 1.01 units (1/a - 1/b) + sizeRate
//   units^2 (1/a^2 - 1/b^2) coin-settled, units (1.01 + sizeRate units) (b - a) quote-settled.
// V is additive over sub-pieces, so every x in [a, b] has gap(x) >= (gap(a) + gap(b) - V) / 2 and
// gap(x) <= (gap(a) + gap(b) + V) / 2. An allowance of 1e-9 of the terms' size covers rounding (a
// computed gap is within about 1e-15 of them). Kinks (strikes, expiry, the margin formulas' max)
// need no care: the bounds hold across them.

/// The dense scan's prices, index 0 .. points - 1, log-spaced from low; the last is exactly high.
struct Grid {
  double low = 0, high = 0, logStep = 0;
  std::size_t points = 0;
  Grid(double u, const OptionsRequest& rq)
      : low(u * rq.scanLow),
        high(u * rq.scanHigh),
        logStep(std::log(rq.scanHigh / rq.scanLow) / static_cast<double>(rq.scanPoints - 1)),
        points(rq.scanPoints) {}
  [[nodiscard]] double operator[](std::size_t i) const noexcept {
    return i + 1 == points ? high : low * std::exp(logStep * static_cast<double>(i));
  }
};

/// gap at one price, with the sums that bound its variation: up, over calls, of weight x mark (a
/// rising function of P at a fixed volatility), and down, over puts, alike (a falling one).
struct Sample {
  double gap = 0, up = 0, down = 0;
};

/// What bounds gap's variation besides the samples' up and down, and the size of gap's terms at a
/// price (for the rounding allowance). Settlement asset.
struct GapBound {
  double overP = 0, overP2 = 0;  ///< coefficients of 1/a - 1/b and 1/a^2 - 1/b^2 (coin-settled futures)
  double perLog = 0, perP = 0;   ///< per unit of ln(b/a) and of b - a
  double size = 0, sizeOverP = 0, sizePerP = 0;  ///< the terms' size: size + sizeOverP / P + sizePerP P
  std::vector<double> weight;    ///< per option: the weight of its mark in up or down

  [[nodiscard]] double variation(const Sample& sa, double a, const Sample& sb, double b) const noexcept {
    return (sb.up - sa.up) + (sa.down - sb.down) + overP * (1 / a - 1 / b) + overP2 * (1 / (a * a) - 1 / (b * b)) +
           perLog * std::log(b / a) + perP * (b - a);
  }
  [[nodiscard]] double magnitude(const Sample& s, double x) const noexcept {
    return size + std::fabs(s.up) + std::fabs(s.down) + sizeOverP / x + overP2 / (x * x) + sizePerP * x;
  }
};

constexpr double kRoundingAllowance = 1e-9;  ///< of GapBound::magnitude
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

/// A future: PnL s units (1/EP - 1/P) and MM (0.01 + sizeRate units / P) units / P (coin), or
/// s units (P - EP) and (0.01 + sizeRate units) units P (quote).
void addFuture(GapBound& b, const Prepared& p, const Position& f) noexcept {
  const double units = f.quantity * f.contractSize;
  if (p.inverse) {
    b.overP += 1.01 * units;
    b.overP2 += p.sizeRate * units * units;
    b.sizeOverP += 1.01 * units;
    b.size += units / f.entryPrice;
  } else {
    b.perP += units * (1.01 + units * p.sizeRate);
    b.sizePerP += units * (1.01 + units * p.sizeRate);
    b.size += units * f.entryPrice;
  }
}

/// Option i `days` later: its PnL q (mark - premium) and, short and not expired, its MM.
void addOption(GapBound& b, const Prepared& p, std::size_t i, double days) {
  const OptionPosition& o = p.s.options[i];
  const OptionTerms& t = p.termsAt(i, days);
  const bool expired = !(t.years > 0);
  const bool margined = !expired && o.side == Side::Short;
  const double weight = o.quantity * (1 + (margined ? (isCall(o.type) ? 1 : 1.075) : 0));
  const double discount = expired ? 1 : t.discount;
  const double smile = expired || !std::isnan(p.fixedVolatility[i]) ? 0 : 2 * t.sqrtYears * p.smileSlope * kInvSqrt2Pi;
  b.weight.push_back(weight);
  if (p.inverse) {
    b.perLog += weight * smile;
    b.size += weight + o.quantity * (o.premium + 0.1);
    b.sizeOverP += weight * discount * o.strike;
  } else {
    b.perP += weight * smile + (margined ? 0.075 * o.quantity : 0);
    b.size += weight * discount * o.strike + o.quantity * o.premium;
    b.sizePerP += weight * (1 + smile) + (margined ? 0.075 * o.quantity : 0);
  }
}

GapBound accountBound(const Prepared& p, double days) {
  GapBound b;
  b.size = std::fabs(p.s.walletBalance);
  b.weight.reserve(p.s.options.size());
  for (const Position& f : p.s.futures) addFuture(b, p, f);
  for (std::size_t i = 0; i < p.s.options.size(); ++i) addOption(b, p, i, days);
  return b;
}

/// Adds option i's weight x mark to up (a call) or down (a put).
void addTrend(Sample& s, const Prepared& p, std::size_t i, double weight, double mark) noexcept {
  (isCall(p.s.options[i].type) ? s.up : s.down) += weight * mark;
}

struct Scan {
  std::vector<LiquidationCrossing> crossings;
  bool lowLiquidated = false, highLiquidated = false;
  int rootSteps = 0;            ///< the most Brent steps one crossing took (for the explanation)
  std::size_t evaluations = 0;  ///< grid prices at which gap was evaluated, besides Brent's
};

struct GridPoint {
  std::size_t index = 0;
  double price = 0;
  Sample at;
};

/// True when gap has one sign (< 0, or >= 0: the dense scan's test) at every grid price of [a, b].
bool oneSign(const GridPoint& a, const GridPoint& b, const GapBound& bound) noexcept {
  const bool below = a.at.gap < 0;
  if (below != (b.at.gap < 0)) return false;
  const double spread = bound.variation(a.at, a.price, b.at, b.price) +
                        kRoundingAllowance * (bound.magnitude(a.at, a.price) + bound.magnitude(b.at, b.price));
  const double sum = a.at.gap + b.at.gap;
  return below ? sum + spread < 0 : sum - spread >= 0;  // false for NaN: halve
}

/// Every sign change of gap between neighbouring grid prices, ascending, each refined by Brent's
/// method as the dense scan refines it (see above). `sample(price)` gives a Sample.
template <class SampleAt>
Scan scanLiquidation(const Grid& grid, const GapBound& bound, SampleAt&& sample) {
  Scan scan;
  const auto at = [&](std::size_t i) {
    ++scan.evaluations;
    const double price = grid[i];
    return GridPoint{i, price, sample(price)};
  };
  const auto gap = [&](double price) { return sample(price).gap; };
  const GridPoint first = at(0), last = at(grid.points - 1);
  scan.lowLiquidated = first.at.gap < 0;
  scan.highLiquidated = last.at.gap < 0;
  std::array<std::pair<GridPoint, GridPoint>, 64> stack;  // holds at most one piece per halving (17)
  std::size_t top = 0;
  stack[top++] = {first, last};
  while (top > 0) {
    const auto [a, b] = stack[--top];
    if (b.index - a.index == 1) {
      if ((a.at.gap < 0) == (b.at.gap < 0)) continue;
      const detail::Root root =
          detail::brent(gap, a.price, b.price, a.at.gap, b.at.gap, kRootTolerance * a.price, kMaxRootIterations);
      scan.crossings.push_back({root.x, a.at.gap < 0});
      scan.rootSteps = std::max(scan.rootSteps, root.iterations);
      continue;
    }
    if (oneSign(a, b, bound)) continue;
    const GridPoint mid = at(a.index + (b.index - a.index) / 2);
    stack[top++] = {mid, b};  // the left half on top: crossings come out ascending
    stack[top++] = {a, mid};
  }
  return scan;
}

/// The account's scan `days` after the valuation date with every volatility shifted by `shift`.
Scan scanAccount(const Prepared& p, const Grid& grid, double days, double shift) {
  const GapBound bound = accountBound(p, days);
  return scanLiquidation(grid, bound, [&](double price) {
    Sample s;
    const OptionsAccountPoint at = accountAt(p, price, days, shifted(shift), [&](std::size_t i, const OptionPointAt& a) {
      addTrend(s, p, i, bound.weight[i], a.mark);
    });
    s.gap = at.equity - at.maintenanceMargin;
    return s;
  });
}

/// Option i alone on `posted`: posted + PnL_i(P) against MM_i(P).
Scan scanIsolatedOption(const Prepared& p, const Grid& grid, std::size_t i, double posted, double days) {
  GapBound bound;
  bound.size = std::fabs(posted);
  addOption(bound, p, i, days);
  return scanLiquidation(grid, bound, [&](double price) {
    const OptionPointAt a = optionPointAt(p, i, price, days, shifted(0));
    Sample s;
    s.gap = (posted + a.pnl) - a.mm;
    addTrend(s, p, i, bound.weight[0], a.mark);
    return s;
  });
}

/// Future i alone on `posted`.
Scan scanIsolatedFuture(const Prepared& p, const Grid& grid, std::size_t i, double posted) {
  GapBound bound;
  bound.size = std::fabs(posted);
  addFuture(bound, p, p.s.futures[i]);
  return scanLiquidation(grid, bound, [&](double price) {
    const FutureAt a = futureAt(p, p.s.futures[i], price);
    return Sample{(posted + a.pnl) - a.mm, 0, 0};
  });
}

// ---- the account's numbers --------------------------------------------------------------------

OptionValuation valueOption(const Prepared& p, std::size_t i) {
  const OptionPosition& o = p.s.options[i];
  const double u = p.s.underlyingPrice;
  const OptionAt a = optionAt(p, i, u, 0, shifted(0));
  OptionValuation v;
  v.years = a.years;
  v.volatility = a.volatility;
  v.volatilityFromSurface = !o.volatility;
  v.forward = a.forward;
  v.markPrice = a.mark;
  v.greeks = black76Greeks(o.type, o.strike, a.forward, a.volatility, a.years, p.s.interestRate);
  v.value = sideSign(o.side) * o.quantity * a.mark;
  v.unrealizedPnl = sideSign(o.side) * o.quantity * (a.mark - o.premium);
  const MarginNumbers m = deribitNumbers(o.type, o.side, o.strike, u, a.quote / u);
  const double toSettlement = p.inverse ? 1 : u;
  v.initialMargin = o.quantity * m.im * toSettlement;
  v.maintenanceMargin = o.quantity * m.mm * toSettlement;
  return v;
}

FutureValuation valueFuture(const Prepared& p, std::size_t i) {
  const FutureAt a = futureAt(p, p.s.futures[i], p.s.underlyingPrice);
  FutureValuation v;
  v.sizeCoin = a.size;
  v.unrealizedPnl = a.pnl;
  v.initialMarginRate = a.imRate;
  v.maintenanceMarginRate = a.mmRate;
  v.initialMargin = a.im;
  v.maintenanceMargin = a.mm;
  return v;
}

OptionsAccountView view(const Prepared& p, const Grid& grid, double days, double shift) {
  OptionsAccountView v;
  v.days = days;
  v.volShift = shift;
  const OptionsAccountPoint a = accountAt(p, p.s.underlyingPrice, days, shifted(shift));
  v.equity = a.equity;
  v.initialMargin = a.initialMargin;
  v.maintenanceMargin = a.maintenanceMargin;
  v.availableBalance = a.equity - a.initialMargin;
  v.marginRatio = ratioOf(a.maintenanceMargin, a.equity);
  v.liquidated = a.equity < a.maintenanceMargin;
  Scan scan = scanAccount(p, grid, days, shift);
  v.liquidationPrices = std::move(scan.crossings);
  v.liquidatedAtScanLow = scan.lowLiquidated;
  v.liquidatedAtScanHigh = scan.highLiquidated;
  v.maxLoss = std::max(0.0, v.equity);
  return v;
}

IsolatedHorizon optionHorizon(const Prepared& p, const Grid& grid, std::size_t i, double posted, double days) {
  IsolatedHorizon h;
  h.liquidationPrices = scanIsolatedOption(p, grid, i, posted, days).crossings;
  const OptionPointAt a = optionPointAt(p, i, p.s.underlyingPrice, days, shifted(0));
  h.liquidated = posted + a.pnl < a.mm;
  return h;
}

IsolatedPosition isolatedOption(const Prepared& p, const Grid& grid, double laterDays, std::size_t i) {
  const OptionPosition& o = p.s.options[i];
  IsolatedPosition r;
  if (o.side == Side::Long) {
    r.maxLoss = o.premium * o.quantity;
    return r;
  }
  r.postedMargin = optionPointAt(p, i, p.s.underlyingPrice, 0, shifted(0)).im;
  r.maxLoss = r.postedMargin;
  r.now = optionHorizon(p, grid, i, r.postedMargin, 0);
  r.later = laterDays > 0 ? optionHorizon(p, grid, i, r.postedMargin, laterDays) : r.now;
  return r;
}

IsolatedPosition isolatedFuture(const Prepared& p, const Grid& grid, std::size_t i) {
  const FutureAt a = futureAt(p, p.s.futures[i], p.s.underlyingPrice);
  IsolatedPosition r;
  r.postedMargin = a.im;
  r.maxLoss = r.postedMargin;
  r.now.liquidationPrices = scanIsolatedFuture(p, grid, i, r.postedMargin).crossings;
  r.now.liquidated = r.postedMargin + a.pnl < a.mm;
  r.later = r.now;  // a future's PnL and margin depend on the price only
  return r;
}

OptionsAccountResult accountResult(const Prepared& p, const OptionsRequest& rq) {
  const OptionsScenario& s = p.s;
  const Grid grid(s.underlyingPrice, rq);
  OptionsAccountResult r;
  for (std::size_t i = 0; i < s.options.size(); ++i) r.options.push_back(valueOption(p, i));
  for (std::size_t i = 0; i < s.futures.size(); ++i) r.futures.push_back(valueFuture(p, i));
  r.now = view(p, grid, 0, 0);
  r.later = rq.days > 0 ? view(p, grid, rq.days, 0) : r.now;  // days 0: the same view
  for (double shift : rq.volShifts) r.volShifted.push_back(view(p, grid, 0, shift));
  for (std::size_t i = 0; i < s.options.size(); ++i) r.isolated.options.push_back(isolatedOption(p, grid, rq.days, i));
  for (std::size_t i = 0; i < s.futures.size(); ++i) r.isolated.futures.push_back(isolatedFuture(p, grid, i));
  r.scanLowPrice = grid.low;
  r.scanHighPrice = grid.high;
  if (!r.options.empty()) {
    double last = 0;
    for (const OptionValuation& o : r.options) last = std::max(last, o.years);
    r.lastExpiryDays = last * kDaysPerYear;
  }
  return r;
}

PortfolioMarginResult portfolioGrid(const Prepared& p, const PortfolioMarginRequest& rq) {
  PortfolioMarginResult r;
  r.priceMoves = rq.priceMoves;
  r.volShocks = rq.volShocks;
  for (double years : p.years) r.volShockScale.push_back(std::pow(30 / std::max(1.0, years * kDaysPerYear), rq.vegaPower));
  const double u = p.s.underlyingPrice;
  r.equity = accountAt(p, u, 0, shifted(0)).equity;
  const bool relative = rq.volShockKind == VolShockKind::Relative;
  r.pnl.assign(r.volShocks.size(), std::vector<double>(r.priceMoves.size(), 0.0));
  bool first = true;
  for (std::size_t v = 0; v < r.volShocks.size(); ++v) {
    const double shock = r.volShocks[v];
    const auto shocked = [&](std::size_t i, double sigma) {
      const double x = shock * r.volShockScale[i];
      return relative ? sigma * (1 + x) : sigma + x;
    };
    for (std::size_t m = 0; m < r.priceMoves.size(); ++m) {
      const double pnl = accountAt(p, u * (1 + r.priceMoves[m]), 0, shocked).equity - r.equity;
      r.pnl[v][m] = pnl;
      if (first || pnl < r.worstPnl) {
        r.worstPnl = pnl, r.worstVolShock = v, r.worstPriceMove = m;
        first = false;
      }
    }
  }
  r.requirement = std::max(0.0, -r.worstPnl);
  r.marginRatio = ratioOf(r.requirement, r.equity);
  return r;
}

// ---- the explanation (numbers first: built only on request, from the inputs and the result) ---

std::string optionName(const OptionsScenario& s, std::size_t i) {
  const OptionPosition& o = s.options[i];
  return (o.symbol.empty() ? std::string() : o.symbol + ": ") + std::string(toString(o.side)) + " " + n(o.quantity) +
         " " + std::string(toString(o.type)) + " K=" + n(o.strike);
}

std::string futureName(const OptionsScenario& s, std::size_t i) {
  const Position& f = s.futures[i];
  return (f.symbol.empty() ? indexed("futures", i) : f.symbol) + " " + std::string(toString(f.side));
}

std::string horizonText(double days) {
  return days > 0 ? n(days) + " days after the valuation date" : "at the valuation date";
}

std::string noRatioLabel(double equity) {
  return equity > 0 ? "Margin ratio: none, equity is too small for a finite ratio"
                    : "Margin ratio: none, equity is not positive";
}

/// The steps of Deribit's standard margin of one option (per coin), from its numbers.
std::vector<Step> optionMarginSteps(OptionType type, Side side, double strike, double u, double mark,
                                    const MarginNumbers& m) {
  std::vector<Step> steps;
  if (side == Side::Long) {
    detail::add(steps, "optionMargin.long.initial", "initialMargin",
            "Long option: premium only (paid up front), no initial margin", "IM = 0", "0", 0.0);
    detail::add(steps, "optionMargin.long.maintenance", "maintenanceMargin", "Long option: no maintenance margin",
            "MM = 0", "0", 0.0);
    return steps;
  }
  const bool call = isCall(type);
  const std::vector<Param> otm = {num("strike", strike), num("underlyingPrice", u)};
  const std::vector<Param> margin = {num("otm", m.otm), num("underlyingPrice", u), num("mark", mark)};
  detail::add(steps, "optionMargin.otm", "otm", call ? "Out-of-the-money amount of the call" : "Out-of-the-money amount of the put",
          call ? "OTM = max(K - U, 0)" : "OTM = max(U - K, 0)",
          call ? "max(" + n(strike) + " - " + n(u) + ", 0)" : "max(" + n(u) + " - " + n(strike) + ", 0)", m.otm, otm);
  if (call) {
    detail::add(steps, "optionMargin.call.initial", "initialMargin",
            "Short call initial margin per option, coin (Deribit standard)", "IM = max(0.15 - OTM/U, 0.1) + mark",
            "max(0.15 - " + n(m.otm) + "/" + n(u) + ", 0.1) + " + n(mark), m.im, margin);
    detail::add(steps, "optionMargin.call.maintenance", "maintenanceMargin",
            "Short call maintenance margin per option, coin (Deribit standard)", "MM = 0.075 + mark",
            "0.075 + " + n(mark), m.mm, {num("mark", mark)});
  } else {
    detail::add(steps, "optionMargin.put.maintenance", "maintenanceMargin",
            "Short put maintenance margin per option, coin (Deribit standard)", "MM = max(0.075, 0.075 x mark) + mark",
            "max(0.075, 0.075 x " + n(mark) + ") + " + n(mark), m.mm, {num("mark", mark)});
    detail::add(steps, "optionMargin.put.initial", "initialMargin",
            "Short put initial margin per option, coin (Deribit standard)", "IM = max(max(0.15 - OTM/U, 0.1) + mark, MM)",
            "max(max(0.15 - " + n(m.otm) + "/" + n(u) + ", 0.1) + " + n(mark) + ", " + n(m.mm) + ")", m.im, margin);
  }
  return steps;
}

/// The steps of Deribit's standard margin of a futures position of `size` coins.
std::vector<Step> futuresMarginSteps(double size, double rate, const FuturesMargin& m) {
  std::vector<Step> steps;
  detail::add(steps, "futuresMargin.initialMarginRate", "initialMarginRate", "Futures initial margin rate (Deribit standard)",
          "IM rate = 2% + size x k", "0.02 + " + n(size) + " x " + n(rate), m.initialMarginRate,
          {num("size", size), num("sizeRate", rate)});
  detail::add(steps, "futuresMargin.maintenanceMarginRate", "maintenanceMarginRate",
          "Futures maintenance margin rate (Deribit standard)", "MM rate = 1% + size x k",
          "0.01 + " + n(size) + " x " + n(rate), m.maintenanceMarginRate, {num("size", size), num("sizeRate", rate)});
  detail::add(steps, "futuresMargin.initialMargin", "initialMargin", "Futures initial margin", "IM = IM rate x size",
          n(m.initialMarginRate) + " x " + n(size), m.initialMargin, {num("rate", m.initialMarginRate), num("size", size)});
  detail::add(steps, "futuresMargin.maintenanceMargin", "maintenanceMargin", "Futures maintenance margin",
          "MM = MM rate x size", n(m.maintenanceMarginRate) + " x " + n(size), m.maintenanceMargin,
          {num("rate", m.maintenanceMarginRate), num("size", size)});
  return steps;
}

/// Option i's time to expiry and volatility.
void explainTerms(const Prepared& p, std::size_t i, const OptionAt& a, const std::string& name,
                  std::vector<Step>& steps) {
  const OptionsScenario& s = p.s;
  const OptionPosition& o = s.options[i];
  const std::string base = indexed("options", i);
  if (o.expiryYears)
    detail::add(steps, "options.years.given", base + ".years", name + ": time to expiry (given)", "T", n(a.years), a.years);
  else
    detail::add(steps, "options.years.dates", base + ".years", name + ": time to expiry, ACT/365",
            "T = (expiry - valuation) / 365 days",
            "(" + *o.expiryDate + " - " + *s.valuationDate + ") / 365 = " + n(a.years * kDaysPerYear) + " / 365", a.years,
            {named("expiryDate", *o.expiryDate), named("valuationDate", *s.valuationDate)});
  if (o.volatility)
    detail::add(steps, "options.volatility.given", base + ".volatility", name + ": volatility (given)", "sigma",
            n(a.volatility), a.volatility);
  else
    detail::add(steps, "options.volatility.surface", base + ".volatility",
            name + ": volatility from the surface (linear in variance across expiries, in volatility across ln K)",
            "sigma = surface(T, K)", "surface(" + n(a.years) + ", " + n(p.surfaceStrike(o, s.underlyingPrice)) + ")",
            a.volatility, {num("years", a.years), num("strike", p.surfaceStrike(o, s.underlyingPrice))});
}

/// Option i's forward, Black-76 price, mark and PnL.
void explainPrice(const Prepared& p, std::size_t i, const OptionAt& a, const OptionValuation& v,
                  const std::string& name, std::vector<Step>& steps) {
  const OptionsScenario& s = p.s;
  const OptionPosition& o = s.options[i];
  const std::string base = indexed("options", i);
  const double u = s.underlyingPrice;
  detail::add(steps, "options.forward", base + ".forward", name + ": forward", "F = U exp(r T)",
          n(u) + " x exp(" + sn(s.interestRate) + " x " + n(a.years) + ")", a.forward,
          {num("underlyingPrice", u), num("rate", s.interestRate), num("years", a.years)});
  const double sd = a.volatility * std::sqrt(a.years);
  const double d1 = std::log(a.forward / o.strike) / sd + 0.5 * sd;
  detail::add(steps, "options.markPrice.black76", base + ".markPrice", name + ": Black-76 price per coin, in quote",
          isCall(o.type) ? "c = D (F N(d1) - K N(d2)), d1,2 = ln(F/K) / (sigma sqrt T) +- sigma sqrt T / 2"
                         : "p = D (K N(-d2) - F N(-d1)), d1,2 = ln(F/K) / (sigma sqrt T) +- sigma sqrt T / 2",
          "D = " + n(a.discount) + ", F = " + n(a.forward) + ", K = " + n(o.strike) + ", sigma sqrt T = " + n(sd) +
              ", d1 = " + n(d1) + ", d2 = " + n(d1 - sd),
          a.quote,
          {num("discount", a.discount), num("forward", a.forward), num("strike", o.strike), num("stdDev", sd),
           num("d1", d1), num("d2", d1 - sd)});
  if (p.inverse)
    detail::add(steps, "options.markPrice.coin", base + ".markPrice",
            name + ": mark in coin (the quote price over the underlying)", "mark = price / U", n(a.quote) + " / " + n(u),
            a.mark, {num("price", a.quote), num("underlyingPrice", u)});
  detail::add(steps, "options.unrealizedPnl", base + ".unrealizedPnl", name + ": PnL from the premium",
          "PnL = s x q x (mark - premium)",
          (o.side == Side::Long ? "1" : "-1") + std::string(" x ") + n(o.quantity) + " x (" + n(a.mark) + " - " +
              n(o.premium) + ")",
          v.unrealizedPnl, {num("side", sideSign(o.side)), num("quantity", o.quantity), num("mark", a.mark),
                            num("premium", o.premium)});
}

/// Option i's margins: Deribit's per option, then the position's.
void explainOptionMargins(const Prepared& p, std::size_t i, const OptionAt& a, const OptionValuation& v,
                          const std::string& name, std::vector<Step>& steps) {
  const OptionPosition& o = p.s.options[i];
  const std::string base = indexed("options", i);
  const double u = p.s.underlyingPrice;
  const MarginNumbers m = deribitNumbers(o.type, o.side, o.strike, u, a.quote / u);
  for (Step& step : optionMarginSteps(o.type, o.side, o.strike, u, a.quote / u, m)) {
    step.field = base + "." + step.field;
    step.label = name + ": " + step.label;
    steps.push_back(std::move(step));
  }
  if (o.side == Side::Long) return;
  const std::string scale = p.inverse ? "" : " x U";
  const std::string times = p.inverse ? "" : " x " + n(u);
  detail::add(steps, "options.maintenanceMargin", base + ".maintenanceMargin", name + ": maintenance margin of the position",
          "MM = q x MM per option" + scale, n(o.quantity) + " x " + n(m.mm) + times, v.maintenanceMargin,
          {num("quantity", o.quantity), num("perOption", m.mm)});
  detail::add(steps, "options.initialMargin", base + ".initialMargin", name + ": initial margin of the position",
          "IM = q x IM per option" + scale, n(o.quantity) + " x " + n(m.im) + times, v.initialMargin,
          {num("quantity", o.quantity), num("perOption", m.im)});
}

void explainOption(const Prepared& p, std::size_t i, OptionValuation& v) {
  const OptionAt a = optionAt(p, i, p.s.underlyingPrice, 0, shifted(0));
  const std::string name = optionName(p.s, i);
  v.steps.clear();
  explainTerms(p, i, a, name, v.steps);
  explainPrice(p, i, a, v, name, v.steps);
  explainOptionMargins(p, i, a, v, name, v.steps);
}

void explainFuture(const Prepared& p, std::size_t i, FutureValuation& v) {
  const Position& f = p.s.futures[i];
  const std::string base = indexed("futures", i);
  const double u = p.s.underlyingPrice;
  const std::string name = (f.symbol.empty() ? base : f.symbol) + " " + std::string(toString(f.side));
  const std::string s = f.side == Side::Long ? "1" : "-1";
  const std::vector<Param> params = {num("side", sideSign(f.side)), num("quantity", f.quantity),
                                     num("contractSize", f.contractSize), num("entryPrice", f.entryPrice),
                                     num("underlyingPrice", u)};
  v.steps.clear();
  if (p.inverse) {
    detail::add(v.steps, "futures.sizeCoin.inverse", base + ".sizeCoin", name + ": size in coin at the underlying price",
            "size = q x cs / U", n(f.quantity) + " x " + n(f.contractSize) + " / " + n(u), v.sizeCoin, params);
    detail::add(v.steps, "futures.unrealizedPnl.inverse", base + ".unrealizedPnl", name + ": PnL (inverse, coin)",
            "PnL = s x q x cs x (1/EP - 1/U)",
            s + " x " + n(f.quantity) + " x " + n(f.contractSize) + " x (1/" + n(f.entryPrice) + " - 1/" + n(u) + ")",
            v.unrealizedPnl, params);
  } else {
    detail::add(v.steps, "futures.sizeCoin.linear", base + ".sizeCoin", name + ": size in coin", "size = q x cs",
            n(f.quantity) + " x " + n(f.contractSize), v.sizeCoin, params);
    detail::add(v.steps, "futures.unrealizedPnl.linear", base + ".unrealizedPnl", name + ": PnL (linear, quote)",
            "PnL = s x q x cs x (U - EP)",
            s + " x " + n(f.quantity) + " x " + n(f.contractSize) + " x (" + n(u) + " - " + n(f.entryPrice) + ")",
            v.unrealizedPnl, params);
  }
  const FuturesMargin m = deribitFuturesMargin(v.sizeCoin, p.sizeRate);
  for (Step& step : futuresMarginSteps(v.sizeCoin, p.sizeRate, m)) {
    step.field = base + "." + step.field;
    step.label = name + ": " + step.label;
    if (!p.inverse && step.value && !step.field.ends_with("Rate")) {  // a margin: coin to quote
      step.label += ", in quote";
      step.formula += " x U";
      step.substituted += " x " + n(u);
      step.value = *step.value * u;
      step.params.push_back(num("underlyingPrice", u));
    }
    v.steps.push_back(std::move(step));
  }
}

/// How a scan's steps name what they explain.
struct ScanText {
  std::string field;   ///< "liquidationPrices", "now.liquidationPrices"
  std::string who;     ///< a label prefix: "" or "<position>, isolated <when>: "
  std::string equity;  ///< "equity" or "IM + PnL"
};
/// Equity and maintenance margin at one price (the account's, or one isolated position's).
struct EquityAt {
  double equity = 0, maintenanceMargin = 0;
};

/// The steps of one scan: how it was made (as the dense scan it reproduces) and what it found, each
/// price with the equity and maintenance there (from `at`), and the ends of the range when liquidated.
template <class At>
void explainScan(std::vector<Step>& steps, const ScanText& t, const Scan& scan, const Grid& grid, double u, At&& at) {
  const std::string range = "[" + n(grid.low) + ", " + n(grid.high) + "]";
  const std::string equation = t.equity + "(P) = MM(P)";
  const std::size_t found = scan.crossings.size();
  detail::add(steps, "liquidation.scan", t.field,
          t.who + "Liquidation prices: " + t.equity + "(P) - MM(P) on " + std::to_string(grid.points) +
              " log-spaced prices in " + range + ", each sign change refined by Brent's method (at most " +
              std::to_string(scan.rootSteps) + " steps); " + std::to_string(found) + " found",
          equation, std::to_string(found) + " prices", static_cast<double>(found),
          {count("points", grid.points), num("low", grid.low), num("high", grid.high),
           num("rootSteps", scan.rootSteps), count("found", found)});
  for (std::size_t k = 0; k < found; ++k) {
    const LiquidationCrossing& c = scan.crossings[k];
    const EquityAt e = at(c.price);
    detail::add(steps, "liquidation.price", indexed(t.field, k),
            t.who + "Liquidation price " + std::to_string(k + 1) + " of " + std::to_string(found) + ": " +
                (c.liquidatedBelow ? "a fall below it liquidates" : "a rise above it liquidates") +
                (c.price < u ? " (below the underlying)" : " (above the underlying)"),
            equation,
            t.equity + "(" + n(c.price) + ") = " + n(e.equity) + ", MM(" + n(c.price) + ") = " + n(e.maintenanceMargin),
            c.price, {num("price", c.price), num("equity", e.equity), num("maintenanceMargin", e.maintenanceMargin)});
  }
  if (!scan.lowLiquidated && !scan.highLiquidated) return;
  detail::add(steps, "liquidation.scanEnds", t.field,
          t.who + (t.who.empty() ? "Equity" : "equity") + " is below maintenance at " +
              (scan.lowLiquidated && scan.highLiquidated ? "both ends"
               : scan.lowLiquidated                      ? "the low end"
                                                         : "the high end") +
              " of the scanned range " + range,
          t.equity + "(P) < MM(P)", range, std::nullopt, {num("low", grid.low), num("high", grid.high)});
}

/// The equity term by term at the underlying price, "wallet + PnL + ...".
std::string equityTerms(const Prepared& p, double days, double shift) {
  const OptionsScenario& s = p.s;
  const double u = s.underlyingPrice;
  std::string terms = n(s.walletBalance);
  for (const Position& f : s.futures) terms += " + " + sn(futureAt(p, f, u).pnl);
  for (std::size_t i = 0; i < s.options.size(); ++i) {
    const OptionPosition& o = s.options[i];
    terms += " + " + sn(sideSign(o.side) * o.quantity * (optionAt(p, i, u, days, shifted(shift)).mark - o.premium));
  }
  return terms;
}

void explainViewNumbers(const Prepared& p, OptionsAccountView& v, const std::string& when) {
  const std::vector<Param> at = {num("days", v.days), num("volShift", v.volShift)};
  detail::add(v.steps, "optionsAccount.equity", "equity", "Equity " + when,
          "E = wallet + sum futures PnL + sum s x q x (mark - premium)", equityTerms(p, v.days, v.volShift), v.equity,
          {num("walletBalance", p.s.walletBalance), num("days", v.days), num("volShift", v.volShift)});
  detail::add(v.steps, "optionsAccount.maintenanceMargin", "maintenanceMargin",
          "Maintenance margin " + when + " (Deribit standard)", "MM = sum futures MM + sum short options MM",
          n(v.maintenanceMargin), v.maintenanceMargin, at);
  detail::add(v.steps, "optionsAccount.initialMargin", "initialMargin", "Initial margin " + when + " (Deribit standard)",
          "IM = sum futures IM + sum short options IM", n(v.initialMargin), v.initialMargin, at);
  detail::add(v.steps, "optionsAccount.availableBalance", "availableBalance", "Available balance", "equity - IM",
          n(v.equity) + " - " + n(v.initialMargin), v.availableBalance,
          {num("equity", v.equity), num("initialMargin", v.initialMargin)});
  detail::add(v.steps, v.marginRatio ? "optionsAccount.marginRatio" : "optionsAccount.marginRatio.none", "marginRatio",
          v.marginRatio ? "Margin ratio (liquidation at 100%)" : noRatioLabel(v.equity), "MM / equity",
          n(v.maintenanceMargin) + " / " + n(v.equity), v.marginRatio,
          {num("maintenanceMargin", v.maintenanceMargin), num("equity", v.equity)});
}

void explainView(const Prepared& p, const Grid& grid, OptionsAccountView& v) {
  const double u = p.s.underlyingPrice, days = v.days, shift = v.volShift;
  std::string when = horizonText(days);
  if (shift != 0)
    when += ", every volatility " + std::string(shift > 0 ? "+" : "") + n(shift * 100) + " vol points" +
            (shift < 0 ? " (at least " + n(kMinImpliedVolatility) + ")" : "");
  v.steps.clear();
  explainViewNumbers(p, v, when);
  explainScan(v.steps, ScanText{"liquidationPrices", "", "equity"}, scanAccount(p, grid, days, shift), grid, u,
              [&](double price) {
                const OptionsAccountPoint at = accountAt(p, price, days, shifted(shift));
                return EquityAt{at.equity, at.maintenanceMargin};
              });
  detail::add(v.steps, "optionsAccount.maxLoss", "maxLoss",
          "Max loss (cross): the whole account equity " + when + " is at risk, every position shares it",
          "max(0, equity)", "max(0, " + sn(v.equity) + ")", v.maxLoss, {num("equity", v.equity)});
}

/// One horizon of an isolated position: liquidated or not at U, and its scan's steps. `at(price)`
/// gives the position's {pnl, mm} at that horizon.
template <class At>
void explainHorizon(std::vector<Step>& steps, const Scan& scan, const Grid& grid, double u, double posted,
                    const std::string& name, const std::string& field, double days, At&& at) {
  const auto equityAt = [&](double price) {
    const auto a = at(price);
    return EquityAt{posted + a.pnl, a.mm};
  };
  const EquityAt now = equityAt(u);
  const bool liquidated = now.equity < now.maintenanceMargin;
  const std::string when = horizonText(days);
  detail::add(steps, "isolated.liquidated", field + ".liquidated",
          name + ", isolated " + when + ": " + (liquidated ? "liquidated" : "not liquidated") +
              " at the underlying price (liquidated when posted margin + PnL - MM < 0)",
          "IM + PnL(U) - MM(U)", n(posted) + " + " + sn(now.equity - posted) + " - " + n(now.maintenanceMargin),
          now.equity - now.maintenanceMargin,
          {num("postedMargin", posted), num("pnl", now.equity - posted), num("maintenanceMargin", now.maintenanceMargin)});
  explainScan(steps, ScanText{field + ".liquidationPrices", name + ", isolated " + when + ": ", "IM + PnL"}, scan, grid,
              u, equityAt);
}

void explainPosted(IsolatedPosition& r, const std::string& name, const std::string& label, const std::string& formula) {
  detail::add(r.steps, "isolated.postedMargin", "postedMargin", name + label, formula, n(r.postedMargin), r.postedMargin,
          {num("postedMargin", r.postedMargin)});
  detail::add(r.steps, "isolated.maxLoss", "maxLoss", name + ", isolated: the most it can lose is its posted margin",
          "max loss = M", n(r.postedMargin), r.maxLoss, {num("postedMargin", r.postedMargin)});
}

void explainLongOption(const OptionPosition& o, const std::string& name, IsolatedPosition& r) {
  detail::add(r.steps, "isolated.postedMargin.long", "postedMargin",
          name + ", isolated: no margin posted, the premium is paid up front", "M = IM = 0", "0", 0.0);
  detail::add(r.steps, "isolated.maxLoss.premium", "maxLoss", name + ", isolated: the premium paid is the whole risk",
          "max loss = premium x q", n(o.premium) + " x " + n(o.quantity), r.maxLoss,
          {num("premium", o.premium), num("quantity", o.quantity)});
  for (const char* field : {"now.liquidationPrices", "later.liquidationPrices"})
    detail::add(r.steps, "isolated.noLiquidation.long", field,
            name + ", isolated: no liquidation price, a long option owes nothing at any price (its value is >= 0)", "",
            "none", std::nullopt);
}

void explainIsolatedOption(const Prepared& p, const Grid& grid, double laterDays, std::size_t i, IsolatedPosition& r) {
  const OptionPosition& o = p.s.options[i];
  const std::string name = optionName(p.s, i);
  const double u = p.s.underlyingPrice;
  r.steps.clear();
  if (o.side == Side::Long) return explainLongOption(o, name, r);
  explainPosted(r, name,
                ", isolated: posted margin, the position's initial margin at the valuation date (Deribit standard)",
                "M = IM at the valuation date");
  const auto horizon = [&](double days, const std::string& field) {
    explainHorizon(r.steps, scanIsolatedOption(p, grid, i, r.postedMargin, days), grid, u, r.postedMargin, name,
                   field, days, [&](double price) { return optionPointAt(p, i, price, days, shifted(0)); });
  };
  horizon(0, "now");
  if (laterDays > 0) return horizon(laterDays, "later");
  detail::add(r.steps, "isolated.laterIsNow", "later.liquidationPrices",
          name + ", isolated: request.days is 0, so later is now", "", "", std::nullopt);
}

void explainIsolatedFuture(const Prepared& p, const Grid& grid, std::size_t i, IsolatedPosition& r) {
  const Position& f = p.s.futures[i];
  const std::string name = futureName(p.s, i);
  const double u = p.s.underlyingPrice;
  r.steps.clear();
  explainPosted(r, name,
                ", isolated: posted margin, the position's initial margin at the underlying price (Deribit standard)",
                "M = IM rate x size" + std::string(p.inverse ? "" : " x U"));
  explainHorizon(r.steps, scanIsolatedFuture(p, grid, i, r.postedMargin), grid, u, r.postedMargin, name, "now", 0,
                 [&](double price) { return futureAt(p, f, price); });
  detail::add(r.steps, "isolated.laterIsNow.future", "later.liquidationPrices",
          name + ", isolated: later is now, a future's PnL and margin depend on the price only", "", "", std::nullopt);
}

/// The account's own steps: the settlement asset, the last expiry, the futures' size rate.
void explainAccount(const Prepared& p, OptionsAccountResult& r) {
  const OptionsScenario& s = p.s;
  r.steps.clear();
  detail::add(r.steps, "optionsAccount.settlement", "settlement",
          p.inverse ? "Coin-settled (inverse): wallet, PnL and margins in " + s.underlying.substr(0, 40)
                    : "Quote-settled (linear): wallet, PnL and margins in the quote currency; option margins are the "
                      "coin formulas times U",
          "", std::string(toString(s.settlement)), std::nullopt,
          {named("settlement", std::string(toString(s.settlement))), named("underlying", s.underlying.substr(0, 40))});
  if (r.lastExpiryDays) {
    double years = 0;
    for (const OptionValuation& o : r.options) years = std::max(years, o.years);
    detail::add(r.steps, "optionsAccount.lastExpiryDays", "lastExpiryDays",
            "Days to the last expiry: every option settled at its intrinsic value", "days = max(T) x 365",
            n(years) + " x 365", *r.lastExpiryDays, {num("years", years)});
  }
  if (!s.futures.empty())
    detail::add(r.steps, "optionsAccount.futuresSizeRate", "futuresSizeRate",
            s.futuresSizeRate ? "Futures size rate (given)" : "Futures size rate: Deribit's for " + s.underlying.substr(0, 40),
            "k", n(p.sizeRate), p.sizeRate, {num("sizeRate", p.sizeRate)});
}

void explainPortfolio(const Prepared& p, const PortfolioMarginRequest& rq, PortfolioMarginResult& r) {
  const double u = p.s.underlyingPrice;
  const bool relative = rq.volShockKind == VolShockKind::Relative;
  const std::string volText = relative ? "sigma x (1 + shock x scale)" : "sigma + shock x scale";
  const std::size_t cells = r.priceMoves.size() * r.volShocks.size();
  r.steps.clear();
  detail::add(r.steps, "portfolioMargin.grid", "pnl",
          "Stress grid: " + std::to_string(r.priceMoves.size()) + " price moves x " + std::to_string(r.volShocks.size()) +
              " volatility shocks, every position revalued now (Black-76; shocked volatility " + volText +
              ", at least " + n(kMinImpliedVolatility) + ")",
          "PnL(move, shock) = equity(U (1 + move), shocked sigma) - equity(U, sigma)", std::to_string(cells) + " cells",
          std::nullopt, {count("priceMoves", r.priceMoves.size()), count("volShocks", r.volShocks.size())});
  for (std::size_t i = 0; i < r.volShockScale.size(); ++i)
    detail::add(r.steps, "portfolioMargin.volShockScale", indexed("volShockScale", i),
            optionName(p.s, i) + ": volatility shock term scaling", "scale = (30 / max(1, days to expiry))^" + n(rq.vegaPower),
            "(30 / max(1, " + n(p.years[i] * kDaysPerYear) + "))^" + n(rq.vegaPower), r.volShockScale[i],
            {num("days", p.years[i] * kDaysPerYear), num("vegaPower", rq.vegaPower)});
  const double move = r.priceMoves[r.worstPriceMove], shock = r.volShocks[r.worstVolShock];
  detail::add(r.steps, "portfolioMargin.worstPnl", "worstPnl",
          "Worst cell: underlying " + pct(move) + " (" + n(u * (1 + move)) + "), volatility shock " +
              (relative ? pct(shock) : n(shock * 100) + " vol points"),
          "min over the grid of PnL", n(r.worstPnl), r.worstPnl,
          {num("priceMove", move), num("volShock", shock), num("price", u * (1 + move))});
  detail::add(r.steps, "portfolioMargin.requirement", "requirement", "Portfolio margin: the worst loss (0 if no cell loses)",
          "max(0, -worst PnL)", "max(0, " + sn(-r.worstPnl) + ")", r.requirement, {num("worstPnl", r.worstPnl)});
  detail::add(r.steps, r.marginRatio ? "portfolioMargin.marginRatio" : "portfolioMargin.marginRatio.none", "marginRatio",
          r.marginRatio ? "Margin ratio (liquidation at 100%)" : noRatioLabel(r.equity), "requirement / equity",
          n(r.requirement) + " / " + n(r.equity), r.marginRatio,
          {num("requirement", r.requirement), num("equity", r.equity)});
}

// ---- venue instrument names ---------------------------------------------------------------------

std::vector<std::string_view> splitDashes(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == '-') {
      parts.push_back(s.substr(from, i - from));
      from = i + 1;
    }
  return parts;
}

std::optional<OptionType> typeLetter(std::string_view s) noexcept {
  if (s == "C" || s == "c") return OptionType::Call;
  if (s == "P" || s == "p") return OptionType::Put;
  return std::nullopt;
}

/// A strike as venues write it: digits with at most one '.', at most 15 digits, > 0 (exact: the
/// digits as a whole number, divided once by a power of ten). A strike is then held to the
/// account's range of prices (isValidPositive).
std::optional<double> strikeOf(std::string_view s) noexcept {
  double whole = 0, scale = 1;
  int count = 0;
  bool point = false;
  for (char ch : s) {
    if (ch == '.' && !point) point = true;
    else if (ch >= '0' && ch <= '9' && ++count <= 15) {
      whole = whole * 10 + (ch - '0');
      if (point) scale *= 10;
    } else return std::nullopt;
  }
  if (count == 0 || count > 15 || !(whole > 0)) return std::nullopt;
  return whole / scale;
}

bool isUnderlying(std::string_view s) noexcept {
  if (s.empty() || s.size() > 20) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
  });
}

/// OKX's expiry in an instrument name, "260327" (YYMMDD, 20YY), at 08:00 UTC (its options'
/// expTime, e.g. 1734422400000 for BTC-USD-241217-92000-C).
std::optional<Instant> parseOkxDate(std::string_view s) noexcept {
  int y = 0, mo = 0, d = 0;
  if (s.size() != 6 || !digits(s, 0, 2, y) || !digits(s, 2, 2, mo) || !digits(s, 4, 2, d)) return std::nullopt;
  const std::optional<long long> day = civilDay(2000 + y, mo, d);
  if (!day) return std::nullopt;
  return Instant{*day, kVenueExpirySeconds};
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
  return out;
}

/// "YYYY-MM-DDTHH:MMZ" of an instant, as parseDate reads it back.
std::string isoOf(const Instant& at) {
  long long z = at.days + 719468;  // civil from days (Hinnant), the inverse of daysFromCivil
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
  char out[64];
  std::snprintf(out, sizeof out, "%04lld-%02u-%02uT%02d:%02dZ", y, m, d, at.seconds / 3600, at.seconds / 60 % 60);
  return out;
}

/// The parts of a name in one venue's shape (positions of its underlying, date, strike, type, and
/// settlement coin or -1), or none.
struct NameShape {
  const char* venue;
  int underlying, date, strike, type, settle;
  bool okxDate;
};
std::optional<NameShape> shapeOf(const std::vector<std::string_view>& p) noexcept {
  if (p.size() == 4 && typeLetter(p[3])) return NameShape{"deribit", 0, 1, 2, 3, -1, false};
  if (p.size() == 5 && typeLetter(p[3])) return NameShape{"bybit", 0, 1, 2, 3, 4, false};
  if (p.size() == 5 && typeLetter(p[4])) return NameShape{"okx", 0, 2, 3, 4, -1, true};
  return std::nullopt;
}

}  // namespace

std::string_view toString(VolDynamics d) noexcept {
  return d == VolDynamics::StickyStrike ? "stickyStrike" : "stickyMoneyness";
}
std::optional<VolDynamics> parseVolDynamics(std::string_view text) noexcept {
  if (text == "stickyStrike") return VolDynamics::StickyStrike;
  if (text == "stickyMoneyness") return VolDynamics::StickyMoneyness;
  return std::nullopt;
}

std::string_view toString(VolShockKind k) noexcept { return k == VolShockKind::Relative ? "relative" : "absolute"; }
std::optional<VolShockKind> parseVolShockKind(std::string_view text) noexcept {
  if (text == "relative") return VolShockKind::Relative;
  if (text == "absolute") return VolShockKind::Absolute;
  return std::nullopt;
}

Result<InstrumentName> parseInstrumentName(std::string_view name, const std::string& path) {
  Result<InstrumentName> out;
  const std::vector<std::string_view> parts = splitDashes(name);
  const std::optional<NameShape> shape = shapeOf(parts);
  if (!shape) return out.value = InstrumentName{}, out;
  Checker c;
  const std::string text(name.substr(0, 64));
  const std::string venue = shape->venue == std::string_view("okx") ? "OKX" : shape->venue == std::string_view("bybit") ? "Bybit" : "Deribit";
  auto quoted = [&](int at) { return std::string(parts[static_cast<std::size_t>(at)]); };
  if (!isUnderlying(parts[0]))
    c.fail(path, "instrumentUnderlying", {named("name", text), named("venue", venue), named("value", quoted(0))});
  const std::string_view date = parts[static_cast<std::size_t>(shape->date)];
  const std::optional<Instant> expiry = shape->okxDate ? parseOkxDate(date) : parseVenueDate(date);
  if (!expiry)
    c.fail(path, "instrumentDate", {named("name", text), named("venue", venue), named("value", quoted(shape->date)),
                                    named("format", shape->okxDate ? "YYMMDD, e.g. 260327" : "DMMMYY, e.g. 27MAR26")});
  const std::optional<double> strike = strikeOf(parts[static_cast<std::size_t>(shape->strike)]);
  if (!strike || !isValidPositive(*strike)) c.fail(path, "instrumentStrike", {named("name", text), named("venue", venue), named("value", quoted(shape->strike))});
  if (shape->settle >= 0) {
    const std::string coin = upper(parts[static_cast<std::size_t>(shape->settle)]);
    if (coin != "USDT" && coin != "USDC") c.fail(path, "instrumentSettle", {named("name", text), named("value", quoted(shape->settle))});
  }
  if (!c.errors.empty()) return out.errors = std::move(c.errors), out;
  out.value = InstrumentName{true, shape->venue, upper(parts[0]), *typeLetter(parts[static_cast<std::size_t>(shape->type)]),
                             *strike, isoOf(*expiry)};
  return out;
}

std::vector<InputError> validateOptions(const OptionsScenario& s) {
  Checker c;
  DateContext dates;
  validateAccount(c, s, dates);
  if (s.volSurface) checkSurface(c, s, dates);
  if (listFits(c, "futures", s.futures.size(), kMaxFuturesPositions, "optionsTooManyPositions"))
    for (std::size_t i = 0; i < s.futures.size(); ++i) validateFuture(c, s, i);
  if (listFits(c, "options", s.options.size(), kMaxOptionPositions, "optionsTooManyPositions"))
    for (std::size_t i = 0; i < s.options.size(); ++i) validateOption(c, s, dates, i);
  return std::move(c.errors);
}

std::vector<InputError> validateOptionsRequest(const OptionsRequest& request) {
  Checker c;
  checkRequest(c, request);
  return std::move(c.errors);
}

std::vector<InputError> validatePortfolioMarginRequest(const PortfolioMarginRequest& request) {
  Checker c;
  checkPortfolioRequest(c, request);
  return std::move(c.errors);
}

std::vector<InputError> validate(const OptionsScenario& scenario, const OptionsRequest& request) {
  Checker c;
  c.errors = validateOptions(scenario);
  checkRequest(c, request);
  return std::move(c.errors);
}

std::vector<InputError> validate(const OptionsScenario& scenario, const PortfolioMarginRequest& request) {
  Checker c;
  c.errors = validateOptions(scenario);
  checkPortfolioRequest(c, request);
  return std::move(c.errors);
}

OptionMargin deribitOptionMargin(OptionType type, Side side, double strike, double u, double mark) {
  const MarginNumbers m = deribitNumbers(type, side, strike, u, mark);
  OptionMargin r;
  r.initialMargin = m.im;
  r.maintenanceMargin = m.mm;
  return r;
}

void explainOptionMargin(OptionType type, Side side, double strike, double u, double mark, OptionMargin& margin) {
  margin.steps = optionMarginSteps(type, side, strike, u, mark, deribitNumbers(type, side, strike, u, mark));
}

FuturesMargin deribitFuturesMargin(double sizeCoin, double sizeRate) {
  FuturesMargin r;
  r.initialMarginRate = 0.02 + sizeCoin * sizeRate;
  r.maintenanceMarginRate = 0.01 + sizeCoin * sizeRate;
  r.initialMargin = r.initialMarginRate * sizeCoin;
  r.maintenanceMargin = r.maintenanceMarginRate * sizeCoin;
  return r;
}

void explainFuturesMargin(double sizeCoin, double sizeRate, FuturesMargin& margin) {
  margin.steps = futuresMarginSteps(sizeCoin, sizeRate, margin);
}

Result<OptionsAccountResult> evaluateOptions(const OptionsScenario& scenario, const OptionsRequest& request) {
  Result<OptionsAccountResult> result;
  result.errors = validate(scenario, request);
  if (result.errors.empty()) result.value = accountResult(Prepared(scenario), request);
  return result;
}

void explain(const OptionsScenario& scenario, const OptionsRequest& request, OptionsAccountResult& result) {
  const Prepared p(scenario);
  const Grid grid(scenario.underlyingPrice, request);
  for (std::size_t i = 0; i < result.options.size(); ++i) explainOption(p, i, result.options[i]);
  for (std::size_t i = 0; i < result.futures.size(); ++i) explainFuture(p, i, result.futures[i]);
  explainView(p, grid, result.now);
  explainView(p, grid, result.later);
  for (OptionsAccountView& v : result.volShifted) explainView(p, grid, v);
  for (std::size_t i = 0; i < result.isolated.options.size(); ++i)
    explainIsolatedOption(p, grid, request.days, i, result.isolated.options[i]);
  for (std::size_t i = 0; i < result.isolated.futures.size(); ++i)
    explainIsolatedFuture(p, grid, i, result.isolated.futures[i]);
  explainAccount(p, result);
}

OptionsAccountPoint optionsAccountAt(const OptionsScenario& scenario, double price, double days, double volShift) {
  const Prepared p(scenario);
  return accountAt(p, price, days, shifted(volShift));
}

std::optional<double> yearsUntil(std::string_view from, std::string_view to) noexcept {
  const std::optional<Instant> a = parseDate(from), b = parseDate(to);
  if (!a || !b) return std::nullopt;
  return yearsBetween(*a, *b);
}

std::vector<OptionInputs> optionInputs(const OptionsScenario& scenario) {
  const Prepared p(scenario);
  std::vector<OptionInputs> out;
  for (std::size_t i = 0; i < scenario.options.size(); ++i)
    out.push_back({.years = p.years[i], .volatility = p.volatility(i, scenario.underlyingPrice)});
  return out;
}

OptionsAccountPoint optionsAccountAt(const OptionsScenario& scenario, std::span<const double> futureBasis, double price) {
  const Prepared p(scenario, futureBasis);
  return accountAt(p, price, 0, shifted(0));
}

OptionsAccountPoint optionsAccountAt(const OptionsScenario& scenario, std::span<const double> futureBasis, double price,
                                     std::vector<OptionsAccountPoint>& parts) {
  const Prepared p(scenario, futureBasis);
  parts.clear();
  parts.reserve(p.s.futures.size() + p.s.options.size());  // no allocation inside accountAt (noexcept)
  for (std::size_t i = 0; i < p.s.futures.size(); ++i) {
    const FutureAt a = futureAt(p, p.s.futures[i], p.futurePrice(i, price));
    parts.push_back({.equity = a.pnl, .initialMargin = a.im, .maintenanceMargin = a.mm});
  }
  return accountAt(p, price, 0, shifted(0), [&parts](std::size_t, const OptionPointAt& a) {
    parts.push_back({.equity = a.pnl, .initialMargin = a.im, .maintenanceMargin = a.mm});
  });
}

void optionsAccountSweep(const OptionsScenario& scenario, std::span<const double> prices, std::span<double> equity,
                         std::span<double> maintenance, double days, double volShift) {
  const Prepared p(scenario);
  const std::size_t count = std::min({prices.size(), equity.size(), maintenance.size()});
  for (std::size_t i = 0; i < count; ++i) {
    const OptionsAccountPoint a = accountAt(p, prices[i], days, shifted(volShift));
    equity[i] = a.equity;
    maintenance[i] = a.maintenanceMargin;
  }
}

std::vector<InputError> sweepOptionsAccount(const OptionsScenario& scenario, std::span<const double> prices,
                                            std::span<double> equity, std::span<double> maintenance,
                                            const OptionsSweepRequest& request) {
  constexpr std::size_t kMaxPriceErrors = 100;
  Checker c;
  c.errors = validateOptions(scenario);
  c.between("request.days", request.days, 0, kMaxRequestDays);
  betweenBecause(c, "request.volShift", request.volShift, -kMaxOptionVolatility, kMaxOptionVolatility, kShiftUnit);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < prices.size() && bad < kMaxPriceErrors; ++i)
    if (!isValidPositive(prices[i])) {
      ++bad;
      c.positive(indexed("prices", i), prices[i]);
    }
  for (const auto& [field, out] : {std::pair{"equity", equity}, std::pair{"maintenance", maintenance}})
    if (out.size() != prices.size())
      c.fail(field, "optionsSweepLength", {count("count", out.size()), count("prices", prices.size())});
  if (c.ok()) optionsAccountSweep(scenario, prices, equity, maintenance, request.days, request.volShift);
  return std::move(c.errors);
}

Result<PortfolioMarginResult> portfolioMargin(const OptionsScenario& scenario, const PortfolioMarginRequest& request) {
  Result<PortfolioMarginResult> result;
  result.errors = validate(scenario, request);
  if (result.errors.empty()) result.value = portfolioGrid(Prepared(scenario), request);
  return result;
}

void explain(const OptionsScenario& scenario, const PortfolioMarginRequest& request, PortfolioMarginResult& result) {
  explainPortfolio(Prepared(scenario), request, result);
}

}  // namespace marginlab
