# The pick session on a station (issue 6): the state machine on a real catalog and outbox, then
# end to end through outpostd on the sim board (scans fed over the control socket).
outpost_test(pick_session_test SOURCES unit/pick_session_test.cpp
             LIBS outpost_picking outpost_intake outpost_hal_sim Outpost::sqlite)
outpost_test(pick_station_test NEEDS_PKI SOURCES integration/pick_station_test.cpp
             LIBS outpost_catalog Outpost::sqlite)
