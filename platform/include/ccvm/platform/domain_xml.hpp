// Renders a VmSpec as a libvirt domain XML document (validates against libvirt's domain.rng).
#pragma once

#include <string>

#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

// Reads the family's referenced blobs (dhCert, session, ID block) when the spec names them.
std::string render_domain_xml(const VmSpec& spec);

}  // namespace ccvm::platform
