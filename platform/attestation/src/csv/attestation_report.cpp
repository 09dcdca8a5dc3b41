#include "ccvm/attestation/csv/attestation_report.hpp"

#include <algorithm>
#include <cstring>

#include "ccvm/base/error.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"

namespace ccvm::attestation::csv {
namespace {

// csv-rs api/guest/types.rs: the extended-request wrapper and its flags.
constexpr std::string_view kExtMagic{"ATTESTATION_EXT\0", 16};
constexpr std::size_t kWrapperHeader = 20;
constexpr std::uint32_t kFlagsV1 = 0, kFlagsExt = 1, kFlagsExtHostData = 3;

// csv-rs src/api/guest/types.rs TeeInfo offsets (common part; V1 and V2/V3 agree up to 0xBB).
constexpr std::size_t kUserPubkeyDigest = 0x00, kVmId = 0x20, kVmVersion = 0x30, kReportData = 0x40, kMnonce = 0x80,
                      kMeasure = 0x90, kPolicy = 0xB0, kSigUsage = 0xB4, kSigAlgo = 0xB8;
constexpr std::size_t kV1Anonce = 0xBC, kV1Sig = 0xC0, kV1SignedEnd = 0xB4;
constexpr std::size_t kExtBuild = 0xBC, kExtRtmrVersion = 0xC0, kExtRtmr = 0xD0, kExtHostData = 0x3C0, kExtSig = 0x400,
                      kExtSignedEnd = 0x400;
constexpr std::size_t kSnSize = 64, kReservedSize = 32, kMacSize = 32;

void unmask(MutableByteSpan data, std::uint32_t anonce) {
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] ^= std::byte(static_cast<std::uint8_t>(anonce >> (8 * (i % 4))));
}

template <std::size_t N>
std::array<std::byte, N> plain_field(ByteSpan tee, std::size_t off, std::uint32_t anonce, std::string_view what) {
    std::array<std::byte, N> out{};
    ByteSpan s = checked_subspan(tee, off, N, what);
    std::copy(s.begin(), s.end(), out.begin());
    unmask(out, anonce);
    return out;
}

ReportVersion detect_version(ByteSpan body, std::string_view what) {
    if (body.size() < kTeeInfoV1Size + kSignerBlockSize)
        throw InputError(std::string(what) + ": " + std::to_string(body.size()) +
                         " bytes is shorter than a CSV report (" + std::to_string(kTeeInfoV1Size + kSignerBlockSize) +
                         ")");
    if (body.size() < kTeeInfoExtSize + kSignerBlockSize) return ReportVersion::v1;
    // V1 masks sig_usage with anonce (at 0xBC); V2/V3 keep it plain (0xBC is then the build).
    const auto usage = load_le<std::uint32_t>(body, kSigUsage, what);
    const auto pek = static_cast<std::uint32_t>(KeyUsage::pek);
    if (usage == pek) return ReportVersion::extended;
    if ((usage ^ load_le<std::uint32_t>(body, kV1Anonce, what)) == pek) return ReportVersion::v1;
    throw InputError(std::string(what) +
                     ": sig_usage at offset 0xb4 is neither PEK (0x1002) in the clear (V2/V3) nor masked (V1)");
}

void parse_signer(AttestationReport& r, ByteSpan signer, std::string_view what) {
    const ByteSpan pek = signer.first(kCsvCertSize);
    const ByteSpan sn = signer.subspan(kCsvCertSize, kSnSize);
    const ByteSpan reserved = signer.subspan(kCsvCertSize + kSnSize, kReservedSize);
    r.pek_cert_bytes.assign(pek.begin(), pek.end());
    r.sn_bytes.assign(sn.begin(), sn.end());
    r.reserved_bytes.assign(reserved.begin(), reserved.end());
    ByteSpan mac = signer.subspan(kCsvCertSize + kSnSize + kReservedSize, kMacSize);
    std::copy(mac.begin(), mac.end(), r.mac.begin());

    // csv-rs src/api/guest/types.rs: mac = HMAC-SM3(plain mnonce, masked pek_cert || sn || reserved). A matching MAC
    // means the raw PSP form; a plain PEK usage without it means the guest library restored it.
    const auto want = secret::csv::hmac_sm3(r.mnonce, {pek, sn, reserved});
    r.signer_mac_ok = std::equal(want.begin(), want.end(), r.mac.begin());
    const bool plain_pek = load_le<std::uint32_t>(pek, 8, what) == static_cast<std::uint32_t>(KeyUsage::pek);
    r.signer_form = (!r.signer_mac_ok && plain_pek) ? SignerForm::restored : SignerForm::raw;

    Bytes pek_plain(pek.begin(), pek.end());
    Bytes sn_plain(sn.begin(), sn.end());
    if (r.signer_form == SignerForm::raw) {
        unmask(pek_plain, r.anonce);
        unmask(sn_plain, r.anonce);
    }
    r.pek = CsvCertificate::parse(pek_plain, std::string(what) + " PEK certificate");
    const auto nul = std::find(sn_plain.begin(), sn_plain.end(), std::byte{0});
    r.chip_sn.assign(reinterpret_cast<const char*>(sn_plain.data()), static_cast<std::size_t>(nul - sn_plain.begin()));
}

}  // namespace

