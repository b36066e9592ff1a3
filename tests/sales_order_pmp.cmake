# Tests of the Sales Order API and PMP Smart upstreams (issue 5), included from CMakeLists.txt.
outpost_test(rsa_signer_test NEEDS_PKI SOURCES unit/rsa_signer_test.cpp LIBS outpost_auth)
outpost_test(partner_kinds_test SOURCES unit/partner_kinds_test.cpp LIBS outpost_intake)
outpost_test(partner_connectors_test NEEDS_PKI SOURCES unit/partner_connectors_test.cpp LIBS outpost_connectors)
