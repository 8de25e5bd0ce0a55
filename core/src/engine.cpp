// SPDX-License-Identifier: MIT
// MarginLab: how a liquidation engine unwinds a position it took over (VENUES.md 1.1, 2.1,
// 4.1 and MX-1, 6.1, 7.1, 8): fills walked through the book or an IOC at the bankruptcy price, the
// insurance fund (which pays while it can and takes over the rest), and ADL (only once it is empty).
// The walk computes numbers only; explain() walks again with a trace of the fills and writes the steps.
#include "marginlab/engine.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "marginlab/check.h"
#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "explain.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

constexpr std::size_t kMaxLevels = kMaxBookLevels;
constexpr std::size_t kMaxSlices = 10'000;
constexpr double kModelStep = 0.001;             ///< depth model: one level every 0.1% of LP
constexpr std::size_t kModelLevelsLong = 1000;   ///< k = 0..999: down to 0.1% of LP
constexpr std::size_t kModelLevelsShort = 1001;  ///< k = 0..1000: up to 2*LP
constexpr std::size_t kSliceSteps = 20;          ///< slices explained one by one; the table has all
constexpr std::size_t kFillTerms = 6;            ///< fills written out in one slice's step
constexpr double kPriceTolerance = 1e-12;  ///< relative: a level at LP rounded in the last bits
constexpr double kFundTolerance = 1e-9;    ///< of the notional at BP: rounding, not a deficit

using detail::add;
using detail::n;
using detail::sn;

Param param(const char* name, double x) { return {name, x}; }
Param param(const char* name, std::size_t x) { return {name, static_cast<double>(x)}; }

std::string levelPath(std::size_t i, const char* field) {
  return "request.book[" + std::to_string(i) + "]." + field;
}

/// Slices an iceberg of visible size v needs for q contracts (a double: it may be huge).
double icebergCount(double q, double v) noexcept {
  if (v >= q) return 1;
  const double full = std::floor(q / v);
  const double rest = q - full * v;
  return full + (rest > q * 1e-12 ? 1 : 0);
}

/// The sizes each slice tries to fill.
std::vector<double> slicePlan(const UnwindRequest& r, double q) {
  std::vector<double> plan;
  switch (r.style) {
    case UnwindStyle::Market:
      plan.push_back(q);
      break;
    case UnwindStyle::Twap: {
      const double each = q / static_cast<double>(r.slices);
      plan.assign(r.slices, each);
      plan.back() = q - each * static_cast<double>(r.slices - 1);
      break;
    }
    case UnwindStyle::Iceberg: {
      const auto count = static_cast<std::size_t>(icebergCount(q, r.visibleSize));
      if (count == 1) {
        plan.push_back(q);
        break;
      }
      const double full = std::floor(q / r.visibleSize);
      plan.assign(static_cast<std::size_t>(full), r.visibleSize);
      if (count > plan.size()) plan.push_back(q - full * r.visibleSize);
      break;
    }
  }
  return plan;
}

// ---- checks (messages in check.cpp, section "Risk lab: odds, Monte Carlo, the liquidation engine") ----

/// Each level's price and size, and their order (when the side is known: `p`).
void checkBook(const Position* p, const std::vector<BookLevel>& book, Checker& c) {
  if (book.size() > kMaxLevels) {
    c.fail("request.book", "bookLevels", {param("count", book.size()), param("limit", kMaxLevels)});
    return;
  }
  std::vector<bool> priceOk(book.size());
  for (std::size_t i = 0; i < book.size(); ++i) {
    priceOk[i] = isValidPositive(book[i].price) || c.positive(levelPath(i, "price"), book[i].price);
    if (!isValidPositive(book[i].size)) c.positive(levelPath(i, "size"), book[i].size);
    if (p == nullptr || i == 0 || !priceOk[i] || !priceOk[i - 1]) continue;
    const bool isLong = p->side == Side::Long;
    const double prev = book[i - 1].price, here = book[i].price;
    if (isLong ? !(here < prev) : !(here > prev))
      c.fail(levelPath(i, "price"), isLong ? Rule("bookOrderBids") : Rule("bookOrderAsks"),
             {param("value", here), param("previous", prev)});
  }
}

/// The depth model's contracts per 1%, needed when the book is empty.
void checkDepthModel(double depth, Checker& c) {
  if (isValidPositive(depth)) return;
  const char* path = "request.depthPerPercent";
  if (!isValidNumber(depth)) c.fail(path, "depthModelNotFinite");
  else if (!(depth > 0)) c.fail(path, "depthModelPositive", {param("value", depth)});
  else
    c.fail(path, "depthModelMagnitude",
           {param("value", depth), param("low", kMinMagnitude), param("high", kMaxMagnitude)});
}

/// The slicing of the style chosen (`p`: the position, when the index names one).
void checkStyle(const Position* p, const UnwindRequest& r, Checker& c) {
  if (r.style == UnwindStyle::Twap && (r.slices < 1 || r.slices > kMaxSlices))
    c.between("request.slices", static_cast<double>(r.slices), 1, static_cast<double>(kMaxSlices));
  if (r.style == UnwindStyle::Iceberg && c.positive("request.visibleSize", r.visibleSize) && p != nullptr &&
      isValidPositive(p->quantity)) {
    const double count = icebergCount(p->quantity, r.visibleSize);
    if (count > static_cast<double>(kMaxSlices))
      c.fail("request.visibleSize", "icebergSlices",
             {param("value", r.visibleSize), param("quantity", p->quantity), param("count", count),
              param("limit", kMaxSlices)});
  }
  if (r.style != UnwindStyle::Market) c.between("request.replenishFraction", r.replenishFraction, 0, 1);
  if (r.partial == UnwindPartial::Venue && r.style != UnwindStyle::Market) {
    static constexpr const char* kStyles[] = {"market", "twap", "iceberg"};
    c.fail("request.partial", "partialStyle", {Param{"style", std::string(kStyles[static_cast<int>(r.style)])}});
  }
}

/// Request checks that need neither a price nor a valid scenario.
void checkRequest(const Scenario& s, const UnwindRequest& r, Checker& c) {
  const bool havePosition = r.position < s.positions.size();
  if (!havePosition)
    c.fail("request.position", "positionIndex", {param("value", r.position), param("limit", s.positions.size())});
  const Position* p = havePosition ? &s.positions[r.position] : nullptr;
  checkBook(p, r.book, c);
  if (r.book.empty()) checkDepthModel(r.depthPerPercent, c);
  checkStyle(p, r, c);
  c.nonNegative("request.insuranceFund", r.insuranceFund);  // a balance, as the wallet
}

/// Levels on the wrong side of the takeover price: a long sells at or below LP, a short buys at or above.
void checkBookBeyond(const Position& p, const std::vector<BookLevel>& book, double lp, Checker& c) {
  const bool isLong = p.side == Side::Long;
  for (std::size_t i = 0; i < book.size() && book.size() <= kMaxLevels; ++i) {
    const double price = book[i].price;
    if (!isValidPositive(price)) continue;
    if (isLong ? price > lp * (1 + kPriceTolerance) : price < lp * (1 - kPriceTolerance))
      c.fail(levelPath(i, "price"), isLong ? Rule("bookBeyondBids") : Rule("bookBeyondAsks"),
             {param("value", price), param("liquidationPrice", lp)});
  }
}

/// Where the engine takes the position over.
struct Takeover {
  double lp = 0, bp = 0;
};

