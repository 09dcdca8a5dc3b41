#include "support/test_pki.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "ccvm/attestation/cca/attestation_token.hpp"
#include "ccvm/attestation/cca/cbor.hpp"
#include "ccvm/attestation/cca/cose_sign1.hpp"
#include "ccvm/attestation/snp/attestation_report.hpp"
#include "ccvm/attestation/tdx/quote.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::test::pki {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("test PKI: " + what); }

void ok(int rc, const char* what) {
    if (rc <= 0) fail(std::string(what) + ": " + openssl_error());
}

EvpPkeyPtr rsa_key() {
    // 2048 bits keep the tests fast; AMD's ARK and ASK are RSA-4096 with the same PSS parameters.
    EvpPkeyPtr k(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048)));
    if (!k) fail("RSA key generation");
    return k;
}

EvpPkeyPtr ec_key(const char* curve) {
    EvpPkeyPtr k(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
    if (!k) fail(std::string("EC key generation on ") + curve);
    return k;
}

// DER TLV with a definite length.
Bytes der(std::uint8_t tag, ByteSpan content) {
    Bytes out{std::byte{tag}};
    const std::size_t n = content.size();
    if (n < 0x80) {
        out.push_back(std::byte(n));
    } else if (n < 0x100) {
        out.push_back(std::byte{0x81});
        out.push_back(std::byte(n));
    } else {
        out.push_back(std::byte{0x82});
        out.push_back(std::byte(n >> 8));
        out.push_back(std::byte(n & 0xFF));
    }
    append(out, content);
    return out;
}

Bytes der_integer(unsigned value) {
    Bytes v;
    do {
        v.insert(v.begin(), std::byte(value & 0xFF));
        value >>= 8;
    } while (value != 0);
    if ((static_cast<unsigned>(v.front()) & 0x80) != 0) v.insert(v.begin(), std::byte{0});
    return der(0x02, v);
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts) append(out, p);
    return out;
}

void add_extension(X509* cert, const char* oid, ByteSpan der_value) {
    Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
    Asn1OctetStringPtr data(ASN1_OCTET_STRING_new());
    ok(obj && data ? 1 : 0, "extension OID");
    ok(ASN1_OCTET_STRING_set(data.get(), reinterpret_cast<const unsigned char*>(der_value.data()),
                             static_cast<int>(der_value.size())),
       "extension value");
    OpensslPtr<X509_EXTENSION, X509_EXTENSION_free> ext(
        X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), 0, data.get()));
    ok(ext ? X509_add_ext(cert, ext.get(), -1) : 0, "add extension");
}

void add_v3(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    OpensslPtr<X509_EXTENSION, X509_EXTENSION_free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    ok(ext ? X509_add_ext(cert, ext.get(), -1) : 0, "add X.509v3 extension");
}

enum class SignWith { ecdsa_sha256, ecdsa_sha384, rsa_pss_sha384 };

struct CertSpec {
    explicit CertSpec(std::string name, bool is_ca = false, SignWith with = SignWith::ecdsa_sha256)
        : cn(std::move(name)), ca(is_ca), sign(with) {}
    std::string cn;
    bool ca;
    SignWith sign;
    std::vector<std::pair<std::string, Bytes>> extensions;  // (OID, DER value)
};

// A certificate for `key` issued by `issuer` (null: self-signed), valid from a day ago for a year.
X509Ptr make_cert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    X509Ptr cert(X509_new());
    ok(cert ? 1 : 0, "X509_new");
    X509_set_version(cert.get(), 2);
    unsigned char serial[8];
    ok(RAND_bytes(serial, sizeof serial), "serial number");
    serial[0] &= 0x7F;
    BignumPtr sn(BN_bin2bn(serial, sizeof serial, nullptr));
    ok(sn && BN_to_ASN1_INTEGER(sn.get(), X509_get_serialNumber(cert.get())) ? 1 : 0, "serial number");
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -86400);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 86400);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("ccvm test"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1,
                               -1, 0);
    X509* signer = issuer != nullptr ? issuer : cert.get();
    ok(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)), "issuer name");
    ok(X509_set_pubkey(cert.get(), key), "public key");
    add_v3(cert.get(), signer, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add_v3(cert.get(), signer, NID_key_usage, spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    add_v3(cert.get(), signer, NID_subject_key_identifier, "hash");
    for (const auto& [oid, value] : spec.extensions) add_extension(cert.get(), oid.c_str(), value);

    EVP_PKEY* sign_key = issuer_key != nullptr ? issuer_key : key;
    EvpMdCtxPtr md(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* digest = spec.sign == SignWith::ecdsa_sha256 ? EVP_sha256() : EVP_sha384();
    ok(EVP_DigestSignInit(md.get(), &pctx, digest, nullptr, sign_key), "DigestSignInit");
    if (spec.sign == SignWith::rsa_pss_sha384) {
        // AMD's ARK/ASK/VCEK signatures: RSASSA-PSS, SHA-384, MGF1 SHA-384, 48-byte salt.
        ok(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), "PSS padding");
        ok(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48), "PSS salt");
        ok(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()), "PSS MGF1");
    }
    ok(X509_sign_ctx(cert.get(), md.get()), "sign certificate");
    return cert;
}

