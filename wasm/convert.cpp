// SPDX-License-Identifier: MIT
// MarginLab JS boundary: JS values to core types and back. Every struct is read and written by walking
// its fields() (marginlab/fields.h), never field by field here. No formula lives here.
#include "convert.h"

#include <string>
#include <type_traits>

#include "account.h"
#include "marginlab/fields.h"
#include "packed.h"
#include "transfer.h"
#include "value_writer.h"

namespace mljs {

using emscripten::val;
using namespace marginlab;

namespace {

/// Describes one struct's fields as [{ name, type, optional }], the type as marginlab.d.ts spells it.
class Describer {
 public:
  explicit Describer(JsWriter& w) : w_(w) {}

  template <Described T>
  void describe() {
    input_ = kInput<T>;
    w_.field(kStructName<T>).array();
    const T empty{};
    fields(*this, empty);
    w_.end();
  }
  /// A Position as an options account's future reads it (fields(v, p, AsFuture)).
  void describeFuture() {
    input_ = true;
    w_.key("FuturePosition").array();
    const Position empty{};
    fields(*this, empty, AsFuture{});
    w_.end();
  }

  template <class T, class... Tags>
  void operator()(std::string_view name, const T&, Tags...) {
    // Required unless another field may stand for it (Instead): then optional in the d.ts.
    constexpr bool required = (std::is_same_v<Tags, Required> || ...) && !(std::is_same_v<Tags, Instead> || ...);
    constexpr bool omitted = (std::is_same_v<Tags, Omitted> || ...);
    if constexpr ((std::is_same_v<Tags, Undeclared> || ...)) {
      return;  // read only for the core to refuse it
    } else if constexpr ((std::is_same_v<Tags, AsFuture> || ...)) {
      emit(name, "FuturePosition", "[]", !required);
    } else if constexpr (IsOptional<T>::value) {  // an input: absent; an output: null, or absent for an outcome
      using U = typename IsOptional<T>::type;
      emit(name, base<U>(), input_ || Described<U> ? "" : " | null", input_ || Described<U>);
    } else if constexpr (IsList<T>::value) {
      emit(name, base<typename T::value_type>(), "[]", input_ ? !required : omitted);
    } else {
      emit(name, base<T>(), "", input_ ? !required : omitted);
    }
  }

 private:
  template <class T>
  struct IsOptional : std::false_type {
    using type = T;
  };
  template <class T>
  struct IsOptional<std::optional<T>> : std::true_type {
    using type = T;
  };
  template <class T>
  struct IsList : std::false_type {};
  template <class T>
  struct IsList<std::vector<T>> : std::bool_constant<!std::is_same_v<T, Param>> {};

  template <class T>
  static constexpr std::string_view base() {
    if constexpr (std::is_same_v<T, bool>) return "boolean";
    else if constexpr (std::is_arithmetic_v<T>) return "number";
    else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) return "string";
    else if constexpr (NamedEnum<T>) return enumType(T{});
    else if constexpr (std::is_same_v<T, ErrorCode>) return "ErrorCode";
    else if constexpr (std::is_same_v<T, std::vector<Param>>) return "Record<string, number | string>";
    else if constexpr (std::is_same_v<T, std::map<std::string, TierTable, std::less<>>>) return "Record<string, Tier[]>";
    else if constexpr (std::is_same_v<T, std::map<std::string, double, std::less<>>>) return "Record<string, number>";
    else if constexpr (std::is_same_v<T, std::vector<double>>) return "number[]";
    else return kStructName<T>;
  }

  [[gnu::noinline]] void emit(std::string_view name, std::string_view base, std::string_view suffix, bool optional) {
    std::string type(base);
    type += suffix;
    w_.object().key("name").string(name).key("type").string(type).key("optional").boolean(optional).end();
  }

  JsWriter& w_;
  bool input_ = false;
};

/// One writer for every conversion: its buffers keep their capacity from call to call.
JsWriter& writer() {
  static JsWriter w;
  return w;
}

}  // namespace

val toJs(const std::vector<Step>& steps) { return writer().steps(steps).take(); }
val toJs(const std::vector<InputError>& errors) { return writer().errors(errors).take(); }

val toJs(const Report& report, bool explain) {
  JsWriter& w = writer();
  if (!report.errors.empty()) {
    w.object();  // the settlement asset still labels the fields while the user fixes them
    if (!report.settlementAsset.empty()) w.field("settlementAsset").string(report.settlementAsset);
    w.field("errors").errors(report.errors).end();
  } else {
    ValueWriter(w, explain).write(report);
  }
  return w.take();
}

val toJs(const Scenario& s) {
  ValueWriter(writer(), false).write(s);
  return writer().take();
}

val toJs(const DefaultTierTable& table) {
  JsWriter& w = writer();
  w.object().key("rules").string(toString(table.rules)).key("symbols").array();
  for (const std::string& symbol : table.symbols) w.string(symbol);
  w.end().key("tiers");
  ValueWriter(w, false).write(table.tiers);
  w.key("source").string(table.source).key("date").string(table.date);
  if (table.contract) w.key("contract").string(toString(*table.contract));
  w.end();
  return w.take();
}

