// A small bounds-checked CBOR (RFC 8949) reader for attestation tokens, plus the few encoders
// COSE needs to rebuild its Sig_structure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ccvm/base/bytes.hpp"

namespace ccvm::attestation::cca {

enum class CborType { unsigned_int, negative_int, bytes, text, array, map, tag, simple, floating };

// One decoded data item. Spans point into the buffer given to decode_cbor, which must outlive it.
struct CborItem {
    CborType type = CborType::simple;
    std::uint64_t value = 0;      // integer argument: uint, -1-n for negatives, tag number, simple value, count
    ByteSpan content;             // byte/text string content
    ByteSpan encoded;             // the whole item as encoded
    std::vector<CborItem> items;  // array elements; map keys and values interleaved; a tag's content
    std::size_t offset = 0;       // where the item starts in the decoded buffer

    bool is_int() const noexcept { return type == CborType::unsigned_int || type == CborType::negative_int; }
    // Typed access; each throws InputError naming `what` and the item offset on a type mismatch.
    std::int64_t as_int(std::string_view what) const;
    ByteSpan as_bytes(std::string_view what) const;
    std::string_view as_text(std::string_view what) const;
    const std::vector<CborItem>& as_array(std::string_view what) const;
    // Map member with an integer key; nullptr when absent. Throws when this is not a map.
    const CborItem* find(std::int64_t key, std::string_view what) const;
};

inline constexpr std::size_t kMaxCborDepth = 32;  // tokens nest a handful of levels

// Decodes exactly one item spanning all of `data`; throws InputError naming `source` and the offset.
// Indefinite-length items are refused (COSE and EAT require deterministic encoding).
CborItem decode_cbor(ByteSpan data, std::string_view source);

// Appends an item head (major type 0..7 and argument) in the shortest form.
void encode_cbor_head(Bytes& out, std::uint8_t major, std::uint64_t argument);
void encode_cbor_bytes(Bytes& out, ByteSpan data);
void encode_cbor_text(Bytes& out, std::string_view text);

}  // namespace ccvm::attestation::cca
