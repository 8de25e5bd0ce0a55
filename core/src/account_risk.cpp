// SPDX-License-Identifier: MIT
// MarginLab: the account's venue view and its liquidation searches (account.h). Collateral is counted
// by the venue's tiered ratios (VENUES-PM.md 0: progressive, each band of the amount at its own ratio,
// or the whole amount at its band's ratio), the venue's margin ratio follows its own definition, and
// the prices where the account reaches liquidation are found on the same numbers: per underlying with
// the others held, and along one common move with a beta per asset. A search scans outward from
// today's price, brackets the first sign change of the headroom, solves it with Brent's method and
// polishes the answer to two adjacent doubles.
#include <algorithm>
#include <cmath>
#include <list>
#include <map>
#include <string>

#include "account_internal.h"
#include "marginlab/check.h"
#include "marginlab/format.h"
#include "model.h"
#include "roots.h"

namespace marginlab {

std::string_view toString(AccountVenue v) noexcept {
  switch (v) {
    case AccountVenue::Generic: return "generic";
    case AccountVenue::BinanceUnified: return "binanceUnified";
    case AccountVenue::BybitUnified: return "bybitUnified";
    case AccountVenue::OkxMultiCurrency: return "okxMultiCurrency";
    case AccountVenue::DeribitCross: return "deribitCross";
    case AccountVenue::HyperliquidCross: return "hyperliquidCross";
  }
  return "generic";
}

namespace detail {

namespace {

const CollateralTiers* tiersOf(const AccountRules& r, std::string_view asset) {
  for (const CollateralTiers& t : r.collateral)
    if (t.asset == asset) return &t;
  return nullptr;
}

/// The counted amount of `amount` >= 0 under the bands, and the band the amount reaches.
std::pair<double, std::size_t> counted(const CollateralTiers& t, bool progressive, double amount) {
  std::size_t band = 0;
  while (band + 1 < t.bands.size() && amount > t.bands[band + 1].from) ++band;
  if (!progressive) return {amount * t.bands[band].ratio, band};
  double sum = 0;
  for (std::size_t i = 0; i <= band; ++i) {
    const double end = i + 1 <= band ? t.bands[i + 1].from : amount;
    sum += (end - t.bands[i].from) * t.bands[i].ratio;
  }
  return {sum, band};
}

/// One asset's collateral values (quote) under the rules.
void countAsset(const Account& a, AssetView& x, const CollateralBalance& c) {
  x.value = x.equity * x.price;
  x.tier.reset();
  if (x.equity <= 0) {  // a negative equity counts in full
    x.collateralValue = x.maintenanceValue = x.value;
    return;
  }
  if (!a.venue) {
    x.collateralValue = x.maintenanceValue = x.value * (1 - x.haircut);
    return;
  }
  const AccountRules& r = *a.venue;
  if (const CollateralTiers* t = tiersOf(r, c.asset); t && !t->bands.empty()) {
    const auto [n, band] = counted(*t, r.progressive, t->byValue ? x.value : x.equity);
    x.collateralValue = t->byValue ? n : n * x.price;
    x.tier = static_cast<double>(band);
  } else {
    x.collateralValue = x.value * (r.otherRatio ? *r.otherRatio : 1 - c.haircut);
  }
  x.haircut = x.value > 0 ? 1 - x.collateralValue / x.value : c.haircut;
  x.maintenanceValue = r.haircutMaintenance ? x.collateralValue : x.value;
}

bool collateralOverMargin(AccountVenue v) {
  return v == AccountVenue::BinanceUnified || v == AccountVenue::OkxMultiCurrency;
}

const char* zoneOf(const AccountRules& r, const VenueView& v) {
  if (v.headroom <= 0 && (v.maintenanceMargin > 0 || v.collateralMaintenance < 0)) return "liquidation";
  if (v.collateralOverMargin) {
    if (r.noNewOrders && v.marginRatio && *v.marginRatio <= *r.noNewOrders) return "noNewOrders";
    if (r.warning && v.marginRatio && *v.marginRatio <= *r.warning) return "warning";
    return "normal";
  }
  // MM / collateral venues stop new orders on the IM rate (Bybit: IM rate >= 100%).
  const double noNew = r.noNewOrders.value_or(1);
  if (v.initialMargin > 0 && (!v.initialRate || *v.initialRate >= noNew)) return "noNewOrders";
  if (r.warning && v.marginRatio && *v.marginRatio >= *r.warning) return "warning";
  return "normal";
}

}  // namespace

void venueView(const Account& a, std::vector<AssetView>& assets, VenueView& v) {
  static const AccountRules generic;
  const AccountRules& r = a.venue ? *a.venue : generic;
  v = VenueView{.venue = r.venue, .collateralOverMargin = collateralOverMargin(r.venue), .liquidationLevel = r.liquidation};
  for (std::size_t i = 0; i < assets.size(); ++i) {
    AssetView& x = assets[i];
    const CollateralBalance& c = a.collateral[i];
    countAsset(a, x, c);
    v.collateralInitial += x.collateralValue;
    v.collateralMaintenance += x.maintenanceValue;
    v.initialMargin += x.initialMargin * x.price;
    v.maintenanceMargin += x.maintenanceMargin * x.price;
    const double loan = c.loan ? *c.loan : std::max(0.0, -c.balance);
    v.loanMaintenance += loan * r.loanMaintenanceRate * x.price;
  }
  v.maintenanceMargin += v.loanMaintenance;
  const double level = r.liquidation;
  if (v.collateralOverMargin) {
    if (v.maintenanceMargin > 0) v.marginRatio = v.collateralMaintenance / v.maintenanceMargin;
    v.headroom = v.collateralMaintenance - level * v.maintenanceMargin;
  } else {
    if (v.collateralMaintenance > 0) v.marginRatio = v.maintenanceMargin / v.collateralMaintenance;
    v.headroom = v.collateralMaintenance - v.maintenanceMargin / level;
  }
  if (v.collateralInitial > 0) v.initialRate = v.initialMargin / v.collateralInitial;
  if (v.marginRatio && !isValidNumber(*v.marginRatio)) v.marginRatio.reset();
  if (v.initialRate && !isValidNumber(*v.initialRate)) v.initialRate.reset();
  v.zone = zoneOf(r, v);
}

// ---- the account at moved prices ------------------------------------------------------------------

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

/// The account's numbers as prices move by factors: the tiers groups' legs re-marked (PnL and MM at
/// the moved mark, IM as at entry), the options groups revalued at the moved underlying price (under
/// Bybit UTA, their margins at the moved mark; their premiums do not move).
class MovedAccount {
 public:
  MovedAccount(const Account& a, const std::vector<Group>& groups) : a_(a) {
    for (const Group& g : groups) {
      if (g.underlying) {
        options_.push_back({optionsScenario(a, g, 0), g.asset, *g.underlying, {}});
        continue;
      }
      TierPart& t = tiers_.emplace_back();
      t.scenario = tiersScenario(a, g, 0);
      t.model = buildModel(t.scenario);
      t.asset = g.asset;
      for (std::size_t i : g.futures) t.underlying.push_back(*findUnderlying(a.futures[i].underlying));
    }
    for (const CollateralBalance& c : a.collateral) assetUnderlying_.push_back(findUnderlying(c.asset).value_or(kNone));
    const std::vector<double> ones(a.underlyings.size(), 1.0);
    for (OptionsPart& o : options_) o.base = optionsAt(o, a.underlyings[o.underlying].price);
    base_ = at(ones, std::vector<double>(a.collateral.size(), 1.0));
  }

