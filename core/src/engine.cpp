// SPDX-License-Identifier: MIT
// MarginLab: how a liquidation engine unwinds a position it took over (VENUES.md 1.1, 2.1,
// 4.1 and MX-1, 6.1, 7.1, 8): fills walked through the book, the insurance fund, and ADL.
#include "marginlab/engine.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/validate.h"
#include "explain.h"

namespace marginlab {

namespace {

constexpr std::size_t kMaxLevels = 10'000;
constexpr std::size_t kMaxSlices = 10'000;
constexpr double kModelStep = 0.001;             ///< depth model: one level every 0.1% of LP
constexpr std::size_t kModelLevelsLong = 1000;   ///< k = 0..999: down to 0.1% of LP
constexpr std::size_t kModelLevelsShort = 1001;  ///< k = 0..1000: up to 2*LP
constexpr std::size_t kSliceSteps = 20;          ///< slices explained one by one; the table has all
constexpr std::size_t kFillTerms = 6;            ///< fills written out in one slice's step
constexpr double kPriceTolerance = 1e-12;  ///< relative: a level at LP rounded in the last bits
constexpr double kFundTolerance = 1e-9;    ///< of the notional at BP: rounding, not a deficit

using detail::n;
using detail::sn;

using detail::add;

struct Errors {
  std::vector<InputError> list;
  void add(std::string path, ErrorCode code, std::string message) {
    list.push_back({std::move(path), code, std::move(message)});
  }
  /// Finite, > 0 and within validate()'s magnitudes.
  bool positive(const std::string& path, double x) { return checkPositive(list, path, x); }
};

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

/// Request checks that need neither a price nor a valid scenario.
void checkRequest(const Scenario& s, const UnwindRequest& r, Errors& e) {
  const bool havePosition = r.position < s.positions.size();
  if (!havePosition) {
    e.add("request.position", ErrorCode::OutOfRange,
          "request.position (" + std::to_string(r.position) + ") must name one of the " +
              std::to_string(s.positions.size()) + " positions");
  }
  const Position* p = havePosition ? &s.positions[r.position] : nullptr;

  if (r.book.size() > kMaxLevels) {
    e.add("request.book", ErrorCode::TooMany,
          "request.book has " + std::to_string(r.book.size()) + " levels; at most " +
              std::to_string(kMaxLevels));
  } else {
    std::vector<bool> priceOk(r.book.size());
    for (std::size_t i = 0; i < r.book.size(); ++i) {
      priceOk[i] = e.positive(levelPath(i, "price"), r.book[i].price);
      e.positive(levelPath(i, "size"), r.book[i].size);
      if (p == nullptr || i == 0 || !priceOk[i] || !priceOk[i - 1]) continue;
      const bool isLong = p->side == Side::Long;
      const double prev = r.book[i - 1].price, here = r.book[i].price;
      if (isLong ? !(here < prev) : !(here > prev)) {
        e.add(levelPath(i, "price"), ErrorCode::Unsorted,
              levelPath(i, "price") + " (" + n(here) + ") must be " + (isLong ? "below" : "above") +
                  " the level before it (" + n(prev) + "): " +
                  (isLong ? "a long is sold into bids, best (highest) first"
                          : "a short is bought from asks, best (lowest) first"));
      }
    }
  }
  if (r.book.empty()) {
    if (e.positive("request.depthPerPercent", r.depthPerPercent) == false) {
      e.list.back().message += " (the book is empty, so the depth model needs it)";
    }
  }
  if (r.style == UnwindStyle::Twap && (r.slices < 1 || r.slices > kMaxSlices)) {
    e.add("request.slices", ErrorCode::OutOfRange,
          "request.slices (" + std::to_string(r.slices) + ") must be between 1 and " +
              std::to_string(kMaxSlices));
  }
  if (r.style == UnwindStyle::Iceberg && e.positive("request.visibleSize", r.visibleSize) &&
      p != nullptr && isValidPositive(p->quantity)) {
    const double count = icebergCount(p->quantity, r.visibleSize);
    if (count > static_cast<double>(kMaxSlices)) {
      e.add("request.visibleSize", ErrorCode::OutOfRange,
            "request.visibleSize (" + n(r.visibleSize) + ") would cut " + n(p->quantity) +
                " contracts into " + n(count) + " slices; at most " + std::to_string(kMaxSlices));
    }
  }
  if (r.style != UnwindStyle::Market) {
    const double f = r.replenishFraction;
    if (!isValidNumber(f)) {
      e.add("request.replenishFraction", ErrorCode::NotFinite,
            "request.replenishFraction must be a finite number");
    } else if (!(f >= 0 && f <= 1)) {
      e.add("request.replenishFraction", ErrorCode::OutOfRange,
            "request.replenishFraction (" + n(f) + ") must be between 0 and 1");
    }
  }
  const double fund = r.insuranceFund;
  if (!isValidNumber(fund)) {
    e.add("request.insuranceFund", ErrorCode::NotFinite,
          "request.insuranceFund must be a finite number");
  } else if (fund < 0) {
    e.add("request.insuranceFund", ErrorCode::Negative,
          "request.insuranceFund (" + n(fund) + ") must be >= 0");
  } else if (fund > kMaxMagnitude) {
    e.add("request.insuranceFund", ErrorCode::OutOfRange,
          "request.insuranceFund (" + n(fund) + ") must be <= " + n(kMaxMagnitude));
  }
}

struct Fill {
  double quantity = 0, price = 0;
};

/// "(q1×p1 + q2×p2) / Q" (linear) or "Q / (q1/p1 + q2/p2)" (inverse), the first few fills.
std::string averageText(const std::vector<Fill>& fills, std::size_t count, double filled,
                        bool linear) {
  std::string terms;
  for (std::size_t i = 0; i < fills.size() && i < kFillTerms; ++i) {
    if (i > 0) terms += " + ";
    terms += n(fills[i].quantity) + (linear ? "×" : "/") + n(fills[i].price);
  }
  if (count > fills.size())
    terms += " + … (" + std::to_string(count - fills.size()) + " more levels)";
  return linear ? "(" + terms + ") / " + n(filled) : n(filled) + " / (" + terms + ")";
}

}  // namespace

Result<UnwindResult> unwind(const Scenario& scenario, const UnwindRequest& request) {
  Result<UnwindResult> result;
  Errors e;
  checkRequest(scenario, request, e);
  const Report report = evaluate(scenario);
  e.list.insert(e.list.end(), report.errors.begin(), report.errors.end());
  if (!report.errors.empty() || request.position >= scenario.positions.size()) {
    result.errors = std::move(e.list);
    return result;
  }

  const Position& pos = scenario.positions[request.position];
  const Outcome& outcome = request.mode == MarginMode::Isolated ? *report.isolated : *report.cross;
  const PositionOutcome& po = outcome.positions[request.position];
  const std::string modeName(toString(request.mode));
  if (!po.liquidationPrice || !po.bankruptcyPrice) {
    e.add("request.position", ErrorCode::OutOfRange,
          "request.position (" + std::to_string(request.position) +
              "): no price liquidates this position in " + modeName +
              " mode, so there is nothing for the engine to take over");
    result.errors = std::move(e.list);
    return result;
  }
  const double lp = *po.liquidationPrice, bp = *po.bankruptcyPrice;
  const bool isLong = pos.side == Side::Long;
  const double s = sign(pos.side);
  for (std::size_t i = 0; i < request.book.size() && request.book.size() <= kMaxLevels; ++i) {
    const double price = request.book[i].price;
    if (!isValidPositive(price)) continue;
    if (isLong ? price > lp * (1 + kPriceTolerance) : price < lp * (1 - kPriceTolerance)) {
      e.add(levelPath(i, "price"), ErrorCode::OutOfRange,
            levelPath(i, "price") + " (" + n(price) + ") must be at or " +
                (isLong ? "below" : "above") + " the liquidation price " + n(lp) + ": the engine " +
                (isLong ? "sells into bids from the takeover price down"
                        : "buys asks from the takeover price up"));
    }
  }
  if (!e.list.empty()) {
    result.errors = std::move(e.list);
    return result;
  }

  const bool linear = pos.contract == Contract::Linear;
  const double q = pos.quantity, cs = pos.contractSize, fund = request.insuranceFund;
  const std::string unit = linear ? "quote" : "coin";
  UnwindResult u;
  u.quantity = q;
  u.liquidationPrice = lp;
  u.bankruptcyPrice = bp;
  std::vector<Step> steps;

  add(steps, "liquidationPrice",
      "The engine takes the " + std::string(toString(pos.side)) +
          " over at its liquidation price (" + modeName + ") and walks the book from there",
      "LP", n(lp), lp);
  add(steps, "bankruptcyPrice",
      "Bankruptcy price: the position's margin is used up here; the venues place the engine's "
      "order at it",
      "BP", n(bp), bp);

  // The book, or the depth model.
  std::vector<BookLevel> levels = request.book;
  if (levels.empty()) {
    u.depthModel = true;
    const std::size_t count = isLong ? kModelLevelsLong : kModelLevelsShort;
    const double size = request.depthPerPercent / 10;
    levels.reserve(count);
    for (std::size_t k = 0; k < count; ++k)
      levels.push_back({lp * (1 - s * kModelStep * static_cast<double>(k)), size});
    add(steps, "book",
        std::string("No book given: a depth model with a level every 0.1% ") +
            (isLong ? "below" : "above") + " the liquidation price, " + n(size) +
            " contracts each, " + std::to_string(count) + " levels " +
            (isLong ? "down to 0.1% of LP" : "up to 2×LP") + "; the fill worsens linearly",
        std::string("P_k = LP·(1 ") + (isLong ? "−" : "+") + " k/1000), size_k = D/10",
        "P_k = " + n(lp) + "·(1 " + (isLong ? "−" : "+") +
            " k/1000), size_k = " + n(request.depthPerPercent) + "/10",
        size);
  } else {
    double depth = 0;
    for (const BookLevel& l : levels) depth += l.size;
    add(steps, "book",
        std::string("The book as given: ") + std::to_string(levels.size()) +
            (isLong ? " bids" : " asks") + " from " + n(levels.front().price) + " to " +
            n(levels.back().price) + ", total depth (contracts)",
        "Σ size", n(depth), depth);
  }

  const std::vector<double> plan = slicePlan(request, q);
  const double f = request.style == UnwindStyle::Market ? 1.0 : request.replenishFraction;
  switch (request.style) {
    case UnwindStyle::Market:
      add(steps, "slices", "Market: one order for the whole position walks the book", "q_1 = Q",
          n(q), q);
      break;
    case UnwindStyle::Twap:
      add(steps, "slices",
          "TWAP: " + std::to_string(plan.size()) + " equal slices; between slices a share " + n(f) +
              " of the depth taken from each level comes back",
          "q_i = Q / N", n(q) + " / " + std::to_string(plan.size()), plan.front());
      break;
    case UnwindStyle::Iceberg:
      add(steps, "slices",
          "Iceberg: " + std::to_string(plan.size()) + " slices of the visible size" +
              (plan.size() > 1 && plan.back() != plan.front() ? " (the last one smaller)" : "") +
              "; between slices a share " + n(f) + " of the depth taken from each level comes back",
          "N = ceil(Q / V)", "ceil(" + n(q) + " / " + n(request.visibleSize) + ")",
          static_cast<double>(plan.size()));
      break;
  }

  const double tolerance = kFundTolerance * (linear ? q * cs * bp : q * cs / bp);
  std::vector<double> missing(levels.size(), 0.0);  // depth taken and not yet back, per level
  std::size_t firstOpen = 0;  // f = 0: every level before it is empty for good
  std::size_t touched = 0;    // levels [0, touched) have been traded
  double running = fund, minRunning = fund, weighted = 0, change = 0;
  std::vector<Fill> fills;
  u.slices.reserve(plan.size());
  for (std::size_t i = 0; i < plan.size(); ++i) {
    if (i > 0 && f > 0)
      for (std::size_t j = 0; j < touched; ++j) missing[j] *= 1 - f;
    UnwindSlice slice;
    slice.requested = plan[i];
    double left = plan[i], sliceWeighted = 0, sliceChange = 0;
    fills.clear();
    std::size_t j = f > 0 ? 0 : firstOpen;
    for (; j < levels.size() && left > 0; ++j) {
      const double available = levels[j].size - missing[j];
      if (!(available > 0)) {
        if (f == 0 && j == firstOpen) ++firstOpen;
        continue;
      }
      const double take = std::min(left, available);
      if (take == available) {
        missing[j] = levels[j].size;
        if (f == 0 && j == firstOpen) ++firstOpen;
      } else {
        missing[j] += take;
      }
      left = take == left ? 0 : left - take;
      const double price = levels[j].price;
      if (slice.levels < kFillTerms) fills.push_back({take, price});
      ++slice.levels;
      slice.worstPrice = price;
      slice.quantity += take;
      sliceWeighted += linear ? take * price : take / price;
    }
    touched = std::max(touched, j);
    slice.unfilled = left;
    // Per contract filled at p the fund gains s·CS·(p − BP) (linear) or s·CS·(1/BP − 1/p)
    // (inverse).
    sliceChange = linear ? s * cs * (sliceWeighted - bp * slice.quantity)
                         : s * cs * (slice.quantity / bp - sliceWeighted);
    if (slice.levels > 0) {
      slice.averagePrice = linear ? sliceWeighted / slice.quantity : slice.quantity / sliceWeighted;
      u.worstPrice = u.filled == 0 ? slice.worstPrice
                                   : (isLong ? std::min(u.worstPrice, slice.worstPrice)
                                             : std::max(u.worstPrice, slice.worstPrice));
    }
    slice.insuranceFundChange = sliceChange;
    running += sliceChange;
    slice.insuranceFundAfter = running;
    u.filled += slice.quantity;
    u.unfilled += left;
    weighted += sliceWeighted;
    change += sliceChange;
    minRunning = std::min(minRunning, running);
    if (!u.adlSlice && (running < -tolerance || left > 0)) u.adlSlice = i;
    u.slices.push_back(slice);

    const std::string name = "Slice " + std::to_string(i + 1);
    if (i < kSliceSteps || i + 1 == plan.size()) {
      if (slice.levels == 0) {
        add(steps, "slices",
            name + ": nothing filled, the book has no depth left; " + n(left) +
                " contracts unfilled",
            "", "", std::nullopt);
      } else {
        add(steps, "slices",
            name + ": " + n(slice.quantity) + " contracts over " + std::to_string(slice.levels) +
                (slice.levels == 1 ? " level" : " levels") + ", worst price " +
                n(slice.worstPrice) +
                (left > 0 ? ", " + n(left) + " contracts unfilled (no depth left)" : "") +
                "; average fill",
            linear ? "avg = Σ q·p / Σ q" : "avg = Σ q / Σ (q/p)",
            averageText(fills, slice.levels, slice.quantity, linear), slice.averagePrice);
      }
    } else if (i == kSliceSteps) {
      add(steps, "slices",
          "Slices " + std::to_string(kSliceSteps + 1) + " to " + std::to_string(plan.size() - 1) +
              ": in the slice table",
          "", "", std::nullopt);
    }
  }
  u.insuranceFundChange = change;
  u.insuranceFundAfter = fund + change;
  u.autoDeleveraging = u.adlSlice.has_value();
  if (u.filled > 0) u.averagePrice = linear ? weighted / u.filled : u.filled / weighted;

  // The average against the bankruptcy price, and what it does to the fund.
  if (u.filled > 0) {
    const double edge = s * (u.averagePrice - bp);
    add(steps, "averagePrice", "Average fill of the unwind (" + n(u.filled) + " contracts)",
        linear ? "avg = Σ q·p / Σ q" : "avg = Σ q / Σ (q/p)",
        linear ? n(weighted) + " / " + n(u.filled) : n(u.filled) + " / " + n(weighted),
        u.averagePrice);
    add(steps, "averagePrice",
        std::string("Average fill against the bankruptcy price: ") +
            (edge > 0 ? "better" : (edge < 0 ? "worse" : "exactly at it")) +
            (edge != 0 ? std::string(" for the ") + (isLong ? "seller" : "buyer") +
                             " by this much per unit"
                       : ""),
        isLong ? "avg − BP" : "BP − avg",
        isLong ? n(u.averagePrice) + " − " + n(bp) : n(bp) + " − " + n(u.averagePrice), edge);
  }
  add(steps, "insuranceFundChange",
      "Insurance fund change (" + unit + "): fills better than BP feed it, worse ones draw on it",
      linear ? "ΔF = s·Q_filled·CS·(avg − BP)" : "ΔF = s·Q_filled·CS·(1/BP − 1/avg)",
      linear
          ? sn(s) + "×" + n(u.filled) + "×" + n(cs) + "×(" + n(u.averagePrice) + " − " + n(bp) + ")"
          : sn(s) + "×" + n(u.filled) + "×" + n(cs) + "×(1/" + n(bp) + " − 1/" + n(u.averagePrice) +
                ")",
      change);
  if (u.unfilled > 0) {
    add(steps, "unfilled",
        "Contracts the book could not absorb: they are closed by ADL at BP, at no cost to the fund",
        "Q − Q_filled", n(q) + " − " + n(u.filled), u.unfilled);
  }
  add(steps, "insuranceFundAfter",
      "Insurance fund after the unwind (" + unit + "; below zero: the deficit ADL covers)",
      "F_after = F + ΔF", n(fund) + " + " + sn(change), u.insuranceFundAfter);

  // Where ADL would start: the average fill at which the fund is used up.
  if (linear) {
    const double threshold = bp - s * fund / (q * cs);
    if (threshold > 0) u.adlThresholdPrice = threshold;
    add(steps, "adlThresholdPrice",
        u.adlThresholdPrice
            ? std::string("ADL starts if the average fill is ") + (isLong ? "below" : "above") +
                  " this price: the fund is used up there"
            : "The fund covers any fill price: no threshold",
        "P* = BP − s·F / (Q·CS)",
        n(bp) + " − " + sn(s) + "×" + n(fund) + " / (" + n(q) + "×" + n(cs) + ")",
        u.adlThresholdPrice);
  } else {
    const double inv = 1 / bp + s * fund / (q * cs);
    if (inv > 0) u.adlThresholdPrice = 1 / inv;
    add(steps, "adlThresholdPrice",
        u.adlThresholdPrice
            ? std::string("ADL starts if the average fill is ") + (isLong ? "below" : "above") +
                  " this price: the fund is used up there"
            : "The fund covers any fill price: no threshold",
        "P* = 1 / (1/BP + s·F / (Q·CS))",
        "1 / (1/" + n(bp) + " + " + sn(s) + "×" + n(fund) + " / (" + n(q) + "×" + n(cs) + "))",
        u.adlThresholdPrice);
  }
  u.steps = std::move(steps);

  // The verdict in words.
  std::string verdict;
  if (u.adlSlice) {
    const UnwindSlice& at = u.slices[*u.adlSlice];
    verdict = "ADL starts in slice " + std::to_string(*u.adlSlice + 1) + ": ";
    if (at.insuranceFundAfter >= -tolerance) {
      verdict +=
          "the book ran out with " + n(at.unfilled) +
          " contracts unfilled; they are closed against the most profitable opposite positions "
          "(ranked by profit and leverage) at the bankruptcy price";
    } else {
      verdict += "the insurance fund (" + n(fund) +
                 ") cannot cover the losses, its balance would fall to " +
                 n(at.insuranceFundAfter) +
                 "; the rest is closed against the most profitable opposite positions (ranked by "
                 "profit and "
                 "leverage) at the bankruptcy price";
      if (at.unfilled > 0)
        verdict += "; " + n(at.unfilled) + " contracts of that slice also found no depth";
    }
    if (u.insuranceFundAfter >= -tolerance && minRunning < -tolerance)
      verdict += " (later fills would bring the fund back to " + n(u.insuranceFundAfter) +
                 ", but an empty fund cannot pay in the meantime)";
  } else if (change >= 0) {
    verdict = "No ADL: fills better than the bankruptcy price add " + n(change) + " to the fund";
  } else {
    verdict = "No ADL: the fund pays " + n(-change) + " and keeps " + n(u.insuranceFundAfter);
  }
  add(u.steps, "autoDeleveraging", verdict, "ADL if min_i F_i < 0 or Q_unfilled > 0",
      "min F_i = " + n(minRunning) + ", Q_unfilled = " + n(u.unfilled),
      u.adlSlice ? std::optional<double>(static_cast<double>(*u.adlSlice + 1)) : std::nullopt);
  result.value = std::move(u);
  return result;
}

}  // namespace marginlab
