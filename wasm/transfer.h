// SPDX-License-Identifier: MIT
// MarginLab JS boundary: plain objects across in one call each way (transfer.js is the JS half).
// Embind costs a few JS calls per property read or set; a report has thousands of them.
#pragma once

#include <emscripten/val.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "packed.h"

namespace mljs {

using emscripten::val;

/// One JS value as read from an object: its kind, its number (numbers) or length (strings,
/// arrays), and the value itself for strings, objects, arrays and functions; a short string
/// read with others comes as its text instead.
struct Field {
  Kind kind = Kind::Undefined;
  double number = 0;
  val value = val::undefined();
  std::optional<std::string> text;

  /// The string (kind String).
  [[nodiscard]] std::string string() const { return text ? *text : value.as<std::string>(); }
};

/// "null", "array", or what typeof says: the words of the WrongType messages.
inline std::string_view typeName(const Field& field) { return kindName(field.kind); }
/// A value already in hand, as a Field.
Field fieldOf(const val& value);

/// object[keys[i]] for each key, in one call. \warning The keys must be string literals: the JS
/// side keeps their text by address.
template <std::size_t N>
std::array<Field, N> readFields(const val& object, const char* const (&keys)[N]);
/// array[0 .. count), in one call.
std::vector<Field> readElements(const val& array, std::size_t count);

/// array[0 .. count) and, for each element that is a plain object, its fields `keys` (literals),
/// in one call: element i's own Field (its kind only) at [i * (N + 1)], its fields after it.
template <std::size_t N>
std::vector<Field> readTable(const val& array, std::size_t count, const char* const (&keys)[N]);

namespace detail {
void readInto(const val& object, const char* const* keys, std::size_t count, Field* out);
std::vector<Field> readTable(const val& array, std::size_t count, const char* const* keys,
                             std::size_t keyCount);
}  // namespace detail

template <std::size_t N>
std::vector<Field> readTable(const val& array, std::size_t count, const char* const (&keys)[N]) {
  return detail::readTable(array, count, keys, N);
}

template <std::size_t N>
std::array<Field, N> readFields(const val& object, const char* const (&keys)[N]) {
  std::array<Field, N> out;
  detail::readInto(object, keys, N, out.data());
  return out;
}

/// Hands `value` to transfer.js, where the JS caller of a plain exported function takes it
/// (mljsTake): how such a function answers with a JS value instead of numbers.
void handOver(const val& value);

/// The area transfer.js packs a scenario into (packed.h): `slots` values and kinds, `textBytes` bytes.
Packed packedInput(std::size_t slots, std::size_t textBytes);
/// A JS scenario packed by transfer.js's encoder, the one every scenario crosses by. The slots stay
/// valid until the next packing.
Packed packScenario(const val& scenario);
/// A JS liquidation batch request packed (packed.h readBatchRequest).
Packed packBatchRequest(const val& request);

/// Writes one JS value (objects, arrays, numbers, strings, null, booleans, steps) into wasm
/// memory; take() has the JS side build it in one call. Keys and values go in the order given,
/// as val::set would have set them, so the objects come out the same.
class JsWriter {
 public:
  JsWriter& object();  ///< begins an object: key() and a value, repeated, then end()
  JsWriter& array();   ///< begins an array: values, then end()
  JsWriter& end();
  /// The key of the next value. A literal's text is sent once per writer, then its number.
  template <std::size_t N>
  JsWriter& key(const char (&literal)[N]) {
    return knownKey(literal, N - 1);
  }
  /// A key whose text is a string literal's (a name from fields()): as key(literal).
  JsWriter& field(std::string_view literal) { return knownKey(literal.data(), literal.size()); }
  /// A key of any text (a symbol): sent each time.
  JsWriter& key(std::string_view name);
  JsWriter& number(double x);
  JsWriter& null();
  JsWriter& optional(const std::optional<double>& x) { return x ? number(*x) : null(); }
  JsWriter& string(std::string_view text);
  JsWriter& boolean(bool b);
  /// An array of {field, code, label, formula, substituted, value, params} objects (fields(Step)).
  JsWriter& steps(const std::vector<marginlab::Step>& steps);
  /// An array of {path, code, rule, message, params} objects (fields(InputError)).
  JsWriter& errors(const std::vector<marginlab::InputError>& errors);
  /// Parameters as one object, { value: 500, symbol: "BTCUSDT" }.
  JsWriter& params(const std::vector<marginlab::Param>& params);
  /// The value written, as JS builds it; the writer is empty again.
  val take();

 private:
  JsWriter& knownKey(const char* literal, std::size_t size);
  void text(std::string_view s);
  /// A step's text: sent, or, when the same text was sent before in this value (a formula, a
  /// label), its number among the texts. True when it was a repeat.
  bool stepText(std::string_view s);
  /// A text that recurs from call to call (a step's field, code, formula; a parameter's name): its
  /// number among the names JS keeps, as -1 - number among the numbers, sent as a text too the first
  /// time. False when the table has no room or another writer is sending it: then as stepText.
  bool nameText(std::string_view s);
  /// A parameter's name as a key, its text sent once per value.
  void paramKey(std::string_view name);
  static bool plain(std::string_view s) noexcept;  ///< no zero byte: it can go in `text_`

  Buffer<char> ops_;
  Buffer<double> numbers_;
  Buffer<char> text_, raw_;
  std::size_t texts_ = 0;     ///< strings in text_
  std::size_t keyCount_ = 0;  ///< literal keys sent as kNewKey: JS numbers them 0, 1, ...
  /// Literal keys by a hash of their address: the address and JS's number for it.
  struct KeySlot {
    const char* literal = nullptr;
    std::size_t index = 0;
  };
  KeySlot keySlots_[128];
  /// Step texts sent, by a hash of their bytes: where they are and their number among the texts.
  struct TextSlot {
    const char* data = nullptr;
    std::size_t size = 0, index = 0;
  };
  TextSlot textSlots_[512];
  std::size_t firstNewName_ = SIZE_MAX;  ///< the first name this value sends: JS knows them once take() returns
};

}  // namespace mljs