  /// The venue view with underlying i at factor fu[i] and asset j at fa[j].
  VenueView at(const std::vector<double>& fu, const std::vector<double>& fa) const {
    std::vector<AssetView>& x = scratch_;
    x.assign(a_.collateral.size(), AssetView{});
    for (std::size_t j = 0; j < x.size(); ++j) {
      x[j].equity = a_.collateral[j].balance;
      x[j].price = a_.collateral[j].price * fa[j];
      x[j].haircut = a_.collateral[j].haircut;
    }
    for (const TierPart& t : tiers_) addTiers(t, fu, x[t.asset]);
    for (const OptionsPart& o : options_) {
      const double f = fu[o.underlying];
      const OptionsAccountPoint p = f == 1 ? o.base : optionsAt(o, a_.underlyings[o.underlying].price * f);
      x[o.asset].equity += p.equity;
      x[o.asset].initialMargin += p.initialMargin;
      x[o.asset].maintenanceMargin += p.maintenanceMargin;
    }
    VenueView v;
    venueView(a_, x, v);
    return v;
  }
  std::size_t assetMovingWith(std::size_t j) const { return assetUnderlying_[j]; }
  const VenueView& base() const { return base_; }

 private:
  struct TierPart {
    Scenario scenario;
    Model model;
    std::size_t asset = 0;
    std::vector<std::size_t> underlying;  ///< per leg
  };
  struct OptionsPart {
    OptionsScenario scenario;
    std::size_t asset = 0, underlying = 0;
    OptionsAccountPoint base;
  };

