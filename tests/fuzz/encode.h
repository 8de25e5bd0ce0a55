// SPDX-License-Identifier: MIT
// The fuzzer's byte format: a Scenario and the tools' parameters, read by the fuzzer and
// written by fuzz_seeds from ordinary structs. One schema per struct, run by a Reader (bytes ->
// fields) or a Writer (fields -> bytes), so the two directions cannot drift apart.
//
// Numbers are tagged (tag byte % 8): 0 raw IEEE bits (NaN, Inf, denormals...), 1 a special value
// from kSpecials, 2 an int16, 3 int16 x 10^int8, 4 ref x (1 + int16/2^14), 5 ref moved by
// int8 ulps, 6 ref x 2^(int8/8), 7 exactly ref. `ref` is a value near which a field is
// interesting (a position's mark for a price, the continuity amount for a tier row), so short
// inputs reach valid scenarios and the edges around them. Past the end, every byte reads 0.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/account_fields.h"
#include "marginlab/venue_pm_fields.h"
#include "marginlab/fields.h"
#include "marginlab/marginlab.h"

namespace mlfuzz {

using namespace marginlab;

inline constexpr std::size_t kFuzzPositions = 16;  ///< most positions one input spells out
inline constexpr std::size_t kFuzzTables = 4;      ///< most custom tier tables
inline constexpr std::size_t kFuzzSymbols = 8;     ///< symbols whose marks Refs keeps

/// Symbols that select shipped tables or collide with each other; index = the byte.
inline const std::vector<std::string>& symbolTable() {
  static const std::vector<std::string> t = {"BTCUSDT", "ETHUSDT", "BTC",     "ETH",    "SOL", "BTC-USD",
                                             "ETH-USD", "XBTUSD",  "BTCUSD",  "AAA",    "BBB", "BTCUSD_PERP",
                                             "",        " BTC",    "BATCH"};
  return t;
}

/// Values at the edges of what validate() accepts, and beyond.
inline const std::vector<double>& specials() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  static const std::vector<double> v = {0.0,
                                        -0.0,
                                        1.0,
                                        -1.0,
                                        0.5,
                                        std::numeric_limits<double>::quiet_NaN(),
                                        inf,
                                        -inf,
                                        kMinMagnitude,
                                        kMaxMagnitude,
                                        std::nextafter(kMinMagnitude, 0.0),
                                        std::nextafter(kMaxMagnitude, inf),
                                        std::numeric_limits<double>::denorm_min(),
                                        std::numeric_limits<double>::min(),
                                        std::numeric_limits<double>::max(),
                                        -std::numeric_limits<double>::max(),
                                        1e-300,
                                        1e30,
                                        kMaxMagnitude * kMaxMagnitude,
                                        2.0,
                                        10.0,
                                        100.0,
                                        125.0,
                                        1000.0,
                                        1001.0,
                                        0.1,
                                        std::nextafter(0.1, 0.0),
                                        1e-12,
                                        -1e-9,
                                        1e7,
                                        1e12,
                                        0.005};
  return v;
}

/// Reference values the parameter schema measures against, taken from the decoded scenario and
/// its report (so the Reader and the Writer compute the same ones).
struct Refs {
  double mark = 100, entry = 100, quantity = 1, initialMargin = 1, wallet = 1;
  double isolatedLiquidation = 90, crossLiquidation = 90;  ///< or the mark when absent
  std::vector<double> symbolMarks;                        ///< per symbol, first appearance order
};

inline bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  static constexpr bool kReading = true;

  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  void raw(void* out, std::size_t n) {
    auto* o = static_cast<std::uint8_t*>(out);
    for (std::size_t i = 0; i < n; ++i) o[i] = byte();
  }
  void flag(bool& b) { b = byte() & 1; }
  /// True only for one byte value: a rarely taken branch (e.g. 1001 positions).
  void rare(bool& b) { b = byte() == 0xA5; }
  void count(std::size_t& n, std::size_t max) { n = byte() % (max + 1); }
  template <class E>
  void choice(E& e, int values) {
    e = static_cast<E>(byte() % values);
  }
  template <class E>
  void optChoice(std::optional<E>& e, int values) {
    bool present;
    flag(present);
    E v{};
    choice(v, values);
    e = present ? std::optional<E>(v) : std::nullopt;
  }
  /// An unsigned size: one byte below 0xF0, else four more bytes.
  void size(std::size_t& n) {
    const std::uint8_t b = byte();
    if (b < 0xF0) {
      n = b;
      return;
    }
    std::uint32_t v;
    raw(&v, 4);
    n = v;
  }
  void integer(int& x) {
    std::size_t n;
    size(n);
    x = static_cast<int>(static_cast<std::int32_t>(static_cast<std::uint32_t>(n)));
  }
  void u64(std::uint64_t& x) { raw(&x, 8); }
  void num(double& x, double ref = 1) {
    const std::uint8_t tag = byte() % 8;
    switch (tag) {
      case 0: raw(&x, 8); break;
      case 1: x = specials()[byte() % specials().size()]; break;
      case 2: x = i16(); break;
      case 3: {
        const double m = i16();
        const int e = std::clamp(static_cast<int>(static_cast<std::int8_t>(byte())), -40, 40);
        x = m * std::pow(10.0, e);
        break;
      }
      case 4: x = ref * (1 + i16() / 16384.0); break;
      case 5: {
        const int k = std::clamp(static_cast<int>(static_cast<std::int8_t>(byte())), -16, 16);
        x = ref;
        for (int i = 0; i < std::abs(k); ++i)
          x = std::nextafter(x, k > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity());
        break;
      }
      case 6: x = ref * std::exp2(static_cast<std::int8_t>(byte()) / 8.0); break;
      default: x = ref; break;
    }
  }
  void opt(std::optional<double>& x, double ref = 1) {
    bool present;
    flag(present);
    double v = 0;
    if (present) num(v, ref);
    x = present ? std::optional<double>(v) : std::nullopt;
  }
  /// A string from `table` (default symbolTable()), or any bytes (up to 63).
  void text(std::string& s, const std::vector<std::string>& table = symbolTable()) {
    const std::uint8_t b = byte();
    if (b < table.size()) {
      s = table[b];
      return;
    }
    s.assign(byte() % 64, '\0');
    for (char& c : s) c = static_cast<char>(byte());
  }
  [[nodiscard]] std::size_t consumed() const { return pos_; }

 private:
  double i16() {
    std::int16_t v;
    raw(&v, 2);
    return v;
  }
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

