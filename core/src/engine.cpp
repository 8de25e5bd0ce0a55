// SPDX-License-Identifier: MIT
// MarginLab: how a liquidation engine unwinds a position it took over (VENUES.md 1.1, 2.1,
// 4.1 and MX-1, 6.1, 7.1, 8): fills walked through the book, the insurance fund, and ADL.
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

/// What explain() needs beyond the result: the first fills of each slice and the running totals.
struct UnwindTrace {
  std::vector<std::vector<Fill>> fills;  ///< per slice, its first kFillTerms fills
  double weighted = 0;    ///< Σ q·p (linear) or Σ q/p (inverse) over every fill
  double minRunning = 0;  ///< the lowest running fund balance
  double tolerance = 0;   ///< a balance above -tolerance is rounding, not a deficit
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

/// Fills one slice of `requested` contracts; adds Σ q·p (linear) or Σ q/p to `weighted`, and the
/// first fills to `fills` when given.
UnwindSlice fillSlice(Book& book, double requested, bool linear, double& weighted, std::vector<Fill>* fills) {
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
    const double take = std::min(left, available);
    if (take == available) {
      book.missing[j] = book.levels[j].size;
      if (f == 0 && j == book.firstOpen) ++book.firstOpen;
    } else {
      book.missing[j] += take;
    }
    left = take == left ? 0 : left - take;
    const double price = book.levels[j].price;
    if (fills != nullptr && slice.levels < kFillTerms) fills->push_back({take, price});
    ++slice.levels;
    slice.worstPrice = price;
    slice.quantity += take;
    weighted += linear ? take * price : take / price;
  }
  book.touched = std::max(book.touched, j);
  slice.unfilled = left;
  return slice;
}

/// Running totals over the slices.
struct Totals {
  double running = 0, minRunning = 0, weighted = 0, change = 0, tolerance = 0;
};

/// Books one slice: its average, its fund change, and the unwind's totals after it.
void settle(const Position& pos, double bp, UnwindSlice& slice, double sliceWeighted, UnwindResult& u,
            Totals& t) {
  const bool linear = pos.contract == Contract::Linear, isLong = pos.side == Side::Long;
  const double s = sign(pos.side), cs = pos.contractSize;
  // Per contract filled at p the fund gains s·CS·(p − BP) (linear) or s·CS·(1/BP − 1/p) (inverse).
  const double sliceChange = linear ? s * cs * (sliceWeighted - bp * slice.quantity)
                                    : s * cs * (slice.quantity / bp - sliceWeighted);
  if (slice.levels > 0) {
    slice.averagePrice = linear ? sliceWeighted / slice.quantity : slice.quantity / sliceWeighted;
    u.worstPrice = u.filled == 0 ? slice.worstPrice
                                 : (isLong ? std::min(u.worstPrice, slice.worstPrice)
                                           : std::max(u.worstPrice, slice.worstPrice));
  }
  slice.insuranceFundChange = sliceChange;
  t.running += sliceChange;
  slice.insuranceFundAfter = t.running;
  u.filled += slice.quantity;
  u.unfilled += slice.unfilled;
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

/// The unwind of a valid request, numbers only; `trace` (when given) collects what explain() needs.
UnwindResult walk(const Position& pos, const UnwindRequest& r, const Takeover& at, UnwindTrace* trace) {
  const bool linear = pos.contract == Contract::Linear;
  const double q = pos.quantity, cs = pos.contractSize, fund = r.insuranceFund;
  UnwindResult u;
  u.quantity = q;
  u.liquidationPrice = at.lp;
  u.bankruptcyPrice = at.bp;
  u.depthModel = r.book.empty();
  Book book = bookFor(r, at.lp, pos.side == Side::Long);
  const std::vector<double> plan = slicePlan(r, q);
  Totals t{fund, fund, 0, 0, kFundTolerance * (linear ? q * cs * at.bp : q * cs / at.bp)};
  u.slices.reserve(plan.size());
  std::vector<Fill> fills;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (i > 0 && book.recovery > 0)
      for (std::size_t j = 0; j < book.touched; ++j) book.missing[j] *= 1 - book.recovery;
    double sliceWeighted = 0;
    fills.clear();
    UnwindSlice slice = fillSlice(book, plan[i], linear, sliceWeighted, trace ? &fills : nullptr);
    settle(pos, at.bp, slice, sliceWeighted, u, t);
    if (!u.adlSlice && (t.running < -t.tolerance || slice.unfilled > 0)) u.adlSlice = i;
    u.slices.push_back(slice);
    if (trace) trace->fills.push_back(fills);
  }
  u.insuranceFundChange = t.change;
  u.insuranceFundAfter = fund + t.change;
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
                name + ": nothing filled, the book has no depth left; " + n(slice.unfilled) + " contracts unfilled",
                "", "", std::nullopt);
      continue;
    }
    detail::codedStep(steps, linear ? "unwind.sliceLinear" : "unwind.sliceInverse",
              {param("slice", i + 1), param("quantity", slice.quantity), param("levels", slice.levels),
               param("worstPrice", slice.worstPrice), param("unfilled", slice.unfilled)},
              "slices",
              name + ": " + n(slice.quantity) + " contracts over " + std::to_string(slice.levels) +
                  (slice.levels == 1 ? " level" : " levels") + ", worst price " + n(slice.worstPrice) +
                  (slice.unfilled > 0 ? ", " + n(slice.unfilled) + " contracts unfilled (no depth left)" : "") +
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
              "Contracts the book could not absorb: they are closed by ADL at BP, at no cost to the fund",
              "Q − Q_filled", n(u.quantity) + " − " + n(u.filled), u.unfilled);
  detail::codedStep(steps, "unwind.fundAfter", {param("insuranceFund", r.insuranceFund), param("change", change)},
            "insuranceFundAfter",
            "Insurance fund after the unwind (" + unit + "; below zero: the deficit ADL covers)", "F_after = F + ΔF",
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
            u.adlThresholdPrice ? std::string("ADL starts if the average fill is ") + (isLong ? "below" : "above") +
                                      " this price: the fund is used up there"
                                : "The fund covers any fill price: no threshold",
            linear ? "P* = BP − s·F / (Q·CS)" : "P* = 1 / (1/BP + s·F / (Q·CS))",
            linear ? n(bp) + " − " + tail : "1 / (1/" + n(bp) + " + " + tail + ")", u.adlThresholdPrice);
}

