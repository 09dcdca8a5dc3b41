// The one RAII idiom for OpenSSL handles: a unique_ptr per C type whose deleter is the type's
// OpenSSL free function, so every handle is freed on every path, exceptions included. Secret-holding
// types use the clearing variant (BN_clear_free, EC_POINT_clear_free).
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <string>
#include <string_view>

namespace ccvm {

template <auto Free>
struct OpensslFree {
    template <typename T>
    void operator()(T* p) const noexcept {
        Free(p);
    }
};

template <typename T, auto Free>
using OpensslPtr = std::unique_ptr<T, OpensslFree<Free>>;

using BioPtr = OpensslPtr<BIO, BIO_free_all>;
using BignumPtr = OpensslPtr<BIGNUM, BN_clear_free>;
using BnCtxPtr = OpensslPtr<BN_CTX, BN_CTX_free>;
using EcGroupPtr = OpensslPtr<EC_GROUP, EC_GROUP_free>;
using EcPointPtr = OpensslPtr<EC_POINT, EC_POINT_clear_free>;
using EcdsaSigPtr = OpensslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using EvpPkeyPtr = OpensslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = OpensslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdPtr = OpensslPtr<EVP_MD, EVP_MD_free>;
using EvpMdCtxPtr = OpensslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpCipherPtr = OpensslPtr<EVP_CIPHER, EVP_CIPHER_free>;
using EvpCipherCtxPtr = OpensslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using EvpMacPtr = OpensslPtr<EVP_MAC, EVP_MAC_free>;
using EvpMacCtxPtr = OpensslPtr<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using EvpKdfPtr = OpensslPtr<EVP_KDF, EVP_KDF_free>;
using EvpKdfCtxPtr = OpensslPtr<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using ParamBldPtr = OpensslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = OpensslPtr<OSSL_PARAM, OSSL_PARAM_free>;
using X509Ptr = OpensslPtr<X509, X509_free>;
using X509CrlPtr = OpensslPtr<X509_CRL, X509_CRL_free>;
using X509StorePtr = OpensslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OpensslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using Asn1ObjectPtr = OpensslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1IntegerPtr = OpensslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1StringPtr = OpensslPtr<ASN1_STRING, ASN1_STRING_free>;
using Asn1OctetStringPtr = OpensslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;

// The oldest queued OpenSSL error as one line ("unknown error" when the queue is empty); clears the
// queue. For messages about bad input ("...: not a PEM certificate (<this>)").
std::string openssl_error();

// Throws SystemError("OpenSSL: <what>: <openssl_error()>"): an OpenSSL call failed for a reason that
// is not the input's (allocation, a missing algorithm).
[[noreturn]] void throw_openssl_error(std::string_view what);

// Throws throw_openssl_error(what) unless `ok` (a handle is not null, a length is as expected).
inline void openssl_check(bool ok, std::string_view what) {
    if (!ok) throw_openssl_error(what);
}
// Throws throw_openssl_error(what) unless an OpenSSL call returned 1, its only success value (0 and
// negative values are both failures for many calls).
inline void openssl_check(int rc, std::string_view what) {
    if (rc != 1) throw_openssl_error(what);
}
// Returns the handle `p`, or throws throw_openssl_error(what) when it is null.
template <typename Ptr>
Ptr openssl_checked(Ptr p, std::string_view what) {
    if (!p) throw_openssl_error(what);
    return p;
}

}  // namespace ccvm
