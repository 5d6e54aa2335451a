; zomro-tray for Windows: a per-user installer (no administrator rights needed).
; Start-menu entry, optional start at login (off by default), clean uninstall.
; A 64-bit installer for a 64-bit app: the 32-bit stub would need WoW64, which 64-bit-only Wine
; lacks (it exits 0 there and installs nothing), so only a 64-bit one can be tested under Wine.
; Silent install: setup.exe /S, with /AUTOSTART to also start at login; uninstall.exe /S.
;
;   makensis -DVERSION=0.1.0 packaging/windows/zomro-tray.nsi
;     -DSOURCE=<one-folder bundle>   (default: dist/zomro-tray, from build.spec)
;     -DOUTFILE=<installer.exe>      (default: dist/zomro-tray-<version>-windows-setup.exe)
; Paths are relative to this script's folder; makensis runs the same on Linux for a syntax check.
Target amd64-unicode
ManifestDPIAware true

!ifndef VERSION
  !error "Pass the version: makensis -DVERSION=x.y.z packaging/windows/zomro-tray.nsi"
!endif
!ifndef SOURCE
  !define SOURCE "../../dist/zomro-tray"
!endif
!ifndef OUTFILE
  !define OUTFILE "../../dist/zomro-tray-${VERSION}-windows-setup.exe"
!endif
!define APP "zomro-tray"
!define EXE "zomro-tray.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
; The same value the app's own Settings switch writes (zomro_tray/store/autostart.py).
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "${APP}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
SetCompressor /SOLID lzma
BrandingText "${APP} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "zomro-tray developers"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "Sections.nsh"
!define MUI_ICON "../../resources/icons/zomro-tray.ico"
!define MUI_UNICON "../../resources/icons/zomro-tray.ico"
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP} now"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "${APP}" SecApp
  SectionIn RO
  ; An update replaces files the running app holds open: close it first.
  nsExec::Exec 'taskkill /IM "${EXE}" /F'
  Pop $0
  SetOutPath "$INSTDIR"
  File /r "${SOURCE}/*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "zomro-tray developers"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section /o "Start ${APP} when I log in" SecAutostart
  WriteRegStr HKCU "${RUN_KEY}" "${APP}" '"$INSTDIR\${EXE}"'
SectionEnd

Function .onInit
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/AUTOSTART" $1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecAutostart}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  nsExec::Exec 'taskkill /IM "${EXE}" /F'
  Pop $0
  DeleteRegValue HKCU "${RUN_KEY}" "${APP}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  Delete "$SMPROGRAMS\${APP}.lnk"
  RMDir /r "$INSTDIR"
  ; The app's state on this machine (single-instance lock, logs) goes too.
  RMDir /r "$LOCALAPPDATA\${APP}"
  ; The sign-in stays in Windows Credential Manager and the settings in %APPDATA%\zomro-tray:
  ; a reinstall finds them. `zomro-tray-cli logout` removes the sign-in.
SectionEnd