/// Every check: the scenario's, the request's, then those against the prices. The takeover prices
/// when there is no error.
std::optional<Takeover> check(const Scenario& s, const UnwindRequest& r, Checker& c) {
  Report report = evaluate(s);
  c.merge(std::move(report.errors));
  checkRequest(s, r, c);
  if (!report.isolated || r.position >= s.positions.size()) return std::nullopt;
  const Outcome& outcome = r.mode == MarginMode::Isolated ? *report.isolated : *report.cross;
  const PositionOutcome& po = outcome.positions[r.position];
  if (!po.liquidationPrice || !po.bankruptcyPrice) {
    c.fail("request.position", "nothingToUnwind",
           {param("value", r.position), Param{"mode", std::string(toString(r.mode))}});
    return std::nullopt;
  }
  checkBookBeyond(s.positions[r.position], r.book, *po.liquidationPrice, c);
  if (!c.ok()) return std::nullopt;
  return Takeover{*po.liquidationPrice, *po.bankruptcyPrice};
}

// ---- the walk ----

struct Fill {
  double quantity = 0, price = 0;
};

/// The first fill the fund could not pay in full: explain() writes it out.
struct FundCap {
  std::size_t slice = 0;
  double price = 0, balance = 0, quantity = 0;  ///< the level, the fund before it, the part filled there
};

/// Why the venue's partial liquidation applies or not (request.partial Venue).
enum class PartialWhy { Applied, StepDown, NotAsked, NoRule, NoStepOption, Inverse, Small, LowestTier };

/// The venues that step down their risk-limit tiers before closing the whole position (VENUES.md 8).
bool stepsDownTiers(Rules rules) noexcept {
  return rules == Rules::Binance || rules == Rules::Bybit || rules == Rules::BybitUta || rules == Rules::Bitmex ||
         rules == Rules::Okx;
}

/// The position's tiers as the step down reads them: its tier notional (at the liquidation price for the
/// profiles that read the tier at the price, at entry for those that read it at entry) and its row.
struct TierView {
  detail::Model model;
  std::size_t leg = 0;
  double measure = 0;  ///< the whole position's tier notional
  std::size_t row = 0;
};

TierView tierView(const Scenario& s, std::size_t position, double lp) {
  TierView v{detail::buildModel(s), position, 0, 0};
  const detail::Leg& leg = v.model.legs[position];
  v.measure = v.model.profile->basis == MaintenanceBasis::AtEntry ? leg.entryNotional : leg.k * leg.u(lp);
  v.row = detail::rowAt(v.model.tiersOf(leg), v.measure);
  return v;
}

/// The maintenance margin at the liquidation price of `share` of the position on tier `row`.
double maintenanceOf(const TierView& v, double share, std::size_t row, double lp) noexcept {
  detail::Leg leg = v.model.legs[v.leg];
  leg.k *= share;
  leg.entryNotional *= share;
  const detail::Maintenance mm = detail::maintenanceForTier(v.model, leg, row);
  return mm.c0 + mm.c1 * leg.u(lp);
}

/// Hyperliquid's rule: a linear position over 100,000 USDC notional at the takeover (isolated or cross). The
/// tiered venues' step down: request.stepDown given and the position above its lowest tier.
PartialWhy partialWhy(const Scenario& s, const UnwindRequest& r, double lp) {
  const Position& pos = s.positions[r.position];
  if (r.partial != UnwindPartial::Venue) return PartialWhy::NotAsked;
  if (stepsDownTiers(s.rules)) {
    if (r.stepDown == UnwindStepDown::None) return PartialWhy::NoStepOption;
    return tierView(s, r.position, lp).row > 0 ? PartialWhy::StepDown : PartialWhy::LowestTier;
  }
  if (s.rules != Rules::Hyperliquid) return PartialWhy::NoRule;
  if (pos.contract != Contract::Linear) return PartialWhy::Inverse;
  return pos.quantity * pos.contractSize * lp > kHyperliquidPartialNotional ? PartialWhy::Applied : PartialWhy::Small;
}

/// The margin check after the partial order, at the mark (the liquidation price): the equity left,
/// E1 = E0 - L1, against the remaining position's maintenance margin MM1 = E0*R/Q. Met: E1 > MM1 (at the
/// takeover E0 = MM and the position is being liquidated, so equality is not enough).
enum class PartialNext { Kept, Cooldown, Backstop };
struct PartialCheck {
  double equity0 = 0;   ///< E0 = s*Q*CS*(LP - BP): the position's equity at LP, its maintenance margin there
  double slippage = 0;  ///< L1 = s*CS*(q1*LP - Σ q*p): what the fills below LP cost the equity
  double equity1 = 0, maintenance1 = 0, remaining = 0;
  PartialNext next = PartialNext::Kept;
  bool cross = false;  ///< MM1 = E0 - MM(Q) + MM(R): the account's maintenance, this position's on what is left
};

/// After a step-down order: the trader keeps the rest, the next step down, or the whole rest (from the
/// lowest tier, or when the order filled nothing).
enum class StepNext { Kept, Again, Close };
/// One step-down order and the margin check after it, at the mark (the liquidation price).
struct StepDownCheck {
  std::size_t fromRow = 0, toRow = 0;  ///< the tier rows (0-based) before and aimed at
  double before = 0;    ///< contracts held before the order
  double notional = 0;  ///< their tier notional
  double cap = 0;       ///< the target tier's cap
  double measure = 0;   ///< N(Q): the whole position's tier notional
  double ordered = 0;   ///< contracts sent: before − Q·cap/N(Q)
  double filled = 0;
  double slippage = 0;  ///< linear s·CS·(q·LP − Σ q·p), inverse s·CS·(Σ q/p − q/LP)
  double equity = 0;    ///< E_j = E_j−1 − slippage
  double maintenance = 0;  ///< MM_j = E_0 − MM(Q) + MM(R_j): the others' maintenance and what is left's
  double remaining = 0;    ///< R_j = R_j−1 − filled
  std::size_t row = 0;     ///< R_j's tier row
  StepNext next = StepNext::Kept;
};

/// What explain() needs beyond the result: the first fills of each slice and the running totals.
struct UnwindTrace {
  std::vector<std::vector<Fill>> fills;  ///< per slice, its first kFillTerms fills
  double weighted = 0;    ///< Σ q·p (linear) or Σ q/p (inverse) over every fill
  double minRunning = 0;  ///< the lowest running fund balance
  double tolerance = 0;   ///< a balance at or below it is an empty fund
  std::optional<FundCap> cap;  ///< the first fill the fund's balance cut short
  std::optional<PartialCheck> partial;  ///< the margin check after a partial order
  std::vector<StepDownCheck> stepDowns;  ///< the tier step down: each order and the check after it
};

/// The book as the slices walk it.
struct Book {
  std::vector<BookLevel> levels;
  std::vector<double> missing;  ///< depth taken and not yet back, per level
  std::size_t firstOpen = 0;    ///< recovery 0: every level before it is empty for good
  std::size_t touched = 0;      ///< levels [0, touched) have been traded
  double recovery = 1;          ///< share of the missing depth that returns between slices
};

/// The book, or the depth model from the liquidation price.
Book bookFor(const UnwindRequest& r, double lp, bool isLong) {
  Book book;
  book.levels = r.book;
  if (book.levels.empty()) {
    const std::size_t count = isLong ? kModelLevelsLong : kModelLevelsShort;
    const double size = r.depthPerPercent / 10, s = isLong ? 1.0 : -1.0;
    book.levels.reserve(count);
    for (std::size_t k = 0; k < count; ++k)
      book.levels.push_back({lp * (1 - s * kModelStep * static_cast<double>(k)), size});
  }
  book.missing.assign(book.levels.size(), 0.0);
  book.recovery = r.style == UnwindStyle::Market ? 1.0 : r.replenishFraction;
  return book;
}