// What `write` puts in a memory BIO, as text.
template <typename Write>
std::string bio_text(Write write, const char* what) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    ok(bio != nullptr && write(bio.get()) == 1 ? 1 : 0, what);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string pem(X509* cert) {
    return bio_text([&](BIO* b) { return PEM_write_bio_X509(b, cert); }, "PEM certificate");
}

std::string public_key_pem(EVP_PKEY* key) {
    return bio_text([&](BIO* b) { return PEM_write_bio_PUBKEY(b, key); }, "PEM public key");
}

Bytes der_of(X509* cert) {
    unsigned char* out = nullptr;
    const int n = i2d_X509(cert, &out);
    ok(n, "DER certificate");
    Bytes b(reinterpret_cast<std::byte*>(out), reinterpret_cast<std::byte*>(out) + n);
    OPENSSL_free(out);
    return b;
}

void write(const fs::path& path, std::string_view text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(text.data(), static_cast<long>(text.size()));
}

// ECDSA over `message` hashed with `md`: (r, s) big-endian, each `size` bytes.
std::pair<Bytes, Bytes> ecdsa_sign(EVP_PKEY* key, const EVP_MD* md, ByteSpan message, std::size_t size) {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    ok(EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key), "ECDSA init");
    std::size_t len = 0;
    const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
    ok(EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()), "ECDSA size");
    std::vector<unsigned char> sig(len);
    ok(EVP_DigestSign(ctx.get(), sig.data(), &len, msg, message.size()), "ECDSA sign");
    const unsigned char* p = sig.data();
    EcdsaSigPtr s(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
    ok(s ? 1 : 0, "ECDSA DER");
    Bytes r(size), sv(size);
    BN_bn2binpad(ECDSA_SIG_get0_r(s.get()), reinterpret_cast<unsigned char*>(r.data()), static_cast<int>(size));
    BN_bn2binpad(ECDSA_SIG_get0_s(s.get()), reinterpret_cast<unsigned char*>(sv.data()), static_cast<int>(size));
    return {r, sv};
}

// The uncompressed point 04 || x || y of an EC key.
Bytes ec_point(EVP_PKEY* key) {
    std::size_t len = 0;
    ok(EVP_PKEY_get_octet_string_param(key, "encoded-pub-key", nullptr, 0, &len), "EC point size");
    Bytes out(len);
    ok(EVP_PKEY_get_octet_string_param(key, "encoded-pub-key", reinterpret_cast<unsigned char*>(out.data()), len, &len),
       "EC point");
    return out;
}

Bytes padded(const Bytes& b, std::size_t size) {
    if (b.size() > size) fail("value of " + std::to_string(b.size()) + " bytes exceeds " + std::to_string(size));
    Bytes out = b;
    out.resize(size, std::byte{0});
    return out;
}

void put(Bytes& out, std::size_t offset, ByteSpan b) {
    std::copy(b.begin(), b.end(), out.begin() + static_cast<long>(offset));
}

json byte_list(ByteSpan b) {
    json a = json::array();
    for (std::byte x : b) a.push_back(static_cast<unsigned>(x));
    return a;
}

// ---- SNP helpers

// TCB_VERSION in the Milan/Genoa layout (SEV-SNP ABI spec, "TCB_VERSION Structure").
std::uint64_t tcb_raw(const attestation::snp::TcbVersion& t) {
    return std::uint64_t{t.bootloader} | std::uint64_t{t.tee} << 8 | std::uint64_t{t.snp} << 48 |
           std::uint64_t{t.microcode} << 56;
}

