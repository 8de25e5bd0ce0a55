// SPDX-License-Identifier: MIT
// MarginLab JS boundary: a tool's request read by walking its fields() (marginlab/fields.h), one field
// of the JS object after another, with the path of each ("request.position"). One integer rule (a
// whole number in [0, Whole::high], else the Whole tag's row), the Required tag for a field JS must give.
#pragma once

#include <emscripten/val.h>

#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "marginlab/fields.h"
#include "reader.h"

namespace mljs {

/// Reads the described fields of `object` into a request; every problem goes to the Reader.
class RequestReader {
 public:
  RequestReader(Reader& reader, const val& object, std::string_view head)
      : reader_(reader), object_(object), head_(head) {}

  template <marginlab::Described T>
  void read(T& request) {
    fields(*this, request);
  }

  template <class T, class... Tags>
  void operator()(std::string_view name, T& x, Tags... tags) {
    constexpr bool required = (std::is_same_v<Tags, marginlab::Required> || ...);
    const std::string key(name);
    const Field f = fieldOf(object_[key]);
    const Path path(head_, name);
    if constexpr (std::is_same_v<T, double>) {
      if (const auto v = reader_.number(f, path, required)) x = *v;
    } else if constexpr (std::is_same_v<T, std::optional<double>>) {  // given but unreadable: NaN
      const std::size_t before = reader_.errors.size();
      x = reader_.number(f, path, false);
      if (!x && reader_.errors.size() > before) x = std::numeric_limits<double>::quiet_NaN();
    } else if constexpr (std::is_integral_v<T>) {
      if (const auto v = reader_.number(f, path, required)) integer(path, *v, x, tags...);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (const auto v = reader_.string(f, path, required)) x = *v;
    } else if constexpr (marginlab::NamedEnum<T>) {
      const auto names = enumNames(T{});
      const auto text = reader_.string(f, path, required);
      if (!text) return;
      for (std::size_t i = 0; i < names.size(); ++i)
        if (*text == names[i]) return void(x = static_cast<T>(i));
      std::size_t quote = marginlab::kMaxTextLength;
      ((void)[&] {
        if constexpr (std::is_same_v<Tags, marginlab::QuoteLimit>) quote = tags.length;
      }(), ...);
      reader_.fail(path.str(), "unknownValue", {{"value", text->substr(0, quote)}, {"accepted", accepted(names)}});
    } else {
      static_assert(sizeof(T) == 0, "a request field of a type the reader does not read");
    }
  }

 private:
  /// The one integer rule: a whole number in [0, high]; otherwise the Whole tag's row ("whole": the
  /// Checker's, finite first).
  template <class T, class... Tags>
  void integer(const Path& path, double v, T& x, Tags... tags) {
    marginlab::Whole whole{"requestIndex"};
    ((void)[&] {
      if constexpr (std::is_same_v<Tags, marginlab::Whole>) whole = tags;
    }(), ...);
    if (v >= 0 && v <= whole.high && std::trunc(v) == v) {
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

  static std::string accepted(std::span<const std::string_view> names) {
    std::string out;
    for (const std::string_view n : names) {
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }

  Reader& reader_;
  const val& object_;
  std::string_view head_;
};

}  // namespace mljs
