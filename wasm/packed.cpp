// SPDX-License-Identifier: MIT
// MarginLab JS boundary: the packed scenario read by walking fields(), and a report's numbers written
// the same way (see packed.h). No formula lives here.
#include "packed.h"

#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "marginlab/check.h"
#include "marginlab/fields.h"
#include "marginlab/validate.h"

namespace mljs {

using namespace marginlab;

namespace {

constexpr std::string_view kKindNames[kKinds] = {"undefined", "null",   "number",   "string", "boolean", "object",
                                                 "array",     "function", "bigint", "symbol", "string"};

Param textParam(std::string_view name, std::string_view value) { return {std::string(name), std::string(value)}; }
Param numberParam(std::string_view name, double value) { return {std::string(name), value}; }

template <class... Tags>
constexpr bool kRequired = (std::is_same_v<Tags, Required> || ...);

/// A count read from a slot: a whole number in [0, limit], else nothing (the caller reports it).
std::optional<std::size_t> countOf(double x, std::size_t limit) {
  if (!(x >= 0 && x <= static_cast<double>(limit)) || std::trunc(x) != x) return std::nullopt;
  return static_cast<std::size_t>(x);
}

/// Reads the fields of a Scenario from the slots, in the order of fields(); every problem goes to
/// `check` at the path of the field, built only for an error.
class PackedReader {
 public:
  explicit PackedReader(const Packed& in) : in_(in) {}
  Checker check;

  /// The kind of the value whose fields follow (the scenario itself): true for an object.
  bool object() {
    const Slot s = next();
    if (s.kind == Kind::Object) return true;
    check.fail("", "scenarioNotObject", {textParam("actual", kindName(s.kind))});
    return false;
  }

  template <class... Tags>
  void operator()(std::string_view name, double& x, Tags...) {
    if (const auto v = number(next(), name, kRequired<Tags...>)) x = *v;
  }
  void operator()(std::string_view name, std::optional<double>& x) { x = number(next(), name, false); }
  /// The one integer reader.
  void operator()(std::string_view name, int& x, Whole whole) {
    const auto v = number(next(), name, false);
    if (!v) return;
    if (std::trunc(*v) == *v && std::abs(*v) < 1e9) x = static_cast<int>(*v);
    else check.fail(path(name), whole.rule, {numberParam("value", *v)});
  }
  template <class... Tags>
  void operator()(std::string_view name, std::string& s, Tags...) {
    if (const auto t = string(next(), name, kRequired<Tags...>)) s = *t;
  }
  template <NamedEnum E, class... Tags>
  void operator()(std::string_view name, E& e, Tags...) {
    if (const auto v = choice<E>(next(), name, kRequired<Tags...>)) e = *v;
  }
  template <NamedEnum E>
  void operator()(std::string_view name, std::optional<E>& e) {
    e = choice<E>(next(), name, false);
  }
  /// The one list reader: positions, a table's rows.
  template <Described T, class... Tags>
  void operator()(std::string_view name, std::vector<T>& list, Tags... tags) {
    const Slot s = next();
    if (absent(s, name, kRequired<Tags...>)) return;
    list.clear();
    readList(s, name, limitOf(tags...).entries, list);
  }
  /// A record of lists keyed by symbol: the tier tables.
  void operator()(std::string_view name, std::map<std::string, TierTable, std::less<>>& tables, Limit limit);

 private:
  struct Slot {
    Kind kind = Kind::Undefined;
    double value = 0;
  };
  /// One step of the path: a name, or an index into the list named before it.
  struct Segment {
    std::string_view name;
    std::size_t index = kNoIndex;
  };
  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

  static Limit limitOf() { return {}; }
  template <class Tag, class... Tags>
  static Limit limitOf(Tag tag, Tags... tags) {
    if constexpr (std::is_same_v<Tag, Limit>) return tag;
    else return limitOf(tags...);
  }

  Slot next() {
    if (at_ >= in_.slots) return {};  // past the end: undefined
    const std::uint8_t k = in_.kinds[at_];
    const Slot s{k < kKinds ? static_cast<Kind>(k) : Kind::Symbol, in_.values[at_]};
    ++at_;
    return s;
  }

  [[gnu::noinline]] std::string path(std::string_view name = {}) const {
    std::string out;
    auto add = [&out](std::string_view part) {
      if (!out.empty()) out += '.';
      out += part;
    };
    for (const Segment& s : path_) {
      if (s.index == kNoIndex) add(s.name);
      else out.append("[").append(std::to_string(s.index)).append("]");
    }
    if (!name.empty()) add(name);
    return out;
  }

