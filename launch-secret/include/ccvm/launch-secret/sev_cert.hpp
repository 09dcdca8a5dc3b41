// SEV certificate, version 1 (AMD SEV API spec (pub. 55766) LAUNCH_START): the 2084-byte layout of the platform
// PDH/PEK/OCA/CEK certificates and of the guest owner's GODH certificate.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/launch-secret/p384.hpp"

namespace ccvm::secret {

// AMD SEV API spec (pub. 55766) LAUNCH_START: total size 0x824.
inline constexpr std::size_t kSevCertSize = 0x824;
inline constexpr std::size_t kSevCertKeyFieldSize = 72;      // QX, QY: little-endian, zero-padded
inline constexpr std::size_t kSevCertKeyReservedSize = 880;  // rest of the 1028-byte pubkey union
inline constexpr std::size_t kSevCertSignatureSize = 512;

// AMD SEV API spec (pub. 55766) LAUNCH_START: usage field values.
enum class SevCertUsage : std::uint32_t { none = 0x1000, oca = 0x1001, pek = 0x1002, pdh = 0x1003, cek = 0x1004 };
// AMD SEV API spec (pub. 55766) LAUNCH_START: algo 3 = ECDH-SHA256 (the PDH/GODH key); 2 = ECDSA-SHA256 (PEK/OCA/CEK
// signing keys).
inline constexpr std::uint32_t kSevAlgoEcdsaSha256 = 2;
inline constexpr std::uint32_t kSevAlgoEcdhSha256 = 3;
// AMD SEV API spec (pub. 55766) LAUNCH_START: curve 2 = P-384.
inline constexpr std::uint32_t kSevCurveP384 = 2;

struct SevCertSignature {
    std::uint32_t usage = static_cast<std::uint32_t>(SevCertUsage::none);
    std::uint32_t algo = 0;
    std::array<std::byte, kSevCertSignatureSize> sig{};
};

struct SevCertificate {
    std::uint32_t version = 1;
    std::uint8_t api_major = 0;
    std::uint8_t api_minor = 0;
    std::uint16_t reserved = 0;
    std::uint32_t usage = static_cast<std::uint32_t>(SevCertUsage::pdh);
    std::uint32_t algo = kSevAlgoEcdhSha256;
    std::uint32_t curve = kSevCurveP384;
    std::array<std::byte, kSevCertKeyFieldSize> qx{};
    std::array<std::byte, kSevCertKeyFieldSize> qy{};
    std::array<std::byte, kSevCertKeyReservedSize> key_reserved{};
    std::array<SevCertSignature, 2> signatures{};

    // Parses exactly kSevCertSize bytes of a version-1 certificate; every other input is an
    // InputError naming `source`. Fields are kept verbatim, so serialize() round-trips.
    static SevCertificate parse(ByteSpan data, std::string_view source = "SEV certificate");
    // A PDH given on the command line: an existing file's contents, otherwise base64 text (as libvirt
    // reports `sev-pdh` / `virsh domcapabilities` shows it).
    static SevCertificate load(std::string_view file_or_base64);
    // The unsigned GODH certificate of a guest-owner ECDH key (what sev-tool and virtee/sev send).
    static SevCertificate godh(const P384Point& public_key);

    Bytes serialize() const;
    // The ECDH public key; throws InputError naming `source` unless this is a P-384 ECDH key.
    P384Point ecdh_public_key(std::string_view source) const;
};

}  // namespace ccvm::secret