/// What bounds the fills besides the book's depth: the liquidation order's limit and the fund's running
/// balance (VENUES.md 8; Bybit's ADL page: ADL "when the position cannot be liquidated at a price
/// better than the bankruptcy price and there is an insufficient insurance fund to cover the contract
/// loss", help.bybit.com 900000031623; BitMEX MX-1: worse fills draw on the fund, ADL avoided).
struct FillLimit {
  double bp = 0, s = 1, cs = 1;
  double tolerance = 0;  ///< a balance at or below it is an empty fund
  bool linear = true, isLong = true, ioc = false;
  double running = 0;    ///< the fund's balance, fill by fill
  bool capped = false;   ///< this slice stopped where the fund reached zero
};

/// Contracts of `want` at `price` the order takes: all at or better than BP (the fund gains
/// s·CS·(p − BP) or s·CS·(1/BP − 1/p) each); worse, none for an IOC at BP, and through the book only
/// what the fund's balance pays (cut to bring it to exactly zero).
double allowed(FillLimit& l, double price, double want) noexcept {
  const double gain = l.linear ? l.s * l.cs * (price - l.bp) : l.s * l.cs * (1 / l.bp - 1 / price);
  if (l.isLong ? price >= l.bp : price <= l.bp) {
    l.running += want * gain;
    return want;
  }
  if (l.ioc) return 0;
  const double cost = -gain;
  if (want * cost <= l.running + l.tolerance) {
    l.running -= want * cost;
    return want;
  }
  l.capped = true;
  const double q = std::max(0.0, l.running) / cost;
  l.running = 0;
  return q;
}

/// Fills one slice of `requested` contracts within `lim`; adds Σ q·p (linear) or Σ q/p to `weighted`,
/// the first fills to `fills` when given, and the fund's cap to `cap` when it is the first.
UnwindSlice fillSlice(Book& book, double requested, FillLimit& lim, double& weighted, std::vector<Fill>* fills,
                      std::optional<FundCap>* cap) {
  UnwindSlice slice;
  slice.requested = requested;
  double left = requested;
  const double f = book.recovery;
  std::size_t j = f > 0 ? 0 : book.firstOpen;
  for (; j < book.levels.size() && left > 0; ++j) {
    const double available = book.levels[j].size - book.missing[j];
    if (!(available > 0)) {
      if (f == 0 && j == book.firstOpen) ++book.firstOpen;
      continue;
    }
    const double price = book.levels[j].price, before = lim.running, want = std::min(left, available);
    const double take = allowed(lim, price, want);
    if (lim.capped && cap != nullptr && !*cap) *cap = FundCap{0, price, before, take};
    if (!(take > 0)) break;  // beyond the IOC's limit or the fund is empty: every later level is worse
    if (take == available) {
      book.missing[j] = book.levels[j].size;
      if (f == 0 && j == book.firstOpen) ++book.firstOpen;
    } else {
      book.missing[j] += take;
    }
    left = take == left ? 0 : left - take;
    if (fills != nullptr && slice.levels < kFillTerms) fills->push_back({take, price});
    ++slice.levels;
    slice.worstPrice = price;
    slice.quantity += take;
    weighted += lim.linear ? take * price : take / price;
    if (take < want) {  // the fund reached zero at this level
      ++j;
      break;
    }
  }
  book.touched = std::max(book.touched, j);
  slice.unfilled = left;
  return slice;
}

/// Running totals over the slices.
struct Totals {
  double running = 0, minRunning = 0, weighted = 0, change = 0, tolerance = 0;
};

/// Books one slice: its average, its fund change, the fate of its unfilled contracts, and the unwind's
/// totals after it.
void settle(const Position& pos, FillLimit& lim, UnwindSlice& slice, double sliceWeighted, UnwindResult& u,
            Totals& t) {
  const bool linear = pos.contract == Contract::Linear, isLong = pos.side == Side::Long;
  const double s = sign(pos.side), cs = pos.contractSize, bp = lim.bp;
  // Per contract filled at p the fund gains s·CS·(p − BP) (linear) or s·CS·(1/BP − 1/p) (inverse);
  // a slice the fund's balance capped leaves it at exactly zero.
  const double sliceChange = lim.capped ? 0.0 - t.running
                                        : (linear ? s * cs * (sliceWeighted - bp * slice.quantity)
                                                  : s * cs * (slice.quantity / bp - sliceWeighted));
  if (slice.levels > 0) {
    slice.averagePrice = linear ? sliceWeighted / slice.quantity : slice.quantity / sliceWeighted;
    u.worstPrice = u.filled == 0 ? slice.worstPrice
                                 : (isLong ? std::min(u.worstPrice, slice.worstPrice)
                                           : std::max(u.worstPrice, slice.worstPrice));
  }
  slice.insuranceFundChange = sliceChange;
  t.running = lim.capped ? 0.0 : std::max(0.0, t.running + sliceChange);  // a fill paid within rounding
  lim.running = t.running;
  lim.capped = false;
  slice.insuranceFundAfter = t.running;
  // The rest, at BP: the fund takes it over while it has a balance, ADL closes it otherwise.
  (t.running > t.tolerance ? slice.fundTakeover : slice.adlQuantity) = slice.unfilled;
  u.filled += slice.quantity;
  u.unfilled += slice.unfilled;
  u.fundTakeover += slice.fundTakeover;
  u.adlQuantity += slice.adlQuantity;
  t.weighted += sliceWeighted;
  t.change += sliceChange;
  t.minRunning = std::min(t.minRunning, t.running);
}

/// The average fill at which the fund is used up; absent when the fund covers any price.
std::optional<double> adlThreshold(const Position& pos, double bp, double fund) noexcept {
  const double s = sign(pos.side), q = pos.quantity, cs = pos.contractSize;
  if (pos.contract == Contract::Linear) {
    const double threshold = bp - s * fund / (q * cs);
    return threshold > 0 ? std::optional<double>(threshold) : std::nullopt;
  }
  const double inv = 1 / bp + s * fund / (q * cs);
  return inv > 0 ? std::optional<double>(1 / inv) : std::nullopt;
}

/// The margin check after the partial order (slice 0 of `u`, whose fills sum to `weighted`).
PartialCheck partialCheck(const Position& pos, const Takeover& at, const UnwindSlice& first, double weighted,
                          const TierView* cross) noexcept {
  const double s = sign(pos.side), q = pos.quantity, cs = pos.contractSize;
  PartialCheck c;
  c.equity0 = s * q * cs * (at.lp - at.bp);
  c.slippage = s * cs * (first.quantity * at.lp - weighted);
  c.equity1 = c.equity0 - c.slippage;
  c.remaining = q - first.quantity;
  c.cross = cross != nullptr;
  if (cross == nullptr) {
    c.maintenance1 = c.equity0 * c.remaining / q;
  } else {  // cross: the account's maintenance, this position's part on the tier of what is left
    const std::size_t row = detail::rowAt(cross->model.tiersOf(cross->model.legs[cross->leg]), cross->measure * c.remaining / q);
    c.maintenance1 = c.equity0 - maintenanceOf(*cross, 1, cross->row, at.lp) + maintenanceOf(*cross, c.remaining / q, row, at.lp);
  }
  c.next = c.equity1 > c.maintenance1 ? PartialNext::Kept
           : c.equity1 < kHyperliquidBackstopShare * c.maintenance1 ? PartialNext::Backstop
                                                                    : PartialNext::Cooldown;
  return c;
}

/// The step down as it runs.
struct StepDown {
  TierView view;
  UnwindStepDown how = UnwindStepDown::LowerTierAssumed;
  double equity0 = 0, maintenance0 = 0;  ///< E_0 at LP (s·Q·CS·(LP − BP) or s·Q·CS·(1/BP − 1/LP)), MM(Q) at LP
  double equity = 0, held = 0;
  std::size_t row = 0;
  StepDownCheck pending;  ///< the order in flight
};

