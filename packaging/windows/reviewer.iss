; Inno Setup 6 script for the Windows installer of Reviewer. Compiled by packaging/build.py:
;
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=build\dist\reviewer /DOutputDir=build
;            /DOutputBaseName=reviewer-0.1.0-windows-x64-setup /DAppIcon=build\icons\reviewer.ico
;            packaging\windows\reviewer.iss
;
; Installs for every user of the machine (Program Files, HKLM), which is what Intune and other
; device-management tools deploy. Silent install and uninstall (see packaging/README.md):
;
;   reviewer-0.1.0-windows-x64-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG
;   "C:\Program Files\Reviewer\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;
; A person's data (store, settings, logs) lives in their own profile and is never touched by
; the uninstaller. IT scripts run the console program by its full path:
; "C:\Program Files\Reviewer\reviewer-app.exe" --version

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (packaging/build.py does)
#endif
#ifndef SourceDir
  #error Pass /DSourceDir=the frozen app folder (packaging/build.py does)
#endif
#ifndef OutputDir
  #define OutputDir "."
#endif
#ifndef OutputBaseName
  #define OutputBaseName "reviewer-" + AppVersion + "-windows-x64-setup"
#endif

#define AppName "Reviewer"
#define AppPublisher "Reviewer"
#define GuiExe "Reviewer.exe"
#define CliExe "reviewer-app.exe"
#define BundleProgId "Reviewer.Bundle"

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{6F0C2B7E-4E3A-4C1B-9B57-2A9D3E51C0A4}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
; Per machine: needs administrator rights, as device-management tools run it.
PrivilegesRequired=admin
ArchitecturesAllowed=x64
ArchitecturesInstallIn64BitMode=x64
ChangesAssociations=yes
CloseApplications=yes
RestartApplications=no
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
SourceDir={#SourceDir}
OutputDir={#OutputDir}
OutputBaseFilename={#OutputBaseName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
#ifdef AppIcon
SetupIconFile={#AppIcon}
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Comment: "School reviews, offline, with signed reports"
Name: "{autoprograms}\Uninstall {#AppName}"; Filename: "{uninstallexe}"

[Registry]
; .reviewer bundles (reviews exported from another laptop) open in Reviewer, which imports them.
Root: HKA; Subkey: "Software\Classes\.reviewer"; ValueType: string; ValueName: ""; ValueData: "{#BundleProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.reviewer"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-reviewer-bundle"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#BundleProgId}"; ValueType: string; ValueName: ""; ValueData: "Reviewer bundle"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#BundleProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#GuiExe},0"
Root: HKA; Subkey: "Software\Classes\{#BundleProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#GuiExe}\SupportedTypes"; ValueType: string; ValueName: ".reviewer"; ValueData: ""; Flags: uninsdeletekey
