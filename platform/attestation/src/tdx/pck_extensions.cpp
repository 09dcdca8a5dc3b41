#include "ccvm/attestation/tdx/pck_extensions.hpp"

#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "ccvm/base/error.hpp"
#include "ccvm/base/openssl.hpp"

namespace ccvm::attestation::tdx {
namespace {

// SGX PCK Certificate and CRL Profile: 1.2.840.113741.1.13.1 and its arcs, as DER OID contents.
constexpr std::uint8_t kSgxArc[] = {0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01};
constexpr std::uint8_t kTcb = 0x02, kPceId = 0x03, kFmspc = 0x04;
constexpr std::uint8_t kPceSvn = 17, kCpuSvn = 18;  // arcs under the TCB arc after Comp01..16

constexpr std::uint8_t kTagInteger = 0x02, kTagOctetString = 0x04, kTagOid = 0x06, kTagSequence = 0x30;

struct Tlv {
    std::uint8_t tag = 0;
    ByteSpan value;
};

// One DER TLV from the front of `in` (definite lengths up to 4 bytes); advances `in`.
Tlv next_tlv(ByteSpan& in, std::string_view source) {
    auto bad = [&](const char* what) { return InputError(std::string(source) + ": SGX extension: " + what); };
    if (in.size() < 2) throw bad("truncated TLV");
    Tlv t;
    t.tag = static_cast<std::uint8_t>(in[0]);
    std::size_t len = static_cast<std::uint8_t>(in[1]);
    std::size_t header = 2;
    if (len & 0x80) {
        const std::size_t n = len & 0x7F;
        if (n == 0 || n > 4 || in.size() < 2 + n) throw bad("unsupported or truncated length");
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = (len << 8) | static_cast<std::uint8_t>(in[2 + i]);
        header += n;
    }
    if (in.size() - header < len) throw bad("length runs past the end");
    t.value = in.subspan(header, len);
    in = in.subspan(header + len);
    return t;
}

// The arc after the SGX prefix (and after `parent` when given), or nullopt for another OID.
std::optional<std::uint8_t> sgx_arc(ByteSpan oid, std::optional<std::uint8_t> parent = std::nullopt) {
    const std::size_t prefix = sizeof kSgxArc + (parent ? 1 : 0);
    if (oid.size() != prefix + 1) return std::nullopt;
    if (!std::equal(std::begin(kSgxArc), std::end(kSgxArc), oid.begin(),
                    [](std::uint8_t a, std::byte b) { return a == static_cast<std::uint8_t>(b); }))
        return std::nullopt;
    if (parent && static_cast<std::uint8_t>(oid[sizeof kSgxArc]) != *parent) return std::nullopt;
    return static_cast<std::uint8_t>(oid[prefix]);
}

std::uint32_t small_integer(const Tlv& t, std::string_view source) {
    if (t.tag != kTagInteger || t.value.empty() || t.value.size() > 3)
        throw InputError(std::string(source) + ": SGX extension: expected a small INTEGER");
    std::uint32_t v = 0;
    for (std::byte b : t.value) v = (v << 8) | static_cast<std::uint8_t>(b);
    return v;
}

template <std::size_t N>
void octets(const Tlv& t, std::array<std::byte, N>& out, std::string_view source, const char* what) {
    if (t.tag != kTagOctetString || t.value.size() != N)
        throw InputError(std::string(source) + ": SGX extension: " + what + " is not an OCTET STRING of " +
                         std::to_string(N) + " bytes");
    std::copy(t.value.begin(), t.value.end(), out.begin());
}

// SEQUENCE { OID, value } -> (oid bytes, value TLV)
std::pair<ByteSpan, Tlv> member(const Tlv& seq, std::string_view source) {
    if (seq.tag != kTagSequence) throw InputError(std::string(source) + ": SGX extension: expected a SEQUENCE");
    ByteSpan in = seq.value;
    const Tlv oid = next_tlv(in, source);
    if (oid.tag != kTagOid) throw InputError(std::string(source) + ": SGX extension: expected an OID");
    const Tlv value = next_tlv(in, source);
    return {oid.value, value};
}

void parse_tcb(const Tlv& tcb, PckExtensions& out, std::string_view source) {
    if (tcb.tag != kTagSequence) throw InputError(std::string(source) + ": SGX extension: TCB is not a SEQUENCE");
    unsigned seen = 0;
    for (ByteSpan in = tcb.value; !in.empty();) {
        const auto [oid, value] = member(next_tlv(in, source), source);
        const auto arc = sgx_arc(oid, kTcb);
        if (!arc) continue;
        if (*arc >= 1 && *arc <= 16) {
            const std::uint32_t svn = small_integer(value, source);
            if (svn > 0xFF) throw InputError(std::string(source) + ": SGX extension: TCB component SVN above 255");
            out.sgx_tcb_components[*arc - 1] = static_cast<std::uint8_t>(svn);
            seen |= 1u << (*arc - 1);
        } else if (*arc == kPceSvn) {
            const std::uint32_t svn = small_integer(value, source);
            if (svn > 0xFFFF) throw InputError(std::string(source) + ": SGX extension: PCESVN above 65535");
            out.pcesvn = static_cast<std::uint16_t>(svn);
            seen |= 1u << 16;
        } else if (*arc == kCpuSvn) {
            octets(value, out.cpusvn, source, "CPUSVN");
        }
    }
    if (seen != 0x1FFFF)
        throw InputError(std::string(source) + ": SGX extension: the TCB lacks a component SVN or PCESVN");
}

}  // namespace

PckExtensions parse_pck_extensions(ByteSpan der, std::string_view source) {
    ByteSpan in = der;
    const Tlv top = next_tlv(in, source);
    if (top.tag != kTagSequence || !in.empty())
        throw InputError(std::string(source) + ": SGX extension: expected one SEQUENCE");
    PckExtensions out;
    bool tcb = false, pceid = false, fmspc = false;
    for (ByteSpan body = top.value; !body.empty();) {
        const auto [oid, value] = member(next_tlv(body, source), source);
        const auto arc = sgx_arc(oid);
        if (!arc) continue;
        if (*arc == kTcb) {
            parse_tcb(value, out, source);
            tcb = true;
        } else if (*arc == kPceId) {
            octets(value, out.pceid, source, "PCE-ID");
            pceid = true;
        } else if (*arc == kFmspc) {
            octets(value, out.fmspc, source, "FMSPC");
            fmspc = true;
        }
    }
    if (!tcb || !pceid || !fmspc)
        throw InputError(std::string(source) + ": SGX extension lacks " +
                         (!tcb     ? "the TCB"
                          : !pceid ? "the PCE-ID"
                                   : "the FMSPC"));
    return out;
}

PckExtensions pck_extensions(X509* pck) {
    Asn1ObjectPtr oid(OBJ_txt2obj("1.2.840.113741.1.13.1", 1));
    if (!oid) throw SystemError("OpenSSL: cannot make the SGX extension OID");
    const int index = X509_get_ext_by_OBJ(pck, oid.get(), -1);
    if (index < 0) throw InputError("PCK certificate: no Intel SGX extension (1.2.840.113741.1.13.1)");
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(pck, index));
    const ByteSpan der(reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(data)),
                       static_cast<std::size_t>(ASN1_STRING_length(data)));
    return parse_pck_extensions(der, "PCK certificate");
}

}  // namespace ccvm::attestation::tdx
