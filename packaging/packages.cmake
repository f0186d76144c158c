# Installation layout and packages (named so as not to shadow the CPackConfig.cmake CPack writes): `cmake --preset release && cmake --build --preset release
# && cpack --config build/release/CPackConfig.cmake` gives a .deb and a .tar.gz.
install(FILES ${CMAKE_CURRENT_LIST_DIR}/io.funcdesk.Funcdesk.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/io.funcdesk.Funcdesk.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/io.funcdesk.Funcdesk.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
# Fixed sizes too, for desktops and docks that do not scale SVG (rendered from the SVG
# with rsvg-convert; packaging/icons/render.sh makes them again).
foreach(size 16 24 32 48 64 128 256 512)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/icons/${size}x${size}/io.funcdesk.Funcdesk.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
endforeach()

set(CPACK_PACKAGE_NAME funcdesk)
set(CPACK_PACKAGE_VENDOR "Funcdesk")
set(CPACK_PACKAGE_CONTACT "Funcdesk developers <dev@funcdesk.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3, nodejs")
# The sandbox each environment runs in (engine/sandbox.h); without it functions run unsandboxed and say so.
# pip and npm: a deploy's build step installs requirements.txt / package.json (versioning/build.h);
# Debian's nodejs comes without npm.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bubblewrap, python3-pip, npm")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
