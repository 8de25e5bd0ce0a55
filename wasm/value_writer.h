// SPDX-License-Identifier: MIT
// MarginLab JS boundary: described structs (marginlab/fields.h) written as JS objects by walking their
// fields(), in one call (JsWriter): the report, the scenario, the options account's answers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "marginlab/fields.h"
#include "transfer.h"

namespace mljs {

template <class T>
constexpr bool kInput = std::is_same_v<T, marginlab::Scenario> || std::is_same_v<T, marginlab::Position> || std::is_same_v<T, marginlab::Tier> ||
                        std::is_same_v<T, marginlab::BatchRequest> || std::is_same_v<T, marginlab::AdjustRequest> || std::is_same_v<T, marginlab::TargetRequest> ||
                        std::is_same_v<T, marginlab::MaxOpenRequest> || std::is_same_v<T, marginlab::StopSizeRequest> ||
                        std::is_same_v<T, marginlab::MarginToTargetRequest> || std::is_same_v<T, marginlab::FundingRequest> ||
                        std::is_same_v<T, marginlab::OddsRequest> || std::is_same_v<T, marginlab::MonteCarloRequest> || std::is_same_v<T, marginlab::UnwindRequest> || std::is_same_v<T, marginlab::AdlRequest> ||
                        std::is_same_v<T, marginlab::VenueFigure> || std::is_same_v<T, marginlab::ReconcileRequest> ||
                        std::is_same_v<T, marginlab::TickRequest> || std::is_same_v<T, marginlab::LotRequest> ||
                        std::is_same_v<T, marginlab::BookLevel> || std::is_same_v<T, marginlab::StressRequest> ||
                        std::is_same_v<T, marginlab::ShockRange> || std::is_same_v<T, marginlab::CascadeRequest> ||
                        std::is_same_v<T, marginlab::CascadePath> || std::is_same_v<T, marginlab::OptionsRequest> ||
                        std::is_same_v<T, marginlab::OptionsSweepRequest> || std::is_same_v<T, marginlab::PortfolioMarginRequest> ||
                        std::is_same_v<T, marginlab::OptionsScenario> || std::is_same_v<T, marginlab::OptionPosition> ||
                        std::is_same_v<T, marginlab::VolSurface> || std::is_same_v<T, marginlab::Black76Input> ||
                        std::is_same_v<T, marginlab::ImpliedVolatilityInput> ||
                        std::is_same_v<T, marginlab::SizeCurveInput> || std::is_same_v<T, marginlab::InstrumentNameInput> ||
                        std::is_same_v<T, marginlab::OptionQuote> || std::is_same_v<T, marginlab::SurfaceFitRequest>;

/// Writes described structs as JS objects by walking fields(): an input leaves an absent optional
/// out, an output writes it as null; steps are written only with `explain`.
class ValueWriter {
 public:
  ValueWriter(JsWriter& w, bool explain) : w_(w), explain_(explain) {}

  template <marginlab::Described T>
  void write(const T& x) {
    w_.object();
    members(x);
    w_.end();
  }
  /// x's fields into the object being written (an answer: after its `errors`).
  template <marginlab::Described T>
  void members(const T& x) {
    input_ = kInput<T>;
    fields(*this, x);
  }
  void write(const marginlab::TierTable& rows) {
    w_.array();
    for (const marginlab::Tier& row : rows) write(row);
    w_.end();
  }

  template <class... Tags>
  void operator()(std::string_view name, double x, Tags...) { number(name, x); }
  template <class... Tags>
  void operator()(std::string_view name, int x, Tags...) { number(name, x); }
  void operator()(std::string_view name, std::size_t x) { number(name, static_cast<double>(x)); }
  void operator()(std::string_view name, bool b) { w_.field(name).boolean(b); }
  template <class... Tags>
  void operator()(std::string_view name, const std::vector<double>& xs, Tags...) {
    w_.field(name);
    numbers(xs);
  }
  template <class... Tags>
  void operator()(std::string_view name, const std::vector<std::vector<double>>& rows, Tags...) {
    w_.field(name).array();
    for (const std::vector<double>& row : rows) numbers(row);
    w_.end();
  }
  template <class T, class... Tags>
  void operator()(std::string_view name, const std::optional<T>& x, Tags...) {
    if (x) (*this)(name, *x);
    else if (!input_) w_.field(name).null();
  }
  template <marginlab::Described T, class... Tags>
  void operator()(std::string_view name, const std::optional<T>& x, Tags...) {  // an outcome: absent when absent
    if (x) (*this)(name, *x);
  }
  template <class... Tags>
  void operator()(std::string_view name, const std::string& s, Tags...) { string(name, s); }
  void operator()(std::string_view name, std::string_view s) { string(name, s); }  // a name from a table
  /// A list of strings (a surface's expiry dates): absent when empty, as a surface of years has none.
  template <class... Tags>
  void operator()(std::string_view name, const std::vector<std::string>& list, Tags...) {
    if (list.empty()) return;
    w_.field(name).array();
    for (const std::string& s : list) w_.string(s);
    w_.end();
  }
  template <marginlab::NamedEnum E, class... Tags>
  void operator()(std::string_view name, E e, Tags...) {
    string(name, marginlab::enumNames(e)[static_cast<std::size_t>(e)]);
  }
  void operator()(std::string_view name, marginlab::ErrorCode code) { string(name, marginlab::toString(code)); }
  /// A list of enum values (a reconciliation's conventions): their strings.
  template <marginlab::NamedEnum E, class... Tags>
  void operator()(std::string_view name, const std::vector<E>& list, Tags...) {
    w_.field(name).array();
    for (const E e : list) w_.string(marginlab::enumNames(e)[static_cast<std::size_t>(e)]);
    w_.end();
  }
  template <marginlab::Described T>
  void operator()(std::string_view name, const T& x) {
    w_.field(name);
    write(x);
  }
  template <marginlab::Described T, class... Tags>
  void operator()(std::string_view name, const std::vector<T>& list, Tags...) {
    w_.field(name).array();
    for (const T& x : list) write(x);
    w_.end();
  }
  template <class... Tags>
  void operator()(std::string_view name, const std::vector<marginlab::Step>& steps, Tags...) {
    if (explain_) w_.field(name).steps(steps);
  }
  void operator()(std::string_view name, const std::vector<marginlab::InputError>& errors) { w_.field(name).errors(errors); }
  void operator()(std::string_view name, const std::vector<marginlab::Param>& params) { w_.field(name).params(params); }
  void operator()(std::string_view name, const std::map<std::string, marginlab::TierTable, std::less<>>& tables, marginlab::Limit) {
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
  void numbers(const std::vector<double>& xs) {
    w_.array();
    for (double x : xs) w_.number(x);
    w_.end();
  }

  JsWriter& w_;
  bool explain_ = false;
  bool input_ = false;
};

}  // namespace mljs
