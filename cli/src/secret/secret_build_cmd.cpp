// `ccvm secret build`: the LAUNCH_SECRET packet (sev.md §10-§11) that libvirt injects as
// sev-secret-header / sev-secret once the launch measurement has been verified.
#include <openssl/rand.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/json.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/launch-secret/launch_secret.hpp"
#include "ccvm/launch-secret/openssl_handles.hpp"
#include "ccvm/launch-secret/secret_area.hpp"
#include "ccvm/launch-secret/secret_table.hpp"
#include "commands.hpp"
#include "secret/secret_args.hpp"

namespace ccvm::cli {
namespace {

struct SecretBuildArgs {
    std::string tek, tik, measurement, api_major, api_minor;
    std::vector<std::string> secrets;
    std::string padding = "libvirt";
    std::optional<std::string> iv;
    std::optional<std::string> ovmf;
    std::string output_format = "json";
};

secret::SecretEntry parse_secret_arg(const std::string& arg, secret::SecretFileAccess access) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
        throw InputError("--secret '" + arg + "': expected GUID=FILE (or luks-key=FILE)");
    }
    return {secret::parse_secret_guid(std::string_view(arg).substr(0, eq)), secret::read_secret_file(arg.substr(eq + 1), access)};
}

secret::AesCtrIv packet_iv(const std::optional<std::string>& iv) {
    if (iv) return parse_fixed_hex<secret::kAesCtrIvSize>(*iv, "--iv");
    secret::AesCtrIv out{};
    secret::check_ok(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())), "RAND_bytes");
    return out;
}

int run_secret_build(const SecretBuildArgs& a) {
    if (a.output_format != "json") throw InputError("secret build: --output-format must be json, not '" + a.output_format + "'");
    if (a.secrets.empty()) throw InputError("secret build: give at least one --secret GUID=FILE");
    const auto access = secret_file_access();
    const secret::Padding padding = secret::parse_padding(a.padding, "--padding");
    const auto api_major = static_cast<std::uint8_t>(parse_bounded(a.api_major, "--api-major", 8));
    const auto api_minor = static_cast<std::uint8_t>(parse_bounded(a.api_minor, "--api-minor", 8));
    const Bytes measurement = parse_measurement_blob(a.measurement, "--measurement");
    const secret::SecretBytes tek = secret::read_secret_key_file(a.tek, secret::kAes128KeySize, "--tek", access);
    const secret::SecretBytes tik = secret::read_secret_key_file(a.tik, secret::kAes128KeySize, "--tik", access);

    std::vector<secret::SecretEntry> entries;
    for (const std::string& s : a.secrets) entries.push_back(parse_secret_arg(s, access));
    const std::size_t padded = secret::padded_secret_table_length(secret::secret_table_length(entries), padding);
    std::optional<secret::SecretArea> area;
    if (a.ovmf) {
        MappedFile fw(*a.ovmf);
        area = secret::find_secret_area(fw.bytes(), *a.ovmf);
    }
    secret::check_secret_fits(padded, area, a.ovmf.value_or(""));

    const secret::SecretBytes table = secret::build_secret_table(entries, padding);
    const secret::LaunchSecretPacket p =
        secret::build_launch_secret(tek, tik, measurement, api_major, api_minor, table, packet_iv(a.iv));
    json::Value out = json::Object{};
    out.set("header", to_base64(p.header));
    out.set("secret", to_base64(p.ciphertext));
    std::cout << out.dump(true) << "\n";
    return 0;
}

}  // namespace

void add_secret_build_command(CLI::App& app, Commands& commands) {
    auto a = std::make_shared<SecretBuildArgs>();
    CLI::App* parent = ensure_subcommand(app, "secret", "Build pre-attestation secrets");
    CLI::App* b = parent->add_subcommand("build", "Build an SEV/SEV-ES LAUNCH_SECRET packet (header + encrypted secret table)");
    b->add_option("--tek", a->tek, "File with the raw 16-byte TEK (mode 0600)")->required();
    b->add_option("--tik", a->tik, "File with the raw 16-byte TIK (mode 0600)")->required();
    b->add_option("--measurement", a->measurement, "LAUNCH_MEASURE blob, base64 (48 bytes)")->required();
    b->add_option("--api-major", a->api_major, "Firmware API major version (sev-api-major)")->required();
    b->add_option("--api-minor", a->api_minor, "Firmware API minor version (sev-api-minor)")->required();
    b->add_option("--secret", a->secrets, "GUID=FILE (or luks-key=FILE), repeatable; table order follows the flags")->required();
    b->add_option("--padding", a->padding, "libvirt (default: always 1-16 zero bytes) or sevctl (round up to 16)");
    b->add_option("--ovmf", a->ovmf, "Firmware image: check the table fits its secret area");
    b->add_option("--iv", a->iv, "TEST ONLY: fixed 16-byte packet IV (hex); never reuse an IV with a TEK")
        ->group("Test-only (never for real guests)");
    b->add_option("--output-format", a->output_format, "json: print {\"header\": b64, \"secret\": b64}");
    commands.add(b, [a] { return run_secret_build(*a); });
}

}  // namespace ccvm::cli