  /// The options group at the underlying's `price`: Deribit standard margin, or Bybit UTA's (tiers).
  OptionsAccountPoint optionsAt(const OptionsPart& o, double price) const {
    return a_.margin == AccountMargin::Tiers ? bybitOptionsAt(o.scenario, price, nullptr) : optionsAccountAt(o.scenario, price);
  }
  std::optional<std::size_t> findUnderlying(std::string_view name) const {
    for (std::size_t i = 0; i < a_.underlyings.size(); ++i)
      if (a_.underlyings[i].name == name) return i;
    return std::nullopt;
  }
  static void addTiers(const TierPart& t, const std::vector<double>& fu, AssetView& x) {
    for (std::size_t i = 0; i < t.model.legs.size(); ++i) {
      const Leg& leg = t.model.legs[i];
      const double price = leg.mark * fu[t.underlying[i]];
      const Maintenance mm = maintenanceAt(t.model, leg, leg.u(price));
      x.equity += leg.pnlAt(price);
      x.initialMargin += leg.initialMargin;
      x.maintenanceMargin += mm.c0 + mm.c1 * leg.u(price);
    }
  }

  const Account& a_;
  std::list<TierPart> tiers_;  // stable addresses: each model points at its scenario
  std::vector<OptionsPart> options_;
  std::vector<std::size_t> assetUnderlying_;
  mutable std::vector<AssetView> scratch_;
  VenueView base_;
};

/// The crossing nearest to x0 on [x0, x1] (x1 may be below x0) of a headroom that is > 0 at x0:
/// the x where it is <= 0, with its neighbour toward x0 > 0. Scans `steps` equal steps.
template <class H>
std::optional<double> crossing(H&& h, double x0, double x1, int steps) {
  double a = x0, ha = h(x0);
  for (int k = 1; k <= steps; ++k) {
    const double b = k == steps ? x1 : x0 + (x1 - x0) * k / steps;
    const double hb = h(b);
    if (hb <= 0) {
      const Root r = brent(h, a, b, ha, hb, 0, 200);
      double in = r.x, out = r.x;  // in: headroom > 0; out: <= 0
      const double toward = a;
      if (h(in) > 0) {
        while (h(out = std::nextafter(in, b)) > 0) in = out;
      } else {
        while (h(in = std::nextafter(out, toward)) <= 0) out = in;
      }
      return out;
    }
    a = b, ha = hb;
  }
  return std::nullopt;
}

constexpr int kScanSteps = 24;
constexpr double kLowFactor = 0.001, kHighFactor = 100;  ///< the range searched, x today's price
constexpr double kMaxFactorMove = 10;                     ///< one-factor: |m| at most

double headroomOf(const VenueView& v) { return v.headroom; }

}  // namespace

void liquidationViews(const Account& a, const AccountRequest&, AccountView& view) {
  const std::vector<Group> groups = groupsOf(a);
  const MovedAccount moved(a, groups);
  const bool now = moved.base().headroom <= 0;
  std::vector<double> fu(a.underlyings.size(), 1.0), fa(a.collateral.size(), 1.0);
  for (std::size_t i = 0; i < a.underlyings.size(); ++i) {
    UnderlyingLiquidation& l = view.liquidation.emplace_back();
    l.underlying = a.underlyings[i].name;
    l.liquidatedNow = now;
    if (now) continue;
    const double p0 = a.underlyings[i].price;
    const auto h = [&](double p) {
      fu[i] = p / p0;
      for (std::size_t j = 0; j < fa.size(); ++j) fa[j] = moved.assetMovingWith(j) == i ? fu[i] : 1.0;
      return headroomOf(moved.at(fu, fa));
    };
    l.below = crossing(h, p0, p0 * kLowFactor, kScanSteps);
    l.above = crossing(h, p0, p0 * kHighFactor, kScanSteps * 4);
    if (l.below) l.moveBelow = *l.below / p0 - 1;
    if (l.above) l.moveAbove = *l.above / p0 - 1;
    fu[i] = 1;
  }
  std::fill(fa.begin(), fa.end(), 1.0);
  OneFactorView& o = view.oneFactor;
  o.liquidatedNow = now;
  if (now) return;
  double down = kMaxFactorMove, up = kMaxFactorMove;  // the moves keep every price above kLowFactor x today
  const auto limit = [&](std::optional<double> beta) {
    const double b = beta.value_or(1);
    if (b > 0) down = std::min(down, (1 - kLowFactor) / b);
    if (b < 0) up = std::min(up, (1 - kLowFactor) / -b);
  };
  for (const Underlying& u : a.underlyings) limit(u.beta);
  for (const CollateralBalance& c : a.collateral) limit(c.beta);
  const auto h = [&](double m) {
    for (std::size_t i = 0; i < fu.size(); ++i) fu[i] = 1 + a.underlyings[i].beta.value_or(1) * m;
    for (std::size_t j = 0; j < fa.size(); ++j) fa[j] = 1 + a.collateral[j].beta.value_or(1) * m;
    return headroomOf(moved.at(fu, fa));
  };
  o.moveDown = crossing(h, 0.0, -down, kScanSteps * 2);
  o.moveUp = crossing(h, 0.0, up, kScanSteps * 4);
}

// ---- the liquidation boundary in two moves ---------------------------------------------------------

namespace {

/// Which prices one axis moves: an underlying (and the collateral asset of its name) or one asset.
struct AxisMover {
  std::optional<std::size_t> underlying, asset;
};

AxisMover moverOf(const Account& a, std::string_view name) {
  AxisMover m;
  for (std::size_t i = 0; i < a.underlyings.size(); ++i)
    if (a.underlyings[i].name == name) m.underlying = i;
  for (std::size_t j = 0; j < a.collateral.size(); ++j)
    if (a.collateral[j].asset == name) m.asset = j;
  return m;
}

/// The headroom at moves (x, y).
class BoundaryFunction {
 public:
  BoundaryFunction(const Account& a, const BoundaryRequest& q)
      : moved_(a, groupsOf(a)), x_(moverOf(a, q.x.asset)), y_(moverOf(a, q.y.asset)),
        fu_(a.underlyings.size(), 1.0), fa_(a.collateral.size(), 1.0) {}
  double operator()(double x, double y) const {
    std::fill(fu_.begin(), fu_.end(), 1.0);
    std::fill(fa_.begin(), fa_.end(), 1.0);
    apply(x_, 1 + x);
    apply(y_, 1 + y);
    return moved_.at(fu_, fa_).headroom;
  }

