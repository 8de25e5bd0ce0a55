// SPDX-License-Identifier: MIT
// MarginLab: a version 3 account under every venue (venue_pm.h): its risk units, the dated
// parameter sets, the request's checks, the side-by-side rows and their steps.
#include <algorithm>
#include <cmath>
#include <utility>

#include "marginlab/check.h"
#include "marginlab/format.h"
#include "marginlab/options.h"
#include "marginlab/venue_pm.h"
#include "marginlab/venue_pm_params.h"

namespace marginlab {

namespace {

constexpr std::string_view kVenues[] = {"deribit", "okx", "bybit", "binance", "span"};
constexpr std::string_view kLatest = "9999-12-31";

std::string at(std::string_view list, std::size_t i, std::string_view field = {}) {
  std::string out = std::string(list) + "[" + std::to_string(i) + "]";
  if (!field.empty()) (out += '.') += field;
  return out;
}

/// Deribit's dated sets (VENUES-PM.md 1.5, the table in venue_pm_params.cpp): BTC from the docs'
/// example, ETH from an API capture; a linear (USD-settled) unit reads the USD currency's roll,
/// dampener and offset. The set's date is the latest of the values' dates.
std::optional<DeribitPmParams> deribitParams(std::string_view underlying, bool inverse, std::string_view asOf) {
  if (underlying != "BTC" && underlying != "ETH") return std::nullopt;
  DeribitPmParams p;
  std::string date;
  const auto value = [&](std::string_view name, bool usd = false) {
    const PmParameter x = *pmParameter("deribit", name, usd && !inverse ? "USD" : underlying, asOf);
    date = std::max(date, x.from);
    return x.value;
  };
  p.priceRange = value("priceRange");
  p.buckets = static_cast<int>(value("buckets"));
  p.volRangeUp = value("volRangeUp"), p.volRangeDown = value("volRangeDown");
  p.shortTermVegaPower = value("shortTermVegaPower"), p.longTermVegaPower = value("longTermVegaPower");
  p.minVolatilityForShockUp = value("minVolatilityForShockUp");
  p.extendedTableFactor = value("extendedTableFactor");
  p.annualisedMoveRisk = value("annualisedMoveRisk", true), p.minAnnualisedMove = value("minAnnualisedMove", true);
  p.extendedDampener = value("extendedDampener", true);
  p.pnlOffset = value("pnlOffset", true), p.maxOffsetablePnl = value("maxOffsetablePnl", true);
  p.mmFactor = value("mmFactor");
  p.maxDeltaShock = value("maxDeltaShock"), p.deltaTotalLiqShockThreshold = value("deltaTotalLiqShockThreshold");
  p.date = date;
  p.source = pmParameter("deribit", "priceRange", underlying, asOf)->source;
  return p;
}

bool isDate(std::string_view s) {
  return s.size() == 10 && yearsUntil(s, s).has_value();
}

PmLeg futureLeg(const Account& a, std::size_t i, const Underlying& u) {
  const AccountFuture& f = a.futures[i];
  const double mark = f.markPrice ? *f.markPrice : u.price;
  const double units = f.quantity * f.contractSize * (f.side == Side::Long ? 1 : -1);
  PmLeg l{.path = at("futures", i), .settlement = f.settlementAsset, .inverse = f.contract == Contract::Inverse,
          .coins = f.contract == Contract::Inverse ? units / mark : units, .mark = mark};
  // a dated future's expiry from a Deribit-style name ("BTC-28JUN24"); none: a perpetual
  const std::size_t dash = f.symbol.rfind('-');
  if (dash != std::string::npos && a.valuationDate)
    l.years = std::max(0.0, yearsUntil(*a.valuationDate, std::string_view(f.symbol).substr(dash + 1)).value_or(0));
  return l;
}

OptionsScenario optionsOf(const Account& a, const Underlying& u) {
  OptionsScenario s{.underlying = u.name, .underlyingPrice = u.price, .valuationDate = a.valuationDate,
                    .interestRate = u.interestRate, .volSurface = u.volSurface, .volDynamics = u.volDynamics};
  for (const AccountOption& o : a.options)
    if (o.underlying == u.name) s.options.push_back(o.option);
  return s;
}

}  // namespace

std::vector<PmUnit> riskUnits(const Account& a, bool bySettlement) {
  std::vector<PmUnit> units;
  const auto unitFor = [&](const Underlying& u, bool inverse) -> PmUnit& {
    for (PmUnit& x : units)
      if (x.underlying == u.name && (!bySettlement || x.inverse == inverse)) return x;
    return units.emplace_back(PmUnit{.underlying = u.name, .price = u.price, .interestRate = u.interestRate, .inverse = inverse});
  };
  for (const Underlying& u : a.underlyings) {
    for (std::size_t i = 0; i < a.futures.size(); ++i)
      if (a.futures[i].underlying == u.name)
        unitFor(u, a.futures[i].contract == Contract::Inverse).legs.push_back(futureLeg(a, i, u));
    const std::vector<OptionInputs> inputs = optionInputs(optionsOf(a, u));
    for (std::size_t i = 0, k = 0; i < a.options.size(); ++i) {
      const AccountOption& o = a.options[i];
      if (o.underlying != u.name) continue;
      const OptionInputs& in = inputs[k++];
      unitFor(u, o.contract == Contract::Inverse)
          .legs.push_back(PmLeg{.path = at("options", i), .settlement = o.settlementAsset, .option = true, .inverse = o.contract == Contract::Inverse,
                                .coins = o.option.quantity * (o.option.side == Side::Long ? 1 : -1), .years = in.years,
                                .type = o.option.type, .strike = o.option.strike, .volatility = in.volatility});
    }
  }
  return units;
}

namespace {

void fractionCheck(Checker& c, const std::string& path, double x, double low, double high) {
  if (c.finite(path, x) && !(x >= low && x <= high)) c.fail(path, "venuePmFraction", {{"value", x}, {"low", low}, {"high", high}});
}

/// One SPAN set's tiers (ascending ends, each PSR within the product's bounds and x the extreme
/// multiple at most 0.95) and its intra-commodity spreads (two different tiers, a charge).
void checkSpanTiers(Checker& c, const SpanParams& s, const std::string& base) {
  if (c.listSize(base + ".tiers", s.tiers.size() + 1, kMaxSpanTiers + 1, "tier")) {
    double previous = 0;
    for (std::size_t t = 0; t < s.tiers.size(); ++t) {
      const std::string path = at(base + ".tiers", t);
      const double end = s.tiers[t].maxYears;
      if (c.finite(path + ".maxYears", end) && !(end > previous))
        c.fail(path + ".maxYears", "venuePmSpanTierOrder", {{"value", end}, {"low", previous}});
      else if (std::isfinite(end) && end > 100) fractionCheck(c, path + ".maxYears", end, previous, 100);
      if (std::isfinite(end)) previous = std::max(previous, end);
      // the extreme move stays above -95%: multiple x the tier's PSR <= 0.95
      const double m = s.extremeMultiple, high = std::isfinite(m) && m > 0 ? std::min(0.45, 0.95 / m) : 0.45;
      if (s.tiers[t].priceScanRange) fractionCheck(c, path + ".priceScanRange", *s.tiers[t].priceScanRange, 1e-6, high);
    }
  }
  if (!c.listSize(base + ".intraSpreads", s.intraSpreads.size() + 1, kMaxSpanSpreads + 1, "spread")) return;
  const double last = s.tiers.empty() ? 0 : static_cast<double>(s.tiers.size() - 1);
  for (std::size_t k = 0; k < s.intraSpreads.size(); ++k) {
    const SpanIntraSpread& x = s.intraSpreads[k];
    const std::string path = at(base + ".intraSpreads", k);
    const bool a = c.whole(path + ".tierA", x.tierA, 0, last), b = c.whole(path + ".tierB", x.tierB, 0, last);
    if (a && b && x.tierA == x.tierB) c.fail(path + ".tierB", "venuePmSpanSame", {{"value", x.tierB}});
    fractionCheck(c, path + ".charge", x.charge, 0, 1e12);
  }
}

/// The inter-commodity spreads: two different underlyings of request.span, ratios, a credit rate.
void checkSpanInter(Checker& c, const MarginByVenueRequest& q) {
  if (!c.listSize("request.spanInter", q.spanInter.size() + 1, kMaxSpanSpreads + 1, "spread")) return;
  for (std::size_t k = 0; k < q.spanInter.size(); ++k) {
    const SpanInterSpread& x = q.spanInter[k];
    const std::string path = at("request.spanInter", k);
    for (const auto& side : {std::pair{&x.first, "first"}, std::pair{&x.second, "second"}}) {
      const std::string& name = *side.first;
      if (std::none_of(q.span.begin(), q.span.end(), [&](const SpanParams& s) { return s.underlying == name; }))
        c.fail(path + "." + side.second, "venuePmSpanInter", {{"value", name.substr(0, 64)}});
    }
    if (x.first == x.second) c.fail(path + ".second", "venuePmSpanSame", {{"value", x.second.substr(0, 64)}});
    fractionCheck(c, path + ".firstDelta", x.firstDelta, 1e-9, 1e9);
    fractionCheck(c, path + ".secondDelta", x.secondDelta, 1e-9, 1e9);
    fractionCheck(c, path + ".creditRate", x.creditRate, 0, 1);
  }
}

void checkRequest(Checker& c, const Account& a, const MarginByVenueRequest& q) {
  if (q.asOf && !isDate(*q.asOf)) c.fail("request.asOf", "venuePmAsOf", {{"value", q.asOf->substr(0, 32)}});
  if (q.venue && std::find(std::begin(kVenues), std::end(kVenues), *q.venue) == std::end(kVenues))
    c.fail("request.venue", "venuePmVenue", {{"value", q.venue->substr(0, 32)}});
  if (!c.listSize("request.span", q.span.size() + 1, kMaxSpanParameters + 1, "SPAN parameter set")) return;
  const auto fraction = [&](const std::string& path, double x, double low, double high) {
    if (c.finite(path, x) && !(x >= low && x <= high)) c.fail(path, "venuePmFraction", {{"value", x}, {"low", low}, {"high", high}});
  };
  for (std::size_t i = 0; i < q.span.size(); ++i) {
    const SpanParams& s = q.span[i];
    const bool known = std::any_of(a.underlyings.begin(), a.underlyings.end(), [&](const Underlying& u) { return u.name == s.underlying; });
    if (!known) c.fail(at("request.span", i, "underlying"), "venuePmSpanUnderlying", {{"value", s.underlying.substr(0, 64)}});
    fraction(at("request.span", i, "priceScanRange"), s.priceScanRange, 1e-6, 0.45);
    fraction(at("request.span", i, "volScanRange"), s.volScanRange, 0, 5);
    // the extreme move stays above -95%: multiple x PSR <= 0.95
    const bool psr = s.priceScanRange >= 1e-6 && s.priceScanRange <= 0.45;  // else its own error
    const double most = psr ? std::min(4.0, 0.95 / s.priceScanRange) : 4.0;
    fraction(at("request.span", i, "extremeMultiple"), s.extremeMultiple, 0, most);
    fraction(at("request.span", i, "extremeCoverage"), s.extremeCoverage, 0, 1);
    fraction(at("request.span", i, "imRatio"), s.imRatio, 1, 10);
    checkSpanTiers(c, s, at("request.span", i));
  }
  checkSpanInter(c, q);
  struct Bounds {
    const char* path;
    double value, low, high;
  };
  const Bounds options[] = {{"request.okxExtremeCoverage", q.okx.extremeCoverage, 0, 1}, {"request.okxVolShock", q.okx.volShock, 0, 0.99},
                            {"request.bybitVolShock", q.bybit.volShock, 0, 0.99}, {"request.bybitFuturesFactor", q.bybit.futuresFactor, 0, 1},
                            {"request.bybitShortOptionFactor", q.bybit.shortOptionFactor, 0, 1},
                            {"request.bybitImFactor", q.bybit.imFactor, 1, 10}, {"request.okxMr2Days", q.okx.thetaDays, 0, 365},
                            {"request.okxMr3Points", q.okx.vegaPoints, 0, 3}, {"request.okxMr5RateShock", q.okx.rateShock, 0, 0.5},
                            {"request.okxMr7Rate", q.okx.minimumChargeRate, 0, 0.1}, {"request.okxMr8Rate", q.okx.borrowingRate, 0, 1},
                            {"request.okxMr9Factor", q.okx.depegFactor, 0, 1},
                            {"request.bybitDeltaSpreadFactor", q.bybit.deltaSpreadFactor, 0, 1}};
  for (const Bounds& b : options) fraction(b.path, b.value, b.low, b.high);
}

VenueMargin unsupported(std::string venue, std::string kind, std::string reason) {
  return VenueMargin{.venue = std::move(venue), .kind = std::move(kind), .supported = false, .reason = std::move(reason)};
}

/// Units' rows into one venue row: one unit keeps its currency; several are summed in the quote.
VenueMargin combine(std::string venue, std::vector<VenueMargin> parts, const std::vector<PmUnit>& units) {
  if (parts.size() == 1) return std::move(parts[0]);
  VenueMargin r{.venue = std::move(venue), .kind = "portfolio", .currency = "USD"};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    VenueMargin& p = parts[i];
    const double k = p.currency == "USD" ? 1 : units[i].price;
    r.parameterSet = std::max(r.parameterSet, p.parameterSet);
    r.initialMargin += k * p.initialMargin;
    r.maintenanceMargin += k * p.maintenanceMargin;
    for (PmComponent& c : p.components) r.components.push_back((c.value *= k, std::move(c)));
    for (PmGrid& g : p.grids) {
      for (auto& row : g.pnl)
        for (double& x : row) x *= k;
      g.worstPnl *= k;
      r.grids.push_back(std::move(g));
    }
    if (r.assumptions.find(p.assumptions) == std::string::npos)
      r.assumptions += (r.assumptions.empty() || p.assumptions.empty() ? "" : "; ") + p.assumptions;
  }
  return r;
}

VenueMargin deribitRow(const Account& a, const MarginByVenueRequest& q, std::string_view asOf) {
  const std::vector<PmUnit> units = riskUnits(a, true);
  if (units.empty()) return unsupported("deribit", "portfolio", "the account has no position");
  std::vector<VenueMargin> parts;
  for (const PmUnit& u : units) {
    const auto p = deribitParams(u.underlying, u.inverse, asOf);
    if (!p) return unsupported("deribit", "portfolio", "no Deribit portfolio margin parameters for " + u.underlying);
    parts.push_back(deribitPortfolioMargin(u, *p, q.deribit));
  }
  return combine("deribit", std::move(parts), units);
}

/// The units' rows of one venue, `adjust`ed (SPAN's inter-commodity credits) and combined.
template <class Engine, class Adjust = void (*)(const std::vector<PmUnit>&, std::vector<VenueMargin>&)>
VenueMargin quoteRow(const Account& a, std::string venue, Engine&& engine,
                     Adjust adjust = [](const std::vector<PmUnit>&, std::vector<VenueMargin>&) {}) {
  const std::vector<PmUnit> units = riskUnits(a, false);
  if (units.empty()) return unsupported(venue, "portfolio", "the account has no position");
  std::vector<VenueMargin> parts;
  for (const PmUnit& u : units) {
    std::optional<VenueMargin> m = engine(u);
    if (!m) return unsupported(venue, "portfolio", "no SPAN parameters for " + u.underlying + " (request.span)");
    parts.push_back(std::move(*m));
  }
  adjust(units, parts);
  VenueMargin r = combine(venue, std::move(parts), units);
  r.currency = "USD";
  return r;
}

const SpanParams* spanParams(const MarginByVenueRequest& q, std::string_view underlying) {
  for (const SpanParams& s : q.span)
    if (s.underlying == underlying) return &s;
  return nullptr;
}

std::vector<SpanSpread> spanCredits(const std::vector<PmUnit>& units, const MarginByVenueRequest& q,
                                     const std::vector<VenueMargin>& parts) {
  std::vector<SpanUnitRisk> risks;
  for (std::size_t i = 0; i < units.size() && i < parts.size(); ++i) {
    const SpanParams* p = spanParams(q, units[i].underlying);
    if (!p || parts[i].components.empty()) continue;
    SpanUnitRisk x{.underlying = units[i].underlying, .scanRisk = parts[i].components.front().value, .imRatio = p->imRatio};
    double largest = 0;
    for (const PmLeg& l : units[i].legs) {
      const double d = spanDelta(units[i], l);
      x.delta += d;
      if (std::abs(d) > largest) largest = std::abs(d), x.leg = l.path;
    }
    risks.push_back(std::move(x));
  }
  return spanInterCredits(std::move(risks), q.spanInter);
}

/// SPAN: each unit's scan risk and intra-commodity charges, less the inter-commodity credits (each
/// side's in its own unit: MM += credit, IM += credit x its IM ratio).
VenueMargin spanRow(const Account& a, const MarginByVenueRequest& q) {
  return quoteRow(
      a, "span",
      [&](const PmUnit& u) -> std::optional<VenueMargin> {
        const SpanParams* p = spanParams(q, u.underlying);
        return p ? std::optional(spanMargin(u, *p)) : std::nullopt;
      },
      [&](const std::vector<PmUnit>& units, std::vector<VenueMargin>& parts) {
        for (SpanSpread& x : spanCredits(units, q, parts))
          for (std::size_t i = 0; i < parts.size(); ++i)
            if (units[i].underlying == x.component.underlying) {
              // at most the scan risk is credited (rate <= 1); max(0, ..) holds rounding at a rate of 1
              parts[i].maintenanceMargin = std::max(0.0, parts[i].maintenanceMargin + x.component.value);
              const double ratio = spanParams(q, units[i].underlying)->imRatio;
              parts[i].initialMargin = std::max(0.0, parts[i].initialMargin + x.component.value * ratio);
              parts[i].components.push_back(std::move(x.component));
              break;
            }
      });
}

/// A row from the account's own evaluation under `margin` (Binance: the tiers' per-position
/// maintenance, its uniMMR denominator, VENUES-PM.md 4.1; Deribit standard).
VenueMargin evaluatedRow(const Account& a, std::string venue, std::string kind, AccountMargin margin) {
  Account copy = a;
  copy.margin = margin;
  if (margin == AccountMargin::Tiers) {
    if (!a.options.empty()) return unsupported(venue, kind, "Binance portfolio margin has no rules for these options");
    copy.rules = Rules::Binance;
  }
  const Result<AccountResult> r = evaluateAccount(copy);
  if (!r) return unsupported(venue, kind, r.errors.front().message);
  const AccountView& v = r.value->account;
  VenueMargin m{.venue = std::move(venue), .kind = std::move(kind), .parameterSet = "account", .currency = "USD",
                .initialMargin = margin == AccountMargin::Tiers ? v.maintenanceMargin : v.initialMargin,
                .maintenanceMargin = v.maintenanceMargin};
  for (const AssetView& x : v.assets)
    if (x.maintenanceMargin != 0)
      m.components.push_back({.name = "maintenance." + x.asset, .value = x.maintenanceMargin * x.price});
  if (margin == AccountMargin::Tiers) m.assumptions = "Binance portfolio margin has no initial margin: IM shown = MM";
  return m;
}

/// OKX's MR8 (VENUES-PM.md 2.2, account level; tiers [UNVERIFIED]: one rate): each borrowed asset's
/// value (its loan, else max(0, -balance), x price) x okxMr8Rate, added to MMR; IMR = 1.3 MMR.
void addOkxBorrowing(const Account& a, const OkxOptions& o, VenueMargin& r) {
  if (!(o.borrowingRate > 0)) return;
  const double imFactor = okxParams("others", kLatest).imFactor;
  for (std::size_t i = 0; i < a.collateral.size(); ++i) {
    const CollateralBalance& c = a.collateral[i];
    const double borrowed = c.loan ? *c.loan : std::max(0.0, -c.balance);
    if (!(borrowed > 0)) continue;
    const double mr8 = borrowed * c.price * o.borrowingRate;
    r.maintenanceMargin += mr8;
    r.initialMargin += imFactor * mr8;
    r.components.push_back({.name = "MR8", .value = mr8, .leg = at("collateral", i)});
  }
}

}  // namespace

