// `ccvm session`: the guest owner's LAUNCH_START package, SEV/SEV-ES (AMD SEV API spec (pub. 55766) LAUNCH_START) or
// Hygon CSV (csv-rs src/session), written as the sevctl-compatible file set N_tek.bin, N_tik.bin, N_godh.b64,
// N_session.b64.
#include <openssl/crypto.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "ccvm/base/atomic_file.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/launch-secret/csv/launch_start.hpp"
#include "ccvm/launch-secret/session.hpp"
#include "commands.hpp"
#include "flag_names.hpp"
#include "mode_flags.hpp"
#include "secret/secret_args.hpp"

namespace ccvm::cli {
namespace {

struct SessionArgs {
    std::string mode = "sev";
    std::string pdh;
    std::string policy;
    std::string name = "vm";  // sevctl's default file-name prefix
    std::optional<std::string> out_dir;
    std::string output_format = "files";
    // Test-only determinism inputs.
    std::optional<std::string> nonce, tek, tik, wrap_iv, godh_private, share_key;
};

// What every mode hands to the writer: the transport keys stay with the owner, the GODH (the
// owner's DH certificate) and the session blob go to the platform.
struct SessionOutput {
    secret::SecretBytes tek, tik;
    Bytes godh, session;
};

secret::SessionOptions sev_session_options(const SessionArgs& a) {
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

SessionOutput sev_session(const SessionArgs& a, std::uint32_t policy) {
    const secret::SevCertificate pdh = secret::SevCertificate::load(a.pdh);
    secret::LaunchSession s = secret::create_launch_session(pdh, policy, sev_session_options(a));
    return {std::move(s.tek), std::move(s.tik), s.godh.serialize(), Bytes(s.session.begin(), s.session.end())};
}

template <std::size_t N>
std::optional<std::array<std::byte, N>> fixed_block(const std::optional<std::string>& hex, std::string_view flag) {
    if (!hex) return std::nullopt;
    return parse_fixed_hex<N>(*hex, flag);
}

SessionOutput csv_session(const SessionArgs& a, std::uint32_t policy) {
    namespace csv = secret::csv;
    const csv::CsvCertificate pdh = csv::CsvCertificate::parse(read_file_or_base64(a.pdh, "--pdh"), "--pdh " + a.pdh);
    csv::LaunchStartOptions o;
    o.nonce = fixed_block<16>(a.nonce, "--nonce");
    o.wrap_iv = fixed_block<16>(a.wrap_iv, "--wrap-iv");
    o.share_key = fixed_block<16>(a.share_key, "--share-key");
    o.tek = fixed_block<16>(a.tek, "--tek");
    o.tik = fixed_block<16>(a.tik, "--tik");
    if (a.godh_private) {
        const secret::SecretBytes pem = secret::read_secret_file(*a.godh_private, secret_file_access());
        o.owner_key = csv::Sm2PrivateKey::from_pem(pem, *a.godh_private);
    }
    const csv::LaunchStartPackage pkg = csv::create_launch_start(pdh, policy, o);
    for (auto* fixed : {&o.share_key, &o.tek, &o.tik}) {
        if (*fixed) OPENSSL_cleanse(fixed->value().data(), fixed->value().size());
    }
    return {secret::SecretBytes(pkg.tek), secret::SecretBytes(pkg.tik), pkg.owner_certificate.serialize(), pkg.session};
}

// Only the Hygon key agreement has a share key; every other flag serves all modes.
const ModeFlagTable& session_flag_table() {
    static const ModeFlagTable table = {
        "session",
        {"--mode", "--pdh", "--policy", "--name", "--out-dir", "--output-format", "--nonce", "--tek", "--tik",
         "--wrap-iv", "--godh-private"},
        {
            {{"sev", "seves"}, {}},
            {{"csv"}, {"--share-key"}},
        },
    };
    return table;
}

int run_session(const CLI::App& cmd, const SessionArgs& a) {
    const bool json = a.output_format == "json";
    if (!json && a.output_format != "files") {
        throw InputError("session: --output-format must be files or json, not '" + a.output_format + "'");
    }
    if (a.mode != "sev" && a.mode != "seves" && a.mode != "csv") {
        throw InputError("session: --mode must be sev, seves or csv, not '" + a.mode + "'");
    }
    refuse_foreign_flags(cmd, a.mode, session_flag_table());
    if (a.name.empty() || a.name.find('/') != std::string::npos) {
        throw InputError("session: --name '" + a.name + "' must be a plain file-name prefix");
    }
    const bool write_files = !json || a.out_dir.has_value();
    if (!write_files && (!a.tek || !a.tik)) {
        throw InputError(
            "session: --output-format json without --out-dir would discard the generated TEK and TIK; add --out-dir "
            "DIR");
    }
    const auto policy = static_cast<std::uint32_t>(parse_bounded(a.policy, "--policy", 32));
    const SessionOutput s = a.mode == "csv" ? csv_session(a, policy) : sev_session(a, policy);
    const std::string godh_b64 = to_base64(s.godh);
    const std::string session_b64 = to_base64(s.session);

    if (write_files) {
        AtomicFileSet files(a.out_dir.value_or("."));
        files.stage(a.name + "_tek.bin", s.tek, 0600);
        files.stage(a.name + "_tik.bin", s.tik, 0600);
        files.stage(a.name + "_godh.b64", as_bytes(godh_b64), 0644);
        files.stage(a.name + "_session.b64", as_bytes(session_b64), 0644);
        files.commit();
    }
    if (json) {
        json::Value out = json::Value::object();
        out["session"] = session_b64;
        out["godh"] = godh_b64;
        std::cout << json::dump(out, true) << "\n";
    }
    return 0;
}

}  // namespace

void add_session_command(CLI::App& app, Commands& commands) {
    auto a = std::make_shared<SessionArgs>();
    CLI::App* s = app.add_subcommand(
        "session", "Create an SEV/SEV-ES or Hygon CSV launch session (GODH certificate, session blob, TEK/TIK)");
    s->add_option("--mode", a->mode, "sev (default; also for SEV-ES, which the policy selects), seves, or csv (Hygon)");
    s->add_option("--pdh", a->pdh, "Platform PDH certificate: a 2084-byte file or its base64 (SEV or Hygon CSV layout)")
        ->required();
    s->add_option("--policy", a->policy, "Guest policy (u32, e.g. 0x1 NODBG, 0x5 NODBG|ES)")->required();
    s->add_option("--name", a->name, "File-name prefix of the written files (default vm)");
    s->add_option("--out-dir", a->out_dir, "Directory for N_tek.bin, N_tik.bin (mode 0600), N_godh.b64, N_session.b64");
    s->add_option(
        "--output-format", a->output_format,
        "files (default) or json: print {\"session\", \"godh\"}; with json, files are written only with --out-dir");
    s->add_option("--nonce", a->nonce, "TEST ONLY: fixed 16-byte session nonce (hex)")
        ->group("Test-only (never for real guests)");
    s->add_option("--tek", a->tek, "TEST ONLY: fixed TEK (16 bytes hex)")->group("Test-only (never for real guests)");
    s->add_option("--tik", a->tik, "TEST ONLY: fixed TIK (16 bytes hex)")->group("Test-only (never for real guests)");
    s->add_option("--wrap-iv", a->wrap_iv, "TEST ONLY: fixed key-wrap IV (16 bytes hex)")
        ->group("Test-only (never for real guests)");
    s->add_option("--godh-private", a->godh_private,
                  "TEST ONLY: fixed owner private key, PEM file (P-384 for SEV, SM2 for CSV)")
        ->group("Test-only (never for real guests)");
    s->add_option("--share-key", a->share_key, "TEST ONLY, csv: fixed 16-byte share key z (hex)")
        ->group("Test-only (never for real guests)");
    check_mode_flag_table(*s, session_flag_table());
    commands.add(s, [a, s] { return naming_flags([&] { return run_session(*s, *a); }); });
}

}  // namespace ccvm::cli
