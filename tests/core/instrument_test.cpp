// SPDX-License-Identifier: MIT
// Venue option instrument names read into strike, expiry and type (options.h parseInstrumentName):
// Deribit "BTC-27MAR26-60000-C" (Deribit API: instrument_name), Bybit's USDT-settled
// "BTC-27MAR26-60000-C-USDT", OKX "BTC-USD-241217-92000-C" (OKX v5 instruments: instId, with
// expTime 1734422400000 ms = 2024-12-17 08:00 UTC); a free-text label is no error.
#include <string>

#include "support.h"

using namespace mltest;

namespace {

InstrumentName read(const std::string& name) {
  const Result<InstrumentName> r = parseInstrumentName(name, "options[0].symbol");
  REQUIRE(r.errors.empty());
  return *r.value;
}

}  // namespace

TEST_CASE("instrument names: each venue's shape reads into underlying, expiry, strike and type", "[instrument]") {
  const InstrumentName d = read("BTC-27MAR26-60000-C");
  CHECK(d.instrument);
  CHECK(d.venue == "deribit");
  CHECK(d.underlying == "BTC");
  CHECK(d.type == OptionType::Call);
  CHECK(d.strike == 60000);
  CHECK(d.expiryDate == "2026-03-27T08:00Z");  // Deribit's options expire at 08:00 UTC

  const InstrumentName b = read("ETH-5APR26-1850.5-P-USDT");
  CHECK(b.venue == "bybit");
  CHECK(b.underlying == "ETH");
  CHECK(b.type == OptionType::Put);
  CHECK(b.strike == 1850.5);
  CHECK(b.expiryDate == "2026-04-05T08:00Z");

  // OKX's own instrument list: expTime 1734422400000 ms = 20074 days + 28800 s after 1970-01-01,
  // i.e. 2024-12-17 08:00 UTC.
  const InstrumentName o = read("BTC-USD-241217-92000-C");
  CHECK(o.venue == "okx");
  CHECK(o.underlying == "BTC");
  CHECK(o.strike == 92000);
  CHECK(o.expiryDate == "2024-12-17T08:00Z");

  // Any case; a leap day.
  const InstrumentName l = read("btc-29feb28-0.5-p");
  CHECK(l.underlying == "BTC");
  CHECK(l.type == OptionType::Put);
  CHECK(l.strike == 0.5);
  CHECK(l.expiryDate == "2028-02-29T08:00Z");
}

TEST_CASE("instrument names: the expiry read is the one the account reads from 27MAR26", "[instrument]") {
  // 2026-01-01T00:00Z to 2026-03-27T08:00Z: 85 days and 8 hours = 85.3333 / 365 years.
  OptionsScenario s;
  s.walletBalance = 1;
  s.underlyingPrice = 60000;
  s.valuationDate = "2026-01-01T00:00Z";
  s.options.push_back(OptionPosition{.type = OptionType::Call, .strike = 60000, .expiryDate = read("BTC-27MAR26-60000-C").expiryDate,
                                     .side = Side::Long, .quantity = 1, .premium = 0, .volatility = 0.5});
  const Result<OptionsAccountResult> r = evaluateOptions(s);
  REQUIRE(r.errors.empty());
  CHECK_THAT(r.value->options[0].years, WithinRel((85 + 8.0 / 24) / 365, 1e-15));
}

TEST_CASE("instrument names: a label is no error; a venue's shape that does not read is, at the path", "[instrument]") {
  for (const char* label : {"", "my hedge", "BTC-PERPETUAL", "BTC-27MAR26", "BTC-27MAR26-60000-X", "a-b-c-d-e-f"}) {
    const Result<InstrumentName> r = parseInstrumentName(label, "options[0].symbol");
    INFO(label);
    REQUIRE(r.errors.empty());
    CHECK_FALSE(r.value->instrument);
    CHECK(r.value->venue.empty());
  }
  const auto error = [](const char* name) {
    const Result<InstrumentName> r = parseInstrumentName(name, "options[3].symbol");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].path == "options[3].symbol");
    return r.errors[0];
  };
  const InputError date = error("BTC-31FEB26-60000-C");
  CHECK(date.rule == "instrumentDate");
  CHECK(date.code == ErrorCode::WrongType);
  CHECK(date.message == "options[3].symbol (\"BTC-31FEB26-60000-C\") reads as a Deribit option name, but \"31FEB26\" is not its expiry date (DMMMYY, e.g. 27MAR26)");
  CHECK(error("BTC-USD-261327-60000-C").rule == "instrumentDate");  // month 13
  CHECK(error("BTC-0.25Y-60000-P").rule == "instrumentDate");
  CHECK(error("BTC-27MAR26-abc-C").rule == "instrumentStrike");
  CHECK(error("BTC-27MAR26-0-C").rule == "instrumentStrike");
  CHECK(error("BTC-27MAR26-1.2.3-C").rule == "instrumentStrike");
  CHECK(error("BTC-27MAR26-1234567890123456-C").rule == "instrumentStrike");  // 16 digits
  CHECK(error("BTC-27MAR26-0.0000000001-C").rule == "instrumentStrike");      // 1e-10: below every price
  CHECK(error("BTC-27MAR26-60000-C-EUR").rule == "instrumentSettle");
  CHECK(error("B TC-27MAR26-60000-C").rule == "instrumentUnderlying");
  // Every part that does not read, each its own error.
  CHECK(parseInstrumentName("-x-y-C", "name").errors.size() == 3);
}

