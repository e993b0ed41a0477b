; Inno Setup 6 script for the Windows installer: per-user (no administrator rights), Start menu
; entries, an optional "Start at login" task, and an uninstaller.
; Built by `python packaging/dist.py` on Windows (it passes the defines below), or by hand:
;   iscc /DAppVersion=0.1.0 /DDistDir=..\..\dist /DIconFile=..\..\build\icons\workdiary.ico ^
;        /O..\..\dist packaging\windows\workdiary.iss
; Not yet run on a real Windows machine; CI (.github/workflows/desktop.yml) builds it.

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (workdiary.__version__)
#endif
#ifndef DistDir
  #define DistDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\workdiary.ico"
#endif

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{5B0C6D2E-8F4A-4E4B-9C0D-77A1D2E3F401}
AppName=Workdiary
AppVersion={#AppVersion}
AppVerName=Workdiary {#AppVersion}
AppPublisher=workdiary contributors
AppPublisherURL=https://github.com/workdiary/workdiary
; Per user: installs under %LOCALAPPDATA%\Programs, writes only HKCU, needs no UAC prompt.
PrivilegesRequired=lowest
DefaultDirName={autopf}\Workdiary
DefaultGroupName=Workdiary
DisableProgramGroupPage=yes
OutputBaseFilename=Workdiary-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\workdiary.exe
UninstallDisplayName=Workdiary
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; A running tray app holds its files open: ask to close it before an upgrade or uninstall.
CloseApplications=yes
RestartApplications=no

[Tasks]
Name: "autostart"; Description: "Start Workdiary when I log in (in the tray, clocked out)"; GroupDescription: "Startup:"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#DistDir}\workdiary\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Workdiary"; Filename: "{app}\workdiary.exe"; Parameters: "app --show"
Name: "{group}\Uninstall Workdiary"; Filename: "{uninstallexe}"
Name: "{userdesktop}\Workdiary"; Filename: "{app}\workdiary.exe"; Parameters: "app --show"; Tasks: desktopicon

[Registry]
; The same value workdiary/autostart/windows.py writes, so the tray setting and this task agree.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "Workdiary"; ValueData: """{app}\workdiary.exe"" app"; Tasks: autostart; Flags: uninsdeletevalue

[Run]
Filename: "{app}\workdiary.exe"; Parameters: "app --show"; Description: "Start Workdiary now"; Flags: nowait postinstall skipifsilent

[Code]
// The tray's "Start at login" may have written the Run value without the task: remove it on
// uninstall too, so nothing tries to start a program that is gone. The user's data in
// %LOCALAPPDATA%\workdiary stays (docs/install.md says how to remove it).
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    RegDeleteValue(HKEY_CURRENT_USER, 'Software\Microsoft\Windows\CurrentVersion\Run', 'Workdiary');
end;