json tcb_serde(std::uint64_t raw) {
    return {{"fmc", nullptr},
            {"bootloader", raw & 0xFF},
            {"tee", (raw >> 8) & 0xFF},
            {"snp", (raw >> 48) & 0xFF},
            {"microcode", (raw >> 56) & 0xFF}};
}

json version_serde(ByteSpan r, std::size_t offset) {
    return {{"major", static_cast<unsigned>(r[offset + 2])},
            {"minor", static_cast<unsigned>(r[offset + 1])},
            {"build", static_cast<unsigned>(r[offset])}};
}

}  // namespace

SnpChain make_snp_chain(const fs::path& attestation_dir) {
    SnpChain c;
    c.ark_key = rsa_key();
    c.ask_key = rsa_key();
    c.vcek_key = ec_key("P-384");
    for (std::size_t i = 0; i < c.chip_id.size(); ++i) c.chip_id[i] = std::byte(0xA0 + i);
    c.tcb.bootloader = 10;
    c.tcb.tee = 0;
    c.tcb.snp = 23;
    c.tcb.microcode = 25;
    c.ark = make_cert(CertSpec("ARK-Genoa", true, SignWith::rsa_pss_sha384), c.ark_key.get(), nullptr, nullptr);
    c.ask =
        make_cert(CertSpec("SEV-Genoa", true, SignWith::rsa_pss_sha384), c.ask_key.get(), c.ark.get(), c.ark_key.get());
    // AMD VCEK spec, "VCEK Certificate Extensions": structVersion, productName, the SPLs, hwID.
    const std::string product = "Genoa";
    CertSpec vcek("VCEK", false, SignWith::rsa_pss_sha384);
    vcek.extensions = {
        {"1.3.6.1.4.1.3704.1.1", der_integer(1)},
        {"1.3.6.1.4.1.3704.1.2", der(0x16, as_bytes(product))},
        {"1.3.6.1.4.1.3704.1.3.1", der_integer(c.tcb.bootloader)},
        {"1.3.6.1.4.1.3704.1.3.2", der_integer(c.tcb.tee)},
        {"1.3.6.1.4.1.3704.1.3.3", der_integer(c.tcb.snp)},
        {"1.3.6.1.4.1.3704.1.3.4", der_integer(0)},
        {"1.3.6.1.4.1.3704.1.3.5", der_integer(0)},
        {"1.3.6.1.4.1.3704.1.3.6", der_integer(0)},
        {"1.3.6.1.4.1.3704.1.3.7", der_integer(0)},
        {"1.3.6.1.4.1.3704.1.3.8", der_integer(c.tcb.microcode)},
        {"1.3.6.1.4.1.3704.1.4", der(0x04, c.chip_id)},
    };
    c.vcek = make_cert(vcek, c.vcek_key.get(), c.ask.get(), c.ask_key.get());
    write(attestation_dir / "snp" / "ark.pem", pem(c.ark.get()));
    write(attestation_dir / "snp" / "ask.pem", pem(c.ask.get()));
    return c;
}