std::vector<VenueMargin> venueRows(const Account& a, const MarginByVenueRequest& q, std::string_view venue, std::string_view kind) {
  const std::string_view asOf = q.asOf ? std::string_view(*q.asOf) : kLatest;
  const auto want = [&](std::string_view k) { return kind.empty() || kind == k; };
  std::vector<VenueMargin> r;
  if (venue == "deribit") {
    if (want("portfolio")) r.push_back(deribitRow(a, q, asOf));
    if (want("standard")) r.push_back(evaluatedRow(a, "deribit", "standard", AccountMargin::DeribitStandard));
  }
  if (venue == "okx") {
    r.push_back(quoteRow(a, "okx", [&](const PmUnit& u) -> std::optional<VenueMargin> {
      return okxPortfolioMargin(u, okxParams(u.underlying, asOf), q.okx);
    }));
    if (r.back().supported) addOkxBorrowing(a, q.okx, r.back());
  }
  if (venue == "bybit") r.push_back(quoteRow(a, "bybit", [&](const PmUnit& u) -> std::optional<VenueMargin> {
    return bybitPortfolioMargin(u, bybitParams(u.underlying, asOf), q.bybit);
  }));
  if (venue == "binance") r.push_back(evaluatedRow(a, "binance", "portfolio", AccountMargin::Tiers));
  if (venue == "span") r.push_back(spanRow(a, q));
  return r;
}