 private:
  void apply(const AxisMover& m, double f) const {
    if (m.underlying) fu_[*m.underlying] = f;
    if (m.asset) fa_[*m.asset] = f;
  }
  MovedAccount moved_;
  AxisMover x_, y_;
  mutable std::vector<double> fu_, fa_;
};

/// The grid points where the headroom is 0, on each grid edge it changes sign on, and the cells'
/// segments between them (marching squares; a saddle cell is split by its centre's value).
class Contour {
 public:
  Contour(const BoundaryFunction& h, const BoundaryResult& r) : h_(h), r_(r), n_(r.xs.size()) {}

  std::vector<std::vector<BoundaryPoint>> lines() {
    for (std::size_t j = 0; j + 1 < n_; ++j)
      for (std::size_t i = 0; i + 1 < n_; ++i) cell(i, j);
    return chains();
  }

 private:
  bool in(std::size_t i, std::size_t j) const { return r_.headroom[j][i] <= 0; }

  /// The point on edge (i, j) -> (i + 1, j) (horizontal) or (i, j) -> (i, j + 1), polished on the edge.
  std::size_t edgePoint(std::size_t i, std::size_t j, bool horizontal) {
    const std::size_t key = ((j * n_ + i) << 1) | (horizontal ? 1 : 0);
    if (const auto it = index_.find(key); it != index_.end()) return it->second;
    const std::size_t i1 = horizontal ? i + 1 : i, j1 = horizontal ? j : j + 1;
    const bool firstOut = !in(i, j);
    BoundaryPoint p{r_.xs[i], r_.ys[j]};
    if (horizontal) {
      const double y = r_.ys[j];
      const auto g = [&](double x) { return h_(x, y); };
      p.x = *crossing(g, firstOut ? r_.xs[i] : r_.xs[i1], firstOut ? r_.xs[i1] : r_.xs[i], 1);
    } else {
      const double x = r_.xs[i];
      const auto g = [&](double y) { return h_(x, y); };
      p.y = *crossing(g, firstOut ? r_.ys[j] : r_.ys[j1], firstOut ? r_.ys[j1] : r_.ys[j], 1);
    }
    points_.push_back(p);
    links_.emplace_back();
    index_.emplace(key, points_.size() - 1);
    return points_.size() - 1;
  }