class Writer {
 public:
  static constexpr bool kReading = false;
  std::vector<std::uint8_t> bytes;

  void put(std::uint8_t b) { bytes.push_back(b); }
  void raw(const void* in, std::size_t n) {
    const auto* p = static_cast<const std::uint8_t*>(in);
    bytes.insert(bytes.end(), p, p + n);
  }
  void flag(bool& b) { put(b ? 1 : 0); }
  void rare(bool& b) { put(b ? 0xA5 : 0); }
  void count(std::size_t& n, std::size_t max) { put(static_cast<std::uint8_t>(std::min(n, max))); }
  template <class E>
  void choice(E& e, int) {
    put(static_cast<std::uint8_t>(e));
  }
  template <class E>
  void optChoice(std::optional<E>& e, int values) {
    bool present = e.has_value();
    flag(present);
    E v = e.value_or(E{});
    choice(v, values);
  }
  void size(std::size_t& n) {
    if (n < 0xF0) {
      put(static_cast<std::uint8_t>(n));
      return;
    }
    put(0xFF);
    const auto v = static_cast<std::uint32_t>(n);
    raw(&v, 4);
  }
  void integer(int& x) {
    if (x >= 0 && x < 0xF0) {
      put(static_cast<std::uint8_t>(x));
      return;
    }
    put(0xFF);
    const auto v = static_cast<std::uint32_t>(x);
    raw(&v, 4);
  }
  void u64(std::uint64_t& x) { raw(&x, 8); }
  void num(double& x, double ref = 1) {
    const auto& sp = specials();
    for (std::size_t i = 0; i < sp.size(); ++i) {
      if (sameBits(x, sp[i])) {
        put(1);
        put(static_cast<std::uint8_t>(i));
        return;
      }
    }
    if (sameBits(x, ref)) {
      put(7);
      return;
    }
    put(0);
    raw(&x, 8);
  }
  void opt(std::optional<double>& x, double ref = 1) {
    bool present = x.has_value();
    flag(present);
    if (present) num(*x, ref);
  }
  void text(std::string& s, const std::vector<std::string>& t = symbolTable()) {
    if (auto it = std::find(t.begin(), t.end(), s); it != t.end()) {
      put(static_cast<std::uint8_t>(it - t.begin()));
      return;
    }
    put(0xFF);
    const std::size_t n = std::min<std::size_t>(s.size(), 63);
    put(static_cast<std::uint8_t>(n));
    raw(s.data(), n);
  }
};

/// Entry notional of a position (settlement asset), without validation.
inline double entryNotional(const Position& p) {
  const double size = p.quantity * p.contractSize;
  return p.contract == Contract::Linear ? size * p.entryPrice : size / p.entryPrice;
}

/// Symbols in the order of first appearance.
inline std::vector<std::string> symbolsOf(const Scenario& s) {
  std::vector<std::string> out;
  for (const Position& p : s.positions)
    if (std::find(out.begin(), out.end(), p.symbol) == out.end()) out.push_back(p.symbol);
  return out;
}

/// A struct's fields in the order of fields() (marginlab/fields.h), each through `io` near the value
/// `ref(name)` gives for it; `ref` sees the fields read before (a mark near the entry price read first).
template <class IO, class Ref>
struct FieldsIO {
  IO& io;
  Ref ref;

  template <class... Tags>
  void operator()(std::string_view name, double& x, Tags...) { io.num(x, ref(name)); }
  template <class... Tags>
  void operator()(std::string_view name, std::optional<double>& x, Tags...) { io.opt(x, ref(name)); }
  template <class... Tags>
  void operator()(std::string_view, std::string& x, Tags...) { io.text(x); }
  template <NamedEnum E, class... Tags>
  void operator()(std::string_view, E& e, Tags...) { io.choice(e, static_cast<int>(enumNames(e).size())); }
  template <NamedEnum E>
  void operator()(std::string_view, std::optional<E>& e) { io.optChoice(e, static_cast<int>(enumNames(E{}).size())); }
  /// A list field is encoded by its own schema (SPAN's tiers and spreads: spanSpreadSchema, appended).
  template <class T, class... Tags>
  void operator()(std::string_view, std::vector<T>&, Tags...) {}
};
template <class IO, class T, class Ref>
void fieldsIO(IO& io, T& x, Ref ref) {
  FieldsIO<IO, Ref> v{io, ref};
  fields(v, x);
}

