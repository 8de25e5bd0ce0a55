// SPDX-License-Identifier: MIT
// MarginLab: the isolated liquidation batch: one model, one leg reused for every position.
#include "marginlab/batch.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>

#include "marginlab/check.h"
#include "marginlab/format.h"
#include "marginlab/profile.h"
#include "marginlab/tiers.h"
#include "marginlab/validate.h"
#include "model.h"

namespace marginlab {

namespace {
constexpr std::size_t kMaxErrors = 100;

/// The batch's tier table, flat, with what the closed-form walk needs. The walk solves
/// f(u) = M + pnl(u) - MM(u) = 0 piece by piece in the one direction where f can reach zero,
/// which is the case when f is monotone in u for the position's sign of pnl1: on every piece
/// the slope has that sign, and no jump at a tier cap goes the other way (continuous tables:
/// no jump). Otherwise the position takes the general walk of both directions.
struct FlatTable {
  std::size_t rows = 0;
  bool atEntry = false;
  std::array<double, kMaxTierRows> cap{}, rate{}, amount{};  ///< rate: with the fees the profile adds
  std::array<double, kMaxTierRows> maxLeverage{};
  bool monotoneRising = true;   ///< f rises with u when pnl1 > 0 (linear long, inverse short)
  bool monotoneFalling = true;  ///< f falls with u when pnl1 < 0 (linear short, inverse long)
};

FlatTable flatten(const std::vector<ResolvedTier>& tiers, const Profile& profile, double fee) {
  FlatTable t;
  t.rows = tiers.size();
  t.atEntry = profile.basis == MaintenanceBasis::AtEntry;
  const bool addFee = profile.feeInMaintenanceRate || profile.exitFeeInMaintenance;
  for (std::size_t i = 0; i < t.rows; ++i) {
    t.cap[i] = tiers[i].cap;
    t.rate[i] = tiers[i].rate + (addFee ? fee : 0.0);
    t.amount[i] = tiers[i].amount;
    t.maxLeverage[i] = tiers[i].maxLeverage;
  }
  if (t.atEntry) return t;  // maintenance is constant: f is a line with slope pnl1
  for (std::size_t i = 0; i < t.rows; ++i) {
    // Slopes k (1 - rate) > 0 and -k (1 + rate) < 0; a rate near 1 would leave the rising slope
    // too small for the closed form to round as the general walk does.
    if (!(t.rate[i] <= 0.5)) t.monotoneRising = false;
    if (i + 1 == t.rows) break;
    // f's jump going up through cap i: MM_i(cap) - MM_{i+1}(cap). Rounding of continuous
    // amounts (about 1e-16 of the cap) counts as none.
    const double jump = (t.rate[i] - t.rate[i + 1]) * t.cap[i] - t.amount[i] + t.amount[i + 1];
    const double tolerance = 1e-14 * t.cap[i];
    if (jump < -tolerance) t.monotoneRising = false;
    if (jump > tolerance) t.monotoneFalling = false;
  }
  return t;
}

/// The liquidation price in u of one isolated position marked at entry (`tier`: the row of its
/// entry notional), by the closed form on
/// each piece, walking from u0 toward the adverse side. NaN: not decided here (f <= 0 at entry,
/// or f not monotone), so the caller takes the general walk. 0: no price liquidates.
template <bool AtEntry>
inline double fastLiquidationU(const FlatTable& t, std::size_t tier, double e0, double k, double pnl0, double pnl1,
                               double u0, double entryNotional) noexcept {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if constexpr (AtEntry) {
    const double c0 = e0 + pnl0 - (entryNotional * t.rate[tier] - t.amount[tier]), c1 = pnl1;
    if (!(c0 + c1 * u0 > 0)) return kNaN;
    if (c1 > 0) return c0 <= 0 ? std::clamp(-c0 / c1, 0.0, u0) : 0.0;  // down to u = 0
    return std::max(-c0 / c1, u0);                                       // up to u = infinity
  }
  if (!(pnl1 > 0 ? t.monotoneRising : t.monotoneFalling)) return kNaN;
  // On each row's piece f = c0 + c1 u is zero at r = -c0 / c1; the row holds when the notional
  // k r lies in (previous cap, cap]. Otherwise the walk moves to the next row toward the adverse
  // side; a root on the wrong side of the piece's start means f jumped through zero at the cap.
  // The entry row first: most positions liquidate in it.
  double c0 = e0 + pnl0 + t.amount[tier], c1 = pnl1 - t.rate[tier] * k, r = -c0 / c1;
  if (pnl1 > 0) {  // f rises with u (c1 = k (1 - rate) > 0): down in u from u0
    if (!(r < u0)) return kNaN;  // f <= 0 at entry already
    for (;;) {
      if (tier == 0) return r > 0 ? r : 0.0;
      if (k * r > t.cap[tier - 1]) return r;
      --tier;
      c0 = e0 + pnl0 + t.amount[tier], c1 = pnl1 - t.rate[tier] * k, r = -c0 / c1;
      if (!(k * r < t.cap[tier])) return t.cap[tier] / k;  // f jumped through zero at the cap
    }
  }
  if (!(r > u0)) return kNaN;  // f falls with u (c1 < 0): up in u from u0
  for (;;) {
    if (tier + 1 == t.rows || k * r <= t.cap[tier]) return r;
    ++tier;
    c0 = e0 + pnl0 + t.amount[tier], c1 = pnl1 - t.rate[tier] * k, r = -c0 / c1;
    if (!(k * r > t.cap[tier - 1])) return t.cap[tier - 1] / k;
  }
}

/// One position by solveCrossing's walk of both directions (kept out of the flattened loop).
[[gnu::noinline]] double generalWalk(detail::Model& m, Position& p, double side, double quantity, double entryPrice,
                                     double leverage) {
  detail::Leg& leg = m.legs.front();
  p.side = side > 0 ? Side::Long : Side::Short;
  p.quantity = quantity;
  p.entryPrice = entryPrice;
  p.leverage = leverage;
  detail::fillLeg(m, p, leg);
  return detail::isolatedLiquidationPrice(m, leg, leg.isolatedMargin).value_or(0.0);
}

/// The batch's one pass: each position is checked (the common case builds no strings) and solved
/// by the closed form where it decides, else by the general walk. Returns the index of the first
/// position that fails a check (the caller lists the errors from there), or out.size().
/// Flattened: every call inside is inlined (the size-optimised wasm build would otherwise call
/// out for each comparison and array access). One instance: the contract and the maintenance basis are
/// branches the predictor learns (within noise of an instance per case, and 2.7 KB smaller in wasm).
[[gnu::flatten]] std::size_t solveAll(bool linear, detail::Model& m, const FlatTable& flat,
                                      std::span<const double> side,
                                      std::span<const double> quantity, std::span<const double> entryPrice,
                                      std::span<const double> leverage, std::span<double> out) {
  Position p = m.scenario->positions.front();
  const double contractSize = p.contractSize, feeShare = m.profile->feesInInitialMargin ? 2 * m.fee : 0.0;
  const double lastCap = flat.cap[flat.rows - 1];
  std::array<double, kMaxTierRows> leverageBound;  // the tier's maximum, up to rounding
  for (std::size_t j = 0; j < flat.rows; ++j) leverageBound[j] = flat.maxLeverage[j] * (1 + 1e-12);
  bool undecided = false;  // positions the closed form leaves to the general walk: NaN in out for now
  std::size_t firstBad = out.size();
  for (std::size_t i = 0; i < out.size(); ++i) {
    // fillLeg's terms, the same operations in the same order.
    const double s1 = side[i] > 0 ? 1.0 : -1.0, k = quantity[i] * contractSize, entry = entryPrice[i];
    const double entryNotional = linear ? k * entry : k / entry;
    std::size_t tier = 0;
    while (tier + 1 < flat.rows && !(entryNotional <= flat.cap[tier])) ++tier;
    const bool valid = (side[i] == 1 || side[i] == -1) && isValidPositive(quantity[i]) && isValidPositive(entry) &&
                       leverage[i] > 0 && leverage[i] <= 1000 && entryNotional <= lastCap &&
                       leverage[i] <= leverageBound[tier];
    if (!valid) {
      firstBad = i;
      break;
    }
    double margin = entryNotional / leverage[i];
    if (feeShare != 0) margin += feeShare * entryNotional;
    const double pnl1 = linear ? s1 * k : -s1 * k, pnl0 = linear ? -s1 * k * entry : s1 * entryNotional;
    const double u0 = linear ? entry : 1.0 / entry;
    const double u = flat.atEntry ? fastLiquidationU<true>(flat, tier, margin, k, pnl0, pnl1, u0, entryNotional)
                                  : fastLiquidationU<false>(flat, tier, margin, k, pnl0, pnl1, u0, entryNotional);
    const double price = linear ? u : 1.0 / u;
    out[i] = u > 0 && isValidPositive(price) ? price : u == u ? 0.0 : u;  // decided: a price or none (0)
    undecided |= u != u;
  }
  // The general walk, out of the hot loop (a call there would cost every position its registers).
  if (undecided) {
    for (std::size_t i = 0; i < firstBad; ++i)
      if (out[i] != out[i]) out[i] = generalWalk(m, p, side[i], quantity[i], entryPrice[i], leverage[i]);
  }
  return firstBad;
}

std::size_t solveBatch(detail::Model& m, const FlatTable& flat, std::span<const double> side,
                       std::span<const double> quantity, std::span<const double> entryPrice,
                       std::span<const double> leverage, std::span<double> out) {
  return solveAll(m.scenario->positions.front().contract == Contract::Linear, m, flat, side, quantity, entryPrice,
                  leverage, out);
}
/// The one-position scenario of a batch's request: its checks and its model.
Scenario batchScenario(const BatchRequest& request) {
  Scenario s{.rules = request.rules, .walletBalance = 0, .takerFeeRate = request.takerFeeRate};
  s.positions = {Position{.symbol = "BATCH", .contract = request.contract, .contractSize = request.contractSize,
                          .quantity = 1, .entryPrice = 1, .leverage = 1}};
  s.tiers["BATCH"] = request.tiers;
  return s;
}

/// Each position's margins by evaluate()'s functions (fillLeg, markTerms, positionMargins), its mark
/// its entry. A leverage validate() refuses (below the smallest magnitude; the liquidation batch takes
/// any > 0) is an error at its index, as validate() words it.
void marginsOf(const Scenario& s, std::span<const double> side, std::span<const double> quantity,
               std::span<const double> entryPrice, std::span<const double> leverage, const BatchMargins& out,
               Checker& c) {
  detail::Model m = detail::buildModel(s);
  Position p = s.positions.front();
  detail::Leg& leg = m.legs.front();
  for (std::size_t i = 0; i < leverage.size(); ++i) {
    if (!isValidPositive(leverage[i])) {
      if (c.errors.size() < kMaxErrors) c.positive("leverage[" + std::to_string(i) + "]", leverage[i]);
      continue;
    }
    p.side = side[i] > 0 ? Side::Long : Side::Short;
    p.quantity = quantity[i];
    p.entryPrice = entryPrice[i];
    p.leverage = leverage[i];
    detail::fillLeg(m, p, leg);
    const detail::PositionMargins margins = detail::positionMargins(leg, detail::markTerms(m, leg));
    out.initialMargin[i] = margins.initialMargin;
    out.maintenanceMargin[i] = margins.maintenanceMargin;
    out.maintenanceMarginRate[i] = margins.maintenanceMarginRate;
    out.tier[i] = margins.tier;
  }
}
}  // namespace

std::vector<InputError> isolatedMarginBatch(const BatchRequest& request, std::span<const double> side,
                                            std::span<const double> quantity, std::span<const double> entryPrice,
                                            std::span<const double> leverage, std::span<double> liquidationPrice,
                                            const BatchMargins& margins) {
  Checker c;
  const std::size_t count = liquidationPrice.size();
  for (const auto& [name, array] : {std::pair{"initialMargin", margins.initialMargin}, std::pair{"maintenanceMargin", margins.maintenanceMargin},
                                    std::pair{"maintenanceMarginRate", margins.maintenanceMarginRate}, std::pair{"tier", margins.tier}}) {
    if (array.size() != count)
      c.fail(name, "batchLength", {Param{"count", static_cast<double>(array.size())}, Param{"out", static_cast<double>(count)}});
  }
  if (!c.ok()) return c.errors;
  std::vector<InputError> errors = isolatedLiquidationBatch(request, side, quantity, entryPrice, leverage, liquidationPrice);
  if (!errors.empty()) return errors;
  // What validate() checks of a position and the liquidation batch does not, in validate()'s order:
  // the contract size, the leverage's magnitude, the rules' contracts.
  if (!isValidPositive(request.contractSize)) {
    c.positive("contractSize", request.contractSize);
    return c.errors;
  }
  const Scenario s = batchScenario(request);
  marginsOf(s, side, quantity, entryPrice, leverage, margins, c);
  if (c.ok() && request.contract == Contract::Inverse && profileFor(request.rules).linearOnly)
    c.fail("contract", "inverseUnsupported", {Param{"rules", std::string(toString(request.rules))}, Param{"asset", std::string("USDC")}});
  return c.errors;
}

std::vector<InputError> isolatedLiquidationBatch(const BatchRequest& request, std::span<const double> side,
                                                 std::span<const double> quantity, std::span<const double> entryPrice,
                                                 std::span<const double> leverage, std::span<double> out) {
  // The shared part is checked as a one-position scenario, so the rules are validate()'s.
  const Scenario s = batchScenario(request);
  Checker c;
  std::vector<InputError>& errors = c.errors;
  for (InputError& e : validate(s)) {
    if (e.path.rfind("positions[0]", 0) == 0) continue;  // the placeholder position's own checks
    if (e.path.rfind("tiers.BATCH", 0) == 0) e.path = "tiers" + e.path.substr(11);
    errors.push_back(std::move(e));
  }
  const std::size_t count = out.size();
  if (count > kMaxBatch)
    c.fail("out", "tooManyEntries", {Param{"count", static_cast<double>(count)}, Param{"limit", static_cast<double>(kMaxBatch)}});
  for (const auto& [name, array] : {std::pair{"side", side}, std::pair{"quantity", quantity}, std::pair{"entryPrice", entryPrice},
                                    std::pair{"leverage", leverage}}) {
    if (array.size() != count)
      c.fail(name, "batchLength", {Param{"count", static_cast<double>(array.size())}, Param{"out", static_cast<double>(count)}});
  }
  if (!errors.empty()) {
    if (errors.size() > kMaxErrors) errors.resize(kMaxErrors);  // a bad 64-row table gives up to 256
    return errors;
  }

  const Profile& profile = profileFor(request.rules);
  const std::vector<ResolvedTier> tiers = resolveTiers(request.tiers, profile);
  auto add = [&](std::string path, Rule rule, std::initializer_list<Param> params) {
    if (errors.size() < kMaxErrors) c.fail(std::move(path), rule, params);
  };
  detail::Model m = detail::buildModel(s);
  for (std::size_t i = solveBatch(m, flatten(tiers, profile, m.fee), side, quantity, entryPrice, leverage, out);
       i < count && errors.size() < kMaxErrors; ++i) {
    const double size = quantity[i] * request.contractSize;
    const double notional = request.contract == Contract::Linear ? size * entryPrice[i] : size / entryPrice[i];
    const bool valid = (side[i] == 1 || side[i] == -1) && isValidPositive(quantity[i]) && isValidPositive(entryPrice[i]) &&
                       leverage[i] > 0 && leverage[i] <= 1000 && notional <= tiers.back().cap &&
                       leverage[i] <= tiers[tierIndexAt(tiers, notional)].maxLeverage * (1 + 1e-12);
    if (valid) continue;  // the common case: no strings built
    const std::string at = "[" + std::to_string(i) + "]";
    if (side[i] != 1 && side[i] != -1) add("side" + at, "batchSide", {Param{"value", side[i]}});
    if (!isValidPositive(quantity[i])) add("quantity" + at, "batchQuantity", {Param{"value", quantity[i]}});
    if (!isValidPositive(entryPrice[i])) add("entryPrice" + at, "batchEntryPrice", {Param{"value", entryPrice[i]}});
    if (!(leverage[i] > 0 && leverage[i] <= 1000)) {
      add("leverage" + at, "batchLeverage", {Param{"value", leverage[i]}, Param{"limit", 1000.0}});
    } else if (isValidPositive(quantity[i]) && isValidPositive(entryPrice[i])) {
      if (notional > tiers.back().cap) {
        add("quantity" + at, "batchEntryAboveLastCap",
            {Param{"value", notional}, Param{"index", static_cast<double>(i)}, Param{"limit", tiers.back().cap}});
      } else if (leverage[i] > tiers[tierIndexAt(tiers, notional)].maxLeverage * (1 + 1e-12)) {
        add("leverage" + at, "leverageAboveTier",
            {Param{"value", leverage[i]}, Param{"limit", tiers[tierIndexAt(tiers, notional)].maxLeverage}, Param{"notional", notional}});
      }
    }
  }
  return errors;
}

}  // namespace marginlab
