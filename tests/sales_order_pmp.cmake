# Tests of the Sales Order API and PMP Smart upstreams (issue 5), included from CMakeLists.txt.
outpost_test(rsa_signer_test NEEDS_PKI SOURCES unit/rsa_signer_test.cpp LIBS outpost_auth)
outpost_test(partner_kinds_test SOURCES unit/partner_kinds_test.cpp LIBS outpost_intake)
outpost_test(partner_connectors_test NEEDS_PKI SOURCES unit/partner_connectors_test.cpp LIBS outpost_connectors)
outpost_test(sales_order_sim_test NEEDS_PKI SOURCES integration/sales_order_sim_test.cpp
             LIBS outpost_transport outpost_auth)
outpost_test(sales_order_test NEEDS_PKI SOURCES integration/sales_order_test.cpp LIBS outpost_common)
outpost_test(pmp_test NEEDS_PKI SOURCES integration/pmp_test.cpp LIBS outpost_common)
