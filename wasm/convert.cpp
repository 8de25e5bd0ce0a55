// SPDX-License-Identifier: MIT
// MarginLab JS boundary: JS values to core types and back. Every struct is read and written by walking
// its fields() (marginlab/fields.h), never field by field here. No formula lives here.
#include "convert.h"

#include <string>
#include <type_traits>

#include "marginlab/fields.h"
#include "packed.h"
#include "transfer.h"

namespace mljs {

using emscripten::val;
using namespace marginlab;

namespace {

template <class T>
constexpr bool kInput = std::is_same_v<T, Scenario> || std::is_same_v<T, Position> || std::is_same_v<T, Tier> ||
                        std::is_same_v<T, BatchRequest> || std::is_same_v<T, AdjustRequest> || std::is_same_v<T, TargetRequest> ||
                        std::is_same_v<T, MaxOpenRequest> || std::is_same_v<T, StopSizeRequest> ||
                        std::is_same_v<T, MarginToTargetRequest> || std::is_same_v<T, FundingRequest> ||
                        std::is_same_v<T, OddsRequest> || std::is_same_v<T, MonteCarloRequest> || std::is_same_v<T, UnwindRequest> ||
                        std::is_same_v<T, BookLevel> || std::is_same_v<T, StressRequest> ||
                        std::is_same_v<T, ShockRange> || std::is_same_v<T, CascadeRequest> ||
                        std::is_same_v<T, CascadePath> || std::is_same_v<T, OptionsRequest> ||
                        std::is_same_v<T, OptionsSweepRequest> || std::is_same_v<T, PortfolioMarginRequest> ||
                        std::is_same_v<T, OptionsScenario> || std::is_same_v<T, OptionPosition> ||
                        std::is_same_v<T, VolSurface> || std::is_same_v<T, Black76Input> ||
                        std::is_same_v<T, ImpliedVolatilityInput>;

/// Writes described structs as JS objects by walking fields(): an input leaves an absent optional
/// out, an output writes it as null; steps are written only with `explain`.
class ValueWriter {
 public:
  ValueWriter(JsWriter& w, bool explain) : w_(w), explain_(explain) {}

  template <Described T>
  void write(const T& x) {
    input_ = kInput<T>;
    w_.object();
    fields(*this, x);
    w_.end();
  }
  void write(const TierTable& rows) {
    w_.array();
    for (const Tier& row : rows) write(row);
    w_.end();
  }

  template <class... Tags>
  void operator()(std::string_view name, double x, Tags...) { number(name, x); }
  template <class... Tags>
  void operator()(std::string_view name, int x, Tags...) { number(name, x); }
  void operator()(std::string_view name, std::size_t x) { number(name, static_cast<double>(x)); }
  template <class T>
  void operator()(std::string_view name, const std::optional<T>& x) {
    if (x) (*this)(name, *x);
    else if (!input_) w_.field(name).null();
  }
  template <Described T>
  void operator()(std::string_view name, const std::optional<T>& x) {  // an outcome: absent when absent
    if (x) (*this)(name, *x);
  }
  template <class... Tags>
  void operator()(std::string_view name, const std::string& s, Tags...) { string(name, s); }
  template <NamedEnum E, class... Tags>
  void operator()(std::string_view name, E e, Tags...) {
    string(name, enumNames(e)[static_cast<std::size_t>(e)]);
  }
  void operator()(std::string_view name, ErrorCode code) { string(name, toString(code)); }
  template <Described T>
  void operator()(std::string_view name, const T& x) {
    w_.field(name);
    write(x);
  }
  template <Described T, class... Tags>
  void operator()(std::string_view name, const std::vector<T>& list, Tags...) {
    w_.field(name).array();
    for (const T& x : list) write(x);
    w_.end();
  }
  template <class... Tags>
  void operator()(std::string_view name, const std::vector<Step>& steps, Tags...) {
    if (explain_) w_.field(name).steps(steps);
  }
  void operator()(std::string_view name, const std::vector<InputError>& errors) { w_.field(name).errors(errors); }
  void operator()(std::string_view name, const std::vector<Param>& params) { w_.field(name).params(params); }
  void operator()(std::string_view name, const std::map<std::string, TierTable, std::less<>>& tables, Limit) {
    if (tables.empty()) return;
    w_.field(name).object();
    for (const auto& [symbol, rows] : tables) {
      w_.key(std::string_view(symbol));
      write(rows);
    }
    w_.end();
  }

 private:
  // One call per field (the explain path is not the fast one; the module's size is a budget).
  [[gnu::noinline]] void number(std::string_view name, double x) { w_.field(name).number(x); }
  [[gnu::noinline]] void string(std::string_view name, std::string_view s) { w_.field(name).string(s); }

  JsWriter& w_;
  bool explain_ = false;
  bool input_ = false;
};

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
    constexpr bool required = (std::is_same_v<Tags, Required> || ...);
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
    if constexpr (std::is_arithmetic_v<T>) return "number";
    else if constexpr (std::is_same_v<T, std::string>) return "string";
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
  w.key("source").string(table.source).key("date").string(table.date).end();
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
  w.end().end();
  return w.take();
}

Result<Scenario> toScenario(const val& v) { return readScenario(packScenario(v)); }

Result<BatchRequest> toBatchRequest(const val& v) { return readBatchRequest(packBatchRequest(v)); }

}  // namespace mljs
