; Inno Setup script for the Windows installer of Eke (build on Windows: packaging/README.md).
;   iscc /DAppVersion=0.1.0 packaging\windows\eke.iss   → dist\eke-0.1.0-windows-setup.exe
; Input: dist\eke\ made by PyInstaller from packaging\eke.spec on the same Windows machine.
;
; Where things go:
;   program  {autopf}\Eke (C:\Program Files\Eke): replaced by every update.
;   records  the user's data folder, %LOCALAPPDATA%\Eke (platformdirs), NEVER inside the
;            program folder: the encrypted store, key slots, backups and logs live there.
; Uninstalling removes the program only and KEEPS the data folder: records of pregnant
; women and children must never disappear with a program. This script has no [UninstallDelete]
; entry for the data folder on purpose; to remove the data, delete %LOCALAPPDATA%\Eke by hand
; after making a backup or a move package.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{B75F09C8-682F-4944-991D-6FD48249D03C}
AppName=Eke
AppVerName=Eke {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=Eke
DefaultDirName={autopf}\Eke
DefaultGroupName=Eke
DisableProgramGroupPage=yes
; Per-machine install needs an administrator; clinic laptops often have only one account.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=eke-{#AppVersion}-windows-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\Eke.exe
LicenseFile=..\LICENSES.txt

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\..\dist\eke\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Eke 母子健康手册"; Filename: "{app}\Eke.exe"
Name: "{group}\{cm:UninstallProgram,Eke}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Eke 母子健康手册"; Filename: "{app}\Eke.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Eke.exe"; Description: "{cm:LaunchProgram,Eke}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may have left in its own folder (Python caches). The data
; folder (%LOCALAPPDATA%\Eke) is deliberately not listed: uninstalling keeps the records.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