  void segment(std::size_t a, std::size_t b) {
    links_[a].push_back(b);
    links_[b].push_back(a);
  }

  void cell(std::size_t i, std::size_t j) {
    const bool c0 = in(i, j), c1 = in(i + 1, j), c2 = in(i + 1, j + 1), c3 = in(i, j + 1);
    const bool e[4] = {c0 != c1, c1 != c2, c3 != c2, c0 != c3};  // bottom, right, top, left
    const int count = e[0] + e[1] + e[2] + e[3];
    if (count == 0) return;
    std::size_t p[4] = {};
    if (e[0]) p[0] = edgePoint(i, j, true);
    if (e[1]) p[1] = edgePoint(i + 1, j, false);
    if (e[2]) p[2] = edgePoint(i, j + 1, true);
    if (e[3]) p[3] = edgePoint(i, j, false);
    if (count == 2) {
      std::size_t ends[2] = {0, 0}, k = 0;
      for (int s = 0; s < 4; ++s)
        if (e[s]) ends[k++] = p[s];
      segment(ends[0], ends[1]);
      return;
    }
    const double centre = (r_.headroom[j][i] + r_.headroom[j][i + 1] + r_.headroom[j + 1][i + 1] + r_.headroom[j + 1][i]) / 4;
    if ((centre <= 0) == c0) {  // c0 and c2 joined through the centre: c1 and c3 cut off
      segment(p[0], p[1]);
      segment(p[2], p[3]);
    } else {
      segment(p[3], p[0]);
      segment(p[1], p[2]);
    }
  }

  /// The segments joined into polylines: open ones from their ends first, then closed loops.
  std::vector<std::vector<BoundaryPoint>> chains() {
    std::vector<std::vector<BoundaryPoint>> out;
    std::vector<bool> used(points_.size(), false);
    const auto walk = [&](std::size_t start) {
      std::vector<BoundaryPoint>& line = out.emplace_back();
      std::size_t at = start, from = static_cast<std::size_t>(-1);
      while (true) {
        used[at] = true;
        line.push_back(points_[at]);
        std::size_t next = static_cast<std::size_t>(-1);
        for (std::size_t b : links_[at])
          if (b != from && !used[b]) next = b;
        if (next == static_cast<std::size_t>(-1)) {
          for (std::size_t b : links_[at])  // close a loop
            if (b == start && b != from && line.size() > 2) line.push_back(points_[start]);
          return;
        }
        from = at, at = next;
      }
    };
    for (std::size_t k = 0; k < points_.size(); ++k)
      if (!used[k] && links_[k].size() == 1) walk(k);
    for (std::size_t k = 0; k < points_.size(); ++k)
      if (!used[k]) walk(k);
    return out;
  }