void checkVenueRequest(Checker& c, const Account& a, const MarginByVenueRequest& q) { checkRequest(c, a, q); }

Result<MarginByVenueResult> marginByVenue(const Account& a, const MarginByVenueRequest& q) {
  Result<MarginByVenueResult> out;
  out.errors = validate(a);
  Checker c;
  checkVenueRequest(c, a, q);
  out.errors.insert(out.errors.end(), c.errors.begin(), c.errors.end());
  if (!out.errors.empty()) return out;
  MarginByVenueResult r;
  for (std::string_view v : kVenues)
    if (!q.venue || *q.venue == v)
      for (VenueMargin& m : venueRows(a, q, v)) r.venues.push_back(std::move(m));
  out.value = std::move(r);
  return out;
}

namespace {

/// How a venue's MM is assembled from its components (VENUES-PM.md).
std::string_view assembly(const VenueMargin& v) {
  if (v.kind == "standard") return "MM = sum of the positions' standard maintenance margins";
  if (v.venue == "deribit") return "MM = mm_factor x (worst case + roll shocks + delta shock), IM = worst case + roll shocks + delta shock";
  if (v.venue == "okx") return "MMR = sum of max(max(MR1, MR2, MR6) + MR4 + MR3 + MR5 + MR9, MR7) per unit + MR8, IMR = 1.3 x MMR";
  if (v.venue == "bybit") return "MM = maximum loss + contingencies, IM = MM x IM factor";
  if (v.venue == "span")
    return "MM = sum over underlyings of scan risk (the worst of 16 scenarios) + intra-commodity spread charges - inter-commodity "
           "spread credits, IM = each underlying's part x its IM ratio";
  return "MM = sum of the positions' maintenance margins (uniMMR's denominator), IM = MM";
}

/// OKX's MR7 of one unit: its raw charge and the tier's multiplier.
Step minimumChargeStep(const Account& a, const MarginByVenueRequest& q, const PmComponent& c, const std::string& field) {
  const std::string_view asOf = q.asOf ? std::string_view(*q.asOf) : kLatest;
  double raw = 0;
  for (const PmUnit& u : riskUnits(a, false))
    if (u.underlying == c.underlying) raw = okxRawMinimumCharge(u, q.okx.minimumChargeRate);
  const double multiplier = okxParams(c.underlying, asOf).minimumChargeTiers ? okxMinimumChargeMultiplier(raw) : 1;
  return {.field = field, .label = "okx: MR7 of " + c.underlying + " = raw minimum charge x the tier's multiplier",
          .formula = "MR7 = okxMr7Rate x sum |notional| x multiplier(raw)",
          .substituted = formatNumber(raw) + " x " + formatNumber(multiplier), .value = c.value, .code = "venuePm.okxMinimumCharge",
          .params = {{"underlying", c.underlying}, {"multiplier", multiplier}}};
}

/// SPAN's spreads of a valid account and request, one step each: the intra-commodity charges
/// (spreads x charge) and the inter-commodity credits (rate x spreads x ratio x price risk per coin).
void spanSteps(const Account& a, const MarginByVenueRequest& q, const std::string& field, std::vector<Step>& steps) {
  const std::vector<PmUnit> units = riskUnits(a, false);
  std::vector<VenueMargin> parts;
  for (const PmUnit& u : units) {
    const SpanParams* p = spanParams(q, u.underlying);
    if (!p) return;
    for (const SpanSpread& x : spanIntraCharges(u, *p))
      steps.push_back({.field = field, .label = "span: calendar spreads of " + u.underlying + " between " + x.pair,
                       .formula = "spreads x charge per spread", .substituted = formatNumber(x.spreads) + " x " + formatNumber(x.rate),
                       .value = x.component.value, .code = "venuePm.spanIntraSpread",
                       .params = {{"underlying", u.underlying}, {"pair", x.pair}}});
    parts.push_back(spanMargin(u, *p));
  }
  for (const SpanSpread& x : spanCredits(units, q, parts))
    steps.push_back({.field = field, .label = "span: inter-commodity credit of " + x.component.underlying + " in " + x.pair,
                     .formula = "-(credit rate x spreads x delta ratio x scan risk / |net delta|)",
                     .substituted = "-(" + formatNumber(x.rate) + " x " + formatNumber(x.spreads) + " x " + formatNumber(x.ratio) + " x " +
                                    formatNumber(x.priceRisk) + ")",
                     .value = x.component.value, .code = "venuePm.spanInterCredit",
                     .params = {{"underlying", x.component.underlying}, {"pair", x.pair}}});
}

}  // namespace

