// SPDX-License-Identifier: MIT
// MarginLab JS boundary: the C++ half of transfer.js (see transfer.h).
#include "transfer.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include <emscripten/emscripten.h>

#include "marginlab/fields.h"

extern "C" {
// transfer.js
void mljs_read(emscripten::EM_VAL object, const char* const* keys, std::size_t count, double* out,
               const char* scratch, const char* scratchEnd);
void mljs_read_table(emscripten::EM_VAL array, const char* const* keys, std::size_t keyCount,
                     std::size_t count, double* out, const char* scratch, const char* scratchEnd);
void mljs_describe(emscripten::EM_VAL value, double* out);
emscripten::EM_VAL mljs_decode(const char* ops, const double* numbers, const char* text,
                               std::size_t textLength, const char* raw);
void mljs_hand(emscripten::EM_VAL value);
std::size_t mljs_pack_scenario(emscripten::EM_VAL scenario, std::size_t* textBytes);
std::size_t mljs_pack_batch(emscripten::EM_VAL request, std::size_t* textBytes);
}

namespace mljs {

namespace {

/// The byte codes of JsWriter and transfer.js's mljs_decode.
enum Op : char {
  kEnd = 0,
  kObject = 1,
  kArray = 2,
  kNumber = 3,
  kNull = 4,
  kString = 5,  ///< the next string of the text
  kTrue = 6,
  kFalse = 7,
  kSteps = 8,      ///< steps: one kStep op each, then kEnd
  kRaw = 9,        ///< a string with a zero byte: its length among the numbers, its bytes in raw
  kNewKey = 10,    ///< a literal's key: the next string of the text; JS keeps it as key i
  kRawKey = 11,    ///< a key with a zero byte: as kRaw
  kTextKey = 12,   ///< any other key: the next string of the text
  kTextRefKey = 13,  ///< a key sent before as a text: its number among the texts, among the numbers
  kKnownKey = 16,  ///< 16 + i: key i again
};
/// In a kSteps list, a step: kStep | 1 when it has a value (the last of its numbers), | 2, 4, 8, 16,
/// 32 when its field, code, label, formula, substituted repeats a text (the text's number among the
/// numbers, in that order); the others are the next texts. Its params follow as one object value.
constexpr int kStep = 64;
constexpr std::size_t kMaxKnownKeys = 256 - kKnownKey;

/// Texts that recur from call to call (JsWriter::nameText), shared by every writer of the module:
/// JS keeps them by number (transfer.js mljsNames) once the value that first sent them is decoded, so
/// they are neither sent nor made into new strings again. Full, it takes no more.
struct NameTable {
  static constexpr std::size_t kCapacity = 2048, kSlots = 4096;  ///< at most half the slots used
  std::size_t count = 0;
  Buffer<char> bytes;                    ///< the texts, one after another
  std::uint32_t start[kCapacity + 1] = {};  ///< text i is bytes [start[i], start[i + 1])
  const JsWriter* sender[kCapacity] = {};   ///< the writer sending it until its take(); null once JS has it
  std::uint16_t slots[kSlots] = {};      ///< a text's number + 1, by a hash of its bytes; 0: empty
};
NameTable gNames;

Field toField(const double* record) {
  Field f;
  f.kind = static_cast<Kind>(static_cast<int>(record[0]));  // transfer.js writes a Kind
  f.number = record[1];
  if (record[2] > 0) {
    f.value = val::take_ownership(
        reinterpret_cast<emscripten::EM_VAL>(static_cast<std::uintptr_t>(record[2])));
  } else if (record[2] < 0) {  // in the scratch bytes: their address and length
    const auto packed = static_cast<std::uint64_t>(-record[2] - 1);
    f.text.emplace(reinterpret_cast<const char*>(static_cast<std::uintptr_t>(packed / 256)),
                   packed % 256);
  }
  return f;
}

/// Room for the short strings of `count` values, 24 bytes each on average (more go as handles).
constexpr std::size_t kScratchPerValue = 24;

}  // namespace

Field fieldOf(const val& value) {
  double record[3];  // no scratch: a string comes as a handle
  mljs_describe(value.as_handle(), record);
  return toField(record);
}

namespace detail {
void readInto(const val& object, const char* const* keys, std::size_t count, Field* out) {
  std::vector<double> records(3 * count);
  std::vector<char> scratch(kScratchPerValue * count);
  mljs_read(object.as_handle(), keys, count, records.data(), scratch.data(),
            scratch.data() + scratch.size());
  for (std::size_t i = 0; i < count; ++i) out[i] = toField(&records[3 * i]);
}

std::vector<Field> readTable(const val& array, std::size_t count, const char* const* keys,
                             std::size_t keyCount) {
  const std::size_t n = count * (keyCount + 1);
  std::vector<double> records(3 * n);
  std::vector<char> scratch(kScratchPerValue * n);
  mljs_read_table(array.as_handle(), keys, keyCount, count, records.data(), scratch.data(),
                  scratch.data() + scratch.size());
  std::vector<Field> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = toField(&records[3 * i]);
  return out;
}
}  // namespace detail

std::vector<Field> readElements(const val& array, std::size_t count) {
  std::vector<Field> out(count);
  detail::readInto(array, nullptr, count, out.data());
  return out;
}

JsWriter& JsWriter::object() {
  ops_.push(kObject);
  return *this;
}
JsWriter& JsWriter::array() {
  ops_.push(kArray);
  return *this;
}
JsWriter& JsWriter::end() {
  ops_.push(kEnd);
  return *this;
}

JsWriter& JsWriter::knownKey(const char* literal, std::size_t size) {
  const auto address = reinterpret_cast<std::uintptr_t>(literal);
  KeySlot& slot = keySlots_[(address ^ (address >> 7)) % std::size(keySlots_)];
  if (slot.literal == literal) {
    ops_.push(static_cast<char>(kKnownKey + slot.index));
    return *this;
  }
  if (keyCount_ == kMaxKnownKeys || !plain({literal, size}))
    return key(std::string_view(literal, size));
  slot = {literal, keyCount_++};  // a key it pushes out is sent again as a new key if it comes back
  ops_.push(kNewKey);
  text({literal, size});
  return *this;
}

JsWriter& JsWriter::key(std::string_view name) {
  if (plain(name)) {
    ops_.push(kTextKey);
    text(name);
  } else {
    ops_.push(kRawKey);
    numbers_.push(static_cast<double>(name.size()));
    raw_.append(name.data(), name.size());
  }
  return *this;
}

JsWriter& JsWriter::number(double x) {
  ops_.push(kNumber);
  numbers_.push(x);
  return *this;
}
JsWriter& JsWriter::null() {
  ops_.push(kNull);
  return *this;
}
JsWriter& JsWriter::boolean(bool b) {
  ops_.push(b ? kTrue : kFalse);
  return *this;
}

JsWriter& JsWriter::string(std::string_view s) {
  if (plain(s)) {
    ops_.push(kString);
    text(s);
  } else {
    ops_.push(kRaw);
    numbers_.push(static_cast<double>(s.size()));
    raw_.append(s.data(), s.size());
  }
  return *this;
}

JsWriter& JsWriter::steps(const std::vector<marginlab::Step>& steps) {
  ops_.push(kSteps);
  for (const marginlab::Step& s : steps) {
    const std::string_view texts[] = {s.field, s.code, s.label, s.formula, s.substituted};
    if (!std::all_of(std::begin(texts), std::end(texts), plain)) {
      // A zero byte in some text (a symbol can hold one): this step field by field.
      object().key("field").string(texts[0]).key("code").string(texts[1]).key("label").string(texts[2]);
      key("formula").string(texts[3]).key("substituted").string(texts[4]);
      key("value").optional(s.value).key("params").params(s.params).end();
      continue;
    }
    const std::size_t op = ops_.size();
    ops_.push(0);
    int flags = 0;
    for (int i = 0; i < 5; ++i) {  // in this order: their numbers go before the value's
      const bool recurs = i != 2 && i != 4;  // field, code, formula (a label and a substitution hold numbers)
      if ((recurs && nameText(texts[i])) || stepText(texts[i])) flags |= 2 << i;
    }
    if (s.value) numbers_.push(*s.value);
    ops_.set(op, static_cast<char>(kStep | flags | (s.value ? 1 : 0)));
    params(s.params);
  }
  return end();
}

JsWriter& JsWriter::errors(const std::vector<marginlab::InputError>& errors) {
  array();
  for (const marginlab::InputError& e : errors) {
    object().key("path").string(e.path).key("code").string(toString(e.code)).key("rule").string(e.rule);
    key("message").string(e.message).key("params").params(e.params).end();
  }
  return end();
}

JsWriter& JsWriter::params(const std::vector<marginlab::Param>& params) {
  object();
  for (const marginlab::Param& p : params) {
    paramKey(p.name);
    if (const double* x = std::get_if<double>(&p.value)) number(*x + 0.0);  // -0 as 0: a parameter survives JSON as it was written
    else string(std::get<std::string>(p.value));
  }
  return end();
}

void JsWriter::paramKey(std::string_view name) {
  if (!plain(name)) {
    key(name);
    return;
  }
  const std::size_t op = ops_.size();
  ops_.push(kTextRefKey);
  if (!nameText(name) && !stepText(name)) ops_.set(op, kTextKey);  // sent now: the next string of the text
}

bool JsWriter::nameText(std::string_view s) {
  // Its size and three 4-byte words (the first, the middle, the last): names differ mostly at their end.
  const std::size_t size = s.size();
  std::uint32_t h = static_cast<std::uint32_t>(size) * 0x9E3779B1u;
  if (size >= 4) {
    std::uint32_t w[3];
    std::memcpy(&w[0], s.data(), 4);
    std::memcpy(&w[1], s.data() + (size - 4) / 2, 4);
    std::memcpy(&w[2], s.data() + size - 4, 4);
    h ^= w[0] * 0x85EBCA6Bu ^ w[1] * 0xC2B2AE35u ^ w[2] * 0x27D4EB2Fu;
  } else {
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  h ^= h >> 15;
  NameTable& t = gNames;
  for (std::size_t i = h % NameTable::kSlots;; i = (i + 1) % NameTable::kSlots) {
    if (t.slots[i] == 0) {
      if (t.count == NameTable::kCapacity) return false;
      const std::size_t index = t.count++;
      t.slots[i] = static_cast<std::uint16_t>(index + 1);
      t.bytes.append(s.data(), size);
      t.start[index + 1] = static_cast<std::uint32_t>(t.bytes.size());
      t.sender[index] = this;
      firstNewName_ = std::min(firstNewName_, index);
      numbers_.push(-1.0 - static_cast<double>(index));
      text(s);  // JS keeps it as name `index`
      return true;
    }
    const std::size_t index = t.slots[i] - 1u;
    const std::uint32_t at = t.start[index];
    const bool same =
        t.start[index + 1] - at == size && (size == 0 || std::memcmp(t.bytes.data() + at, s.data(), size) == 0);
    if (!same) continue;
    if (t.sender[index] && t.sender[index] != this) return false;  // JS gets it with another value
    numbers_.push(-1.0 - static_cast<double>(index));
    return true;
  }
}

bool JsWriter::stepText(std::string_view s) {
  const char* data = s.data();
  const std::size_t size = s.size();
  std::uint32_t h = static_cast<std::uint32_t>(size) * 0x9E3779B1u;
  if (size) {
    h ^= static_cast<unsigned char>(data[0]) * 0x85EBCA6Bu;
    h ^= static_cast<unsigned char>(data[size / 2]) * 0xC2B2AE35u;
    h ^= static_cast<unsigned char>(data[size - 1]) * 0x27D4EB2Fu;
    h ^= static_cast<unsigned char>(data[size / 3]) << 11;
  }
  TextSlot& slot = textSlots_[(h ^ (h >> 15)) % std::size(textSlots_)];
  if (slot.data && slot.size == size && std::memcmp(slot.data, data, size) == 0) {
    numbers_.push(static_cast<double>(slot.index));
    return true;
  }
  slot = {data, size, texts_};
  text(s);
  return false;
}

void JsWriter::text(std::string_view s) {
  text_.append(s.data(), s.size());
  text_.push('\0');
  ++texts_;
}

bool JsWriter::plain(std::string_view s) noexcept {
  return std::memchr(s.data(), '\0', s.size()) == nullptr;
}

val JsWriter::take() {
  const val out = val::take_ownership(
      mljs_decode(ops_.data(), numbers_.data(), text_.data(), text_.size(), raw_.data()));
  for (std::size_t i = firstNewName_; i < gNames.count; ++i)
    if (gNames.sender[i] == this) gNames.sender[i] = nullptr;
  firstNewName_ = SIZE_MAX;
  ops_.clear();
  numbers_.clear();
  text_.clear();
  raw_.clear();
  texts_ = keyCount_ = 0;
  std::fill(std::begin(keySlots_), std::end(keySlots_), KeySlot{});
  std::fill(std::begin(textSlots_), std::end(textSlots_), TextSlot{});
  return out;
}

// ---- the packed input (packed.h) and plain exported functions ---------------------------------------

namespace {
/// Where transfer.js packs a scenario; it grows and is kept from call to call.
struct InputArea {
  double* values = nullptr;
  std::uint8_t* kinds = nullptr;
  char* text = nullptr;
  std::uint32_t slots = 0, textBytes = 0;  ///< capacities
  /// The readers' limits (fields.h), so that the packer sends no more than they read.
  std::uint32_t maxPositions = marginlab::kMaxPositions, maxTables = marginlab::kMaxTierTables,
                maxRows = marginlab::kMaxTierRows, maxText = marginlab::kMaxTextLength;
} gInput;

template <class T>
T* enlarged(T* old, std::size_t oldCount, std::size_t count) {
  T* bigger = static_cast<T*>(std::malloc(count * sizeof(T)));
  if (!bigger) std::abort();  // out of wasm memory
  if (oldCount) std::memcpy(bigger, old, oldCount * sizeof(T));
  std::free(old);
  return bigger;
}
}  // namespace

/// Room for at least `slots` slots and `textBytes` bytes of text, keeping what is written; returns
/// the area (its addresses and capacities, read by transfer.js).
extern "C" EMSCRIPTEN_KEEPALIVE const InputArea* mljs_input(std::size_t slots, std::size_t textBytes) {
  if (slots > gInput.slots) {
    const std::size_t n = std::max<std::size_t>({slots, 2 * gInput.slots, 256});
    gInput.values = enlarged(gInput.values, gInput.slots, n);
    gInput.kinds = enlarged(gInput.kinds, gInput.slots, n);
    gInput.slots = static_cast<std::uint32_t>(n);
  }
  if (textBytes > gInput.textBytes) {
    const std::size_t n = std::max<std::size_t>({textBytes, 2 * gInput.textBytes, 1024});
    gInput.text = enlarged(gInput.text, gInput.textBytes, n);
    gInput.textBytes = static_cast<std::uint32_t>(n);
  }
  return &gInput;
}

Packed packedInput(std::size_t slots, std::size_t textBytes) {
  return {gInput.values, gInput.kinds, std::min<std::size_t>(slots, gInput.slots), gInput.text,
          std::min<std::size_t>(textBytes, gInput.textBytes)};
}

Packed packScenario(const val& scenario) {
  std::size_t textBytes = 0;
  const std::size_t slots = mljs_pack_scenario(scenario.as_handle(), &textBytes);
  return packedInput(slots, textBytes);
}

Packed packBatchRequest(const val& request) {
  std::size_t textBytes = 0;
  const std::size_t slots = mljs_pack_batch(request.as_handle(), &textBytes);
  return packedInput(slots, textBytes);
}

void handOver(const val& value) { mljs_hand(value.as_handle()); }

}  // namespace mljs