std::string_view to_string(ReportVersion v) noexcept {
    switch (v) {
        case ReportVersion::v1:
            return "1";
        case ReportVersion::v2:
            return "2";
        case ReportVersion::v3:
            return "3";
        case ReportVersion::extended:
            return "2/3";
    }
    return "?";
}

AttestationReport AttestationReport::parse(ByteSpan data, std::string_view what) {
    AttestationReport r;
    ByteSpan body = data;
    if (data.size() >= kWrapperHeader && as_chars(data.first(kExtMagic.size())) == kExtMagic) {
        const auto flags = load_le<std::uint32_t>(data, kExtMagic.size(), what);
        body = data.subspan(kWrapperHeader);
        switch (flags) {
            case kFlagsV1:
                r.version = ReportVersion::v1;
                break;
            case kFlagsExt:
                r.version = ReportVersion::v2;
                break;
            case kFlagsExtHostData:
                r.version = ReportVersion::v3;
                break;
            default:
                throw InputError(std::string(what) + ": unknown extended-report flags " + std::to_string(flags));
        }
        const std::size_t need = (r.version == ReportVersion::v1 ? kTeeInfoV1Size : kTeeInfoExtSize) + kSignerBlockSize;
        if (body.size() < need)
            throw InputError(std::string(what) + ": report data of " + std::to_string(body.size()) + " bytes, need " +
                             std::to_string(need));
    } else {
        r.version = detect_version(body, what);
    }

    const bool v1 = r.version == ReportVersion::v1;
    const std::size_t tee_size = v1 ? kTeeInfoV1Size : kTeeInfoExtSize;
    const ByteSpan tee = body.first(tee_size);
    r.anonce = v1 ? load_le<std::uint32_t>(tee, kV1Anonce, what) : 0;
    r.user_pubkey_digest = plain_field<32>(tee, kUserPubkeyDigest, r.anonce, what);
    r.vm_id = plain_field<16>(tee, kVmId, r.anonce, what);
    r.vm_version = plain_field<16>(tee, kVmVersion, r.anonce, what);
    r.report_data = plain_field<64>(tee, kReportData, r.anonce, what);
    r.mnonce = plain_field<16>(tee, kMnonce, r.anonce, what);
    r.measure = plain_field<32>(tee, kMeasure, r.anonce, what);
    r.policy = load_le<std::uint32_t>(tee, kPolicy, what) ^ r.anonce;
    r.sig_usage = load_le<std::uint32_t>(tee, kSigUsage, what) ^ r.anonce;
    r.sig_algo = load_le<std::uint32_t>(tee, kSigAlgo, what) ^ r.anonce;
    std::size_t sig_off = kV1Sig;
    if (v1) {
        r.signed_bytes.assign(tee.begin(), tee.begin() + kV1SignedEnd);
    } else {
        r.build = load_le<std::uint32_t>(tee, kExtBuild, what);
        r.rtmr_version = load_le<std::uint16_t>(tee, kExtRtmrVersion, what);
        for (std::size_t i = 0; i < kRtmrCount; ++i) r.rtmr[i] = plain_field<32>(tee, kExtRtmr + 32 * i, 0, what);
        if (r.version != ReportVersion::v2) r.host_data = plain_field<64>(tee, kExtHostData, 0, what);
        r.signed_bytes.assign(tee.begin(), tee.begin() + kExtSignedEnd);
        sig_off = kExtSig;
    }
    ByteSpan sig = checked_subspan(tee, sig_off, 2 * kEccFieldSize, what);
    std::copy(sig.begin(), sig.begin() + kEccFieldSize, r.sig.r.begin());
    std::copy(sig.begin() + kEccFieldSize, sig.end(), r.sig.s.begin());
    parse_signer(r, body.subspan(tee_size, kSignerBlockSize), what);
    return r;
}

}  // namespace ccvm::attestation::csv
