#include "ccvm/attestation/snp/verify_report.hpp"
#include "ccvm/base/hex_number.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "ccvm/attestation/snp/vcek_extensions.hpp"
#include "ccvm/base/encoding.hpp"

namespace ccvm::attestation::snp {
namespace {

using attestation::CheckList;

void check_chain(const SigningChain& chain, CheckList& out) {
    auto link = [&out](const char* name, X509* cert, X509* issuer, const char* cert_name, const char* issuer_name) {
        std::string why = attestation::check_issued_by(cert, issuer, cert_name, issuer_name);
        if (why.empty())
            out.pass(name, std::string(cert_name) + " signed by " + issuer_name);
        else
            out.fail(name, why);
    };
    link("chain.ark", chain.ark.get(), chain.ark.get(), "ARK", "ARK");
    link("chain.ask", chain.ask.get(), chain.ark.get(), "ASK", "ARK");
    link("chain.vek", chain.vek.get(), chain.ask.get(), "VCEK/VLEK", "ASK");
}

void check_signature(const AttestationReport& report, const SigningChain& chain, CheckList& out) {
    if (report.signing_key == static_cast<std::uint8_t>(SigningKey::none)) {
        out.fail("report.signature", "the report is unsigned (SIGNING_KEY = 7, no key)");
        return;
    }
    if (report.signature_algo != kSigAlgoEcdsaP384Sha384) {
        out.fail("report.signature", "unsupported SIGNATURE_ALGO " + std::to_string(report.signature_algo) +
                                         " (expected 1, ECDSA P-384 with SHA-384)");
        return;
    }
    EVP_PKEY* key = X509_get0_pubkey(chain.vek.get());
    if (key == nullptr || !attestation::ecdsa_verify(key, HashAlgo::sha384, report.signed_bytes, report.signature_r,
                                                     report.signature_s)) {
        out.fail("report.signature", "report signature does not verify with the VCEK/VLEK key");
        return;
    }
    out.pass("report.signature", "ECDSA P-384 signature verifies with the VCEK/VLEK key");
}

void check_certificate_binding(const AttestationReport& report, X509* vek, CheckList& out) {
    const VcekExtensions ext = read_vcek_extensions(vek, "VCEK/VLEK certificate");
    const bool report_says_vlek = report.signing_key == static_cast<std::uint8_t>(SigningKey::vlek);
    if (report.signing_key != static_cast<std::uint8_t>(SigningKey::vcek) && !report_says_vlek)
        out.fail("vek.type", "the report names signing key " + std::to_string(report.signing_key) +
                                 ", neither VCEK (0) nor VLEK (1)");
    else if (report_says_vlek != ext.is_vlek())
        out.fail("vek.type", std::string("the report was signed by a ") + (report_says_vlek ? "VLEK" : "VCEK") +
                                 " but the certificate is a " + (ext.is_vlek() ? "VLEK" : "VCEK"));
    else
        out.pass("vek.type", report_says_vlek ? "VLEK" : "VCEK");

    if (!ext.is_vlek()) {
        if (!ext.hw_id) {
            out.fail("vek.chip_id", "the VCEK has no hwID extension (1.3.6.1.4.1.3704.1.4)");
        } else if (report.mask_chip_id) {
            out.fail("vek.chip_id", "the report masks its chip ID (MASK_CHIP_ID); it cannot be matched to the VCEK");
        } else {
            // Turin VCEKs carry only the first 8 bytes of the chip ID.
            const ByteSpan want(report.chip_id.data(), std::min(report.chip_id.size(), ext.hw_id->size()));
            if (ext.hw_id->size() > report.chip_id.size() || !std::equal(want.begin(), want.end(), ext.hw_id->begin()))
                out.fail("vek.chip_id", "report CHIP_ID " + to_hex(report.chip_id) + " differs from the VCEK hwID " +
                                            to_hex(*ext.hw_id));
            else
                out.pass("vek.chip_id", "report CHIP_ID matches the VCEK hwID");
        }
    }

    const TcbVersion reported = report.reported_tcb_version();
    const auto cert_tcb = ext.tcb();
    if (!cert_tcb) {
        out.fail("vek.tcb", "the certificate lacks an SPL extension (1.3.6.1.4.1.3704.1.3.x)");
    } else {
        TcbVersion want = *cert_tcb;
        if (!reported.fmc) want.fmc.reset();  // only Turin reports and certificates carry an FMC SPL
        if (want != reported)
            out.fail("vek.tcb", "report REPORTED_TCB (" + reported.to_string() +
                                    ") differs from the certificate's TCB (" + cert_tcb->to_string() + ")");
        else
            out.pass("vek.tcb", "REPORTED_TCB " + reported.to_string() + " matches the certificate");
    }
}

// Compares a field with the expected bytes; a shorter expectation is zero-padded when `pad` is set
// (report data is often a 32-byte hash in a 64-byte field).
template <std::size_t N>
void compare(const char* name, const std::array<std::byte, N>& actual, const std::optional<Bytes>& expected,
             const char* field, bool pad, CheckList& out) {
    if (!expected) return;
    Bytes want = *expected;
    if (pad && want.size() < N) want.resize(N, std::byte{0});
    if (want.size() == N && std::equal(want.begin(), want.end(), actual.begin()))
        out.pass(name, std::string(field) + " matches");
    else
        out.fail(name, std::string(field) + " " + to_hex(actual) + " differs from the expected " + to_hex(*expected));
}

}  // namespace

CheckList verify_report(const AttestationReport& report, const SigningChain& chain,
                        const ReportExpectations& expected) {
    CheckList out;
    check_chain(chain, out);
    check_signature(report, chain, out);
    check_certificate_binding(report, chain.vek.get(), out);
    compare_report(report, expected, out);
    return out;
}

void compare_report(const AttestationReport& report, const ReportExpectations& expected, CheckList& out) {
    compare("measurement", report.measurement, expected.measurement, "MEASUREMENT", false, out);
    compare("host_data", report.host_data, expected.host_data, "HOST_DATA", false, out);
    compare("report_data", report.report_data, expected.report_data, "REPORT_DATA", true, out);
    if (expected.policy) {
        if (report.policy == *expected.policy)
            out.pass("policy", "POLICY " + hex_number(report.policy) + " matches");
        else
            out.fail("policy", "POLICY " + hex_number(report.policy) + " differs from the expected " +
                                   hex_number(*expected.policy));
    }
}

}  // namespace ccvm::attestation::snp
