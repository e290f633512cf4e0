# SPDX-License-Identifier: GPL-3.0-or-later
# The Docker Engine API client: pure codecs and the tar writer; a scripted daemon for what a real
# one will not do on cue; a real dockerd (root only; those tests skip otherwise).
lbdeck_add_test(test_docker_codec SOURCES TestDockerCodec.cpp LIBS lbdeck_core)
lbdeck_add_test(test_docker_tar SOURCES TestDockerTar.cpp LIBS lbdeck_core lbdeck_testbed)
lbdeck_add_test(test_docker_stream SOURCES TestDockerStream.cpp LIBS lbdeck_core)
lbdeck_add_test(test_docker_log_frames SOURCES TestDockerLogFrames.cpp LIBS lbdeck_core)
lbdeck_add_test(test_docker_log_stream SOURCES TestDockerLogStream.cpp LIBS lbdeck_core)

add_library(lbdeck_docker_fixture STATIC DockerFixture.cpp DockerFixture.h)
target_link_libraries(lbdeck_docker_fixture PUBLIC lbdeck_settings lbdeck_core lbdeck_testbed Qt6::Test)
lbdeck_add_test(test_docker_client SOURCES TestDockerClient.cpp LIBS lbdeck_docker_fixture TIMEOUT 600
  LABELS docker)
lbdeck_add_test(test_docker_exec SOURCES TestDockerExec.cpp LIBS lbdeck_docker_fixture TIMEOUT 600
  LABELS docker)
# Building test_docker_client builds them all, so `ctest -R test_docker` finds each one built.
add_dependencies(test_docker_client test_docker_codec test_docker_tar test_docker_stream test_docker_exec
  test_docker_log_frames test_docker_log_stream)