/// The scenario. Its own fields by hand (the wallet last, so its reference is the sum of initial
/// margins); each tier row's and position's through fields().
template <class IO>
void scenarioSchema(IO& io, Scenario& s) {
  io.choice(s.rules, 8);
  bool odd = s.version != 1;
  io.rare(odd);
  if (odd) io.integer(s.version);
  else s.version = 1;
  io.opt(s.takerFeeRate, 0.0005);

  std::size_t tables = s.tiers.size();
  io.count(tables, kFuzzTables);
  std::vector<std::pair<std::string, TierTable>> list(s.tiers.begin(), s.tiers.end());
  list.resize(tables);
  const Profile& profile = profileFor(s.rules);
  for (auto& [symbol, table] : list) {
    io.text(symbol);
    std::size_t rows = table.size();
    io.count(rows, kMaxTierRows + 1);
    table.resize(rows);
    double cap = 50'000, lev = 100, rate = 0.005, previousRate = 0, amount = 0, floor = 0;
    for (std::size_t j = 0; j < rows; ++j) {
      Tier& t = table[j];
      const auto rowRate = [&] {
        return t.maintenanceMarginRate.value_or(profile.rateFromMaxLeverage ? 1 / (2 * t.maxLeverage) : 0.0);
      };
      fieldsIO(io, t, [&](std::string_view name) {
        if (name == "notionalCap") return j == 0 ? cap : cap * 4;
        if (name == "maxLeverage") return lev;
        if (name == "maintenanceMarginRate") return rate;
        return j == 0 ? 0.0 : floor * (rowRate() - previousRate) + amount;  // maintenanceAmount: the continuity one
      });
      const double r = rowRate();
      const double continuity = j == 0 ? 0.0 : floor * (r - previousRate) + amount;
      amount = t.maintenanceAmount.value_or(profile.continuousAmounts ? continuity : 0.0);
      previousRate = r;
      rate = r;
      floor = cap = t.notionalCap;
      lev = t.maxLeverage;
    }
  }
  if constexpr (IO::kReading) {
    s.tiers.clear();
    for (auto& [symbol, table] : list) s.tiers.emplace(std::move(symbol), std::move(table));
  }

  std::size_t count = s.positions.size();
  io.count(count, kFuzzPositions);
  s.positions.resize(count);
  double initialSum = 0, entryRef = 100;
  for (std::size_t i = 0; i < count; ++i) {
    Position& p = s.positions[i];
    fieldsIO(io, p, [&](std::string_view name) {
      if (name == "entryPrice") return entryRef;
      if (name == "markPrice") {  // the mark of the symbol's first position: one symbol, one mark
        double markRef = p.entryPrice;
        for (std::size_t j = 0; j < i; ++j)
          if (s.positions[j].symbol == p.symbol) markRef = s.positions[j].mark();
        return markRef;
      }
      if (name == "leverage") return 10.0;
      if (name == "isolatedMargin") return entryNotional(p) / p.leverage;
      return 1.0;  // contractSize, quantity
    });
    const double initial = entryNotional(p) / p.leverage;
    if (std::isfinite(initial)) initialSum += initial;
    entryRef = p.entryPrice;
  }
  bool tooMany = false;
  io.rare(tooMany);
  if (tooMany && !s.positions.empty()) {  // one past the limit, the listed positions repeated
    for (std::size_t i = s.positions.size(); i <= kMaxPositions; ++i) s.positions.push_back(s.positions[i % count]);
  }
  io.num(s.walletBalance, initialSum);
}

/// The tools one input runs (Params::tools bits); evaluate() and its checks always run.
enum Tool : unsigned {
  kSweep, kAdjust, kTarget, kMarginToTarget, kFunding, kOdds, kUnwind, kMaxOpen, kStop, kStress, kCascade,
  kMonteCarlo, kBatch, kOrders, kLiquidation, kOptions, kOptionsAccount, kSurfaceFit, kAccount, kReconcile, kToolCount
};
inline constexpr std::uint32_t kAllTools = (1u << kToolCount) - 1;

/// Every tool's parameters, as plain encodable fields; the fuzzer turns them into requests.
struct Params {
  std::size_t position = 0;  ///< the position the one-position tools use (may be out of range)
  std::uint32_t tools = kAllTools;  ///< bit t set: run Tool t

  SweepMode sweepMode = SweepMode::Cross;
  std::vector<double> sweepPrices;
  bool sweepShortOut = false;  ///< out one entry shorter than prices

  double adjustPrice = 0, adjustDelta = 0;
  TargetKind targetKind = TargetKind::Pnl;
  double target = 0;

  std::string orderSymbol;
  Contract orderContract = Contract::Linear;
  double orderContractSize = 1;
  Side orderSide = Side::Long;
  double orderPrice = 0, orderStop = 0, orderLeverage = 1, riskFraction = 0.01;
  MarginMode orderMode = MarginMode::Cross;

  double liquidationTarget = 0;

  std::vector<double> shocks;
  ShockModel shockModel = ShockModel::OneFactor;
  std::vector<std::pair<std::string, double>> betas;

  std::vector<std::vector<std::optional<double>>> cascadeMarks;  ///< [step][symbol index]
  std::vector<std::pair<std::string, double>> cascadeExtra;      ///< added to step 0
  std::optional<CascadeLiquidation> cascadeStyle;
  std::optional<double> cascadeFee;

  double fundingRate = 0;
  int fundingIntervals = 0;

  double sigma = 0.8, years = 0.1, mu = 0;
  std::vector<std::optional<double>> volatility, drift;  ///< per symbol index
  bool correlated = false;
  std::vector<double> correlation;  ///< row-major, symbols x symbols
  std::size_t mcSteps = 8, mcPaths = 8, mcBegin = 0, mcEnd = 8;
  std::uint64_t mcSeed = 1;
  /// odds.h: funding (odds and Monte Carlo), Merton jumps, a one-point surface's volatility.
  std::optional<double> oddsFundingRate;
  double fundingHours = 8;
  bool jumpsGiven = false, surfaceGiven = false;
  double jumpIntensity = 12, jumpMean = -0.05, jumpStdev = 0.1;
  double surfaceExpiry = 0.1, surfaceVolatility = 0.8;
  std::optional<double> surfaceStrike;

  MarginMode unwindMode = MarginMode::Isolated;
  UnwindStyle unwindStyle = UnwindStyle::Market;
  std::vector<BookLevel> book;
  double depthPerPercent = 1, visibleSize = 1, replenish = 1, insuranceFund = 0;
  std::size_t slices = 1;
  UnwindOrder unwindOrder = UnwindOrder::Book;        ///< read after sizeCurve (appended)
  UnwindPartial unwindPartial = UnwindPartial::None;  ///< read after sizeCurve (appended)
  UnwindStepDown unwindStepDown = UnwindStepDown::None;  ///< read after the account (appended)
  AdlOkxRanking adlOkxRanking = AdlOkxRanking::None;      ///< read last (appended)
  /// adl.h: adlRank's request (read last, appended; run with the unwind tool).
  MarginMode adlMode = MarginMode::Isolated;
  std::vector<double> adlPnl, adlLeverage;

  bool batchFromScenario = true;  ///< else the batch uses the order fields below, one entry
  double batchSide = 1;

  std::vector<Fill> fills;
  double fee = 0.0005, lotSize = 1;

  OptionType optionType = OptionType::Call;  ///< black.h
  double strike = 100, forward = 100, optionVolatility = 0.8, optionYears = 0.25, rate = 0.05, dividend = 0;
  double optionPrice = 10, discount = 1;

  /// curve.h: sizeCurve's input (read after everything else).
  SizeCurveInput sizeCurve{.quantity = 1, .entryPrice = 100, .collateral = 10, .baseImr = 0.01, .baseMmr = 0.006,
                           .factor = 3.75e-7};

