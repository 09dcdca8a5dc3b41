// `ccvm secret build`: the LAUNCH_SECRET packet (AMD SEV API spec (pub. 55766) LAUNCH_SECRET) that libvirt injects as
// sev-secret-header / sev-secret once the launch measurement has been verified.
#include <openssl/rand.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/base/openssl.hpp"
#include "ccvm/launch-secret/csv/secret_packet.hpp"
#include "ccvm/launch-secret/launch_secret.hpp"
#include "ccvm/launch-secret/secret_area.hpp"
#include "ccvm/launch-secret/secret_table.hpp"
#include "commands.hpp"
#include "flag_names.hpp"
#include "mode_flags.hpp"
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
    std::string mode = "sev";
};

secret::SecretEntry parse_secret_arg(const std::string& arg, secret::SecretFileAccess access) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
        throw InputError("--secret '" + arg + "': expected GUID=FILE (or luks-key=FILE)");
    }
    return {secret::parse_secret_guid(std::string_view(arg).substr(0, eq)),
            secret::read_secret_file(arg.substr(eq + 1), access)};
}

secret::AesCtrIv packet_iv(const std::optional<std::string>& iv) {
    if (iv) return parse_fixed_hex<secret::kAesCtrIvSize>(*iv, "--iv");
    secret::AesCtrIv out{};
    openssl_check(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())), "RAND_bytes");
    return out;
}

// Only the SEV packet takes the firmware API version, so --api-major/--api-minor are SEV's flags.
const ModeFlagTable& secret_build_flag_table() {
    static const ModeFlagTable table = {
        "secret build",
        {"--mode", "--tek", "--tik", "--measurement", "--secret", "--padding", "--ovmf", "--iv", "--output-format"},
        {
            {{"sev"}, {"--api-major", "--api-minor"}},
            {{"csv"}, {}},
        },
    };
    return table;
}

// The SEV packet needs the firmware API version; it must be given.
std::uint8_t api_version(const std::string& value, std::string_view flag) {
    if (value.empty()) throw InputError("secret build --mode sev: " + std::string(flag) + " is required");
    return static_cast<std::uint8_t>(parse_bounded(value, flag, 8));
}

int run_secret_build(const CLI::App& cmd, const SecretBuildArgs& a) {
    if (a.output_format != "json")
        throw InputError("secret build: --output-format must be json, not '" + a.output_format + "'");
    if (a.mode != "sev" && a.mode != "csv")
        throw InputError("secret build: --mode must be sev or csv, not '" + a.mode + "'");
    refuse_foreign_flags(cmd, a.mode, secret_build_flag_table());
    if (a.secrets.empty()) throw InputError("secret build: give at least one --secret GUID=FILE");
    const auto access = secret_file_access();
    const secret::Padding padding = secret::parse_padding(a.padding, "--padding");
    const bool csv = a.mode == "csv";
    const std::uint8_t api_major = csv ? 0 : api_version(a.api_major, "--api-major");
    const std::uint8_t api_minor = csv ? 0 : api_version(a.api_minor, "--api-minor");
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
    json::Value out = json::Value::object();
    if (csv) {
        // csv-rs src/session: SM4-CTR with the TEK; HMAC-SM3 with the TIK binds the packet to MEASURE.
        const auto p = secret::csv::build_secret_packet(tek, tik, packet_iv(a.iv), 0, table,
                                                        ByteSpan(measurement).first(secret::csv::kLaunchMeasureSize));
        out["header"] = to_base64(p.header.serialize());
        out["secret"] = to_base64(p.ciphertext);
    } else {
        const secret::LaunchSecretPacket p =
            secret::build_launch_secret(tek, tik, measurement, api_major, api_minor, table, packet_iv(a.iv));
        out["header"] = to_base64(p.header);
        out["secret"] = to_base64(p.ciphertext);
    }
    std::cout << json::dump(out, true) << "\n";
    return 0;
}

}  // namespace

void add_secret_build_command(CLI::App& app, Commands& commands) {
    auto a = std::make_shared<SecretBuildArgs>();
    CLI::App* parent = ensure_subcommand(app, "secret", "Build pre-attestation secrets");
    CLI::App* b =
        parent->add_subcommand("build", "Build an SEV/SEV-ES LAUNCH_SECRET packet (header + encrypted secret table)");
    b->add_option("--tek", a->tek, "File with the raw 16-byte TEK (mode 0600)")->required();
    b->add_option("--tik", a->tik, "File with the raw 16-byte TIK (mode 0600)")->required();
    b->add_option("--measurement", a->measurement, "LAUNCH_MEASURE blob, base64 (48 bytes)")->required();
    b->add_option("--api-major", a->api_major, "Firmware API major version (sev-api-major); --mode sev only, required");
    b->add_option("--api-minor", a->api_minor, "Firmware API minor version (sev-api-minor); --mode sev only, required");
    b->add_option("--secret", a->secrets, "GUID=FILE (or luks-key=FILE), repeatable; table order follows the flags")
        ->required();
    b->add_option("--padding", a->padding, "libvirt (default: always 1-16 zero bytes) or sevctl (round up to 16)");
    b->add_option("--ovmf", a->ovmf, "Firmware image: check the table fits its secret area");
    b->add_option("--mode", a->mode, "sev (default; also SEV-ES) or csv (Hygon: SM4-CTR, HMAC-SM3)");
    b->add_option("--iv", a->iv, "TEST ONLY: fixed 16-byte packet IV (hex); never reuse an IV with a TEK")
        ->group("Test-only (never for real guests)");
    b->add_option("--output-format", a->output_format, "json: print {\"header\": b64, \"secret\": b64}");
    check_mode_flag_table(*b, secret_build_flag_table());
    commands.add(b, [a, b] { return naming_flags([&] { return run_secret_build(*b, *a); }); });
}

}  // namespace ccvm::cli