/// The next order: down to the cap of the tier one (or two) below.
StepDownCheck nextStepOrder(const StepDown& d, double q) {
  StepDownCheck c;
  c.fromRow = d.row;
  c.toRow = d.how == UnwindStepDown::TwoTiersAssumed && d.row >= 2 ? d.row - 2 : d.row - 1;
  c.before = d.held;
  c.notional = d.view.measure * d.held / q;
  c.measure = d.view.measure;
  c.cap = d.view.model.tiersOf(d.view.model.legs[d.view.leg])[c.toRow].cap;
  c.ordered = d.held - q * c.cap / d.view.measure;
  return c;
}

StepDown startStepDown(const Scenario& sc, const UnwindRequest& r, const Takeover& at) {
  const Position& pos = sc.positions[r.position];
  StepDown d{tierView(sc, r.position, at.lp), r.stepDown};
  const double s = sign(pos.side), q = pos.quantity, cs = pos.contractSize;
  d.equity0 = pos.contract == Contract::Linear ? s * q * cs * (at.lp - at.bp) : s * q * cs * (1 / at.bp - 1 / at.lp);
  d.maintenance0 = maintenanceOf(d.view, 1, d.view.row, at.lp);
  d.equity = d.equity0;
  d.held = q;
  d.row = d.view.row;
  d.pending = nextStepOrder(d, q);
  return d;
}

/// The check after the order in flight filled `slice` (its fills sum to `weighted`).
StepDownCheck afterStepOrder(StepDown& d, const Position& pos, double lp, const UnwindSlice& slice, double weighted) {
  const double s = sign(pos.side), q = pos.quantity, cs = pos.contractSize;
  StepDownCheck c = d.pending;
  c.filled = slice.quantity;
  c.slippage = pos.contract == Contract::Linear ? s * cs * (c.filled * lp - weighted) : s * cs * (weighted - c.filled / lp);
  c.equity = d.equity = d.equity - c.slippage;
  c.remaining = d.held = d.held - c.filled;
  c.row = d.row =
      slice.carried > 0 ? detail::rowAt(d.view.model.tiersOf(d.view.model.legs[d.view.leg]), d.view.measure * d.held / q) : c.toRow;
  c.maintenance = d.equity0 - d.maintenance0 + maintenanceOf(d.view, d.held / q, c.row, lp);
  c.next = c.equity > c.maintenance ? StepNext::Kept : (c.row > 0 && c.filled > 0 ? StepNext::Again : StepNext::Close);
  return c;
}

/// What the walk does after a partial order: the next orders it appends to `plan`, and whether the rest
/// goes to the backstop.
void afterPartial(const Position& pos, const Takeover& at, std::optional<StepDown>& sd, const TierView* cross,
                  double sliceWeighted, std::vector<double>& plan, std::size_t& partialCount, bool& backstop,
                  UnwindResult& u, UnwindTrace* trace) {
  if (sd) {
    const StepDownCheck c = afterStepOrder(*sd, pos, at.lp, u.slices.back(), sliceWeighted);
    if (trace) trace->stepDowns.push_back(c);
    if (c.next == StepNext::Kept) {
      u.remaining = c.remaining;
    } else if (c.next == StepNext::Again) {
      sd->pending = nextStepOrder(*sd, pos.quantity);
      plan.push_back(sd->pending.ordered);
      ++partialCount;
    } else {
      plan.push_back(c.remaining);
    }
    return;
  }
  const PartialCheck check = partialCheck(pos, at, u.slices.front(), sliceWeighted, cross);
  if (trace) trace->partial = check;
  if (check.next == PartialNext::Kept) u.remaining = check.remaining;
  else plan.push_back(check.remaining);
  backstop = u.backstop = check.next == PartialNext::Backstop;
}

/// The unwind of a valid request, numbers only; `trace` (when given) collects what explain() needs.
UnwindResult walk(const Scenario& sc, const UnwindRequest& r, const Takeover& at, UnwindTrace* trace) {
  const Position& pos = sc.positions[r.position];
  const bool linear = pos.contract == Contract::Linear;
  const double q = pos.quantity, cs = pos.contractSize, fund = r.insuranceFund;
  UnwindResult u;
  u.quantity = q;
  u.liquidationPrice = at.lp;
  u.bankruptcyPrice = at.bp;
  u.depthModel = r.book.empty();
  const PartialWhy why = partialWhy(sc, r, at.lp);
  u.partialLiquidation = why == PartialWhy::Applied || why == PartialWhy::StepDown;
  std::optional<StepDown> sd;
  if (why == PartialWhy::StepDown) sd = startStepDown(sc, r, at);
  std::optional<TierView> cross;
  if (why == PartialWhy::Applied && r.mode == MarginMode::Cross) cross = tierView(sc, r.position, at.lp);
  Book book = bookFor(r, at.lp, pos.side == Side::Long);
  // The partial orders first; between them (a cooldown, a step down) the depth they took does not come back.
  std::vector<double> plan = sd ? std::vector<double>{sd->pending.ordered}
                             : u.partialLiquidation ? std::vector<double>{kHyperliquidPartialShare * q}
                                                    : slicePlan(r, q);
  if (u.partialLiquidation) book.recovery = 0;
  Totals t{fund, fund, 0, 0, kFundTolerance * (linear ? q * cs * at.bp : q * cs / at.bp)};
  FillLimit lim{at.bp, sign(pos.side), cs, t.tolerance, linear, pos.side == Side::Long,
                r.order == UnwindOrder::IocAtBankruptcy, fund, false};
  u.slices.reserve(plan.size());
  std::vector<Fill> fills;
  bool backstop = false;
  std::size_t partialCount = u.partialLiquidation ? 1 : 0;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (i > 0 && book.recovery > 0)
      for (std::size_t j = 0; j < book.touched; ++j) book.missing[j] *= 1 - book.recovery;
    double sliceWeighted = 0;
    fills.clear();
    const bool capSeen = trace && trace->cap;
    UnwindSlice slice;
    if (backstop) {  // the vault takes the rest over at BP: no fill
      slice.requested = slice.unfilled = plan[i];
    } else {
      slice = fillSlice(book, plan[i], lim, sliceWeighted, trace ? &fills : nullptr, trace ? &trace->cap : nullptr);
    }
    if (trace && trace->cap && !capSeen) trace->cap->slice = i;
    const bool partialOrder = i < partialCount;
    if (partialOrder) std::swap(slice.carried, slice.unfilled);  // what the book did not fill stays in the position
    settle(pos, lim, slice, sliceWeighted, u, t);
    if (!u.adlSlice && slice.adlQuantity > 0) u.adlSlice = i;
    u.slices.push_back(slice);
    if (trace) trace->fills.push_back(fills);
    if (partialOrder)
      afterPartial(pos, at, sd, cross ? &*cross : nullptr, sliceWeighted, plan, partialCount, backstop, u, trace);
  }
  u.stepDownOrders = sd ? partialCount : 0;
  u.insuranceFundChange = t.change;
  u.insuranceFundAfter = std::max(0.0, fund + t.change);
  u.autoDeleveraging = u.adlSlice.has_value();
  if (u.filled > 0) u.averagePrice = linear ? t.weighted / u.filled : u.filled / t.weighted;
  u.adlThresholdPrice = adlThreshold(pos, at.bp, fund);
  if (trace) {
    trace->weighted = t.weighted;
    trace->minRunning = t.minRunning;
    trace->tolerance = t.tolerance;
  }
  return u;
}

// ---- the explanation ----

