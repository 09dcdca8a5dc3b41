#include "ccvm/attestation/snp/vcek_extensions.hpp"

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include <memory>

#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"

namespace ccvm::attestation::snp {
namespace {

// VCEK spec, "VCEK Certificate Extensions" (AMD enterprise arc 1.3.6.1.4.1.3704.1).
constexpr const char* kOidProductName = "1.3.6.1.4.1.3704.1.2";
constexpr const char* kOidBlSpl = "1.3.6.1.4.1.3704.1.3.1";
constexpr const char* kOidTeeSpl = "1.3.6.1.4.1.3704.1.3.2";
constexpr const char* kOidSnpSpl = "1.3.6.1.4.1.3704.1.3.3";
constexpr const char* kOidUcodeSpl = "1.3.6.1.4.1.3704.1.3.8";
constexpr const char* kOidFmcSpl = "1.3.6.1.4.1.3704.1.3.9";
constexpr const char* kOidHwId = "1.3.6.1.4.1.3704.1.4";
constexpr const char* kOidCspId = "1.3.6.1.4.1.3704.1.5";

// The DER content of extension `oid`, or nullopt when the certificate lacks it.
std::optional<ByteSpan> extension_value(X509* cert, const char* oid) {
    Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
    if (!obj) return std::nullopt;
    int idx = X509_get_ext_by_OBJ(cert, obj.get(), -1);
    if (idx < 0) return std::nullopt;
    ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(cert, idx));
    return ByteSpan(reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(value)),
                    static_cast<std::size_t>(ASN1_STRING_length(value)));
}

std::string bad(std::string_view source, const char* oid, std::string_view what) {
    return std::string(source) + ": extension " + oid + " " + std::string(what);
}

std::optional<std::uint8_t> spl(X509* cert, const char* oid, std::string_view source) {
    auto v = extension_value(cert, oid);
    if (!v) return std::nullopt;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(v->data());
    Asn1IntegerPtr n(d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(v->size())));
    std::int64_t value = -1;
    if (!n || ASN1_INTEGER_get_int64(&value, n.get()) != 1 || value < 0 || value > 255)
        throw InputError(bad(source, oid, "is not an INTEGER between 0 and 255"));
    return static_cast<std::uint8_t>(value);
}

// IA5String in DER, or (as some KDS versions emit) the bare characters.
std::optional<std::string> text(X509* cert, const char* oid) {
    auto v = extension_value(cert, oid);
    if (!v) return std::nullopt;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(v->data());
    Asn1StringPtr s(d2i_ASN1_IA5STRING(nullptr, &p, static_cast<long>(v->size())));
    if (s)
        return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s.get())),
                           static_cast<std::size_t>(ASN1_STRING_length(s.get())));
    return std::string(as_chars(*v));
}

// hwID is the raw chip ID in the extension value; accept a DER OCTET STRING wrapper too.
std::optional<Bytes> octets(X509* cert, const char* oid) {
    auto v = extension_value(cert, oid);
    if (!v) return std::nullopt;
    if (v->size() == 64 || v->size() == 8) return Bytes(v->begin(), v->end());
    const unsigned char* p = reinterpret_cast<const unsigned char*>(v->data());
    Asn1OctetStringPtr s(d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<long>(v->size())));
    if (s && p == reinterpret_cast<const unsigned char*>(v->data()) + v->size()) {
        const auto* d = reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(s.get()));
        return Bytes(d, d + ASN1_STRING_length(s.get()));
    }
    return Bytes(v->begin(), v->end());
}

}  // namespace

std::optional<TcbVersion> VcekExtensions::tcb() const {
    if (!bl_spl || !tee_spl || !snp_spl || !ucode_spl) return std::nullopt;
    TcbVersion t;
    t.fmc = fmc_spl;
    t.bootloader = *bl_spl;
    t.tee = *tee_spl;
    t.snp = *snp_spl;
    t.microcode = *ucode_spl;
    return t;
}

VcekExtensions read_vcek_extensions(X509* cert, std::string_view source) {
    VcekExtensions e;
    e.product_name = text(cert, kOidProductName);
    e.hw_id = octets(cert, kOidHwId);
    e.csp_id = text(cert, kOidCspId);
    e.bl_spl = spl(cert, kOidBlSpl, source);
    e.tee_spl = spl(cert, kOidTeeSpl, source);
    e.snp_spl = spl(cert, kOidSnpSpl, source);
    e.ucode_spl = spl(cert, kOidUcodeSpl, source);
    e.fmc_spl = spl(cert, kOidFmcSpl, source);
    return e;
}

}  // namespace ccvm::attestation::snp
