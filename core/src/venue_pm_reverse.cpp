// SPDX-License-Identifier: MIT
// MarginLab: the reverse questions of margin by venue (venue_pm_reverse.h): a new leg's largest size
// and the liquidating move, per row, by re-evaluating the account on a ladder and polishing the first
// sign change of (equity - margin) with Brent's method (roots.h).
#include "marginlab/venue_pm_reverse.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <utility>

#include "marginlab/check.h"
#include "marginlab/format.h"
#include "roots.h"

namespace marginlab {

namespace {

constexpr std::string_view kLadderUnit = "contracts or options";

AccountVenue accountVenueOf(std::string_view venue) {
  if (venue == "deribit") return AccountVenue::DeribitCross;
  if (venue == "okx") return AccountVenue::OkxMultiCurrency;
  if (venue == "bybit") return AccountVenue::BybitUnified;
  if (venue == "binance") return AccountVenue::BinanceUnified;
  return AccountVenue::Generic;
}

/// A row's currency in USD at the account's prices: an underlying's, else a collateral asset's, else 1.
double usdPer(const Account& a, std::string_view currency) {
  for (const Underlying& u : a.underlyings)
    if (u.name == currency) return u.price;
  for (const CollateralBalance& c : a.collateral)
    if (c.asset == currency) return c.price;
  return 1;
}

/// (equity - margin) of one row of an account, USD; none when the row or the equity cannot be had.
struct Headroom {
  double margin = 0, equity = 0;
  double value() const { return equity - margin; }
};

class RowProbe {
 public:
  RowProbe(const MarginByVenueRequest& q, std::string venue, std::string kind) : q_(q), venue_(std::move(venue)), kind_(std::move(kind)) {}

  /// IM against the IM-side equity (initial) or MM against the MM-side equity.
  std::optional<Headroom> operator()(const Account& a, bool initial, std::string* why = nullptr) {
    ++evaluations;
    if (!validate(a).empty()) return fail(why, "the account is not valid there");
    const std::vector<VenueMargin> rows = venueRows(a, q_, venue_, kind_);
    if (rows.empty() || !rows.front().supported) return fail(why, rows.empty() ? "no row" : rows.front().reason.value_or(""));
    const Result<VenueEquity> e = venueEquity(a, venue_);
    if (!e) return fail(why, e.errors.front().message);
    const VenueMargin& m = rows.front();
    const double k = m.currency == "USD" ? 1 : usdPer(a, m.currency);
    return Headroom{.margin = k * (initial ? m.initialMargin : m.maintenanceMargin),
                    .equity = initial ? e.value->initial : e.value->maintenance};
  }
  std::size_t evaluations = 0;

