; Tally's Windows setup program, built by `scripts/package.sh windows-installer`
; (makensis -DVERSION=… -DSRC=…\Tally.exe -DOUT=…\Tally-VERSION-setup.exe).
; A 64-bit setup program for the 64-bit Tally: it also runs where only
; 64-bit Windows programs run (Wine without its 32-bit part, in CI).
Target amd64-unicode
!include "MUI2.nsh"

Name "Tally ${VERSION}"
OutFile "${OUT}"
InstallDir "$PROGRAMFILES64\Tally"
InstallDirRegKey HKLM "Software\Tally" "InstallDir"
RequestExecutionLevel admin

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "German"

Section "Tally"
	SetOutPath "$INSTDIR"
	File "/oname=Tally.exe" "${SRC}"
	WriteUninstaller "$INSTDIR\Uninstall.exe"
	CreateShortCut "$SMPROGRAMS\Tally.lnk" "$INSTDIR\Tally.exe"
	WriteRegStr HKLM "Software\Tally" "InstallDir" "$INSTDIR"
	WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Tally" "DisplayName" "Tally"
	WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Tally" "DisplayVersion" "${VERSION}"
	WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Tally" "DisplayIcon" "$INSTDIR\Tally.exe"
	WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Tally" "UninstallString" "$INSTDIR\Uninstall.exe"
SectionEnd

; The shop's data (its database in the user's settings folder) is kept: an
; uninstall never deletes the books.
Section "Uninstall"
	Delete "$INSTDIR\Tally.exe"
	Delete "$INSTDIR\Uninstall.exe"
	Delete "$SMPROGRAMS\Tally.lnk"
	RMDir "$INSTDIR"
	DeleteRegKey HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Tally"
	DeleteRegKey HKLM "Software\Tally"
SectionEnd
