// SPDX-License-Identifier: MIT
// MarginLab JS boundary: a tool's request read by walking its fields() (marginlab/fields.h): its fields
// read in one call, then each converted with the path the walk builds ("request.book[2].price"). One
// integer rule (a whole number in [0, Whole::high], else the Whole tag's row), one list rule (Limit,
// ListOf's words), Required for a field JS must give; the other tags are in fields.h.
#pragma once

#include <emscripten/val.h>

#include <cmath>
#include <map>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "marginlab/fields.h"
#include "reader.h"

namespace mljs {

/// Reads the described fields of `object` into a request, all of them in one call (a list of
/// objects: the whole list in one call); every problem goes to the Reader.
class RequestReader {
 public:
  /// \warning `object` must outlive the reader (no handle is copied: each copy of a val is a JS call).
  RequestReader(Reader& reader, const val& object, std::string_view head)
      : reader_(reader), object_(&object), head_(head) {}
  /// For the fields of entry `index` of the list at `head`, already read (readFrom), without their object.
  RequestReader(Reader& reader, std::string_view head, std::size_t index) : reader_(reader), head_(head), index_(index) {}

  template <marginlab::Described T>
  void read(T& request) {
    const std::vector<const char*>& keys = keysOf<T>();
    std::vector<Field> got(keys.size());
    detail::readInto(*object_, keys.data(), keys.size(), got.data());
    readFrom(got.data(), request);
  }

  /// The fields already read, in fields() order (of the description `as` selects: AsFuture).
  template <marginlab::Described T, class... As>
  void readFrom(const Field* got, T& request, As... as) {
    read_ = got;
    fields(*this, request, as...);
  }

  template <class T, class... Tags>
  void operator()(std::string_view name, T& x, Tags... tags) {
    constexpr bool required = (std::is_same_v<Tags, marginlab::Required> || ...);
    const Field& f = *read_++;  // a copy would cost the value handle a JS call each way
    const Path path(head_, index_, name);
    if constexpr ((std::is_same_v<Tags, marginlab::NullWrong> || ...))
      if (f.kind == Kind::Null) return wrongType(path.str(), std::is_arithmetic_v<T> ? "a number" : "a string", "null");
    if constexpr (std::is_same_v<T, double>) {
      if (f.kind == Kind::Undefined && given<Tags...>(tags...)) return;  // the field it stands for is given
      if (const auto v = reader_.number(f, path, required)) x = *v;
    } else if constexpr (std::is_same_v<T, std::optional<double>> && (std::is_same_v<Tags, marginlab::KeepAbsent> || ...)) {
      x = reader_.number(f, path, false);
    } else if constexpr (std::is_same_v<T, std::optional<double>>) {  // given but unreadable: NaN
      const std::size_t before = reader_.errors.size();
      x = reader_.number(f, path, false);
      if (!x && reader_.errors.size() > before) x = std::numeric_limits<double>::quiet_NaN();
    } else if constexpr (std::is_same_v<T, bool>) {  // true or false; absent keeps the default
      if (f.kind == Kind::Boolean) x = f.number != 0;
      else if (f.kind != Kind::Undefined && f.kind != Kind::Null) wrongType(path.str(), "true or false", typeName(f));
    } else if constexpr (std::is_integral_v<T>) {
      if (const auto v = reader_.number(f, path, required)) integer(path, *v, x, tags...);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (const auto v = text(f, path, required, tags...)) x = *v;
    } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
      x = reader_.string(f, path, false);
    } else if constexpr (IsOptionalEnum<T>::value) {  // absent, or one of its strings
      typename T::value_type e{};
      if (enumeration(f, path, required, e, tags...)) x = e;
    } else if constexpr (marginlab::NamedEnum<T>) {
      enumeration(f, path, required, x, tags...);
    } else if constexpr (std::is_same_v<T, std::vector<double>> && (std::is_same_v<Tags, marginlab::Values> || ...)) {
      if (f.kind == Kind::Undefined && given<Tags...>(tags...)) return;  // the field it stands for is given
      if (!absent(f, path, required)) values(path.str(), f, x, tags...);
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      if (f.kind != Kind::Undefined && f.kind != Kind::Null) texts(path.str(), f, x, tags...);
    } else if constexpr (std::is_same_v<T, std::vector<std::vector<double>>> && (std::is_same_v<Tags, marginlab::Values> || ...)) {
      if (!absent(f, path, required)) rows(path.str(), f, x, tags...);
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
      if (f.kind == Kind::Undefined && given<Tags...>(tags...)) return;  // the field it stands for is given
      numbers(path.str(), f, x, tags...);
    } else if constexpr (std::is_same_v<T, std::vector<std::vector<double>>>) {
      if (f.kind != Kind::Undefined && f.kind != Kind::Null) rows(path.str(), f, x, tags...);
    } else if constexpr (std::is_same_v<T, std::vector<SymbolNumbers>>) {
      if (f.kind == Kind::Undefined && given<Tags...>(tags...)) return;  // the field it stands for is given
      steps(path.str(), f, x, tags...);
    } else if constexpr (std::is_same_v<T, SymbolNumbers>) {
      if (f.kind != Kind::Undefined && f.kind != Kind::Null) symbolNumbers(path.str(), f, x, tags...);
    } else if constexpr (std::is_same_v<T, std::map<std::string, marginlab::TierTable, std::less<>>>) {
      if (f.kind != Kind::Undefined && f.kind != Kind::Null) tierTables(path.str(), f, x, tags...);
    } else if constexpr (IsOptional<T>::value) {  // an object field: present once given, read when an object
      if (f.kind == Kind::Undefined || f.kind == Kind::Null) return;
      x.emplace();
      std::string_view shape;
      ((void)[&] {
        if constexpr (std::is_same_v<Tags, marginlab::Shape>) shape = tags.shape;
      }(), ...);
      if (f.kind != Kind::Object) wrongType(path.str(), "an object " + std::string(shape), typeName(f));
      else RequestReader(reader_, f.value, path.str()).read(*x);  // path.str() lives to the end of the statement
    } else if constexpr (IsList<T>::value) {
      if (f.kind == Kind::Undefined || f.kind == Kind::Null) {
        if (required) reader_.fail(path.str(), "missing");
        return;
      }
      list(path.str(), f, x, tags...);
    } else if constexpr (!marginlab::kStructName<T>.empty()) {  // a described struct, always present
      if (f.kind == Kind::Undefined || f.kind == Kind::Null) {
        if (required) reader_.fail(path.str(), "missing");
        return;
      }
      if (f.kind != Kind::Object) wrongType(path.str(), "an object", typeName(f));
      else RequestReader(reader_, f.value, path.str()).read(x);
    } else {
      static_assert(sizeof(T) == 0, "a request field of a type the reader does not read");
    }
  }

