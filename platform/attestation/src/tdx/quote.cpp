#include "ccvm/attestation/tdx/quote.hpp"

#include <algorithm>
#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::attestation::tdx {
namespace {

// Reads fields front to back and names the field and offset when the quote is too short.
class Cursor {
public:
    Cursor(ByteSpan data, std::string_view source) : data_(data), source_(source) {}

    ByteSpan take(std::size_t n, std::string_view field) {
        if (n > data_.size() - pos_)
            throw InputError(std::string(source_) + ": quote truncated in " + std::string(field) + " at offset " +
                             std::to_string(pos_) + " (needs " + std::to_string(n) + " bytes, " +
                             std::to_string(data_.size() - pos_) + " left)");
        ByteSpan out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }
    template <typename T>
    T le(std::string_view field) {
        return load_le<T>(take(sizeof(T), field), 0, field);
    }
    template <std::size_t N>
    void copy(std::array<std::byte, N>& out, std::string_view field) {
        ByteSpan f = take(N, field);
        std::copy(f.begin(), f.end(), out.begin());
    }
    std::size_t pos() const noexcept { return pos_; }
    std::size_t left() const noexcept { return data_.size() - pos_; }
    [[noreturn]] void fail(const std::string& what) const {
        throw InputError(std::string(source_) + ": " + what + " at offset " + std::to_string(pos_));
    }

private:
    ByteSpan data_;
    std::string_view source_;
    std::size_t pos_ = 0;
};

TdReportBody read_body(Cursor& c, std::size_t size) {
    const std::size_t start = c.pos();
    TdReportBody b;
    c.copy(b.tee_tcb_svn, "TEE_TCB_SVN");
    c.copy(b.mrseam, "MRSEAM");
    c.copy(b.mrsignerseam, "MRSIGNERSEAM");
    b.seam_attributes = c.le<std::uint64_t>("SEAMATTRIBUTES");
    b.td_attributes = c.le<std::uint64_t>("TDATTRIBUTES");
    b.xfam = c.le<std::uint64_t>("XFAM");
    c.copy(b.mrtd, "MRTD");
    c.copy(b.mrconfigid, "MRCONFIGID");
    c.copy(b.mrowner, "MROWNER");
    c.copy(b.mrownerconfig, "MROWNERCONFIG");
    for (auto& r : b.rtmr) c.copy(r, "RTMR");
    c.copy(b.report_data, "REPORTDATA");
    // TDX 1.5 fields (TEE_TCB_SVN_2, MRSERVICETD) follow; they are covered by the signature only.
    c.take(size - (c.pos() - start), "TD report body (TDX 1.5 fields)");
    return b;
}

}  // namespace

Quote parse_quote(ByteSpan data, std::string_view source) {
    Cursor c(data, source);
    Quote q;
    q.version = c.le<std::uint16_t>("header version");
    if (q.version != 4 && q.version != 5)
        throw InputError(std::string(source) + ": unsupported quote version " + std::to_string(q.version) +
                         " at offset 0 (supported: 4, 5)");
    q.att_key_type = c.le<std::uint16_t>("attestation key type");
    if (q.att_key_type != kAttKeyEcdsaP256)
        throw InputError(std::string(source) + ": attestation key type " + std::to_string(q.att_key_type) +
                         " at offset 2 is not ECDSA-256-with-P-256 (2)");
    q.tee_type = c.le<std::uint32_t>("TEE type");
    if (q.tee_type != kTeeTypeTdx)
        throw InputError(std::string(source) + ": TEE type " + std::to_string(q.tee_type) +
                         " at offset 4 is not TDX (0x81 = 129); SGX quotes are not supported");
    c.take(4, "header reserved");
    c.copy(q.qe_vendor_id, "QE vendor ID");
    c.take(20, "header user data");

    std::size_t body_size = kTdReport10Size;
    if (q.version == 5) {
        q.body_type = c.le<std::uint16_t>("body type");
        const auto size = c.le<std::uint32_t>("body size");
        const std::size_t want = q.body_type == 2 ? kTdReport10Size : q.body_type == 3 ? kTdReport15Size : 0;
        if (want == 0) c.fail("unsupported v5 body type " + std::to_string(q.body_type) + " (expected 2 or 3)");
        if (size != want)
            c.fail("v5 body size " + std::to_string(size) + " does not match body type (" + std::to_string(want) + ")");
        body_size = size;
    }
    q.body = read_body(c, body_size);
    q.signed_bytes.assign(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(c.pos()));

    const auto sig_len = c.le<std::uint32_t>("signature data length");
    if (sig_len > c.left()) c.fail("signature data length " + std::to_string(sig_len) + " exceeds the quote");
    Cursor s(c.take(sig_len, "signature data"), source);
    s.copy(q.signature, "quote signature");
    s.copy(q.attestation_key, "attestation key");
    const auto cert_type = s.le<std::uint16_t>("certification data type");
    const auto cert_size = s.le<std::uint32_t>("certification data size");
    if (cert_type != kCertTypeQeReport)
        s.fail("certification data type " + std::to_string(cert_type) + " is not QE report certification data (6)");
    Cursor qe(s.take(cert_size, "QE report certification data"), source);
    qe.copy(q.qe_report, "QE report");
    qe.copy(q.qe_report_signature, "QE report signature");
    const auto auth_size = qe.le<std::uint16_t>("QE authentication data size");
    ByteSpan auth = qe.take(auth_size, "QE authentication data");
    q.qe_auth_data.assign(auth.begin(), auth.end());
    q.qe_cert_type = qe.le<std::uint16_t>("QE certification data type");
    const auto inner_size = qe.le<std::uint32_t>("QE certification data size");
    ByteSpan inner = qe.take(inner_size, "QE certification data");
    q.qe_cert_data.assign(inner.begin(), inner.end());
    return q;
}

}  // namespace ccvm::attestation::tdx