  /// kOptionsAccount (options.h): a version-2 scenario and the requests of its entry points.
  OptionsScenario options;
  OptionsRequest optionsRequest;
  PortfolioMarginRequest portfolio;
  std::vector<double> optionsSweepPrices;  ///< sweepOptionsAccount's prices
  OptionsSweepRequest optionsSweep;
  bool optionsSweepShortOut = false;       ///< equity one entry shorter than prices

  /// kSurfaceFit (svi.h): option quotes to fit.
  SurfaceFitRequest surfaceFit;
  /// kAccount (account.h): a version-3 account, toAccount() of the scenario (or of the options
  /// scenario) with the edits below applied by accountOf().
  bool accountFromOptions = false;
  int accountVersion = 3;
  bool accountFlipMargin = false;
  std::vector<CollateralBalance> accountCollateral;  ///< appended to the converted account's
  std::optional<double> accountHaircut;              ///< set on the converted collateral
  std::string accountRelink;                         ///< when not empty: futures[0]/options[0] name it as underlying and asset
  std::vector<Underlying> accountUnderlyings;        ///< appended (a surface from the options scenario when it has one)
  std::vector<std::string> surfaceDates;  ///< appended: the options scenario's surface's expiryDates (its expiries
                                          ///< dropped when as many), and a row name read as an instrument name
  std::string instrumentName;
  /// kReconcile (reconcile.h): venue figures for the scenario's positions (read last, appended).
  std::vector<VenueFigure> venueFigures;
  double reconcileTolerance = 1e-5;
  /// kAccount, margin by venue (venue_pm.h): futures[0]'s own mark, and the request.
  std::optional<double> accountFutureMark;
  MarginByVenueRequest venueRequest;
  std::optional<AccountRules> accountVenue;          ///< the account's venue rule set
  std::optional<double> accountBeta;                 ///< set on the converted collateral
  bool accountRunBoundary = false;                   ///< also accountBoundary(account, accountBoundaryRequest)
  BoundaryRequest accountBoundaryRequest;
  /// Margin by venue's reverse questions (venue_pm_reverse.h): run when set, on venueRequest's venues.
  bool accountRunReverse = false;
  std::optional<NewLeg> reverseLeg;
  std::optional<std::string> reverseUnderlying;
};

inline constexpr std::size_t kFuzzOptions = 8;         ///< most options one input spells out
inline constexpr std::size_t kFuzzFutures = 4;         ///< most futures of an options scenario
inline constexpr std::size_t kFuzzSurfaceExpiries = 6, kFuzzSurfaceStrikes = 8;

/// Dates that parse, that do not, and that sit at the edges of the calendar; index = the byte.
inline const std::vector<std::string>& dateTable() {
  static const std::vector<std::string> t = {
      "2026-03-01", "2026-03-27T08:00:00Z", "2028-02-28", "2028-03-01", "2026-12-31T23:00", "2027-01-01 01:30",
      "2026-06-01", "2026-05-29", "2026-07-01", "2026-02-30", "June 26", "", "2026-13-01", "0000-01-01",
      "9999-12-31T23:59:59Z", "2126-03-01", "2026-03-01T24:00", "2026-03-01T23:59:60", "2026-3-1", "2026-03-01Z",
      "2026-03-01T08:00Z", "-2026-03-01", "2026-03-01T08:00:00ZZ", "1970-01-01", "2026-03-02",
      // Deribit's expiry names (that day at 08:00 UTC), and near misses.
      "27MAR26", "5apr26", "29FEB28", "29FEB27", "32MAR26", "27MRZ26", "027MAR26", "1JAN00", "31DEC99", "27MAR2"};
  return t;
}

/// Option instrument names of each venue's shape, near misses, and labels; index = the byte.
inline const std::vector<std::string>& instrumentTable() {
  static const std::vector<std::string> t = {
      "BTC-27MAR26-60000-C", "BTC-27MAR26-60000-C-USDT", "BTC-USD-260327-60000-C", "eth-5apr26-1850.5-p-usdc",
      "BTC-31FEB26-60000-C", "BTC-USD-261327-60000-C", "BTC-27MAR26-0-C", "BTC-27MAR26-1.2.3-P", "BTC-27MAR26-60000-C-EUR",
      "-x-y-C", "BTC-0.25Y-55000-P", "BTC-27MAR26-1234567890123456-C", "my hedge", "", "BTC-PERPETUAL", "----", "a-b-c-d-e-f",
      "BTC-USD-000229-1-P", "B TC-27MAR26-60000-C", "BTC-29FEB28-0.000000000000001-P"};
  return t;
}