namespace {

/// One long call read from a surface of two expiries, valued on 2026-01-01 00:00 UTC.
OptionsScenario surfaceScenario(VolSurface surface) {
  OptionsScenario s;
  s.walletBalance = 1;
  s.underlyingPrice = 60000;
  s.valuationDate = "2026-01-01T00:00Z";
  s.volSurface = std::move(surface);
  s.options.push_back(OptionPosition{.type = OptionType::Call, .strike = 62000, .expiryDate = "2026-05-01",
                                     .side = Side::Long, .quantity = 1, .premium = 0});
  return s;
}

}  // namespace

TEST_CASE("surface expiry dates: turned into years against the valuation date, as the same surface in years", "[instrument][surface]") {
  // By hand: 2026-01-01 00:00 to 27MAR26 08:00 UTC is 85 days 8 hours; to 2026-06-26 00:00 is
  // 31 + 28 + 31 + 30 + 31 + 25 = 176 days (ACT/365).
  const std::vector<double> strikes = {55000, 65000};
  const std::vector<std::vector<double>> vols = {{0.7, 0.6}, {0.8, 0.65}};
  const OptionsScenario dated = surfaceScenario(VolSurface{.expiryDates = {"27MAR26", "2026-06-26"}, .strikes = strikes, .vols = vols});
  const OptionsScenario inYears = surfaceScenario(
      VolSurface{.expiries = {(85 + 8.0 / 24) / 365, 176.0 / 365}, .strikes = strikes, .vols = vols});
  const Result<OptionsAccountResult> a = evaluateOptions(dated), b = evaluateOptions(inYears);
  REQUIRE(a.errors.empty());
  REQUIRE(b.errors.empty());
  CHECK(a.value->options[0].volatilityFromSurface);
  CHECK_THAT(a.value->options[0].volatility, WithinRel(b.value->options[0].volatility, 1e-15));
  CHECK_THAT(a.value->options[0].markPrice, WithinRel(b.value->options[0].markPrice, 1e-15));
  // The option expires 2026-05-01, between the two rows: its volatility is neither row's.
  CHECK(a.value->options[0].volatility > 0.6);
  CHECK(a.value->options[0].volatility < 0.8);
}

TEST_CASE("surface expiry dates: errors at their paths", "[instrument][surface]") {
  const auto errorsOf = [](VolSurface v, bool valuation = true) {
    OptionsScenario s = surfaceScenario(std::move(v));
    if (!valuation) {
      s.valuationDate.reset();
      s.options[0].expiryDate.reset();
      s.options[0].expiryYears = 0.3;
    }
    return validateOptions(s);
  };
  const std::vector<double> k = {60000};
  const std::vector<std::vector<double>> two = {{0.6}, {0.7}};
  auto e = errorsOf(VolSurface{.expiryDates = {"27MAR26", "27XYZ26"}, .strikes = k, .vols = two});
  REQUIRE(e.size() == 1);
  CHECK(e[0].path == "volSurface.expiryDates[1]");
  CHECK(e[0].rule == "optionsDateFormat");
  e = errorsOf(VolSurface{.expiryDates = {"2026-06-26", "27MAR26"}, .strikes = k, .vols = two});
  REQUIRE(e.size() == 1);
  CHECK(e[0].path == "volSurface.expiryDates[1]");
  CHECK(e[0].rule == "surfaceDatesUnsorted");
  CHECK(e[0].code == ErrorCode::Unsorted);
  e = errorsOf(VolSurface{.expiryDates = {"2025-12-26", "27MAR26"}, .strikes = k, .vols = two});
  REQUIRE(e.size() == 1);
  CHECK(e[0].rule == "optionsExpiryDatePast");
  e = errorsOf(VolSurface{.expiries = {0.1}, .expiryDates = {"27MAR26"}, .strikes = k, .vols = {{0.6}}});
  REQUIRE(e.size() == 1);
  CHECK(e[0].rule == "surfaceExpiriesBoth");
  e = errorsOf(VolSurface{.expiryDates = {"27MAR26"}, .strikes = k, .vols = two});  // two rows, one expiry
  REQUIRE(e.size() == 1);
  CHECK(e[0].path == "volSurface.vols");
  e = errorsOf(VolSurface{.expiryDates = {"27MAR26"}, .strikes = k, .vols = {{0.6}}}, false);
  REQUIRE(e.size() == 1);
  CHECK(e[0].path == "valuationDate");
  CHECK(e[0].message == "valuationDate is needed by volSurface.expiryDates[0]");
  // Outside an options scenario there is no valuation date.
  e = validateVolSurface(VolSurface{.expiryDates = {"27MAR26"}, .strikes = k, .vols = {{0.6}}}, "request.volatilityFrom.surface");
  REQUIRE(e.size() >= 1);
  CHECK(e[0].path == "request.volatilityFrom.surface.expiryDates");
  CHECK(e[0].rule == "surfaceDatesNeedValuation");
}