  /// True when the field is absent (undefined; null when optional), reporting it when required.
  [[gnu::noinline]] bool absent(const Slot& s, std::string_view name, bool required) {
    if (s.kind == Kind::Undefined || (!required && s.kind == Kind::Null)) {
      if (required) check.fail(path(name), "missing");
      return true;
    }
    return false;
  }
  [[gnu::noinline]] void wrongType(std::string_view name, std::string_view expected, Kind actual) {
    check.fail(path(name), "wrongType", {textParam("expected", expected), textParam("actual", kindName(actual))});
  }

  [[gnu::noinline]] std::optional<double> number(const Slot& s, std::string_view name, bool required) {
    if (absent(s, name, required)) return std::nullopt;
    if (s.kind != Kind::Number) {
      wrongType(name, "a number", s.kind);
      return std::nullopt;
    }
    return s.value;
  }

  /// The next string's bytes; a count past the text reads what is left.
  std::string_view bytes(double count) {
    const std::size_t left = in_.textSize - textAt_;
    const std::size_t n = countOf(count, left).value_or(left);
    const std::string_view out(in_.text + textAt_, n);
    textAt_ += n;
    return out;
  }

  [[gnu::noinline]] std::optional<std::string> string(const Slot& s, std::string_view name, bool required) {
    if (absent(s, name, required)) return std::nullopt;
    if (s.kind == Kind::LongString) {
      check.fail(path(name), "tooLongText", {numberParam("limit", static_cast<double>(kMaxTextLength))});
      return std::nullopt;
    }
    if (s.kind != Kind::String) {
      wrongType(name, "a string", s.kind);
      return std::nullopt;
    }
    return std::string(bytes(s.value));
  }

  template <class E>
  std::optional<E> choice(const Slot& s, std::string_view name, bool required) {
    const auto i = choiceIndex(s, name, required, enumNames(E{}));
    return i ? std::optional<E>(static_cast<E>(*i)) : std::nullopt;
  }
  /// The index of the string among `names`, or an unknownValue error listing them.
  [[gnu::noinline]] std::optional<std::size_t> choiceIndex(const Slot& s, std::string_view name, bool required,
                                                           std::span<const std::string_view> names) {
    const auto t = string(s, name, required);
    if (!t) return std::nullopt;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == *t) return i;
    std::string accepted;
    for (std::string_view n : names) accepted.append(accepted.empty() ? "" : ", ").append(n);
    check.fail(path(name), "unknownValue", {textParam("value", *t), textParam("accepted", accepted)});
    return std::nullopt;
  }

  /// A list at `s` (already known present) of at most `limit` objects.
  template <class T>
  void readList(const Slot& s, std::string_view name, std::size_t limit, std::vector<T>& list) {
    const auto n = listSize(s, name, limit, std::is_same_v<T, Tier>);
    if (!n) return;
    list.resize(*n);
    path_.push_back({name});
    for (std::size_t i = 0; i < *n; ++i) {
      path_.push_back({{}, i});
      if (element()) fields(*this, list[i]);
      path_.pop_back();
    }
    path_.pop_back();
  }
  /// A list's length, or an error (not a list; too long). `rows`: a tier table's words.
  [[gnu::noinline]] std::optional<std::size_t> listSize(const Slot& s, std::string_view name, std::size_t limit,
                                                        bool rows) {
    if (s.kind != Kind::Array) {
      wrongType(name, rows ? "an array of tier rows" : "an array", s.kind);
      return std::nullopt;
    }
    const auto n = countOf(s.value, limit);
    if (!n)
      check.fail(path(name), rows ? "tooManyTierRows" : "tooMany",
                 {numberParam("count", s.value), numberParam("limit", static_cast<double>(limit))});
    return n;
  }
  /// A list element's kind: true for an object (its fields follow), else an error at its index.
  [[gnu::noinline]] bool element() {
    const Slot e = next();
    if (e.kind == Kind::Object) return true;
    wrongType({}, "an object", e.kind);
    return false;
  }

  const Packed& in_;
  std::size_t at_ = 0, textAt_ = 0;
  std::vector<Segment> path_;
};

void PackedReader::operator()(std::string_view name, std::map<std::string, TierTable, std::less<>>& tables,
                              Limit limit) {
  const Slot s = next();
  if (absent(s, name, false)) return;
  if (s.kind != Kind::Object) return wrongType(name, "an object keyed by symbol", s.kind);
  const auto n = countOf(s.value, limit.entries);
  if (!n) {
    check.fail(path(name), "tooManyTierTables",
               {numberParam("count", s.value), numberParam("limit", static_cast<double>(limit.entries))});
    return;
  }
  path_.push_back({name});
  for (std::size_t i = 0; i < *n; ++i) {
    const Slot key = next();
    const std::string symbol(key.kind == Kind::String ? bytes(key.value) : std::string_view());
    TierTable rows;
    const Slot table = next();
    readList(table, symbol, limit.inner, rows);
    // A table that is not a list of rows is left out; one whose rows have errors is kept.
    if (table.kind == Kind::Array && countOf(table.value, limit.inner)) tables[symbol] = std::move(rows);
  }
  path_.pop_back();
}

// ---- the numbers of a report ------------------------------------------------------------------------

/// Writes a report's numbers in the order of fields() (packed.h, writeNumbers) at `at`, which has room.
struct NumberWriter {
  double* at;