 private:
  /// Absent (undefined; null too when not required): true, with a Missing error when required.
  bool absent(const Field& f, const Path& path, bool required) {
    if (f.kind != Kind::Undefined && (required || f.kind != Kind::Null)) return false;
    if (required) reader_.fail(path.str(), "missing");
    return true;
  }

  /// The one integer rule: a whole number in [low, high] (low 0 unless the tag says); otherwise the
  /// Whole tag's row ("whole": the Checker's, finite first).
  template <class T, class... Tags>
  void integer(const Path& path, double v, T& x, Tags... tags) {
    marginlab::Whole whole{"requestIndex"};
    ((void)[&] {
      if constexpr (std::is_same_v<Tags, marginlab::Whole>) whole = tags;
    }(), ...);
    if (v >= whole.low && v <= whole.high && std::trunc(v) == v) {
      x = static_cast<T>(v);
      return;
    }
    if (&whole.rule.message() == &marginlab::msg::whole) {
      marginlab::Checker c;
      c.whole(path.str(), v, 0, whole.high);
      reader_.errors.insert(reader_.errors.end(), c.errors.begin(), c.errors.end());
    } else {
      reader_.fail(path.str(), whole.rule, {{"value", v}});
    }
  }

  using SymbolNumbers = std::map<std::string, double, std::less<>>;

  /// The names of T's fields in fields() order: string literals, as readInto and readTable need.
  struct Names {
    std::vector<const char*> keys;
    template <class U, class... Tags>
    void operator()(std::string_view name, const U&, Tags...) {
      keys.push_back(name.data());
    }
  };
  template <class T, class... As>
  static const std::vector<const char*>& keysOf() {
    static const std::vector<const char*> keys = [] {
      Names n;
      const T x{};
      fields(n, x, As{}...);
      return n.keys;
    }();
    return keys;
  }

  template <class T>
  struct IsOptionalEnum : std::false_type {};
  template <marginlab::NamedEnum E>
  struct IsOptionalEnum<std::optional<E>> : std::true_type {};