void explain(const Account& a, const MarginByVenueRequest& q, MarginByVenueResult& r) {
  for (std::size_t i = 0; i < r.venues.size(); ++i) {
    const VenueMargin& v = r.venues[i];
    const std::string base = at("venues", i);
    if (!v.supported) {
      r.steps.push_back({.field = base, .label = v.venue + " " + v.kind + ": not supported: " + v.reason.value_or(""),
                         .code = "venuePm.unsupported"});
      continue;
    }
    std::string terms;
    for (const PmComponent& c : v.components) {
      terms += (terms.empty() ? "" : " + ") + formatNumber(c.value);
      std::string where = c.leg ? " (" + *c.leg + ")" : "";
      if (c.scenario) where += " at a move of " + formatNumber(c.scenario->priceMove * 100) + "%";
      r.steps.push_back({.field = base + ".components", .label = v.venue + ": " + c.name + where, .formula = c.name,
                         .substituted = formatNumber(c.value), .value = c.value, .code = "venuePm.component"});
      if (v.venue == "okx" && c.name == "MR7") r.steps.push_back(minimumChargeStep(a, q, c, base + ".components"));
    }
    if (v.venue == "span") spanSteps(a, q, base + ".components", r.steps);
    r.steps.push_back({.field = base + ".maintenanceMargin", .label = v.venue + " " + v.kind + " maintenance margin, " + v.currency,
                       .formula = std::string(assembly(v)), .substituted = "components " + (terms.empty() ? "0" : terms),
                       .value = v.maintenanceMargin, .code = "venuePm.maintenance"});
    r.steps.push_back({.field = base + ".initialMargin", .label = v.venue + " " + v.kind + " initial margin, " + v.currency,
                       .formula = "IM", .substituted = formatNumber(v.initialMargin), .value = v.initialMargin,
                       .code = "venuePm.initial"});
  }
}

}  // namespace marginlab
