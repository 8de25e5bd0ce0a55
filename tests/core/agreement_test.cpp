// SPDX-License-Identifier: MIT
// Agreement between evaluate(), sweepEquity() and the what-if tools on the same scenarios (the
// seeded generator of generator.h). Each check is one the tools document: whatif.h "each builds
// the changed scenario and evaluates it, so its numbers are evaluate()'s numbers", sweep.h "the
// account equity (as AccountOutcome::equity defines it)", stress.h's shocks and funding "at the
// mark". Exact where the same arithmetic runs on the same numbers; otherwise the tolerance and
// its reason are stated at the check. A failure prints the seed index and the scenario.
#include "generator.h"

using namespace mltest;

namespace {

/// The size of the terms an account's equity and maintenance are sums of, in one outcome
/// (settlement asset): wallet, margins, |PnL|, maintenance and notional of every position.
/// Two sums of these terms in different orders, or at prices a few ulps apart, agree to ~1e-15
/// of it; the checks allow 1e-9 of it ("1e-9 relative to the amounts").
double termScale(const Scenario& s, const Outcome& o) {
  double scale = std::abs(s.walletBalance);
  for (const PositionOutcome& p : o.positions)
    scale += std::abs(p.margin) + std::abs(p.unrealizedPnl) + p.maintenanceMargin + p.notional + p.initialMargin;
  return scale;
}

const Outcome& outcomeOf(const Report& r, SweepMode mode) {
  switch (mode) {
    case SweepMode::Isolated: return *r.isolated;
    case SweepMode::Cross: return *r.cross;
    case SweepMode::AsGiven: return r.asGiven ? *r.asGiven : *r.cross;  // no marginMode: every position cross
  }
  return *r.cross;
}

double sweepAt(const Scenario& s, SweepMode mode, std::size_t k, double price) {
  const std::vector<double> prices{price};
  std::vector<double> out(1);
  const auto errors = sweepEquity(s, SweepRequest{.mode = mode, .position = k}, prices, out);
  REQUIRE(errors.empty());
  return out[0];
}

/// The mark of `symbol` in the scenario.
double markOf(const Scenario& s, const std::string& symbol) {
  for (const Position& p : s.positions)
    if (p.symbol == symbol) return p.mark();
  return 0;
}

}  // namespace

TEST_CASE("agreement: sweepEquity at the mark is evaluate()'s account equity, in every mode", "[agreement][sweep]") {
  // sweep.h: out[i] is AccountOutcome::equity with the symbol's mark at prices[i]. At the mark
  // nothing moves, so it is evaluate()'s equity of the same outcome (as given: every position
  // without a marginMode is cross). The two add the same terms in another order: 1e-12 of the
  // amounts (termScale), far below any price effect.
  int checked = 0;
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    const Report r = evaluateOk(s);
    for (std::size_t k = 0; k < s.positions.size(); ++k) {
      for (SweepMode mode : {SweepMode::Isolated, SweepMode::Cross, SweepMode::AsGiven}) {
        const Outcome& o = outcomeOf(r, mode);
        const double swept = sweepAt(s, mode, k, s.positions[k].mark());
        INFO("scenario " << i << ", position " << k << ", mode " << static_cast<int>(mode) << "\n"
                         << describe(s) << "sweep " << swept << ", evaluate " << o.account.equity);
        CHECK(std::abs(swept - o.account.equity) <= 1e-12 * termScale(s, o));
        ++checked;
      }
    }
  }
  CHECK(checked > 2000);
}