/// "(q1×p1 + q2×p2) / Q" (linear) or "Q / (q1/p1 + q2/p2)" (inverse), the first few fills.
std::string averageText(const std::vector<Fill>& fills, std::size_t count, double filled, bool linear) {
  std::string terms;
  for (std::size_t i = 0; i < fills.size() && i < kFillTerms; ++i) {
    if (i > 0) terms += " + ";
    terms += n(fills[i].quantity) + (linear ? "×" : "/") + n(fills[i].price);
  }
  if (count > fills.size()) terms += " + … (" + std::to_string(count - fills.size()) + " more levels)";
  return linear ? "(" + terms + ") / " + n(filled) : n(filled) + " / (" + terms + ")";
}

/// The takeover prices and the book (or the depth model) the engine walks.
void explainBook(std::vector<Step>& steps, const Position& pos, const UnwindRequest& r, const UnwindResult& u) {
  const bool isLong = pos.side == Side::Long;
  const double lp = u.liquidationPrice, bp = u.bankruptcyPrice;
  detail::codedStep(steps, "unwind.takeover", {param("liquidationPrice", lp), Param{"mode", std::string(toString(r.mode))}},
            "liquidationPrice",
            "The engine takes the " + std::string(toString(pos.side)) + " over at its liquidation price (" +
                std::string(toString(r.mode)) + ") and walks the book from there",
            "LP", n(lp), lp);
  detail::codedStep(steps, "unwind.bankruptcyPrice", {param("bankruptcyPrice", bp)}, "bankruptcyPrice",
            "Bankruptcy price: the position's margin is used up here; the venues place the engine's order at it",
            "BP", n(bp), bp);
  if (u.depthModel) {
    const std::size_t count = isLong ? kModelLevelsLong : kModelLevelsShort;
    const double size = r.depthPerPercent / 10;
    detail::codedStep(steps, isLong ? "unwind.depthModelBids" : "unwind.depthModelAsks",
              {param("liquidationPrice", lp), param("depthPerPercent", r.depthPerPercent), param("levels", count)},
              "book",
              std::string("No book given: a depth model with a level every 0.1% ") + (isLong ? "below" : "above") +
                  " the liquidation price, " + n(size) + " contracts each, " + std::to_string(count) + " levels " +
                  (isLong ? "down to 0.1% of LP" : "up to 2×LP") + "; the fill worsens linearly",
              std::string("P_k = LP·(1 ") + (isLong ? "−" : "+") + " k/1000), size_k = D/10",
              "P_k = " + n(lp) + "·(1 " + (isLong ? "−" : "+") + " k/1000), size_k = " + n(r.depthPerPercent) +
                  "/10",
              size);
    return;
  }
  double depth = 0;
  for (const BookLevel& l : r.book) depth += l.size;
  detail::codedStep(steps, "unwind.book",
            {param("levels", r.book.size()), param("best", r.book.front().price), param("last", r.book.back().price)},
            "book",
            std::string("The book as given: ") + std::to_string(r.book.size()) + (isLong ? " bids" : " asks") +
                " from " + n(r.book.front().price) + " to " + n(r.book.back().price) + ", total depth (contracts)",
            "Σ size", n(depth), depth);
}

/// How the order is cut into slices.
void explainPlan(std::vector<Step>& steps, const UnwindRequest& r, const std::vector<double>& plan, double q) {
  const double f = r.style == UnwindStyle::Market ? 1.0 : r.replenishFraction;
  switch (r.style) {
    case UnwindStyle::Market:
      detail::codedStep(steps, "unwind.market", {param("quantity", q)}, "slices",
                "Market: one order for the whole position walks the book", "q_1 = Q", n(q), q);
      break;
    case UnwindStyle::Twap:
      detail::codedStep(steps, "unwind.twap", {param("quantity", q), param("slices", plan.size()), param("recovery", f)},
                "slices",
                "TWAP: " + std::to_string(plan.size()) + " equal slices; between slices a share " + n(f) +
                    " of the depth taken from each level comes back",
                "q_i = Q / N", n(q) + " / " + std::to_string(plan.size()), plan.front());
      break;
    case UnwindStyle::Iceberg:
      detail::codedStep(steps, "unwind.iceberg",
                {param("quantity", q), param("visibleSize", r.visibleSize), param("recovery", f)}, "slices",
                "Iceberg: " + std::to_string(plan.size()) + " slices of the visible size" +
                    (plan.size() > 1 && plan.back() != plan.front() ? " (the last one smaller)" : "") +
                    "; between slices a share " + n(f) + " of the depth taken from each level comes back",
                "N = ceil(Q / V)", "ceil(" + n(q) + " / " + n(r.visibleSize) + ")",
                static_cast<double>(plan.size()));
      break;
  }
}

/// "tier 3" for row 2 (rows are 0-based, the venues count tiers from 1).
std::string tierName(std::size_t row) { return "tier " + std::to_string(row + 1); }

/// One step-down order: from the tier held to the cap of the tier aimed at.
void explainStepOrder(std::vector<Step>& steps, const StepDownCheck& c, std::size_t order, double q, double measure) {
  detail::codedStep(steps, "unwind.stepDownOrder",
                    {param("order", order), param("fromTier", c.fromRow + 1), param("toTier", c.toRow + 1),
                     param("held", c.before), param("notional", c.notional), param("cap", c.cap)},
                    "stepDownOrders",
                    "Step-down order " + std::to_string(order) + ": " + n(c.before) + " contracts (tier notional " +
                        n(c.notional) + ", " + tierName(c.fromRow) + ") reduced to the cap of " + tierName(c.toRow) +
                        " (" + n(c.cap) + "), so its maintenance rate falls to that tier's; contracts sent to the book",
                    "q_j = R_j−1 − Q·cap / N(Q)", n(c.before) + " − " + n(q) + "×" + n(c.cap) + " / " + n(measure),
                    c.ordered);
}

/// The step down's start: its source and assumption, the equity and maintenance at the takeover, the first order.
void explainStepDownStart(std::vector<Step>& steps, const Scenario& sc, const UnwindRequest& r, const UnwindResult& u,
                          const UnwindTrace& trace) {
  if (trace.stepDowns.empty()) return;
  const Position& pos = sc.positions[r.position];
  const TierView v = tierView(sc, r.position, u.liquidationPrice);
  const bool two = r.stepDown == UnwindStepDown::TwoTiersAssumed;
  detail::codedStep(steps, two ? "unwind.stepDownTwo" : "unwind.stepDownOne", {param("tier", v.row + 1)},
                    "partialLiquidation",
                    std::string("The venue steps down its risk-limit tiers before closing the whole position (Binance: "
                                "an IOC to a lower bracket; Bybit, BitMEX: to the lower risk limit; OKX: by tiers). "
                                "Assumed here (request.stepDown): each order reduces the position to the cap of the ") +
                        (two ? "tier two below" : "next lower tier") +
                        ", as a market order through the book; the position is in this tier at the liquidation price",
                    "", "", static_cast<double>(v.row + 1));
  const bool linear = pos.contract == Contract::Linear;
  const double s = sign(pos.side), q = pos.quantity, cs = pos.contractSize, lp = u.liquidationPrice, bp = u.bankruptcyPrice;
  const double e0 = linear ? s * q * cs * (lp - bp) : s * q * cs * (1 / bp - 1 / lp);
  detail::codedStep(steps, linear ? "unwind.stepDownEquityLinear" : "unwind.stepDownEquityInverse",
                    {param("side", s), param("quantity", q), param("contractSize", cs), param("liquidationPrice", lp),
                     param("bankruptcyPrice", bp)},
                    "remaining",
                    std::string("Equity at the mark (the liquidation price) against the bankruptcy price: the ") +
                        (r.mode == MarginMode::Cross ? "account's maintenance margin there" : "position's maintenance margin there"),
                    linear ? "E_0 = s·Q·CS·(LP − BP)" : "E_0 = s·Q·CS·(1/BP − 1/LP)",
                    linear ? sn(s) + "×" + n(q) + "×" + n(cs) + "×(" + n(lp) + " − " + n(bp) + ")"
                           : sn(s) + "×" + n(q) + "×" + n(cs) + "×(1/" + n(bp) + " − 1/" + n(lp) + ")",
                    e0);
  detail::codedStep(steps, "unwind.stepDownMaintenance0", {param("tier", v.row + 1)}, "remaining",
                    "This position's maintenance margin at the liquidation price on its " + tierName(v.row),
                    "MM(Q) = N·MMR − amount", "", maintenanceOf(v, 1, v.row, lp));
  explainStepOrder(steps, trace.stepDowns.front(), 1, q, trace.stepDowns.front().measure);
}