  /// A string of at most kMaxTextLength; with a Cut tag, of any length, cut to the tag's length.
  template <class... Tags>
  std::optional<std::string> text(const Field& f, const Path& path, bool required, Tags... tags) {
    std::size_t cut = std::string::npos;
    ((void)[&] {
      if constexpr (std::is_same_v<Tags, marginlab::Cut>) cut = tags.length;
    }(), ...);
    auto s = reader_.string(f, path, required, cut == std::string::npos ? marginlab::kMaxTextLength : std::string::npos);
    if (s && s->size() > cut) s->resize(cut);
    return s;
  }

  /// An enum string: true with `x` set, or false (absent, or an error naming the accepted strings).
  template <class E, class... Tags>
  bool enumeration(const Field& f, const Path& path, bool required, E& x, Tags... tags) {
    const auto names = enumNames(E{});
    const auto text = this->text(f, path, required, tags...);
    if (!text) return false;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (*text == names[i]) return x = static_cast<E>(i), true;
    std::size_t quote = marginlab::kMaxTextLength;
    ((void)[&] {
      if constexpr (std::is_same_v<Tags, marginlab::QuoteLimit>) quote = tags.length;
    }(), ...);
    reader_.fail(path.str(), "unknownValue", {{"value", text->substr(0, quote)}, {"accepted", accepted(names)}});
    return false;
  }

  /// Steps of records by symbol (a cascade's marks): an array of at most Limit::entries, each a
  /// record of at most Limit::inner numbers (absent: an empty step).
  template <class... Tags>
  void steps(const std::string& path, const Field& f, std::vector<SymbolNumbers>& out, Tags... tags) {
    const marginlab::Limit limit = limitOf(tags...);
    if (f.kind != Kind::Array) return reader_.fail(path, "marksNotArray", {{"shape", std::string("{ symbol: price }")}});
    const auto n = static_cast<std::size_t>(f.number);
    if (n > limit.entries) {
      reader_.fail(path, "tooManyMarkSteps", {{"count", static_cast<double>(n)}, {"limit", static_cast<double>(limit.entries)}});
      return;
    }
    const std::vector<Field> entries = readElements(f.value, n);
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      if (entries[i].kind != Kind::Undefined && entries[i].kind != Kind::Null)
        symbolNumbers(path + "[" + std::to_string(i) + "]", entries[i], out[i], marginlab::Limit{limit.inner});
  }

