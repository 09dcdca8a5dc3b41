// `ccvm session`: the guest owner's SEV/SEV-ES LAUNCH_START package (sev.md §8), written as the
// sevctl-compatible file set N_tek.bin, N_tik.bin, N_godh.b64, N_session.b64.
#include <openssl/crypto.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/launch-secret/atomic_file_set.hpp"
#include "ccvm/launch-secret/session.hpp"
#include "commands.hpp"
#include "secret/secret_args.hpp"

namespace ccvm::cli {
namespace {

struct SessionArgs {
    std::string pdh;
    std::string policy;
    std::string name = "vm";  // sevctl's default file-name prefix
    std::optional<std::string> out_dir;
    std::string output_format = "files";
    // Test-only determinism inputs.
    std::optional<std::string> nonce, tek, tik, wrap_iv, godh_private;
};

secret::SessionOptions session_options(const SessionArgs& a) {
    secret::SessionOptions o;
    if (a.nonce) o.nonce = parse_fixed_hex<secret::kSessionNonceSize>(*a.nonce, "--nonce");
    if (a.wrap_iv) o.wrap_iv = parse_fixed_hex<secret::kAesCtrIvSize>(*a.wrap_iv, "--wrap-iv");
    auto key = [](const std::string& hex, std::string_view flag) {
        Bytes raw = from_hex(hex, flag);
        secret::SecretBytes k(raw);
        OPENSSL_cleanse(raw.data(), raw.size());
        if (k.size() != secret::kTransportKeySize) {
            throw InputError(std::string(flag) + ": " + std::to_string(k.size()) + " bytes of hex, expected 16");
        }
        return k;
    };
    if (a.tek) o.tek = key(*a.tek, "--tek");
    if (a.tik) o.tik = key(*a.tik, "--tik");
    if (a.godh_private) {
        secret::SecretBytes pem = secret::read_secret_file(*a.godh_private, secret_file_access());
        o.godh_private = secret::P384PrivateKey::from_pem(pem, *a.godh_private);
    }
    return o;
}

int run_session(const SessionArgs& a) {
    const bool json = a.output_format == "json";
    if (!json && a.output_format != "files") {
        throw InputError("session: --output-format must be files or json, not '" + a.output_format + "'");
    }
    if (a.name.empty() || a.name.find('/') != std::string::npos) {
        throw InputError("session: --name '" + a.name + "' must be a plain file-name prefix");
    }
    const bool write_files = !json || a.out_dir.has_value();
    if (!write_files && (!a.tek || !a.tik)) {
        throw InputError("session: --output-format json without --out-dir would discard the generated TEK and TIK; add --out-dir DIR");
    }
    const auto policy = static_cast<std::uint32_t>(parse_bounded(a.policy, "--policy", 32));
    const secret::SevCertificate pdh = secret::SevCertificate::load(a.pdh);
    const secret::LaunchSession s = secret::create_launch_session(pdh, policy, session_options(a));
    const std::string godh_b64 = to_base64(s.godh.serialize());
    const std::string session_b64 = to_base64(s.session);

    if (write_files) {
        secret::AtomicFileSet files(a.out_dir.value_or("."));
        files.stage(a.name + "_tek.bin", s.tek, 0600);
        files.stage(a.name + "_tik.bin", s.tik, 0600);
        files.stage(a.name + "_godh.b64", as_bytes(godh_b64), 0644);
        files.stage(a.name + "_session.b64", as_bytes(session_b64), 0644);
        files.commit();
    }
    if (json) {
        json::Value out = json::Object{};
        out.set("session", session_b64);
        out.set("godh", godh_b64);
        std::cout << out.dump(true) << "\n";
    }
    return 0;
}

}  // namespace

void add_session_command(CLI::App& app, Commands& commands) {
    auto a = std::make_shared<SessionArgs>();
    CLI::App* s = app.add_subcommand("session", "Create an SEV/SEV-ES launch session (GODH certificate, session blob, TEK/TIK)");
    s->add_option("--pdh", a->pdh, "Platform PDH certificate: a 2084-byte file or its base64")->required();
    s->add_option("--policy", a->policy, "Guest policy (u32, e.g. 0x1 NODBG, 0x5 NODBG|ES)")->required();
    s->add_option("--name", a->name, "File-name prefix of the written files (default vm)");
    s->add_option("--out-dir", a->out_dir, "Directory for N_tek.bin, N_tik.bin (mode 0600), N_godh.b64, N_session.b64");
    s->add_option("--output-format", a->output_format,
                  "files (default) or json: print {\"session\", \"godh\"}; with json, files are written only with --out-dir");
    s->add_option("--nonce", a->nonce, "TEST ONLY: fixed 16-byte session nonce (hex)")->group("Test-only (never for real guests)");
    s->add_option("--tek", a->tek, "TEST ONLY: fixed TEK (16 bytes hex)")->group("Test-only (never for real guests)");
    s->add_option("--tik", a->tik, "TEST ONLY: fixed TIK (16 bytes hex)")->group("Test-only (never for real guests)");
    s->add_option("--wrap-iv", a->wrap_iv, "TEST ONLY: fixed key-wrap IV (16 bytes hex)")->group("Test-only (never for real guests)");
    s->add_option("--godh-private", a->godh_private, "TEST ONLY: fixed GODH P-384 private key (PKCS#8 PEM file)")
        ->group("Test-only (never for real guests)");
    commands.add(s, [a] { return run_session(*a); });
}

}  // namespace ccvm::cli
