// Interop: our JWE decrypts with an independent JOSE implementation (python3-jwcrypto), and theirs
// decrypts with ours. Skipped, with one line, where no python3 has jwcrypto.
#include <gtest/gtest.h>

#include <openssl/pem.h>

#include <algorithm>

#include <fstream>
#include <nlohmann/json.hpp>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/kbs/jwe.hpp"
#include "ccvm/kbs/jwk.hpp"
#include "support/process.hpp"
#include "unit/platform/platform_test_util.hpp"

namespace ccvm::kbs {
namespace {

// The first python3 that imports jwcrypto (Debian's lives in the system interpreter's dist-packages).
std::optional<std::string> jwcrypto_python() {
    for (const std::string candidate : {"python3", "/usr/bin/python3"}) {
        const auto r = test::run_process({"/usr/bin/env", candidate, "-c", "import jwcrypto"});
        if (r.exit_code == 0) return candidate;
    }
    return std::nullopt;
}

std::string private_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

constexpr const char* kDecrypt = R"(
import sys, json
from jwcrypto import jwk, jwe
key = jwk.JWK.from_pem(open(sys.argv[1], 'rb').read())
token = jwe.JWE()
token.deserialize(open(sys.argv[2]).read(), key=key)
sys.stdout.write(token.payload.hex())
)";

constexpr const char* kEncrypt = R"(
import sys, json
from jwcrypto import jwk, jwe
key = jwk.JWK(**json.loads(open(sys.argv[1]).read()))
alg = 'RSA-OAEP-256' if key['kty'] == 'RSA' else 'ECDH-ES+A256KW'
token = jwe.JWE(b'from jwcrypto', protected=json.dumps({'alg': alg, 'enc': 'A256GCM'}))
token.add_recipient(key)
sys.stdout.write(token.serialize())
)";

struct KeyCase {
    const char* name;
    const char* alg;
};

class JweInterop : public ::testing::TestWithParam<KeyCase> {};

TEST_P(JweInterop, BothDirectionsWithJwcrypto) {
    const auto python = jwcrypto_python();
    if (!python) GTEST_SKIP() << "python3-jwcrypto is not installed: JWE interop not checked";
    const KeyCase& c = GetParam();
    const EvpPkeyPtr key(std::string_view(c.name) == "RSA"
                             ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                             : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", c.name));
    const Jwk jwk = Jwk::from_public_key(key.get(), c.alg);
    test::TempDir dir;
    const auto pem = dir.write("key.pem", private_pem(key.get()));
    const Bytes secret = from_hex("00ff7365637265742d6f662d766d2d61");
    const auto jwe_file = dir.write("jwe.json", jwe_encrypt(jwk, secret).dump());
    const auto script = dir.write("decrypt.py", kDecrypt);
    const auto dec = test::run_process({"/usr/bin/env", *python, script.string(), pem.string(), jwe_file.string()});
    ASSERT_EQ(dec.exit_code, 0) << dec.err;
    EXPECT_EQ(dec.out, to_hex(secret));

    const auto jwk_file = dir.write("jwk.json", jwk.to_json().dump());
    const auto enc_script = dir.write("encrypt.py", kEncrypt);
    const auto enc = test::run_process({"/usr/bin/env", *python, enc_script.string(), jwk_file.string()});
    ASSERT_EQ(enc.exit_code, 0) << enc.err;
    const secret::SecretBytes plain = jwe_decrypt(nlohmann::json::parse(enc.out), key.get());
    EXPECT_EQ(as_chars(plain.span()), "from jwcrypto");
}

INSTANTIATE_TEST_SUITE_P(Keys, JweInterop,
                         ::testing::Values(KeyCase{"P-256", "ECDH-ES+A256KW"}, KeyCase{"P-384", "ECDH-ES+A256KW"},
                                           KeyCase{"P-521", "ECDH-ES+A256KW"}, KeyCase{"RSA", "RSA-OAEP-256"}),
                         [](const auto& param_info) {
                             std::string n = param_info.param.name;
                             n.erase(std::remove(n.begin(), n.end(), '-'), n.end());
                             return n;
                         });

}  // namespace
}  // namespace ccvm::kbs
