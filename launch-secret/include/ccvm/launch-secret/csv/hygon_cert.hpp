// Hygon certificate layouts (csv-rs src/certs): the 832-byte CA certificate (HRK, HSK) and the 2084-byte
// CSV platform certificate (CEK, PEK, PDH). Integers little-endian; EC coordinates and signature
// integers little-endian with 32 significant bytes in 72-byte fields.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "ccvm/base/bytes.hpp"
#include "ccvm/launch-secret/csv/sm2.hpp"

namespace ccvm::secret::csv {

// csv-rs src/certs: key usages of the chain HRK -> HSK -> CEK -> PEK (and the owner's PDH).
enum class KeyUsage : std::uint32_t {
    hrk = 0x0000,
    hsk = 0x0013,
    empty_slot = 0x1000,
    oca = 0x1001,
    pek = 0x1002,
    pdh = 0x1003,
    cek = 0x1004,
};

// csv-rs certs/mod.rs: key algorithms.
inline constexpr std::uint32_t kAlgoSm2Signature = 4;
inline constexpr std::uint32_t kAlgoSm2KeyAgreement = 5;

// csv-rs src/certs: pubkey {u32 curve, x[72], y[72]}; curve 3 = SM2-256.
inline constexpr std::uint32_t kCurveSm2_256 = 3;
inline constexpr std::size_t kEccFieldSize = 72;
inline constexpr std::size_t kPublicKeySize = 4 + 2 * kEccFieldSize;
inline constexpr std::size_t kUidFieldSize = 254;

inline constexpr std::size_t kCaCertSize = 832;    // HRK, HSK
inline constexpr std::size_t kCsvCertSize = 2084;  // CEK, PEK, PDH

struct EccPublicKey {
    std::uint32_t curve = 0;
    std::array<std::byte, kEccFieldSize> x{}, y{};
    // The SM2 key (32 significant bytes of each coordinate); InputError naming `what` when the
    // curve is not SM2-256 or the point is not on it.
    Sm2PublicKey to_sm2(std::string_view what) const;
};

struct Sm2Signature {
    std::array<std::byte, kEccFieldSize> r{}, s{};
};

// One signature slot of a CSV certificate: {u32 usage, u32 algo, r[72], s[72], rsvd[368]}.
struct SignatureSlot {
    std::uint32_t usage = 0;
    std::uint32_t algo = 0;
    Sm2Signature sig;
    // csv-rs Signatures::is_empty: a slot counts only with a chain key usage and an SM2 algorithm.
    bool empty() const noexcept;
};

// HRK / HSK certificate, 832 bytes; signed bytes 0x000..0x23F.
struct CaCertificate {
    std::uint32_t version = 0;
    std::array<std::byte, 16> key_id{}, sig_key_id{};
    std::uint32_t usage = 0;
    EccPublicKey pubkey;
    Bytes uid;  // uid[0:uid_size]: the SM2 user ID of signatures made with this key
    Sm2Signature sig;
    Bytes raw;

    ByteSpan signed_bytes() const noexcept;
    // Throws InputError naming `what` unless `data` is exactly 832 bytes with a uid_size <= 254.
    static CaCertificate parse(ByteSpan data, std::string_view what);
};

// CEK / PEK / PDH certificate, 2084 bytes; signed bytes 0x000..0x413.
struct CsvCertificate {
    std::uint32_t version = 0;
    std::uint8_t fw_major = 0, fw_minor = 0;
    std::uint32_t usage = 0;
    std::uint32_t algo = 0;
    EccPublicKey pubkey;
    Bytes uid;
    std::array<std::byte, 16> sid{};
    std::array<SignatureSlot, 2> slots;
    Bytes raw;

    ByteSpan signed_bytes() const noexcept;
    static CsvCertificate parse(ByteSpan data, std::string_view what);
    // The 2084-byte layout of the fields above (raw is not consulted).
    Bytes serialize() const;
};

// Result of checking a signature made by `issuer` (public key + uid): a reason when it fails.
std::optional<std::string> check_signature(const EccPublicKey& issuer_key, ByteSpan issuer_uid,
                                           std::string_view issuer_name, ByteSpan message, const Sm2Signature& sig);

}  // namespace ccvm::secret::csv