/// An OptionsScenario and the options requests, after Params' other fields. References: the
/// underlying price for prices and strikes, a Black-76 mark for a premium, 1 coin or U for amounts.
template <class IO>
void optionsSchema(IO& io, Params& p) {
  OptionsScenario& s = p.options;
  bool odd = s.version != 2;
  io.rare(odd);
  if (odd) io.integer(s.version);
  else s.version = 2;
  io.text(s.underlying);
  io.choice(s.settlement, 2);
  io.num(s.underlyingPrice, 60'000);
  const double u = s.underlyingPrice;
  const bool inverse = s.settlement == Contract::Inverse;
  io.num(s.walletBalance, inverse ? 1 : u);
  bool dated = s.valuationDate.has_value();
  io.flag(dated);
  std::string text = s.valuationDate.value_or("");
  if (dated) io.text(text, dateTable());
  s.valuationDate = dated ? std::optional<std::string>(text) : std::nullopt;
  io.num(s.interestRate, 0);
  io.opt(s.futuresSizeRate, kDeribitBtcSizeRate);
  io.choice(s.volDynamics, 2);

  std::size_t n = s.futures.size();
  io.count(n, kFuzzFutures);
  s.futures.resize(n);
  for (Position& f : s.futures) {
    io.text(f.symbol);
    io.choice(f.contract, 2);
    io.num(f.contractSize, 1);
    io.choice(f.side, 2);
    io.num(f.quantity, 1);
    io.num(f.entryPrice, u);
    io.opt(f.markPrice, u);  // must be absent
    io.num(f.leverage, 10);
    io.optChoice(f.marginMode, 2);
    io.opt(f.isolatedMargin, 1);
  }

  bool surface = s.volSurface.has_value();
  io.flag(surface);
  VolSurface vs = s.volSurface.value_or(VolSurface{});
  if (surface) {
    n = vs.expiries.size();
    io.count(n, kFuzzSurfaceExpiries);
    vs.expiries.resize(n);
    double ref = 0.05;
    for (double& x : vs.expiries) io.num(x, ref), ref = x * 4;
    n = vs.strikes.size();
    io.count(n, kFuzzSurfaceStrikes);
    vs.strikes.resize(n);
    ref = u * 0.7;
    for (double& x : vs.strikes) io.num(x, ref), ref = x * 1.2;
    n = vs.vols.size();
    io.count(n, kFuzzSurfaceExpiries + 1);  // one row too many is reachable
    vs.vols.resize(n);
    for (auto& row : vs.vols) {
      n = row.size();
      io.count(n, kFuzzSurfaceStrikes + 1);
      row.resize(n);
      for (double& x : row) io.num(x, 0.6);
    }
  }
  s.volSurface = surface ? std::optional<VolSurface>(std::move(vs)) : std::nullopt;

  n = s.options.size();
  io.count(n, kFuzzOptions);
  s.options.resize(n);
  for (OptionPosition& o : s.options) {
    io.text(o.symbol);
    io.choice(o.type, 2);
    io.choice(o.side, 2);
    io.num(o.strike, u);
    io.opt(o.expiryYears, 30.0 / 365);
    bool hasDate = o.expiryDate.has_value();
    io.flag(hasDate);
    text = o.expiryDate.value_or("");
    if (hasDate) io.text(text, dateTable());
    o.expiryDate = hasDate ? std::optional<std::string>(text) : std::nullopt;
    io.num(o.quantity, 1);
    io.opt(o.volatility, 0.6);
    // The premium's reference: the option's own Black-76 mark when the inputs make one.
    double mark = inverse ? 0.01 : u / 100;
    const double years = o.expiryYears.value_or(30.0 / 365), vol = o.volatility.value_or(0.6);
    if (isValidPositive(u) && isValidPositive(o.strike) && years > 0 && years <= 100 && vol > 0 && vol <= 10) {
      const double quote = black76Price(o.type, o.strike, u, vol * std::sqrt(years));
      mark = inverse ? quote / u : quote;
    }
    io.num(o.premium, mark);
  }
  bool tooMany = false;
  io.rare(tooMany);
  if (tooMany && !s.options.empty()) {  // one past the limit, the listed options repeated
    const std::size_t count = s.options.size();
    for (std::size_t i = count; i <= kMaxOptionPositions; ++i) s.options.push_back(s.options[i % count]);
  }

  OptionsRequest& r = p.optionsRequest;
  io.num(r.days, 7);
  n = r.volShifts.size();
  io.count(n, 4);
  r.volShifts.resize(n);
  for (double& x : r.volShifts) io.num(x, 0.1);
  bool manyShifts = r.volShifts.size() > kMaxVolShifts;
  io.rare(manyShifts);
  if (manyShifts) r.volShifts.assign(kMaxVolShifts + 1, 0.0);
  io.num(r.scanLow, 0.001);
  io.num(r.scanHigh, 1000);
  io.size(r.scanPoints);

  PortfolioMarginRequest& m = p.portfolio;
  n = m.priceMoves.size();
  io.count(n, 12);
  m.priceMoves.resize(n);
  for (double& x : m.priceMoves) io.num(x, 0.04);
  n = m.volShocks.size();
  io.count(n, 4);
  m.volShocks.resize(n);
  for (double& x : m.volShocks) io.num(x, 0.38);
  io.choice(m.volShockKind, 2);
  io.num(m.vegaPower, 0.3);

  n = p.optionsSweepPrices.size();
  io.count(n, 8);
  p.optionsSweepPrices.resize(n);
  for (double& x : p.optionsSweepPrices) io.num(x, u);
  io.num(p.optionsSweep.days, 7);
  io.num(p.optionsSweep.volShift, 0.1);
  io.rare(p.optionsSweepShortOut);
}

/// Everything after Params::position, which comes first because the references depend on it.
inline constexpr std::size_t kFuzzAccountAssets = 4;  ///< most collateral entries one input adds

/// The account's edits (Params::account*), after the options scenario: each field of an added
/// collateral entry or underlying through its fields() near a plain value.
template <class IO>
void accountSchema(IO& io, Params& p) {
  io.flag(p.accountFromOptions);
  bool odd = p.accountVersion != 3;
  io.rare(odd);
  if (odd) io.integer(p.accountVersion);
  io.rare(p.accountFlipMargin);
  io.opt(p.accountHaircut, 0.1);
  std::size_t n = p.accountCollateral.size();
  io.count(n, kFuzzAccountAssets);
  p.accountCollateral.resize(std::min(n, kFuzzAccountAssets));
  for (CollateralBalance& c : p.accountCollateral)
    fieldsIO(io, c, [](std::string_view name) { return name == "price" ? 1000.0 : name == "haircut" ? 0.1 : 1.0; });
  n = p.accountUnderlyings.size();
  io.count(n, kFuzzAccountAssets);
  p.accountUnderlyings.resize(std::min(n, kFuzzAccountAssets));
  for (Underlying& u : p.accountUnderlyings) {
    io.text(u.name);
    io.num(u.price, 1000);
    io.num(u.interestRate, 0);
  }
  bool relink = !p.accountRelink.empty();
  io.rare(relink);
  if (relink) io.text(p.accountRelink);
}

inline constexpr std::size_t kFuzzVenueFigures = 4;  ///< most venue figures one input spells out

/// reconcile()'s request: figures near the position's mark and margins, their inputs optional.
template <class IO>
void reconcileSchema(IO& io, Params& p, const Refs& r) {
  std::size_t n = p.venueFigures.size();
  io.count(n, kFuzzVenueFigures);
  p.venueFigures.resize(n);
  for (VenueFigure& f : p.venueFigures) {
    std::size_t index = f.position;
    io.count(index, 8);
    f.position = index;
    io.opt(f.liquidationPrice, r.isolatedLiquidation);
    io.opt(f.bankruptcyPrice, r.isolatedLiquidation);
    io.opt(f.initialMargin, r.initialMargin);
    io.opt(f.maintenanceMargin, r.initialMargin / 4);
    io.opt(f.marginRatio, 0.1);
    io.opt(f.tick, 0.1);
    io.opt(f.lot, 0.001);
    io.opt(f.lastPrice, r.mark);
    io.opt(f.indexPrice, r.mark);
    io.opt(f.fundingPaid, r.initialMargin / 10);
    io.opt(f.openOrderMargin, r.initialMargin);
  }
  io.num(p.reconcileTolerance, 1e-5);
}

/// Margin by venue's request: its date, venue, SPAN sets and [UNVERIFIED] options near their defaults.
template <class IO>
void venueSchema(IO& io, Params& p) {
  io.opt(p.accountFutureMark, 1000);
  MarginByVenueRequest& q = p.venueRequest;
  bool dated = q.asOf.has_value();
  io.flag(dated);
  if (dated) {
    q.asOf.emplace();
    io.text(*q.asOf, {"2024-12-01", "2025-01-05", "2025-06-01", "2025-13-01", "June", ""});
  }
  std::size_t n = q.span.size();
  io.count(n, 3);
  q.span.resize(n);
  for (SpanParams& s : q.span)
    fieldsIO(io, s, [](std::string_view name) { return name == "priceScanRange" ? 0.1 : name == "volScanRange" ? 0.05 : 1.0; });
  io.num(q.okx.extremeCoverage, 1);
  io.num(q.okx.volShock, 0.1);
  io.num(q.bybit.volShock, 0.1);
  io.num(q.bybit.futuresFactor, 0.01);
  io.num(q.bybit.imFactor, 1);
}

/// SPAN's spreads (appended): each SPAN set's tiers (ends a quarter apart) and intra-commodity spreads
/// (tiers 0 and 1, a charge near 100), and the inter-commodity spreads (near 1:1 at 50%).
template <class IO>
void spanSpreadSchema(IO& io, Params& p) {
  MarginByVenueRequest& q = p.venueRequest;
  for (SpanParams& s : q.span) {
    std::size_t n = s.tiers.size();
    io.count(n, 4);
    s.tiers.resize(n);
    for (std::size_t t = 0; t < n; ++t) fieldsIO(io, s.tiers[t], [&](std::string_view) { return 0.25 * static_cast<double>(t + 1); });
    std::size_t k = s.intraSpreads.size();
    io.count(k, 3);
    s.intraSpreads.resize(k);
    for (SpanIntraSpread& x : s.intraSpreads)
      fieldsIO(io, x, [](std::string_view name) { return name == "tierA" ? 0.0 : name == "tierB" ? 1.0 : 100.0; });
  }
  std::size_t n = q.spanInter.size();
  io.count(n, 3);
  q.spanInter.resize(n);
  for (SpanInterSpread& x : q.spanInter)
    fieldsIO(io, x, [](std::string_view name) { return name == "creditRate" ? 0.5 : 1.0; });
}

inline const std::vector<std::string>& accountNameTable() {
  static const std::vector<std::string> t{"BTC", "ETH", "USDT", "USDC", "quote", "USD"};
  return t;
}

/// The venue rule set, a beta and the boundary request (after accountSchema): each tier set's bands
/// near a ladder of 10 units at 0.9, the levels near 1.
template <class IO>
void accountVenueSchema(IO& io, Params& p) {
  bool venue = p.accountVenue.has_value();
  io.flag(venue);
  if (venue) {
    AccountRules& r = p.accountVenue ? *p.accountVenue : p.accountVenue.emplace();
    io.choice(r.venue, static_cast<int>(enumNames(r.venue).size()));
    io.flag(r.progressive);
    io.rare(r.haircutMaintenance);
    io.num(r.loanMaintenanceRate, 0.1);
    io.opt(r.otherRatio, 0.5);
    io.opt(r.warning, 1.5);
    io.opt(r.noNewOrders, 1.2);
    io.num(r.liquidation, 1);
    std::size_t n = r.collateral.size();
    io.count(n, 3);
    r.collateral.resize(std::min<std::size_t>(n, 3));
    for (CollateralTiers& t : r.collateral) {
      io.text(t.asset, accountNameTable());
      io.flag(t.byValue);
      std::size_t m = t.bands.size();
      io.count(m, 5);
      t.bands.resize(std::min<std::size_t>(m, 5));
      double from = 0;
      for (CollateralBand& b : t.bands) {
        io.num(b.from, from);
        io.num(b.ratio, 0.9);
        from = b.from + 10;
      }
    }
  }
  io.opt(p.accountBeta, 1);
  io.flag(p.accountRunBoundary);
  if (!p.accountRunBoundary) return;
  BoundaryRequest& q = p.accountBoundaryRequest;
  for (BoundaryAxis* x : {&q.x, &q.y}) {
    io.text(x->asset, accountNameTable());
    io.num(x->from, -0.5);
    io.num(x->to, 0.5);
  }
  io.num(q.n, 5);
}

/// The reverse questions (after accountVenueSchema): a new future or option (or both, or neither: an
/// error) near a 1 BTC leg at 60,000, and the underlying that moves.
template <class IO>
void reverseSchema(IO& io, Params& p) {
  io.rare(p.accountRunReverse);
  if (!p.accountRunReverse) return;
  bool leg = p.reverseLeg.has_value();
  io.flag(leg);
  if (leg) {
    NewLeg& l = p.reverseLeg ? *p.reverseLeg : p.reverseLeg.emplace();
    bool future = l.future.has_value(), option = l.option.has_value();
    io.flag(future);
    io.flag(option);
    if (future) {
      AccountFuture& f = l.future ? *l.future : l.future.emplace();
      io.text(f.underlying, accountNameTable());
      io.text(f.settlementAsset, accountNameTable());
      io.choice(f.side, 2);
      io.num(f.quantity, 1);
      io.num(f.entryPrice, 60000);
    } else {
      l.future.reset();
    }
    if (option) {
      AccountOption& o = l.option ? *l.option : l.option.emplace();
      io.text(o.underlying, accountNameTable());
      io.text(o.settlementAsset, accountNameTable());
      io.choice(o.option.type, 2);
      io.choice(o.option.side, 2);
      io.num(o.option.strike, 60000);
      io.opt(o.option.expiryYears, 0.1);
      io.num(o.option.quantity, 1);
      io.num(o.option.premium, 0.01);
      io.opt(o.option.volatility, 0.6);
    } else {
      l.option.reset();
    }
  }
  bool moves = p.reverseUnderlying.has_value();
  io.flag(moves);
  if (moves) io.text(p.reverseUnderlying ? *p.reverseUnderlying : p.reverseUnderlying.emplace(), accountNameTable());
}

/// Margin by venue's further components (appended after reverseSchema): Deribit's delta shock, OKX's
/// MR2, MR3, MR5, MR7, MR8, MR9 and Bybit's delta spread factor, near the values that switch them on.
template <class IO>
void venueComponentsSchema(IO& io, Params& p) {
  MarginByVenueRequest& q = p.venueRequest;
  io.choice(q.deribit.deltaShock, static_cast<int>(enumNames(q.deribit.deltaShock).size()));
  for (auto [x, ref] : {std::pair{&q.okx.thetaDays, 1.0}, std::pair{&q.okx.vegaPoints, 0.3}, std::pair{&q.okx.rateShock, 0.01},
                        std::pair{&q.okx.minimumChargeRate, 0.0005}, std::pair{&q.okx.borrowingRate, 0.1},
                        std::pair{&q.okx.depegFactor, 0.01}, std::pair{&q.bybit.deltaSpreadFactor, 0.45}})
    io.num(*x, ref);
}

template <class IO>
void paramsSchema(IO& io, Params& p, const Refs& r) {
  io.raw(&p.tools, sizeof p.tools);
  io.choice(p.sweepMode, 3);
  std::size_t n = p.sweepPrices.size();
  io.count(n, 8);
  p.sweepPrices.resize(n);
  for (std::size_t i = 0; i < n; ++i) io.num(p.sweepPrices[i], i % 2 ? r.crossLiquidation : r.mark);
  io.rare(p.sweepShortOut);

  io.num(p.adjustPrice, r.mark);
  io.num(p.adjustDelta, r.quantity);
  io.choice(p.targetKind, 2);
  io.num(p.target, r.initialMargin);

  io.text(p.orderSymbol);
  io.choice(p.orderContract, 2);
  io.num(p.orderContractSize, 1);
  io.choice(p.orderSide, 2);
  io.num(p.orderPrice, r.mark);
  io.num(p.orderStop, p.orderPrice);
  io.num(p.orderLeverage, 10);
  io.num(p.riskFraction, 0.01);
  io.choice(p.orderMode, 2);

  io.num(p.liquidationTarget, r.isolatedLiquidation);

  n = p.shocks.size();
  io.count(n, 8);
  p.shocks.resize(n);
  for (double& x : p.shocks) io.num(x, 0.1);
  io.choice(p.shockModel, 2);
  n = p.betas.size();
  io.count(n, 3);
  p.betas.resize(n);
  for (auto& [symbol, beta] : p.betas) {
    io.text(symbol);
    io.num(beta, 1);
  }

  const std::size_t symbols = r.symbolMarks.size();
  n = p.cascadeMarks.size();
  io.count(n, 6);
  p.cascadeMarks.resize(n);
  for (auto& step : p.cascadeMarks) {
    step.resize(symbols);
    for (std::size_t j = 0; j < symbols; ++j) io.opt(step[j], r.symbolMarks[j]);
  }
  n = p.cascadeExtra.size();
  io.count(n, 2);
  p.cascadeExtra.resize(n);
  for (auto& [symbol, price] : p.cascadeExtra) {
    io.text(symbol);
    io.num(price, r.mark);
  }
  io.optChoice(p.cascadeStyle, 2);
  io.opt(p.cascadeFee, 0.005);

  io.num(p.fundingRate, 0.0001);
  io.integer(p.fundingIntervals);

  io.num(p.sigma, 0.8);
  io.num(p.years, 0.1);
  io.num(p.mu, 0);
  p.volatility.resize(symbols);
  p.drift.resize(symbols);
  for (std::size_t j = 0; j < symbols; ++j) {
    io.opt(p.volatility[j], 0.8);
    io.opt(p.drift[j], 0);
  }
  io.flag(p.correlated);
  if (p.correlated) {
    p.correlation.resize(symbols * symbols);
    for (std::size_t i = 0; i < symbols * symbols; ++i) io.num(p.correlation[i], i % (symbols + 1) == 0 ? 1 : 0);
  }
  io.size(p.mcSteps);
  io.size(p.mcPaths);
  io.size(p.mcBegin);
  io.size(p.mcEnd);
  io.u64(p.mcSeed);

  io.choice(p.unwindMode, 2);
  io.choice(p.unwindStyle, 3);
  n = p.book.size();
  io.count(n, 16);
  p.book.resize(n);
  const double lp = p.unwindMode == MarginMode::Isolated ? r.isolatedLiquidation : r.crossLiquidation;
  double levelRef = lp;
  for (BookLevel& level : p.book) {
    io.num(level.price, levelRef);
    io.num(level.size, r.quantity);
    levelRef = level.price;
  }
  io.num(p.depthPerPercent, r.quantity);
  io.num(p.visibleSize, r.quantity / 4);
  io.num(p.replenish, 0.5);
  io.num(p.insuranceFund, r.initialMargin);
  io.size(p.slices);

  io.flag(p.batchFromScenario);
  io.num(p.batchSide, 1);

  n = p.fills.size();
  io.count(n, 6);
  p.fills.resize(n);
  for (Fill& f : p.fills) {
    io.num(f.quantity, r.quantity);
    io.num(f.price, r.mark);
  }
  io.num(p.fee, 0.0005);
  io.num(p.lotSize, 1);

  io.choice(p.optionType, 2);
  io.num(p.strike, r.mark);
  io.num(p.forward, r.mark);
  io.num(p.optionVolatility, 0.8);
  io.num(p.optionYears, 0.25);
  io.num(p.rate, 0.05);
  io.num(p.dividend, 0);
  io.num(p.optionPrice, r.mark / 10);
  io.num(p.discount, 1);
  optionsSchema(io, p);
  io.choice(p.sizeCurve.curve, 2);
  io.choice(p.sizeCurve.side, 2);
  io.num(p.sizeCurve.quantity, r.quantity);
  io.num(p.sizeCurve.entryPrice, r.entry);
  io.opt(p.sizeCurve.markPrice, r.mark);
  io.num(p.sizeCurve.collateral, r.initialMargin);
  io.num(p.sizeCurve.baseImr, 0.01);
  io.num(p.sizeCurve.baseMmr, 0.006);
  io.num(p.sizeCurve.factor, 3.75e-7);
  io.opt(p.oddsFundingRate, 0.0001);
  io.num(p.fundingHours, 8);
  io.flag(p.jumpsGiven);
  io.num(p.jumpIntensity, 12);
  io.num(p.jumpMean, -0.05);
  io.num(p.jumpStdev, 0.1);
  io.flag(p.surfaceGiven);
  io.num(p.surfaceExpiry, 0.1);
  io.num(p.surfaceVolatility, 0.8);
  io.opt(p.surfaceStrike, r.mark);
  io.choice(p.unwindOrder, 2);
  io.choice(p.unwindPartial, 2);
  io.choice(p.adlMode, 2);
  for (std::vector<double>* q : {&p.adlPnl, &p.adlLeverage}) {
    n = q->size();
    io.count(n, 5);
    q->resize(n);
    double ref = q == &p.adlPnl ? -0.5 : 1;
    for (double& x : *q) {
      io.num(x, ref);
      ref = x;
    }
  }
  surfaceFitSchema(io, p);
  accountSchema(io, p);
  n = p.surfaceDates.size();
  io.count(n, kFuzzSurfaceExpiries);
  p.surfaceDates.resize(n);
  for (std::string& d : p.surfaceDates) io.text(d, dateTable());
  io.text(p.instrumentName, instrumentTable());
  reconcileSchema(io, p, r);
  io.choice(p.unwindStepDown, 3);
  io.choice(p.adlOkxRanking, 2);
  bool dydx = p.sizeCurve.curve == SizeCurve::Dydx;  // sizeCurve's dYdX open-interest IMF (appended)
  io.rare(dydx);
  if (dydx) {
    p.sizeCurve.curve = SizeCurve::Dydx;
    for (auto [x, ref] : {std::pair{&p.sizeCurve.openInterestNotional, 35e6}, std::pair{&p.sizeCurve.openInterestLowerCap, 20e6},
                          std::pair{&p.sizeCurve.openInterestUpperCap, 50e6}})
      io.opt(*x, ref);
  }
  venueSchema(io, p);
  accountVenueSchema(io, p);
  reverseSchema(io, p);
  venueComponentsSchema(io, p);
  spanSpreadSchema(io, p);
}

inline constexpr std::size_t kFuzzQuotes = 24;  ///< most quotes one input spells out

/// A fitSurface request, after the options scenario. References: a spot of 60000, expiries of a
/// quarter, strikes stepping up from 0.7 of the spot, a Black-76 price at 60% for a premium.
template <class IO>
void surfaceFitSchema(IO& io, Params& p) {
  SurfaceFitRequest& r = p.surfaceFit;
  io.num(r.underlyingPrice, 60'000);
  io.num(r.interestRate, 0);
  std::size_t n = r.quotes.size();
  io.count(n, kFuzzQuotes);
  r.quotes.resize(n);
  double strike = 42'000;
  for (OptionQuote& q : r.quotes) {
    io.num(q.expiryYears, 0.25);
    io.num(q.strike, strike);
    io.choice(q.type, 2);
    io.opt(q.volatility, 0.6);
    double mark = 1000;
    if (isValidPositive(q.strike) && q.expiryYears > 0 && q.expiryYears <= 100)
      mark = black76Price(q.type, q.strike, 60'000, 0.6 * std::sqrt(q.expiryYears));
    io.opt(q.price, mark);
    strike = isValidPositive(q.strike) ? q.strike * 1.08 : 42'000;
  }
  bool tooMany = false;
  io.rare(tooMany);
  if (tooMany && !r.quotes.empty()) {  // one past the limit, the listed quotes repeated
    const std::size_t count = r.quotes.size();
    for (std::size_t i = count; i <= kMaxSurfaceQuotes; ++i) r.quotes.push_back(r.quotes[i % count]);
  }
}

/// The references of a scenario and its report, for paramsSchema.
inline Refs refsFor(const Scenario& s, const Report& report, std::size_t position) {
  Refs r;
  r.wallet = s.walletBalance;
  for (const std::string& symbol : symbolsOf(s)) {
    if (r.symbolMarks.size() == kFuzzSymbols) break;
    for (const Position& p : s.positions)
      if (p.symbol == symbol) {
        r.symbolMarks.push_back(p.mark());
        break;
      }
  }
  if (position >= s.positions.size()) return r;
  const Position& p = s.positions[position];
  r.mark = p.mark();
  r.entry = p.entryPrice;
  r.quantity = p.quantity;
  r.initialMargin = entryNotional(p) / p.leverage;
  r.isolatedLiquidation = r.crossLiquidation = r.mark;
  if (report.isolated && position < report.isolated->positions.size())
    r.isolatedLiquidation = report.isolated->positions[position].liquidationPrice.value_or(r.mark);
  if (report.cross && position < report.cross->positions.size())
    r.crossLiquidation = report.cross->positions[position].liquidationPrice.value_or(r.mark);
  return r;
}

/// Bytes of one fuzz input: the scenario, Params::position, then the other parameters, whose
/// references come from evaluate(scenario) as in decode().
inline std::vector<std::uint8_t> encode(Scenario s, Params p) {
  Writer w;
  scenarioSchema(w, s);
  w.size(p.position);
  const Refs refs = refsFor(s, evaluate(s), p.position);
  paramsSchema(w, p, refs);
  return w.bytes;
}

/// One fuzz input read back: the scenario, evaluate()'s report of it, and the parameters.
struct Decoded {
  Scenario scenario;
  Report report;
  Params params;
};
inline Decoded decode(const std::uint8_t* data, std::size_t size) {
  Reader r(data, size);
  Decoded d;
  scenarioSchema(r, d.scenario);
  r.size(d.params.position);
  d.report = evaluate(d.scenario);
  const Refs refs = refsFor(d.scenario, d.report, d.params.position);
  paramsSchema(r, d.params, refs);
  return d;
}

}  // namespace mlfuzz
