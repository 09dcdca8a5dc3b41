// `ccvm attest verify-report --mode cca`: an Arm CCA attestation token (platform + realm).
#include "attest/verify_report_args.hpp"
#include "attest/verify_report_output.hpp"
#include "attest/verify_report_spec.hpp"
#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/error.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/platform/evidence/cca/verify_token.hpp"

namespace ccvm::cli {

int run_verify_report_cca(const VerifyReportArgs& args) {
    const Bytes raw = read_flag_file(args.token, "--token", "cca");
    const auto token = platform::cca::parse_attestation_token(raw, *args.token);
    platform::evidence::EvpPkeyPtr cpak;
    if (args.cpak) cpak = platform::evidence::load_public_key(read_file(*args.cpak), *args.cpak);

    platform::cca::TokenExpectations expected;
    if (args.expected_measurement) {
        expected.rim = from_hex(*args.expected_measurement, "--expected-measurement");
        if (expected.rim->size() != 32 && expected.rim->size() != 48 && expected.rim->size() != 64)
            throw InputError("--expected-measurement: a RIM is 32, 48 or 64 bytes of hex");
    }
    expected.challenge = hex_flag(args.expected_report_data, "--expected-report-data", 64, true);
    const auto spec = load_spec_expectations(args, platform::TeeKind::cca);
    if (spec) {
        if (auto it = spec->registers.find("rim"); it != spec->registers.end()) expected.rim = it->second;
        for (std::size_t i = 0; i < 4; ++i)
            if (auto it = spec->registers.find("rem" + std::to_string(i)); it != spec->registers.end())
                expected.rem[i] = it->second;
        if (const auto* o = spec->spec.options<platform::CcaOptions>())
            expected.rpv = o->personalization_value ? from_base64(*o->personalization_value, "spec personalization-value")
                                                    : Bytes(64, std::byte{0});
    }

    const auto checks = platform::cca::verify_token(token, cpak.get(), expected);
    const auto& realm = token.realm_claims;
    json::Value registers;
    registers.set("rim", to_hex(realm.rim));
    json::Value rem = json::Array{};
    for (const Bytes& r : realm.rem) rem.push(to_hex(r));
    registers.set("rem", std::move(rem));
    registers.set("rpv", to_hex(realm.rpv));
    registers.set("hash_algo", realm.hash_algo);
    registers.set("challenge", to_hex(realm.challenge));
    registers.set("platform_instance_id", to_hex(token.platform_claims.instance_id));
    registers.set("platform_implementation_id", to_hex(token.platform_claims.implementation_id));
    add_not_compared(registers, spec);
    return print_verdict(checks, registers, args.json);
}

}  // namespace ccvm::cli