  /// Rows of numbers (a matrix): an array of at most Limit::entries rows, each a list of numbers of at
  /// most Limit::inner. With the Values tag, as the options account reads a surface's vols: each row
  /// read as values() (a row absent: Missing), in that account's words.
  template <class... Tags>
  void rows(const std::string& path, const Field& f, std::vector<std::vector<double>>& out, Tags... tags) {
    constexpr bool asValues = (std::is_same_v<Tags, marginlab::Values> || ...);
    const marginlab::Limit limit = limitOf(tags...);
    if (f.kind != Kind::Array) return wrongType(path, asValues ? "an array of rows, one per expiry" : "an array of rows", typeName(f));
    const auto n = static_cast<std::size_t>(f.number);
    if (n > limit.entries) {
      reader_.fail(path, asValues ? marginlab::Rule("optionsTooManyRows") : marginlab::Rule("tooMany"),
                   {{"count", static_cast<double>(n)}, {"limit", static_cast<double>(limit.entries)}});
      return;
    }
    const std::vector<Field> entries = readElements(f.value, n);
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      if constexpr (asValues) {
        if (!absent(entries[i], at, true)) values(at, entries[i], out[i], marginlab::Limit{limit.inner});
      } else {
        numbers(at, entries[i], out[i], marginlab::Limit{limit.inner});
      }
    }
  }

  template <class T>
  struct IsOptional : std::false_type {};
  template <marginlab::Described T>
  struct IsOptional<std::optional<T>> : std::true_type {};
  template <class T>
  struct IsList : std::false_type {};

  /// With an Instead tag: whether the field it names is given (neither undefined nor null).
  template <class... Tags>
  bool given(Tags... tags) {
    bool out = false;
    ((void)[&] {
      if constexpr (std::is_same_v<Tags, marginlab::Instead>) {
        if (!object_) return;  // an entry of a list: its object is not kept
        const val other = (*object_)[std::string(tags.other)];
        out = !other.isUndefined() && !other.isNull();
      }
    }(), ...);
    return out;
  }

  template <class... Tags>
  static marginlab::Limit limitOf(Tags... tags) {
    marginlab::Limit limit;
    ((void)[&] {
      if constexpr (std::is_same_v<Tags, marginlab::Limit>) limit = tags;
    }(), ...);
    return limit;
  }

  /// A list of numbers (an array or a Float64Array), read in one call; an entry that is not a number
  /// is an error and left out.
  template <class... Tags>
  void numbers(const std::string& path, const Field& f, std::vector<double>& out, Tags... tags) {
    if (f.kind != Kind::Array && !(f.kind == Kind::Object && f.value.instanceof(val::global("Float64Array"))))
      return wrongType(path, "an array of numbers", typeName(f));
    const std::size_t n = f.value["length"].as<std::size_t>();
    const std::size_t limit = limitOf(tags...).entries;
    if (n > limit) {
      reader_.fail(path, "tooManyEntries", {{"count", static_cast<double>(n)}, {"limit", static_cast<double>(limit)}});
      return;
    }
    const std::vector<Field> entries = readElements(f.value, n);
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (entries[i].kind == Kind::Number) out.push_back(entries[i].number);
      else reader_.fail(path + "[" + std::to_string(i) + "]", "notANumber");
    }
  }

  /// A list of numbers as the options account reads one (the Values tag): an array; an entry that is
  /// not a number is NaN, so that the core's check there is shadowed by the error here.
  template <class... Tags>
  void values(const std::string& path, const Field& f, std::vector<double>& out, Tags... tags) {
    const std::optional<std::vector<Field>> read = entriesOf(path, f, "an array of numbers", tags...);
    if (!read) return;
    const std::vector<Field>& entries = *read;
    const std::size_t n = entries.size();
    out.assign(n, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < n; ++i) {
      if (entries[i].kind == Kind::Number) out[i] = entries[i].number;
      else wrongType(path + "[" + std::to_string(i) + "]", "a number", typeName(entries[i]));
    }
  }

  /// A list of strings (a surface's expiry dates): an array of at most Limit entries, each a string
  /// of at most kMaxTextLength; an entry that is not one is an error at its index and reads as "".
  template <class... Tags>
  void texts(const std::string& path, const Field& f, std::vector<std::string>& out, Tags... tags) {
    const std::optional<std::vector<Field>> entries = entriesOf(path, f, "an array of strings", tags...);
    if (!entries) return;
    out.assign(entries->size(), std::string());
    for (std::size_t i = 0; i < entries->size(); ++i)
      if (auto s = reader_.string((*entries)[i], Path(path, i), true)) out[i] = std::move(*s);
  }

  /// The entries of an options-account list, read in one call: none (its error said) when it is not
  /// an array, or has more than Limit entries (the row optionsTooManyValues).
  template <class... Tags>
  std::optional<std::vector<Field>> entriesOf(const std::string& path, const Field& f, std::string_view expected, Tags... tags) {
    if (f.kind != Kind::Array) {
      wrongType(path, std::string(expected), typeName(f));
      return std::nullopt;
    }
    const auto n = static_cast<std::size_t>(f.number);
    const std::size_t limit = limitOf(tags...).entries;
    if (n > limit) {
      reader_.fail(path, "optionsTooManyValues", {{"count", static_cast<double>(n)}, {"limit", static_cast<double>(limit)}});
      return std::nullopt;
    }
    return readElements(f.value, n);
  }

  /// A record of numbers by symbol: an object of at most Limit keys, each a number.
  template <class... Tags>
  void symbolNumbers(const std::string& path, const Field& f, SymbolNumbers& out, Tags... tags) {
    if (f.kind != Kind::Object) return wrongType(path, "an object keyed by symbol", typeName(f));
    const val keys = val::global("Object").call<val>("keys", f.value);
    const std::size_t n = keys["length"].as<std::size_t>();
    const std::size_t limit = limitOf(tags...).entries;
    if (n > limit) {
      reader_.fail(path, "tooManySymbols", {{"count", static_cast<double>(n)}, {"limit", static_cast<double>(limit)}});
      return;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::string key = keys[i].as<std::string>();
      if (const auto x = reader_.number(fieldOf(f.value[key]), path + "." + key, true)) out[key] = *x;
    }
  }
  /// Tier tables by symbol (an account's tiers, as a scenario's): at most Limit::entries tables of at
  /// most Limit::inner rows, each row read by its fields().
  template <class... Tags>
  void tierTables(const std::string& path, const Field& f, std::map<std::string, marginlab::TierTable, std::less<>>& out,
                  Tags... tags) {
    if (f.kind != Kind::Object) return wrongType(path, "an object keyed by symbol", typeName(f));
    const val keys = val::global("Object").call<val>("keys", f.value);
    const std::size_t n = keys["length"].as<std::size_t>();
    const marginlab::Limit limit = limitOf(tags...);
    if (n > limit.entries) {
      reader_.fail(path, "tooManyTierTables", {{"count", static_cast<double>(n)}, {"limit", static_cast<double>(limit.entries)}});
      return;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::string key = keys[i].as<std::string>();
      if (key.size() > marginlab::kMaxTextLength) {
        reader_.fail(path + "." + key.substr(0, marginlab::kMaxTextLength), "tooLongText",
                     {{"limit", static_cast<double>(marginlab::kMaxTextLength)}});
        continue;
      }
      const std::string at = path + "." + key;
      const Field table = fieldOf(f.value[key]);
      if (table.kind == Kind::Undefined || table.kind == Kind::Null) continue;
      list(at, table, out[key], marginlab::Limit{limit.inner}, marginlab::ListOf{"", "", "tooManyTierRows"});
    }
  }
  template <marginlab::Described T>
  struct IsList<std::vector<T>> : std::true_type {};

  /// The one list rule: an array of at most Limit entries, each an object read by its fields() (an
  /// AsFuture tag: that description, each contract the tag's settlement unless given); an entry that is
  /// not one stays at its defaults (so that the core's paths stay those of the request).
  template <class T, class... Tags>
  void list(const std::string& path, const Field& f, std::vector<T>& out, Tags... tags) {
    const marginlab::Limit limit = limitOf(tags...);
    marginlab::ListOf words{"", "", "tooMany"};
    ((void)[&] {
      if constexpr (std::is_same_v<Tags, marginlab::ListOf>) words = tags;
    }(), ...);
    const std::string shape = words.shape.empty() ? "" : " " + std::string(words.shape);
    if (f.kind != Kind::Array)
      return wrongType(path, words.shape.empty() ? "an array" : "an array of" + shape + " " + std::string(words.items), typeName(f));
    const auto n = static_cast<std::size_t>(f.number);
    if (n > limit.entries) {
      reader_.fail(path, words.tooMany, {{"count", static_cast<double>(n)}, {"limit", static_cast<double>(limit.entries)}});
      return;
    }
    if constexpr ((std::is_same_v<Tags, marginlab::AsFuture> || ...)) {
      marginlab::AsFuture as;
      ((void)[&] {
        if constexpr (std::is_same_v<Tags, marginlab::AsFuture>) as = tags;
      }(), ...);
      out.assign(n, T{});
      for (T& x : out) x.contract = as.settlement;
      entries(path, f, out, "an object" + shape, as);
    } else {
      out.resize(n);
      entries(path, f, out, "an object" + shape);
    }
  }

  /// The `out.size()` entries of the array `f`, read in one call by the description `as` selects.
  template <class T, class... As>
  void entries(const std::string& path, const Field& f, std::vector<T>& out, const std::string& object, As... as) {
    const std::vector<const char*>& keys = keysOf<T, As...>();
    const std::size_t stride = keys.size() + 1;  // each entry's kind, then its fields
    const std::vector<Field> table = detail::readTable(f.value, out.size(), keys.data(), keys.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      const Field& entry = table[i * stride];
      if (entry.kind != Kind::Object) wrongType(Path(path, i).str(), object, typeName(entry));
      else RequestReader(reader_, path, i).readFrom(&table[i * stride + 1], out[i], as...);
    }
  }

  void wrongType(const std::string& path, std::string expected, std::string_view actual) {
    reader_.fail(path, "wrongType", {{"expected", std::move(expected)}, {"actual", std::string(actual)}});
  }

  static std::string accepted(std::span<const std::string_view> names) {
    std::string out;
    for (const std::string_view n : names) {
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }

  Reader& reader_;
  const val* object_ = nullptr;  ///< the object read (for an Instead tag's look at the other field)
  std::string_view head_;
  std::size_t index_ = Path::kNoIndex;  ///< an entry's index in the list at head_
  const Field* read_ = nullptr;  ///< the next field, read in one call
};

}  // namespace mljs
