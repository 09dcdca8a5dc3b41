// Builds extended (V2/V3) CSV attestation reports (TeeInfo 0x490 bytes, RTMRs at 0xD0), signed
// by the synthetic PEK with OpenSSL (an independent SM2 signer): no real V2/V3 report with known
// RTMRs is public.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "ccvm/attestation/csv/attestation_report.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"
#include "csv_test_support.hpp"
#include "sm2_test_keys.hpp"

namespace ccvm::test::csv {

using attestation::csv::AttestationReport;
using attestation::csv::kRtmrCount;
using attestation::csv::kTeeInfoExtSize;

// The fields of `v1` (the synthetic V1 report), plain, with RTMRs (default: bytes 0, 1, 2, ...),
// optional host data and a raw signer block with its MAC (anonce 0: nothing masked).
inline Bytes make_extended_report(const AttestationReport& v1, bool host_data,
                                  const std::optional<std::array<Sm3Digest, kRtmrCount>>& rtmr = std::nullopt) {
    Bytes tee(kTeeInfoExtSize);
    auto put = [&](std::size_t off, ByteSpan v) {
        std::copy(v.begin(), v.end(), tee.begin() + static_cast<long>(off));
    };
    put(0x20, v1.vm_id);
    put(0x40, v1.report_data);
    put(0x80, v1.mnonce);
    put(0x90, v1.measure);
    store_le<std::uint32_t>(tee, 0xB0, v1.policy);
    store_le<std::uint32_t>(tee, 0xB4, 0x1002);
    store_le<std::uint32_t>(tee, 0xB8, 4);
    store_le<std::uint32_t>(tee, 0xBC, 2101);  // build
    store_le<std::uint16_t>(tee, 0xC0, 1);     // rtmr_version
    if (rtmr) {
        for (std::size_t i = 0; i < kRtmrCount; ++i) put(0xD0 + 32 * i, (*rtmr)[i]);
    } else {
        for (std::size_t i = 0; i < kRtmrCount * 32; ++i) tee[0xD0 + i] = std::byte(i);
    }
    if (host_data) std::fill(tee.begin() + 0x3C0, tee.begin() + 0x400, std::byte{0xab});
    const Sm2TestKey pek(from_hex(
        json::get_string(json::at(json::at(primitive("csv-synthetic-chain.keys"), "private_keys_hex"), "PEK"))));
    const auto [r, s] = pek.sign(ByteSpan(tee).first(0x400), v1.pek.uid);
    put(0x400, r);
    put(0x448, s);
    Bytes sn(64), reserved(32);
    std::copy(v1.chip_sn.begin(), v1.chip_sn.end(), reinterpret_cast<char*>(sn.data()));
    append(tee, v1.pek.raw);
    append(tee, sn);
    append(tee, reserved);
    append(tee, secret::csv::hmac_sm3(v1.mnonce, {v1.pek.raw, sn, reserved}));
    return tee;
}

// The 4116-byte wrapper {magic "ATTESTATION_EXT\0", flags, data[4096]}: flags 1 = V2, 3 = V3.
inline Bytes wrap_extended_report(ByteSpan report, std::uint32_t flags) {
    const std::string_view magic("ATTESTATION_EXT\0", 16);
    Bytes wrapped(as_bytes(magic).begin(), as_bytes(magic).end());
    append_le(wrapped, flags);
    append(wrapped, report);
    wrapped.resize(20 + 4096);
    return wrapped;
}

}  // namespace ccvm::test::csv
