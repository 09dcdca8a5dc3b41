#include "ccvm/attestation/csv/report_verifier.hpp"
#include "ccvm/base/hex_number.hpp"

#include <algorithm>
#include <cstdio>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::attestation::csv {
namespace {

std::optional<std::string> usage_problem(std::string_view name, std::uint32_t got, KeyUsage want) {
    if (got == static_cast<std::uint32_t>(want)) return std::nullopt;
    return std::string(name) + " key usage is " + hex_number(got) + ", expected " +
           hex_number(static_cast<std::uint32_t>(want));
}

Check make(std::string name, const std::optional<std::string>& problem) {
    return {std::move(name), !problem, problem.value_or("")};
}

// Usage first, then the issuer's key id, then the signature itself: the first problem is the reason.
std::optional<std::string> first_of(std::initializer_list<std::optional<std::string>> problems) {
    for (const auto& p : problems)
        if (p) return p;
    return std::nullopt;
}

std::optional<std::string> key_id_problem(std::string_view name, const std::array<std::byte, 16>& got,
                                          std::string_view issuer, const std::array<std::byte, 16>& want) {
    if (got == want) return std::nullopt;
    return std::string(name) + " names issuer key id " + to_hex(got) + ", but the " + std::string(issuer) +
           " key id is " + to_hex(want);
}

std::optional<std::string> slots_problem(const CsvCertificate& cert, std::string_view name, const EccPublicKey& key,
                                         ByteSpan uid, std::string_view issuer) {
    std::optional<std::string> last = std::string(name) + " carries no signature";
    for (const auto& slot : cert.slots) {
        if (slot.empty()) continue;
        last = check_signature(key, uid, issuer, cert.signed_bytes(), slot.sig);
        if (!last) return std::nullopt;
    }
    return std::string(name) + " signature: " + *last;
}

void add(CheckList& out, Check c) { out.add(std::move(c.name), c.ok, std::move(c.reason)); }

template <std::size_t N>
void compare(CheckList& out, std::string name, const std::optional<std::array<std::byte, N>>& want,
             const std::array<std::byte, N>& got) {
    if (!want) return;
    if (*want == got) {
        out.pass(std::move(name), to_hex(got));
        return;
    }
    std::string reason = "report " + name + " " + to_hex(got) + " differs from expected " + to_hex(*want);
    out.fail(std::move(name), std::move(reason));
}

}  // namespace

CertChain CertChain::parse(ByteSpan hrk, std::string_view hrk_source, ByteSpan hsk_cek,
                           std::string_view hsk_cek_source) {
    if (hsk_cek.size() != kCaCertSize + kCsvCertSize)
        throw InputError(std::string(hsk_cek_source) + ": expected the HSK||CEK file of " +
                         std::to_string(kCaCertSize + kCsvCertSize) + " bytes, got " + std::to_string(hsk_cek.size()));
    return {CaCertificate::parse(hrk, std::string(hrk_source) + " (HRK)"),
            CaCertificate::parse(hsk_cek.first(kCaCertSize), std::string(hsk_cek_source) + " (HSK)"),
            CsvCertificate::parse(hsk_cek.subspan(kCaCertSize), std::string(hsk_cek_source) + " (CEK)")};
}

void verify_chain(const CertChain& c, CheckList& out) {
    add(out, make("hrk.signature",
                  first_of({usage_problem("HRK", c.hrk.usage, KeyUsage::hrk),
                            key_id_problem("HRK", c.hrk.sig_key_id, "HRK", c.hrk.key_id),
                            check_signature(c.hrk.pubkey, c.hrk.uid, "HRK", c.hrk.signed_bytes(), c.hrk.sig)})));
    add(out, make("hsk.signature",
                  first_of({usage_problem("HSK", c.hsk.usage, KeyUsage::hsk),
                            key_id_problem("HSK", c.hsk.sig_key_id, "HRK", c.hrk.key_id),
                            check_signature(c.hrk.pubkey, c.hrk.uid, "HRK", c.hsk.signed_bytes(), c.hsk.sig)})));
    add(out, make("cek.signature", first_of({usage_problem("CEK", c.cek.usage, KeyUsage::cek),
                                             key_id_problem("CEK", c.cek.sid, "HSK", c.hsk.key_id),
                                             slots_problem(c.cek, "CEK", c.hsk.pubkey, c.hsk.uid, "HSK")})));
}

Check verify_pek(const CsvCertificate& pek, const CsvCertificate& cek) {
    return make("pek.signature", first_of({usage_problem("PEK", pek.usage, KeyUsage::pek),
                                           slots_problem(pek, "PEK", cek.pubkey, cek.uid, "CEK")}));
}

Check verify_report_signature(const AttestationReport& r) {
    std::optional<std::string> algo;
    if (r.sig_algo != secret::csv::kAlgoSm2Signature)
        algo = "report sig_algo is " + hex_number(r.sig_algo) + ", expected 4 (SM2)";
    return make("report.signature", first_of({usage_problem("report signer", r.sig_usage, KeyUsage::pek), algo,
                                              check_signature(r.pek.pubkey, r.pek.uid, "PEK", r.signed_bytes, r.sig)}));
}

Check verify_signer_mac(const AttestationReport& r) {
    if (r.signer_form == SignerForm::restored)
        return {"report.signer-mac", true, "restored evidence: the guest library already checked and removed the MAC"};
    if (r.signer_mac_ok) return {"report.signer-mac", true, ""};
    return {"report.signer-mac", false,
            "HMAC-SM3 (key = mnonce) over PEK certificate, chip SN and reserved bytes differs"};
}

CheckList verify_report(const AttestationReport& report, const CertChain& chain, const ReportExpectations& expected) {
    CheckList out;
    verify_chain(chain, out);
    add(out, verify_pek(report.pek, chain.cek));
    add(out, verify_report_signature(report));
    add(out, verify_signer_mac(report));
    compare_report(report, expected, out);
    return out;
}

void compare_report(const AttestationReport& report, const ReportExpectations& expected, CheckList& out) {
    compare(out, "measurement", expected.measurement, report.measure);
    if (expected.report_data) {
        if (expected.report_data->size() > report.report_data.size())
            throw InputError("expected report data longer than the report's 64 bytes");
        std::array<std::byte, 64> padded{};
        std::copy(expected.report_data->begin(), expected.report_data->end(), padded.begin());
        compare(out, "report_data", std::optional(padded), report.report_data);
    }
    if (expected.policy) {
        if (*expected.policy == report.policy)
            out.pass("policy", hex_number(report.policy));
        else
            out.fail("policy", "report policy " + hex_number(report.policy) + " differs from expected " +
                                   hex_number(*expected.policy));
    }
    if (expected.host_data) {
        if (!report.host_data)
            out.fail("host_data",
                     "a V" + std::string(to_string(report.version)) + " report carries no host data (V3 only)");
        else
            compare(out, "host_data", expected.host_data, *report.host_data);
    }
}

}  // namespace ccvm::attestation::csv