/// After each step-down order: the equity left, the maintenance of what is left, and what follows.
void explainStepDownChecks(std::vector<Step>& steps, const Position& pos, const UnwindResult& u, const UnwindTrace& trace) {
  const bool linear = pos.contract == Contract::Linear;
  const double s = sign(pos.side), lp = u.liquidationPrice, q = pos.quantity;
  for (std::size_t j = 0; j < trace.stepDowns.size(); ++j) {
    const StepDownCheck& c = trace.stepDowns[j];
    const std::string order = std::to_string(j + 1);
    detail::codedStep(steps, linear ? "unwind.stepDownEquityAfterLinear" : "unwind.stepDownEquityAfterInverse",
                      {param("order", j + 1), param("filled", c.filled), param("side", s)}, "remaining",
                      "After step-down order " + order + ": equity left at the mark, less what its fills cost against it",
                      linear ? "E_j = E_j−1 − s·CS·(q·LP − Σ q·p)" : "E_j = E_j−1 − s·CS·(Σ q/p − q/LP)",
                      "slippage " + n(c.slippage) + " on " + n(c.filled) + " contracts at LP " + n(lp), c.equity);
    detail::codedStep(steps, "unwind.stepDownMaintenance", {param("order", j + 1), param("tier", c.row + 1)}, "remaining",
                      "Maintenance margin with " + n(c.remaining) + " contracts left (" + tierName(c.row) +
                          "): the others' (cross) and this position's on its new tier",
                      "MM_j = E_0 − MM(Q) + MM(R_j)", "", c.maintenance);
    const char* code = c.next == StepNext::Kept ? "unwind.stepDownKept"
                       : c.next == StepNext::Again ? "unwind.stepDownAgain" : "unwind.stepDownClose";
    const std::string label =
        c.next == StepNext::Kept ? "E_j > MM_j: the maintenance margin is met, the liquidation stops and the trader keeps the rest"
        : c.next == StepNext::Again ? "E_j ≤ MM_j: still liquidatable, so the next step down"
                                    : "E_j ≤ MM_j in the lowest tier (or nothing filled): the whole rest is liquidated";
    detail::codedStep(steps, code, {param("order", j + 1), param("equity", c.equity), param("maintenance", c.maintenance)},
                      "remaining", label, "R_j = R_j−1 − q_j filled", n(c.before) + " − " + n(c.filled), c.remaining);
    if (c.next == StepNext::Again && j + 1 < trace.stepDowns.size())
      explainStepOrder(steps, trace.stepDowns[j + 1], j + 2, q, trace.stepDowns[j + 1].measure);
  }
}

/// The venue's partial liquidation (request.partial Venue): the partial order, or why there is none.
void explainPartialOrder(std::vector<Step>& steps, const Scenario& sc, const UnwindRequest& r, const UnwindResult& u,
                         const UnwindTrace& trace) {
  const Position& pos = sc.positions[r.position];
  const PartialWhy why = partialWhy(sc, r, u.liquidationPrice);
  const double notional = pos.quantity * pos.contractSize * u.liquidationPrice;
  const std::string ntext = n(pos.quantity) + "×" + n(pos.contractSize) + "×" + n(u.liquidationPrice);
  switch (why) {
    case PartialWhy::NotAsked:
      return;
    case PartialWhy::Applied:
      detail::codedStep(steps, "unwind.partialOrder",
                        {param("quantity", pos.quantity), param("notional", notional),
                         param("threshold", kHyperliquidPartialNotional), param("share", kHyperliquidPartialShare)},
                        "partialLiquidation",
                        "Hyperliquid's partial liquidation: the notional at the liquidation price (" + n(notional) +
                            " USDC) is over 100,000, so only 20% of the position goes to the book as a market "
                            "liquidation order; the depth it takes does not come back within the 30 s cooldown",
                        "q_1 = 20%·Q when Q·CS·LP > 100,000", "0.2×" + n(pos.quantity),
                        kHyperliquidPartialShare * pos.quantity);
      return;
    case PartialWhy::StepDown:
      explainStepDownStart(steps, sc, r, u, trace);
      return;
    case PartialWhy::Small:
      detail::codedStep(steps, "unwind.partialSmall", {param("notional", notional), param("threshold", kHyperliquidPartialNotional)},
                        "partialLiquidation",
                        "Hyperliquid sends 20% first only for a position over 100,000 USDC notional: this one is "
                        "liquidated whole; its notional at the liquidation price",
                        "Q·CS·LP ≤ 100,000", ntext, notional);
      return;
    case PartialWhy::LowestTier:
      detail::codedStep(steps, "unwind.stepDownLowest", {}, "partialLiquidation",
                        "The position is in its lowest tier: there is no lower tier to step down to, so the whole "
                        "position is unwound",
                        "", "", std::nullopt);
      return;
    default: {
      const char* reason =
          why == PartialWhy::NoStepOption
              ? "No partial liquidation modelled for this venue without request.stepDown: Binance, Bybit, BitMEX and "
                "OKX reduce the position to a lower risk-limit tier first, but do not say by how much "
                "(request.stepDown 'lowerTierAssumed' or 'twoTiersAssumed' models it); the whole position is unwound"
          : why == PartialWhy::NoRule
              ? "No partial liquidation modelled for this venue: the whole position is unwound"
              : "Hyperliquid's partial liquidation is modelled for a linear (USDC) position; this one is unwound whole";
      detail::codedStep(steps, why == PartialWhy::Inverse ? "unwind.partialNotModelled" : "unwind.partialNoRule", {},
                        "partialLiquidation", reason, "", "", std::nullopt);
    }
  }
}