/// The verdict in words: whether and where ADL starts, and why.
void explainVerdict(std::vector<Step>& steps, const UnwindRequest& r, const UnwindResult& u,
                    const UnwindTrace& trace) {
  const double tolerance = trace.tolerance, change = u.insuranceFundChange;
  std::string verdict;
  const char* code = "unwind.noAdlGain";
  if (u.adlSlice) {
    const UnwindSlice& at = u.slices[*u.adlSlice];
    verdict = "ADL starts in slice " + std::to_string(*u.adlSlice + 1) + ": ";
    if (at.insuranceFundAfter >= -tolerance) {
      code = "unwind.adlBook";
      verdict += "the book ran out with " + n(at.unfilled) +
                 " contracts unfilled; they are closed against the most profitable opposite positions "
                 "(ranked by profit and leverage) at the bankruptcy price";
    } else {
      code = "unwind.adlFund";
      verdict += "the insurance fund (" + n(r.insuranceFund) + ") cannot cover the losses, its balance would fall to " +
                 n(at.insuranceFundAfter) +
                 "; the rest is closed against the most profitable opposite positions (ranked by profit and "
                 "leverage) at the bankruptcy price";
      if (at.unfilled > 0) verdict += "; " + n(at.unfilled) + " contracts of that slice also found no depth";
    }
    if (u.insuranceFundAfter >= -tolerance && trace.minRunning < -tolerance)
      verdict += " (later fills would bring the fund back to " + n(u.insuranceFundAfter) +
                 ", but an empty fund cannot pay in the meantime)";
  } else if (change >= 0) {
    verdict = "No ADL: fills better than the bankruptcy price add " + n(change) + " to the fund";
  } else {
    code = "unwind.noAdlPaid";
    verdict = "No ADL: the fund pays " + n(-change) + " and keeps " + n(u.insuranceFundAfter);
  }
  detail::codedStep(steps, code, {param("minimumBalance", trace.minRunning), param("unfilled", u.unfilled)},
            "autoDeleveraging", verdict, "ADL if min_i F_i < 0 or Q_unfilled > 0",
            "min F_i = " + n(trace.minRunning) + ", Q_unfilled = " + n(u.unfilled),
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
  result.value = walk(scenario.positions[request.position], request, *at, nullptr);
  return result;
}

void explain(const Scenario& scenario, const UnwindRequest& request, UnwindResult& result) {
  const Position& pos = scenario.positions[request.position];
  UnwindTrace trace;  // the same walk again, keeping the fills the steps write out
  walk(pos, request, Takeover{result.liquidationPrice, result.bankruptcyPrice}, &trace);
  std::vector<Step>& steps = result.steps;
  steps.clear();
  explainBook(steps, pos, request, result);
  explainPlan(steps, request, slicePlan(request, pos.quantity), pos.quantity);
  explainSlices(steps, result, trace, pos.contract == Contract::Linear);
  explainFund(steps, pos, request, result, trace);
  explainThreshold(steps, pos, request, result);
  explainVerdict(steps, request, result, trace);
}

}  // namespace marginlab
