// SPDX-License-Identifier: MIT
// MarginLab: an account of options and futures on one underlying (scenario version 2): its
// validation, Deribit's standard margin (VENUES.md 5.1: options per the Deribit margin sheet as
// restated by TSLab and Deribit's position builder; futures per Deribit's support article of
// 11 January 2022), equity against maintenance at every price with every liquidation price, and
// portfolio margin as a grid of price moves x volatility shocks (Deribit support 25944756247837;
// the vol-shock size and its (30 / DTE)^0.30 term scaling from deribit.com/pages/docs/portfoliomargin).
#include "marginlab/options.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "marginlab/format.h"
#include "marginlab/validate.h"
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

/// A number as the steps print it; -0 prints as 0.
std::string n(double x) { return formatNumber(x == 0 ? 0.0 : x); }
/// The same, in parentheses when negative, for use inside a formula.
std::string sn(double x) { return x < 0 ? "(" + formatNumber(x) + ")" : n(x); }
std::string pct(double fraction) { return formatNumber(fraction * 100) + "%"; }
std::string indexed(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

void addStep(std::vector<Step>& steps, std::string field, std::string label, std::string formula,
             std::string substituted, std::optional<double> value) {
  steps.push_back({std::move(field), std::move(label), std::move(formula), std::move(substituted), value});
}

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

/// The instant of "YYYY-MM-DD[(T| )HH:MM[:SS]][Z]" (UTC), or nothing.
std::optional<Instant> parseDate(std::string_view s) noexcept {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
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
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > kMonthDays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
      h > 23 || mi > 59 || se > 59)
    return std::nullopt;
  return Instant{daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)), h * 3600 + mi * 60 + se};
}

// ---- validation -------------------------------------------------------------------------------

struct RequestChecker {
  std::vector<InputError> errors;
  void add(std::string path, ErrorCode code, std::string message) {
    errors.push_back({std::move(path), code, std::move(message)});
  }
  bool finite(const std::string& path, double x) {
    if (isValidNumber(x)) return true;
    add(path, ErrorCode::NotFinite, path + " must be a finite number");
    return false;
  }
  /// Finite and within [lo, hi].
  bool within(const std::string& path, double x, double lo, double hi, std::string_view why = {}) {
    if (!finite(path, x)) return false;
    if (x >= lo && x <= hi) return true;
    add(path, ErrorCode::OutOfRange,
        path + " (" + n(x) + ") must be between " + n(lo) + " and " + n(hi) + (why.empty() ? "" : ": ") +
            std::string(why));
    return false;
  }
  bool positive(const std::string& path, double x) { return checkPositive(errors, path, x); }
  bool nonNegative(const std::string& path, double x) {
    if (!finite(path, x)) return false;
    if (x < 0) return add(path, ErrorCode::Negative, path + " (" + n(x) + ") must be >= 0"), false;
    if (x > kMaxMagnitude)
      return add(path, ErrorCode::OutOfRange, path + " (" + n(x) + ") must be <= " + n(kMaxMagnitude)), false;
    return true;
  }
  bool volatility(const std::string& path, double x) {
    if (!finite(path, x)) return false;
    if (!(x > 0)) return add(path, ErrorCode::NotPositive, path + " (" + n(x) + ") must be > 0"), false;
    if (x > kMaxOptionVolatility)
      return add(path, ErrorCode::OutOfRange, path + " (" + n(x) + ") must be <= " + n(kMaxOptionVolatility)), false;
    return true;
  }
};

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

void validateOption(RequestChecker& c, const OptionsScenario& s, std::optional<Instant> valuation, std::size_t i) {
  const OptionPosition& o = s.options[i];
  const std::string base = indexed("options", i);
  c.positive(base + ".strike", o.strike);
  c.positive(base + ".quantity", o.quantity);
  c.nonNegative(base + ".premium", o.premium);
  if (o.volatility) c.volatility(base + ".volatility", *o.volatility);
  else if (!s.volSurface)
    c.add(base + ".volatility", ErrorCode::Missing,
          base + ".volatility is missing and the scenario has no volSurface to read it from");
  if (o.expiryYears && o.expiryDate) {
    c.add(base + ".expiryDate", ErrorCode::OutOfRange,
          base + ": give expiryYears or expiryDate, not both");
  } else if (o.expiryYears) {
    const std::string path = base + ".expiryYears";
    const double t = *o.expiryYears;
    if (!c.finite(path, t)) return;
    if (!(t > 0))
      c.add(path, ErrorCode::NotPositive,
            path + " (" + n(t) + ") must be > 0: the option must expire after the valuation date");
    else if (t > kMaxOptionYears)
      c.add(path, ErrorCode::OutOfRange, path + " (" + n(t) + ") must be <= " + n(kMaxOptionYears));
  } else if (o.expiryDate) {
    const std::string path = base + ".expiryDate";
    const std::optional<Instant> expiry = parseDate(*o.expiryDate);
    if (!expiry) {
      c.add(path, ErrorCode::WrongType,
            path + " (\"" + o.expiryDate->substr(0, 40) + "\") must be a date YYYY-MM-DD, optionally with THH:MM[:SS][Z] (UTC)");
      return;
    }
    if (!s.valuationDate) {
      c.add("valuationDate", ErrorCode::Missing, "valuationDate is needed by " + path);
      return;
    }
    if (!valuation) return;  // reported once at valuationDate
    const double years = yearsBetween(*valuation, *expiry);
    if (!(years > 0))
      c.add(path, ErrorCode::NotPositive,
            path + " (" + *o.expiryDate + ") must be after valuationDate (" + *s.valuationDate +
                "): the option has expired");
    else if (years > kMaxOptionYears)
      c.add(path, ErrorCode::OutOfRange,
            path + " (" + *o.expiryDate + ") must be at most " + n(kMaxOptionYears) + " years after valuationDate");
  } else {
    c.add(base + ".expiryYears", ErrorCode::Missing, base + " needs expiryYears or expiryDate");
  }
}

