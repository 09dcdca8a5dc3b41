#include "ccvm/attestation/crypto.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/evp_md.hpp"

namespace ccvm::attestation {
namespace {

BioPtr mem_bio(ByteSpan data) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) throw SystemError("OpenSSL: cannot allocate a memory BIO");
    return bio;
}

bool looks_like_pem(ByteSpan data) { return as_chars(data).find("-----BEGIN") != std::string_view::npos; }

}  // namespace

X509Ptr load_certificate(ByteSpan data, std::string_view source) {
    X509Ptr cert;
    if (looks_like_pem(data)) {
        BioPtr bio = mem_bio(data);
        cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    } else {
        const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
        cert.reset(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
    }
    if (!cert) throw InputError(std::string(source) + ": not a PEM or DER X.509 certificate (" + openssl_error() + ")");
    return cert;
}

X509CrlPtr load_crl(ByteSpan data, std::string_view source) {
    X509CrlPtr crl;
    if (looks_like_pem(data)) {
        BioPtr bio = mem_bio(data);
        crl.reset(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    } else {
        const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
        crl.reset(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));
    }
    if (!crl) throw InputError(std::string(source) + ": not a PEM or DER X.509 CRL (" + openssl_error() + ")");
    return crl;
}

std::vector<X509Ptr> load_pem_certificates(std::string_view text, std::string_view source) {
    std::vector<X509Ptr> out;
    BioPtr bio = mem_bio(as_bytes(text));
    while (true) {
        X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        out.push_back(std::move(cert));
    }
    unsigned long err = ERR_peek_last_error();
    // Running out of PEM blocks is the normal end; anything else is a broken certificate.
    if (err != 0 && !(ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE))
        throw InputError(std::string(source) + ": broken PEM certificate (" + openssl_error() + ")");
    ERR_clear_error();
    if (out.empty()) throw InputError(std::string(source) + ": no PEM certificate found");
    return out;
}

std::vector<X509Ptr> load_certificates(ByteSpan data, std::string_view source) {
    if (looks_like_pem(data)) return load_pem_certificates(as_chars(data), source);
    std::vector<X509Ptr> out;
    out.push_back(load_certificate(data, source));
    return out;
}

EvpPkeyPtr load_public_key(ByteSpan data, std::string_view source) {
    EvpPkeyPtr key;
    if (looks_like_pem(data)) {
        if (as_chars(data).find("-----BEGIN CERTIFICATE") != std::string_view::npos) {
            X509Ptr cert = load_certificate(data, source);
            key.reset(X509_get_pubkey(cert.get()));
        } else {
            BioPtr bio = mem_bio(data);
            key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
        }
    } else {
        const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
        key.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(data.size())));
        if (!key) {
            ERR_clear_error();
            p = reinterpret_cast<const unsigned char*>(data.data());
            X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
            if (cert) key.reset(X509_get_pubkey(cert.get()));
        }
    }
    if (!key)
        throw InputError(std::string(source) + ": not a PEM/DER public key or certificate (" + openssl_error() + ")");
    return key;
}

EvpPkeyPtr ec_public_key(std::string_view curve, ByteSpan x, ByteSpan y, std::string_view what) {
    Bytes point{std::byte{0x04}};
    append(point, x);
    append(point, y);
    std::string group(curve);
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()))
        throw SystemError("OpenSSL: cannot build EC key parameters");
    ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
        throw InputError(std::string(what) + ": not a valid " + group + " public key (" + openssl_error() + ")");
    EvpPkeyPtr key(raw);
    // fromdata does not check that the point lies on the curve; a public-key check does.
    EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1)
        throw InputError(std::string(what) + ": the point is not on curve " + group + " (" + openssl_error() + ")");
    return key;
}

bool ecdsa_verify(EVP_PKEY* key, HashAlgo algo, ByteSpan message, ByteSpan r_be, ByteSpan s_be) {
    EcdsaSigPtr sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(r_be.data()), static_cast<int>(r_be.size()), nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(s_be.data()), static_cast<int>(s_be.size()), nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        throw SystemError("OpenSSL: cannot build an ECDSA signature");
    }
    unsigned char* der = nullptr;
    int der_len = i2d_ECDSA_SIG(sig.get(), &der);
    if (der_len <= 0) throw SystemError("OpenSSL: cannot encode an ECDSA signature");
    std::unique_ptr<unsigned char, void (*)(unsigned char*)> der_owner(der, [](unsigned char* p) { OPENSSL_free(p); });
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, fetched_md(algo), nullptr, key) != 1) {
        ERR_clear_error();
        return false;
    }
    int rc = EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_len),
                              reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error();
    return rc == 1;
}

std::string common_name(X509* cert) {
    char buf[256];
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf) < 0) return "?";
    return buf;
}

std::string check_issued_by(X509* cert, X509* issuer, std::string_view cert_name, std::string_view issuer_name) {
    const std::string who = std::string(cert_name) + " (" + common_name(cert) + ")";
    EVP_PKEY* key = X509_get0_pubkey(issuer);
    if (key == nullptr) return std::string(issuer_name) + " has no usable public key (" + openssl_error() + ")";
    // The signature first: with a swapped certificate it is the failure that matters.
    if (X509_verify(cert, key) != 1) {
        ERR_clear_error();
        return who + " signature does not verify with the " + std::string(issuer_name) + " key (" +
               common_name(issuer) + ")";
    }
    if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuer)) != 0)
        return who + " names an issuer other than the " + std::string(issuer_name) + " subject (" +
               common_name(issuer) + ")";
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) return who + " is not valid yet";
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) return who + " has expired";
    return {};
}

}  // namespace ccvm::attestation
