// RAII owners for the OpenSSL handles the launch-secret code uses: every handle is freed on every
// path, including exceptions.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string_view>

namespace ccvm::secret {

template <typename T, void (*Free)(T*)>
struct OpensslDeleter {
    void operator()(T* p) const noexcept { Free(p); }
};

template <typename T, void (*Free)(T*)>
using OpensslPtr = std::unique_ptr<T, OpensslDeleter<T, Free>>;

using EvpPkey = OpensslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtx = OpensslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpCipherCtx = OpensslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using EvpCipher = OpensslPtr<EVP_CIPHER, EVP_CIPHER_free>;
using EvpMac = OpensslPtr<EVP_MAC, EVP_MAC_free>;
using EvpMacCtx = OpensslPtr<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using EvpMdCtx = OpensslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using Bignum = OpensslPtr<BIGNUM, BN_clear_free>;
using EcdsaSig = OpensslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using ParamBuilder = OpensslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using Params = OpensslPtr<OSSL_PARAM, OSSL_PARAM_free>;

// Throws SystemError("OpenSSL: <what>: <queued error text>") and clears the OpenSSL error queue.
[[noreturn]] void throw_openssl_error(std::string_view what);

// Returns `p` or throws throw_openssl_error(what) when it is null.
template <typename Ptr>
Ptr checked(Ptr p, std::string_view what) {
    if (!p) throw_openssl_error(what);
    return p;
}

// Throws throw_openssl_error(what) unless an OpenSSL call returned 1.
inline void check_ok(int rc, std::string_view what) {
    if (rc != 1) throw_openssl_error(what);
}

}  // namespace ccvm::secret