/// After the partial order: the equity left at the mark against the remaining position's maintenance margin.
void explainPartialCheck(std::vector<Step>& steps, const Position& pos, const UnwindResult& u, const UnwindTrace& trace) {
  if (!trace.partial) return;
  const PartialCheck& c = *trace.partial;
  const double s = sign(pos.side), q = pos.quantity, cs = pos.contractSize, lp = u.liquidationPrice;
  const UnwindSlice& first = u.slices.front();
  detail::codedStep(steps, "unwind.partialEquity",
                    {param("equity0", c.equity0), param("slippage", c.slippage), param("filled", first.quantity)},
                    "remaining",
                    "Equity left at the mark (the liquidation price) after the partial order: the maintenance margin "
                    "there, less what the fills below it cost",
                    "E_1 = s·Q·CS·(LP − BP) − s·CS·(q_1·LP − Σ q·p)",
                    sn(s) + "×" + n(q) + "×" + n(cs) + "×(" + n(lp) + " − " + n(u.bankruptcyPrice) + ") − " + sn(s) +
                        "×" + n(cs) + "×(" + n(first.quantity) + "×" + n(lp) + " − " + n(first.quantity * first.averagePrice) + ")",
                    c.equity1);
  if (c.cross)
    detail::codedStep(steps, "unwind.partialMaintenanceCross", {param("equity0", c.equity0), param("remaining", c.remaining)},
                      "remaining",
                      "Maintenance margin of the cross account after the partial order: the other positions' (E_0 less "
                      "this position's MM) and this position's on what is left",
                      "MM_1 = E_0 − MM(Q) + MM(Q − q_1)", "", c.maintenance1);
  else
    detail::codedStep(steps, "unwind.partialMaintenance", {param("equity0", c.equity0), param("remaining", c.remaining)},
                      "remaining", "Maintenance margin of the position left (the same rate at the same mark)",
                      "MM_1 = E_0·(Q − q_1)/Q", n(c.equity0) + "×" + n(c.remaining) + "/" + n(q), c.maintenance1);
  const char* code = c.next == PartialNext::Kept       ? "unwind.partialKept"
                     : c.next == PartialNext::Cooldown ? "unwind.partialCooldown"
                                                       : "unwind.partialBackstop";
  const std::string label =
      c.next == PartialNext::Kept
          ? "E_1 > MM_1: the maintenance margin is met, the liquidation stops and the trader keeps the rest"
      : c.next == PartialNext::Cooldown
          ? "MM_1·2/3 ≤ E_1 ≤ MM_1: still liquidatable within the 30 s cooldown, so the next market order is for "
            "the whole rest"
          : "E_1 < MM_1·2/3: the backstop liquidation: the liquidator vault (the fund here) takes the rest over "
            "at the bankruptcy price";
  detail::codedStep(steps, code, {param("equity1", c.equity1), param("maintenance1", c.maintenance1),
                                  param("remaining", c.remaining)},
                    "remaining", label, "R = Q − q_1", n(q) + " − " + n(first.quantity), c.remaining);
}

/// The first kSliceSteps slices and the last one, one step each; one line for those between.
void explainSlices(std::vector<Step>& steps, const UnwindResult& u, const UnwindTrace& trace, bool linear) {
  const std::size_t count = u.slices.size();
  for (std::size_t i = 0; i < count; ++i) {
    const UnwindSlice& slice = u.slices[i];
    const std::string name = "Slice " + std::to_string(i + 1);
    if (i == kSliceSteps && i + 1 != count) {
      detail::codedStep(steps, "unwind.sliceTable", {param("first", kSliceSteps + 1), param("last", count - 1)}, "slices",
                "Slices " + std::to_string(kSliceSteps + 1) + " to " + std::to_string(count - 1) +
                    ": in the slice table",
                "", "", std::nullopt);
    }
    if (i >= kSliceSteps && i + 1 != count) continue;
    if (slice.levels == 0) {
      detail::codedStep(steps, "unwind.sliceEmpty", {param("slice", i + 1), param("unfilled", slice.unfilled)}, "slices",
                name + ": nothing filled (no depth left, no level within the order's limit, or an empty fund); " +
                    n(slice.unfilled) + " contracts unfilled",
                "", "", std::nullopt);
      continue;
    }
    detail::codedStep(steps, linear ? "unwind.sliceLinear" : "unwind.sliceInverse",
              {param("slice", i + 1), param("quantity", slice.quantity), param("levels", slice.levels),
               param("worstPrice", slice.worstPrice), param("unfilled", slice.unfilled)},
              "slices",
              name + ": " + n(slice.quantity) + " contracts over " + std::to_string(slice.levels) +
                  (slice.levels == 1 ? " level" : " levels") + ", worst price " + n(slice.worstPrice) +
                  (slice.unfilled > 0 ? ", " + n(slice.unfilled) + " contracts unfilled" : "") +
                  "; average fill",
              linear ? "avg = Σ q·p / Σ q" : "avg = Σ q / Σ (q/p)",
              averageText(trace.fills[i], slice.levels, slice.quantity, linear), slice.averagePrice);
  }
}

/// The average fill, its edge over BP, the fund change and balance after.
void explainFund(std::vector<Step>& steps, const Position& pos, const UnwindRequest& r, const UnwindResult& u,
                 const UnwindTrace& trace) {
  const bool linear = pos.contract == Contract::Linear, isLong = pos.side == Side::Long;
  const double s = sign(pos.side), cs = pos.contractSize, bp = u.bankruptcyPrice, avg = u.averagePrice;
  const double change = u.insuranceFundChange;
  if (u.filled > 0) {
    const double edge = s * (avg - bp);
    detail::codedStep(steps, linear ? "unwind.averageLinear" : "unwind.averageInverse",
              {param("weighted", trace.weighted), param("filled", u.filled)}, "averagePrice",
              "Average fill of the unwind (" + n(u.filled) + " contracts)",
              linear ? "avg = Σ q·p / Σ q" : "avg = Σ q / Σ (q/p)",
              linear ? n(trace.weighted) + " / " + n(u.filled) : n(u.filled) + " / " + n(trace.weighted), avg);
    detail::codedStep(steps, "unwind.edge", {param("averagePrice", avg), param("bankruptcyPrice", bp)}, "averagePrice",
              std::string("Average fill against the bankruptcy price: ") +
                  (edge > 0 ? "better" : (edge < 0 ? "worse" : "exactly at it")) +
                  (edge != 0 ? std::string(" for the ") + (isLong ? "seller" : "buyer") + " by this much per unit"
                             : ""),
              isLong ? "avg − BP" : "BP − avg", isLong ? n(avg) + " − " + n(bp) : n(bp) + " − " + n(avg), edge);
  }
  const std::string unit = linear ? "quote" : "coin";
  const std::string head = sn(s) + "×" + n(u.filled) + "×" + n(cs);
  detail::codedStep(steps, linear ? "unwind.fundChangeLinear" : "unwind.fundChangeInverse",
            {param("side", s), param("filled", u.filled), param("contractSize", cs), param("averagePrice", avg),
             param("bankruptcyPrice", bp)},
            "insuranceFundChange",
            "Insurance fund change (" + unit + "): fills better than BP feed it, worse ones draw on it",
            linear ? "ΔF = s·Q_filled·CS·(avg − BP)" : "ΔF = s·Q_filled·CS·(1/BP − 1/avg)",
            linear ? head + "×(" + n(avg) + " − " + n(bp) + ")" : head + "×(1/" + n(bp) + " − 1/" + n(avg) + ")",
            change);
  if (u.unfilled > 0)
    detail::codedStep(steps, "unwind.unfilled", {param("quantity", u.quantity), param("filled", u.filled)}, "unfilled",
              "Contracts not filled in the book (no depth left, beyond the order's limit, or a fund that could not "
              "pay): each slice's rest is closed at BP",
              "Q − Q_filled", n(u.quantity) + " − " + n(u.filled), u.unfilled);
  detail::codedStep(steps, "unwind.fundAfter", {param("insuranceFund", r.insuranceFund), param("change", change)},
            "insuranceFundAfter",
            "Insurance fund after the unwind (" + unit + "; it never goes below zero: what it cannot pay goes to ADL)",
            "F_after = F + ΔF",
            n(r.insuranceFund) + " + " + sn(change), u.insuranceFundAfter);
}

/// Where ADL would start: the average fill at which the fund is used up.
void explainThreshold(std::vector<Step>& steps, const Position& pos, const UnwindRequest& r, const UnwindResult& u) {
  const bool linear = pos.contract == Contract::Linear, isLong = pos.side == Side::Long;
  const double s = sign(pos.side), q = pos.quantity, cs = pos.contractSize, bp = u.bankruptcyPrice;
  const double fund = r.insuranceFund;
  const std::string tail = sn(s) + "×" + n(fund) + " / (" + n(q) + "×" + n(cs) + ")";
  detail::codedStep(steps, u.adlThresholdPrice ? "unwind.adlThreshold" : "unwind.noAdlThreshold",
            {param("bankruptcyPrice", bp), param("side", s), param("insuranceFund", fund), param("quantity", q),
             param("contractSize", cs)},
            "adlThresholdPrice",
            u.adlThresholdPrice ? std::string("The fund is used up if the whole position's average fill is ") +
                                      (isLong ? "below" : "above") + " this price"
                                : "The fund covers any fill price: no threshold",
            linear ? "P* = BP − s·F / (Q·CS)" : "P* = 1 / (1/BP + s·F / (Q·CS))",
            linear ? n(bp) + " − " + tail : "1 / (1/" + n(bp) + " + " + tail + ")", u.adlThresholdPrice);
}

