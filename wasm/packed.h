// SPDX-License-Identifier: MIT
// MarginLab JS boundary, the packed path (plain C++, no Emscripten: the fuzzer builds it natively).
// transfer.js packs a scenario into one slot per field, in the order of fields() (marginlab/fields.h);
// readScenario() walks the same description over the slots. writeNumbers() writes a report's numbers
// in that order for transfer.js's decoder. Every count and length read is bounded.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "marginlab/batch.h"
#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"
#include "marginlab/tiers.h"

namespace mljs {

/// What a JS value is (the order of transfer.js's kinds). LongString: a string longer than
/// marginlab::kMaxTextLength, sent as its length only.
enum class Kind : std::uint8_t {
  Undefined,
  Null,
  Number,
  String,
  Boolean,
  Object,
  Array,
  Function,
  BigInt,
  Symbol,
  LongString,
};
inline constexpr std::size_t kKinds = 11;

/// "null", "array", or what typeof says: the words of the wrongType messages ("symbol" for a byte past
/// the kinds).
std::string_view kindName(Kind kind) noexcept;

/// A scenario as transfer.js packs it: slot i is (kinds[i], values[i]); slot 0 is the scenario's own
/// kind, its fields follow when it is an object. A number field's slot holds the
/// number; a string's its UTF-8 byte count (the bytes follow in `text`, one string after the other); a
/// list's its length (then one slot per element: its kind, then its fields when it is an object); a
/// record's its key count (then per key: the key as a string, then its value). A kind other than the
/// field's expects nothing after it.
struct Packed {
  const double* values = nullptr;
  const std::uint8_t* kinds = nullptr;
  std::size_t slots = 0;
  const char* text = nullptr;
  std::size_t textSize = 0;
};

/// The scenario, or its conversion errors (wrong or missing fields, by path) with validate()'s errors
/// on the fields that did convert. Without conversion errors the scenario is returned unvalidated
/// (evaluate() validates it). Any slots at all give an answer: a short input reads as undefined fields.
marginlab::Result<marginlab::Scenario> readScenario(const Packed& in);
/// The same into `into`, whose memory is reused (a scenario kept from call to call): the errors; `into`
/// holds the scenario when there are none.
std::vector<marginlab::InputError> readScenario(const Packed& in, marginlab::Scenario& into);

/// A liquidation batch's request packed as a scenario is (transfer.js mljs_pack_batch), its fields'
/// paths under "request".
marginlab::Result<marginlab::BatchRequest> readBatchRequest(const Packed& in);

/// True when `e` concerns a field that has a conversion error in `conversion` (the same path or one
/// inside it): that field kept its default, so only its conversion error is shown.
bool shadowed(const marginlab::InputError& e, std::span<const marginlab::InputError> conversion);
/// The one error-merging path: appends `checks` (a validator's errors) to `conversion` (the wrong or
/// missing fields), leaving out the ones shadowed by a conversion error.
void mergeChecks(std::vector<marginlab::InputError>& conversion, std::vector<marginlab::InputError> checks);

/// A growing array of bytes or numbers whose appends are inlined (libc++'s are calls at -Oz).
template <class T>
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { std::free(data_); }

  [[gnu::always_inline]] void push(T x) {
    if (size_ == capacity_) grow(1);
    data_[size_++] = x;
  }
  [[gnu::always_inline]] void append(const T* p, std::size_t n) {
    if (n > capacity_ - size_) grow(n);
    if (n) std::memcpy(data_ + size_, p, n * sizeof(T));
    size_ += n;
  }
  /// Room for `n` in all, keeping what is there.
  void reserve(std::size_t n) {
    if (n > capacity_) grow(n - size_);
  }
  void set(std::size_t i, T x) noexcept { data_[i] = x; }
  [[nodiscard]] T* data() noexcept { return data_; }
  [[nodiscard]] const T* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  void clear() noexcept { size_ = 0; }  ///< keeps the memory for the next value
  /// The first `n` entries, written in place through data() after reserve(n).
  void resize(std::size_t n) noexcept { size_ = std::min(n, capacity_); }

 private:
  void grow(std::size_t extra) {
    capacity_ = std::max(2 * capacity_, size_ + extra + 256);
    // malloc and copy, not realloc: dlrealloc would add 2 KB to the module.
    T* bigger = static_cast<T*>(std::malloc(capacity_ * sizeof(T)));
    if (!bigger) std::abort();  // out of wasm memory: -fno-exceptions has no bad_alloc either
    if (size_) std::memcpy(bigger, data_, size_ * sizeof(T));
    std::free(data_);
    data_ = bigger;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0, capacity_ = 0;
};

/// The numbers of a report without errors (in place of what `out` held), in the order of fields(): a number as itself, an absent
/// one as NaN, an enum as its index, a list as its length then its entries, an optional outcome as 0
/// or 1 then the outcome. Steps and errors are left out (they cross as JS values).
void writeNumbers(const marginlab::Report& report, Buffer<double>& out);

}  // namespace mljs
