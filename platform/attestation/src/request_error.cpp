#include "ccvm/attestation/request_error.hpp"

namespace ccvm::attestation {

std::string_view request_field_name(RequestField field) noexcept {
    switch (field) {
        case RequestField::evidence:
            return "evidence";
        case RequestField::report_format:
            return "report format";
        case RequestField::vcek:
            return "VCEK certificate";
        case RequestField::ask:
            return "ASK certificate";
        case RequestField::ark:
            return "ARK certificate";
        case RequestField::cert_chain:
            return "certificate chain";
        case RequestField::collateral:
            return "collateral";
        case RequestField::cpak:
            return "CPAK";
        case RequestField::event_log:
            return "event log";
        case RequestField::verification_time:
            return "verification time";
        case RequestField::registers:
            return "expected registers";
        case RequestField::report_data:
            return "expected report data";
        case RequestField::host_data:
            return "expected host data";
        case RequestField::policy:
            return "expected policy";
    }
    return "request";
}

RequestError::RequestError(RequestField field, const std::string& problem, const std::string& subject)
    : InputError((subject.empty() ? std::string(request_field_name(field)) : subject) + ": " + problem),
      field_(field),
      problem_(problem) {}

}  // namespace ccvm::attestation