 private:
  static std::optional<Headroom> fail(std::string* why, std::string reason) {
    if (why) *why = std::move(reason);
    return std::nullopt;
  }
  const MarginByVenueRequest& q_;
  std::string venue_, kind_;
};

/// The first point of `ladder` (walked in order from 0, where the headroom is `today` >= 0) where h < 0
/// or undefined, the bracket before it polished to xTolerance (times the bracket's end when `relative`).
ReverseAnswer firstBreach(const std::function<std::optional<Headroom>(double)>& h, Headroom today, const std::vector<double>& ladder,
                          double xTolerance, bool relative, std::string noneReason) {
  ReverseAnswer out;
  double lo = 0;
  std::optional<Headroom> hLo = today;
  for (double x : ladder) {
    const std::optional<Headroom> hx = h(x);
    if (hx && hx->value() >= 0) {
      lo = x, hLo = hx;
      continue;
    }
    if (!hx) {  // undefined there: the last safe point stands, with the reason
      out.reason = "not computable beyond " + formatNumber(lo);
      out.value = lo, out.margin = hLo->margin, out.equity = hLo->equity;
      return out;
    }
    const auto f = [&](double t) {
      const std::optional<Headroom> ht = h(t);
      return ht ? ht->value() : -1.0;  // undefined counts as breached: the bracket stays on the safe side
    };
    const detail::Root r = detail::brent(f, lo, x, hLo->value(), hx->value(), xTolerance * (relative ? std::abs(x) : 1.0), 200);
    out.value = r.x;
    if (const std::optional<Headroom> at = h(r.x)) out.margin = at->margin, out.equity = at->equity;
    return out;
  }
  out.reason = std::move(noneReason);
  out.margin = hLo->margin, out.equity = hLo->equity;
  return out;
}

/// The account with the new leg at `size`.
Account withLeg(const Account& a, const NewLeg& leg, double size) {
  Account b = a;
  if (leg.future) (b.futures.push_back(*leg.future), b.futures.back().quantity = size);
  if (leg.option) (b.options.push_back(*leg.option), b.options.back().option.quantity = size);
  return b;
}

std::vector<double> sizeLadder(double start) {
  std::vector<double> out;
  for (double s = start; s <= kReverseMaxSize; s *= 4) out.push_back(s);
  if (out.empty() || out.back() < kReverseMaxSize) out.push_back(kReverseMaxSize);
  return out;
}

std::vector<double> moveLadder(bool down) {
  static constexpr std::array kDown = {-0.01, -0.02, -0.04, -0.06, -0.08, -0.1, -0.15, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -0.9, -0.95};
  static constexpr std::array kUp = {0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 7.5, 10.0};
  return down ? std::vector<double>(kDown.begin(), kDown.end()) : std::vector<double>(kUp.begin(), kUp.end());
}

/// From today (size 0) up a ladder of x4 steps from the leg's given size.
ReverseAnswer maxSize(RowProbe& probe, const Account& a, const NewLeg& leg, Headroom today) {
  const double given = leg.future ? leg.future->quantity : leg.option->option.quantity;
  const auto h = [&](double s) { return probe(withLeg(a, leg, s), true); };
  return firstBreach(h, today, sizeLadder(std::clamp(given, kReverseMinSize, kReverseMaxSize)), kReverseSizeTolerance, true,
                     "initial margin stays within equity up to " + formatNumber(kReverseMaxSize) + " " + std::string(kLadderUnit));
}

VenueReverse reverseRow(const Account& a, const VenueReverseRequest& q, const VenueMargin& row) {
  VenueReverse v{.venue = row.venue, .kind = row.kind, .supported = row.supported, .reason = row.reason};
  if (!row.supported) return v;
  RowProbe probe(q.margin, row.venue, row.kind);
  std::string why;
  const std::optional<Headroom> im = probe(a, true, &why), mm = probe(a, false, &why);
  if (!im || !mm) return v.supported = false, v.reason = why, v;
  v.initialMargin = im->margin, v.initialEquity = im->equity;
  v.maintenanceMargin = mm->margin, v.maintenanceEquity = mm->equity;
  if (q.newLeg) {
    if (im->value() < 0) v.maxNewLegSize = ReverseAnswer{.reason = "initial margin already exceeds equity", .margin = im->margin, .equity = im->equity};
    else v.maxNewLegSize = maxSize(probe, a, *q.newLeg, *im);
  }
  const std::string_view u = q.underlying ? std::string_view(*q.underlying) : std::string_view();
  for (const bool down : {true, false}) {
    ReverseAnswer& r = down ? v.liquidationMove.down : v.liquidationMove.up;
    if (mm->value() < 0) {
      r = {.reason = "maintenance margin already exceeds equity", .margin = mm->margin, .equity = mm->equity};
      continue;
    }
    const auto h = [&](double m) { return probe(movedAccount(a, m, u), false); };
    r = firstBreach(h, *mm, moveLadder(down), kReverseMoveTolerance, false,
                    "no move to " + formatNumber((down ? kReverseMoveDown : kReverseMoveUp) * 100) + "% liquidates");
  }
  v.evaluations = probe.evaluations;
  return v;
}

void checkLeg(Checker& c, const Account& a, const VenueReverseRequest& q) {
  if (q.underlying && std::none_of(a.underlyings.begin(), a.underlyings.end(), [&](const Underlying& u) { return u.name == *q.underlying; }))
    c.fail("request.underlying", "venuePmSpanUnderlying", {{"value", q.underlying->substr(0, kMaxAccountNameLength)}});
  if (!q.newLeg) return;
  const NewLeg& l = *q.newLeg;
  if (l.future.has_value() == l.option.has_value()) return c.fail("request.newLeg", "venuePmNewLeg");
  // the leg's own checks, at its path in the request: the account's check of it as its last position
  const Account b = withLeg(a, l, l.future ? l.future->quantity : l.option->option.quantity);
  const std::string own = l.future ? "futures[" + std::to_string(a.futures.size()) + "]" : "options[" + std::to_string(a.options.size()) + "]";
  const std::string to = l.future ? "request.newLeg.future" : "request.newLeg.option";
  std::vector<InputError> errors = validate(b);
  for (InputError& e : errors)
    if (e.path.rfind(own, 0) == 0) c.errors.push_back((e.path = to + e.path.substr(own.size()), std::move(e)));
}

}  // namespace

Result<VenueEquity> venueEquity(const Account& a, std::string_view venue) {
  Account c = a;
  const AccountVenue want = accountVenueOf(venue);
  if (!a.venue || a.venue->venue != want) {
    c.venue.reset();
    for (AccountRules& r : accountVenues())
      if (r.venue == want) c.venue = std::move(r);
  }
  if (!a.options.empty()) c.margin = AccountMargin::DeribitStandard;  // equity does not depend on it; options need it
  const Result<AccountResult> r = evaluateAccount(c);
  Result<VenueEquity> out;
  if (!r) return out.errors = r.errors, out;
  out.value = VenueEquity{.initial = r.value->account.venue.collateralInitial, .maintenance = r.value->account.venue.collateralMaintenance};
  return out;
}

Account movedAccount(const Account& a, double move, std::string_view underlying) {
  Account b = a;
  const double f = 1 + move;
  for (Underlying& u : b.underlyings) {
    if (!underlying.empty() && u.name != underlying) continue;
    u.price *= f;
    for (AccountFuture& x : b.futures)
      if (x.underlying == u.name && x.markPrice) *x.markPrice *= f;
    for (CollateralBalance& c : b.collateral)
      if (c.asset == u.name) c.price *= f;
  }
  return b;
}

Result<VenueReverseResult> venueReverse(const Account& a, const VenueReverseRequest& q) {
  Result<VenueReverseResult> out;
  out.errors = validate(a);
  Checker c;
  checkVenueRequest(c, a, q.margin);
  checkLeg(c, a, q);
  out.errors.insert(out.errors.end(), c.errors.begin(), c.errors.end());
  if (!out.errors.empty()) return out;
  const Result<MarginByVenueResult> rows = marginByVenue(a, q.margin);
  VenueReverseResult r;
  for (const VenueMargin& row : rows.value->venues) r.venues.push_back(reverseRow(a, q, row));
  out.value = std::move(r);
  return out;
}

namespace {

Step answerStep(const std::string& field, const std::string& what, const ReverseAnswer& r, bool move) {
  if (!r.value || r.reason)
    return {.field = field, .label = what + ": " + (r.value ? "up to " + formatNumber(*r.value) + ", then " : std::string()) + r.reason.value_or(""),
            .formula = move ? "first move where MM >= equity" : "largest size where IM <= equity", .substituted = "none",
            .code = "venuePm.reverseNone"};
  const std::string margin = move ? "MM" : "IM";
  return {.field = field, .label = what,
          .formula = move ? "MM(U x (1 + m)) = equity(U x (1 + m))" : "IM(size) = equity(size)",
          .substituted = margin + " " + formatNumber(r.margin) + " = equity " + formatNumber(r.equity) + " at " +
                         (move ? formatNumber(*r.value * 100) + "%" : formatNumber(*r.value)),
          .value = r.value, .code = move ? "venuePm.liquidationMove" : "venuePm.maxNewLegSize"};
}

}  // namespace

void explain(const VenueReverseRequest&, VenueReverseResult& r) {
  for (std::size_t i = 0; i < r.venues.size(); ++i) {
    const VenueReverse& v = r.venues[i];
    const std::string base = "venues[" + std::to_string(i) + "]", name = v.venue + " " + v.kind;
    if (!v.supported) {
      r.steps.push_back({.field = base, .label = name + ": not supported: " + v.reason.value_or(""), .code = "venuePm.unsupported"});
      continue;
    }
    if (v.maxNewLegSize) r.steps.push_back(answerStep(base + ".maxNewLegSize", name + ": largest size of the new leg", *v.maxNewLegSize, false));
    r.steps.push_back(answerStep(base + ".liquidationMove.down", name + ": liquidating move down", v.liquidationMove.down, true));
    r.steps.push_back(answerStep(base + ".liquidationMove.up", name + ": liquidating move up", v.liquidationMove.up, true));
  }
}

}  // namespace marginlab