/// The liquidation order's convention: its limit (IOC at BP) or the fund paying fill by fill (the book).
void explainOrder(std::vector<Step>& steps, const Position& pos, const UnwindRequest& r, const UnwindResult& u,
                  const UnwindTrace& trace) {
  const bool isLong = pos.side == Side::Long, linear = pos.contract == Contract::Linear;
  const double bp = u.bankruptcyPrice;
  if (r.order == UnwindOrder::IocAtBankruptcy) {
    detail::codedStep(steps, isLong ? "unwind.iocLimitBids" : "unwind.iocLimitAsks", {param("bankruptcyPrice", bp)},
              "slices",
              std::string("The liquidation order is an immediate-or-cancel at the bankruptcy price (Binance, Bybit): "
                          "only ") + (isLong ? "bids at or above" : "asks at or below") +
                  " it fill, the fund never pays for a fill; the limit",
              "limit = BP", n(bp), bp);
    return;
  }
  detail::codedStep(steps, "unwind.orderBook", {param("bankruptcyPrice", bp), param("insuranceFund", r.insuranceFund)},
            "slices",
            "The liquidation order fills through the book (BitMEX): a fill worse than BP is taken only while the "
            "fund's running balance pays for it; the fund to start with",
            "F_0", n(r.insuranceFund), r.insuranceFund);
  if (!trace.cap) return;
  const FundCap& c = *trace.cap;
  const double s = sign(pos.side), cs = pos.contractSize;
  const std::string cost = linear ? sn(s) + "×" + n(cs) + "×(" + n(bp) + " − " + n(c.price) + ")"
                                  : sn(s) + "×" + n(cs) + "×(1/" + n(c.price) + " − 1/" + n(bp) + ")";
  detail::codedStep(steps, linear ? "unwind.fundCapLinear" : "unwind.fundCapInverse",
            {param("slice", c.slice + 1), param("price", c.price), param("balance", c.balance),
             param("bankruptcyPrice", bp), param("contractSize", cs), param("side", s)},
            "insuranceFundAfter",
            "Slice " + std::to_string(c.slice + 1) + ": at " + n(c.price) + " the fund (" + n(c.balance) +
                ") pays for only this many contracts, which bring it to exactly zero; the rest of the slice is "
                "not filled",
            linear ? "q = F / (s·CS·(BP − p))" : "q = F / (s·CS·(1/p − 1/BP))", n(c.balance) + " / (" + cost + ")",
            c.quantity);
}

/// The rest at BP: what the fund took over and what ADL closed.
void explainRest(std::vector<Step>& steps, const UnwindResult& u) {
  if (u.fundTakeover > 0)
    detail::codedStep(steps, "unwind.fundTakeover",
              {param("quantity", u.fundTakeover), param("bankruptcyPrice", u.bankruptcyPrice)}, "fundTakeover",
              "Contracts the insurance fund takes over at the bankruptcy price (" + n(u.bankruptcyPrice) +
                  "): its balance was above zero after their slice, so no ADL for them",
              "Σ rest_i where F_i > 0", "", u.fundTakeover);
  if (u.adlQuantity > 0)
    detail::codedStep(steps, "unwind.adlQuantity",
              {param("quantity", u.adlQuantity), param("bankruptcyPrice", u.bankruptcyPrice)}, "adlQuantity",
              "Contracts deleveraged at the bankruptcy price (" + n(u.bankruptcyPrice) +
                  ") against the most profitable opposite positions (ranked by profit and leverage): the fund was "
                  "empty after their slice",
              "Σ rest_i where F_i = 0", "", u.adlQuantity);
}

/// The verdict in words: whether and where ADL starts, and why.
void explainVerdict(std::vector<Step>& steps, const UnwindRequest& r, const UnwindResult& u,
                    const UnwindTrace& trace) {
  const double change = u.insuranceFundChange;
  std::string verdict;
  const char* code = "unwind.noAdlGain";
  if (u.adlSlice) {
    const bool fundCap = trace.cap && trace.cap->slice <= *u.adlSlice;
    code = fundCap ? "unwind.adlFund" : "unwind.adlBook";
    verdict = "ADL starts in slice " + std::to_string(*u.adlSlice + 1) + ": " +
              (fundCap ? "the insurance fund (" + n(r.insuranceFund) + ") is used up by fills worse than the "
                         "bankruptcy price"
                       : std::string("the order found no more fills at or better than the bankruptcy price and "
                                     "the fund is empty")) +
              "; " + n(u.adlQuantity) + " contracts are closed against opposite positions at the bankruptcy price";
  } else if (u.fundTakeover > 0) {
    code = "unwind.noAdlTakeover";
    verdict = "No ADL: the insurance fund takes over the " + n(u.fundTakeover) +
              " contracts left at the bankruptcy price and keeps " + n(u.insuranceFundAfter);
  } else if (change >= 0) {
    verdict = "No ADL: fills better than the bankruptcy price add " + n(change) + " to the fund";
  } else {
    code = "unwind.noAdlPaid";
    verdict = "No ADL: the fund pays " + n(-change) + " and keeps " + n(u.insuranceFundAfter);
  }
  detail::codedStep(steps, code,
            {param("adlQuantity", u.adlQuantity), param("fundTakeover", u.fundTakeover),
             param("minimumBalance", trace.minRunning), param("unfilled", u.unfilled)},
            "autoDeleveraging", verdict, "ADL if some rest_i > 0 with F_i = 0",
            "Q_ADL = " + n(u.adlQuantity) + ", Q_fund = " + n(u.fundTakeover),
            u.adlSlice ? std::optional<double>(static_cast<double>(*u.adlSlice + 1)) : std::nullopt);
}

}  // namespace

std::vector<InputError> validate(const Scenario& scenario, const UnwindRequest& request) {
  Checker c;
  check(scenario, request, c);
  return std::move(c.errors);
}

Result<UnwindResult> unwind(const Scenario& scenario, const UnwindRequest& request) {
  Result<UnwindResult> result;
  Checker c;
  const std::optional<Takeover> at = check(scenario, request, c);
  if (!at) {
    result.errors = std::move(c.errors);
    return result;
  }
  result.value = walk(scenario, request, *at, nullptr);
  return result;
}

void explain(const Scenario& scenario, const UnwindRequest& request, UnwindResult& result) {
  const Position& pos = scenario.positions[request.position];
  UnwindTrace trace;  // the same walk again, keeping the fills the steps write out
  walk(scenario, request, Takeover{result.liquidationPrice, result.bankruptcyPrice}, &trace);
  std::vector<Step>& steps = result.steps;
  steps.clear();
  explainBook(steps, pos, request, result);
  if (!result.partialLiquidation) explainPlan(steps, request, slicePlan(request, pos.quantity), pos.quantity);
  explainPartialOrder(steps, scenario, request, result, trace);
  explainOrder(steps, pos, request, result, trace);
  explainSlices(steps, result, trace, pos.contract == Contract::Linear);
  explainPartialCheck(steps, pos, result, trace);
  explainStepDownChecks(steps, pos, result, trace);
  explainFund(steps, pos, request, result, trace);
  explainRest(steps, result);
  explainThreshold(steps, pos, request, result);
  explainVerdict(steps, request, result, trace);
}

}  // namespace marginlab
