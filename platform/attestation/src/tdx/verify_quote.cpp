#include "ccvm/attestation/tdx/verify_quote.hpp"

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <string>

#include "ccvm/attestation/request_error.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "tdx/collateral_checks.hpp"

namespace ccvm::attestation::tdx {
namespace {

bool self_signed(X509* cert) { return X509_check_issued(cert, cert) == X509_V_OK; }

}  // namespace

std::string verify_to_root(X509* leaf, const std::vector<X509Ptr>& untrusted, const Collateral& collateral,
                           std::int64_t time, bool use_crls) {
    X509StorePtr store(X509_STORE_new());
    std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> chain(sk_X509_new_null(),
                                                                     [](STACK_OF(X509) * s) { sk_X509_free(s); });
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!store || !chain || !ctx) throw SystemError("OpenSSL: cannot allocate a certificate store");
    for (const auto& root : collateral.roots) X509_STORE_add_cert(store.get(), root.get());
    if (use_crls) {
        for (const auto& crl : collateral.crls) X509_STORE_add_crl(store.get(), crl.get());
        X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    }
    // A root embedded in the quote is not trusted: only the collateral's roots anchor the path.
    for (const auto& c : untrusted)
        if (!self_signed(c.get())) sk_X509_push(chain.get(), c.get());
    for (const auto& c : collateral.intermediates) sk_X509_push(chain.get(), c.get());
    if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, chain.get()) != 1)
        throw SystemError("OpenSSL: cannot initialise certificate verification");
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(time));
    if (X509_verify_cert(ctx.get()) == 1) return {};
    const int err = X509_STORE_CTX_get_error(ctx.get());
    return std::string(X509_verify_cert_error_string(err)) + " (depth " +
           std::to_string(X509_STORE_CTX_get_error_depth(ctx.get())) + ")";
}

namespace {

using attestation::CheckList;

// The PCK certificate first, then the rest of the chain the quote carries (type 5); else empty.
std::vector<X509Ptr> quote_chain(const Quote& quote) {
    if (quote.qe_cert_type != kCertTypePckChain) return {};
    // Some quote providers NUL-terminate the PEM text.
    std::string_view pem = as_chars(quote.qe_cert_data);
    while (!pem.empty() && pem.back() == '\0') pem.remove_suffix(1);
    return attestation::load_pem_certificates(pem, "quote PCK certificate chain");
}

void check_quote_signature(const Quote& q, CheckList& out) {
    const ByteSpan key(q.attestation_key);
    EvpPkeyPtr att;
    try {
        att = attestation::ec_public_key("P-256", key.first(32), key.subspan(32), "quote attestation key");
    } catch (const InputError& e) {
        out.fail("quote.signature", e.what());
        return;
    }
    const ByteSpan sig(q.signature);
    if (attestation::ecdsa_verify(att.get(), HashAlgo::sha256, q.signed_bytes, sig.first(32), sig.subspan(32)))
        out.pass("quote.signature",
                 "ECDSA P-256 signature over header and TD report verifies with the attestation key");
    else
        out.fail("quote.signature", "quote signature does not verify with the attestation key");
}

// QE report REPORTDATA = SHA-256(attestation key || QE authentication data) || 32 zero bytes.
void check_qe_binding(const Quote& q, CheckList& out) {
    Bytes input(q.attestation_key.begin(), q.attestation_key.end());
    append(input, q.qe_auth_data);
    const Sha256Digest want = sha256(input);
    const ByteSpan report_data = ByteSpan(q.qe_report).subspan(kQeReportDataOffset, 64);
    if (std::equal(want.begin(), want.end(), report_data.begin()) && is_all_zero(report_data.subspan(32)))
        out.pass("qe_report.binding", "QE report data binds the attestation key");
    else
        out.fail("qe_report.binding", "QE report data " + to_hex(report_data) +
                                          " is not SHA-256(attestation key || QE authentication data) " + to_hex(want));
}

void check_pck(const Quote& q, const Collateral* collateral, std::int64_t time, CheckList& out) {
    const std::vector<X509Ptr> chain = quote_chain(q);
    if (chain.empty()) {
        const std::string why = "the quote carries certification data type " + std::to_string(q.qe_cert_type) +
                                ", not a PCK certificate chain (5)";
        out.fail("pck.chain", why);
        out.fail("qe_report.signature", why);
        return;
    }
    X509* pck = chain.front().get();
    if (!collateral)
        out.fail("pck.chain", "no trusted root: give --collateral DIR holding the Intel SGX Root CA certificate");
    else if (std::string why = verify_to_root(pck, chain, *collateral, time, false); !why.empty())
        out.fail("pck.chain", "PCK certificate chain does not verify to a root in --collateral: " + why);
    else
        out.pass("pck.chain", "PCK certificate (" + attestation::common_name(pck) + ") chains to a trusted root");
    if (collateral && !collateral->crls.empty()) {
        if (std::string why = verify_to_root(pck, chain, *collateral, time, true); !why.empty())
            out.fail("pck.revocation", "PCK chain against the CRLs in --collateral: " + why);
        else
            out.pass("pck.revocation", "no certificate of the PCK chain is revoked (" +
                                           std::to_string(collateral->crls.size()) + " CRLs, all current)");
    }
    if (collateral && collateral->tcb_info) check_tcb_info(q, pck, *collateral, time, out);

    const ByteSpan sig(q.qe_report_signature);
    EVP_PKEY* key = X509_get0_pubkey(pck);
    if (key != nullptr && attestation::ecdsa_verify(key, HashAlgo::sha256, q.qe_report, sig.first(32), sig.subspan(32)))
        out.pass("qe_report.signature", "QE report signature verifies with the PCK key");
    else
        out.fail("qe_report.signature", "QE report signature does not verify with the PCK key");
}

void compare(const char* name, ByteSpan actual, const std::optional<Bytes>& expected, CheckList& out) {
    if (!expected) return;
    Bytes want = *expected;
    if (want.size() < actual.size()) want.resize(actual.size(), std::byte{0});
    if (std::equal(want.begin(), want.end(), actual.begin(), actual.end()))
        out.pass(name, std::string(name) + " matches");
    else
        out.fail(name, std::string(name) + " " + to_hex(actual) + " differs from the expected " + to_hex(*expected));
}

}  // namespace

