#include "ccvm/attestation/cca/cbor.hpp"

#include <limits>
#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::attestation::cca {
namespace {

const char* type_name(CborType t) {
    switch (t) {
        case CborType::unsigned_int:
            return "unsigned integer";
        case CborType::negative_int:
            return "negative integer";
        case CborType::bytes:
            return "byte string";
        case CborType::text:
            return "text string";
        case CborType::array:
            return "array";
        case CborType::map:
            return "map";
        case CborType::tag:
            return "tag";
        case CborType::simple:
            return "simple value";
        case CborType::floating:
            return "float";
    }
    return "item";
}

class Decoder {
public:
    Decoder(ByteSpan data, std::string_view source) : data_(data), source_(source) {}

    CborItem item(std::size_t depth) {
        if (depth > kMaxCborDepth) fail(pos_, "nesting deeper than " + std::to_string(kMaxCborDepth));
        const std::size_t start = pos_;
        const auto initial = static_cast<std::uint8_t>(byte(start));
        const std::uint8_t major = initial >> 5;
        const std::uint8_t info = initial & 0x1f;
        CborItem it;
        it.offset = start;
        if (major == 7) {
            simple_or_float(it, info);
        } else {
            const std::uint64_t arg = argument(info, start);
            it.value = arg;
            switch (major) {
                case 0:
                    it.type = CborType::unsigned_int;
                    break;
                case 1:
                    it.type = CborType::negative_int;
                    break;
                case 2:
                case 3:
                    it.type = major == 2 ? CborType::bytes : CborType::text;
                    it.content = take(arg, start, "string");
                    break;
                case 4:
                case 5: {
                    it.type = major == 4 ? CborType::array : CborType::map;
                    const std::uint64_t n = major == 4 ? arg : arg * 2;
                    // Every item takes at least one byte: a larger count is a lie, not an allocation.
                    if (arg > remaining() || n > remaining())
                        fail(start, "count " + std::to_string(arg) + " exceeds the input");
                    it.items.reserve(static_cast<std::size_t>(n));
                    for (std::uint64_t i = 0; i < n; ++i) it.items.push_back(item(depth + 1));
                    break;
                }
                case 6:
                    it.type = CborType::tag;
                    it.items.push_back(item(depth + 1));
                    break;
            }
        }
        it.encoded = data_.subspan(start, pos_ - start);
        return it;
    }

    std::size_t pos() const noexcept { return pos_; }
    [[noreturn]] void fail(std::size_t at, const std::string& what) const {
        throw InputError(std::string(source_) + ": CBOR " + what + " at offset " + std::to_string(at));
    }

private:
    std::size_t remaining() const noexcept { return data_.size() - pos_; }

    std::byte byte(std::size_t at) {
        if (pos_ >= data_.size()) fail(at, "item truncated");
        return data_[pos_++];
    }

    ByteSpan take(std::uint64_t n, std::size_t at, const char* what) {
        if (n > remaining()) fail(at, std::string(what) + " of " + std::to_string(n) + " bytes runs past the end");
        ByteSpan out = data_.subspan(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return out;
    }

    std::uint64_t big_endian(std::size_t n, std::size_t at) {
        ByteSpan b = take(n, at, "argument");
        std::uint64_t v = 0;
        for (std::byte x : b) v = (v << 8) | static_cast<std::uint8_t>(x);
        return v;
    }

    std::uint64_t argument(std::uint8_t info, std::size_t at) {
        if (info < 24) return info;
        switch (info) {
            case 24:
                return big_endian(1, at);
            case 25:
                return big_endian(2, at);
            case 26:
                return big_endian(4, at);
            case 27:
                return big_endian(8, at);
            case 31:
                fail(at, "indefinite-length item (not allowed in deterministic encoding)");
            default:
                fail(at, "reserved additional information " + std::to_string(info));
        }
    }

    void simple_or_float(CborItem& it, std::uint8_t info) {
        const std::size_t at = it.offset;
        if (info < 24) {
            it.type = CborType::simple;
            it.value = info;
        } else if (info == 24) {
            it.type = CborType::simple;
            it.value = big_endian(1, at);
        } else if (info >= 25 && info <= 27) {
            it.type = CborType::floating;
            it.value = big_endian(std::size_t{1} << (info - 24), at);
        } else {
            fail(at, info == 31 ? "unexpected break" : "reserved simple value encoding");
        }
    }

    ByteSpan data_;
    std::string_view source_;
    std::size_t pos_ = 0;
};

[[noreturn]] void type_error(const CborItem& it, std::string_view what, const char* want) {
    throw InputError(std::string(what) + ": expected a CBOR " + want + ", got a " + type_name(it.type) + " at offset " +
                     std::to_string(it.offset));
}

}  // namespace

std::int64_t CborItem::as_int(std::string_view what) const {
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!is_int()) type_error(*this, what, "integer");
    if (value > max) throw InputError(std::string(what) + ": integer out of range at offset " + std::to_string(offset));
    return type == CborType::unsigned_int ? static_cast<std::int64_t>(value) : -1 - static_cast<std::int64_t>(value);
}

ByteSpan CborItem::as_bytes(std::string_view what) const {
    if (type != CborType::bytes) type_error(*this, what, "byte string");
    return content;
}

std::string_view CborItem::as_text(std::string_view what) const {
    if (type != CborType::text) type_error(*this, what, "text string");
    return as_chars(content);
}

const std::vector<CborItem>& CborItem::as_array(std::string_view what) const {
    if (type != CborType::array) type_error(*this, what, "array");
    return items;
}

const CborItem* CborItem::find(std::int64_t key, std::string_view what) const {
    if (type != CborType::map) type_error(*this, what, "map");
    const CborItem* found = nullptr;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
        const CborItem& k = items[i];
        if (!k.is_int() || k.value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) continue;
        if (k.as_int(what) != key) continue;
        if (found != nullptr)
            throw InputError(std::string(what) + ": duplicate map key " + std::to_string(key) + " at offset " +
                             std::to_string(k.offset));
        found = &items[i + 1];
    }
    return found;
}

CborItem decode_cbor(ByteSpan data, std::string_view source) {
    Decoder d(data, source);
    CborItem it = d.item(0);
    if (d.pos() != data.size())
        d.fail(d.pos(), std::to_string(data.size() - d.pos()) + " trailing bytes after the item");
    return it;
}

void encode_cbor_head(Bytes& out, std::uint8_t major, std::uint64_t argument) {
    const auto m = static_cast<std::uint8_t>(major << 5);
    auto push_be = [&out](std::uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) out.push_back(std::byte(static_cast<std::uint8_t>(v >> (8 * i))));
    };
    if (argument < 24) {
        out.push_back(std::byte(m | static_cast<std::uint8_t>(argument)));
    } else if (argument <= 0xff) {
        out.push_back(std::byte(m | 24));
        push_be(argument, 1);
    } else if (argument <= 0xffff) {
        out.push_back(std::byte(m | 25));
        push_be(argument, 2);
    } else if (argument <= 0xffffffff) {
        out.push_back(std::byte(m | 26));
        push_be(argument, 4);
    } else {
        out.push_back(std::byte(m | 27));
        push_be(argument, 8);
    }
}

void encode_cbor_bytes(Bytes& out, ByteSpan data) {
    encode_cbor_head(out, 2, data.size());
    append(out, data);
}

void encode_cbor_text(Bytes& out, std::string_view text) {
    encode_cbor_head(out, 3, text.size());
    append(out, as_bytes(text));
}

}  // namespace ccvm::attestation::cca