void validateFuture(RequestChecker& c, const OptionsScenario& s, std::size_t i) {
  const Position& p = s.futures[i];
  const std::string base = indexed("futures", i);
  if (p.contract != s.settlement)
    c.add(base + ".contract", ErrorCode::Mixed,
          base + ".contract (" + std::string(toString(p.contract)) + ") must match the account's settlement (" +
              std::string(toString(s.settlement)) + ")");
  c.positive(base + ".contractSize", p.contractSize);
  c.positive(base + ".quantity", p.quantity);
  c.positive(base + ".entryPrice", p.entryPrice);
  if (p.markPrice)
    c.add(base + ".markPrice", ErrorCode::Unsupported,
          base + ".markPrice must be absent: every future is marked at the scenario's underlyingPrice");
  if (p.marginMode == MarginMode::Isolated)
    c.add(base + ".marginMode", ErrorCode::Unsupported,
          base + ".marginMode: an options account is cross-margined (isolated is not supported)");
  if (p.isolatedMargin)
    c.add(base + ".isolatedMargin", ErrorCode::Unsupported,
          base + ".isolatedMargin must be absent: an options account is cross-margined");
}

std::vector<InputError> requestErrors(const OptionsRequest& r) {
  RequestChecker c;
  c.within("request.days", r.days, 0, kMaxRequestDays);
  if (r.volShifts.size() > kMaxVolShifts)
    c.add("request.volShifts", ErrorCode::TooMany,
          "request.volShifts has " + std::to_string(r.volShifts.size()) + " values; at most " +
              std::to_string(kMaxVolShifts));
  else
    for (std::size_t i = 0; i < r.volShifts.size(); ++i)
      c.within(indexed("request.volShifts", i), r.volShifts[i], -kMaxOptionVolatility, kMaxOptionVolatility,
               "a shift is in volatility (0.1 = 10 vol points)");
  const bool low = c.finite("request.scanLow", r.scanLow), high = c.finite("request.scanHigh", r.scanHigh);
  if (low && !(r.scanLow > 0 && r.scanLow < 1))
    c.add("request.scanLow", ErrorCode::OutOfRange,
          "request.scanLow (" + n(r.scanLow) + ") must be > 0 and < 1 (a factor of underlyingPrice)");
  if (high && !(r.scanHigh > 1 && r.scanHigh <= kMaxScanRatio))
    c.add("request.scanHigh", ErrorCode::OutOfRange,
          "request.scanHigh (" + n(r.scanHigh) + ") must be > 1 and <= " + n(kMaxScanRatio));
  if (c.errors.empty() && r.scanHigh / r.scanLow > kMaxScanRatio)
    c.add("request.scanHigh", ErrorCode::OutOfRange,
          "request.scanHigh / request.scanLow (" + n(r.scanHigh / r.scanLow) + ") must be <= " + n(kMaxScanRatio));
  if (r.scanPoints < kMinScanPoints || r.scanPoints > kMaxScanPoints)
    c.add("request.scanPoints", ErrorCode::OutOfRange,
          "request.scanPoints (" + std::to_string(r.scanPoints) + ") must be between " +
              std::to_string(kMinScanPoints) + " and " + std::to_string(kMaxScanPoints));
  return c.errors;
}

