#include "ccvm/launch-secret/secret_table.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::secret {
namespace {
// AMD SEV API spec (pub. 55766) LAUNCH_SECRET: AES block size the padding aligns to.
constexpr std::size_t kBlock = 16;
}  // namespace

Padding parse_padding(std::string_view text, std::string_view flag) {
    if (text == "libvirt") return Padding::libvirt;
    if (text == "sevctl") return Padding::sevctl;
    throw InputError(std::string(flag) + ": unknown padding '" + std::string(text) + "' (use libvirt or sevctl)");
}

Guid parse_secret_guid(std::string_view name_or_guid) {
    if (name_or_guid == "luks-key") return kLuksKeyGuid;
    return Guid::parse(name_or_guid);
}

std::size_t secret_table_length(std::span<const SecretEntry> entries) {
    std::size_t len = kSecretTableHeaderSize;
    for (const SecretEntry& e : entries) len += kSecretEntryHeaderSize + e.data.size();
    return len;
}

std::size_t padded_secret_table_length(std::size_t table_length, Padding padding) {
    const std::size_t rem = table_length % kBlock;
    if (padding == Padding::libvirt) return table_length + (kBlock - rem);
    return rem == 0 ? table_length : table_length + (kBlock - rem);
}

SecretBytes build_secret_table(std::span<const SecretEntry> entries, Padding padding) {
    if (entries.empty()) throw InputError("secret table: no secrets given");
    for (std::size_t i = 0; i < entries.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (entries[i].guid == entries[j].guid) {
                throw InputError("secret table: GUID " + entries[i].guid.to_string() + " given twice");
            }
        }
    }
    const std::size_t len = secret_table_length(entries);
    // Each length is a u32 in the table; secrets are far smaller, but never wrap silently.
    if (len > UINT32_MAX - kBlock) throw InputError("secret table: " + std::to_string(len) + " bytes is too large");

    SecretBytes table(padded_secret_table_length(len, padding));  // zero-filled: the padding
    MutableByteSpan out = table.mutable_span();
    std::size_t off = 0;
    auto put_guid = [&](const Guid& g) {
        std::copy(g.bytes.begin(), g.bytes.end(), out.begin() + static_cast<std::ptrdiff_t>(off));
        off += g.bytes.size();
    };
    put_guid(kSecretTableGuid);
    store_le<std::uint32_t>(out, off, static_cast<std::uint32_t>(len));
    off += 4;
    for (const SecretEntry& e : entries) {
        put_guid(e.guid);
        store_le<std::uint32_t>(out, off, static_cast<std::uint32_t>(kSecretEntryHeaderSize + e.data.size()));
        off += 4;
        std::copy(e.data.span().begin(), e.data.span().end(), out.begin() + static_cast<std::ptrdiff_t>(off));
        off += e.data.size();
    }
    return table;
}

}  // namespace ccvm::secret