Bytes sign_snp_report_bytes(const SnpChain& chain, const SnpReportInput& in) {
    using namespace attestation::snp;
    Bytes r(kReportSize);
    const std::uint64_t tcb = tcb_raw(chain.tcb);
    store_le<std::uint32_t>(r, 0x00, 3);  // VERSION
    store_le<std::uint64_t>(r, 0x08, in.policy);
    store_le<std::uint32_t>(r, 0x30, in.vmpl);
    store_le<std::uint32_t>(r, 0x34, kSigAlgoEcdsaP384Sha384);
    store_le<std::uint64_t>(r, 0x38, tcb);   // CURRENT_TCB
    store_le<std::uint64_t>(r, 0x40, 0x25);  // PLATFORM_INFO: SMT, TSME, ...
    put(r, 0x50, padded(in.report_data, 64));
    put(r, 0x90, padded(in.measurement, 48));
    put(r, 0xC0, padded(in.host_data, 32));
    for (std::size_t i = 0; i < 32; ++i) r[0x140 + i] = std::byte(i);  // REPORT_ID
    std::fill(r.begin() + 0x160, r.begin() + 0x180, std::byte{0xFF});  // REPORT_ID_MA: none
    store_le<std::uint64_t>(r, 0x180, tcb);                            // REPORTED_TCB
    r[0x188] = std::byte{0x19};                                        // CPUID family: Genoa
    r[0x189] = std::byte{0x11};
    r[0x18A] = std::byte{0x01};
    put(r, 0x1A0, chain.chip_id);
    store_le<std::uint64_t>(r, 0x1E0, tcb);  // COMMITTED_TCB
    r[0x1E8] = std::byte{40};                // CURRENT build, minor, major
    r[0x1E9] = std::byte{55};
    r[0x1EA] = std::byte{1};
    r[0x1EC] = std::byte{40};  // COMMITTED
    r[0x1ED] = std::byte{55};
    r[0x1EE] = std::byte{1};
    store_le<std::uint64_t>(r, 0x1F0, tcb);  // LAUNCH_TCB
    auto [sig_r, sig_s] = ecdsa_sign(chain.vcek_key.get(), EVP_sha384(), ByteSpan(r).first(kSignedSize), 48);
    // The report stores r and s as 72-byte little-endian integers.
    std::reverse(sig_r.begin(), sig_r.end());
    std::reverse(sig_s.begin(), sig_s.end());
    put(r, 0x2A0, sig_r);
    put(r, 0x2A0 + kSignatureComponent, sig_s);
    return r;
}

std::string snp_agent_evidence(ByteSpan r, const std::vector<std::pair<std::string, X509*>>& cert_chain) {
    auto u32 = [&](std::size_t o) { return load_le<std::uint32_t>(r, o); };
    auto u64 = [&](std::size_t o) { return load_le<std::uint64_t>(r, o); };
    auto bytes = [&](std::size_t o, std::size_t n) { return byte_list(r.subspan(o, n)); };
    const std::uint32_t version = u32(0);
    json report = {
        {"version", version},
        {"guest_svn", u32(0x04)},
        {"policy", u64(0x08)},
        {"family_id", bytes(0x10, 16)},
        {"image_id", bytes(0x20, 16)},
        {"vmpl", u32(0x30)},
        {"sig_algo", u32(0x34)},
        {"current_tcb", tcb_serde(u64(0x38))},
        {"plat_info", u64(0x40)},
        {"key_info", u32(0x48)},
        {"report_data", bytes(0x50, 64)},
        {"measurement", bytes(0x90, 48)},
        {"host_data", bytes(0xC0, 32)},
        {"id_key_digest", bytes(0xE0, 48)},
        {"author_key_digest", bytes(0x110, 48)},
        {"report_id", bytes(0x140, 32)},
        {"report_id_ma", bytes(0x160, 32)},
        {"reported_tcb", tcb_serde(u64(0x180))},
        {"cpuid_fam_id", version >= 3 ? json(static_cast<unsigned>(r[0x188])) : json(nullptr)},
        {"cpuid_mod_id", version >= 3 ? json(static_cast<unsigned>(r[0x189])) : json(nullptr)},
        {"cpuid_step", version >= 3 ? json(static_cast<unsigned>(r[0x18A])) : json(nullptr)},
        {"chip_id", bytes(0x1A0, 64)},
        {"committed_tcb", tcb_serde(u64(0x1E0))},
        {"current", version_serde(r, 0x1E8)},
        {"committed", version_serde(r, 0x1EC)},
        {"launch_tcb", tcb_serde(u64(0x1F0))},
        {"launch_mit_vector", version >= 5 ? json(u64(0x1F8)) : json(nullptr)},
        {"current_mit_vector", version >= 5 ? json(u64(0x200)) : json(nullptr)},
        {"signature", {{"r", bytes(0x2A0, 72)}, {"s", bytes(0x2E8, 72)}}},
    };
    json certs = json::array();
    for (const auto& [type, cert] : cert_chain)
        certs.push_back({{"cert_type", type}, {"data", byte_list(der_of(cert))}});
    return json{{"attestation_report", report}, {"cert_chain", certs}}.dump();
}

std::string sign_snp_report(const SnpChain& chain, const SnpReportInput& input) {
    return snp_agent_evidence(sign_snp_report_bytes(chain, input), {{"VCEK", chain.vcek.get()}});
}

// ---- TDX ------------------------------------------------------------------------------------