  template <class... Tags>
  void operator()(std::string_view, double x, Tags...) { *at++ = x; }
  void operator()(std::string_view, const std::optional<double>& x) {
    *at++ = x ? *x : std::numeric_limits<double>::quiet_NaN();
  }
  void operator()(std::string_view, int x) { *at++ = x; }
  void operator()(std::string_view, const std::optional<int>& x) {
    *at++ = x ? *x : std::numeric_limits<double>::quiet_NaN();
  }
  void operator()(std::string_view, std::size_t x) { *at++ = static_cast<double>(x); }
  template <NamedEnum E>
  void operator()(std::string_view, E e) { *at++ = static_cast<double>(e); }
  template <Described T>
  void operator()(std::string_view, const T& x) { fields(*this, x); }
  template <Described T>
  void operator()(std::string_view, const std::optional<T>& x) {
    *at++ = x ? 1 : 0;
    if (x) fields(*this, *x);
  }
  template <Described T, class... Tags>
  void operator()(std::string_view, const std::vector<T>& list, Tags...) {
    *at++ = static_cast<double>(list.size());
    for (const T& x : list) fields(*this, x);
  }
  /// Strings cross as JS values, not numbers (steps, errors).
  template <class... Tags>
  void operator()(std::string_view, const std::vector<Step>&, Tags...) {}
  void operator()(std::string_view, const std::vector<InputError>&) {}
};

/// At least as many numbers as NumberWriter writes for `report`: every field counted as one, each
/// list's length and entries, each outcome's presence.
std::size_t numbersOf(const Report& report) {
  constexpr std::size_t kPerPosition = 32, kPerBoundary = 4, kPerOutcome = 16;
  std::size_t n = 8 + kPerPosition * report.comparisons.size();
  for (const auto* o : {&report.isolated, &report.cross, &report.asGiven}) {
    if (!*o) continue;
    n += kPerOutcome;
    for (const PositionOutcome& p : (*o)->positions) n += kPerPosition + kPerBoundary * p.tierBoundaries.size();
  }
  return n;
}

}  // namespace

std::string_view kindName(Kind kind) noexcept { return kKindNames[static_cast<std::size_t>(kind)]; }

Result<Scenario> readScenario(const Packed& in) {
  PackedReader r(in);
  Result<Scenario> out;
  if (!r.object()) {
    out.errors = std::move(r.check.errors);
    return out;
  }
  Scenario s;
  fields(r, s);
  if (r.check.ok()) {
    out.value = std::move(s);  // evaluate() validates it
    return out;
  }
  // Every error at once: the core's checks run on the fields that did convert; a field that did not
  // keeps its default and shows only its conversion error.
  out.errors = std::move(r.check.errors);
  mergeChecks(out.errors, validate(s));
  return out;
}

Result<TierTable> readTierTable(const Packed& in, std::string_view path) {
  PackedReader r(in);
  Result<TierTable> out;
  TierTable rows;
  r(path, rows, Required{}, Limit{kMaxTierRows});
  if (r.check.ok()) out.value = std::move(rows);
  else out.errors = std::move(r.check.errors);
  return out;
}

bool shadowed(const InputError& e, std::span<const InputError> conversion) {
  for (const InputError& c : conversion) {
    if (e.path == c.path) return true;
    if (e.path.size() > c.path.size() && e.path.compare(0, c.path.size(), c.path) == 0 &&
        (e.path[c.path.size()] == '.' || e.path[c.path.size()] == '['))
      return true;
  }
  return false;
}

void mergeChecks(std::vector<InputError>& conversion, std::vector<InputError> checks) {
  const std::size_t n = conversion.size();
  for (InputError& e : checks)
    if (!shadowed(e, {conversion.data(), n})) conversion.push_back(std::move(e));
}

void writeNumbers(const Report& report, Buffer<double>& out) {
  out.clear();
  out.reserve(numbersOf(report));
  NumberWriter writer{out.data()};
  fields(writer, report);
  out.resize(static_cast<std::size_t>(writer.at - out.data()));
}

}  // namespace mljs