std::vector<InputError> portfolioRequestErrors(const PortfolioMarginRequest& r) {
  RequestChecker c;
  const auto list = [&](const char* name, const std::vector<double>& v, std::size_t limit, double lo, double hi,
                        std::string_view why) {
    const std::string path = std::string("request.") + name;
    if (v.empty()) return c.add(path, ErrorCode::Empty, path + " must hold at least one value");
    if (v.size() > limit)
      return c.add(path, ErrorCode::TooMany,
                   path + " has " + std::to_string(v.size()) + " values; at most " + std::to_string(limit));
    for (std::size_t i = 0; i < v.size(); ++i) c.within(indexed(path, i), v[i], lo, hi, why);
  };
  list("priceMoves", r.priceMoves, kMaxPriceMoves, -1, kMaxPriceMove, "a move is a fraction of underlyingPrice");
  for (std::size_t i = 0; i < r.priceMoves.size() && i < kMaxPriceMoves; ++i)
    if (r.priceMoves[i] == -1)
      c.add(indexed("request.priceMoves", i), ErrorCode::OutOfRange,
            indexed("request.priceMoves", i) + " (-1) must be > -1: the price would be 0");
  list("volShocks", r.volShocks, kMaxVolShocks, -kMaxVolShock, kMaxVolShock, {});
  c.within("request.vegaPower", r.vegaPower, 0, kMaxVegaPower);
  return c.errors;
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
  /// Per option: its terms at the horizon last asked for. A scan asks for one horizon at thousands
  /// of prices; this is a cache of values, not state (Prepared lives for one call, on one thread).
  mutable std::vector<OptionTerms> terms;

  explicit Prepared(const OptionsScenario& scenario) : s(scenario) {
    inverse = s.settlement == Contract::Inverse;
    sizeRate = s.futuresSizeRate ? *s.futuresSizeRate : defaultSizeRate(s.underlying).value_or(0);
    years.reserve(s.options.size());
    for (const OptionPosition& o : s.options) years.push_back(yearsOf(s, o));
    fixedVolatility.reserve(s.options.size());
    for (std::size_t i = 0; i < s.options.size(); ++i) {
      const OptionPosition& o = s.options[i];
      fixedVolatility.push_back(o.volatility ? *o.volatility
                                : s.volDynamics == VolDynamics::StickyStrike
                                    ? surfaceVolatility(*s.volSurface, years[i], o.strike)
                                    : std::numeric_limits<double>::quiet_NaN());
    }
    terms.resize(s.options.size());
  }

  /// The strike read from the surface when the underlying is at `price`.
  [[nodiscard]] double surfaceStrike(const OptionPosition& o, double price) const noexcept {
    return s.volDynamics == VolDynamics::StickyMoneyness ? o.strike * s.underlyingPrice / price : o.strike;
  }
  /// The option's volatility before any shift: given, or read from the surface.
  [[nodiscard]] double volatility(std::size_t i, double price) const noexcept {
    if (!std::isnan(fixedVolatility[i])) return fixedVolatility[i];
    return surfaceVolatility(*s.volSurface, years[i], surfaceStrike(s.options[i], price));
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
};
template <class Shock>
OptionPointAt optionPointAt(const Prepared& p, std::size_t i, double price, double days, Shock&& shock) noexcept {
  const OptionPosition& o = p.s.options[i];
  const OptionAt a = optionAt(p, i, price, days, shock);
  OptionPointAt r;
  r.pnl = sideSign(o.side) * o.quantity * (a.mark - o.premium);
  if (a.expired || o.side == Side::Long) return r;
  const MarginNumbers m = deribitNumbers(o.type, o.side, o.strike, price, a.quote / price);
  const double toSettlement = p.inverse ? 1 : price;
  r.im = o.quantity * m.im * toSettlement;
  r.mm = o.quantity * m.mm * toSettlement;
  return r;
}

template <class Shock>
OptionsAccountPoint accountAt(const Prepared& p, double price, double days, Shock&& shock) noexcept {
  OptionsAccountPoint r;
  r.equity = p.s.walletBalance;
  for (const Position& f : p.s.futures) {
    const FutureAt a = futureAt(p, f, price);
    r.equity += a.pnl;
    r.initialMargin += a.im;
    r.maintenanceMargin += a.mm;
  }
  for (std::size_t i = 0; i < p.s.options.size(); ++i) {
    const OptionPointAt a = optionPointAt(p, i, price, days, shock);
    r.equity += a.pnl;
    r.initialMargin += a.im;
    r.maintenanceMargin += a.mm;
  }
  return r;
}

/// margin / equity, absent when equity is not positive or so small against the margin that the
/// ratio is not finite (a subnormal equity: a wallet of 5e-324 beside a future at its entry price).
std::optional<double> ratioOf(double margin, double equity) noexcept {
  if (!(equity > 0)) return std::nullopt;
  const double ratio = margin / equity;
  return std::isfinite(ratio) ? std::optional<double>(ratio) : std::nullopt;
}
std::string noRatioLabel(double equity) {
  return equity > 0 ? "Margin ratio: none, equity is too small for a finite ratio"
                    : "Margin ratio: none, equity is not positive";
}

auto shifted(double shift) {
  return [shift](std::size_t, double sigma) { return sigma + shift; };
}

// ---- liquidation prices -----------------------------------------------------------------------

struct Scan {
  std::vector<LiquidationCrossing> crossings;
  bool lowLiquidated = false, highLiquidated = false;
  std::size_t points = 0;
  int rootSteps = 0;  ///< the most Brent steps one crossing took
};

/// Every sign change of gap(P) = equity(P) - MM(P) on the request's log-spaced prices, each
/// refined by Brent's method: the account's (cross) and each isolated position's.
template <class Gap>
Scan scanLiquidation(double u, const OptionsRequest& rq, Gap&& gap) {
  Scan scan;
  scan.points = rq.scanPoints;
  const double low = u * rq.scanLow;
  const double logStep = std::log(rq.scanHigh / rq.scanLow) / static_cast<double>(rq.scanPoints - 1);
  double prevPrice = low, prevGap = gap(low);
  scan.lowLiquidated = prevGap < 0;
  for (std::size_t i = 1; i < rq.scanPoints; ++i) {
    const double price = i + 1 == rq.scanPoints ? u * rq.scanHigh
                                                 : low * std::exp(logStep * static_cast<double>(i));
    const double g = gap(price);
    if ((prevGap < 0) != (g < 0)) {
      const detail::Root root =
          detail::brent(gap, prevPrice, price, prevGap, g, kRootTolerance * prevPrice, kMaxRootIterations);
      scan.crossings.push_back({root.x, prevGap < 0});
      scan.rootSteps = std::max(scan.rootSteps, root.iterations);
    }
    prevPrice = price, prevGap = g;
  }
  scan.highLiquidated = prevGap < 0;
  return scan;
}

// ---- explanation ------------------------------------------------------------------------------

std::string optionName(const OptionsScenario& s, std::size_t i) {
  const OptionPosition& o = s.options[i];
  return (o.symbol.empty() ? std::string() : o.symbol + ": ") + std::string(toString(o.side)) + " " + n(o.quantity) +
         " " + std::string(toString(o.type)) + " K=" + n(o.strike);
}

OptionValuation valueOption(const Prepared& p, std::size_t i) {
  const OptionsScenario& s = p.s;
  const OptionPosition& o = s.options[i];
  const std::string base = indexed("options", i);
  const double u = s.underlyingPrice;
  const OptionAt a = optionAt(p, i, u, 0, shifted(0));
  OptionValuation v;
  v.years = a.years;
  v.volatility = a.volatility;
  v.volatilityFromSurface = !o.volatility;
  v.forward = a.forward;
  v.markPrice = a.mark;
  v.greeks = black76Greeks(o.type, o.strike, a.forward, a.volatility, a.years, s.interestRate);
  v.value = sideSign(o.side) * o.quantity * a.mark;
  v.unrealizedPnl = sideSign(o.side) * o.quantity * (a.mark - o.premium);
  const std::string name = optionName(s, i);
  if (o.expiryYears)
    addStep(v.steps, base + ".years", name + ": time to expiry (given)", "T", n(a.years), a.years);
  else
    addStep(v.steps, base + ".years", name + ": time to expiry, ACT/365", "T = (expiry - valuation) / 365 days",
            "(" + *o.expiryDate + " - " + *s.valuationDate + ") / 365 = " + n(a.years * kDaysPerYear) + " / 365",
            a.years);
  if (o.volatility)
    addStep(v.steps, base + ".volatility", name + ": volatility (given)", "sigma", n(a.volatility), a.volatility);
  else
    addStep(v.steps, base + ".volatility",
            name + ": volatility from the surface (linear in variance across expiries, in volatility across ln K)",
            "sigma = surface(T, K)", "surface(" + n(a.years) + ", " + n(p.surfaceStrike(o, u)) + ")", a.volatility);
  addStep(v.steps, base + ".forward", name + ": forward", "F = U exp(r T)",
          n(u) + " x exp(" + sn(s.interestRate) + " x " + n(a.years) + ")", a.forward);
  const double sd = a.volatility * std::sqrt(a.years);
  const double d1 = std::log(a.forward / o.strike) / sd + 0.5 * sd;
  addStep(v.steps, base + ".markPrice", name + ": Black-76 price per coin, in quote",
          isCall(o.type) ? "c = D (F N(d1) - K N(d2)), d1,2 = ln(F/K) / (sigma sqrt T) +- sigma sqrt T / 2"
                         : "p = D (K N(-d2) - F N(-d1)), d1,2 = ln(F/K) / (sigma sqrt T) +- sigma sqrt T / 2",
          "D = " + n(a.discount) + ", F = " + n(a.forward) + ", K = " + n(o.strike) + ", sigma sqrt T = " + n(sd) +
              ", d1 = " + n(d1) + ", d2 = " + n(d1 - sd),
          a.quote);
  if (p.inverse)
    addStep(v.steps, base + ".markPrice", name + ": mark in coin (the quote price over the underlying)",
            "mark = price / U", n(a.quote) + " / " + n(u), a.mark);
  addStep(v.steps, base + ".unrealizedPnl", name + ": PnL from the premium",
          "PnL = s x q x (mark - premium)",
          (o.side == Side::Long ? "1" : "-1") + std::string(" x ") + n(o.quantity) + " x (" + n(a.mark) + " - " +
              n(o.premium) + ")",
          v.unrealizedPnl);
  OptionMargin m = deribitOptionMargin(o.type, o.side, o.strike, u, a.quote / u);
  const double toSettlement = p.inverse ? 1 : u;
  v.initialMargin = o.quantity * m.initialMargin * toSettlement;
  v.maintenanceMargin = o.quantity * m.maintenanceMargin * toSettlement;
  for (Step& step : m.steps) {
    step.field = base + "." + step.field;
    step.label = name + ": " + step.label;
    v.steps.push_back(std::move(step));
  }
  if (o.side == Side::Short) {
    const std::string scale = p.inverse ? "" : " x U";
    addStep(v.steps, base + ".maintenanceMargin", name + ": maintenance margin of the position",
            "MM = q x MM per option" + scale,
            n(o.quantity) + " x " + n(m.maintenanceMargin) + (p.inverse ? "" : " x " + n(u)), v.maintenanceMargin);
    addStep(v.steps, base + ".initialMargin", name + ": initial margin of the position",
            "IM = q x IM per option" + scale,
            n(o.quantity) + " x " + n(m.initialMargin) + (p.inverse ? "" : " x " + n(u)), v.initialMargin);
  }
  return v;
}

FutureValuation valueFuture(const Prepared& p, std::size_t i) {
  const Position& f = p.s.futures[i];
  const std::string base = indexed("futures", i);
  const double u = p.s.underlyingPrice;
  const FutureAt a = futureAt(p, f, u);
  FutureValuation v;
  v.sizeCoin = a.size;
  v.unrealizedPnl = a.pnl;
  v.initialMarginRate = a.imRate;
  v.maintenanceMarginRate = a.mmRate;
  v.initialMargin = a.im;
  v.maintenanceMargin = a.mm;
  const std::string name = (f.symbol.empty() ? base : f.symbol) + " " + std::string(toString(f.side));
  const std::string s = f.side == Side::Long ? "1" : "-1";
  if (p.inverse) {
    addStep(v.steps, base + ".sizeCoin", name + ": size in coin at the underlying price", "size = q x cs / U",
            n(f.quantity) + " x " + n(f.contractSize) + " / " + n(u), a.size);
    addStep(v.steps, base + ".unrealizedPnl", name + ": PnL (inverse, coin)", "PnL = s x q x cs x (1/EP - 1/U)",
            s + " x " + n(f.quantity) + " x " + n(f.contractSize) + " x (1/" + n(f.entryPrice) + " - 1/" + n(u) + ")",
            a.pnl);
  } else {
    addStep(v.steps, base + ".sizeCoin", name + ": size in coin", "size = q x cs",
            n(f.quantity) + " x " + n(f.contractSize), a.size);
    addStep(v.steps, base + ".unrealizedPnl", name + ": PnL (linear, quote)", "PnL = s x q x cs x (U - EP)",
            s + " x " + n(f.quantity) + " x " + n(f.contractSize) + " x (" + n(u) + " - " + n(f.entryPrice) + ")",
            a.pnl);
  }
  FuturesMargin m = deribitFuturesMargin(a.size, p.sizeRate);
  for (Step& step : m.steps) {
    step.field = base + "." + step.field;
    step.label = name + ": " + step.label;
    if (!p.inverse && step.value && !step.field.ends_with("Rate")) {  // a margin: coin to quote
      step.label += ", in quote";
      step.formula += " x U";
      step.substituted += " x " + n(u);
      step.value = *step.value * u;
    }
    v.steps.push_back(std::move(step));
  }
  return v;
}

/// Equity and maintenance margin at one price (the account's, or one isolated position's).
struct EquityAt {
  double equity = 0, maintenanceMargin = 0;
};
/// How a scan's steps name what they explain.
struct ScanText {
  std::string field;   ///< "liquidationPrices", "now.liquidationPrices"
  std::string who;     ///< a label prefix: "" or "<position>, isolated: "
  std::string equity;  ///< "equity" or "IM + PnL"
};
/// The steps of one scan: how it was made and what it found, each price with the equity and
/// maintenance there (from `at`), and the ends of the range when they are liquidated.
template <class At>
void addScanSteps(std::vector<Step>& steps, const ScanText& t, const Scan& scan, double u, const OptionsRequest& rq,
                  At&& at) {
  const std::string range = "[" + n(u * rq.scanLow) + ", " + n(u * rq.scanHigh) + "]";
  const std::string equation = t.equity + "(P) = MM(P)";
  addStep(steps, t.field,
          t.who + "Liquidation prices: " + t.equity + "(P) - MM(P) on " + std::to_string(scan.points) +
              " log-spaced prices in " + range + ", each sign change refined by Brent's method (at most " +
              std::to_string(scan.rootSteps) + " steps); " + std::to_string(scan.crossings.size()) + " found",
          equation, std::to_string(scan.crossings.size()) + " prices", static_cast<double>(scan.crossings.size()));
  for (std::size_t k = 0; k < scan.crossings.size(); ++k) {
    const LiquidationCrossing& c = scan.crossings[k];
    const EquityAt e = at(c.price);
    addStep(steps, indexed(t.field, k),
            t.who + "Liquidation price " + std::to_string(k + 1) + " of " + std::to_string(scan.crossings.size()) +
                ": " + (c.liquidatedBelow ? "a fall below it liquidates" : "a rise above it liquidates") +
                (c.price < u ? " (below the underlying)" : " (above the underlying)"),
            equation,
            t.equity + "(" + n(c.price) + ") = " + n(e.equity) + ", MM(" + n(c.price) + ") = " + n(e.maintenanceMargin),
            c.price);
  }
  if (scan.lowLiquidated || scan.highLiquidated)
    addStep(steps, t.field,
            t.who + (t.who.empty() ? "Equity" : "equity") + " is below maintenance at " +
                (scan.lowLiquidated && scan.highLiquidated ? "both ends"
                 : scan.lowLiquidated                      ? "the low end"
                                                           : "the high end") +
                " of the scanned range " + range,
            t.equity + "(P) < MM(P)", range, std::nullopt);
}

OptionsAccountView view(const Prepared& p, const OptionsRequest& rq, double days, double shift) {
  const OptionsScenario& s = p.s;
  const double u = s.underlyingPrice;
  OptionsAccountView v;
  v.days = days;
  v.volShift = shift;
  const OptionsAccountPoint a = accountAt(p, u, days, shifted(shift));
  v.equity = a.equity;
  v.initialMargin = a.initialMargin;
  v.maintenanceMargin = a.maintenanceMargin;
  v.availableBalance = a.equity - a.initialMargin;
  v.marginRatio = ratioOf(a.maintenanceMargin, a.equity);
  v.liquidated = a.equity < a.maintenanceMargin;
  const Scan scan = scanLiquidation(u, rq, [&](double price) {
    const OptionsAccountPoint at = accountAt(p, price, days, shifted(shift));
    return at.equity - at.maintenanceMargin;
  });
  v.liquidationPrices = scan.crossings;
  v.liquidatedAtScanLow = scan.lowLiquidated;
  v.liquidatedAtScanHigh = scan.highLiquidated;

  std::string when = days > 0 ? n(days) + " days after the valuation date" : "at the valuation date";
  if (shift != 0)
    when += ", every volatility " + std::string(shift > 0 ? "+" : "") + n(shift * 100) + " vol points" +
            (shift < 0 ? " (at least " + n(kMinImpliedVolatility) + ")" : "");
  std::string terms = n(s.walletBalance);
  for (const Position& f : s.futures) terms += " + " + sn(futureAt(p, f, u).pnl);
  for (std::size_t i = 0; i < s.options.size(); ++i) {
    const OptionPosition& o = s.options[i];
    terms += " + " + sn(sideSign(o.side) * o.quantity * (optionAt(p, i, u, days, shifted(shift)).mark - o.premium));
  }
  addStep(v.steps, "equity", "Equity " + when, "E = wallet + sum futures PnL + sum s x q x (mark - premium)", terms,
          v.equity);
  addStep(v.steps, "maintenanceMargin", "Maintenance margin " + when + " (Deribit standard)",
          "MM = sum futures MM + sum short options MM", n(a.maintenanceMargin), a.maintenanceMargin);
  addStep(v.steps, "initialMargin", "Initial margin " + when + " (Deribit standard)",
          "IM = sum futures IM + sum short options IM", n(a.initialMargin), a.initialMargin);
  addStep(v.steps, "availableBalance", "Available balance", "equity - IM",
          n(a.equity) + " - " + n(a.initialMargin), v.availableBalance);
  addStep(v.steps, "marginRatio",
          v.marginRatio ? "Margin ratio (liquidation at 100%)" : noRatioLabel(a.equity),
          "MM / equity", n(a.maintenanceMargin) + " / " + n(a.equity), v.marginRatio);
  addScanSteps(v.steps, ScanText{"liquidationPrices", "", "equity"}, scan, u, rq, [&](double price) {
    const OptionsAccountPoint at = accountAt(p, price, days, shifted(shift));
    return EquityAt{at.equity, at.maintenanceMargin};
  });
  v.maxLoss = std::max(0.0, v.equity);
  addStep(v.steps, "maxLoss",
          "Max loss (cross): the whole account equity " + when + " is at risk, every position shares it",
          "max(0, equity)", "max(0, " + sn(v.equity) + ")", v.maxLoss);
  return v;
}

// ---- isolated: each position alone on its own initial margin ----------------------------------

std::string futureName(const OptionsScenario& s, std::size_t i) {
  const Position& f = s.futures[i];
  return (f.symbol.empty() ? indexed("futures", i) : f.symbol) + " " + std::string(toString(f.side));
}

std::string horizonText(double days) {
  return days > 0 ? n(days) + " days after the valuation date" : "at the valuation date";
}

/// One horizon of an isolated position: posted + PnL(P) against MM(P), scanned as the account is.
/// `at(price)` gives the position's {pnl, mm} at that horizon.
template <class At>
IsolatedHorizon isolatedHorizon(const OptionsRequest& rq, double u, double posted, const std::string& name,
                                const std::string& field, double days, std::vector<Step>& steps, At&& at) {
  IsolatedHorizon h;
  const auto equityAt = [&](double price) {
    const auto a = at(price);
    return EquityAt{posted + a.pnl, a.mm};
  };
  const Scan scan = scanLiquidation(u, rq, [&](double price) {
    const EquityAt e = equityAt(price);
    return e.equity - e.maintenanceMargin;
  });
  h.liquidationPrices = scan.crossings;
  const EquityAt now = equityAt(u);
  h.liquidated = now.equity < now.maintenanceMargin;
  const std::string when = horizonText(days);
  addStep(steps, field + ".liquidated",
          name + ", isolated " + when + ": " + (h.liquidated ? "liquidated" : "not liquidated") +
              " at the underlying price (liquidated when posted margin + PnL - MM < 0)",
          "IM + PnL(U) - MM(U)",
          n(posted) + " + " + sn(now.equity - posted) + " - " + n(now.maintenanceMargin),
          now.equity - now.maintenanceMargin);
  addScanSteps(steps, ScanText{field + ".liquidationPrices", name + ", isolated " + when + ": ", "IM + PnL"}, scan, u,
               rq, equityAt);
  return h;
}

IsolatedPosition isolatedOption(const Prepared& p, const OptionsRequest& rq, std::size_t i) {
  const OptionsScenario& s = p.s;
  const OptionPosition& o = s.options[i];
  const std::string name = optionName(s, i);
  const double u = s.underlyingPrice;
  IsolatedPosition r;
  if (o.side == Side::Long) {
    r.maxLoss = o.premium * o.quantity;
    addStep(r.steps, "postedMargin", name + ", isolated: no margin posted, the premium is paid up front",
            "M = IM = 0", "0", 0.0);
    addStep(r.steps, "maxLoss", name + ", isolated: the premium paid is the whole risk", "max loss = premium x q",
            n(o.premium) + " x " + n(o.quantity), r.maxLoss);
    for (const char* field : {"now.liquidationPrices", "later.liquidationPrices"})
      addStep(r.steps, field,
              name + ", isolated: no liquidation price, a long option owes nothing at any price (its value is >= 0)",
              "", "none", std::nullopt);
    return r;
  }
  r.postedMargin = optionPointAt(p, i, u, 0, shifted(0)).im;
  r.maxLoss = r.postedMargin;
  addStep(r.steps, "postedMargin",
          name + ", isolated: posted margin, the position's initial margin at the valuation date (Deribit standard)",
          "M = IM at the valuation date", n(r.postedMargin), r.postedMargin);
  addStep(r.steps, "maxLoss", name + ", isolated: the most it can lose is its posted margin", "max loss = M",
          n(r.postedMargin), r.maxLoss);
  const auto horizon = [&](double days, const std::string& field) {
    return isolatedHorizon(rq, u, r.postedMargin, name, field, days, r.steps, [&](double price) {
      return optionPointAt(p, i, price, days, shifted(0));
    });
  };
  r.now = horizon(0, "now");
  if (rq.days > 0) {
    r.later = horizon(rq.days, "later");
  } else {
    r.later = r.now;
    addStep(r.steps, "later.liquidationPrices", name + ", isolated: request.days is 0, so later is now", "", "",
            std::nullopt);
  }
  return r;
}

IsolatedPosition isolatedFuture(const Prepared& p, const OptionsRequest& rq, std::size_t i) {
  const OptionsScenario& s = p.s;
  const Position& f = s.futures[i];
  const std::string name = futureName(s, i);
  const double u = s.underlyingPrice;
  IsolatedPosition r;
  r.postedMargin = futureAt(p, f, u).im;
  r.maxLoss = r.postedMargin;
  addStep(r.steps, "postedMargin",
          name + ", isolated: posted margin, the position's initial margin at the underlying price (Deribit standard)",
          "M = IM rate x size" + std::string(p.inverse ? "" : " x U"), n(r.postedMargin), r.postedMargin);
  addStep(r.steps, "maxLoss", name + ", isolated: the most it can lose is its posted margin", "max loss = M",
          n(r.postedMargin), r.maxLoss);
  r.now = isolatedHorizon(rq, u, r.postedMargin, name, "now", 0, r.steps, [&](double price) {
    return futureAt(p, f, price);
  });
  r.later = r.now;
  addStep(r.steps, "later.liquidationPrices",
          name + ", isolated: later is now, a future's PnL and margin depend on the price only", "", "",
          std::nullopt);
  return r;
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

std::vector<InputError> validateOptionsRequest(const OptionsRequest& request) { return requestErrors(request); }
std::vector<InputError> validatePortfolioMarginRequest(const PortfolioMarginRequest& request) {
  return portfolioRequestErrors(request);
}

std::vector<InputError> validateOptions(const OptionsScenario& s) {
  RequestChecker c;
  if (s.version != 2)
    c.add("version", ErrorCode::Unsupported,
          "version (" + std::to_string(s.version) + ") must be 2 for an options scenario");
  c.nonNegative("walletBalance", s.walletBalance);
  c.positive("underlyingPrice", s.underlyingPrice);
  c.within("interestRate", s.interestRate, -kMaxInterestRate, kMaxInterestRate);
  if (s.futuresSizeRate) c.within("futuresSizeRate", *s.futuresSizeRate, 0, kMaxSizeRate);
  else if (!s.futures.empty() && !defaultSizeRate(s.underlying))
    c.add("futuresSizeRate", ErrorCode::Missing,
          "futuresSizeRate is needed for futures on " + (s.underlying.empty() ? std::string("an unnamed underlying")
                                                                              : s.underlying.substr(0, 40)) +
              " (Deribit's rate is known for BTC and ETH)");
  std::optional<Instant> valuation;
  if (s.valuationDate) {
    valuation = parseDate(*s.valuationDate);
    if (!valuation)
      c.add("valuationDate", ErrorCode::WrongType,
            "valuationDate (\"" + s.valuationDate->substr(0, 40) +
                "\") must be a date YYYY-MM-DD, optionally with THH:MM[:SS][Z] (UTC)");
  }
  if (s.volSurface)
    for (InputError& e : validateVolSurface(*s.volSurface)) c.errors.push_back(std::move(e));
  if (s.futures.size() > kMaxFuturesPositions)
    c.add("futures", ErrorCode::TooMany,
          "futures has " + std::to_string(s.futures.size()) + " positions; at most " +
              std::to_string(kMaxFuturesPositions));
  else
    for (std::size_t i = 0; i < s.futures.size(); ++i) validateFuture(c, s, i);
  if (s.options.size() > kMaxOptionPositions)
    c.add("options", ErrorCode::TooMany,
          "options has " + std::to_string(s.options.size()) + " positions; at most " +
              std::to_string(kMaxOptionPositions));
  else
    for (std::size_t i = 0; i < s.options.size(); ++i) validateOption(c, s, valuation, i);
  // One report per missing valuationDate, however many options need it.
  std::vector<InputError> out;
  bool valuationMissing = false;
  for (InputError& e : c.errors) {
    if (e.path == "valuationDate" && e.code == ErrorCode::Missing) {
      if (valuationMissing) continue;
      valuationMissing = true;
    }
    out.push_back(std::move(e));
  }
  return out;
}

OptionMargin deribitOptionMargin(OptionType type, Side side, double strike, double u, double mark) {
  OptionMargin r;
  const MarginNumbers m = deribitNumbers(type, side, strike, u, mark);
  r.initialMargin = m.im;
  r.maintenanceMargin = m.mm;
  if (side == Side::Long) {
    addStep(r.steps, "initialMargin", "Long option: premium only (paid up front), no initial margin", "IM = 0", "0", 0.0);
    addStep(r.steps, "maintenanceMargin", "Long option: no maintenance margin", "MM = 0", "0", 0.0);
    return r;
  }
  const bool call = isCall(type);
  addStep(r.steps, "otm", call ? "Out-of-the-money amount of the call" : "Out-of-the-money amount of the put",
          call ? "OTM = max(K - U, 0)" : "OTM = max(U - K, 0)",
          call ? "max(" + n(strike) + " - " + n(u) + ", 0)" : "max(" + n(u) + " - " + n(strike) + ", 0)", m.otm);
  if (call) {
    addStep(r.steps, "initialMargin", "Short call initial margin per option, coin (Deribit standard)",
            "IM = max(0.15 - OTM/U, 0.1) + mark",
            "max(0.15 - " + n(m.otm) + "/" + n(u) + ", 0.1) + " + n(mark), m.im);
    addStep(r.steps, "maintenanceMargin", "Short call maintenance margin per option, coin (Deribit standard)",
            "MM = 0.075 + mark", "0.075 + " + n(mark), m.mm);
  } else {
    addStep(r.steps, "maintenanceMargin", "Short put maintenance margin per option, coin (Deribit standard)",
            "MM = max(0.075, 0.075 x mark) + mark", "max(0.075, 0.075 x " + n(mark) + ") + " + n(mark), m.mm);
    addStep(r.steps, "initialMargin", "Short put initial margin per option, coin (Deribit standard)",
            "IM = max(max(0.15 - OTM/U, 0.1) + mark, MM)",
            "max(max(0.15 - " + n(m.otm) + "/" + n(u) + ", 0.1) + " + n(mark) + ", " + n(m.mm) + ")", m.im);
  }
  return r;
}

FuturesMargin deribitFuturesMargin(double sizeCoin, double sizeRate) {
  FuturesMargin r;
  r.initialMarginRate = 0.02 + sizeCoin * sizeRate;
  r.maintenanceMarginRate = 0.01 + sizeCoin * sizeRate;
  r.initialMargin = r.initialMarginRate * sizeCoin;
  r.maintenanceMargin = r.maintenanceMarginRate * sizeCoin;
  addStep(r.steps, "initialMarginRate", "Futures initial margin rate (Deribit standard)", "IM rate = 2% + size x k",
          "0.02 + " + n(sizeCoin) + " x " + n(sizeRate), r.initialMarginRate);
  addStep(r.steps, "maintenanceMarginRate", "Futures maintenance margin rate (Deribit standard)",
          "MM rate = 1% + size x k", "0.01 + " + n(sizeCoin) + " x " + n(sizeRate), r.maintenanceMarginRate);
  addStep(r.steps, "initialMargin", "Futures initial margin", "IM = IM rate x size",
          n(r.initialMarginRate) + " x " + n(sizeCoin), r.initialMargin);
  addStep(r.steps, "maintenanceMargin", "Futures maintenance margin", "MM = MM rate x size",
          n(r.maintenanceMarginRate) + " x " + n(sizeCoin), r.maintenanceMargin);
  return r;
}

Result<OptionsAccountResult> evaluateOptions(const OptionsScenario& scenario, const OptionsRequest& request) {
  Result<OptionsAccountResult> result;
  result.errors = validateOptions(scenario);
  for (InputError& e : requestErrors(request)) result.errors.push_back(std::move(e));
  if (!result.errors.empty()) return result;
  const Prepared p(scenario);
  OptionsAccountResult r;
  for (std::size_t i = 0; i < scenario.options.size(); ++i) r.options.push_back(valueOption(p, i));
  for (std::size_t i = 0; i < scenario.futures.size(); ++i) r.futures.push_back(valueFuture(p, i));
  r.now = view(p, request, 0, 0);
  r.later = request.days > 0 ? view(p, request, request.days, 0) : r.now;  // days 0: the same view
  for (double shift : request.volShifts) r.volShifted.push_back(view(p, request, 0, shift));
  for (std::size_t i = 0; i < scenario.options.size(); ++i)
    r.isolated.options.push_back(isolatedOption(p, request, i));
  for (std::size_t i = 0; i < scenario.futures.size(); ++i)
    r.isolated.futures.push_back(isolatedFuture(p, request, i));
  r.scanLowPrice = scenario.underlyingPrice * request.scanLow;
  r.scanHighPrice = scenario.underlyingPrice * request.scanHigh;
  addStep(r.steps, "settlement",
          p.inverse ? "Coin-settled (inverse): wallet, PnL and margins in " + scenario.underlying.substr(0, 40)
                    : "Quote-settled (linear): wallet, PnL and margins in the quote currency; option margins are the "
                      "coin formulas times U",
          "", std::string(toString(scenario.settlement)), std::nullopt);
  if (!r.options.empty()) {
    double last = 0;
    for (const OptionValuation& o : r.options) last = std::max(last, o.years);
    r.lastExpiryDays = last * kDaysPerYear;
    addStep(r.steps, "lastExpiryDays", "Days to the last expiry: every option settled at its intrinsic value",
            "days = max(T) x 365", n(last) + " x 365", *r.lastExpiryDays);
  }
  if (!scenario.futures.empty())
    addStep(r.steps, "futuresSizeRate",
            scenario.futuresSizeRate ? "Futures size rate (given)"
                                     : "Futures size rate: Deribit's for " + scenario.underlying.substr(0, 40),
            "k", n(p.sizeRate), p.sizeRate);
  result.value = std::move(r);
  return result;
}

OptionsAccountPoint optionsAccountAt(const OptionsScenario& scenario, double price, double days, double volShift) {
  const Prepared p(scenario);
  return accountAt(p, price, days, shifted(volShift));
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
  RequestChecker c;
  c.errors = validateOptions(scenario);
  c.within("request.days", request.days, 0, kMaxRequestDays);
  c.within("request.volShift", request.volShift, -kMaxOptionVolatility, kMaxOptionVolatility,
           "a shift is in volatility (0.1 = 10 vol points)");
  std::size_t bad = 0;
  for (std::size_t i = 0; i < prices.size() && bad < kMaxPriceErrors; ++i)
    if (!isValidPositive(prices[i])) {
      ++bad;
      c.positive(indexed("prices", i), prices[i]);
    }
  for (const auto& [name, out] : {std::pair{"equity", equity}, std::pair{"maintenance", maintenance}})
    if (out.size() != prices.size())
      c.add(name, ErrorCode::OutOfRange,
            std::string(name) + " has " + std::to_string(out.size()) + " entries but prices has " +
                std::to_string(prices.size()));
  if (c.errors.empty()) optionsAccountSweep(scenario, prices, equity, maintenance, request.days, request.volShift);
  return c.errors;
}

Result<PortfolioMarginResult> portfolioMargin(const OptionsScenario& scenario, const PortfolioMarginRequest& request) {
  Result<PortfolioMarginResult> result;
  result.errors = validateOptions(scenario);
  for (InputError& e : portfolioRequestErrors(request)) result.errors.push_back(std::move(e));
  if (!result.errors.empty()) return result;
  const Prepared p(scenario);
  PortfolioMarginResult r;
  r.priceMoves = request.priceMoves;
  r.volShocks = request.volShocks;
  for (double years : p.years)
    r.volShockScale.push_back(
        std::pow(30 / std::max(1.0, years * kDaysPerYear), request.vegaPower));
  const double u = scenario.underlyingPrice;
  const OptionsAccountPoint base = accountAt(p, u, 0, shifted(0));
  r.equity = base.equity;
  const bool relative = request.volShockKind == VolShockKind::Relative;
  r.pnl.assign(r.volShocks.size(), std::vector<double>(r.priceMoves.size(), 0.0));
  bool first = true;
  for (std::size_t v = 0; v < r.volShocks.size(); ++v) {
    const double shock = r.volShocks[v];
    const auto shocked = [&](std::size_t i, double sigma) {
      const double x = shock * r.volShockScale[i];
      return relative ? sigma * (1 + x) : sigma + x;
    };
    for (std::size_t m = 0; m < r.priceMoves.size(); ++m) {
      const double pnl = accountAt(p, u * (1 + r.priceMoves[m]), 0, shocked).equity - base.equity;
      r.pnl[v][m] = pnl;
      if (first || pnl < r.worstPnl) {
        r.worstPnl = pnl, r.worstVolShock = v, r.worstPriceMove = m;
        first = false;
      }
    }
  }
  r.requirement = std::max(0.0, -r.worstPnl);
  r.marginRatio = ratioOf(r.requirement, r.equity);
  const std::string volText = relative ? "sigma x (1 + shock x scale)" : "sigma + shock x scale";
  addStep(r.steps, "pnl",
          "Stress grid: " + std::to_string(r.priceMoves.size()) + " price moves x " + std::to_string(r.volShocks.size()) +
              " volatility shocks, every position revalued now (Black-76; shocked volatility " + volText +
              ", at least " + n(kMinImpliedVolatility) + ")",
          "PnL(move, shock) = equity(U (1 + move), shocked sigma) - equity(U, sigma)",
          std::to_string(r.priceMoves.size() * r.volShocks.size()) + " cells", std::nullopt);
  for (std::size_t i = 0; i < r.volShockScale.size(); ++i)
    addStep(r.steps, indexed("volShockScale", i), optionName(scenario, i) + ": volatility shock term scaling",
            "scale = (30 / max(1, days to expiry))^" + n(request.vegaPower),
            "(30 / max(1, " + n(p.years[i] * kDaysPerYear) + "))^" + n(request.vegaPower), r.volShockScale[i]);
  const double move = r.priceMoves[r.worstPriceMove], shock = r.volShocks[r.worstVolShock];
  addStep(r.steps, "worstPnl",
          "Worst cell: underlying " + pct(move) + " (" + n(u * (1 + move)) + "), volatility shock " +
              (relative ? pct(shock) : n(shock * 100) + " vol points"),
          "min over the grid of PnL", n(r.worstPnl), r.worstPnl);
  addStep(r.steps, "requirement", "Portfolio margin: the worst loss (0 if no cell loses)", "max(0, -worst PnL)",
          "max(0, " + sn(-r.worstPnl) + ")", r.requirement);
  addStep(r.steps, "marginRatio",
          r.marginRatio ? "Margin ratio (liquidation at 100%)" : noRatioLabel(r.equity),
          "requirement / equity", n(r.requirement) + " / " + n(r.equity), r.marginRatio);
  result.value = std::move(r);
  return result;
}

}  // namespace marginlab