TEST_CASE("agreement: at evaluate()'s liquidation price, swept equity equals maintenance", "[agreement][sweep]") {
  // A cross liquidation price solves W + Σ uPnL = Σ MM for the whole account (the other symbols
  // held at their marks), so sweepEquity (cross) at LP, which moves the same symbol, equals the
  // account's maintenance margin that evaluate() reports with the symbol marked at LP. For a
  // one-position scenario the isolated LP solves M + uPnL = MM, and the isolated sweep at LP is
  // that pool plus the rest of the wallet, W - M.
  // Only where LP is a crossing (distance > 0, not "already past": then LP is the mark), and not
  // bybit-uta (its reported MM adds the fee to close, which liquidation leaves out, and it counts
  // extra isolated margin net of a fee; VENUES.md BY-4). Every generated table has continuous
  // maintenance, so there is no jump at a tier cap. Tolerance: 1e-9 relative to the amounts
  // (termScale at LP): LP itself is rounded, which moves equity - MM by its slope times a few
  // ulps of LP, ~1e-15 of the notional.
  int cross = 0, isolated = 0;
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    if (s.rules == Rules::BybitUta) continue;
    const Report r = evaluateOk(s);
    for (std::size_t k = 0; k < s.positions.size(); ++k) {
      const std::string& symbol = s.positions[k].symbol;
      // In cross the symbol's positions move together: the group's liquidation price can lie on
      // this position's favourable side, which marginToTarget does not take as a target.
      const PositionOutcome& c = r.cross->positions[k];
      const bool adverse = c.liquidationPrice && (s.positions[k].side == Side::Long ? *c.liquidationPrice < s.positions[k].mark()
                                                                                    : *c.liquidationPrice > s.positions[k].mark());
      if (adverse && *c.distanceToLiquidation > 0) {
        const double lp = *c.liquidationPrice;
        const Report at = evaluateOk(markedAt(s, symbol, lp));
        const double equity = sweepAt(s, SweepMode::Cross, k, lp);
        const double mm = at.cross->account.maintenanceMargin;
        INFO("scenario " << i << ", position " << k << ", cross LP " << lp << "\n"
                         << describe(s) << "swept equity " << equity << ", maintenance " << mm);
        CHECK(std::abs(equity - mm) <= 1e-9 * termScale(s, *at.cross));
        ++cross;
      }
      const PositionOutcome& o = r.isolated->positions[k];
      if (s.positions.size() == 1 && o.liquidationPrice && *o.distanceToLiquidation > 0) {
        const double lp = *o.liquidationPrice;
        const Report at = evaluateOk(markedAt(s, symbol, lp));
        const double pool = sweepAt(s, SweepMode::Isolated, k, lp) - (s.walletBalance - o.margin);
        const double mm = at.isolated->positions[0].maintenanceMargin;
        INFO("scenario " << i << ", isolated LP " << lp << "\n" << describe(s) << "pool " << pool << ", MM " << mm);
        CHECK(std::abs(pool - mm) <= 1e-9 * termScale(s, *at.isolated));
        ++isolated;
      }
    }
  }
  CHECK(cross > 300);
  CHECK(isolated > 50);
}

TEST_CASE("agreement: what-ifs that change nothing give evaluate()'s numbers", "[agreement][whatif][stress]") {
  // fundingImpact at rate 0 pays nothing: its liquidation prices are evaluate()'s, exactly (the
  // changed scenario holds the same margin and wallet). stressGrid with a 0 shock moves no mark:
  // each cell is evaluate()'s account, exactly. marginToTarget with the target at evaluate()'s
  // own liquidation price needs no margin: when it reports the target exact, the margin (or
  // wallet) to add is 0 up to the rounding of the requirement MM(T) - uPnL(T), a difference of
  // terms of the size of the notional: 1e-9 of the amounts (termScale). For a position alone in
  // its symbol on a continuous table (every generated one) the isolated target is always exact.
  int margins = 0, wallets = 0;
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    const Report r = evaluateOk(s);
    for (std::size_t k = 0; k < s.positions.size(); ++k) {
      INFO("scenario " << i << ", position " << k << "\n" << describe(s));
      const auto f = fundingImpact(s, k, 0.0, 10);
      REQUIRE(f);
      CHECK(f.value->totalPayment == 0);
      CHECK(f.value->liquidationPrice.isolated == r.isolated->positions[k].liquidationPrice);
      CHECK(f.value->liquidationPrice.cross == r.cross->positions[k].liquidationPrice);
      CHECK(f.value->liquidationPriceBefore.isolated == r.isolated->positions[k].liquidationPrice);

      const PositionOutcome& o = r.isolated->positions[k];
      if (o.liquidationPrice && *o.distanceToLiquidation > 0) {
        const auto m = marginToTarget(s, k, *o.liquidationPrice);
        REQUIRE(m);
        INFO("isolated LP " << *o.liquidationPrice << ", margin to add " << m.value->toAdd.isolated);
        CHECK(m.value->exact.isolated);
        CHECK(std::abs(m.value->toAdd.isolated) <= 1e-9 * termScale(s, *r.isolated));
        ++margins;
      }
      // In cross the symbol's positions move together: the group's liquidation price can lie on
      // this position's favourable side, which marginToTarget does not take as a target.
      const PositionOutcome& c = r.cross->positions[k];
      const bool adverse = c.liquidationPrice && (s.positions[k].side == Side::Long ? *c.liquidationPrice < s.positions[k].mark()
                                                                                    : *c.liquidationPrice > s.positions[k].mark());
      if (adverse && *c.distanceToLiquidation > 0) {
        const auto m = marginToTarget(s, k, *c.liquidationPrice);
        REQUIRE(m);
        if (m.value->exact.cross) {
          INFO("cross LP " << *c.liquidationPrice << ", wallet to add " << m.value->toAdd.cross);
          CHECK(std::abs(m.value->toAdd.cross) <= 1e-9 * termScale(s, *r.cross));
          ++wallets;
        }
      }
    }
    const auto g = stressGrid(s, StressRequest{.shocks = {0.0}});
    REQUIRE(g);
    REQUIRE(g.value->cells.size() == 1);
    const StressCell& cell = g.value->cells[0];
    INFO("scenario " << i << "\n" << describe(s));
    CHECK(cell.equity.isolated == r.isolated->account.equity);
    CHECK(cell.equity.cross == r.cross->account.equity);
    CHECK(cell.marginRatio.isolated == r.isolated->account.marginRatio);
    CHECK(cell.marginRatio.cross == r.cross->account.marginRatio);
    for (std::size_t k = 0; k < s.positions.size(); ++k) {
      const auto& d = r.cross->positions[k].distanceToLiquidation;
      CHECK(cell.liquidated.cross[k] == (d && *d <= 0));
    }
  }
  CHECK(margins > 300);
  CHECK(wallets > 200);
}

