// SPDX-License-Identifier: MIT
// MarginLab JS boundary: the packed scenario read by walking fields(), and a report's numbers written
// the same way (see packed.h). No formula lives here.
#include "packed.h"

#include <algorithm>
#include <array>
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

  /// The kind of the value whose fields follow (the scenario, a request): true for an object.
  bool object(std::string_view name = {}) {
    const Slot s = next();
    if (s.kind == Kind::Object) return true;
    if (name.empty()) check.fail("", "scenarioNotObject", {textParam("actual", kindName(s.kind))});
    else wrongType(name, "an object", s.kind);
    return false;
  }
  /// The fields of `x`, their paths under `name` ("request.tiers").
  template <class T>
  void within(std::string_view name, T& x) {
    push({name});
    fields(*this, x);
    pop();
  }

  // Each field reads one slot: the hot path (the kind expected) inline, every other kind out of line.
  template <class... Tags>
  [[gnu::always_inline]] void operator()(std::string_view name, double& x, Tags...) {
    const Slot s = next();
    if (s.kind == Kind::Number) x = s.value;
    else if (!skipped(s.kind, kRequired<Tags...>)) notRead(s.kind, name, kRequired<Tags...>, "a number");
  }
  [[gnu::always_inline]] void operator()(std::string_view name, std::optional<double>& x) {
    const Slot s = next();
    if (s.kind == Kind::Number) {
      x = s.value;
    } else {
      x.reset();
      if (!skipped(s.kind, false)) notRead(s.kind, name, false, "a number");
    }
  }
  /// The one integer reader.
  void operator()(std::string_view name, int& x, Whole whole) {
    const Slot s = next();
    if (s.kind != Kind::Number) return notRead(s.kind, name, false, "a number");
    if (std::trunc(s.value) == s.value && std::abs(s.value) < 1e9) x = static_cast<int>(s.value);
    else check.fail(path(name), whole.rule, {numberParam("value", s.value)});
  }
  template <class... Tags>
  void operator()(std::string_view name, std::string& x, Tags...) {
    const Slot s = next();
    if (s.kind == Kind::String) x.assign(bytes(s.value));
    else if (!skipped(s.kind, kRequired<Tags...>)) notRead(s.kind, name, kRequired<Tags...>, "a string");
  }
  template <NamedEnum E, class... Tags>
  void operator()(std::string_view name, E& e, Tags...) {
    if (const auto i = named(name, enumNames(E{}), kRequired<Tags...>)) e = static_cast<E>(*i);
  }
  template <NamedEnum E>
  void operator()(std::string_view name, std::optional<E>& e) {
    e.reset();
    if (const auto i = named(name, enumNames(E{}), false)) e = static_cast<E>(*i);
  }
  /// The one list reader: positions, a table's rows.
  template <Described T, class... Tags>
  void operator()(std::string_view name, std::vector<T>& list, Tags... tags) {
    const Slot s = next();
    if (absent(s.kind, name, kRequired<Tags...>)) return list.clear();
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

  void push(Segment s) noexcept {
    if (depth_ < path_.size()) path_[depth_] = s;
    ++depth_;
  }
  void pop() noexcept { --depth_; }

  static Limit limitOf() { return {}; }
  template <class Tag, class... Tags>
  static Limit limitOf(Tag tag, Tags... tags) {
    if constexpr (std::is_same_v<Tag, Limit>) return tag;
    else return limitOf(tags...);
  }

  /// An optional field left out (undefined): nothing to read or report, decided inline.
  [[gnu::always_inline]] static bool skipped(Kind kind, bool required) { return !required && kind == Kind::Undefined; }
  /// The next slot; past the end, undefined.
  [[gnu::always_inline]] Slot next() {
    if (at_ >= in_.slots) return {};
    const Slot s{static_cast<Kind>(in_.kinds[at_]), in_.values[at_]};  // a byte past the kinds: kindName says so
    ++at_;
    return s;
  }

  [[gnu::noinline]] std::string path(std::string_view name = {}) const {
    std::string out;
    auto add = [&out](std::string_view part) {
      if (!out.empty()) out += '.';
      out += part;
    };
    for (std::size_t i = 0; i < std::min(depth_, path_.size()); ++i) {  // fields() nests 3 deep at most
      const Segment& s = path_[i];
      if (s.index == kNoIndex) add(s.name);
      else out.append("[").append(std::to_string(s.index)).append("]");
    }
    if (!name.empty()) add(name);
    return out;
  }

  /// True when the field is absent (undefined; null when optional), reporting it when required.
  [[gnu::noinline]] bool absent(Kind kind, std::string_view name, bool required) {
    if (kind == Kind::Undefined || (!required && kind == Kind::Null)) {
      if (required) check.fail(path(name), "missing");
      return true;
    }
    return false;
  }
  /// A field whose slot holds another kind than `expected`: nothing when it is absent and may be;
  /// otherwise the error (missing, tooLongText, wrongType).
  [[gnu::noinline, gnu::cold]] void notRead(Kind kind, std::string_view name, bool required, std::string_view expected) {
    if (absent(kind, name, required)) return;
    if (kind == Kind::LongString && expected == "a string")
      check.fail(path(name), "tooLongText", {numberParam("limit", static_cast<double>(kMaxTextLength))});
    else
      wrongType(name, expected, kind);
  }
  [[gnu::noinline]] void wrongType(std::string_view name, std::string_view expected, Kind actual) {
    check.fail(path(name), "wrongType", {textParam("expected", expected), textParam("actual", kindName(actual))});
  }

  /// The next string's bytes; a count past the text reads what is left.
  [[gnu::always_inline]] std::string_view bytes(double count) {
    const std::size_t left = in_.textSize - textAt_;
    const std::size_t n = count >= 0 && count <= static_cast<double>(left) ? static_cast<std::size_t>(count) : left;
    const std::string_view out(in_.text + textAt_, n);
    textAt_ += n;
    return out;
  }

  /// An enum field: the index of its string among `names`; nothing when it is absent or wrong (reported).
  [[gnu::noinline]] std::optional<std::size_t> named(std::string_view name, std::span<const std::string_view> names,
                                                     bool required) {
    const Slot s = next();
    if (s.kind == Kind::String) return choice(bytes(s.value), name, names);
    if (!skipped(s.kind, required)) notRead(s.kind, name, required, "a string");
    return std::nullopt;
  }
  /// The index of `text` among `names`, or an unknownValue error listing them.
  [[gnu::noinline]] std::optional<std::size_t> choice(std::string_view text, std::string_view name,
                                                      std::span<const std::string_view> names) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == text) return i;
    std::string accepted;
    for (std::string_view n : names) accepted.append(accepted.empty() ? "" : ", ").append(n);
    check.fail(path(name), "unknownValue", {textParam("value", text), textParam("accepted", accepted)});
    return std::nullopt;
  }

  /// A list at `s` (already known present) of at most `limit` objects.
  template <class T>
  void readList(const Slot& s, std::string_view name, std::size_t limit, std::vector<T>& list) {
    const auto n = listSize(s, name, limit, std::is_same_v<T, Tier>);
    if (!n) return list.clear();
    list.resize(*n);  // the entries already there keep their memory (a reader reused from call to call)
    push({name});
    for (std::size_t i = 0; i < *n; ++i) {
      push({{}, i});
      list[i] = T{};
      if (element()) fields(*this, list[i]);
      pop();
    }
    pop();
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
      check.fail(path(name), rows ? Rule("tooManyTierRows") : Rule("tooMany"),
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
  /// The path so far: a list, an index, a tier table's symbol (deeper paths are not read).
  std::array<Segment, 4> path_;
  std::size_t depth_ = 0;
};

void PackedReader::operator()(std::string_view name, std::map<std::string, TierTable, std::less<>>& tables,
                              Limit limit) {
  // The tables this read fills (their addresses), for dropping the ones an earlier read into the same
  // scenario left; kept from call to call for its memory (one reader at a time: wasm has one thread).
  static std::vector<const TierTable*> read_;
  read_.clear();
  const Slot s = next();
  if (!absent(s.kind, name, false)) {
    if (s.kind != Kind::Object) {
      wrongType(name, "an object keyed by symbol", s.kind);
    } else if (const auto n = countOf(s.value, limit.entries); !n) {
      check.fail(path(name), "tooManyTierTables",
                 {numberParam("count", s.value), numberParam("limit", static_cast<double>(limit.entries))});
    } else {
      push({name});
      for (std::size_t i = 0; i < *n; ++i) {
        const Slot key = next();
        const std::string_view symbol = key.kind == Kind::String ? bytes(key.value) : std::string_view();
        // A table already in the map (a reader reused from call to call) keeps its memory.
        auto it = tables.find(symbol);
        if (it == tables.end()) it = tables.emplace(std::string(symbol), TierTable()).first;
        const Slot table = next();
        readList(table, symbol, limit.inner, it->second);
        // A table that is not a list of rows is left out; one whose rows have errors is kept.
        const auto before = std::find(read_.begin(), read_.end(), &it->second);  // a key given twice (not from JS)
        if (table.kind == Kind::Array && countOf(table.value, limit.inner)) {
          if (before == read_.end()) read_.push_back(&it->second);
        } else {
          if (before != read_.end()) read_.erase(before);
          tables.erase(it);
        }
      }
      pop();
    }
  }
  // What an earlier read left and this one did not read goes.
  if (read_.size() == tables.size()) return;  // every table was read (the keys of a JS object differ)
  for (auto it = tables.begin(); it != tables.end();) {
    if (std::find(read_.begin(), read_.end(), &it->second) != read_.end()) ++it;
    else it = tables.erase(it);
  }
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
  void operator()(std::string_view, bool x) { *at++ = x ? 1 : 0; }
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
  /// A short text of the report (settlementAsset): its length, then each byte's code (transfer.js mljsText).
  template <class... Tags>
  void operator()(std::string_view, const std::string& s, Tags...) {
    *at++ = static_cast<double>(s.size());
    for (const char c : s) *at++ = static_cast<unsigned char>(c);
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
  std::size_t n = 8 + kPerPosition * report.comparisons.size() + 1 + report.settlementAsset.size();
  for (const auto* o : {&report.isolated, &report.cross, &report.asGiven}) {
    if (!*o) continue;
    n += kPerOutcome;
    for (const PositionOutcome& p : (*o)->positions) n += kPerPosition + kPerBoundary * p.tierBoundaries.size();
  }
  return n;
}

}  // namespace

std::string_view kindName(Kind kind) noexcept {
  const auto k = static_cast<std::size_t>(kind);
  return k < kKinds ? kKindNames[k] : "symbol";  // a byte no packer writes: some other kind of value
}

std::vector<InputError> readScenario(const Packed& in, Scenario& s) {
  PackedReader r(in);
  if (!r.object()) return std::move(r.check.errors);
  s.version = 1;  // the defaults of the fields a scenario may leave out (the others are read)
  s.rules = Rules::Binance;
  s.takerFeeRate.reset();
  fields(r, s);
  if (r.check.ok()) return {};  // evaluate() validates it
  // Every error at once: the core's checks run on the fields that did convert; a field that did not
  // keeps its default and shows only its conversion error.
  std::vector<InputError> errors = std::move(r.check.errors);
  mergeChecks(errors, validate(s));
  return errors;
}

Result<Scenario> readScenario(const Packed& in) {
  Result<Scenario> out;
  Scenario s;
  out.errors = readScenario(in, s);
  if (out.errors.empty()) out.value = std::move(s);
  return out;
}

Result<BatchRequest> readBatchRequest(const Packed& in) {
  PackedReader r(in);
  Result<BatchRequest> out;
  BatchRequest b;
  if (r.object("request")) r.within("request", b);
  if (r.check.ok()) out.value = std::move(b);
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