  const BoundaryFunction& h_;
  const BoundaryResult& r_;
  std::size_t n_;
  std::vector<BoundaryPoint> points_;
  std::vector<std::vector<std::size_t>> links_;
  std::map<std::size_t, std::size_t> index_;
};

/// The nearest point of the polylines to (0, 0).
std::optional<BoundaryPoint> nearestOnLines(const std::vector<std::vector<BoundaryPoint>>& lines) {
  std::optional<BoundaryPoint> best;
  double bestD = 0;
  for (const auto& line : lines)
    for (std::size_t k = 0; k < line.size(); ++k) {
      const BoundaryPoint a = line[k], b = k + 1 < line.size() ? line[k + 1] : line[k];
      const double dx = b.x - a.x, dy = b.y - a.y, len = dx * dx + dy * dy;
      const double t = len > 0 ? std::clamp(-(a.x * dx + a.y * dy) / len, 0.0, 1.0) : 0.0;
      const BoundaryPoint p{a.x + t * dx, a.y + t * dy};
      const double d = std::hypot(p.x, p.y);
      if (!best || d < bestD) best = p, bestD = d;
    }
  return best;
}

/// The nearest boundary point, polished: along the direction theta the first zero of the headroom
/// from today's point; the direction where that point's gradient is parallel to it (the distance is
/// stationary), by Brent's method on the cross product, from the polylines' nearest point.
std::optional<BoundaryPoint> polishNearest(const BoundaryFunction& h, BoundaryPoint guess, double cell, double reach) {
  const auto hit = [&](double theta) -> std::optional<BoundaryPoint> {
    const double c = std::cos(theta), s = std::sin(theta);
    const auto g = [&](double t) { return h(t * c, t * s); };
    const std::optional<double> t = crossing(g, 0.0, reach, 16);
    if (!t) return std::nullopt;
    return BoundaryPoint{*t * c, *t * s};
  };
  const auto cross = [&](double theta) -> std::optional<double> {
    const std::optional<BoundaryPoint> p = hit(theta);
    if (!p) return std::nullopt;
    const double e = 1e-6 * std::max(1.0, std::hypot(p->x, p->y));
    const double gx = h(p->x + e, p->y) - h(p->x - e, p->y), gy = h(p->x, p->y + e) - h(p->x, p->y - e);
    return p->x * gy - p->y * gx;
  };
  const double theta0 = std::atan2(guess.y, guess.x), r0 = std::hypot(guess.x, guess.y);
  const double w = std::min(1.5, 2 * cell / std::max(r0, 1e-12));
  const std::optional<double> fa = cross(theta0 - w), fb = cross(theta0 + w);
  if (fa && fb && (*fa <= 0) != (*fb <= 0)) {
    const auto f = [&](double t) { return cross(t).value_or(0.0); };
    return hit(brent(f, theta0 - w, theta0 + w, *fa, *fb, 1e-15, 200).x);
  }
  return hit(theta0);
}

Checker boundaryChecks(const Account& a, const BoundaryRequest& q) {
  Checker c;
  constexpr double kMaxAxisMove = 10;
  const auto axis = [&](const std::string& path, const BoundaryAxis& x) {
    const AxisMover m = moverOf(a, x.asset);
    if (!m.underlying && !m.asset)
      c.fail(path + ".asset", "accountAxisAsset", {Param{"value", x.asset.substr(0, kMaxAccountNameLength)}});
    if (c.finite(path + ".from", x.from) && c.finite(path + ".to", x.to) && !(x.from > -1 && x.from < x.to && x.to <= kMaxAxisMove))
      c.fail(path, "accountAxisRange", {Param{"from", x.from}, Param{"to", x.to}, Param{"limit", kMaxAxisMove}});
  };
  axis("request.x", q.x);
  axis("request.y", q.y);
  if (q.x.asset == q.y.asset) c.fail("request.y.asset", "accountAxisSame", {Param{"value", q.y.asset.substr(0, kMaxAccountNameLength)}});
  c.whole("request.n", q.n, 2, static_cast<double>(kMaxBoundaryGrid));
  return c;
}

std::vector<double> axisPoints(const BoundaryAxis& a, std::size_t n) {
  std::vector<double> out(n);
  for (std::size_t k = 0; k < n; ++k) out[k] = k + 1 == n ? a.to : a.from + (a.to - a.from) * static_cast<double>(k) / static_cast<double>(n - 1);
  return out;
}

}  // namespace

}  // namespace detail