TEST_CASE("agreement: adding to the account is evaluate() of the scenario with the change", "[agreement][whatif]") {
  // whatif.h: the tools evaluate the changed scenario, so their numbers are evaluate()'s of it:
  // - sizeFromStop's liquidation price is that of the new position appended (with the symbol's
  //   mark), exactly;
  // - adjustPosition adding at the mark is the position grown to Q + dQ at the average entry
  //   (orders.h averageEntry), its given isolated margin grown by the new part's initial margin,
  //   exactly;
  // - maxOpenSize (cross) opens: the position appended at the mark is valid, and the cross
  //   available balance falls by its initial margin (1e-9 of the amounts: IM is recomputed from
  //   Q x CS x P instead of N / L).
  int stops = 0, adds = 0, opens = 0;
  Generator g(kSeed + 2);
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    const Report r = evaluateOk(s);
    const Position& first = s.positions[0];
    const double mark = first.mark();
    const Side side = g.chance(0.5) ? Side::Long : Side::Short;
    INFO("scenario " << i << "\n" << describe(s));

    for (MarginMode mode : {MarginMode::Isolated, MarginMode::Cross}) {
      const StopSizeRequest req{.symbol = first.symbol, .contract = first.contract, .contractSize = first.contractSize,
                                .side = side, .entryPrice = mark, .stopPrice = side == Side::Long ? mark * 0.95 : mark * 1.05,
                                .riskFraction = 0.01, .leverage = 1, .mode = mode};
      const auto stop = sizeFromStop(s, req);
      if (!stop || !(stop.value->quantity >= kMinMagnitude)) continue;  // e.g. past the last tier's cap
      Scenario next = s;
      next.positions.push_back(Position{.symbol = first.symbol, .contract = first.contract,
                                        .contractSize = first.contractSize, .side = side,
                                        .quantity = stop.value->quantity, .entryPrice = mark, .markPrice = mark,
                                        .leverage = 1});
      const Report after = evaluateOk(next);
      const Outcome& o = mode == MarginMode::Cross ? *after.cross : *after.isolated;
      CHECK(o.positions.back().liquidationPrice == stop.value->liquidationPrice);
      ++stops;
    }

    const std::size_t k = static_cast<std::size_t>(g.integer(0, static_cast<int>(s.positions.size()) - 1));
    const Position& p = s.positions[k];
    const double delta = p.quantity * g.uniform(0.05, 0.3);
    const auto adjusted = adjustPosition(s, AdjustRequest{.position = k, .price = p.mark(), .quantityDelta = delta});
    if (adjusted) {
      Scenario expected = s;
      Position& e = expected.positions[k];
      const Fill fills[] = {{p.quantity, p.entryPrice}, {delta, p.mark()}};
      e.quantity = p.quantity + delta;
      e.entryPrice = averageEntry(p.contract, fills);
      e.markPrice = p.mark();
      if (p.isolatedMargin) {
        const double notional = p.contract == Contract::Linear ? delta * p.contractSize * p.mark()
                                                               : delta * p.contractSize / p.mark();
        const Profile& profile = profileFor(s.rules);
        const double fee = s.takerFeeRate.value_or(profile.defaultTakerFeeRate);
        e.isolatedMargin = *p.isolatedMargin + notional * (1 / p.leverage + (profile.feesInInitialMargin ? 2 * fee : 0.0));
      }
      // The taker fee to open comes out of the wallet (bitmex: reserved in the IM instead).
      const Profile& profile = profileFor(s.rules);
      const double openFee = profile.feesInInitialMargin ? 0.0 : s.takerFeeRate.value_or(profile.defaultTakerFeeRate);
      expected.walletBalance -= (p.contract == Contract::Linear ? delta * p.contractSize * p.mark()
                                                                 : delta * p.contractSize / p.mark()) * openFee;
      const Report want = evaluateOk(expected);
      const Report& got = adjusted.value->report;
      REQUIRE(got.errors.empty());
      CHECK(adjusted.value->entryPrice == e.entryPrice);
      CHECK(adjusted.value->scenario.walletBalance == expected.walletBalance);
      for (std::size_t j = 0; j < s.positions.size(); ++j) {
        CHECK(got.isolated->positions[j].liquidationPrice == want.isolated->positions[j].liquidationPrice);
        CHECK(got.cross->positions[j].liquidationPrice == want.cross->positions[j].liquidationPrice);
        CHECK(got.isolated->positions[j].margin == want.isolated->positions[j].margin);
      }
      CHECK(got.cross->account.equity == want.cross->account.equity);
      ++adds;
    }

    const auto open = maxOpenSize(s, MaxOpenRequest{.symbol = p.symbol, .contract = p.contract,
                                                    .contractSize = p.contractSize, .side = side,
                                                    .price = markOf(s, p.symbol), .leverage = 1});
    REQUIRE(open);
    // The order opens a position of its own (no other side to close first; at the mark, no open
    // loss): the available balance falls by its initial margin and the fee the wallet pays.
    if (open.value->quantity >= kMinMagnitude && open.value->closingQuantity == 0) {
      Scenario next = s;
      next.walletBalance -= open.value->fee;
      next.positions.push_back(Position{.symbol = p.symbol, .contract = p.contract, .contractSize = p.contractSize,
                                        .side = side, .quantity = open.value->quantity,
                                        .entryPrice = markOf(s, p.symbol), .markPrice = markOf(s, p.symbol),
                                        .leverage = 1});
      const Report after = evaluateOk(next);
      const double before = r.cross->account.availableBalance;
      INFO("max open " << open.value->quantity << ", IM " << open.value->initialMargin << ", available " << before
                       << " -> " << after.cross->account.availableBalance);
      CHECK(std::abs(after.cross->account.availableBalance - (before - open.value->initialMargin - open.value->fee)) <=
            1e-9 * termScale(next, *after.cross));
      ++opens;
    }
  }
  CHECK(stops > 300);
  CHECK(adds > 200);
  CHECK(opens > 150);
}

