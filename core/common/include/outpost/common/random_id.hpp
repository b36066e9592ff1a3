#pragma once
// Identifiers that must not collide across devices and restarts (idempotency keys).

#include <string>

namespace outpost {

// A random (version 4) UUID from the kernel's CSPRNG, e.g. "3f2b...-4...-a...". Never fails:
// getrandom() on a booted Linux blocks only before the entropy pool is first initialised.
std::string random_uuid();

}  // namespace outpost