val describe() {
  JsWriter& w = writer();
  Describer d(w);
  w.object().key("structs").object();
  d.describe<Scenario>();
  d.describe<Position>();
  d.describe<Tier>();
  d.describe<BatchRequest>();
  d.describe<Report>();
  d.describe<Outcome>();
  d.describe<PositionOutcome>();
  d.describe<AccountOutcome>();
  d.describe<Comparison>();
  d.describe<TierBoundary>();
  d.describe<Step>();
  d.describe<InputError>();
  d.describe<AdjustRequest>();
  d.describe<TargetRequest>();
  d.describe<MaxOpenRequest>();
  d.describe<StopSizeRequest>();
  d.describe<MarginToTargetRequest>();
  d.describe<FundingRequest>();
  d.describe<OddsRequest>();
  d.describe<MonteCarloRequest>();
  d.describe<UnwindRequest>();
  d.describe<AdlRequest>();
  d.describe<VenueFigure>();  // reconcile
  d.describe<ReconcileRequest>();
  d.describe<ReconciledFigures>();
  d.describe<FigureDifference>();
  d.describe<PositionReconciliation>();
  d.describe<ReconcileResult>();
  d.describe<TickRequest>();  // venue.h: tickPrice, wholeLots
  d.describe<TickResult>();
  d.describe<LotRequest>();
  d.describe<LotResult>();
  d.describe<BookLevel>();
  d.describe<StressRequest>();
  d.describe<ShockRange>();
  d.describe<CascadeRequest>();
  d.describe<CascadePath>();
  d.describe<OptionsRequest>();
  d.describe<OptionsSweepRequest>();
  d.describe<PortfolioMarginRequest>();
  d.describe<OptionsScenario>();
  d.describeFuture();
  d.describe<OptionPosition>();
  d.describe<VolSurface>();
  d.describe<Black76Input>();
  d.describe<ImpliedVolatilityInput>();
  d.describe<Black76Greeks>();
  d.describe<ImpliedVolatility>();
  d.describe<OptionQuote>();
  d.describe<SurfaceFitRequest>();
  d.describe<SviSmile>();
  d.describe<SurfaceArbitrage>();
  d.describe<SurfaceFitResult>();
  d.describe<OptionsAccountResult>();
  d.describe<OptionValuation>();
  d.describe<FutureValuation>();
  d.describe<OptionsAccountView>();
  d.describe<LiquidationCrossing>();
  d.describe<IsolatedPositions>();
  d.describe<IsolatedPosition>();
  d.describe<IsolatedHorizon>();
  d.describe<PortfolioMarginResult>();
  d.describe<SizeCurveInput>();
  d.describe<InstrumentNameInput>();
  d.describe<InstrumentName>();
  d.describe<SizeCurveResult>();
  d.describe<Account>();
  d.describe<CollateralBalance>();
  d.describe<Underlying>();
  d.describe<AccountFuture>();
  d.describe<AccountOption>();
  d.describe<AccountRequest>();
  d.describe<AccountResult>();
  d.describe<AccountView>();
  d.describe<AssetView>();
  d.describe<PositionContribution>();
#ifdef MARGINLAB_RISK_LAB  // margin by venue: marginlab-full only (marginlab.wasm's size is evaluate's)
  d.describe<MarginByVenueRequest>();
  d.describe<SpanParams>();
  d.describe<SpanTier>();
  d.describe<SpanIntraSpread>();
  d.describe<SpanInterSpread>();
  d.describe<MarginByVenueResult>();
  d.describe<VenueMargin>();
  d.describe<PmComponent>();
  d.describe<PmScenario>();
  d.describe<PmGrid>();
  d.describe<VenueReverseRequest>();
  d.describe<NewLeg>();
  d.describe<VenueReverseResult>();
  d.describe<VenueReverse>();
  d.describe<LiquidationMove>();
  d.describe<ReverseAnswer>();
  d.describe<PmParameterSet>();
  d.describe<PmParameter>();
  d.describe<PmParameterDiff>();
  d.describe<PmParameterChange>();
#endif
  d.describe<CollateralBand>();
  d.describe<CollateralTiers>();
  d.describe<AccountRules>();
  d.describe<VenueView>();
  d.describe<UnderlyingLiquidation>();
  d.describe<OneFactorView>();
  d.describe<BoundaryAxis>();
  d.describe<BoundaryRequest>();
  d.describe<BoundaryPoint>();
  d.describe<BoundaryResult>();
  d.describe<BoundaryLine>();
  w.end().key("enums").object();
  const auto names = [&w](std::string_view type, auto e) {
    w.key(type).array();
    for (std::string_view name : enumNames(e)) w.string(name);
    w.end();
  };
  names(enumType(Rules{}), Rules{});
  names(enumType(Contract{}), Contract{});
  names(enumType(Side{}), Side{});
  names(enumType(MarginMode{}), MarginMode{});
  names(enumType(VolShockKind{}), VolShockKind{});
  names(enumType(OptionType{}), OptionType{});
  names(enumType(VolDynamics{}), VolDynamics{});
  names(enumType(AccountMargin{}), AccountMargin{});
  names(enumType(Convention{}), Convention{});
#ifdef MARGINLAB_RISK_LAB
  names(enumType(DeribitExtendedWeight{}), DeribitExtendedWeight{});
  names(enumType(DeribitRollShock{}), DeribitRollShock{});
  names(enumType(DeribitDeltaShock{}), DeribitDeltaShock{});
#endif
  names(enumType(AccountVenue{}), AccountVenue{});
  w.end().end();
  return w.take();
}

Result<Scenario> toScenario(const val& v) { return readScenario(packScenario(v)); }

Result<BatchRequest> toBatchRequest(const val& v) { return readBatchRequest(packBatchRequest(v)); }

}  // namespace mljs
