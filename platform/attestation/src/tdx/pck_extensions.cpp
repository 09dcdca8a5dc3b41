#include "ccvm/attestation/tdx/pck_extensions.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
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

[[noreturn]] void bad(std::string_view source, const std::string& what) {
    throw InputError(std::string(source) + ": SGX extension: " + what);
}

struct SequenceFree {
    void operator()(ASN1_SEQUENCE_ANY* seq) const noexcept { sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free); }
};
using Sequence = std::unique_ptr<ASN1_SEQUENCE_ANY, SequenceFree>;

// The members of the DER SEQUENCE `der`, which must span all of it, parsed by OpenSSL as ANY values.
Sequence parse_sequence(ByteSpan der, std::string_view source, const char* what) {
    if (der.size() > static_cast<std::size_t>(LONG_MAX)) bad(source, std::string(what) + " is too large");
    const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* p = begin;
    Sequence seq(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, static_cast<long>(der.size())));
    ERR_clear_error();
    if (!seq || p != begin + der.size()) bad(source, std::string(what) + " is not one DER SEQUENCE");
    return seq;
}

ByteSpan string_bytes(const ASN1_STRING* s) {
    return {reinterpret_cast<const std::byte*>(ASN1_STRING_get0_data(s)),
            static_cast<std::size_t>(ASN1_STRING_length(s))};
}

// The SEQUENCE value `t` (OpenSSL keeps its whole DER encoding) parsed into its members.
Sequence nested_sequence(const ASN1_TYPE* t, std::string_view source, const char* what) {
    if (ASN1_TYPE_get(t) != V_ASN1_SEQUENCE) bad(source, std::string(what) + " is not a SEQUENCE");
    return parse_sequence(string_bytes(t->value.sequence), source, what);
}

// The arc after the SGX prefix (and after `parent` when given), or nullopt for another OID.
std::optional<std::uint8_t> sgx_arc(const ASN1_OBJECT* object, std::optional<std::uint8_t> parent = std::nullopt) {
    // OBJ_get0_data: the OID's DER content octets, the form kSgxArc is written in.
    const ByteSpan oid(reinterpret_cast<const std::byte*>(OBJ_get0_data(object)), OBJ_length(object));
    const std::size_t prefix = sizeof kSgxArc + (parent ? 1 : 0);
    if (oid.size() != prefix + 1) return std::nullopt;
    if (!std::equal(std::begin(kSgxArc), std::end(kSgxArc), oid.begin(),
                    [](std::uint8_t a, std::byte b) { return a == static_cast<std::uint8_t>(b); }))
        return std::nullopt;
    if (parent && static_cast<std::uint8_t>(oid[sizeof kSgxArc]) != *parent) return std::nullopt;
    return static_cast<std::uint8_t>(oid[prefix]);
}

std::uint32_t small_integer(const ASN1_TYPE* t, std::uint32_t max, std::string_view source, const char* what) {
    std::int64_t v = -1;
    if (ASN1_TYPE_get(t) != V_ASN1_INTEGER || ASN1_INTEGER_get_int64(&v, t->value.integer) != 1 || v < 0 || v > max) {
        ERR_clear_error();
        bad(source, std::string(what) + " is not an INTEGER between 0 and " + std::to_string(max));
    }
    return static_cast<std::uint32_t>(v);
}

template <std::size_t N>
void octets(const ASN1_TYPE* t, std::array<std::byte, N>& out, std::string_view source, const char* what) {
    const ByteSpan value = ASN1_TYPE_get(t) == V_ASN1_OCTET_STRING ? string_bytes(t->value.octet_string) : ByteSpan();
    if (ASN1_TYPE_get(t) != V_ASN1_OCTET_STRING || value.size() != N)
        bad(source, std::string(what) + " is not an OCTET STRING of " + std::to_string(N) + " bytes");
    std::copy(value.begin(), value.end(), out.begin());
}

// One member SEQUENCE { OID, value } of an SGX extension SEQUENCE; `oid` and `value` live in `seq`.
struct Member {
    Sequence seq;
    const ASN1_OBJECT* oid = nullptr;
    const ASN1_TYPE* value = nullptr;
};

Member member(const ASN1_TYPE* t, std::string_view source) {
    Member m{nested_sequence(t, source, "a member"), nullptr, nullptr};
    if (sk_ASN1_TYPE_num(m.seq.get()) != 2) bad(source, "a member is not SEQUENCE { OID, value }");
    const ASN1_TYPE* oid = sk_ASN1_TYPE_value(m.seq.get(), 0);
    if (ASN1_TYPE_get(oid) != V_ASN1_OBJECT) bad(source, "a member does not start with an OID");
    m.oid = oid->value.object;
    m.value = sk_ASN1_TYPE_value(m.seq.get(), 1);
    return m;
}

void parse_tcb(const ASN1_TYPE* tcb, PckExtensions& out, std::string_view source) {
    const Sequence members = nested_sequence(tcb, source, "the TCB");
    unsigned seen = 0;
    for (int i = 0; i < sk_ASN1_TYPE_num(members.get()); ++i) {
        const Member m = member(sk_ASN1_TYPE_value(members.get(), i), source);
        const auto arc = sgx_arc(m.oid, kTcb);
        if (!arc) continue;
        if (*arc >= 1 && *arc <= 16) {
            out.sgx_tcb_components[*arc - 1] =
                static_cast<std::uint8_t>(small_integer(m.value, 0xFF, source, "a TCB component SVN"));
            seen |= 1u << (*arc - 1);
        } else if (*arc == kPceSvn) {
            out.pcesvn = static_cast<std::uint16_t>(small_integer(m.value, 0xFFFF, source, "PCESVN"));
            seen |= 1u << 16;
        } else if (*arc == kCpuSvn) {
            octets(m.value, out.cpusvn, source, "CPUSVN");
        }
    }
    if (seen != 0x1FFFF) bad(source, "the TCB lacks a component SVN or PCESVN");
}

}  // namespace

PckExtensions parse_pck_extensions(ByteSpan der, std::string_view source) {
    const Sequence members = parse_sequence(der, source, "the extension");
    PckExtensions out;
    bool tcb = false, pceid = false, fmspc = false;
    for (int i = 0; i < sk_ASN1_TYPE_num(members.get()); ++i) {
        const Member m = member(sk_ASN1_TYPE_value(members.get(), i), source);
        const auto arc = sgx_arc(m.oid);
        if (!arc) continue;
        if (*arc == kTcb) {
            parse_tcb(m.value, out, source);
            tcb = true;
        } else if (*arc == kPceId) {
            octets(m.value, out.pceid, source, "PCE-ID");
            pceid = true;
        } else if (*arc == kFmspc) {
            octets(m.value, out.fmspc, source, "FMSPC");
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
