// SPDX-License-Identifier: MIT
// MarginLab: the reverse questions of margin by venue (venue_pm.h), each row of marginByVenue on its
// own: (a) the largest size of a new leg before the row's initial margin exceeds the equity the
// venue counts for it; (b) the move of the underlying (a fraction, down and up) at which the row's
// maintenance margin reaches the equity it counts for it (liquidation). Both are found by re-evaluating
// the whole account: bracketed on a fixed ladder, then polished by Brent's method to the tolerances
// below; a question with no answer in its range is null with a reason.
//
// Equity as each venue counts it: the account's collateral under the venue's shipped rule set
// (accountVenues(): Deribit cross, OKX multi-currency, Bybit unified, Binance unified; SPAN: each
// asset's own flat haircut), or the account's own `venue` set when it is of the same venue. The IM
// side counts the IM collateral (after IM haircuts), the MM side the MM collateral.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/account.h"
#include "marginlab/venue_pm.h"

namespace marginlab {

/// The ranges and tolerances of the answers (the d.ts and the README repeat them).
inline constexpr double kReverseMaxSize = 1e9;        ///< a new leg's size: at most this (contracts or options)
inline constexpr double kReverseMinSize = 1e-9;       ///< and at least this
inline constexpr double kReverseSizeTolerance = 1e-9; ///< relative to the size found
inline constexpr double kReverseMoveDown = -0.95;     ///< moves scanned: from 0 down to this
inline constexpr double kReverseMoveUp = 10;          ///< and from 0 up to this (+1000%)
inline constexpr double kReverseMoveTolerance = 1e-9; ///< absolute, in the move (a fraction)

/// A new position: exactly one of `future` and `option`. Its quantity is the first size tried (the
/// scale of the ladder); the answer replaces it.
struct NewLeg {
  std::optional<AccountFuture> future;
  std::optional<AccountOption> option;
};

struct VenueReverseRequest {
  MarginByVenueRequest margin;            ///< which venues and their options, as marginByVenue
  std::optional<NewLeg> newLeg;           ///< ask (a) for this leg
  std::optional<std::string> underlying;  ///< (b) moves this underlying only; default: every underlying together
};

/// One answer: a size or a move, or none with the reason.
struct ReverseAnswer {
  std::optional<double> value;
  std::optional<std::string> reason;
  double margin = 0;  ///< IM (a) or MM (b) at the answer, USD (none: at the range's end)
  double equity = 0;  ///< the equity the venue counts there, USD
};
struct LiquidationMove {
  ReverseAnswer down, up;
};

struct VenueReverse {
  std::string venue, kind;
  bool supported = true;
  std::optional<std::string> reason;
  double initialMargin = 0, maintenanceMargin = 0;  ///< today, USD
  double initialEquity = 0, maintenanceEquity = 0;  ///< the equity the venue counts today for each, USD
  std::optional<ReverseAnswer> maxNewLegSize;       ///< when the request has a newLeg
  LiquidationMove liquidationMove;
  std::size_t evaluations = 0;  ///< account re-evaluations spent on this row
};

struct VenueReverseResult {
  std::vector<VenueReverse> venues;
  std::vector<Step> steps;
};

/// Every row of marginByVenue(account, request.margin), with its reverse answers. Errors at their
/// paths: the account's, the request's ("request.asOf", "request.newLeg.future.side", "request.underlying").
Result<VenueReverseResult> venueReverse(const Account& account, const VenueReverseRequest& request = {});
/// The steps of a result: per row, each answer or why there is none. Writes only steps.
void explain(const VenueReverseRequest& request, VenueReverseResult& result);

/// The equity a venue counts for an account (IM side, MM side), USD; none with the reason when the
/// account cannot be evaluated under that venue's rules.
struct VenueEquity {
  double initial = 0, maintenance = 0;
};
Result<VenueEquity> venueEquity(const Account& account, std::string_view venue);
/// The account with `underlying` (or every underlying when empty) at (1 + move) times its price: the
/// futures' own marks and the collateral asset of the same name move with it.
Account movedAccount(const Account& account, double move, std::string_view underlying = {});

}  // namespace marginlab
