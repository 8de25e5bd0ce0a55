// SPDX-License-Identifier: MIT
// MarginLab: the shipped unified-account rule sets (account.h AccountRules), each with its source and
// date as /work/shared/VENUES-PM.md reads them. Values VENUES-PM.md marks [UNVERIFIED] (or that are
// assumptions: another product's table, a reading of the venue's text) are added only on request.
#include <algorithm>
#include <utility>

#include "marginlab/account.h"
#include "account_internal.h"

namespace marginlab {

namespace {

using Bands = std::vector<CollateralBand>;

AccountRules generic() {
  return {.venue = AccountVenue::Generic, .source = "MarginLab: each asset's own flat haircut; ratio MM / collateral", .date = ""};
}

AccountRules binance(bool unverified) {
  // Thresholds: PM Pro FAQ 5e33af8e6ac04d57a1d0a3398e0a0752 [PUB]: reminder 150%, reduce-only 120%,
  // liquidation 105%. Margin loans: 10% MM at 3x (same page) [PUB].
  AccountRules r{.venue = AccountVenue::BinanceUnified,
                 .source = "Binance PM Pro FAQ 5e33af8e6ac04d57a1d0a3398e0a0752",
                 .date = "2024-11-06", .loanMaintenanceRate = 0.1, .warning = 1.5, .noNewOrders = 1.2, .liquidation = 1.05};
  if (unverified) {
    // [UNVERIFIED] for the unified account: the cross-margin BTC tiers (FAQ 4bec9126..., BPM-1) and the
    // classic PM ratio of unlisted assets, 0.1 (FAQ 146ac090..., 2022-04-18).
    r.collateral.push_back({.asset = "BTC", .byValue = true,
                            .bands = Bands{{0, 1}, {100e6, 0.975}, {120e6, 0.95}, {150e6, 0.9}, {180e6, 0.85}}});
    r.otherRatio = 0.1;
    r.source = "Binance FAQ 5e33af8e, 4bec9126 (unverified: BTC tiers, 0.1)";
  }
  return r;
}

AccountRules bybit(bool) {
  // Help "Key Terms and Formulas in UTA" and "Understanding Collateral Value Ratios in UTA" [PUB]:
  // liquidation at account MM rate 100%, IM rate 100% stops orders; the published illustrative
  // BTC tiers (units), USDT 1. Progressive application is [UNVERIFIED] (the page's case was cut off).
  return {.venue = AccountVenue::BybitUnified,
          .source = "Bybit help: UTA collateral value ratios (progressive unverified)",
          .date = "2025-09-18",
          .collateral = {{.asset = "BTC", .bands = Bands{{0, 0.98}, {10, 0.95}, {20, 0.9}, {30, 0.85}, {40, 0.8}, {50, 0}}},
                         {.asset = "USDT", .bands = Bands{{0, 1}}}},
          .noNewOrders = 1, .liquidation = 1};
}

AccountRules okx(bool) {
  // okx.com help 11951498951821 [PUB]: margin ratio = adjusted equity / MMR, liquidation at 100%,
  // warning 300%; BETH discount tiers after 2024-07-18 (press release, USD value) [PUB].
  return {.venue = AccountVenue::OkxMultiCurrency,
          .source = "OKX help 11951498951821; BETH tiers: OKX release 2024-07-18",
          .date = "2025-07-09",
          .collateral = {{.asset = "BETH", .byValue = true, .bands = Bands{{0, 0.95}, {2e6, 0.85}, {4e6, 0.5}, {8e6, 0}}}},
          .warning = 3, .liquidation = 1};
}

AccountRules deribit(bool unverified) {
  // Support 25944777203869 [PUB]: haircuts on IM; USDC 0, USDT 2%, USDe 5% [PUB-3P]; BTC, ETH 0
  // (pme/simulate) [PUB]. MM-side haircut: none is our reading [UNVERIFIED], so by default the MM side
  // counts the haircut too (the stricter choice).
  AccountRules r{.venue = AccountVenue::DeribitCross,
                 .source = "Deribit support 25944777203869; USDT, USDe haircuts third-party",
                 .date = "2024-06-17",
                 .collateral = {{.asset = "USDC", .bands = Bands{{0, 1}}}, {.asset = "USDT", .bands = Bands{{0, 0.98}}},
                                {.asset = "USDe", .bands = Bands{{0, 0.95}}}, {.asset = "BTC", .bands = Bands{{0, 1}}},
                                {.asset = "ETH", .bands = Bands{{0, 1}}}},
                 .noNewOrders = 1, .liquidation = 1};
  if (unverified) {
    r.haircutMaintenance = false;
    r.source = "Deribit support 25944777203869 (unverified: IM-only haircut)";
  }
  return r;
}

AccountRules hyperliquid(bool) {
  // USDC cross margin: USDC is the collateral, other assets count 0; liquidation when the
  // maintenance margin reaches the account value.
  return {.venue = AccountVenue::HyperliquidCross, .source = "Hyperliquid docs: USDC cross margin (USDC only)",
          .date = "2025-12-23", .collateral = {{.asset = "USDC", .bands = Bands{{0, 1}}}}, .otherRatio = 0.0,
          .noNewOrders = 1, .liquidation = 1};
}

}  // namespace

namespace detail {

namespace {

/// Bybit UTA cross margin of one short option of 1 coin, quote (help "Comparison of Spread
/// Strategies", VENUES-PM.md 3.1 [PUB]; BUA-1): U the underlying's price, mark and entry per coin,
/// OTM the out-of-the-money amount (call: max(K - U, 0); put: max(U - K, 0)):
/// MM = max(0.03 U, 0.03 mark) + mark + 0.2% U; IM = max(max(0.15 U - OTM, 0.10 U) + max(entry, mark), MM).
OptionsAccountPoint bybitShortOption(OptionType type, double strike, double u, double mark, double entry) {
  constexpr double kMmRate = 0.03, kFeeRate = 0.002, kImRate = 0.15, kImFloor = 0.10;
  const double otm = std::max(type == OptionType::Call ? strike - u : u - strike, 0.0);
  const double mm = std::max(kMmRate * u, kMmRate * mark) + mark + kFeeRate * u;
  const double im = std::max(std::max(kImRate * u - otm, kImFloor * u) + std::max(entry, mark), mm);
  return {.initialMargin = im, .maintenanceMargin = mm};
}

}  // namespace

OptionsAccountPoint bybitOptionsAt(const OptionsScenario& s, double price, std::vector<OptionsAccountPoint>* parts) {
  std::vector<OptionsAccountPoint> own;
  std::vector<OptionsAccountPoint>& v = parts ? *parts : own;
  optionsAccountAt(s, {}, price, v);  // version 2's PnL of each option, q s (mark - premium): its mark
  const double toQuote = s.settlement == Contract::Inverse ? price : 1;
  OptionsAccountPoint sum;
  for (std::size_t i = 0; i < s.options.size(); ++i) {
    const OptionPosition& o = s.options[i];
    OptionsAccountPoint& x = v[s.futures.size() + i];
    const double sign = o.side == Side::Long ? 1 : -1;
    const double mark = o.premium + x.equity / (sign * o.quantity);
    x = {.equity = -sign * o.quantity * o.premium};
    if (o.side == Side::Short) {
      const OptionsAccountPoint m = bybitShortOption(o.type, o.strike, price, mark * toQuote, o.premium * toQuote);
      x.initialMargin = o.quantity * m.initialMargin / toQuote;
      x.maintenanceMargin = o.quantity * m.maintenanceMargin / toQuote;
    }
    sum.equity += x.equity;
    sum.initialMargin += x.initialMargin;
    sum.maintenanceMargin += x.maintenanceMargin;
  }
  return sum;
}

}  // namespace detail

std::vector<AccountRules> accountVenues(bool unverified) {
  return {generic(), binance(unverified), bybit(unverified), okx(unverified), deribit(unverified), hyperliquid(unverified)};
}

}  // namespace marginlab
