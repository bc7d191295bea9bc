# cmake --install: the executables to bin/, the public headers to include/depthrec/, the library
# API's static libraries to lib/, a CMake package (find_package(depthrec CONFIG) ->
# depthrec::depthrec, its dependencies found transitively), depthrec.pc for pkg-config, the deploy/
# files (systemd unit, logrotate, Prometheus rules) to share/depthrec/; and CPack's Debian package
# (cpack -G DEB), whose dependencies are the Debian packages the executables link (dpkg-shlibdeps).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The library API (include/depthrec/recorder.hpp) and everything it links: depthrec_session and
# the layers below it. The CLI's own layers (config, exposition, cli) stay inside the executables.
set(DEPTHREC_API_LIBRARIES depthrec_session depthrec_net depthrec_redis depthrec_parquet_tables
    depthrec_parquet depthrec_recording
    depthrec_metrics depthrec_plan depthrec_venues depthrec_model)
# depthrec::depthrec: what a consumer links. (The target `depthrec` is the executable.)
add_library(depthrec_api INTERFACE)
target_link_libraries(depthrec_api INTERFACE depthrec_session)
set_target_properties(depthrec_api PROPERTIES EXPORT_NAME depthrec)
add_library(depthrec::depthrec ALIAS depthrec_api)

install(TARGETS depthrec_api ${DEPTHREC_API_LIBRARIES} depthrec_thirdparty depthrec_warnings
        EXPORT depthrecTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/depthrec DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(tool depthrec depthsim depthrec-replay depthrec-check depthrec-ofi depthrec-consume)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/deploy/ DESTINATION ${CMAKE_INSTALL_DATADIR}/depthrec/deploy)

set(DEPTHREC_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/depthrec)
install(EXPORT depthrecTargets NAMESPACE depthrec:: DESTINATION ${DEPTHREC_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/depthrecConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/depthrecConfig.cmake
                              INSTALL_DESTINATION ${DEPTHREC_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/depthrecConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/depthrecConfig.cmake
              ${PROJECT_BINARY_DIR}/depthrecConfigVersion.cmake
        DESTINATION ${DEPTHREC_CMAKE_DIR})

# pkg-config: the static libraries in link order; their dependencies as Requires (not .private:
# a static library's users must link them, with or without --static).
configure_file(${PROJECT_SOURCE_DIR}/cmake/depthrec.pc.in ${PROJECT_BINARY_DIR}/depthrec.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/depthrec.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(CPACK_PACKAGE_NAME depthrec)
set(CPACK_PACKAGE_VENDOR depthrec)
set(CPACK_PACKAGE_CONTACT "depthrec maintainers <depthrec@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Binance depth-stream recorder and latency monitor, its simulator, verifier and C++ library")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Stripped as Debian ships binaries (the debug info of RelWithDebInfo made it 82 MB and 2 minutes).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# The Debian packages of the shared libraries the executables link (libssl3, libcurl4, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The static libraries' link dependencies, for a consumer of the installed library.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
    "libdeflate-dev, libisal-dev, libhiredis-dev, libcurl4-openssl-dev, libssl-dev, zlib1g-dev, libwebsocketpp-dev, libasio-dev, rapidjson-dev")
include(CPack)