TEST_CASE("agreement: targetPrice inverts evaluate()'s PnL and ROE", "[agreement][whatif]") {
  // whatif.h: targetPrice gives the mark at which the position's PnL (or ROE) is the target. Take
  // the PnL and ROE evaluate() reports with the symbol marked at P0 (0.5 to 1.5 times the mark):
  // targetPrice returns P0. Tolerance 1e-9 relative: P = EP + PnL / (s q) (inverse: through 1/P)
  // loses a few ulps of max(EP, P0) / P0, below 1e-14 here.
  Generator g(kSeed + 3);
  int checked = 0;
  for (std::size_t i = 0; i < scenarios().size(); ++i) {
    const Scenario& s = scenarios()[i];
    const std::size_t k = static_cast<std::size_t>(g.integer(0, static_cast<int>(s.positions.size()) - 1));
    const double p0 = s.positions[k].mark() * g.uniform(0.5, 1.5);
    const Report at = evaluateOk(markedAt(s, s.positions[k].symbol, p0));
    const PositionOutcome& o = at.cross->positions[k];
    for (const auto& [kind, target] : {std::pair{TargetKind::Pnl, o.unrealizedPnl}, std::pair{TargetKind::Roe, o.roe}}) {
      const auto t = targetPrice(s, k, kind, target);
      REQUIRE(t);
      INFO("scenario " << i << ", position " << k << ", P0 " << p0 << ", target " << target << "\n" << describe(s));
      REQUIRE(t.value->price);
      CHECK(closeRel(*t.value->price, p0, 1e-9));
      ++checked;
    }
  }
  CHECK(checked == 2 * kScenarios);
}
