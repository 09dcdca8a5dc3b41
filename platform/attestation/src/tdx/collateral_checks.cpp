#include "tdx/collateral_checks.hpp"

#include <algorithm>
#include <ctime>

#include "ccvm/attestation/tdx/pck_extensions.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::attestation::tdx {
namespace {

using attestation::CheckList;

// Intel PCS: TCB info and enclave identities are signed by this certificate (issued by the Root CA).
constexpr std::string_view kTcbSigningName = "Intel SGX TCB Signing";
constexpr std::string_view kUpToDate = "UpToDate";

// SGX REPORT body (Intel SDM Vol. 3D "REPORT"): offsets of the QE report fields.
constexpr std::size_t kMiscSelect = 16, kAttributes = 48, kMrSigner = 128, kIsvProdId = 256, kIsvSvn = 258;

std::uint32_t load_be32(const std::array<std::byte, 4>& b) {
    return static_cast<std::uint32_t>(b[0]) << 24 | static_cast<std::uint32_t>(b[1]) << 16 |
           static_cast<std::uint32_t>(b[2]) << 8 | static_cast<std::uint32_t>(b[3]);
}

std::string utc(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// The TCB Signing certificate of the collateral, checked to the roots; the signature of `body`.
void check_signed_body(const SignedBody& body, const Collateral& collateral, std::int64_t time, const std::string& name,
                       CheckList& out) {
    X509* signer = nullptr;
    for (const auto& c : collateral.intermediates)
        if (attestation::common_name(c.get()) == kTcbSigningName) signer = c.get();
    if (signer == nullptr) {
        out.fail(name,
                 "no '" + std::string(kTcbSigningName) + "' certificate in the collateral (the PCS issuer chain)");
        return;
    }
    if (std::string why = verify_to_root(signer, {}, collateral, time, !collateral.crls.empty()); !why.empty()) {
        out.fail(name, "the TCB Signing certificate does not verify to a root in the collateral: " + why);
        return;
    }
    const ByteSpan sig(body.signature);
    if (attestation::ecdsa_verify(X509_get0_pubkey(signer), HashAlgo::sha256, as_bytes(body.body), sig.first(32),
                                  sig.subspan(32)))
        out.pass(name, "ECDSA P-256 signature verifies with the TCB Signing key");
    else
        out.fail(name, "signature does not verify with the TCB Signing key");
}

void check_validity(std::int64_t issue, std::int64_t next, std::int64_t time, const std::string& name, CheckList& out) {
    const std::string span = "issued " + utc(issue) + ", next update " + utc(next) + ", verification time " + utc(time);
    if (time < issue)
        out.fail(name, "not yet valid: " + span);
    else if (time > next)
        out.fail(name, "expired: " + span + " (fetch current collateral, or set the verification time)");
    else
        out.pass(name, span);
}

bool all_at_least(const std::array<std::uint8_t, 16>& have, const std::array<std::uint8_t, 16>& need) {
    for (std::size_t i = 0; i < 16; ++i)
        if (have[i] < need[i]) return false;
    return true;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// The TCB level of the platform (PCK SVNs) and the TD (TEE_TCB_SVN), as Intel's PCS documents it:
// the first level all of whose SGX components, PCESVN and TDX components the platform reaches.
void check_tcb_status(const TcbInfo& info, const PckExtensions& pck, const Quote& quote, CheckList& out) {
    std::array<std::uint8_t, 16> tee{};
    for (std::size_t i = 0; i < 16; ++i) tee[i] = static_cast<std::uint8_t>(quote.body.tee_tcb_svn[i]);
    for (const TcbLevel& level : info.levels) {
        if (!all_at_least(pck.sgx_tcb_components, level.sgx_components) || pck.pcesvn < level.pcesvn ||
            !all_at_least(tee, level.tdx_components))
            continue;
        // The level applies only to the TDX module version it was made for (TEE_TCB_SVN[1]).
        if (level.tdx_components[1] != tee[1]) {
            out.fail("tcb.status", "the matching TCB level (" + level.date + ") is for TDX module SVN " +
                                       std::to_string(level.tdx_components[1]) + ", the TD reports " +
                                       std::to_string(tee[1]));
            return;
        }
        const std::string what = "TCB level " + level.date + ": " + level.status +
                                 (level.advisories.empty() ? "" : " (advisories " + join(level.advisories) + ")");
        if (level.status == kUpToDate)
            out.pass("tcb.status", what);
        else
            out.fail("tcb.status", what);
        return;
    }
    out.fail("tcb.status", "no TCB level of the TCB info is reached by the PCK's SVNs and the TD's TEE_TCB_SVN " +
                               to_hex(quote.body.tee_tcb_svn));
}

}  // namespace

void check_tcb_info(const Quote& quote, X509* pck, const Collateral& collateral, std::int64_t time, CheckList& out) {
    const TcbInfo& info = *collateral.tcb_info;
    check_signed_body(info.signed_body, collateral, time, "tcb_info.signature", out);
    check_validity(info.issue_date, info.next_update, time, "tcb_info.validity", out);

    PckExtensions ext;
    try {
        ext = pck_extensions(pck);
    } catch (const InputError& e) {
        out.fail("tcb_info.platform", e.what());
        return;
    }
    if (ext.fmspc != info.fmspc || ext.pceid != info.pceid) {
        out.fail("tcb_info.platform", "the TCB info is for FMSPC " + to_hex(info.fmspc) + " / PCE-ID " +
                                          to_hex(info.pceid) + ", the PCK certificate has " + to_hex(ext.fmspc) +
                                          " / " + to_hex(ext.pceid));
        return;
    }
    out.pass("tcb_info.platform",
             "FMSPC " + to_hex(ext.fmspc) + " and PCE-ID " + to_hex(ext.pceid) + " match the PCK certificate");

    if (info.module_mrsigner) {
        Bytes attributes;
        append_le(attributes, quote.body.seam_attributes);
        bool attributes_ok = true;
        for (std::size_t i = 0; i < 8; ++i)
            attributes_ok =
                attributes_ok && (attributes[i] & (*info.module_attributes_mask)[i]) == (*info.module_attributes)[i];
        if (!std::equal(info.module_mrsigner->begin(), info.module_mrsigner->end(), quote.body.mrsignerseam.begin()))
            out.fail("tcb_info.tdx_module", "MRSIGNERSEAM " + to_hex(quote.body.mrsignerseam) +
                                                " is not the TCB info's " + to_hex(*info.module_mrsigner));
        else if (!attributes_ok)
            out.fail("tcb_info.tdx_module",
                     "SEAMATTRIBUTES " + to_hex(attributes) + " do not match the TCB info's under its mask");
        else
            out.pass("tcb_info.tdx_module", "MRSIGNERSEAM and SEAMATTRIBUTES match the TCB info");
    }
    check_tcb_status(info, ext, quote, out);
}

void check_qe_identity(const Quote& quote, const Collateral& collateral, std::int64_t time, CheckList& out) {
    const QeIdentity& id = *collateral.qe_identity;
    check_signed_body(id.signed_body, collateral, time, "qe_identity.signature", out);
    check_validity(id.issue_date, id.next_update, time, "qe_identity.validity", out);

    const ByteSpan report(quote.qe_report);
    std::string mismatch;
    if (!std::equal(id.mrsigner.begin(), id.mrsigner.end(), report.begin() + kMrSigner))
        mismatch = "MRSIGNER " + to_hex(report.subspan(kMrSigner, 32)) + " is not " + to_hex(id.mrsigner);
    const std::uint16_t prodid = load_le<std::uint16_t>(report, kIsvProdId, "QE report ISVPRODID");
    if (mismatch.empty() && prodid != id.isvprodid)
        mismatch = "ISVPRODID " + std::to_string(prodid) + " is not " + std::to_string(id.isvprodid);
    // MISCSELECT is a little-endian field in the report and a big-endian hex number in the identity.
    const std::uint32_t misc = load_le<std::uint32_t>(report, kMiscSelect, "QE report MISCSELECT");
    const std::uint32_t want_misc = load_be32(id.miscselect), misc_mask = load_be32(id.miscselect_mask);
    if (mismatch.empty() && (misc & misc_mask) != want_misc) mismatch = "MISCSELECT under the identity's mask differs";
    for (std::size_t i = 0; mismatch.empty() && i < 16; ++i)
        if ((report[kAttributes + i] & id.attributes_mask[i]) != id.attributes[i])
            mismatch = "ATTRIBUTES " + to_hex(report.subspan(kAttributes, 16)) + " under the identity's mask differ";
    if (mismatch.empty())
        out.pass("qe_identity.match",
                 "the QE report matches the TD QE identity (MRSIGNER, ISVPRODID, MISCSELECT, ATTRIBUTES)");
    else
        out.fail("qe_identity.match", mismatch);

    const std::uint16_t isvsvn = load_le<std::uint16_t>(report, kIsvSvn, "QE report ISVSVN");
    for (const QeTcbLevel& level : id.levels) {
        if (level.isvsvn > isvsvn) continue;
        const std::string what =
            "QE ISVSVN " + std::to_string(isvsvn) + ": " + level.status + " (level " + level.date + ")";
        if (level.status == kUpToDate)
            out.pass("qe_identity.tcb", what);
        else
            out.fail("qe_identity.tcb", what);
        return;
    }
    out.fail("qe_identity.tcb", "no TCB level of the QE identity covers QE ISVSVN " + std::to_string(isvsvn));
}

}  // namespace ccvm::attestation::tdx
