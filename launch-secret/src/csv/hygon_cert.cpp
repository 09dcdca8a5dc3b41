#include "ccvm/launch-secret/csv/hygon_cert.hpp"

#include <algorithm>

#include "ccvm/base/error.hpp"

namespace ccvm::secret::csv {
namespace {

// csv-rs src/certs.
constexpr std::size_t kCaKeyId = 0x004, kCaSigKeyId = 0x014, kCaUsage = 0x024, kCaPubkey = 0x040, kCaUidSize = 0x0D4,
                      kCaUid = 0x0D6, kCaSig = 0x240, kCaSignedEnd = 0x240;
// csv-rs src/certs.
constexpr std::size_t kCsvFw = 0x004, kCsvUsage = 0x008, kCsvAlgo = 0x00C, kCsvPubkey = 0x010, kCsvUidSize = 0x0A4,
                      kCsvUid = 0x0A6, kCsvSid = 0x1A4, kCsvSlot0 = 0x414, kCsvSlotSize = 0x208, kCsvSignedEnd = 0x414;

template <std::size_t N>
std::array<std::byte, N> field(ByteSpan data, std::size_t off, std::string_view what) {
    std::array<std::byte, N> out{};
    ByteSpan s = checked_subspan(data, off, N, what);
    std::copy(s.begin(), s.end(), out.begin());
    return out;
}

EccPublicKey parse_pubkey(ByteSpan data, std::size_t off, std::string_view what) {
    EccPublicKey k;
    k.curve = load_le<std::uint32_t>(data, off, what);
    k.x = field<kEccFieldSize>(data, off + 4, what);
    k.y = field<kEccFieldSize>(data, off + 4 + kEccFieldSize, what);
    return k;
}

Sm2Signature parse_sig(ByteSpan data, std::size_t off, std::string_view what) {
    return {field<kEccFieldSize>(data, off, what), field<kEccFieldSize>(data, off + kEccFieldSize, what)};
}

Bytes parse_uid(ByteSpan data, std::size_t size_off, std::size_t uid_off, std::string_view what) {
    const auto n = load_le<std::uint16_t>(data, size_off, what);
    if (n > kUidFieldSize)
        throw InputError(std::string(what) + ": uid_size " + std::to_string(n) + " at offset " +
                         std::to_string(size_off) + " exceeds the 254-byte uid field");
    ByteSpan uid = checked_subspan(data, uid_off, n, what);
    return Bytes(uid.begin(), uid.end());
}

void expect_size(ByteSpan data, std::size_t want, std::string_view what) {
    if (data.size() != want)
        throw InputError(std::string(what) + ": expected " + std::to_string(want) + " bytes, got " +
                         std::to_string(data.size()));
}

}  // namespace

bool SignatureSlot::empty() const noexcept {
    switch (static_cast<KeyUsage>(usage)) {
        case KeyUsage::hrk:
        case KeyUsage::hsk:
        case KeyUsage::oca:
        case KeyUsage::pek:
        case KeyUsage::pdh:
        case KeyUsage::cek:
            return algo != kAlgoSm2Signature && algo != kAlgoSm2KeyAgreement;
        case KeyUsage::empty_slot:
            break;
    }
    return true;
}

Sm2PublicKey EccPublicKey::to_sm2(std::string_view what) const {
    if (curve != kCurveSm2_256)
        throw InputError(std::string(what) + ": curve id " + std::to_string(curve) + " is not SM2-256 (3)");
    return Sm2PublicKey::from_le(ByteSpan(x).first(kSm2FieldSize), ByteSpan(y).first(kSm2FieldSize), what);
}

ByteSpan CaCertificate::signed_bytes() const noexcept { return ByteSpan(raw).first(kCaSignedEnd); }

CaCertificate CaCertificate::parse(ByteSpan data, std::string_view what) {
    expect_size(data, kCaCertSize, what);
    CaCertificate c;
    c.version = load_le<std::uint32_t>(data, 0, what);
    c.key_id = field<16>(data, kCaKeyId, what);
    c.sig_key_id = field<16>(data, kCaSigKeyId, what);
    c.usage = load_le<std::uint32_t>(data, kCaUsage, what);
    c.pubkey = parse_pubkey(data, kCaPubkey, what);
    c.uid = parse_uid(data, kCaUidSize, kCaUid, what);
    c.sig = parse_sig(data, kCaSig, what);
    c.raw.assign(data.begin(), data.end());
    return c;
}

ByteSpan CsvCertificate::signed_bytes() const noexcept { return ByteSpan(raw).first(kCsvSignedEnd); }

CsvCertificate CsvCertificate::parse(ByteSpan data, std::string_view what) {
    expect_size(data, kCsvCertSize, what);
    CsvCertificate c;
    c.version = load_le<std::uint32_t>(data, 0, what);
    c.fw_major = load_le<std::uint8_t>(data, kCsvFw, what);
    c.fw_minor = load_le<std::uint8_t>(data, kCsvFw + 1, what);
    c.usage = load_le<std::uint32_t>(data, kCsvUsage, what);
    c.algo = load_le<std::uint32_t>(data, kCsvAlgo, what);
    c.pubkey = parse_pubkey(data, kCsvPubkey, what);
    c.uid = parse_uid(data, kCsvUidSize, kCsvUid, what);
    c.sid = field<16>(data, kCsvSid, what);
    for (std::size_t i = 0; i < c.slots.size(); ++i) {
        const std::size_t off = kCsvSlot0 + i * kCsvSlotSize;
        c.slots[i].usage = load_le<std::uint32_t>(data, off, what);
        c.slots[i].algo = load_le<std::uint32_t>(data, off + 4, what);
        c.slots[i].sig = parse_sig(data, off + 8, what);
    }
    c.raw.assign(data.begin(), data.end());
    return c;
}

Bytes CsvCertificate::serialize() const {
    Bytes out(kCsvCertSize);
    auto put = [&](std::size_t off, ByteSpan v) {
        std::copy(v.begin(), v.end(), out.begin() + static_cast<long>(off));
    };
    store_le<std::uint32_t>(out, 0, version);
    out[kCsvFw] = std::byte{fw_major};
    out[kCsvFw + 1] = std::byte{fw_minor};
    store_le<std::uint32_t>(out, kCsvUsage, usage);
    store_le<std::uint32_t>(out, kCsvAlgo, algo);
    store_le<std::uint32_t>(out, kCsvPubkey, pubkey.curve);
    put(kCsvPubkey + 4, pubkey.x);
    put(kCsvPubkey + 4 + kEccFieldSize, pubkey.y);
    if (uid.size() > kUidFieldSize) throw InputError("CSV certificate uid longer than 254 bytes");
    store_le<std::uint16_t>(out, kCsvUidSize, static_cast<std::uint16_t>(uid.size()));
    put(kCsvUid, uid);
    put(kCsvSid, sid);
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const std::size_t off = kCsvSlot0 + i * kCsvSlotSize;
        store_le<std::uint32_t>(out, off, slots[i].usage);
        store_le<std::uint32_t>(out, off + 4, slots[i].algo);
        put(off + 8, slots[i].sig.r);
        put(off + 8 + kEccFieldSize, slots[i].sig.s);
    }
    return out;
}

std::optional<std::string> check_signature(const EccPublicKey& issuer_key, ByteSpan issuer_uid,
                                           std::string_view issuer_name, ByteSpan message, const Sm2Signature& sig) {
    try {
        const auto key = issuer_key.to_sm2(std::string(issuer_name) + " public key");
        if (key.verify(message, issuer_uid, sig.r, sig.s)) return std::nullopt;
        return "the SM2 signature does not verify with the " + std::string(issuer_name) + " key";
    } catch (const InputError& e) {
        return std::string(e.what());
    }
}

}  // namespace ccvm::secret::csv