namespace {

// SGX PCK Certificate and CRL Profile: the SGX extension 1.2.840.113741.1.13.1 and its arcs.
Bytes sgx_oid(std::initializer_list<std::uint8_t> arcs) {
    Bytes oid;
    for (std::uint8_t b : {0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01}) oid.push_back(std::byte{b});
    for (std::uint8_t a : arcs) oid.push_back(std::byte{a});
    return der(0x06, oid);
}

Bytes sgx_member(std::initializer_list<std::uint8_t> arcs, const Bytes& value) {
    return der(0x30, concat({sgx_oid(arcs), value}));
}

constexpr std::array<std::uint8_t, 6> kFmspc = {0x00, 0x90, 0x6E, 0xD5, 0x00, 0x00};

Bytes sgx_extension(const TdxChain& c) {
    Bytes tcb;
    for (std::uint8_t i = 0; i < 16; ++i)
        append(tcb, sgx_member({2, static_cast<std::uint8_t>(i + 1)}, der_integer(c.sgx_components[i])));
    append(tcb, sgx_member({2, 17}, der_integer(c.pcesvn)));
    Bytes cpusvn;
    for (std::uint8_t v : c.sgx_components) cpusvn.push_back(std::byte{v});
    append(tcb, sgx_member({2, 18}, der(0x04, cpusvn)));
    Bytes fmspc;
    for (std::uint8_t v : kFmspc) fmspc.push_back(std::byte{v});
    return der(0x30,
               concat({sgx_member({1}, der(0x04, Bytes(16, std::byte{0x11}))),                               // PPID
                       sgx_member({2}, der(0x30, tcb)), sgx_member({3}, der(0x04, Bytes(2, std::byte{0}))),  // PCE-ID
                       sgx_member({4}, der(0x04, fmspc)),
                       sgx_member({5}, der(0x0A, Bytes{std::byte{0}}))}));  // SGX type: standard
}

std::string utc(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// {"<member>": body, "signature": hex(r || s)} signed by the TCB Signing key over the body's bytes
// (Intel PCS API v4).
std::string pcs_signed(const std::string& member, const std::string& body, EVP_PKEY* key) {
    auto [r, s] = ecdsa_sign(key, EVP_sha256(), as_bytes(body), 32);
    return "{\"" + member + "\":" + body + ",\"signature\":\"" + to_hex(concat({r, s})) + "\"}";
}

json components(const std::array<std::uint8_t, 16>& svn) {
    json a = json::array();
    for (std::uint8_t v : svn) a.push_back({{"svn", v}});
    return a;
}

std::string crl(X509* issuer, EVP_PKEY* key) {
    X509CrlPtr c(X509_CRL_new());
    ok(c ? 1 : 0, "X509_CRL_new");
    X509_CRL_set_version(c.get(), 1);
    X509_CRL_set_issuer_name(c.get(), X509_get_subject_name(issuer));
    OpensslPtr<ASN1_TIME, ASN1_TIME_free> last(X509_gmtime_adj(nullptr, -86400));
    OpensslPtr<ASN1_TIME, ASN1_TIME_free> next(X509_gmtime_adj(nullptr, 30L * 86400));
    X509_CRL_set1_lastUpdate(c.get(), last.get());
    X509_CRL_set1_nextUpdate(c.get(), next.get());
    ok(X509_CRL_sign(c.get(), key, EVP_sha256()), "sign CRL");
    BioPtr bio(BIO_new(BIO_s_mem()));
    ok(PEM_write_bio_X509_CRL(bio.get(), c.get()), "PEM CRL");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

// SGX REPORT body (Intel SDM Vol. 3D "REPORT"): MISCSELECT 16, ATTRIBUTES 48, MRSIGNER 128,
// ISVPRODID 256, ISVSVN 258, REPORTDATA 320.
Bytes qe_report(const TdxChain& c, ByteSpan report_data) {
    Bytes r(attestation::tdx::kQeReportSize);
    r[48] = std::byte{0x11};  // ATTRIBUTES: INIT, MODE64BIT
    put(r, 128, c.qe_mrsigner);
    store_le<std::uint16_t>(r, 256, 2);  // ISVPRODID of the TD QE
    store_le<std::uint16_t>(r, 258, 4);  // ISVSVN
    put(r, attestation::tdx::kQeReportDataOffset, report_data);
    return r;
}

}  // namespace

TdxChain make_tdx_chain(const fs::path& attestation_dir) {
    TdxChain c;
    c.root_key = ec_key("P-256");
    c.pck_ca_key = ec_key("P-256");
    c.pck_key = ec_key("P-256");
    c.tcb_signing_key = ec_key("P-256");
    c.attestation_key = ec_key("P-256");
    for (std::size_t i = 0; i < 16; ++i) c.sgx_components[i] = static_cast<std::uint8_t>(i < 2 ? 3 : 1);
    c.pcesvn = 11;
    c.tee_tcb_svn = {3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // [1]: the TDX module's major SVN
    for (std::size_t i = 0; i < 32; ++i) c.qe_mrsigner[i] = std::byte(0xD0 + i);
    c.root = make_cert(CertSpec("Intel SGX Root CA", true), c.root_key.get(), nullptr, nullptr);
    c.pck_ca =
        make_cert(CertSpec("Intel SGX PCK Platform CA", true), c.pck_ca_key.get(), c.root.get(), c.root_key.get());
    CertSpec pck("Intel SGX PCK Certificate");
    pck.extensions = {{"1.2.840.113741.1.13.1", sgx_extension(c)}};
    c.pck = make_cert(pck, c.pck_key.get(), c.pck_ca.get(), c.pck_ca_key.get());
    c.tcb_signing =
        make_cert(CertSpec("Intel SGX TCB Signing"), c.tcb_signing_key.get(), c.root.get(), c.root_key.get());

    const fs::path dir = attestation_dir / "tdx";
    write(dir / "root.pem", pem(c.root.get()));
    write(dir / "tcb_signing.pem", pem(c.tcb_signing.get()));
    write(dir / "root.crl", crl(c.root.get(), c.root_key.get()));
    write(dir / "pck_ca.crl", crl(c.pck_ca.get(), c.pck_ca_key.get()));

    const std::time_t now = std::time(nullptr);
    const json tcb_info = {
        {"id", "TDX"},
        {"version", 3},
        {"issueDate", utc(now - 86400)},
        {"nextUpdate", utc(now + 30L * 86400)},
        {"fmspc", to_hex(ByteSpan(reinterpret_cast<const std::byte*>(kFmspc.data()), kFmspc.size()))},
        {"pceId", "0000"},
        {"tcbType", 0},
        {"tcbEvaluationDataNumber", 17},
        {"tdxModule",
         {{"mrsigner", std::string(96, '0')},
          {"attributes", "0000000000000000"},
          {"attributesMask", "FFFFFFFFFFFFFFFF"}}},
        {"tcbLevels",
         {{{"tcb",
            {{"sgxtcbcomponents", components(c.sgx_components)},
             {"pcesvn", c.pcesvn},
             {"tdxtcbcomponents", components(c.tee_tcb_svn)}}},
           {"tcbDate", "2024-03-13T00:00:00Z"},
           {"tcbStatus", "UpToDate"}}}},
    };
    write(dir / "tcb_info.json", pcs_signed("tcbInfo", tcb_info.dump(), c.tcb_signing_key.get()));
    const json qe_identity = {
        {"id", "TD_QE"},
        {"version", 2},
        {"issueDate", utc(now - 86400)},
        {"nextUpdate", utc(now + 30L * 86400)},
        {"tcbEvaluationDataNumber", 17},
        {"miscselect", "00000000"},
        {"miscselectMask", "FFFFFFFF"},
        {"attributes", "11000000000000000000000000000000"},
        {"attributesMask", "FBFFFFFFFFFFFFFF0000000000000000"},
        {"mrsigner", to_hex(c.qe_mrsigner)},
        {"isvprodid", 2},
        {"tcbLevels", {{{"tcb", {{"isvsvn", 4}}}, {"tcbDate", "2024-03-13T00:00:00Z"}, {"tcbStatus", "UpToDate"}}}},
    };
    write(dir / "qe_identity.json", pcs_signed("enclaveIdentity", qe_identity.dump(), c.tcb_signing_key.get()));
    return c;
}

Bytes sign_tdx_quote_bytes(const TdxChain& c, const TdxQuoteInput& in) {
    using namespace attestation::tdx;
    // Header (Intel TDX DCAP Quote Generation Library spec, "Quote Header").
    Bytes q;
    append_le<std::uint16_t>(q, 4);
    append_le<std::uint16_t>(q, kAttKeyEcdsaP256);
    append_le<std::uint32_t>(q, kTeeTypeTdx);
    append_le<std::uint16_t>(q, 4);                           // QE SVN
    append_le<std::uint16_t>(q, 11);                          // PCE SVN
    append(q, from_hex("939a7233f79c4ca9940a0db3957f0607"));  // Intel's QE vendor ID
    append(q, Bytes(20));
    // TD Quote Body (TDX 1.0).
    Bytes tee_tcb_svn;
    for (std::uint8_t v : c.tee_tcb_svn) tee_tcb_svn.push_back(std::byte{v});
    append(q, tee_tcb_svn);
    append(q, Bytes(48, std::byte{0x5E}));    // MRSEAM
    append(q, Bytes(48));                     // MRSIGNERSEAM: Intel's module (zero)
    append_le<std::uint64_t>(q, 0);           // SEAMATTRIBUTES
    append_le<std::uint64_t>(q, 0x10000000);  // TDATTRIBUTES: SEPT_VE_DISABLE
    append_le<std::uint64_t>(q, 0xE7);        // XFAM
    append(q, padded(in.mrtd, 48));
    append(q, padded(in.mrconfigid, 48));
    append(q, Bytes(48));  // MROWNER
    append(q, Bytes(48));  // MROWNERCONFIG
    for (const Bytes& r : in.rtmr) append(q, padded(r, 48));
    append(q, padded(in.report_data, 64));

    const Bytes point = ec_point(c.attestation_key.get());
    const Bytes att_key(point.begin() + 1, point.end());
    const auto [sr, ss] = ecdsa_sign(c.attestation_key.get(), EVP_sha256(), q, 32);
    const Bytes auth_data(32, std::byte{0xAA});
    Bytes binding = att_key;
    append(binding, auth_data);
    const Sha256Digest h = sha256(binding);
    const Bytes report = qe_report(c, concat({Bytes(h.begin(), h.end()), Bytes(32)}));
    const auto [qr, qs] = ecdsa_sign(c.pck_key.get(), EVP_sha256(), report, 32);
    const std::string chain_pem = pem(c.pck.get()) + pem(c.pck_ca.get()) + pem(c.root.get());

    Bytes qe_cert;  // QE Report Certification Data
    append(qe_cert, report);
    append(qe_cert, concat({qr, qs}));
    append_le<std::uint16_t>(qe_cert, static_cast<std::uint16_t>(auth_data.size()));
    append(qe_cert, auth_data);
    append_le<std::uint16_t>(qe_cert, kCertTypePckChain);
    append_le<std::uint32_t>(qe_cert, static_cast<std::uint32_t>(chain_pem.size()));
    append(qe_cert, as_bytes(chain_pem));
    Bytes sig_data = concat({sr, ss, att_key});
    append_le<std::uint16_t>(sig_data, kCertTypeQeReport);
    append_le<std::uint32_t>(sig_data, static_cast<std::uint32_t>(qe_cert.size()));
    append(sig_data, qe_cert);
    append_le<std::uint32_t>(q, static_cast<std::uint32_t>(sig_data.size()));
    append(q, sig_data);
    return q;
}

std::string sign_tdx_quote(const TdxChain& chain, const TdxQuoteInput& input, ByteSpan event_log) {
    json doc = {{"quote", to_base64(sign_tdx_quote_bytes(chain, input))}, {"cc_eventlog", nullptr}};
    if (!event_log.empty()) doc["cc_eventlog"] = to_base64(event_log);
    return doc.dump();
}

// ---- CCA ------------------------------------------------------------------------------------

namespace {

using attestation::cca::encode_cbor_bytes;
using attestation::cca::encode_cbor_head;
using attestation::cca::encode_cbor_text;

void cbor_int(Bytes& out, std::int64_t v) {
    if (v >= 0)
        encode_cbor_head(out, 0, static_cast<std::uint64_t>(v));
    else
        encode_cbor_head(out, 1, static_cast<std::uint64_t>(-1 - v));
}

// COSE_Sign1 (RFC 9052 section 4.2), tagged, ES384: [protected {1: -35}, {}, payload, r || s].
Bytes cose_sign1_es384(EVP_PKEY* key, ByteSpan payload) {
    Bytes protected_header;
    encode_cbor_head(protected_header, 5, 1);
    cbor_int(protected_header, 1);
    cbor_int(protected_header, attestation::cca::kAlgES384);
    Bytes tbs;  // Sig_structure ["Signature1", protected, h'', payload]
    encode_cbor_head(tbs, 4, 4);
    encode_cbor_text(tbs, "Signature1");
    encode_cbor_bytes(tbs, protected_header);
    encode_cbor_bytes(tbs, {});
    encode_cbor_bytes(tbs, payload);
    auto [r, s] = ecdsa_sign(key, EVP_sha384(), tbs, 48);
    Bytes out;
    encode_cbor_head(out, 6, attestation::cca::kCoseSign1Tag);
    encode_cbor_head(out, 4, 4);
    encode_cbor_bytes(out, protected_header);
    encode_cbor_head(out, 5, 0);
    encode_cbor_bytes(out, payload);
    encode_cbor_bytes(out, concat({r, s}));
    return out;
}

std::string hash_name(std::size_t size) {
    if (size == 32) return "sha-256";
    if (size == 48) return "sha-384";
    if (size == 64) return "sha-512";
    fail("a RIM of " + std::to_string(size) + " bytes");
}

}  // namespace

CcaKeys make_cca_keys(const fs::path& attestation_dir) {
    CcaKeys k{ec_key("P-384"), ec_key("P-384")};
    write(attestation_dir / "cca" / "cpak.pem", public_key_pem(k.cpak.get()));
    return k;
}

Bytes sign_cca_token_bytes(const CcaKeys& keys, const CcaTokenInput& in) {
    using namespace attestation::cca;
    const Bytes rak = ec_point(keys.rak.get());
    Bytes realm;
    encode_cbor_head(realm, 5, 7);
    cbor_int(realm, kClaimChallenge);
    encode_cbor_bytes(realm, padded(in.challenge, 64));
    cbor_int(realm, kClaimRpv);
    encode_cbor_bytes(realm, padded(in.personalization_value, 64));
    cbor_int(realm, kClaimRealmHashAlgo);
    encode_cbor_text(realm, hash_name(in.rim.size()));
    cbor_int(realm, kClaimRak);
    encode_cbor_bytes(realm, rak);
    cbor_int(realm, kClaimRim);
    encode_cbor_bytes(realm, in.rim);
    cbor_int(realm, kClaimRems);
    encode_cbor_head(realm, 4, 4);
    for (const Bytes& rem : in.rem) encode_cbor_bytes(realm, rem);
    cbor_int(realm, kClaimRakHashAlgo);
    encode_cbor_text(realm, "sha-256");

    // The platform token's challenge binds the RAK: SHA-256 of its claim (RMM spec, A7.2.3.1).
    const Sha256Digest rak_hash = sha256(rak);
    Bytes platform;
    encode_cbor_head(platform, 5, 7);
    cbor_int(platform, kClaimProfile);
    encode_cbor_text(platform, "http://arm.com/CCA-SSD/1.0.0");
    cbor_int(platform, kClaimChallenge);
    encode_cbor_bytes(platform, rak_hash);
    cbor_int(platform, kClaimImplementationId);
    encode_cbor_bytes(platform, Bytes(32, std::byte{0x7F}));
    cbor_int(platform, kClaimInstanceId);
    encode_cbor_bytes(platform, concat({Bytes{std::byte{0x01}}, Bytes(32, std::byte{0x42})}));
    cbor_int(platform, kClaimLifecycle);
    cbor_int(platform, 0x3000);  // secured
    cbor_int(platform, kClaimSwComponents);
    encode_cbor_head(platform, 4, 0);
    cbor_int(platform, kClaimPlatformHashAlgo);
    encode_cbor_text(platform, "sha-256");

    Bytes token;
    encode_cbor_head(token, 6, kTagEatCollection);
    encode_cbor_head(token, 5, 2);
    cbor_int(token, kKeyPlatformToken);
    encode_cbor_bytes(token, cose_sign1_es384(keys.cpak.get(), platform));
    cbor_int(token, kKeyRealmToken);
    encode_cbor_bytes(token, cose_sign1_es384(keys.rak.get(), realm));
    return token;
}

std::string sign_cca_token(const CcaKeys& keys, const CcaTokenInput& input) {
    return json{{"token", byte_list(sign_cca_token_bytes(keys, input))}}.dump();
}

}  // namespace ccvm::test::pki