Collateral load_collateral(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw RequestError(RequestField::collateral, "'" + dir + "' is not a directory");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file()) files.push_back(entry.path());
    if (ec) throw RequestError(RequestField::collateral, "cannot list '" + dir + "': " + ec.message());
    std::sort(files.begin(), files.end());
    Collateral c;
    for (const auto& path : files) {
        const std::string ext = path.extension().string();
        const std::string name = path.filename().string();
        if (ext == ".pem" || ext == ".crt" || ext == ".cer" || ext == ".der") {
            for (auto& cert : attestation::load_certificates(read_file(path), path.string()))
                (self_signed(cert.get()) ? c.roots : c.intermediates).push_back(std::move(cert));
        } else if (ext == ".crl") {
            c.crls.push_back(attestation::load_crl(read_file(path), path.string()));
        } else if (name == "tcb_info.json") {
            c.tcb_info = parse_tcb_info(read_text_file(path), path.string());
        } else if (name == "qe_identity.json") {
            c.qe_identity = parse_qe_identity(read_text_file(path), path.string());
        }
    }
    if (c.roots.empty())
        throw RequestError(RequestField::collateral,
                           "no self-signed root certificate (*.pem, *.crt, *.cer, *.der) in '" + dir + "'");
    return c;
}

CheckList verify_quote(const Quote& quote, const Collateral* collateral, const QuoteExpectations& expected,
                       const QuoteVerifyOptions& options) {
    CheckList out;
    if (options.check_signatures) {
        const std::int64_t time = options.verification_time.value_or(static_cast<std::int64_t>(std::time(nullptr)));
        check_pck(quote, collateral, time, out);
        if (collateral && collateral->qe_identity) check_qe_identity(quote, *collateral, time, out);
        check_qe_binding(quote, out);
        check_quote_signature(quote, out);
    } else {
        attestation::note_signatures_not_checked(out);
    }
    compare("mrtd", quote.body.mrtd, expected.mrtd, out);
    for (std::size_t i = 0; i < 4; ++i) {
        const std::string name = "rtmr" + std::to_string(i);
        compare(name.c_str(), quote.body.rtmr[i], expected.rtmr[i], out);
    }
    compare("report_data", quote.body.report_data, expected.report_data, out);
    compare("mrconfigid", quote.body.mrconfigid, expected.mrconfigid, out);
    compare("mrowner", quote.body.mrowner, expected.mrowner, out);
    compare("mrownerconfig", quote.body.mrownerconfig, expected.mrownerconfig, out);
    if (expected.td_attributes) {
        Bytes actual, want;
        append_le(actual, quote.body.td_attributes);
        append_le(want, *expected.td_attributes);
        compare("td_attributes", actual, want, out);
    }
    return out;
}

}  // namespace ccvm::attestation::tdx