Result<BoundaryResult> accountBoundary(const Account& a, const BoundaryRequest& q) {
  using namespace detail;
  Result<BoundaryResult> out;
  out.errors = validate(a);
  if (out.errors.empty()) out.errors = std::move(boundaryChecks(a, q).errors);
  if (!out.errors.empty()) return out;
  const BoundaryFunction h(a, q);
  BoundaryResult r;
  const std::size_t n = static_cast<std::size_t>(q.n);
  r.xs = axisPoints(q.x, n);
  r.ys = axisPoints(q.y, n);
  r.headroom.assign(n, std::vector<double>(n));
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i < n; ++i) r.headroom[j][i] = h(r.xs[i], r.ys[j]);
  const std::vector<std::vector<BoundaryPoint>> lines = Contour(h, r).lines();
  for (const auto& line : lines) {
    BoundaryLine& l = r.lines.emplace_back();
    for (const BoundaryPoint& p : line) l.x.push_back(p.x), l.y.push_back(p.y);
  }
  r.todayHeadroom = h(0, 0);
  if (r.todayHeadroom > 0) {
    if (const std::optional<BoundaryPoint> guess = nearestOnLines(lines)) {
      const double cell = std::hypot(r.xs[1] - r.xs[0], r.ys[1] - r.ys[0]);
      const double reach = 2 * std::hypot(guess->x, guess->y) + 2 * cell;
      r.nearest = polishNearest(h, *guess, cell, reach);
      if (!r.nearest) r.nearest = guess;
      r.distance = std::hypot(r.nearest->x, r.nearest->y);
    }
  }
  out.value = std::move(r);
  return out;
}

}  // namespace marginlab

// ---- explanations ----------------------------------------------------------------------------------

namespace marginlab::detail {

namespace {

std::string fmt(double x) { return formatNumber(x); }
std::string fmt(std::optional<double> x) { return x ? formatNumber(*x) : std::string("none"); }

/// "10 x 0.98 + 10 x 0.95 + 5 x 0.9" of a tiered asset: each band's part of the amount at its ratio.
std::string bandTerms(const CollateralTiers& t, bool progressive, double amount, std::size_t band) {
  if (!progressive) return fmt(amount) + " x " + fmt(t.bands[band].ratio);
  std::string out;
  for (std::size_t i = 0; i <= band; ++i) {
    const double end = i + 1 <= band ? t.bands[i + 1].from : amount;
    out += (out.empty() ? "" : " + ") + fmt(end - t.bands[i].from) + " x " + fmt(t.bands[i].ratio);
  }
  return out;
}

void explainTiers(const Account& a, const AccountView& v, std::vector<Step>& s) {
  for (std::size_t i = 0; i < v.assets.size(); ++i) {
    const AssetView& x = v.assets[i];
    const CollateralTiers* t = a.venue ? tiersOf(*a.venue, x.asset) : nullptr;
    if (!t || !x.tier) continue;
    const double amount = t->byValue ? x.value : x.equity;
    const std::string terms = bandTerms(*t, a.venue->progressive, amount, static_cast<std::size_t>(*x.tier));
    s.push_back(accountStep("account.assets[" + std::to_string(i) + "].collateralValue", "account.tiers",
                            x.asset + ": tiered collateral, band " + fmt(*x.tier) + (a.venue->progressive ? " (each band at its ratio)" : " (the whole amount at its band's ratio)"),
                            t->byValue ? "collateral = sum of value in band x ratio" : "collateral = (sum of units in band x ratio) x price",
                            t->byValue ? terms : "(" + terms + ") x " + fmt(x.price), x.collateralValue));
  }
}

void explainRatio(const AccountView& v, std::vector<Step>& s) {
  const VenueView& w = v.venue;
  const std::string venue(toString(w.venue));
  s.push_back(accountStep("account.venue.loanMaintenance", "account.loans", venue + ": maintenance on borrowed units",
                          "loan MM = sum of loan x rate x price", fmt(w.loanMaintenance), w.loanMaintenance));
  s.push_back(accountStep("account.venue.maintenanceMargin", "account.venueMaintenance", venue + ": maintenance margin",
                          "MM = positions' MM + loan MM", fmt(w.maintenanceMargin - w.loanMaintenance) + " + " + fmt(w.loanMaintenance),
                          w.maintenanceMargin));
  if (w.collateralOverMargin) {
    s.push_back(accountStep("account.venue.marginRatio", "account.venueRatio.collateral", venue + ": margin ratio (collateral over MM)",
                            "ratio = collateral (MM side) / MM", fmt(w.collateralMaintenance) + " / " + fmt(w.maintenanceMargin), w.marginRatio));
    s.push_back(accountStep("account.venue.headroom", "account.headroom.collateral", venue + ": room before liquidation",
                            "headroom = collateral - level x MM",
                            fmt(w.collateralMaintenance) + " - " + fmt(w.liquidationLevel) + " x " + fmt(w.maintenanceMargin), w.headroom));
  } else {
    s.push_back(accountStep("account.venue.marginRatio", "account.venueRatio.margin", venue + ": margin ratio (MM over collateral)",
                            "ratio = MM / collateral (MM side)", fmt(w.maintenanceMargin) + " / " + fmt(w.collateralMaintenance), w.marginRatio));
    s.push_back(accountStep("account.venue.headroom", "account.headroom.margin", venue + ": room before liquidation",
                            "headroom = collateral - MM / level",
                            fmt(w.collateralMaintenance) + " - " + fmt(w.maintenanceMargin) + " / " + fmt(w.liquidationLevel), w.headroom));
  }
  s.push_back(accountStep("account.venue.zone", "account.zone", venue + ": " + w.zone, "zone = where the ratio stands against the venue's levels",
                          "ratio " + fmt(w.marginRatio) + ", IM rate " + fmt(w.initialRate) + ", liquidation at " + fmt(w.liquidationLevel),
                          std::nullopt));
}

void explainLiquidation(const AccountView& v, std::vector<Step>& s) {
  for (std::size_t i = 0; i < v.liquidation.size(); ++i) {
    const UnderlyingLiquidation& l = v.liquidation[i];
    const std::string at = "account.liquidation[" + std::to_string(i) + "].";
    const char* why = l.liquidatedNow ? ": liquidated at today's prices" : "";
    s.push_back(accountStep(at + "below", "account.liquidationBelow", l.underlying + ", the others held: liquidation below" + std::string(why),
                            "the first price below today's where headroom <= 0 (scan, Brent, adjacent doubles)",
                            l.below ? "move " + fmt(l.moveBelow) : "none down to 0.001 x today's", l.below));
    s.push_back(accountStep(at + "above", "account.liquidationAbove", l.underlying + ", the others held: liquidation above" + std::string(why),
                            "the first price above today's where headroom <= 0",
                            l.above ? "move " + fmt(l.moveAbove) : "none up to 100 x today's", l.above));
  }
  const OneFactorView& o = v.oneFactor;
  s.push_back(accountStep("account.oneFactor.moveDown", "account.oneFactor", "All prices x (1 + beta x m): the liquidation move down",
                          "the first m < 0 where headroom <= 0", o.moveDown ? fmt(o.moveDown) : std::string("none in range"), o.moveDown));
  s.push_back(accountStep("account.oneFactor.moveUp", "account.oneFactor", "All prices x (1 + beta x m): the liquidation move up",
                          "the first m > 0 where headroom <= 0", o.moveUp ? fmt(o.moveUp) : std::string("none in range"), o.moveUp));
}

}  // namespace

void explainVenue(const Account& a, const AccountView& v, std::vector<Step>& s) {
  explainTiers(a, v, s);
  explainRatio(v, s);
  explainLiquidation(v, s);
}

}  // namespace marginlab::detail

