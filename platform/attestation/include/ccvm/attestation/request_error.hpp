// The error of an unusable verification input, naming the input by concept so that a front end can
// name it its own way: the CLI by its flag, ccvmd by its spec field or configuration.
#pragma once

#include <string>
#include <string_view>

#include "ccvm/base/error.hpp"

namespace ccvm::attestation {

// The request field an unusable input came in, so that a front end can name it its own way (the
// CLI by its flag, ccvmd by its spec field). what() is "<concept>: <detail>".
enum class RequestField {
    evidence,
    report_format,
    vcek,
    ask,
    ark,
    cert_chain,
    collateral,
    cpak,
    event_log,
    verification_time,
    registers,  // expected.registers
    report_data,
    host_data,
    policy,
};

// How library messages name a field ("expected report data", "ARK certificate").
std::string_view request_field_name(RequestField field) noexcept;

// what() is "<subject>: <problem>"; the subject is the field's name unless a finer one is given
// ("expected rtmr2").
class RequestError : public InputError {
public:
    RequestError(RequestField field, const std::string& problem, const std::string& subject = {});
    RequestField field() const noexcept { return field_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    RequestField field_;
    std::string problem_;
};

}  // namespace ccvm::attestation
