# The pick session on a station (issue 6): the state machine on a real catalog and outbox, then
# end to end through outpostd on the sim board (scans fed over the control socket).
outpost_test(pick_session_test SOURCES unit/pick_session_test.cpp
             LIBS outpost_picking outpost_intake outpost_hal_sim Outpost::sqlite)
outpost_test(pick_station_test NEEDS_PKI SOURCES integration/pick_station_test.cpp
             LIBS outpost_catalog Outpost::sqlite)
# A station end to end with the real Linux serial scanner on a pty and the sysfs indicator on a
# fake LED tree, and the catalog's pick-list lookups (control socket, outpostctl): pick lists
# pulled from the simulator's SMILE orders area (integration/pick_list_fixture.hpp).
outpost_test(station_e2e_test NEEDS_PKI
             SOURCES integration/serial_station_test.cpp integration/catalog_orders_test.cpp LIBS Outpost::sqlite)