namespace marginlab {

void explain(const Account&, const BoundaryRequest& q, BoundaryResult& r) {
  using detail::accountStep;
  using detail::fmt;
  const std::size_t n = r.xs.size();
  r.steps.push_back(accountStep("headroom", "boundary.grid", "Headroom over " + q.x.asset + " and " + q.y.asset + " moves",
                                "headroom(x, y) with the other prices held", fmt(static_cast<double>(n)) + " x " + fmt(static_cast<double>(n)) + " points",
                                std::nullopt));
  r.steps.push_back(accountStep("todayHeadroom", "boundary.today", "Headroom today", "headroom(0, 0)", "at (0, 0)", r.todayHeadroom));
  std::size_t points = 0;
  for (const BoundaryLine& line : r.lines) points += line.x.size();
  r.steps.push_back(accountStep("lines", "boundary.lines", "Where headroom = 0", "marching squares; each crossing solved on its grid edge",
                                fmt(static_cast<double>(r.lines.size())) + " lines, " + fmt(static_cast<double>(points)) + " points",
                                std::nullopt));
  r.steps.push_back(accountStep("distance", "boundary.nearest",
                                r.nearest ? "Nearest boundary point: x " + fmt(r.nearest->x) + ", y " + fmt(r.nearest->y)
                                          : std::string(r.todayHeadroom <= 0 ? "No nearest point: liquidated today" : "No boundary in the grid"),
                                "the point where the boundary's gradient points at today (distance stationary)",
                                r.nearest ? "sqrt(" + fmt(r.nearest->x) + "^2 + " + fmt(r.nearest->y) + "^2)" : std::string("none"), r.distance));
}

}  // namespace marginlab
